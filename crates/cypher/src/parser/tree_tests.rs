//! Trees of representative queries, written as S-expressions (see `sexpr`).

use super::{parse, sexpr};
use crate::ast::{Clause, ExprKind};
use crate::ErrorKind;

fn tree(query: &str) -> String {
    match parse(query) {
        Ok(ast) => sexpr::query(&ast),
        Err(e) => panic!("{query:?} did not parse: {e}"),
    }
}

/// The tree of `RETURN <text>`'s one item.
fn expr(text: &str) -> String {
    let query = format!("RETURN {text}");
    let ast = parse(&query).unwrap_or_else(|e| panic!("{query:?} did not parse: {e}"));
    match ast.first.clauses.first() {
        Some(Clause::Return(p)) if p.items.len() == 1 => sexpr::expr(&p.items[0].expr),
        _ => panic!("{query:?} is not one RETURN item"),
    }
}

fn syntax_error(query: &str) -> (usize, usize, String) {
    match parse(query) {
        Ok(ast) => panic!("{query:?} parsed: {}", sexpr::query(&ast)),
        Err(crate::CypherError::Compile {
            kind: ErrorKind::SyntaxError,
            message,
            position,
            ..
        }) => (position.line, position.column, message),
        Err(other) => panic!("{query:?}: not a syntax error: {other}"),
    }
}

#[test]
fn operator_precedence() {
    assert_eq!(expr("1 + 2 * 3"), "(+ 1 (* 2 3))");
    assert_eq!(expr("1 - 2 - 3"), "(- (- 1 2) 3)");
    assert_eq!(expr("2 ^ 3 ^ 2"), "(^ (^ 2 3) 2)");
    assert_eq!(expr("-3 ^ 2"), "(^ -3 2)");
    assert_eq!(expr("-x ^ 2"), "(^ (neg x) 2)");
    assert_eq!(expr("- -x"), "(neg (neg x))");
    assert_eq!(
        expr("a OR b XOR c AND NOT d"),
        "(or a (xor b (and c (not d))))"
    );
    assert_eq!(expr("NOT a = b"), "(not (= a b))");
    assert_eq!(expr("NOT a IS NULL"), "(not (is-null a))");
    assert_eq!(expr("a + b IS NOT NULL"), "(is-not-null (+ a b))");
    assert_eq!(expr("a = b IN c"), "(= a (in b c))");
    assert_eq!(expr("[1] + 2 IN [3] + 4"), "(in (+ [1] 2) (+ [3] 4))");
    assert_eq!(
        expr("s STARTS WITH 'a' OR s ENDS WITH 'b' AND s CONTAINS 'c'"),
        "(or (starts-with s \"a\") (and (ends-with s \"b\") (contains s \"c\")))"
    );
    assert_eq!(expr("name =~ 'A.*' = true"), "(= (=~ name \"A.*\") true)");
    assert_eq!(expr("a < b <= c"), "(chain a < b <= c)");
    assert_eq!(expr("1 < x = y > 2"), "(chain 1 < x = y > 2)");
    assert_eq!(expr("a <> b"), "(<> a b)");
    assert_eq!(expr("a % b / c * d"), "(* (/ (% a b) c) d)");
    assert_eq!(expr("(1 + 2) * 3"), "(* (+ 1 2) 3)");
    assert_eq!(expr("+x"), "(pos x)");
}

#[test]
fn postfix_forms() {
    assert_eq!(expr("n.name"), "(. n name)");
    assert_eq!(expr("n.a.b"), "(. (. n a) b)");
    assert_eq!(expr("list[0]"), "(index list 0)");
    assert_eq!(expr("list[1..3]"), "(slice list 1 3)");
    assert_eq!(expr("list[..3]"), "(slice list _ 3)");
    assert_eq!(expr("list[1..]"), "(slice list 1 _)");
    assert_eq!(expr("[[1], [2]][1][0]"), "(index (index [[1] [2]] 1) 0)");
    assert_eq!(expr("n:A:B"), "(labels n A B)");
    assert_eq!(expr("n.count"), "(. n count)");
    assert_eq!(expr("map.`a key`"), "(. map a key)");
    assert_eq!(expr("-n.x"), "(neg (. n x))");
}

#[test]
fn literals_and_numbers() {
    assert_eq!(expr("-9223372036854775808"), "-9223372036854775808");
    assert_eq!(expr("9223372036854775807"), "9223372036854775807");
    assert_eq!(expr("0x1F"), "31");
    assert_eq!(expr("-0o17"), "-15");
    assert_eq!(expr("-.5"), "-0.5");
    assert_eq!(expr("1.5E-3"), "0.0015");
    assert_eq!(expr("'it''s'".replace("''", "\\'").as_str()), "\"it's\"");
    assert_eq!(
        expr("[1, 'a', null, true, FALSE]"),
        "[1 \"a\" null true false]"
    );
    assert_eq!(
        expr("{a: 1, `b c`: [], match: 2}"),
        "{a: 1, b c: [], match: 2}"
    );
    assert_eq!(expr("$param"), "$param");
    assert_eq!(expr("$0"), "$0");
    for overflow in [
        "RETURN 9223372036854775808",
        "RETURN -9223372036854775809",
        "RETURN 0x8000000000000000",
        "RETURN -0x8000000000000001",
        "RETURN -0o1000000000000000000001",
    ] {
        let (line, column, message) = syntax_error(overflow);
        assert_eq!((line, column), (1, 8), "{overflow}: {message}");
    }
}

#[test]
fn atoms() {
    assert_eq!(expr("count(*)"), "(count-star)");
    assert_eq!(expr("count(DISTINCT n.x)"), "(call count distinct (. n x))");
    assert_eq!(expr("toInteger('1')"), "(call toInteger \"1\")");
    assert_eq!(expr("db.labels()"), "(call db.labels)");
    assert_eq!(expr("exists(n.prop)"), "(call exists (. n prop))");
    assert_eq!(
        expr("CASE x WHEN 1 THEN 'a' WHEN 2 THEN 'b' ELSE 'c' END"),
        "(case x (when 1 \"a\") (when 2 \"b\") \"c\")"
    );
    assert_eq!(expr("CASE WHEN a THEN 1 END"), "(case _ (when a 1) _)");
    assert_eq!(
        expr("[x IN list WHERE x > 1 | x * 2]"),
        "(list-comp x list (> x 1) (* x 2))"
    );
    assert_eq!(expr("[x IN list]"), "(list-comp x list _ _)");
    assert_eq!(
        expr("[p = (a)-->(b:B) WHERE b.x | p]"),
        "(pattern-comp p (a)-[]->(b:B) (. b x) p)"
    );
    assert_eq!(
        expr("[(a)-[:R]-() | 1]"),
        "(pattern-comp _ (a)-[:R]-() _ 1)"
    );
    assert_eq!(expr("[(1), (2)]"), "[1 2]");
    assert_eq!(expr("all(x IN l WHERE x > 0)"), "(all x l (> x 0))");
    assert_eq!(expr("none(x IN l)"), "(none x l _)");
    assert_eq!(expr("single(x IN l WHERE x)"), "(single x l x)");
    assert_eq!(expr("any(x IN l WHERE x)"), "(any x l x)");
    assert_eq!(
        expr("reduce(acc = 0, x IN l | acc + x)"),
        "(reduce acc 0 x l (+ acc x))"
    );
    assert_eq!(
        expr("n {.a, .*, k: 1 + 1, v}"),
        "(map-projection n .a .* k: (+ 1 1) v)"
    );
    assert_eq!(expr("n {}"), "(map-projection n)");
    assert_eq!(expr("((1))"), "1");
}

#[test]
fn pattern_predicates_and_exists() {
    assert_eq!(
        tree("MATCH (a), (b) WHERE (a)-[:R]->(b) AND NOT (b)<--(a) RETURN a"),
        "(match (a) (b) where (and (pattern (a)-[:R]->(b)) (not (pattern (b)<-[]-(a))))) \
         (return a)"
    );
    assert_eq!(
        tree("MATCH (a) WHERE (a) = a RETURN a"),
        "(match (a) where (= a a)) (return a)"
    );
    assert_eq!(
        tree("MATCH (a) WHERE (a) - -1 > 0 RETURN a"),
        "(match (a) where (> (- a -1) 0)) (return a)"
    );
    assert_eq!(
        tree("MATCH (a) WHERE (a) < -1 RETURN a"),
        "(match (a) where (< a -1)) (return a)"
    );
    assert_eq!(
        tree("MATCH (n) WHERE EXISTS { (n)-->(m) WHERE m.x = 1 } RETURN n"),
        "(match (n) where (exists (n)-[]->(m) (= (. m x) 1))) (return n)"
    );
    assert_eq!(
        tree("MATCH (n) WHERE exists { MATCH (n)-->(m) } RETURN n"),
        "(match (n) where (exists (n)-[]->(m) _)) (return n)"
    );
    assert_eq!(
        tree("MATCH (n) WHERE exists { MATCH (n)-->(m) WITH m, count(*) AS c WHERE c > 1 RETURN true } RETURN n"),
        "(match (n) where (exists-query (match (n)-[]->(m)) (with m count-star as c where (> c 1)) \
         (return true))) (return n)"
            .replace("count-star", "(count-star)")
    );
    assert_eq!(
        tree("MATCH (n) RETURN exists((n)-->()) AS e"),
        "(match (n)) (return (pattern (n)-[]->()) as e)"
    );
    for misplaced in [
        "MATCH (n) RETURN (n)-->()",
        "MATCH (n) WITH (n)-->() AS x RETURN x",
        "MATCH (n) WHERE size((n)-->()) > 0 RETURN n",
        "MATCH (n) WHERE (n)-->() = true RETURN n",
    ] {
        let (_, _, message) = syntax_error(misplaced);
        assert!(
            message.contains("only be a predicate in WHERE"),
            "{misplaced}: {message}"
        );
    }
}

#[test]
fn patterns() {
    assert_eq!(
        tree("MATCH p = (a:A:B {k: 1})-[r:T|U|:V *1..3 {w: 2}]->(b), (c $props)<-[]-() RETURN p"),
        "(match p = (a:A:B {k: 1})-[r:T|U|V*1..3 {w: 2}]->(b) (c $props)<-[]-()) (return p)"
    );
    assert_eq!(
        tree("MATCH (a)-[*]-(b)-[*2]->(c)<-[*..3]-(d)-[*2..]-(e)-[r*]-(f) RETURN a"),
        "(match (a)-[*..]-(b)-[*2..2]->(c)<-[*..3]-(d)-[*2..]-(e)-[r*..]-(f)) (return a)"
    );
    assert_eq!(
        tree("MATCH (a)-->(b)<--(c)--(d)<-->(e) RETURN a"),
        "(match (a)-[]->(b)<-[]-(c)-[]-(d)-[]-(e)) (return a)"
    );
    assert_eq!(
        tree("MATCH p = shortestPath((a)-[*]-(b)), q = allShortestPaths((a)-->(b)) RETURN p"),
        "(match p = shortestPath((a)-[*..]-(b)) q = allShortestPaths((a)-[]->(b))) (return p)"
    );
    assert_eq!(
        tree("MATCH ((a)-->(b)) RETURN a"),
        "(match (a)-[]->(b)) (return a)"
    );
    assert_eq!(
        tree("MATCH (`my var`:`My Label`) RETURN `my var`"),
        "(match (my var:My Label)) (return my var)"
    );
}

#[test]
fn contract_queries() {
    assert_eq!(
        tree(
            "MATCH (a:Rider)-[:IS_FRIEND]-(b:Rider)-[:IS_FRIEND]-(c:Rider) WHERE id(a)=123 \
             RETURN c;"
        ),
        "(match (a:Rider)-[:IS_FRIEND]-(b:Rider)-[:IS_FRIEND]-(c:Rider) where \
         (= (call id a) 123)) (return c)"
    );
    assert_eq!(
        tree(
            "MATCH (a:Rider)-[:IS_FRIEND]-(b:Rider)-[:IS_FRIEND]-(c:Rider) WHERE id(a)=123 AND \
             NOT (a:Rider)-[:IS_FRIEND]-(c:Rider) RETURN c;"
        ),
        "(match (a:Rider)-[:IS_FRIEND]-(b:Rider)-[:IS_FRIEND]-(c:Rider) where \
         (and (= (call id a) 123) (not (pattern (a:Rider)-[:IS_FRIEND]-(c:Rider))))) (return c)"
    );
}

#[test]
fn clauses() {
    assert_eq!(
        tree("OPTIONAL MATCH (n) UNWIND [1, 2] AS x WITH DISTINCT n, x AS y ORDER BY y DESC, n.a ASCENDING SKIP 1 LIMIT 2 WHERE y > 1 RETURN *, n ORDER BY n DESCENDING"),
        "(optional-match (n)) (unwind [1 2] as x) (with distinct n x as y order y desc \
         order (. n a) skip 1 limit 2 where (> y 1)) (return * n order n desc)"
    );
    assert_eq!(
        tree("CREATE (a:A {k: 1})-[:T]->(b) MERGE (c:C) ON MATCH SET c.seen = true ON CREATE SET c.n = 1, c:New ON MATCH SET c += {x: 1}"),
        "(create (a:A {k: 1})-[:T]->(b)) (merge (c:C) on-create [c.n = 1 c:New] on-match \
         [c.seen = true c += {x: 1}])"
    );
    assert_eq!(
        tree("MATCH (n) SET n.k = 1, n = {a: 1}, n += $m, n:A:B, (n).j = 2 REMOVE n.k, n:A DETACH DELETE n"),
        "(match (n)) (set n.k = 1 n = {a: 1} n += $m n:A:B n.j = 2) (remove n.k n:A) \
         (detach-delete n)"
    );
    assert_eq!(
        tree("MATCH (n)-[r]->() DELETE r, n"),
        "(match (n)-[r]->()) (delete r n)"
    );
    assert_eq!(
        tree("RETURN 1 AS x UNION RETURN 2 AS x"),
        "(return 1 as x) union (return 2 as x)"
    );
    assert_eq!(
        tree("RETURN 1 AS x UNION ALL RETURN 2 AS x UNION ALL RETURN 3 AS x"),
        "(return 1 as x) union-all (return 2 as x) union-all (return 3 as x)"
    );
    assert_eq!(
        tree("CALL db.labels() YIELD label AS l, other WHERE l <> '' RETURN l"),
        "(call db.labels () yield [label as l other] where (<> l \"\")) (return l)"
    );
    assert_eq!(
        tree("CALL test.doNothing"),
        "(call test.doNothing _ yield [])"
    );
    assert_eq!(
        tree("CALL test.proc(1) YIELD *"),
        "(call test.proc (1) yield [])"
    );
    assert_eq!(tree("match (n) return n"), "(match (n)) (return n)");
}

#[test]
fn projection_text_is_the_source_text() {
    let ast = parse("RETURN count( * ), n.name, a + b AS s, (1), -1, [x IN l | x]")
        .unwrap_or_else(|e| panic!("{e}"));
    let Some(Clause::Return(p)) = ast.first.clauses.first() else {
        panic!("no RETURN");
    };
    let texts: Vec<&str> = p.items.iter().map(|i| i.text.as_str()).collect();
    assert_eq!(
        texts,
        ["count( * )", "n.name", "a + b", "(1)", "-1", "[x IN l | x]"]
    );
}

#[test]
fn spans_cover_the_source() {
    let text = "MATCH (a)-[r:T]->(b) WHERE a.x > 1 RETURN a";
    let ast = parse(text).unwrap_or_else(|e| panic!("{e}"));
    let Some(Clause::Match {
        pattern,
        where_,
        span,
        ..
    }) = ast.first.clauses.first()
    else {
        panic!("no MATCH");
    };
    let slice = |s: crate::ast::Span| &text[s.start..s.end];
    assert_eq!(slice(*span), "MATCH (a)-[r:T]->(b) WHERE a.x > 1");
    assert_eq!(slice(pattern[0].span), "(a)-[r:T]->(b)");
    assert_eq!(slice(pattern[0].element.start.span), "(a)");
    assert_eq!(slice(pattern[0].element.chain[0].0.span), "-[r:T]->");
    let Some(where_) = where_ else {
        panic!("no WHERE");
    };
    assert_eq!(slice(where_.span), "a.x > 1");
    let ExprKind::Binary(_, lhs, _) = &where_.kind else {
        panic!("not a comparison");
    };
    assert_eq!(slice(lhs.span), "a.x");
    assert_eq!(
        slice(ast.first.span),
        "MATCH (a)-[r:T]->(b) WHERE a.x > 1 RETURN a"
    );
}

#[test]
fn nesting_up_to_the_limit_parses_and_beyond_it_fails() {
    let parens = |n: usize| format!("RETURN {}1{}", "(".repeat(n), ")".repeat(n));
    assert_eq!(tree(&parens(190)), "(return 1)");
    assert!(syntax_error(&parens(201)).2.contains("too deeply"));
    let sum = |n: usize| format!("RETURN 1{}", " + 1".repeat(n));
    tree(&sum(190));
    assert!(syntax_error(&sum(201)).2.contains("too deeply"));
    let lookups = |n: usize| format!("WITH {{}} AS m RETURN m{}", ".k".repeat(n));
    tree(&lookups(190));
    assert!(syntax_error(&lookups(201)).2.contains("too deeply"));
    let lists = |n: usize| format!("RETURN {}{}", "[".repeat(n), "]".repeat(n));
    tree(&lists(190));
    assert!(syntax_error(&lists(201)).2.contains("too deeply"));
    // A long flat list is not deep.
    tree(&format!("RETURN [{}]", vec!["1"; 10_000].join(", ")));
}
