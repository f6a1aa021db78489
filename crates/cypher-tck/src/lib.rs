//! The openCypher TCK harness: reads the TCK's feature files, runs each scenario against
//! `pillion-cypher` on a fresh in-memory graph, and reports passed / failed / unsupported counts
//! per feature folder.
//!
//! It judges the engine only through its public API (`execute` and the graph traits) and never
//! changes the TCK's files; a scenario it cannot express counts as unsupported, never as passed.

pub mod compare;
pub mod driver;
pub mod gherkin;
pub mod report;
pub mod run;
pub mod tck_value;
#[cfg(test)]
mod test_graph;

use std::path::{Path, PathBuf};

use gherkin::Scenario;

/// A concrete scenario and the feature file it comes from.
#[derive(Debug, Clone)]
pub struct Job {
    /// The path under the features folder, `/`-separated.
    pub file: String,
    pub scenario: Scenario,
}

/// The TCK features folder of this repository.
pub fn default_features_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/data/tck/features")
}

/// Reads every `*.feature` file under `dir` (sorted by path) and expands its scenarios.
pub fn load_suite(dir: &Path) -> Result<Vec<Job>, String> {
    let mut files = Vec::new();
    collect_features(dir, &mut files)?;
    files.sort();
    let mut jobs = Vec::new();
    for path in files {
        let text = std::fs::read_to_string(&path)
            .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
        let feature = gherkin::parse_feature(&text)
            .map_err(|e| format!("cannot parse {}: {e}", path.display()))?;
        let file = path
            .strip_prefix(dir)
            .unwrap_or(&path)
            .components()
            .map(|c| c.as_os_str().to_string_lossy())
            .collect::<Vec<_>>()
            .join("/");
        jobs.extend(feature.expand().into_iter().map(|scenario| Job {
            file: file.clone(),
            scenario,
        }));
    }
    Ok(jobs)
}

fn collect_features(dir: &Path, out: &mut Vec<PathBuf>) -> Result<(), String> {
    let entries =
        std::fs::read_dir(dir).map_err(|e| format!("cannot list {}: {e}", dir.display()))?;
    for entry in entries {
        let path = entry
            .map_err(|e| format!("cannot list {}: {e}", dir.display()))?
            .path();
        if path.is_dir() {
            collect_features(&path, out)?;
        } else if path.extension().is_some_and(|e| e == "feature") {
            out.push(path);
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The vendored TCK: 1,615 scenarios as written, 3,897 once outlines are expanded.
    #[test]
    fn reads_every_scenario_of_the_tck() {
        let dir = default_features_dir();
        let mut written = 0;
        let mut files = Vec::new();
        collect_features(&dir, &mut files).unwrap();
        assert_eq!(files.len(), 220);
        for path in &files {
            let text = std::fs::read_to_string(path).unwrap();
            let feature =
                gherkin::parse_feature(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
            written += feature.scenarios.len();
        }
        assert_eq!(written, 1615);
        assert_eq!(load_suite(&dir).unwrap().len(), 3897);
    }

    /// No scenario loses its steps in reading: each runs a query and then checks something, so
    /// none can pass without being judged.
    #[test]
    fn every_scenario_runs_a_query_and_checks_it() {
        for job in load_suite(&default_features_dir()).unwrap() {
            let texts: Vec<&str> = job.scenario.steps.iter().map(|s| s.text.as_str()).collect();
            let query = texts.iter().position(|t| t.starts_with("executing query"));
            let check = texts.iter().rposition(|t| {
                t.starts_with("the result should be") || t.contains("should be raised at")
            });
            assert!(
                matches!((query, check), (Some(q), Some(c)) if q < c),
                "{}: {}: {texts:?}",
                job.file,
                job.scenario.name
            );
        }
    }

    /// Every expected value and parameter written in the TCK is one the value parser reads.
    #[test]
    fn parses_every_value_in_the_tck() {
        let mut bad = Vec::new();
        let mut cells = 0;
        for job in load_suite(&default_features_dir()).unwrap() {
            for step in &job.scenario.steps {
                let Some(gherkin::StepArg::Table(rows)) = &step.arg else {
                    continue;
                };
                let values: Vec<&String> = if step.text.starts_with("the result should be") {
                    rows.iter().skip(1).flatten().collect()
                } else if step.text.starts_with("parameters are") {
                    rows.iter().filter_map(|r| r.get(1)).collect()
                } else {
                    continue;
                };
                for cell in values {
                    cells += 1;
                    if let Err(e) = tck_value::parse(cell) {
                        bad.push(format!("{}:{}: {e}", job.file, step.line));
                    }
                }
            }
        }
        assert!(cells > 5000, "only {cells} cells");
        assert!(
            bad.is_empty(),
            "{} unparsable:\n{}",
            bad.len(),
            bad.join("\n")
        );
    }
}
