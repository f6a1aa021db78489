use super::*;

const OUTLINE: &str = r#"
# A comment
Feature: Things

  Background:
    Given an empty graph

  @ignore
  Scenario: [1] Plain
    When executing query:
      """
      MATCH (n)
        RETURN n # not a comment
      """
    Then the result should be, in any order:
      | n      |
      | 'a\|b' |
      | 'x\\y' |
      | '\n'   |
    And no side effects

  Scenario Outline: [2] Outline <what>
    When executing query:
      """
      RETURN <expr> AS x
      """
    Then the result should be, in order:
      | x        |
      | <result> |

    Examples:
      | what | expr  | result |
      | one  | 1     | 1      |
      | two  | <(a)> | 2      |

    Examples:
      | what  | expr | result |
      | three | 3    | '<x>'  |
"#;

#[test]
fn reads_background_tags_docstrings_and_tables() {
    let feature = parse_feature(OUTLINE).unwrap();
    assert_eq!(feature.name, "Things");
    assert_eq!(feature.background.len(), 1);
    assert_eq!(feature.scenarios.len(), 2);
    let plain = &feature.scenarios[0];
    assert_eq!(plain.tags, vec!["@ignore"]);
    assert!(plain.examples.is_none());
    assert_eq!(
        plain.steps[0].arg,
        Some(StepArg::DocString(
            "MATCH (n)\n  RETURN n # not a comment".into()
        ))
    );
    let Some(StepArg::Table(rows)) = &plain.steps[1].arg else {
        panic!("no table");
    };
    let cells: Vec<&str> = rows.iter().map(|r| r[0].as_str()).collect();
    assert_eq!(cells, ["n", "'a|b'", "'x\\y'", "'\n'"]);
    assert_eq!(plain.steps[2].text, "no side effects");
}

#[test]
fn expands_outlines_one_scenario_per_example_row() {
    let scenarios = parse_feature(OUTLINE).unwrap().expand();
    assert_eq!(scenarios.len(), 4);
    let names: Vec<&str> = scenarios.iter().map(|s| s.name.as_str()).collect();
    assert_eq!(
        names,
        [
            "[1] Plain",
            "[2] Outline one",
            "[2] Outline two",
            "[2] Outline three"
        ]
    );
    // Background steps come first.
    assert!(scenarios
        .iter()
        .all(|s| s.steps[0].text == "an empty graph"));
    let two = &scenarios[2];
    assert_eq!(
        two.example,
        Some((2, vec!["two".into(), "<(a)>".into(), "2".into()]))
    );
    assert_eq!(
        two.steps[1].arg,
        Some(StepArg::DocString("RETURN <(a)> AS x".into()))
    );
    assert_eq!(
        two.steps[2].arg,
        Some(StepArg::Table(vec![vec!["x".into()], vec!["2".into()]]))
    );
    // Numbering runs across Examples blocks; unknown `<x>` stays.
    let three = &scenarios[3];
    assert_eq!(three.example.as_ref().map(|e| e.0), Some(3));
    assert_eq!(
        three.steps[2].arg,
        Some(StepArg::Table(vec![vec!["x".into()], vec!["'<x>'".into()]]))
    );
}

#[test]
fn placeholders_fill_in_one_pass() {
    let header = vec!["a".to_owned(), "b".to_owned()];
    let row = vec!["<b>".to_owned(), "2".to_owned()];
    assert_eq!(
        fill_placeholders("<a> < <b> <c>", &header, &row),
        "<b> < 2 <c>"
    );
}

#[test]
fn rejects_broken_files() {
    let unterminated =
        "Feature: F\n  Scenario: S\n    When executing query:\n      \"\"\"\n      RETURN 1\n";
    assert_eq!(parse_feature(unterminated).unwrap_err().line, 4);
    let open_row =
        "Feature: F\n  Scenario: S\n    Then the result should be, in order:\n      | x \n";
    assert!(parse_feature(open_row).is_err());
    let stray = "Feature: F\n  Scenario: S\n    Frobnicate the graph\n";
    assert_eq!(parse_feature(stray).unwrap_err().line, 3);
}
