//! Shrinking a failing case, greedily: drop what can be dropped from the query and the graph
//! while the engine and the reference still disagree the same way.

use super::model::{Expr, GraphSpec, Query};
use crate::{check, Outcome};

/// `mismatch`: the engine answered (differently); otherwise it failed with an error.
pub fn shrink(mut g: GraphSpec, mut q: Query, mismatch: bool) -> (GraphSpec, Query) {
    let fails = |g: &GraphSpec, q: &Query| match check(g, q) {
        Outcome::Differ { got, .. } => got.is_ok() == mismatch,
        _ => false,
    };
    loop {
        let smaller_query = query_candidates(&q).into_iter().find(|c| fails(&g, c));
        if let Some(c) = smaller_query {
            q = c;
            continue;
        }
        let smaller_graph = graph_candidates(&g).into_iter().find(|c| fails(c, &q));
        match smaller_graph {
            Some(c) => g = c,
            None => return (g, q),
        }
    }
}

fn graph_candidates(g: &GraphSpec) -> Vec<GraphSpec> {
    let mut out = Vec::new();
    for j in (0..g.rels.len()).rev() {
        let mut c = g.clone();
        c.rels.remove(j);
        out.push(c);
    }
    for i in (0..g.nodes.len()).rev() {
        let mut c = g.clone();
        c.nodes.remove(i);
        c.rels.retain(|r| r.start != i && r.end != i);
        for r in &mut c.rels {
            r.start -= usize::from(r.start > i);
            r.end -= usize::from(r.end > i);
        }
        out.push(c);
    }
    for i in 0..g.nodes.len() {
        for k in 0..g.nodes[i].labels.len() {
            let mut c = g.clone();
            c.nodes[i].labels.remove(k);
            out.push(c);
        }
        for k in 0..g.nodes[i].props.len() {
            let mut c = g.clone();
            c.nodes[i].props.remove(k);
            out.push(c);
        }
    }
    for j in 0..g.rels.len() {
        if !g.rels[j].props.is_empty() {
            let mut c = g.clone();
            c.rels[j].props.clear();
            out.push(c);
        }
    }
    out
}

fn query_candidates(q: &Query) -> Vec<Query> {
    let mut out = Vec::new();
    let mut edit = |f: &dyn Fn(&mut Query)| {
        let mut c = q.clone();
        f(&mut c);
        out.push(c);
    };
    if q.clauses.len() > 1 {
        edit(&|c| {
            c.clauses.pop();
        });
    }
    if q.with.is_some() {
        edit(&|c| c.with = None);
    }
    if q.skip.is_some() {
        edit(&|c| c.skip = None);
    }
    if q.limit.is_some() {
        edit(&|c| c.limit = None);
    }
    if q.distinct {
        edit(&|c| c.distinct = false);
    }
    for i in 0..q.items.len() {
        if q.items.len() > 1 || q.count {
            edit(&|c| {
                c.items.remove(i);
            });
        }
    }
    for (ci, clause) in q.clauses.iter().enumerate() {
        if let Some(w) = &clause.where_ {
            edit(&|c| c.clauses[ci].where_ = None);
            for sub in children(w) {
                edit(&|c| c.clauses[ci].where_ = Some(sub.clone()));
            }
        }
        if clause.optional {
            edit(&|c| c.clauses[ci].optional = false);
        }
        for (pi, part) in clause.parts.iter().enumerate() {
            if clause.parts.len() > 1 {
                edit(&|c| {
                    c.clauses[ci].parts.remove(pi);
                });
            }
            if part.path.is_some() {
                edit(&|c| c.clauses[ci].parts[pi].path = None);
            }
            if !part.hops.is_empty() {
                edit(&|c| {
                    c.clauses[ci].parts[pi].hops.pop();
                });
            }
            for hi in 0..part.hops.len() {
                edit(&|c| {
                    let (rel, node) = &mut c.clauses[ci].parts[pi].hops[hi];
                    rel.types.clear();
                    rel.props.clear();
                    node.labels.clear();
                    node.props.clear();
                });
                edit(&|c| c.clauses[ci].parts[pi].hops[hi].0.var = None);
            }
            edit(&|c| {
                let start = &mut c.clauses[ci].parts[pi].start;
                start.labels.clear();
                start.props.clear();
            });
        }
    }
    // Only real changes: an edit that changed nothing would loop forever.
    let before = q.to_string();
    out.retain(|c| c.to_string() != before);
    out
}

fn children(e: &Expr) -> Vec<Expr> {
    match e {
        Expr::And(a, b) | Expr::Or(a, b) | Expr::Xor(a, b) => vec![(**a).clone(), (**b).clone()],
        Expr::Not(a) => vec![(**a).clone()],
        _ => Vec::new(),
    }
}
