use super::*;

fn p(text: &str) -> TckValue {
    parse(text).unwrap_or_else(|e| panic!("{text}: {e}"))
}

fn map(entries: &[(&str, TckValue)]) -> BTreeMap<String, TckValue> {
    entries
        .iter()
        .map(|(k, v)| ((*k).to_owned(), v.clone()))
        .collect()
}

#[test]
fn scalars() {
    assert_eq!(p("null"), TckValue::Null);
    assert_eq!(p("true"), TckValue::Bool(true));
    assert_eq!(p(" false "), TckValue::Bool(false));
    assert_eq!(p("0"), TckValue::Int(0));
    assert_eq!(p("-42"), TckValue::Int(-42));
    assert_eq!(p("-9223372036854775808"), TckValue::Int(i64::MIN));
    assert_eq!(p("1.0"), TckValue::Float(1.0));
    assert_eq!(p("-0.5"), TckValue::Float(-0.5));
    assert_eq!(p("1e10"), TckValue::Float(1e10));
    assert_eq!(p("-1.5E-3"), TckValue::Float(-1.5e-3));
    assert_eq!(p("1.2e+3"), TckValue::Float(1200.0));
    assert_eq!(p(".5"), TckValue::Float(0.5));
    assert_eq!(p("Inf"), TckValue::Float(f64::INFINITY));
    assert_eq!(p("-Inf"), TckValue::Float(f64::NEG_INFINITY));
    assert!(matches!(p("NaN"), TckValue::Float(f) if f.is_nan()));
}

#[test]
fn strings_and_escapes() {
    assert_eq!(p("''"), TckValue::String(String::new()));
    assert_eq!(p("'a b'"), TckValue::String("a b".into()));
    assert_eq!(p(r"'it\'s'"), TckValue::String("it's".into()));
    assert_eq!(p(r"'a\\b'"), TckValue::String("a\\b".into()));
    assert_eq!(p(r#"'say \"hi\"'"#), TckValue::String("say \"hi\"".into()));
    assert_eq!(p(r"'\t\n\r'"), TckValue::String("\t\n\r".into()));
    assert_eq!(p(r"'\u00e9'"), TckValue::String("é".into()));
    assert_eq!(p("'🧐 [x], {y}'"), TckValue::String("🧐 [x], {y}".into()));
    // A Gherkin cell `'\nFoo'` arrives with a real newline.
    assert_eq!(p("'\nFoo'"), TckValue::String("\nFoo".into()));
}

#[test]
fn lists_and_maps() {
    assert_eq!(p("[]"), TckValue::List(vec![]));
    assert_eq!(
        p("[1, 'a', [null, 2.0]]"),
        TckValue::List(vec![
            TckValue::Int(1),
            TckValue::String("a".into()),
            TckValue::List(vec![TckValue::Null, TckValue::Float(2.0)]),
        ])
    );
    assert_eq!(p("{}"), TckValue::Map(BTreeMap::new()));
    assert_eq!(
        p("{name: 'x', age: 3, `a b`: [], ``: {k: true}}"),
        TckValue::Map(map(&[
            ("name", TckValue::String("x".into())),
            ("age", TckValue::Int(3)),
            ("a b", TckValue::List(vec![])),
            ("", TckValue::Map(map(&[("k", TckValue::Bool(true))]))),
        ]))
    );
}

#[test]
fn nodes_relationships_and_paths() {
    assert_eq!(p("()"), TckValue::Node(TckNode::default()));
    let TckValue::Node(n) = p("(:A:B {name: 'b', xs: [1]})") else {
        panic!("not a node");
    };
    assert_eq!(n.labels.iter().collect::<Vec<_>>(), ["A", "B"]);
    assert_eq!(n.props["xs"], TckValue::List(vec![TckValue::Int(1)]));
    assert_eq!(
        p("({name: 'c'})"),
        TckValue::Node(TckNode {
            labels: BTreeSet::new(),
            props: map(&[("name", TckValue::String("c".into()))]),
        })
    );
    assert_eq!(
        p("[:T {k: 1}]"),
        TckValue::Rel(TckRel {
            ty: "T".into(),
            props: map(&[("k", TckValue::Int(1))]),
        })
    );
    assert_eq!(p("[:`odd type`]"), p("[:`odd type` ]"));
    let TckValue::Path(path) = p("<(:A)-[:T]->(:B)<-[:S {w: 2}]-()>") else {
        panic!("not a path");
    };
    assert_eq!(path.start.labels.len(), 1);
    let dirs: Vec<PathDir> = path.steps.iter().map(|s| s.0).collect();
    assert_eq!(dirs, [PathDir::Forward, PathDir::Backward]);
    assert_eq!(path.steps[1].1.ty, "S");
    assert_eq!(
        p("<()>"),
        TckValue::Path(TckPath {
            start: TckNode::default(),
            steps: vec![]
        })
    );
    // A list of graph elements.
    assert!(matches!(p("[(), [:R], <()>]"), TckValue::List(v) if v.len() == 3));
}

#[test]
fn rejects_malformed_values() {
    for bad in [
        "",
        "'open",
        "[1, 2",
        "{a 1}",
        "(:A",
        "<()-[:T]-()>",
        "1 2",
        "nul",
        "[:T",
        "99999999999999999999",
    ] {
        assert!(parse(bad).is_err(), "{bad:?} parsed");
    }
}

#[test]
fn display_round_trips() {
    for text in [
        "null",
        "[1, -2.5, 'it\\'s', true]",
        "{a: 1, b: [NaN, Inf, -Inf]}",
        "(:A:B {name: 'b'})",
        "[:T {k: 1}]",
        "<(:A)-[:T]->()<-[:S]-({x: 1.0})>",
        "()",
    ] {
        let value = p(text);
        assert_eq!(value.to_string(), text);
    }
}

#[test]
fn parameters_become_engine_values() {
    assert_eq!(
        p("{xs: [1, 'a'], f: 1.5}").to_param().unwrap(),
        Value::Map(
            [
                (
                    "xs".to_owned(),
                    Value::List(vec![Value::Int(1), Value::String("a".into())])
                ),
                ("f".to_owned(), Value::Float(1.5)),
            ]
            .into_iter()
            .collect()
        )
    );
    assert!(p("[()]").to_param().is_err());
}
