//! Random expressions, written with explicit parentheses, parse to the tree they were built
//! from, and keep their text as the column name.

use proptest::prelude::*;
use proptest::sample::select;

use super::{parse, sexpr};
use crate::ast::Clause;

/// An expression's Cypher text and its expected tree (as `sexpr` prints it).
#[derive(Debug, Clone)]
struct Gen {
    text: String,
    tree: String,
}

fn gen(text: impl Into<String>, tree: impl Into<String>) -> Gen {
    Gen {
        text: text.into(),
        tree: tree.into(),
    }
}

const BINARY: &[(&str, &str)] = &[
    ("+", "+"),
    ("-", "-"),
    ("*", "*"),
    ("/", "/"),
    ("%", "%"),
    ("^", "^"),
    ("AND", "and"),
    ("or", "or"),
    ("XOR", "xor"),
    ("=", "="),
    ("<>", "<>"),
    ("<", "<"),
    ("<=", "<="),
    (">", ">"),
    (">=", ">="),
    ("IN", "in"),
    ("STARTS WITH", "starts-with"),
    ("ends with", "ends-with"),
    ("CONTAINS", "contains"),
    ("=~", "=~"),
];

fn leaf() -> impl Strategy<Value = Gen> {
    prop_oneof![
        (0i64..1000).prop_map(|i| gen(i.to_string(), i.to_string())),
        (0u32..1000).prop_map(|n| {
            let x = f64::from(n) / 8.0;
            gen(format!("{x:?}"), format!("{x:?}"))
        }),
        select(&["a", "b", "`c d`", "count"][..]).prop_map(|v| gen(v, v.trim_matches('`'))),
        Just(gen("$p", "$p")),
        Just(gen("NULL", "null")),
        Just(gen("true", "true")),
        Just(gen("False", "false")),
        Just(gen("count(*)", "(count-star)")),
        "[a-z ]{0,5}".prop_map(|s| gen(format!("'{s}'"), format!("{s:?}"))),
    ]
}

fn list(items: &[Gen]) -> Gen {
    let text: Vec<&str> = items.iter().map(|g| g.text.as_str()).collect();
    let tree: Vec<&str> = items.iter().map(|g| g.tree.as_str()).collect();
    gen(
        format!("[{}]", text.join(", ")),
        format!("[{}]", tree.join(" ")),
    )
}

fn compound(inner: BoxedStrategy<Gen>) -> impl Strategy<Value = Gen> {
    let key = select(&["k", "match", "`a b`"][..]);
    prop_oneof![
        (inner.clone(), select(BINARY), inner.clone()).prop_map(|(a, (op, tree), b)| gen(
            format!("({} {op} {})", a.text, b.text),
            format!("({tree} {} {})", a.tree, b.tree)
        )),
        (
            select(&[("NOT ", "not"), ("-", "neg"), ("+", "pos")][..]),
            inner.clone()
        )
            .prop_map(|((op, tree), a)| gen(
                format!("({op}({}))", a.text),
                format!("({tree} {})", a.tree)
            )),
        (inner.clone(), key.clone()).prop_map(|(a, k)| gen(
            format!("({}).{k}", a.text),
            format!("(. {} {})", a.tree, k.trim_matches('`'))
        )),
        (inner.clone(), inner.clone()).prop_map(|(a, i)| gen(
            format!("({})[{}]", a.text, i.text),
            format!("(index {} {})", a.tree, i.tree)
        )),
        (inner.clone(), inner.clone()).prop_map(|(a, i)| gen(
            format!("({})[..{}]", a.text, i.text),
            format!("(slice {} _ {})", a.tree, i.tree)
        )),
        proptest::collection::vec(inner.clone(), 0..4).prop_map(|items| list(&items)),
        proptest::collection::vec((key, inner.clone()), 0..3).prop_map(|entries| {
            let text: Vec<String> = entries
                .iter()
                .map(|(k, v)| format!("{k}: {}", v.text))
                .collect();
            let tree: Vec<String> = entries
                .iter()
                .map(|(k, v)| format!("{}: {}", k.trim_matches('`'), v.tree))
                .collect();
            gen(
                format!("{{{}}}", text.join(", ")),
                format!("{{{}}}", tree.join(", ")),
            )
        }),
        proptest::collection::vec(inner.clone(), 0..3).prop_map(|args| {
            let text: Vec<&str> = args.iter().map(|g| g.text.as_str()).collect();
            let tree: String = args.iter().map(|g| format!(" {}", g.tree)).collect();
            gen(
                format!("ns.f({})", text.join(", ")),
                format!("(call ns.f{tree})"),
            )
        }),
        (inner.clone(), any::<bool>()).prop_map(|(a, not)| {
            let (text, tree) = if not {
                ("IS NOT NULL", "is-not-null")
            } else {
                ("IS NULL", "is-null")
            };
            gen(
                format!("(({}) {text})", a.text),
                format!("({tree} {})", a.tree),
            )
        }),
        (inner.clone(), inner.clone(), inner.clone()).prop_map(|(w, t, e)| gen(
            format!("CASE WHEN {} THEN {} ELSE {} END", w.text, t.text, e.text),
            format!("(case _ (when {} {}) {})", w.tree, t.tree, e.tree)
        )),
        (inner.clone(), inner.clone(), inner.clone()).prop_map(|(l, w, m)| gen(
            format!("[x IN {} WHERE {} | {}]", l.text, w.text, m.text),
            format!("(list-comp x {} {} {})", l.tree, w.tree, m.tree)
        )),
        (inner.clone(), inner.clone()).prop_map(|(l, w)| gen(
            format!("none(x IN {} WHERE {})", l.text, w.text),
            format!("(none x {} {})", l.tree, w.tree)
        )),
        (inner.clone(), inner.clone(), inner.clone()).prop_map(|(a, b, c)| gen(
            format!("({} < {} >= {})", a.text, b.text, c.text),
            format!("(chain {} < {} >= {})", a.tree, b.tree, c.tree)
        )),
        inner.prop_map(|a| gen(
            format!("({}):L:`M n`", a.text),
            format!("(labels {} L M n)", a.tree)
        )),
    ]
}

fn expression() -> impl Strategy<Value = Gen> {
    leaf().prop_recursive(4, 48, 4, |inner| compound(inner.boxed()))
}

proptest! {
    #[test]
    fn generated_expressions_parse_to_their_trees(e in expression()) {
        let query = format!("RETURN {}", e.text);
        let ast = parse(&query).map_err(|err| TestCaseError::fail(format!("{query}: {err}")))?;
        let Some(Clause::Return(projection)) = ast.first.clauses.first() else {
            return Err(TestCaseError::fail("no RETURN"));
        };
        prop_assert_eq!(projection.items.len(), 1);
        prop_assert_eq!(sexpr::expr(&projection.items[0].expr), e.tree);
        prop_assert_eq!(&projection.items[0].text, &e.text);
    }
}
