//! Unit tests of the checker over hand-built syntax trees, independent of the parser. The
//! TCK-wide tests and one test per rule (over query text) are in `tests/check.rs`.

use super::check;
use crate::ast::*;
use crate::CypherError;

fn span(start: usize) -> Span {
    Span { start, end: start }
}

fn ident(name: &str, at: usize) -> Ident {
    Ident {
        name: name.to_owned(),
        span: span(at),
    }
}

fn expr(kind: ExprKind, at: usize) -> Expr {
    Expr {
        kind,
        span: span(at),
    }
}

fn var(name: &str, at: usize) -> Expr {
    expr(ExprKind::Variable(name.to_owned()), at)
}

fn call(name: &str, args: Vec<Expr>, at: usize) -> Expr {
    let kind = ExprKind::Function {
        name: name.to_owned(),
        distinct: false,
        args,
    };
    expr(kind, at)
}

fn node(name: Option<&str>, at: usize) -> NodePattern {
    NodePattern {
        var: name.map(|n| ident(n, at + 1)),
        labels: Vec::new(),
        props: None,
        span: span(at),
    }
}

fn rel(name: &str, at: usize) -> RelPattern {
    RelPattern {
        var: Some(ident(name, at + 2)),
        types: Vec::new(),
        direction: RelDirection::Either,
        length: None,
        props: None,
        span: span(at),
    }
}

fn part(start: NodePattern, chain: Vec<(RelPattern, NodePattern)>) -> PatternPart {
    PatternPart {
        var: None,
        kind: PathKind::Normal,
        element: PatternElement { start, chain },
        span: Span::default(),
    }
}

fn matching(pattern: Vec<PatternPart>) -> Clause {
    Clause::Match {
        optional: false,
        pattern,
        where_: None,
        span: Span::default(),
    }
}

fn projection(items: Vec<(Expr, Option<&str>)>) -> Projection {
    Projection {
        distinct: false,
        star: false,
        items: items
            .into_iter()
            .map(|(expr, alias)| ProjectionItem {
                expr,
                alias: alias.map(|a| ident(a, 0)),
                text: String::new(),
            })
            .collect(),
        order_by: Vec::new(),
        skip: None,
        limit: None,
        where_: None,
        span: Span::default(),
    }
}

fn query(clauses: Vec<Clause>) -> Query {
    Query {
        first: SingleQuery {
            clauses,
            span: Span::default(),
        },
        unions: Vec::new(),
    }
}

/// The detail of the error `check` raises on `q` over `text`, or "" when it passes.
fn detail(q: &Query, text: &str) -> &'static str {
    match check(q, text) {
        Ok(()) => "",
        Err(CypherError::Compile { detail, .. }) => detail,
        Err(other) => panic!("not a compile-time error: {other}"),
    }
}

#[test]
fn undefined_variable_is_reported_where_it_is_written() {
    let text = "MATCH (a)\nRETURN b";
    let q = query(vec![
        matching(vec![part(node(Some("a"), 6), vec![])]),
        Clause::Return(projection(vec![(var("b", 17), None)])),
    ]);
    let Err(CypherError::Compile {
        detail, position, ..
    }) = check(&q, text)
    else {
        panic!("expected an error");
    };
    assert_eq!(detail, "UndefinedVariable");
    assert_eq!((position.line, position.column), (2, 8));
}

#[test]
fn a_relationship_cannot_be_reused_as_a_node() {
    let text = "MATCH ()-[r]-(r) RETURN r";
    let q = query(vec![
        matching(vec![part(
            node(None, 6),
            vec![(rel("r", 8), node(Some("r"), 13))],
        )]),
        Clause::Return(projection(vec![(var("r", 24), None)])),
    ]);
    assert_eq!(detail(&q, text), "VariableTypeConflict");
}

#[test]
fn aggregates_do_not_nest_and_with_items_need_aliases() {
    let text = "RETURN count(count(*))";
    let inner = expr(ExprKind::CountStar, 13);
    let q = query(vec![Clause::Return(projection(vec![(
        call("count", vec![inner], 7),
        None,
    )]))]);
    assert_eq!(detail(&q, text), "NestedAggregation");

    let text = "MATCH (a) WITH a, count(*) RETURN a";
    let q = query(vec![
        matching(vec![part(node(Some("a"), 6), vec![])]),
        Clause::With(projection(vec![
            (var("a", 15), None),
            (expr(ExprKind::CountStar, 18), None),
        ])),
        Clause::Return(projection(vec![(var("a", 34), None)])),
    ]);
    assert_eq!(detail(&q, text), "NoExpressionAlias");

    let q = query(vec![
        matching(vec![part(node(Some("a"), 6), vec![])]),
        Clause::With(projection(vec![
            (var("a", 15), None),
            (expr(ExprKind::CountStar, 18), Some("c")),
        ])),
        Clause::Return(projection(vec![(var("a", 34), None), (var("c", 34), None)])),
    ]);
    assert_eq!(detail(&q, text), "");
}

/// Wraps `leaf` in `depth` layers made by `layer`.
fn nest(depth: usize, leaf: Expr, layer: impl Fn(Expr) -> ExprKind) -> Expr {
    (0..depth).fold(leaf, |inner, _| expr(layer(inner), 0))
}

#[test]
fn the_deepest_trees_the_parser_accepts_are_checked_on_a_small_stack() {
    let depth = crate::parser::MAX_DEPTH;
    let truth = || expr(ExprKind::Literal(Literal::Bool(true)), 0);
    let one = || expr(ExprKind::Literal(Literal::Int(1)), 0);
    let trees = [
        nest(depth, truth(), |e| {
            ExprKind::Unary(UnaryOp::Not, Box::new(e))
        }),
        nest(depth, truth(), |e| {
            ExprKind::Binary(BinaryOp::And, Box::new(e), Box::new(truth()))
        }),
        nest(depth, one(), |e| {
            ExprKind::Binary(BinaryOp::Add, Box::new(e), Box::new(one()))
        }),
        nest(depth, one(), |e| ExprKind::List(vec![e])),
        nest(depth, one(), |e| ExprKind::ListComprehension {
            var: ident("x", 0),
            list: Box::new(expr(ExprKind::List(vec![one()]), 0)),
            filter: None,
            map: Some(Box::new(e)),
        }),
        nest(depth, one(), |e| ExprKind::Case {
            operand: None,
            whens: vec![(truth(), e)],
            else_: None,
        }),
        nest(depth, one(), |e| call("abs", vec![e], 0).kind),
    ];
    let run = move || {
        for tree in trees {
            let q = query(vec![Clause::Return(projection(vec![(tree, Some("x"))]))]);
            assert_eq!(detail(&q, "RETURN x"), "");
        }
    };
    // The smallest stack a Tokio blocking thread or a test thread gets.
    let worker = std::thread::Builder::new().stack_size(2 << 20).spawn(run);
    assert!(worker.is_ok_and(|w| w.join().is_ok()));
}
