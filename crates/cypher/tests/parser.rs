//! The parser through the public API: every construct of the supported Cypher parses (and
//! passes the semantic checks, so these queries are all valid), a few trees in full, the
//! positions and messages of syntax errors, and the limits on nesting.

use pillion_cypher::ast::{
    BinaryOp, Clause, Expr, ExprKind, Literal, PathKind, RelDirection, SetItem, UnaryOp,
};
use pillion_cypher::{parse, CypherError, ErrorKind, Position};

fn parses(query: &str) -> pillion_cypher::ast::Query {
    match parse(query) {
        Ok(ast) => ast,
        Err(e) => panic!("{query:?} did not parse: {e}"),
    }
}

/// The line, column, detail and message of the syntax error `query` raises.
fn syntax_error(query: &str) -> (Position, &'static str, String) {
    match parse(query) {
        Ok(ast) => panic!("{query:?} parsed: {ast:?}"),
        Err(CypherError::Compile {
            kind: ErrorKind::SyntaxError,
            detail,
            message,
            position,
        }) => (position, detail, message),
        Err(other) => panic!("{query:?}: not a syntax error: {other}"),
    }
}

fn at(line: usize, column: usize) -> Position {
    Position { line, column }
}

fn return_items(query: &pillion_cypher::ast::Query) -> Vec<&Expr> {
    match query.first.clauses.last() {
        Some(Clause::Return(p)) => p.items.iter().map(|i| &i.expr).collect(),
        _ => panic!("the query does not end with RETURN"),
    }
}

#[test]
fn every_construct_parses() {
    let queries = [
        // Clauses.
        "MATCH (n) RETURN n",
        "MATCH (a), (b)-->(c) WHERE a.x = 1 RETURN a, b, c",
        "OPTIONAL MATCH (n:Person) RETURN n",
        "UNWIND [1, 2, 3] AS x RETURN x",
        "WITH 1 AS x, 2 AS y WHERE x < y RETURN x + y AS sum",
        "MATCH (n) WITH DISTINCT n ORDER BY n.name ASC, n.age DESCENDING SKIP 1 LIMIT 10 \
         RETURN n",
        "MATCH (n) RETURN DISTINCT n.name AS name ORDER BY name DESC SKIP $s LIMIT $l",
        "MATCH (n) RETURN *",
        "MATCH (n) RETURN *, n.name AS name ORDER BY name ASCENDING",
        "CREATE (a:A {name: 'a'})-[:KNOWS {since: 2020}]->(b:B), (c)",
        "MERGE (n:Person {name: 'x'}) ON CREATE SET n.created = 1 ON MATCH SET n.seen = 2 \
         ON CREATE SET n.other = 3 RETURN n",
        "MATCH (n) SET n.k = 1, n = {a: 1}, n += {b: 2}, n:A:B, (n).j = 3 RETURN n",
        "MATCH (n) REMOVE n.k, n:A:B RETURN n",
        "MATCH (n) DELETE n",
        "MATCH (n) DETACH DELETE n",
        "MATCH (n)-[r]->() DELETE r, n",
        "RETURN 1 AS x UNION RETURN 2 AS x",
        "RETURN 1 AS x UNION ALL RETURN 1 AS x",
        "CALL db.labels() YIELD label RETURN label",
        "CALL db.labels",
        "MATCH (n) RETURN n;",
        "match (n) where n.name starts with 'A' return n order by n.name desc",
        // Patterns.
        "MATCH (n:A:B {k: 1}) RETURN n",
        "CREATE (n $props) RETURN n",
        "MATCH (a)-[r:T|U|:V *1..3 {k: 1}]->(b) RETURN a, b",
        "MATCH (a)<-[r]-(b) RETURN r",
        "MATCH (a)-[r]-(b) RETURN r",
        "MATCH (a)-->(b)<--(c)--(d) RETURN a, b, c, d",
        "MATCH (a)-[*]->(b), (c)-[*2]->(d), (e)-[*1..3]->(f), (g)-[*..3]->(h), (i)-[*2..]->(j) \
         RETURN a",
        "MATCH p = (a)-->(b) RETURN p",
        "MATCH p = shortestPath((a)-[*]-(b)) RETURN p",
        "MATCH p = allShortestPaths((a)-[*]-(b)) RETURN p",
        "MATCH (`odd name`:`Odd Label`) RETURN `odd name`",
        // Expressions.
        "RETURN 1, -1, 1.5, .5, 1e10, 1.5E-3, 0x1F, 0o17, -9223372036854775808",
        "RETURN 'single', \"double\", 'esc\\'\\n\\t\\u00e9\\U0001F600', null, true, FALSE",
        "RETURN $param, $0",
        "RETURN [1, 2, [3]], {a: 1, b: {c: []}}, {}",
        "WITH [1, 2, 3] AS l RETURN l[0], l[1..2], l[..1], l[1..], l[-1]",
        "WITH {a: {b: 1}} AS m RETURN m.a.b, m['a']",
        "MATCH (n) RETURN n:A, n:A:B",
        "RETURN 1 + 2 * 3 - 4 / 5 % 6 ^ 7",
        "RETURN 1 < 2 <= 3, 1 = 1 <> 2, 3 > 2 >= 1",
        "RETURN 'abc' STARTS WITH 'a', 'abc' ENDS WITH 'c', 'abc' CONTAINS 'b', 'abc' =~ 'a.*'",
        "RETURN 1 IN [1, 2], null IS NULL, 1 IS NOT NULL",
        "RETURN true AND false OR NOT true XOR false",
        "MATCH (n) RETURN count(*), count(n), count(DISTINCT n), collect(n.name)",
        "RETURN toInteger('1'), toUpper('a'), size([1]), coalesce(null, 1)",
        "MATCH (n) WHERE exists(n.prop) RETURN n",
        "WITH 1 AS x RETURN CASE x WHEN 1 THEN 'one' WHEN 2 THEN 'two' ELSE 'many' END",
        "WITH 1 AS x RETURN CASE WHEN x > 0 THEN 'pos' ELSE 'neg' END",
        "RETURN [x IN [1, 2, 3] WHERE x > 1 | x * 2], [x IN [1, 2]], [x IN [1] | x]",
        "MATCH (a) RETURN [p = (a)-->(b) WHERE b.x > 1 | p], [(a)--(c) | c.name]",
        "RETURN all(x IN [1] WHERE x > 0), any(x IN [1] WHERE x > 0), \
         none(x IN [1] WHERE x > 0), single(x IN [1] WHERE x > 0)",
        "RETURN reduce(acc = 0, x IN [1, 2, 3] | acc + x)",
        "MATCH (a), (b) WHERE (a)-[:R]->(b) AND NOT (a)<-[:S]-(b) RETURN a",
        "MATCH (n) WHERE EXISTS { MATCH (n)-->(m) WHERE m.x = 1 } RETURN n",
        "MATCH (n) WHERE EXISTS { (n)-->(m) WHERE m.x = 1 } RETURN n",
        "MATCH (n) WHERE EXISTS { MATCH (n)-->(m) WITH m, count(*) AS c WHERE c > 1 RETURN m } \
         RETURN n",
        "MATCH (n) RETURN n {.name, .*, k: 1, n}",
        "RETURN (1 + 2) * 3, ((1))",
        "RETURN 1 // a comment\n + /* a block\ncomment */ 2",
        "MATCH (a:Rider)-[:IS_FRIEND]-(b:Rider)-[:IS_FRIEND]-(c:Rider) WHERE id(a)=123 RETURN c;",
        "MATCH (a:Rider)-[:IS_FRIEND]-(b:Rider)-[:IS_FRIEND]-(c:Rider) WHERE id(a)=123 AND \
         NOT (a:Rider)-[:IS_FRIEND]-(c:Rider) RETURN c;",
    ];
    for query in queries {
        parses(query);
    }
}

#[test]
fn the_contract_queries_have_the_expected_trees() {
    let ast = parses(
        "MATCH (a:Rider)-[:IS_FRIEND]-(b:Rider)-[:IS_FRIEND]-(c:Rider) WHERE id(a)=123 AND \
         NOT (a:Rider)-[:IS_FRIEND]-(c:Rider) RETURN c;",
    );
    assert!(ast.unions.is_empty());
    let [Clause::Match {
        optional: false,
        pattern,
        where_: Some(where_),
        ..
    }, Clause::Return(ret)] = ast.first.clauses.as_slice()
    else {
        panic!("expected MATCH ... RETURN, got {:?}", ast.first.clauses);
    };
    assert_eq!(pattern.len(), 1);
    let element = &pattern[0].element;
    assert_eq!(pattern[0].kind, PathKind::Normal);
    assert_eq!(element.start.labels[0].name, "Rider");
    assert_eq!(element.chain.len(), 2);
    for (rel, _) in &element.chain {
        assert_eq!(rel.direction, RelDirection::Either);
        assert_eq!(rel.types[0].name, "IS_FRIEND");
        assert_eq!(rel.length, None);
    }
    let ExprKind::Binary(BinaryOp::And, id_test, not_pattern) = &where_.kind else {
        panic!("WHERE is not an AND: {where_:?}");
    };
    let ExprKind::Binary(BinaryOp::Eq, id_call, id_value) = &id_test.kind else {
        panic!("not id(a) = 123: {id_test:?}");
    };
    assert!(
        matches!(&id_call.kind, ExprKind::Function { name, distinct: false, args }
        if name == "id" && matches!(&args[0].kind, ExprKind::Variable(v) if v == "a"))
    );
    assert_eq!(id_value.kind, ExprKind::Literal(Literal::Int(123)));
    let ExprKind::Unary(UnaryOp::Not, predicate) = &not_pattern.kind else {
        panic!("not a NOT: {not_pattern:?}");
    };
    let ExprKind::PatternPredicate(element) = &predicate.kind else {
        panic!("not a pattern predicate: {predicate:?}");
    };
    assert_eq!(element.chain.len(), 1);
    assert_eq!(
        element.chain[0].1.var.as_ref().map(|v| v.name.as_str()),
        Some("c")
    );
    assert_eq!(ret.items.len(), 1);
    assert_eq!(ret.items[0].text, "c");
}

#[test]
fn set_items_and_merge_actions() {
    let ast = parses(
        "MERGE (n:A) ON MATCH SET n.x = 1 ON CREATE SET n += {y: 2} ON MATCH SET n:B RETURN n",
    );
    let Some(Clause::Merge {
        on_create,
        on_match,
        ..
    }) = ast.first.clauses.first()
    else {
        panic!("no MERGE");
    };
    assert!(matches!(on_create.as_slice(), [SetItem::Merge { var, .. }] if var.name == "n"));
    assert!(matches!(
        on_match.as_slice(),
        [SetItem::Property { key, .. }, SetItem::Labels { labels, .. }]
            if key.name == "x" && labels[0].name == "B"
    ));
}

#[test]
fn column_names_are_the_source_text() {
    let ast = parses("WITH 1 AS a, 2 AS b RETURN a + b, count( * ), a AS renamed, [a, b][0]");
    let Some(Clause::Return(ret)) = ast.first.clauses.last() else {
        panic!("no RETURN");
    };
    let texts: Vec<&str> = ret.items.iter().map(|i| i.text.as_str()).collect();
    assert_eq!(texts, ["a + b", "count( * )", "a", "[a, b][0]"]);
    assert_eq!(
        ret.items[2].alias.as_ref().map(|a| a.name.as_str()),
        Some("renamed")
    );
}

#[test]
fn the_smallest_integer_is_written_with_a_minus() {
    let ast = parses("RETURN -9223372036854775808 AS min, - 1 AS spaced");
    let items = return_items(&ast);
    assert_eq!(items[0].kind, ExprKind::Literal(Literal::Int(i64::MIN)));
    assert_eq!(items[1].kind, ExprKind::Literal(Literal::Int(-1)));
}

#[test]
fn syntax_errors_point_at_the_offending_token() {
    let cases: &[(&str, Position, &str, &str)] = &[
        (
            "MATCH (n RETURN n",
            at(1, 10),
            "UnexpectedSyntax",
            "found 'RETURN'",
        ),
        (
            "MATCH (n)\nWHERE n.x =\nRETURN n",
            at(3, 1),
            "UnexpectedSyntax",
            "expected an expression",
        ),
        (
            "RETURN 1 +",
            at(1, 11),
            "UnexpectedSyntax",
            "found the end of the query",
        ),
        (
            "MATCH (n)\n  RETURN n.name AS",
            at(2, 19),
            "UnexpectedSyntax",
            "expected an alias",
        ),
        ("RETURN 'é', ]", at(1, 13), "UnexpectedSyntax", "found ']'"),
        (
            "RETURN [, ]",
            at(1, 9),
            "UnexpectedSyntax",
            "expected an expression, found ','",
        ),
        (
            "RETURN {1}",
            at(1, 9),
            "UnexpectedSyntax",
            "expected a property key name",
        ),
        (
            "RETURN {k1.k: 1}",
            at(1, 11),
            "UnexpectedSyntax",
            "expected ':'",
        ),
        (
            "MATCH (a)-[:R*-2]->(b) RETURN a",
            at(1, 15),
            "InvalidRelationshipPattern",
            "non-negative",
        ),
        (
            "MATCH (a)-[:R..]->(b) RETURN a",
            at(1, 14),
            "InvalidRelationshipPattern",
            "'*'",
        ),
        (
            "RETURN 'abc",
            at(1, 8),
            "UnexpectedSyntax",
            "unterminated string",
        ),
        ("RETURN a != b", at(1, 10), "UnexpectedSyntax", "'<>'"),
        (
            "RETURN 9223372036854775808",
            at(1, 8),
            "IntegerOverflow",
            "too large",
        ),
        (
            "RETURN 1.34E999",
            at(1, 8),
            "FloatingPointOverflow",
            "too large",
        ),
        (
            "RETURN 0x1A2b3j4D",
            at(1, 8),
            "InvalidNumberLiteral",
            "0x1A2b3j4D",
        ),
        (
            "RETURN '\\uH'",
            at(1, 9),
            "InvalidUnicodeLiteral",
            "hexadecimal",
        ),
        (
            "RETURN 42 — 41",
            at(1, 11),
            "InvalidUnicodeCharacter",
            "unexpected character",
        ),
        (
            "MATCH (n) RETURN n MATCH (m) RETURN m",
            at(1, 20),
            "InvalidClauseComposition",
            "last",
        ),
        (
            "CREATE (n) MATCH (m) RETURN m",
            at(1, 12),
            "InvalidClauseComposition",
            "WITH",
        ),
        (
            "MATCH (n)",
            at(1, 10),
            "InvalidClauseComposition",
            "cannot end with MATCH",
        ),
        (
            "RETURN 1 AS a UNION RETURN 2 AS a UNION ALL RETURN 3 AS a",
            at(1, 35),
            "InvalidClauseComposition",
            "mixed",
        ),
        (
            "MATCH (n) RETURN (n)-->()",
            at(1, 18),
            "UnexpectedSyntax",
            "only be a predicate",
        ),
        (
            "MATCH (n) WHERE EXISTS { MATCH (n)-->(m) SET m.x = 1 } RETURN n",
            at(1, 42),
            "InvalidClauseComposition",
            "EXISTS",
        ),
        (
            "CALL p() YIELD * RETURN 1",
            at(1, 16),
            "UnexpectedSyntax",
            "YIELD *",
        ),
        (
            "MATCH (n) CALL p YIELD x RETURN x",
            at(1, 11),
            "InvalidArgumentPassingMode",
            "parentheses",
        ),
        (
            "RETURN 1 /* open",
            at(1, 10),
            "UnexpectedSyntax",
            "unterminated comment",
        ),
        (
            "RETURN 1; RETURN 2",
            at(1, 11),
            "UnexpectedSyntax",
            "end of the query",
        ),
        ("", at(1, 1), "UnexpectedSyntax", "expected a clause"),
        (
            "RETURN CASE WHEN true THEN 1",
            at(1, 29),
            "UnexpectedSyntax",
            "expected END",
        ),
        (
            "RETURN 1 = NOT true",
            at(1, 12),
            "UnexpectedSyntax",
            "found 'NOT'",
        ),
    ];
    for (query, position, detail, message) in cases {
        let (got_position, got_detail, got_message) = syntax_error(query);
        assert_eq!(
            (got_position, got_detail),
            (*position, *detail),
            "{query:?}: {got_message}"
        );
        assert!(
            got_message.contains(message),
            "{query:?}: {got_message:?} does not mention {message:?}"
        );
    }
}

#[test]
fn nesting_beyond_the_limit_is_a_syntax_error() {
    let deep = 10_000;
    let queries = [
        format!("RETURN {}1{}", "(".repeat(deep), ")".repeat(deep)),
        format!("RETURN {}{}", "[".repeat(deep), "]".repeat(deep)),
        format!("RETURN {}1{}", "{a: ".repeat(deep), "}".repeat(deep)),
        format!("RETURN {}1", "-".repeat(deep)),
        format!("RETURN {}true", "NOT ".repeat(deep)),
        format!("RETURN 1{}", " + 1".repeat(deep)),
        format!("WITH {{}} AS m RETURN m{}", ".k".repeat(deep)),
        format!("WITH [] AS l RETURN l{}", "[0]".repeat(deep)),
        format!("RETURN null{}", " IS NULL".repeat(deep)),
        format!(
            "MATCH {}(a)-->(b){} RETURN a",
            "(".repeat(deep),
            ")".repeat(deep)
        ),
        format!(
            "MATCH (n) WHERE {}true{} RETURN n",
            "EXISTS { MATCH (n) WHERE ".repeat(deep),
            " }".repeat(deep)
        ),
        "RETURN ".to_string() + &"(".repeat(deep),
    ];
    for query in &queries {
        let (_, _, message) = syntax_error(query);
        assert!(
            message.contains("too deeply") || query.ends_with('('),
            "{}...: {message}",
            &query[..40]
        );
    }
}
