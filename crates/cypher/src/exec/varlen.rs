//! Variable-length relationships and shortest paths: the searches of [`super::match_`] whose
//! depth the graph decides, so they keep their own stacks instead of recursing.

use std::collections::{HashMap, VecDeque};

use super::match_::{leaves, other_end, set, slot, Emit, Matcher, State};
use super::plan::Hop;
use crate::ast::RelPattern;
use crate::graph::{NodeId, RelId};
use crate::value::Value;
use crate::CypherError;

impl Matcher<'_, '_> {
    pub(super) fn var_expand(
        &self,
        i: usize,
        st: &mut State,
        emit: &mut Emit<'_>,
        hop: &Hop<'_>,
        from: NodeId,
    ) -> Result<bool, CypherError> {
        let (min, max) = bounds(hop.rel);
        if hop.rel_bound {
            return self.bound_var_expand(i, st, emit, hop, from, (min, max));
        }
        self.walk(i, st, emit, hop, from, (min, max))
    }

    /// Every walk of `min..=max` relationships from `from`, depth first with an explicit stack
    /// (a walk may be as long as the graph has relationships).
    fn walk(
        &self,
        i: usize,
        st: &mut State,
        emit: &mut Emit<'_>,
        hop: &Hop<'_>,
        from: NodeId,
        (min, max): (u64, u64),
    ) -> Result<bool, CypherError> {
        let base = st.used.len();
        // One frame per node of the walk: the node, its relationships, the next to try.
        let mut stack: Vec<(NodeId, Vec<RelId>, usize)> = Vec::new();
        let mut rels: Vec<RelId> = Vec::new();
        let first = if max > 0 {
            self.rels_from(hop, from)
        } else {
            Vec::new()
        };
        if min == 0 && !self.walk_ends_at(i, st, emit, hop, from, &rels)? {
            return Ok(false);
        }
        stack.push((from, first, 0));
        while let Some((at, candidates, next)) = stack.last_mut() {
            self.cx.guard.tick()?;
            let Some(r) = candidates.get(*next).copied() else {
                stack.pop();
                if !stack.is_empty() {
                    rels.pop();
                    st.used.pop();
                }
                continue;
            };
            *next += 1;
            if st.used.contains(&r) || !self.rel_fits(st, hop, &r, true)? {
                continue;
            }
            let to = other_end(&r, *at, hop.dir);
            st.used.push(r);
            rels.push(r);
            let depth = rels.len() as u64;
            if depth >= min && !self.walk_ends_at(i, st, emit, hop, to, &rels)? {
                st.used.truncate(base);
                return Ok(false);
            }
            let more = if depth < max {
                self.rels_from(hop, to)
            } else {
                Vec::new()
            };
            stack.push((to, more, 0));
        }
        st.used.truncate(base);
        Ok(true)
    }

    /// Binds a walk that ends at `at` and runs the rest of the plan.
    fn walk_ends_at(
        &self,
        i: usize,
        st: &mut State,
        emit: &mut Emit<'_>,
        hop: &Hop<'_>,
        at: NodeId,
        rels: &[RelId],
    ) -> Result<bool, CypherError> {
        if !self.bind_to(st, hop, at, false)? {
            return Ok(true);
        }
        let mut list: Vec<Value> = rels.iter().map(|r| Value::Rel(*r)).collect();
        if hop.leftward {
            list.reverse();
        }
        set(st, hop.rel_slot, Value::List(list));
        let go_on = self.step(i + 1, st, emit)?;
        set(st, hop.rel_slot, Value::Null);
        self.unbind_to(st, hop);
        Ok(go_on)
    }

    /// A variable-length relationship whose list is already bound: it must be a walk from
    /// `from` that fits the pattern.
    fn bound_var_expand(
        &self,
        i: usize,
        st: &mut State,
        emit: &mut Emit<'_>,
        hop: &Hop<'_>,
        from: NodeId,
        (min, max): (u64, u64),
    ) -> Result<bool, CypherError> {
        let Value::List(items) = slot(st, hop.rel_slot).clone() else {
            return Ok(true);
        };
        let mut rels: Vec<RelId> = Vec::with_capacity(items.len());
        for item in &items {
            match item {
                Value::Rel(r) => rels.push(*r),
                _ => return Ok(true),
            }
        }
        if hop.leftward {
            rels.reverse();
        }
        let len = rels.len() as u64;
        if len < min || len > max {
            return Ok(true);
        }
        let mut at = from;
        for (k, r) in rels.iter().enumerate() {
            if !leaves(r, at, hop.dir)
                || !self.cx.graph.has_rel(*r)
                || st.used.contains(r)
                || rels.get(..k).is_some_and(|before| before.contains(r))
                || !self.rel_fits(st, hop, r, false)?
            {
                return Ok(true);
            }
            at = other_end(r, at, hop.dir);
        }
        if !self.bind_to(st, hop, at, false)? {
            return Ok(true);
        }
        let n_used = st.used.len();
        st.used.extend(rels.iter().copied());
        let go_on = self.step(i + 1, st, emit)?;
        st.used.truncate(n_used);
        self.unbind_to(st, hop);
        Ok(go_on)
    }

    /// Breadth-first search for the shortest path(s) between two bound nodes.
    pub(super) fn shortest(
        &self,
        i: usize,
        st: &mut State,
        emit: &mut Emit<'_>,
        hop: &Hop<'_>,
        all: bool,
    ) -> Result<bool, CypherError> {
        let (Value::Node(from), Value::Node(to)) =
            (slot(st, hop.from).clone(), slot(st, hop.to).clone())
        else {
            return Ok(true);
        };
        let (min, max) = if hop.rel.length.is_some() {
            bounds(hop.rel)
        } else {
            (1, 1)
        };
        let mut paths: Vec<Vec<RelId>> = Vec::new();
        if from == to && min == 0 {
            paths.push(Vec::new());
        } else {
            // preds[n]: the (previous node, relationship) pairs that reach n at its distance.
            let mut dist: HashMap<NodeId, u64> = HashMap::from([(from, 0)]);
            let mut preds: HashMap<NodeId, Vec<(NodeId, RelId)>> = HashMap::new();
            let mut frontier = VecDeque::from([from]);
            let mut depth = 0;
            while !frontier.is_empty() && depth < max && !dist.contains_key(&to) {
                depth += 1;
                let mut next = VecDeque::new();
                for n in frontier {
                    for r in self.rels_from(hop, n) {
                        self.cx.guard.tick()?;
                        if !self.rel_fits(st, hop, &r, true)? {
                            continue;
                        }
                        let m = other_end(&r, n, hop.dir);
                        match dist.get(&m) {
                            Some(d) if *d < depth => continue,
                            Some(_) => {}
                            None => {
                                dist.insert(m, depth);
                                next.push_back(m);
                            }
                        }
                        preds.entry(m).or_default().push((n, r));
                    }
                }
                frontier = next;
            }
            if dist.get(&to).is_some_and(|d| *d >= min.max(1)) {
                unwind_preds(&preds, from, to, all, &mut paths);
            }
        }
        for rels in paths {
            let v = if hop.rel.length.is_some() {
                Value::List(rels.iter().map(|r| Value::Rel(*r)).collect())
            } else {
                match rels.first() {
                    Some(r) => Value::Rel(*r),
                    None => continue,
                }
            };
            set(st, hop.rel_slot, v);
            let go_on = self.step(i + 1, st, emit)?;
            set(st, hop.rel_slot, Value::Null);
            if !go_on {
                return Ok(false);
            }
        }
        Ok(true)
    }
}

/// Collects the paths from `from` to `to` by walking predecessor lists backwards (only the
/// first unless `all`). Iterative: a shortest path may be long.
fn unwind_preds(
    preds: &HashMap<NodeId, Vec<(NodeId, RelId)>>,
    from: NodeId,
    to: NodeId,
    all: bool,
    out: &mut Vec<Vec<RelId>>,
) {
    let mut stack: Vec<(NodeId, usize)> = vec![(to, 0)];
    let mut acc: Vec<RelId> = Vec::new();
    while let Some((at, next)) = stack.last_mut() {
        let found = *at == from;
        let pred = if found {
            None
        } else {
            preds.get(at).and_then(|p| p.get(*next)).copied()
        };
        if found {
            out.push(acc.iter().rev().copied().collect());
            if !all {
                return;
            }
        }
        match pred {
            Some((prev, r)) => {
                *next += 1;
                acc.push(r);
                stack.push((prev, 0));
            }
            None => {
                stack.pop();
                if !stack.is_empty() {
                    acc.pop();
                }
            }
        }
    }
}

fn bounds(rel: &RelPattern) -> (u64, u64) {
    match rel.length {
        Some((min, max)) => (min.unwrap_or(1), max.unwrap_or(u64::MAX)),
        None => (1, 1),
    }
}
