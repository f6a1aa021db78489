//! Where the planner starts a pattern and places its predicates.

use super::*;
use crate::ast::{Clause, Query};
use crate::{GraphWrite, MemGraph};

fn parsed(q: &str) -> Result<Query, CypherError> {
    crate::parse(q)
}

/// Plans the first `MATCH` of `q` with `bound` variables in scope.
fn plan_of<'q>(g: &MemGraph, q: &'q Query, bound: &[&str]) -> Result<Plan<'q>, CypherError> {
    let Some(Clause::Match {
        pattern, where_, ..
    }) = q.first.clauses.first()
    else {
        return Err(CypherError::unsupported("test query must start with MATCH"));
    };
    let parts: Vec<PartRef<'_>> = pattern.iter().map(PartRef::from).collect();
    let names: Vec<String> = bound.iter().map(|b| (*b).to_string()).collect();
    plan(g, &names, &parts, where_.as_ref())
}

fn first_scan<'a>(p: &'a Plan<'_>) -> Option<(&'a str, &'a Source<'a>)> {
    p.steps.iter().find_map(|s| match s {
        Step::Scan { slot, source, .. } => {
            Some((p.names.get(*slot).map_or("", String::as_str), source))
        }
        _ => None,
    })
}

fn graph() -> Result<MemGraph, CypherError> {
    let mut g = MemGraph::new();
    for _ in 0..5 {
        g.create_node(&["Many".to_string()], vec![])?;
    }
    g.create_node(&["Few".to_string()], vec![])?;
    Ok(g)
}

#[test]
fn starts_where_an_id_predicate_fixes_the_node() -> Result<(), CypherError> {
    let g = graph()?;
    let q = parsed("MATCH (a:Many)-[:IS_FRIEND]-(b)-[:IS_FRIEND]-(c) WHERE id(a) = 123 RETURN c")?;
    let p = plan_of(&g, &q, &[])?;
    assert!(matches!(first_scan(&p), Some(("a", Source::Id(_)))));
    let q = parsed("MATCH (c)-[:IS_FRIEND]-(b)-[:IS_FRIEND]-(a) WHERE $id = id(a) RETURN c")?;
    let p = plan_of(&g, &q, &[])?;
    assert!(matches!(first_scan(&p), Some(("a", Source::Id(_)))));
    Ok(())
}

#[test]
fn starts_at_the_rarest_label_or_a_bound_variable() -> Result<(), CypherError> {
    let g = graph()?;
    let q = parsed("MATCH (a:Many)-->(b:Few) RETURN a")?;
    let p = plan_of(&g, &q, &[])?;
    assert!(matches!(first_scan(&p), Some(("b", Source::Label("Few")))));
    let q = parsed("MATCH (a:Many)-->(b:Few) RETURN a")?;
    let p = plan_of(&g, &q, &["a"])?;
    assert!(matches!(p.steps.first(), Some(Step::Check { slot: 0, .. })));
    Ok(())
}

#[test]
fn places_each_conjunct_as_soon_as_its_variables_are_bound() -> Result<(), CypherError> {
    let g = graph()?;
    let q = parsed("MATCH (a:Few)-->(b)-->(c) WHERE c.x = 2 AND a.x = 1 RETURN c")?;
    let p = plan_of(&g, &q, &[])?;
    assert_eq!(kinds(&p), ["scan", "filter", "expand", "expand", "filter"]);
    Ok(())
}

fn kinds(p: &Plan<'_>) -> Vec<&'static str> {
    p.steps
        .iter()
        .map(|s| match s {
            Step::Scan { .. } => "scan",
            Step::Check { .. } => "check",
            Step::Expand(_) => "expand",
            Step::Shortest { .. } => "shortest",
            Step::Filter(_) => "filter",
            Step::Exists { .. } => "exists",
            Step::Props { .. } => "props",
            Step::Path { .. } => "path",
        })
        .collect()
}

/// The steps of the subplan of the plan's pattern predicate.
fn predicate_steps(p: &Plan<'_>) -> Vec<&'static str> {
    p.steps
        .iter()
        .find_map(|s| match s {
            Step::Exists { plan, .. } => Some(kinds(plan)),
            _ => None,
        })
        .unwrap_or_default()
}

#[test]
fn a_pattern_predicate_checks_only_the_labels_its_match_has_not() -> Result<(), CypherError> {
    let g = graph()?;
    let q =
        parsed("MATCH (a:Few)-[:R]-(b)-[:R]-(c:Many) WHERE NOT (a:Few)-[:R]-(c:Many) RETURN c")?;
    assert_eq!(predicate_steps(&plan_of(&g, &q, &[])?), ["expand"]);
    // `b` was matched without a label: the predicate checks it.
    let q = parsed("MATCH (a:Few)-[:R]-(b)-[:R]-(c) WHERE NOT (b:Many)-[:R]-(a) RETURN c")?;
    assert_eq!(predicate_steps(&plan_of(&g, &q, &[])?), ["check", "expand"]);
    // So is a label the match did not ask for, and a variable from an earlier clause.
    let q = parsed("MATCH (a:Few)-[:R]-(c) WHERE NOT (a:Other)-[:R]-(c) RETURN c")?;
    assert_eq!(predicate_steps(&plan_of(&g, &q, &[])?), ["check", "expand"]);
    let q = parsed("MATCH (a)-[:R]-(c:Many) WHERE NOT (a:Few)-[:R]-(c:Many) RETURN c")?;
    assert_eq!(
        predicate_steps(&plan_of(&g, &q, &["a"])?),
        ["check", "expand"]
    );
    Ok(())
}

/// Which hops write their relationship to its slot.
fn binds(p: &Plan<'_>) -> Vec<bool> {
    p.steps
        .iter()
        .filter_map(|s| match s {
            Step::Expand(hop) => Some(hop.bind_rel),
            _ => None,
        })
        .collect()
}

#[test]
fn binds_a_relationship_only_where_something_reads_it() -> Result<(), CypherError> {
    let g = graph()?;
    let anonymous = parsed("MATCH (a:Few)-[:R]-(b)-[:R]-(c) RETURN c")?;
    assert_eq!(binds(&plan_of(&g, &anonymous, &[])?), [false, false]);
    let named = parsed("MATCH (a:Few)-[r:R]-(b)-[:R]-(c) RETURN r")?;
    assert_eq!(binds(&plan_of(&g, &named, &[])?), [true, false]);
    let path = parsed("MATCH p = (a:Few)-[:R]-(b) RETURN p")?;
    assert_eq!(binds(&plan_of(&g, &path, &[])?), [true]);
    // The map mentions `c`, bound after the relationship: checked by a later step.
    let deferred = parsed("MATCH (a:Few)-[:R {w: c.w}]-(b)-[:R]-(c) RETURN c")?;
    let plan = plan_of(&g, &deferred, &[])?;
    assert!(plan.steps.iter().any(|s| matches!(s, Step::Props { .. })));
    assert_eq!(binds(&plan), [true, false]);
    Ok(())
}
