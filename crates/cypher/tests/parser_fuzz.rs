//! No input makes parsing panic, overflow the stack or hang, and every syntax error points
//! inside the text: arbitrary strings, soups of Cypher tokens, and valid queries with random
//! edits.

use pillion_cypher::{parse, CypherError};
use proptest::prelude::*;
use proptest::sample::select;

#[rustfmt::skip]
const TOKENS: &[&str] = &[
    "MATCH", "OPTIONAL", "WHERE", "RETURN", "WITH", "UNWIND", "AS", "CREATE", "MERGE", "ON", "SET",
    "REMOVE", "DELETE", "DETACH", "CALL", "YIELD", "UNION", "ALL", "ORDER", "BY", "SKIP", "LIMIT",
    "DISTINCT", "ASC", "DESC", "AND", "OR", "XOR", "NOT", "IN", "IS", "NULL", "TRUE", "FALSE",
    "STARTS", "ENDS", "WITH", "CONTAINS", "CASE", "WHEN", "THEN", "ELSE", "END", "EXISTS", "count",
    "any", "all", "none", "single", "reduce", "shortestPath", "n", "m", "x", "`q q`", "$p", "$0",
    "0", "1", "-1", "1.5", ".5", "1e3", "0x1F", "0o7", "9223372036854775808", "'s'", "\"t\"", "(",
    ")", "[", "]", "{", "}", ",", ".", "..", ":", ";", "|", "+", "+=", "-", "*", "/", "%", "^",
    "=", "=~", "<>", "<", "<=", ">", ">=", "->", "<-", "-->", "<--", "--", "//c\n", "/*c*/", "é",
    "\n",
];

const SEEDS: &[&str] = &[
    "MATCH (a:Rider)-[:IS_FRIEND]-(b:Rider)-[:IS_FRIEND]-(c:Rider) WHERE id(a)=123 AND NOT \
     (a:Rider)-[:IS_FRIEND]-(c:Rider) RETURN c;",
    "MATCH p = (a)-[r:T|U*1..3 {k: 1}]->(b) WHERE a.x > 1 OR b:B RETURN p, count(*) AS c \
     ORDER BY c DESC SKIP 1 LIMIT 2",
    "UNWIND [1, 2, 3] AS x WITH x WHERE x % 2 = 1 RETURN [y IN range(0, x) WHERE y > 0 | y ^ 2] \
     AS ys, reduce(s = 0, z IN [x] | s + z) AS s",
    "MERGE (n:A {k: $k}) ON CREATE SET n.c = 1 ON MATCH SET n += {m: 2} RETURN n {.k, .*}",
    "MATCH (n) WHERE EXISTS { MATCH (n)-->(m) WHERE m.x STARTS WITH 'a' } RETURN CASE WHEN \
     n.x IS NULL THEN -9223372036854775808 ELSE n.x[1..2] END",
    "CALL db.labels() YIELD label AS l WHERE l <> '' RETURN l UNION RETURN 'x' AS l",
];

/// Parses `query`; a syntax error must have a position inside it.
fn check(query: &str) -> Result<(), TestCaseError> {
    if let Err(CypherError::Compile { position, .. }) = parse(query) {
        let lines: Vec<&str> = query.split('\n').collect();
        prop_assert!(
            position.line >= 1 && position.line <= lines.len(),
            "line {} of {} in {query:?}",
            position.line,
            lines.len()
        );
        let line_chars = lines[position.line - 1].chars().count();
        prop_assert!(
            position.column >= 1 && position.column <= line_chars + 1,
            "column {} of {line_chars} in {query:?}",
            position.column
        );
    }
    Ok(())
}

fn floor_char_boundary(text: &str, mut at: usize) -> usize {
    at = at.min(text.len());
    while !text.is_char_boundary(at) {
        at -= 1;
    }
    at
}

/// One edit of a query: delete, duplicate or insert at byte positions (snapped to characters).
#[derive(Debug, Clone)]
enum Edit {
    Delete(usize, usize),
    Duplicate(usize, usize),
    Insert(usize, &'static str),
}

fn apply(query: &str, edit: &Edit) -> String {
    let mut text = query.to_string();
    match edit {
        Edit::Delete(a, len) | Edit::Duplicate(a, len) => {
            let start = floor_char_boundary(&text, *a);
            let end = floor_char_boundary(&text, start + len);
            let piece = text[start..end].to_string();
            if matches!(edit, Edit::Delete(..)) {
                text.replace_range(start..end, "");
            } else {
                text.insert_str(end, &piece);
            }
        }
        Edit::Insert(a, token) => {
            let at = floor_char_boundary(&text, *a);
            text.insert_str(at, token);
        }
    }
    text
}

fn edit() -> impl Strategy<Value = Edit> {
    prop_oneof![
        (0..200usize, 1..12usize).prop_map(|(a, n)| Edit::Delete(a, n)),
        (0..200usize, 1..40usize).prop_map(|(a, n)| Edit::Duplicate(a, n)),
        (0..200usize, select(TOKENS)).prop_map(|(a, t)| Edit::Insert(a, t)),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 1000, ..ProptestConfig::default() })]

    #[test]
    fn arbitrary_text_never_panics(text in any::<String>()) {
        check(&text)?;
    }

    #[test]
    fn cypher_token_soup_never_panics(
        tokens in proptest::collection::vec(select(TOKENS), 0..80),
        spaced in any::<bool>(),
    ) {
        let query = tokens.join(if spaced { " " } else { "" });
        check(&query)?;
    }

    #[test]
    fn edited_valid_queries_never_panic(
        seed in select(SEEDS),
        edits in proptest::collection::vec(edit(), 1..6),
    ) {
        let query = edits.iter().fold(seed.to_string(), |q, e| apply(&q, e));
        check(&query)?;
    }

}

proptest! {
    #![proptest_config(ProptestConfig { cases: 200, ..ProptestConfig::default() })]

    #[test]
    fn deep_and_long_inputs_never_panic(
        open in select(&["(", "[", "{a: ", "-", "NOT ", "EXISTS { MATCH (n) WHERE ", "f(", "n.k", "[0]"][..]),
        depth in 0..1000usize,
    ) {
        let query = format!("MATCH (n) WHERE {} 1 RETURN n", open.repeat(depth));
        check(&query)?;
    }
}

#[test]
fn the_seeds_are_valid() {
    for seed in SEEDS {
        if let Err(e) = parse(seed) {
            panic!("{seed:?}: {e}");
        }
    }
}
