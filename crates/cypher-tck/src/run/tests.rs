use std::path::Path;

use pillion_cypher::{GraphWrite, MemGraph};

use super::*;
use crate::driver::run_caught;
use crate::gherkin::parse_feature;
use crate::test_graph::{StubGraph, PANIC};

fn scenarios(body: &str) -> Vec<Scenario> {
    let text = format!("Feature: F\n{body}");
    parse_feature(&text).unwrap().expand()
}

fn outcome<G: GraphWrite + Clone + Default>(body: &str) -> Outcome {
    let all = scenarios(body);
    assert_eq!(all.len(), 1);
    run_caught::<G>(&all[0], Path::new("/nonexistent"))
}

#[test]
fn ignored_scenarios_procedures_and_unknown_steps_are_unsupported() {
    let ignored = "  @ignore\n  Scenario: S\n    Given an empty graph\n";
    assert!(
        matches!(outcome::<MemGraph>(ignored), Outcome::Unsupported(r) if r.contains("@ignore"))
    );
    let procedure = "  Scenario: S\n    Given an empty graph\n    \
                     And there exists a procedure test.doNothing() :: ():\n      |\n";
    assert!(matches!(
        outcome::<MemGraph>(procedure),
        Outcome::Unsupported(_)
    ));
    let unknown = "  Scenario: S\n    Given a graph with a moat\n";
    assert!(matches!(outcome::<MemGraph>(unknown), Outcome::Unsupported(r) if r.contains("moat")));
}

#[test]
fn steps_without_a_query_fail_as_harness_errors() {
    let no_query = "  Scenario: S\n    Given any graph\n    Then the result should be empty\n";
    assert!(
        matches!(outcome::<MemGraph>(no_query), Outcome::Failed(r) if r.starts_with("harness"))
    );
    let bad_param =
        "  Scenario: S\n    Given any graph\n    And parameters are:\n      | p | [1, |\n";
    assert!(
        matches!(outcome::<MemGraph>(bad_param), Outcome::Failed(r) if r.contains("bad TCK value"))
    );
}

#[test]
fn a_scenario_with_only_setup_steps_passes() {
    let body = "  Scenario: S\n    Given an empty graph\n    And no side effects\n";
    assert_eq!(outcome::<MemGraph>(body), Outcome::Passed(None));
}

fn query_scenario(setup: &str, query: &str, then: &str) -> String {
    let setup = if setup.is_empty() {
        String::new()
    } else {
        format!("    And having executed:\n      \"\"\"\n      {setup}\n      \"\"\"\n")
    };
    format!(
        "  Scenario: S\n    Given an empty graph\n{setup}    When executing query:\n      \"\"\"\n      {query}\n      \"\"\"\n{then}"
    )
}

fn failure(body: &str) -> String {
    match outcome::<MemGraph>(body) {
        Outcome::Failed(reason) => reason,
        other => panic!("expected a failure, got {other:?}"),
    }
}

#[test]
fn results_are_compared_with_the_expected_table() {
    let then = "    Then the result should be, in any order:\n      | x | n |\n      | 1 | (:A {k: 'v'}) |\n    And no side effects\n";
    let right = query_scenario("CREATE (:A {k: 'v'})", "MATCH (n) RETURN 1 AS x, n", then);
    assert_eq!(outcome::<MemGraph>(&right), Outcome::Passed(None));
    let wrong_label = query_scenario("CREATE (:B {k: 'v'})", "MATCH (n) RETURN 1 AS x, n", then);
    assert!(failure(&wrong_label).starts_with("wrong result"));
    let wrong_column = query_scenario("CREATE (:A {k: 'v'})", "MATCH (n) RETURN 1 AS y, n", then);
    assert!(failure(&wrong_column).contains("columns differ"));
}

#[test]
fn parameters_reach_the_query() {
    let body = "  Scenario: S\n    Given any graph\n    And parameters are:\n      | p | [1, 'a'] |\n    When executing query:\n      \"\"\"\n      RETURN $p AS p\n      \"\"\"\n    Then the result should be, in order:\n      | p |\n      | [1, 'a'] |\n";
    assert_eq!(outcome::<MemGraph>(body), Outcome::Passed(None));
}

#[test]
fn side_effects_are_those_of_the_query_under_test() {
    let then = "    Then the result should be empty\n    And the side effects should be:\n      | +nodes | 1 |\n      | +labels | 1 |\n";
    let body = query_scenario("CREATE (:Old)", "CREATE (:A)", then);
    assert_eq!(outcome::<MemGraph>(&body), Outcome::Passed(None));
    let body = query_scenario("", "CREATE (:A {k: 1})", then);
    assert!(failure(&body).contains("+properties 1"));
    let body = query_scenario(
        "",
        "CREATE ()",
        "    Then the result should be empty\n    And no side effects\n",
    );
    assert!(failure(&body).starts_with("side effects differ"));
}

#[test]
fn expected_errors_match_by_kind() {
    let query = "RETURN undefinedVariable AS x";
    let right = query_scenario(
        "",
        query,
        "    Then a SyntaxError should be raised at compile time: UndefinedVariable\n",
    );
    let got = outcome::<MemGraph>(&right);
    let Outcome::Passed(Some(m)) = got else {
        panic!("expected a pass with an error match, got {got:?}");
    };
    assert!(m.phase && m.detail);
    // The phase and detail are recorded, not required.
    let other_detail = query_scenario(
        "",
        query,
        "    Then a SyntaxError should be raised at runtime: Other\n",
    );
    assert_eq!(
        outcome::<MemGraph>(&other_detail),
        Outcome::Passed(Some(ErrorMatch {
            phase: false,
            detail: false,
            difference: "detail Other, got `UndefinedVariable`; at runtime, got at compile time"
                .into(),
        }))
    );
    let wrong_kind = query_scenario(
        "",
        query,
        "    Then a TypeError should be raised at runtime: X\n",
    );
    assert!(failure(&wrong_kind).starts_with("expected a TypeError"));
    let no_error = query_scenario(
        "",
        "RETURN 1 AS x",
        "    Then a TypeError should be raised at any time: X\n",
    );
    assert!(failure(&no_error).contains("succeeded"));
    let unexpected = query_scenario("", query, "    Then the result should be empty\n");
    assert!(failure(&unexpected).starts_with("query failed"));
}

#[test]
fn a_panic_fails_the_scenario_with_its_message() {
    let body = "  Scenario: S\n    Given an empty graph\n";
    match outcome::<StubGraph<PANIC>>(body) {
        Outcome::Failed(reason) => assert!(reason.contains("boom at construction"), "{reason}"),
        other => panic!("{other:?}"),
    }
}
