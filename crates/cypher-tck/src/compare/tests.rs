use super::*;
use crate::tck_value::parse;

fn v(text: &str) -> TckValue {
    parse(text).unwrap_or_else(|e| panic!("{text}: {e}"))
}

fn eq(a: &str, b: &str) -> bool {
    values_equal(&v(a), &v(b), Lists::Ordered)
}

fn table(columns: &[&str], rows: &[&[&str]]) -> Expected {
    Expected {
        columns: columns.iter().map(|c| (*c).to_owned()).collect(),
        rows: rows
            .iter()
            .map(|r| r.iter().map(|c| v(c)).collect())
            .collect(),
    }
}

fn actual(rows: &[&[&str]]) -> Vec<Vec<TckValue>> {
    rows.iter()
        .map(|r| r.iter().map(|c| v(c)).collect())
        .collect()
}

#[test]
fn integers_and_floats_are_different_types() {
    assert!(eq("1", "1"));
    assert!(!eq("1", "1.0"));
    assert!(!eq("[1]", "[1.0]"));
    assert!(eq("1.0", "1.0"));
    assert!(eq("0.1", "0.10000000000000001"));
    assert!(eq("0.30000000000000004", "0.3"));
    assert!(!eq("0.3", "0.31"));
    assert!(!eq("1", "'1'"));
    assert!(!eq("null", "false"));
}

#[test]
fn nan_equals_nan_and_infinities_compare_exactly() {
    assert!(eq("NaN", "NaN"));
    assert!(!eq("NaN", "1.0"));
    assert!(eq("Inf", "Inf"));
    assert!(!eq("Inf", "-Inf"));
    assert!(!eq("Inf", "1e308"));
    assert!(eq("[NaN]", "[NaN]"));
}

#[test]
fn maps_nodes_relationships_and_paths_compare_by_content() {
    assert!(eq("{a: 1, b: 2}", "{b: 2, a: 1}"));
    assert!(!eq("{a: 1}", "{a: 1, b: null}"));
    assert!(eq("(:A:B {x: 1})", "(:B:A {x: 1})"));
    assert!(!eq("(:A)", "(:A {x: 1})"));
    assert!(!eq("(:A)", "(:B)"));
    assert!(eq("[:T {k: 1}]", "[:T {k: 1}]"));
    assert!(!eq("[:T]", "[:S]"));
    assert!(eq("<(:A)-[:T]->(:B)>", "<(:A)-[:T]->(:B)>"));
    assert!(!eq("<(:A)-[:T]->(:B)>", "<(:A)<-[:T]-(:B)>"));
    assert!(!eq("<(:A)-[:T]->(:B)>", "<(:A)>"));
}

#[test]
fn self_loops_in_paths_match_either_direction() {
    let TckValue::Path(mut path) = v("<(:A)-[:T]->(:A)>") else {
        panic!("not a path");
    };
    path.steps[0].0 = PathDir::Loop;
    let actual = TckValue::Path(path);
    assert!(values_equal(
        &actual,
        &v("<(:A)<-[:T]-(:A)>"),
        Lists::Ordered
    ));
    assert!(values_equal(
        &actual,
        &v("<(:A)-[:T]->(:A)>"),
        Lists::Ordered
    ));
}

#[test]
fn list_order_matters_unless_ignored() {
    assert!(!eq("[1, 2]", "[2, 1]"));
    let any = |a, b| values_equal(&v(a), &v(b), Lists::AnyOrder);
    assert!(any("[1, 2, 2]", "[2, 1, 2]"));
    assert!(!any("[1, 2, 2]", "[2, 1, 1]"));
    assert!(!any("[1, 2]", "[1, 2, 2]"));
    assert!(any("{k: [[1, 2], 3]}", "{k: [3, [2, 1]]}"));
}

#[test]
fn rows_in_any_order_are_a_multiset() {
    let expected = table(&["a", "b"], &[&["1", "'x'"], &["2", "'y'"], &["2", "'y'"]]);
    let cols = ["a".to_owned(), "b".to_owned()];
    let shuffled = actual(&[&["2", "'y'"], &["1", "'x'"], &["2", "'y'"]]);
    assert!(compare_result(&expected, &cols, &shuffled, Rows::AnyOrder, Lists::Ordered).is_ok());
    assert!(compare_result(&expected, &cols, &shuffled, Rows::InOrder, Lists::Ordered).is_err());
    let wrong_count = actual(&[&["2", "'y'"], &["1", "'x'"], &["1", "'x'"]]);
    let err = compare_result(
        &expected,
        &cols,
        &wrong_count,
        Rows::AnyOrder,
        Lists::Ordered,
    )
    .unwrap_err();
    assert!(err.contains("missing | 2 | 'y' |"), "{err}");
    assert!(err.contains("unexpected | 1 | 'x' |"), "{err}");
    let fewer = actual(&[&["1", "'x'"], &["2", "'y'"]]);
    assert!(compare_result(&expected, &cols, &fewer, Rows::AnyOrder, Lists::Ordered).is_err());
    assert!(compare_result(&expected, &cols, &fewer, Rows::InOrder, Lists::Ordered).is_err());
}

#[test]
fn rows_in_order_compare_position_by_position() {
    let expected = table(&["x"], &[&["[1, 2]"], &["[3]"]]);
    let cols = ["x".to_owned()];
    let same = actual(&[&["[1, 2]"], &["[3]"]]);
    let inner_swapped = actual(&[&["[2, 1]"], &["[3]"]]);
    assert!(compare_result(&expected, &cols, &same, Rows::InOrder, Lists::Ordered).is_ok());
    assert!(compare_result(
        &expected,
        &cols,
        &inner_swapped,
        Rows::InOrder,
        Lists::Ordered
    )
    .is_err());
    assert!(compare_result(
        &expected,
        &cols,
        &inner_swapped,
        Rows::InOrder,
        Lists::AnyOrder
    )
    .is_ok());
    let more = actual(&[&["[1, 2]"], &["[3]"], &["[4]"]]);
    assert!(compare_result(&expected, &cols, &more, Rows::InOrder, Lists::Ordered).is_err());
}

#[test]
fn columns_must_match_in_order() {
    let expected = table(&["a", "b"], &[]);
    let swapped = ["b".to_owned(), "a".to_owned()];
    let err = compare_result(&expected, &swapped, &[], Rows::AnyOrder, Lists::Ordered).unwrap_err();
    assert!(err.starts_with("columns differ"), "{err}");
    let same = ["a".to_owned(), "b".to_owned()];
    assert!(compare_result(&expected, &same, &[], Rows::AnyOrder, Lists::Ordered).is_ok());
}
