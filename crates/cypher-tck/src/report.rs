//! The report: failures (when asked), the most common reasons (when asked), a table per feature
//! folder, and the totals line that CI reads (always the last line).

use std::collections::BTreeMap;
use std::io::{self, Write};

use crate::run::Outcome;

/// How long a failure reason may be in the list of failures.
const REASON_CHARS: usize = 300;

/// One finished scenario.
#[derive(Debug, Clone)]
pub struct Record {
    /// The feature file's path under `features/`, e.g. `clauses/match/Match1.feature`.
    pub file: String,
    pub name: String,
    /// For an outline row: its number and values.
    pub example: Option<(usize, Vec<String>)>,
    pub outcome: Outcome,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Counts {
    pub passed: usize,
    pub failed: usize,
    pub unsupported: usize,
}

impl Counts {
    pub fn total(&self) -> usize {
        self.passed + self.failed + self.unsupported
    }

    fn add(&mut self, outcome: &Outcome) {
        match outcome {
            Outcome::Passed(_) => self.passed += 1,
            Outcome::Failed(_) => self.failed += 1,
            Outcome::Unsupported(_) => self.unsupported += 1,
        }
    }
}

/// The folder a feature file is in: `clauses/match/Match1.feature` -> `clauses/match`.
pub fn folder_of(file: &str) -> &str {
    file.rsplit_once('/').map_or("", |(dir, _)| dir)
}

/// `file: name [example n: a | b]`
pub fn scenario_title(r: &Record) -> String {
    match &r.example {
        None => format!("{}: {}", r.file, r.name),
        Some((n, row)) => format!("{}: {} [example {n}: {}]", r.file, r.name, row.join(" | ")),
    }
}

fn one_line(text: &str, max: usize) -> String {
    let flat: String = text
        .chars()
        .map(|c| if c == '\n' { ' ' } else { c })
        .collect();
    if flat.chars().count() <= max {
        flat
    } else {
        let cut: String = flat.chars().take(max).collect();
        format!("{cut}...")
    }
}

/// A reason with its specifics (names, numbers, quoted text) blanked, so similar ones group.
fn reason_kind(reason: &str) -> String {
    let mut out = String::new();
    let mut quote: Option<char> = None;
    for c in reason.chars() {
        match quote {
            Some(q) if c == q => {
                out.push(c);
                quote = None;
            }
            Some(_) => {}
            None if matches!(c, '\'' | '`' | '"') => {
                out.push_str(&format!("{c}…"));
                quote = Some(c);
            }
            None if c.is_ascii_digit() => {
                if !out.ends_with('#') {
                    out.push('#');
                }
            }
            None => out.push(c),
        }
    }
    one_line(&out, 90)
}

/// Writes the most common kinds of `reasons`.
fn write_top<'a>(
    out: &mut dyn Write,
    title: &str,
    reasons: impl Iterator<Item = &'a str>,
) -> io::Result<()> {
    let mut counts: BTreeMap<String, usize> = BTreeMap::new();
    for reason in reasons {
        *counts.entry(reason_kind(reason)).or_default() += 1;
    }
    if counts.is_empty() {
        return Ok(());
    }
    let mut sorted: Vec<(String, usize)> = counts.into_iter().collect();
    sorted.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    writeln!(out, "{title}:")?;
    for (kind, n) in sorted.iter().take(25) {
        writeln!(out, "  {n:5}  {kind}")?;
    }
    writeln!(out)
}

/// Writes the report and returns the totals.
pub fn write_report(
    out: &mut dyn Write,
    records: &[Record],
    show_failures: bool,
) -> io::Result<Counts> {
    if show_failures {
        let mut any = false;
        for r in records {
            if let Outcome::Failed(reason) = &r.outcome {
                if !any {
                    writeln!(out, "failures:")?;
                    any = true;
                }
                writeln!(
                    out,
                    "{}: {}",
                    scenario_title(r),
                    one_line(reason, REASON_CHARS)
                )?;
            }
        }
        if any {
            writeln!(out)?;
        }
        let failures = records.iter().filter_map(|r| match &r.outcome {
            Outcome::Failed(reason) => Some(reason.as_str()),
            _ => None,
        });
        write_top(out, "most common failures", failures)?;
        let mut any = false;
        for r in records {
            if let Outcome::Passed(Some(m)) = &r.outcome {
                if !m.difference.is_empty() {
                    if !any {
                        writeln!(
                            out,
                            "errors of the right kind that differ in detail or phase:"
                        )?;
                        any = true;
                    }
                    writeln!(out, "{}: {}", scenario_title(r), m.difference)?;
                }
            }
        }
        if any {
            writeln!(out)?;
        }
        let unsupported = records.iter().filter_map(|r| match &r.outcome {
            Outcome::Unsupported(reason) => Some(reason.as_str()),
            _ => None,
        });
        write_top(out, "most common unsupported", unsupported)?;
    }

    let mut folders: BTreeMap<&str, Counts> = BTreeMap::new();
    let mut totals = Counts::default();
    for r in records {
        folders
            .entry(folder_of(&r.file))
            .or_default()
            .add(&r.outcome);
        totals.add(&r.outcome);
    }
    writeln!(
        out,
        "{:<40} {:>7} {:>7} {:>7} {:>7} {:>7}",
        "folder", "passed", "failed", "unsupp", "total", "pass%"
    )?;
    for (folder, c) in folders
        .iter()
        .map(|(f, c)| (*f, c))
        .chain([("total", &totals)])
    {
        writeln!(
            out,
            "{:<40} {:>7} {:>7} {:>7} {:>7} {:>6.1}%",
            folder,
            c.passed,
            c.failed,
            c.unsupported,
            c.total(),
            percent(c.passed, c.total())
        )?;
    }

    let matches: Vec<_> = records
        .iter()
        .filter_map(|r| match &r.outcome {
            Outcome::Passed(Some(m)) => Some(m),
            _ => None,
        })
        .collect();
    writeln!(
        out,
        "expected errors: {} raised with the right kind; of those {} with the right detail code \
         and {} in the right phase",
        matches.len(),
        matches.iter().filter(|m| m.detail).count(),
        matches.iter().filter(|m| m.phase).count()
    )?;
    writeln!(
        out,
        "tck: {} passed, {} failed, {} unsupported of {} scenarios",
        totals.passed,
        totals.failed,
        totals.unsupported,
        totals.total()
    )?;
    Ok(totals)
}

fn percent(part: usize, whole: usize) -> f64 {
    if whole == 0 {
        0.0
    } else {
        part as f64 * 100.0 / whole as f64
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(file: &str, outcome: Outcome) -> Record {
        Record {
            file: file.into(),
            name: "[1] S".into(),
            example: Some((2, vec!["a".into(), "1".into()])),
            outcome,
        }
    }

    #[test]
    fn ends_with_the_totals_line_and_groups_by_folder() {
        let records = [
            record("clauses/match/Match1.feature", Outcome::Passed(None)),
            record(
                "clauses/match/Match2.feature",
                Outcome::Failed("wrong\nresult".into()),
            ),
            record(
                "expressions/list/List1.feature",
                Outcome::Unsupported("x".into()),
            ),
        ];
        let mut out = Vec::new();
        let counts = write_report(&mut out, &records, true).unwrap();
        assert_eq!(
            (counts.passed, counts.failed, counts.unsupported),
            (1, 1, 1)
        );
        let text = String::from_utf8(out).unwrap();
        assert!(
            text.contains("clauses/match/Match2.feature: [1] S [example 2: a | 1]: wrong result\n")
        );
        assert!(text
            .lines()
            .any(|l| l.starts_with("clauses/match ") && l.contains(" 50.0%")));
        assert_eq!(
            text.lines().last(),
            Some("tck: 1 passed, 1 failed, 1 unsupported of 3 scenarios")
        );
    }

    #[test]
    fn reasons_group_without_their_specifics() {
        assert_eq!(
            reason_kind("query failed: no function 'foo' at line 12"),
            reason_kind("query failed: no function 'barbaz' at line 3")
        );
    }
}
