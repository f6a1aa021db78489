//! Differential tests of matching: on random small graphs, the engine's answers must equal a
//! brute-force enumeration, and must not depend on how a pattern is written or where the
//! planner starts it.

use pillion_cypher::{
    execute, CypherError, GraphRead, GraphWrite, Limits, MemGraph, Params, RelId, Value,
};
use proptest::prelude::*;

/// A graph as `(labels of each node, relationships (start, end, type))`.
type Spec = (Vec<bool>, Vec<(usize, usize, bool)>);

fn spec() -> impl Strategy<Value = Spec> {
    (1usize..6).prop_flat_map(|n| {
        (
            prop::collection::vec(any::<bool>(), n),
            prop::collection::vec((0..n, 0..n, any::<bool>()), 0..9),
        )
    })
}

fn build((labels, rels): &Spec) -> Result<MemGraph, CypherError> {
    let mut g = MemGraph::new();
    let mut ids = Vec::new();
    for (i, l) in labels.iter().enumerate() {
        let label = if *l { vec!["L".to_string()] } else { vec![] };
        ids.push(g.create_node(&label, vec![("i".to_string(), Value::Int(i as i64))])?);
    }
    for (a, b, t) in rels {
        let ty = if *t { "T" } else { "U" };
        g.create_rel(ids[*a], ids[*b], ty, vec![])?;
    }
    Ok(g)
}

fn rows(g: &mut MemGraph, q: &str) -> Result<Vec<Vec<i64>>, CypherError> {
    let r = execute(g, q, &Params::new(), Limits::default())?;
    let mut out: Vec<Vec<i64>> = r
        .rows
        .iter()
        .map(|row| {
            row.iter()
                .map(|v| match v {
                    Value::Int(i) => *i,
                    _ => -1,
                })
                .collect()
        })
        .collect();
    out.sort();
    Ok(out)
}

/// Directed trails (no relationship twice) of `min..=max` relationships, as (start, end) pairs.
fn trails(g: &MemGraph, min: usize, max: usize) -> Vec<Vec<i64>> {
    fn go(
        g: &MemGraph,
        start: u64,
        at: u64,
        used: &mut Vec<RelId>,
        (min, max): (usize, usize),
        out: &mut Vec<Vec<i64>>,
    ) {
        if used.len() >= min {
            out.push(vec![start as i64, at as i64]);
        }
        if used.len() == max {
            return;
        }
        let mut next = Vec::new();
        g.expand(at, pillion_cypher::Direction::Outgoing, &[], &mut next);
        for r in next {
            if !used.contains(&r) {
                used.push(r);
                go(g, start, r.end, used, (min, max), out);
                used.pop();
            }
        }
    }
    let mut out = Vec::new();
    for n in g.nodes() {
        go(g, n, n, &mut Vec::new(), (min, max), &mut out);
    }
    out.sort();
    out
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn variable_length_matches_enumerate_trails(s in spec(), min in 0usize..3, extra in 0usize..3) {
        let mut g = build(&s).map_err(|e| TestCaseError::fail(e.to_string()))?;
        let max = min + extra;
        let q = format!("MATCH (a)-[*{min}..{max}]->(b) RETURN id(a), id(b)");
        let got = rows(&mut g, &q).map_err(|e| TestCaseError::fail(e.to_string()))?;
        prop_assert_eq!(got, trails(&g, min, max));
    }

    #[test]
    fn answers_do_not_depend_on_how_a_pattern_is_written(s in spec(), pick in 0i64..6) {
        let mut g = build(&s).map_err(|e| TestCaseError::fail(e.to_string()))?;
        let queries = [
            "MATCH (a)-[:T]->(b)-->(c:L) RETURN id(a), id(b), id(c)".to_string(),
            "MATCH (c:L)<--(b)<-[:T]-(a) RETURN id(a), id(b), id(c)".to_string(),
            "MATCH (b)-->(c:L), (a)-[:T]->(b) RETURN id(a), id(b), id(c)".to_string(),
            "MATCH (a)-[r]->(b)-[s]->(c) WHERE type(r) = 'T' AND c:L RETURN id(a), id(b), id(c)"
                .to_string(),
        ];
        let mut answers = Vec::new();
        for q in &queries {
            answers.push(rows(&mut g, q).map_err(|e| TestCaseError::fail(e.to_string()))?);
        }
        for a in &answers[1..] {
            prop_assert_eq!(a, &answers[0]);
        }
        // Starting from an id must give the subset the full match gives for that node.
        let by_id = rows(&mut g, &format!(
            "MATCH (a)-[:T]->(b)-->(c:L) WHERE id(b) = {pick} RETURN id(a), id(b), id(c)"
        )).map_err(|e| TestCaseError::fail(e.to_string()))?;
        let expected: Vec<Vec<i64>> =
            answers[0].iter().filter(|r| r.get(1) == Some(&pick)).cloned().collect();
        prop_assert_eq!(by_id, expected);
    }

    #[test]
    fn undirected_matches_see_each_relationship_from_both_ends(s in spec()) {
        let mut g = build(&s).map_err(|e| TestCaseError::fail(e.to_string()))?;
        let got = rows(&mut g, "MATCH (a)-[r]-(b) RETURN count(*)")
            .map_err(|e| TestCaseError::fail(e.to_string()))?;
        let loops = s.1.iter().filter(|(a, b, _)| a == b).count();
        let expected = 2 * s.1.len() - loops;
        prop_assert_eq!(got, vec![vec![expected as i64]]);
    }
}
