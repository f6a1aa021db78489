//! The parser alone, without the semantic checks: every query of the openCypher TCK that is
//! not expected to fail with a SyntaxError must parse, and the parse-level syntax errors the TCK
//! expects must be caught here.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use super::{parse, sexpr};
use crate::ast::Clause;

/// One query of a TCK scenario.
struct TckQuery {
    place: String,
    text: String,
    /// The scenario's query under test, in a scenario whose `Then` expects a SyntaxError.
    expects_syntax_error: bool,
    /// The error detail the scenario expects (`UnexpectedSyntax`, `IntegerOverflow`, ...).
    detail: String,
}

#[derive(Default)]
struct Scenario {
    name: String,
    /// (query text, whether it is the query under test).
    queries: Vec<(String, bool)>,
    syntax_error_detail: Option<String>,
    /// Rows of the `Examples` tables, as placeholder -> value.
    examples: Vec<BTreeMap<String, String>>,
}

fn features_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/data/tck/features")
}

fn feature_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            feature_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "feature") {
            out.push(path);
        }
    }
}

fn table_row(line: &str) -> Vec<String> {
    let inner = line.trim().trim_start_matches('|').trim_end_matches('|');
    inner
        .split('|')
        .map(|cell| cell.trim().to_string())
        .collect()
}

fn scenarios(text: &str) -> Vec<Scenario> {
    let lines: Vec<&str> = text.lines().collect();
    let mut scenarios: Vec<Scenario> = Vec::new();
    let mut step = "";
    let mut i = 0;
    while i < lines.len() {
        let line = lines[i];
        let trimmed = line.trim_start();
        i += 1;
        if trimmed.starts_with('#') || trimmed.is_empty() {
            continue;
        }
        if trimmed.starts_with("Scenario") {
            scenarios.push(Scenario {
                name: trimmed.to_string(),
                ..Scenario::default()
            });
            continue;
        }
        let Some(scenario) = scenarios.last_mut() else {
            continue;
        };
        if trimmed.starts_with("\"\"\"") {
            let indent = line.len() - trimmed.len();
            let mut body = Vec::new();
            while i < lines.len() && lines[i].trim() != "\"\"\"" {
                let l = lines[i];
                let cut = l
                    .char_indices()
                    .take_while(|(n, c)| *n < indent && c.is_whitespace())
                    .count();
                body.push(&l[cut..]);
                i += 1;
            }
            i += 1;
            let is_test = step.contains("executing query");
            if step.contains("executing") {
                scenario.queries.push((body.join("\n"), is_test));
            }
        } else if trimmed.starts_with("Examples") {
            let mut header: Option<Vec<String>> = None;
            while i < lines.len() && lines[i].trim_start().starts_with('|') {
                let row = table_row(lines[i]);
                i += 1;
                match &header {
                    None => header = Some(row),
                    Some(names) => scenario
                        .examples
                        .push(names.iter().cloned().zip(row).collect()),
                }
            }
        } else {
            step = trimmed;
            if let Some(rest) = trimmed
                .strip_prefix("Then a SyntaxError should be raised")
                .and_then(|rest| rest.split(':').nth(1))
            {
                scenario.syntax_error_detail = Some(rest.trim().to_string());
            }
        }
    }
    scenarios
}

fn tck_queries() -> Vec<TckQuery> {
    let mut files = Vec::new();
    feature_files(&features_dir(), &mut files);
    files.sort();
    let mut queries = Vec::new();
    for file in files {
        let Ok(text) = std::fs::read_to_string(&file) else {
            continue;
        };
        let name = file
            .file_name()
            .map_or_else(String::new, |n| n.to_string_lossy().into());
        for scenario in scenarios(&text) {
            let rows = if scenario.examples.is_empty() {
                vec![BTreeMap::new()]
            } else {
                scenario.examples.clone()
            };
            for row in &rows {
                for (query, is_test) in &scenario.queries {
                    let mut text = query.clone();
                    for (key, value) in row {
                        text = text.replace(&format!("<{key}>"), value);
                    }
                    let expects = *is_test && scenario.syntax_error_detail.is_some();
                    queries.push(TckQuery {
                        place: format!("{name} {}", scenario.name),
                        text,
                        expects_syntax_error: expects,
                        detail: scenario.syntax_error_detail.clone().unwrap_or_default(),
                    });
                }
            }
        }
    }
    queries
}

/// Expected syntax errors that only the grammar (not names or types) can find.
const PARSE_LEVEL_DETAILS: &[&str] = &[
    "IntegerOverflow",
    "FloatingPointOverflow",
    "InvalidNumberLiteral",
    "InvalidUnicodeLiteral",
    "InvalidUnicodeCharacter",
    "InvalidRelationshipPattern",
    "InvalidArgumentPassingMode",
    "InvalidClauseComposition",
    "UnexpectedSyntax",
];

#[test]
fn every_tck_query_not_expected_to_fail_parses() {
    let queries = tck_queries();
    let (bad, good): (Vec<_>, Vec<_>) = queries.iter().partition(|q| q.expects_syntax_error);
    assert!(good.len() > 2000, "found only {} TCK queries", good.len());
    let failures: Vec<String> = good
        .iter()
        .filter_map(|q| {
            parse(&q.text)
                .err()
                .map(|e| format!("{}\n{}\n=> {e}\n", q.place, q.text))
        })
        .collect();
    let caught = bad.iter().filter(|q| parse(&q.text).is_err()).count();
    eprintln!(
        "TCK: {} of {} queries parse; the parser alone rejects {caught} of the {} queries that \
         expect a SyntaxError",
        good.len() - failures.len(),
        good.len(),
        bad.len()
    );
    for q in &bad {
        if parse(&q.text).is_ok() {
            eprintln!(
                "left to the checker ({}): {}",
                q.detail,
                q.text.replace('\n', " ")
            );
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn tck_grammar_errors_are_caught_by_the_parser() {
    let misses: Vec<String> = tck_queries()
        .iter()
        .filter(|q| q.expects_syntax_error && PARSE_LEVEL_DETAILS.contains(&q.detail.as_str()))
        .filter(|q| parse(&q.text).is_ok())
        .map(|q| format!("{} ({}): {}", q.place, q.detail, q.text))
        .collect();
    assert!(misses.is_empty(), "{}", misses.join("\n"));
}

/// The precedence features return `x AS a, <x with the implied parentheses> AS b, <x with
/// other parentheses> AS c`: `a` and `b` must parse to the same tree, `c` to another.
#[test]
fn tck_precedence_queries_group_as_the_tck_says() {
    let mut checked = 0;
    for q in tck_queries() {
        if !q.place.starts_with("Precedence") || q.place.contains("[4] String predicate") {
            continue;
        }
        let ast = match parse(&q.text) {
            Ok(ast) => ast,
            Err(e) => panic!("{}: {e}", q.text),
        };
        let Some(Clause::Return(ret)) = ast.first.clauses.last() else {
            continue;
        };
        let tree = |alias: &str| {
            ret.items
                .iter()
                .find(|item| item.alias.as_ref().is_some_and(|a| a.name == alias))
                .map(|item| sexpr::expr(&item.expr))
        };
        let (Some(a), Some(b)) = (tree("a"), tree("b")) else {
            continue;
        };
        assert_eq!(a, b, "{}\n{}", q.place, q.text);
        if let Some(c) = tree("c") {
            assert_ne!(a, c, "{}\n{}", q.place, q.text);
        }
        checked += 1;
    }
    eprintln!("checked {checked} precedence queries");
    assert!(checked > 50, "only {checked} precedence queries checked");
}
