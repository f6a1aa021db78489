//! Running one concrete scenario: its steps in order against a fresh graph, ending in an
//! [`Outcome`]. What the harness does not know (a procedure declaration, an unknown step) makes
//! the scenario unsupported, never failed.

use std::path::Path;
use std::time::{Duration, Instant};

use pillion_cypher::{CypherError, GraphWrite, Limits, Params, WriteStats};

use crate::compare::{self, Expected, Lists, Rows};
use crate::gherkin::{Scenario, Step, StepArg};
use crate::tck_value;

/// How long all the queries of one scenario may take together.
pub const SCENARIO_TIME: Duration = Duration::from_secs(5);

/// Tags under which a scenario is not meant to run.
const SKIP_TAGS: [&str; 4] = ["@ignore", "@skip", "@wip", "@fails"];

#[derive(Debug, Clone, PartialEq)]
pub enum Outcome {
    /// For a scenario that expects an error: how closely the engine's error matched.
    Passed(Option<ErrorMatch>),
    Failed(String),
    Unsupported(String),
}

/// Beyond the error kind (which must match): whether the phase and the detail code matched too.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ErrorMatch {
    pub phase: bool,
    pub detail: bool,
    /// What differed, e.g. `detail UndefinedVariable, got VariableAlreadyBound`; empty if nothing.
    pub difference: String,
}

/// Why a scenario stopped before its last step.
enum Stop {
    Failed(String),
    Unsupported(String),
}

type StepResult = Result<(), Stop>;

/// The answer to the last `When` step.
enum Answer {
    Rows {
        columns: Vec<String>,
        rows: Vec<Vec<tck_value::TckValue>>,
    },
    Error(CypherError),
}

struct Context<'a, G> {
    graph: G,
    params: Params,
    limits: Limits,
    graphs_dir: &'a Path,
    answer: Option<Answer>,
    /// What the last `executing query` (not a control query) changed.
    side_effects: WriteStats,
    error_match: Option<ErrorMatch>,
}

/// Runs `scenario` on a fresh `G`; `graphs_dir` holds the TCK's named graphs.
pub fn run_scenario<G: GraphWrite + Clone + Default>(
    scenario: &Scenario,
    graphs_dir: &Path,
) -> Outcome {
    if let Some(tag) = scenario
        .tags
        .iter()
        .find(|t| SKIP_TAGS.contains(&t.as_str()))
    {
        return Outcome::Unsupported(format!("tagged {tag}"));
    }
    let mut cx = Context {
        graph: G::default(),
        params: Params::new(),
        limits: Limits {
            deadline: Some(Instant::now() + SCENARIO_TIME),
            max_rows: 1_000_000,
        },
        graphs_dir,
        answer: None,
        side_effects: WriteStats::default(),
        error_match: None,
    };
    for step in &scenario.steps {
        match cx.step(step) {
            Ok(()) => {}
            Err(Stop::Failed(reason)) => return Outcome::Failed(reason),
            Err(Stop::Unsupported(reason)) => return Outcome::Unsupported(reason),
        }
    }
    Outcome::Passed(cx.error_match)
}

fn failed<T>(reason: impl Into<String>) -> Result<T, Stop> {
    Err(Stop::Failed(reason.into()))
}

fn doc_string(step: &Step) -> Result<&str, Stop> {
    match &step.arg {
        Some(StepArg::DocString(s)) => Ok(s),
        // `When executing query: RETURN 1` (the query on the step's own line).
        _ => match step.text.split_once(':') {
            Some((_, inline)) if !inline.trim().is_empty() => Ok(inline.trim()),
            _ => failed(format!("harness: step `{}` has no query", step.text)),
        },
    }
}

fn table(step: &Step) -> Result<&[Vec<String>], Stop> {
    match &step.arg {
        Some(StepArg::Table(rows)) => Ok(rows),
        _ => failed(format!("harness: step `{}` has no table", step.text)),
    }
}

fn parse_cell(cell: &str) -> Result<tck_value::TckValue, Stop> {
    tck_value::parse(cell).map_err(|e| Stop::Failed(format!("harness: bad TCK value: {e}")))
}

impl<G: GraphWrite + Clone + Default> Context<'_, G> {
    fn step(&mut self, step: &Step) -> StepResult {
        let text = step.text.trim_end_matches('#').trim();
        match text {
            "an empty graph" | "any graph" => {
                self.graph = G::default();
                Ok(())
            }
            "having executed:" | "after having executed:" => {
                self.setup(doc_string(step)?, "setup query")
            }
            "parameters are:" | "parameter values are:" => self.parameters(table(step)?),
            "no side effects" => self.check_side_effects(&[]),
            "the side effects should be:" => self.check_side_effects(table(step)?),
            _ if text.starts_with("executing query:") => self.query(doc_string(step)?, false),
            _ if text.starts_with("executing control query:") => {
                self.query(doc_string(step)?, true)
            }
            _ if text.starts_with("there exists a procedure") => {
                Err(Stop::Unsupported("procedure declarations".into()))
            }
            _ => {
                if let Some(name) = text
                    .strip_prefix("the ")
                    .and_then(|t| t.strip_suffix(" graph"))
                {
                    return self.load_graph(name);
                }
                if let Some(mode) = text.strip_prefix("the result should be") {
                    return self.check_result(step, mode);
                }
                if let Some(expectation) = text.strip_prefix("a ") {
                    if let Some((kind, rest)) = expectation.split_once(" should be raised at ") {
                        return self.check_error(kind, rest);
                    }
                }
                Err(Stop::Unsupported(format!("harness: unknown step `{text}`")))
            }
        }
    }

    /// Runs `query` with `params`; on an error the graph is put back as it was.
    fn execute(
        &mut self,
        query: &str,
        params: &Params,
    ) -> Result<pillion_cypher::QueryResult, CypherError> {
        let before = self.graph.clone();
        let result = pillion_cypher::execute(&mut self.graph, query, params, self.limits);
        if result.is_err() {
            self.graph = before;
        }
        result
    }

    fn setup(&mut self, query: &str, what: &str) -> StepResult {
        match self.execute(query, &Params::new()) {
            Ok(_) => Ok(()),
            Err(CypherError::Unsupported { feature }) => {
                Err(Stop::Unsupported(format!("unsupported: {feature}")))
            }
            Err(e) => failed(format!("{what} failed: {e}")),
        }
    }

    fn load_graph(&mut self, name: &str) -> StepResult {
        let file = self.graphs_dir.join(name).join(format!("{name}.cypher"));
        let text = std::fs::read_to_string(&file)
            .map_err(|e| Stop::Unsupported(format!("harness: no graph {}: {e}", file.display())))?;
        self.graph = G::default();
        let query = text.trim().trim_end_matches(';');
        self.setup(query, &format!("loading graph {name}"))
    }

    fn parameters(&mut self, rows: &[Vec<String>]) -> StepResult {
        for row in rows {
            let [name, value] = row.as_slice() else {
                return failed("harness: a parameter row needs a name and a value");
            };
            let value = parse_cell(value)?.to_param().map_err(Stop::Failed)?;
            self.params.insert(name.clone(), value);
        }
        Ok(())
    }

    fn query(&mut self, query: &str, control: bool) -> StepResult {
        let params = std::mem::take(&mut self.params);
        let result = self.execute(query, &params);
        self.params = params;
        let answer = match result {
            Ok(result) => {
                if !control {
                    self.side_effects = result.stats;
                }
                Answer::Rows {
                    rows: compare::render_rows(&self.graph, &result),
                    columns: result.columns,
                }
            }
            Err(CypherError::Unsupported { feature }) => {
                return Err(Stop::Unsupported(format!("unsupported: {feature}")))
            }
            Err(e) => {
                if !control {
                    self.side_effects = WriteStats::default();
                }
                Answer::Error(e)
            }
        };
        self.answer = Some(answer);
        Ok(())
    }

    /// The rows of the last answer, or why there are none.
    fn rows(&self) -> Result<(&[String], &[Vec<tck_value::TckValue>]), Stop> {
        match &self.answer {
            Some(Answer::Rows { columns, rows }) => Ok((columns, rows)),
            Some(Answer::Error(e)) => failed(format!("query failed: {e}")),
            None => failed("harness: no query ran before the result step"),
        }
    }

    /// `mode` is what follows `the result should be`: `empty`, `, in any order:`,
    /// `, in order:` or ` (ignoring element order for lists):` (either order).
    fn check_result(&self, step: &Step, mode: &str) -> StepResult {
        let (columns, actual) = self.rows()?;
        if mode.trim() == "empty" {
            return match actual.len() {
                0 => Ok(()),
                n => failed(format!(
                    "expected no rows, got {n}; first {}",
                    actual[0]
                        .iter()
                        .map(ToString::to_string)
                        .collect::<Vec<_>>()
                        .join(" | ")
                )),
            };
        }
        let rows = if mode.contains("in order") {
            Rows::InOrder
        } else {
            Rows::AnyOrder
        };
        let lists = if mode.contains("ignoring element order for lists") {
            Lists::AnyOrder
        } else {
            Lists::Ordered
        };
        let (header, body) = match table(step)?.split_first() {
            Some((header, body)) => (header.clone(), body),
            None => return failed("harness: an expected result table needs a header"),
        };
        let expected = Expected {
            columns: header,
            rows: body
                .iter()
                .map(|row| row.iter().map(|c| parse_cell(c)).collect())
                .collect::<Result<_, _>>()?,
        };
        compare::compare_result(&expected, columns, actual, rows, lists)
            .map_err(|e| Stop::Failed(format!("wrong result: {e}")))
    }

    fn check_side_effects(&self, rows: &[Vec<String>]) -> StepResult {
        let mut expected = WriteStats::default();
        for row in rows {
            let [name, count] = row.as_slice() else {
                return failed("harness: a side effect row needs a name and a count");
            };
            let Ok(count) = count.parse::<u64>() else {
                return failed(format!("harness: bad side effect count `{count}`"));
            };
            let field = match name.as_str() {
                "+nodes" => &mut expected.nodes_created,
                "-nodes" => &mut expected.nodes_deleted,
                "+relationships" => &mut expected.relationships_created,
                "-relationships" => &mut expected.relationships_deleted,
                "+labels" => &mut expected.labels_added,
                "-labels" => &mut expected.labels_removed,
                "+properties" => &mut expected.properties_set,
                "-properties" => &mut expected.properties_removed,
                other => return failed(format!("harness: unknown side effect `{other}`")),
            };
            *field = count;
        }
        if expected == self.side_effects {
            Ok(())
        } else {
            failed(format!(
                "side effects differ: expected {}, got {}",
                stats_text(&expected),
                stats_text(&self.side_effects)
            ))
        }
    }

    /// `kind` as in `a TypeError should be raised at ...`; `rest` is `runtime: Detail`,
    /// `compile time: Detail` or `any time: Detail`.
    fn check_error(&mut self, kind: &str, rest: &str) -> StepResult {
        let (phase, detail) = rest.split_once(':').unwrap_or((rest, ""));
        let (phase, detail) = (phase.trim(), detail.trim());
        let error = match &self.answer {
            Some(Answer::Error(e)) => e,
            Some(Answer::Rows { rows, .. }) => {
                return failed(format!(
                    "expected a {kind} ({detail}), but the query succeeded with {} rows",
                    rows.len()
                ))
            }
            None => return failed("harness: no query ran before the error step"),
        };
        let actual_kind = error.kind().map(|k| k.as_str());
        if actual_kind != Some(kind) {
            return failed(format!("expected a {kind} ({detail}), got: {error}"));
        }
        let actual_detail = match error {
            CypherError::Compile { detail, .. } | CypherError::Runtime { detail, .. } => *detail,
            _ => "",
        };
        let actual_phase = if error.at_compile_time() {
            "compile time"
        } else {
            "runtime"
        };
        let phase_ok = phase == "any time" || phase == actual_phase;
        // `*` in the TCK stands for any detail.
        let detail_ok = detail == "*" || actual_detail == detail;
        let mut differences = Vec::new();
        if !detail_ok {
            differences.push(format!("detail {detail}, got `{actual_detail}`"));
        }
        if !phase_ok {
            differences.push(format!("at {phase}, got at {actual_phase}"));
        }
        self.error_match = Some(ErrorMatch {
            phase: phase_ok,
            detail: detail_ok,
            difference: differences.join("; "),
        });
        Ok(())
    }
}

fn stats_text(s: &WriteStats) -> String {
    let fields = [
        ("+nodes", s.nodes_created),
        ("-nodes", s.nodes_deleted),
        ("+relationships", s.relationships_created),
        ("-relationships", s.relationships_deleted),
        ("+labels", s.labels_added),
        ("-labels", s.labels_removed),
        ("+properties", s.properties_set),
        ("-properties", s.properties_removed),
    ];
    let parts: Vec<String> = fields
        .iter()
        .filter(|(_, n)| *n != 0)
        .map(|(name, n)| format!("{name} {n}"))
        .collect();
    if parts.is_empty() {
        "none".into()
    } else {
        parts.join(", ")
    }
}

#[cfg(test)]
mod tests;
