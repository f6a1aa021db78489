//! A small reader of the openCypher TCK's Gherkin: just enough to find each scenario's queries
//! (with `Scenario Outline` examples substituted) and the compile-time error it expects.

use std::fs;
use std::path::{Path, PathBuf};

#[derive(Debug, Default)]
pub struct Scenario {
    /// `file:line name`, for messages.
    pub name: String,
    /// `having executed:` queries, then `When executing query:` ones, in order.
    pub setup: Vec<String>,
    pub queries: Vec<String>,
    /// Example rows: (header, cells). Empty for a plain scenario.
    pub examples: Vec<(Vec<String>, Vec<String>)>,
    /// `(kind, detail)` of an expected compile-time error.
    pub compile_error: Option<(String, String)>,
}

impl Scenario {
    /// Each example row's version of `text` (the text itself without examples).
    pub fn expand(&self, text: &str) -> Vec<String> {
        if self.examples.is_empty() {
            return vec![text.to_owned()];
        }
        self.examples
            .iter()
            .map(|(header, row)| {
                header
                    .iter()
                    .zip(row)
                    .fold(text.to_owned(), |t, (h, v)| t.replace(&format!("<{h}>"), v))
            })
            .collect()
    }

    /// Every query of the scenario, example rows expanded, with whether it is the query under
    /// test (false for setup).
    pub fn all_queries(&self) -> Vec<(bool, String)> {
        let setup = self
            .setup
            .iter()
            .flat_map(|q| self.expand(q))
            .map(|q| (false, q));
        let tested = self
            .queries
            .iter()
            .flat_map(|q| self.expand(q))
            .map(|q| (true, q));
        setup.chain(tested).collect()
    }
}

fn feature_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = fs::read_dir(dir) else {
        return;
    };
    let mut paths: Vec<PathBuf> = entries.flatten().map(|e| e.path()).collect();
    paths.sort();
    for path in paths {
        if path.is_dir() {
            feature_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "feature") {
            out.push(path);
        }
    }
}

fn table_cells(line: &str) -> Vec<String> {
    let inner = line.trim().trim_start_matches('|');
    let mut cells = Vec::new();
    let mut cell = String::new();
    let mut chars = inner.chars();
    while let Some(c) = chars.next() {
        match c {
            '\\' => match chars.next() {
                Some('|') => cell.push('|'),
                Some('n') => cell.push('\n'),
                Some(other) => cell.push(other),
                None => cell.push('\\'),
            },
            '|' => cells.push(std::mem::take(&mut cell).trim().to_owned()),
            c => cell.push(c),
        }
    }
    cells
}

fn parse_feature(path: &Path) -> Vec<Scenario> {
    let text = fs::read_to_string(path).unwrap_or_default();
    let lines: Vec<&str> = text.lines().collect();
    let file = path
        .file_name()
        .map(|f| f.to_string_lossy().into_owned())
        .unwrap_or_default();
    let mut scenarios: Vec<Scenario> = Vec::new();
    let mut header: Option<Vec<String>> = None;
    let mut in_examples = false;
    let mut i = 0;
    while i < lines.len() {
        let line = lines[i].trim();
        if line.starts_with('#') {
            i += 1;
            continue;
        }
        if line.starts_with("Scenario") {
            scenarios.push(Scenario {
                name: format!("{file}:{} {line}", i + 1),
                ..Scenario::default()
            });
            in_examples = false;
        } else if let Some(scenario) = scenarios.last_mut() {
            if line.starts_with("\"\"\"") {
                let indent = lines[i].len() - lines[i].trim_start().len();
                let mut body = Vec::new();
                i += 1;
                while i < lines.len() && !lines[i].trim().starts_with("\"\"\"") {
                    body.push(lines[i].get(indent..).unwrap_or(lines[i].trim_start()));
                    i += 1;
                }
                let step = lines[..i.saturating_sub(body.len() + 1)]
                    .iter()
                    .rev()
                    .map(|l| l.trim())
                    .find(|l| !l.is_empty() && !l.starts_with('#'))
                    .unwrap_or_default();
                let query = body.join("\n");
                if step.contains("executing query") {
                    scenario.queries.push(query);
                } else if step.contains("having executed") {
                    scenario.setup.push(query);
                }
            } else if line.starts_with("Examples") {
                in_examples = true;
                header = None;
            } else if line.starts_with('|') && in_examples {
                let cells = table_cells(line);
                match &header {
                    None => header = Some(cells),
                    Some(h) => scenario.examples.push((h.clone(), cells)),
                }
            } else if let Some(rest) = line.split("should be raised at compile time:").nth(1) {
                let kind = line
                    .trim_start_matches("Then a ")
                    .split_whitespace()
                    .next()
                    .unwrap_or_default();
                scenario.compile_error = Some((kind.to_owned(), rest.trim().to_owned()));
            }
        }
        i += 1;
    }
    scenarios
}

pub fn tck_scenarios() -> Vec<Scenario> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/data/tck/features");
    let mut files = Vec::new();
    feature_files(&root, &mut files);
    assert!(
        !files.is_empty(),
        "no TCK features under {}",
        root.display()
    );
    files.iter().flat_map(|f| parse_feature(f)).collect()
}
