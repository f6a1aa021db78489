//! The subset of Gherkin the openCypher TCK is written in: `Feature`, `Background`, `Scenario`,
//! `Scenario Outline` with `Examples` tables, steps with `"""` doc strings or `| tables |`,
//! `#` comments and `@tags`. Outlines are expanded here, so the runner only ever sees concrete
//! scenarios, one per example row.

use std::fmt;

/// The argument block under a step.
#[derive(Debug, Clone, PartialEq)]
pub enum StepArg {
    DocString(String),
    /// Rows of cells, already unescaped (`\|`, `\\`, `\n`) and trimmed.
    Table(Vec<Vec<String>>),
}

#[derive(Debug, Clone, PartialEq)]
pub struct Step {
    /// `Given`, `When`, `Then`, `And` or `But`.
    pub keyword: String,
    /// The text after the keyword, e.g. `executing query:`.
    pub text: String,
    pub arg: Option<StepArg>,
    pub line: usize,
}

/// One `Examples:` block of an outline.
#[derive(Debug, Clone, PartialEq)]
pub struct Examples {
    pub tags: Vec<String>,
    pub header: Vec<String>,
    pub rows: Vec<Vec<String>>,
}

/// A `Scenario` or `Scenario Outline` as written (before expansion).
#[derive(Debug, Clone, PartialEq)]
pub struct ScenarioDef {
    pub name: String,
    pub tags: Vec<String>,
    pub line: usize,
    pub steps: Vec<Step>,
    /// `Some` for an outline (possibly with no blocks).
    pub examples: Option<Vec<Examples>>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Feature {
    pub name: String,
    pub background: Vec<Step>,
    pub scenarios: Vec<ScenarioDef>,
}

/// One concrete scenario: a plain scenario, or one example row of an outline.
#[derive(Debug, Clone, PartialEq)]
pub struct Scenario {
    pub name: String,
    /// Feature tags, scenario tags and examples tags together.
    pub tags: Vec<String>,
    pub line: usize,
    /// For an outline: the 1-based row number among all its examples and the row's values.
    pub example: Option<(usize, Vec<String>)>,
    /// The background's steps followed by the scenario's, placeholders filled in.
    pub steps: Vec<Step>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct ParseError {
    pub line: usize,
    pub message: String,
}

impl fmt::Display for ParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "line {}: {}", self.line, self.message)
    }
}

impl std::error::Error for ParseError {}

const STEP_KEYWORDS: [&str; 5] = ["Given", "When", "Then", "And", "But"];

/// What the line-by-line reader is filling at the moment.
enum Section {
    Start,
    Background,
    Scenario,
    Examples,
}

/// Reads a feature file.
pub fn parse_feature(text: &str) -> Result<Feature, ParseError> {
    let lines: Vec<&str> = text.lines().collect();
    let mut feature = Feature {
        name: String::new(),
        background: Vec::new(),
        scenarios: Vec::new(),
    };
    let mut feature_tags = Vec::new();
    let mut pending_tags: Vec<String> = Vec::new();
    let mut section = Section::Start;
    let mut i = 0;
    while i < lines.len() {
        let line_no = i + 1;
        let line = lines[i].trim();
        i += 1;
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let err = |message: String| ParseError {
            line: line_no,
            message,
        };
        if line.starts_with('@') {
            pending_tags.extend(line.split_whitespace().map(str::to_owned));
        } else if let Some(name) = line.strip_prefix("Feature:") {
            feature.name = name.trim().to_owned();
            feature_tags = std::mem::take(&mut pending_tags);
        } else if line.starts_with("Background:") {
            section = Section::Background;
        } else if let Some((outline, name)) = scenario_header(line) {
            let mut tags = feature_tags.clone();
            tags.append(&mut pending_tags);
            feature.scenarios.push(ScenarioDef {
                name: name.to_owned(),
                tags,
                line: line_no,
                steps: Vec::new(),
                examples: outline.then(Vec::new),
            });
            section = Section::Scenario;
        } else if line.starts_with("Examples:") || line.starts_with("Scenarios:") {
            let tags = std::mem::take(&mut pending_tags);
            let Some(examples) = feature
                .scenarios
                .last_mut()
                .and_then(|s| s.examples.as_mut())
            else {
                return Err(err("Examples outside a Scenario Outline".into()));
            };
            examples.push(Examples {
                tags,
                header: Vec::new(),
                rows: Vec::new(),
            });
            section = Section::Examples;
        } else if line.starts_with('|') {
            let row = table_row(line).map_err(err)?;
            if !matches!(section, Section::Examples) {
                return Err(err("a table outside a step or Examples".into()));
            }
            let block = feature
                .scenarios
                .last_mut()
                .and_then(|s| s.examples.as_mut())
                .and_then(|e| e.last_mut());
            match block {
                Some(b) if b.header.is_empty() => b.header = row,
                Some(b) => b.rows.push(row),
                None => return Err(err("Examples without a scenario".into())),
            }
        } else if let Some((keyword, step_text)) = step_line(line) {
            let (arg, next) = step_arg(&lines, i)?;
            i = next;
            let step = Step {
                keyword: keyword.to_owned(),
                text: step_text.to_owned(),
                arg,
                line: line_no,
            };
            match section {
                Section::Background => feature.background.push(step),
                Section::Scenario => match feature.scenarios.last_mut() {
                    Some(s) => s.steps.push(step),
                    None => return Err(err("a step outside a scenario".into())),
                },
                Section::Start | Section::Examples => {
                    return Err(err(format!("unexpected step `{line}`")))
                }
            }
        } else if matches!(section, Section::Start) {
            // The free-text description under `Feature:`.
            continue;
        } else {
            return Err(err(format!("unrecognised line `{line}`")));
        }
    }
    Ok(feature)
}

/// `Scenario: name` -> (false, name); `Scenario Outline: name` -> (true, name).
fn scenario_header(line: &str) -> Option<(bool, &str)> {
    for (prefix, outline) in [
        ("Scenario Outline:", true),
        ("Scenario Template:", true),
        ("Scenario:", false),
        ("Example:", false),
    ] {
        if let Some(name) = line.strip_prefix(prefix) {
            return Some((outline, name.trim()));
        }
    }
    None
}

fn step_line(line: &str) -> Option<(&str, &str)> {
    STEP_KEYWORDS.iter().find_map(|&k| {
        let rest = line.strip_prefix(k)?;
        rest.starts_with(' ').then(|| (k, rest.trim()))
    })
}

/// Reads the doc string or table that starts at `lines[start]`, if any; returns it and the index
/// of the first line after it.
fn step_arg(lines: &[&str], start: usize) -> Result<(Option<StepArg>, usize), ParseError> {
    let mut i = start;
    while i < lines.len() && lines[i].trim().is_empty() {
        i += 1;
    }
    let Some(first) = lines.get(i) else {
        return Ok((None, start));
    };
    let trimmed = first.trim_start();
    if trimmed.starts_with("\"\"\"") {
        let indent = first.len() - trimmed.len();
        let mut body = Vec::new();
        let mut j = i + 1;
        loop {
            let Some(line) = lines.get(j) else {
                return Err(ParseError {
                    line: i + 1,
                    message: "unterminated doc string".into(),
                });
            };
            if line.trim() == "\"\"\"" {
                break;
            }
            body.push(strip_indent(line, indent).replace("\\\"\\\"\\\"", "\"\"\""));
            j += 1;
        }
        return Ok((Some(StepArg::DocString(body.join("\n"))), j + 1));
    }
    if trimmed.starts_with('|') {
        let mut rows = Vec::new();
        let mut j = i;
        while let Some(line) = lines.get(j) {
            let t = line.trim();
            if t.starts_with('|') {
                rows.push(table_row(t).map_err(|message| ParseError {
                    line: j + 1,
                    message,
                })?);
            } else if !(t.is_empty() || t.starts_with('#')) {
                break;
            }
            j += 1;
        }
        return Ok((Some(StepArg::Table(rows)), j));
    }
    Ok((None, start))
}

/// Removes up to `indent` leading spaces (the doc string's own indentation).
fn strip_indent(line: &str, indent: usize) -> String {
    let spaces = line.len() - line.trim_start_matches(' ').len();
    line[spaces.min(indent)..].to_owned()
}

/// Splits `| a | b\|c |` into unescaped, trimmed cells.
fn table_row(line: &str) -> Result<Vec<String>, String> {
    let inner = line
        .strip_prefix('|')
        .ok_or_else(|| "a table row must start with `|`".to_owned())?;
    let mut cells = Vec::new();
    let mut cell = String::new();
    let mut chars = inner.chars();
    // `|` alone is a row of no cells.
    let mut closed = true;
    while let Some(c) = chars.next() {
        closed = false;
        match c {
            '\\' => match chars.next() {
                Some('|') => cell.push('|'),
                Some('\\') => cell.push('\\'),
                Some('n') => cell.push('\n'),
                Some(other) => {
                    cell.push('\\');
                    cell.push(other);
                }
                None => cell.push('\\'),
            },
            '|' => {
                cells.push(cell.trim().to_owned());
                cell.clear();
                closed = true;
            }
            _ => cell.push(c),
        }
    }
    if !closed {
        return Err(format!("table row does not end with `|`: {line}"));
    }
    Ok(cells)
}

impl Feature {
    /// The concrete scenarios: each plain scenario once, each outline once per example row.
    pub fn expand(&self) -> Vec<Scenario> {
        let mut out = Vec::new();
        for def in &self.scenarios {
            let Some(blocks) = &def.examples else {
                out.push(Scenario {
                    name: def.name.clone(),
                    tags: def.tags.clone(),
                    line: def.line,
                    example: None,
                    steps: self.background.iter().chain(&def.steps).cloned().collect(),
                });
                continue;
            };
            let mut number = 0;
            for block in blocks {
                for row in &block.rows {
                    number += 1;
                    let fill = |s: &str| fill_placeholders(s, &block.header, row);
                    let steps = self
                        .background
                        .iter()
                        .cloned()
                        .chain(def.steps.iter().map(|step| fill_step(step, &fill)))
                        .collect();
                    let mut tags = def.tags.clone();
                    tags.extend(block.tags.iter().cloned());
                    out.push(Scenario {
                        name: fill(&def.name),
                        tags,
                        line: def.line,
                        example: Some((number, row.clone())),
                        steps,
                    });
                }
            }
        }
        out
    }
}

fn fill_step(step: &Step, fill: &dyn Fn(&str) -> String) -> Step {
    Step {
        keyword: step.keyword.clone(),
        text: fill(&step.text),
        arg: step.arg.as_ref().map(|arg| match arg {
            StepArg::DocString(s) => StepArg::DocString(fill(s)),
            StepArg::Table(rows) => StepArg::Table(
                rows.iter()
                    .map(|r| r.iter().map(|c| fill(c)).collect())
                    .collect(),
            ),
        }),
        line: step.line,
    }
}

/// Replaces each `<name>` of `header` in `text` by the row's value, in one pass (a value that
/// itself contains `<other>` is left alone). Other `<...>` text (a path literal) stays as is.
fn fill_placeholders(text: &str, header: &[String], row: &[String]) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(open) = rest.find('<') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        let value = after.find('>').and_then(|close| {
            let name = &after[..close];
            let column = header.iter().position(|h| h == name)?;
            Some((row.get(column)?, close))
        });
        match value {
            Some((value, close)) => {
                out.push_str(value);
                rest = &after[close + 1..];
            }
            None => {
                out.push('<');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests;
