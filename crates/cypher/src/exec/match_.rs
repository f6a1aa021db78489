//! Running a [`Plan`]: depth-first search over the graph, one binding of the pattern's slots at
//! a time. A relationship is matched at most once per binding (openCypher's relationship
//! uniqueness), variable-length relationships included.

use std::cell::RefCell;
use std::collections::BTreeSet;

use super::eval::{eval, is_true, Cx, Env};
use super::memo::Rels;
use super::plan::{plan, Hop, PartRef, Plan, Source, Step};
use super::{Row, Table};
use crate::ast::{Expr, Ident, PathKind, PatternElement, PatternPart, RelPattern};
use crate::graph::{Direction, NodeId, RelId};
use crate::value::{Path, Value};
use crate::CypherError;

/// Emits each binding; returns false to stop the search.
pub(crate) type Emit<'e> = dyn FnMut(&[Value]) -> Result<bool, CypherError> + 'e;

/// What a `MATCH` clause hands on.
pub(crate) struct Output<'k> {
    pub optional: bool,
    /// The most rows the next clause needs.
    pub cap: usize,
    /// The only variables the next clause reads, if known: the others are left out.
    pub keep: Option<&'k BTreeSet<String>>,
}

pub(crate) fn match_clause(
    cx: &Cx<'_>,
    table: Table,
    pattern: &[PatternPart],
    where_: Option<&Expr>,
    how: Output<'_>,
) -> Result<Table, CypherError> {
    let parts: Vec<PartRef<'_>> = pattern.iter().map(PartRef::from).collect();
    let plan = plan(cx.graph, &table.names, &parts, where_)?;
    let names = plan.names.get(..plan.n_named).unwrap_or(&plan.names);
    let columns: Vec<usize> = (0..names.len())
        .filter(|c| {
            let name = names.get(*c);
            how.keep.is_none_or(|k| name.is_some_and(|n| k.contains(n)))
        })
        .collect();
    let pick = |values: &[Value]| -> Row {
        columns
            .iter()
            .map(|c| values.get(*c).cloned().unwrap_or(Value::Null))
            .collect()
    };
    let cap = how.cap;
    let mut rows = Vec::new();
    for row in &table.rows {
        if rows.len() >= cap {
            break;
        }
        let mut found = false;
        run(cx, &plan, row, &mut |values| {
            rows.push(pick(values));
            found = true;
            cx.guard.check_rows(rows.len())?;
            Ok(rows.len() < cap)
        })?;
        if how.optional && !found {
            // The input row, with nulls for the variables this clause would have bound.
            rows.push(pick(row));
        }
    }
    Ok(Table {
        names: columns
            .iter()
            .filter_map(|c| names.get(*c).cloned())
            .collect(),
        rows,
    })
}

/// Runs `plan` from one input row.
pub(crate) fn run(
    cx: &Cx<'_>,
    plan: &Plan<'_>,
    input: &[Value],
    emit: &mut Emit<'_>,
) -> Result<(), CypherError> {
    let mut values = input.to_vec();
    values.resize(plan.names.len(), Value::Null);
    let mut st = State {
        values,
        used: Vec::new(),
    };
    Matcher {
        cx,
        plan,
        spare: RefCell::default(),
    }
    .step(0, &mut st, emit)?;
    Ok(())
}

/// Whether `element` matches at least once in `env` (a pattern predicate).
pub(crate) fn pattern_exists(
    cx: &Cx<'_>,
    env: &Env<'_>,
    element: &PatternElement,
) -> Result<bool, CypherError> {
    let part = PartRef {
        var: None,
        kind: PathKind::Normal,
        element,
    };
    exists_parts(cx, env, &[part], None)
}

pub(crate) fn exists_subquery(
    cx: &Cx<'_>,
    env: &Env<'_>,
    pattern: &[PatternPart],
    where_: Option<&Expr>,
) -> Result<bool, CypherError> {
    let parts: Vec<PartRef<'_>> = pattern.iter().map(PartRef::from).collect();
    exists_parts(cx, env, &parts, where_)
}

fn exists_parts(
    cx: &Cx<'_>,
    env: &Env<'_>,
    parts: &[PartRef<'_>],
    where_: Option<&Expr>,
) -> Result<bool, CypherError> {
    let (names, values) = env.flatten();
    let plan = plan(cx.graph, &names, parts, where_)?;
    let mut found = false;
    run(cx, &plan, &values, &mut |_| {
        found = true;
        Ok(false)
    })?;
    Ok(found)
}

/// `[p = (a)-->(b) WHERE pred | expr]`.
pub(crate) fn pattern_comprehension(
    cx: &Cx<'_>,
    env: &Env<'_>,
    var: Option<&Ident>,
    element: &PatternElement,
    filter: Option<&Expr>,
    map: &Expr,
) -> Result<Value, CypherError> {
    let (names, values) = env.flatten();
    let part = PartRef {
        var,
        kind: PathKind::Normal,
        element,
    };
    let plan = plan(cx.graph, &names, &[part], filter)?;
    let mut out = Vec::new();
    run(cx, &plan, &values, &mut |row| {
        out.push(eval(cx, &Env::new(&plan.names, row), map)?);
        cx.guard.check_rows(out.len())?;
        Ok(true)
    })?;
    Ok(Value::List(out))
}

pub(super) struct State {
    pub values: Vec<Value>,
    pub used: Vec<RelId>,
}

pub(super) struct Matcher<'a, 'q> {
    pub cx: &'a Cx<'a>,
    pub plan: &'a Plan<'q>,
    /// The used-relationship list of the subplan of a [`Step::Exists`], kept between rows so
    /// that a check per row allocates nothing.
    spare: RefCell<Option<Vec<RelId>>>,
}

pub(super) fn slot(st: &State, s: usize) -> &Value {
    st.values.get(s).unwrap_or(&Value::Null)
}

pub(super) fn set(st: &mut State, s: usize, v: Value) -> Value {
    match st.values.get_mut(s) {
        Some(x) => std::mem::replace(x, v),
        None => Value::Null,
    }
}

pub(super) fn other_end(r: &RelId, from: NodeId, dir: Direction) -> NodeId {
    match dir {
        Direction::Outgoing => r.end,
        Direction::Incoming => r.start,
        Direction::Both => {
            if r.start == from {
                r.end
            } else {
                r.start
            }
        }
    }
}

pub(super) fn leaves(r: &RelId, from: NodeId, dir: Direction) -> bool {
    match dir {
        Direction::Outgoing => r.start == from,
        Direction::Incoming => r.end == from,
        Direction::Both => r.start == from || r.end == from,
    }
}

impl<'a> Matcher<'a, '_> {
    pub(super) fn env<'s>(&'s self, st: &'s State) -> Env<'s> {
        Env::new(&self.plan.names, &st.values)
    }

    pub(super) fn step(
        &self,
        i: usize,
        st: &mut State,
        emit: &mut Emit<'_>,
    ) -> Result<bool, CypherError> {
        let Some(step) = self.plan.steps.get(i) else {
            // The state may be longer: slots of a pattern predicate's plan stay allocated.
            let n = self.plan.names.len().min(st.values.len());
            return emit(st.values.get(..n).unwrap_or(&st.values));
        };
        self.cx.guard.tick()?;
        match step {
            Step::Filter(e) => {
                if is_true(&eval(self.cx, &self.env(st), e)?)? {
                    self.step(i + 1, st, emit)
                } else {
                    Ok(true)
                }
            }
            Step::Check {
                slot: s,
                node,
                props,
            } => match slot(st, *s) {
                Value::Node(n) if self.node_fits(st, node, *n, *props)? => {
                    self.step(i + 1, st, emit)
                }
                _ => Ok(true),
            },
            Step::Exists { plan, negated } => {
                if self.exists(plan, st)? != *negated {
                    self.step(i + 1, st, emit)
                } else {
                    Ok(true)
                }
            }
            Step::Props { slot: s, props } => {
                if self.slot_has_props(st, *s, props)? {
                    self.step(i + 1, st, emit)
                } else {
                    Ok(true)
                }
            }
            Step::Scan {
                slot: s,
                node,
                source,
                props,
            } => {
                for n in self.candidates(st, source)? {
                    self.cx.guard.tick()?;
                    if !self.node_fits(st, node, n, *props)? {
                        continue;
                    }
                    set(st, *s, Value::Node(n));
                    let go_on = self.step(i + 1, st, emit)?;
                    set(st, *s, Value::Null);
                    if !go_on {
                        return Ok(false);
                    }
                }
                Ok(true)
            }
            Step::Expand(hop) => {
                let Value::Node(from) = *slot(st, hop.from) else {
                    return Ok(true);
                };
                if hop.rel.length.is_some() {
                    self.var_expand(i, st, emit, hop, from)
                } else {
                    self.expand(i, st, emit, hop, from)
                }
            }
            Step::Shortest { hop, all } => self.shortest(i, st, emit, hop, *all),
            Step::Path {
                slot: s,
                start,
                hops,
            } => {
                let Some(path) = build_path(st, *start, hops) else {
                    return Ok(true);
                };
                set(st, *s, Value::Path(path));
                let go_on = self.step(i + 1, st, emit)?;
                set(st, *s, Value::Null);
                Ok(go_on)
            }
        }
    }

    /// Whether `plan` (a subplan over this plan's slots, then its own) matches from the
    /// current binding. It runs on the same state: its own slots follow this plan's (added
    /// the first time, then kept, and emptied before each run), so no value is copied per row;
    /// it keeps its own list of used relationships (a pattern predicate is a pattern of its
    /// own).
    fn exists(&self, plan: &Plan<'_>, st: &mut State) -> Result<bool, CypherError> {
        if let [Step::Expand(hop)] = plan.steps.as_slice() {
            if let Some(answer) = self.linked(hop, st) {
                return answer;
            }
        }
        let outer = self.plan.names.len();
        if st.values.len() < plan.names.len() {
            st.values.resize(plan.names.len(), Value::Null);
        }
        for v in st.values.iter_mut().skip(outer) {
            if !matches!(v, Value::Null) {
                *v = Value::Null;
            }
        }
        let spare = self.spare.take().unwrap_or_default();
        let outer_used = std::mem::replace(&mut st.used, spare);
        st.used.clear();
        let sub = Matcher {
            cx: self.cx,
            plan,
            spare: RefCell::default(),
        };
        let mut found = false;
        let answer = sub.step(0, st, &mut |_| {
            found = true;
            Ok(false)
        });
        let spare = std::mem::replace(&mut st.used, outer_used);
        self.spare.replace(Some(spare));
        answer?;
        Ok(found)
    }

    /// A pattern predicate that is one relationship between two bound nodes, with no
    /// property map (`NOT (a)-[:IS_FRIEND]-(c)`): answered from the relationships between
    /// them, without running a subplan. `None` when `hop` is not of that shape.
    fn linked(&self, hop: &Hop<'_>, st: &State) -> Option<Result<bool, CypherError>> {
        let simple = hop.to_bound
            && !hop.rel_bound
            && hop.rel.length.is_none()
            && hop.rel.props.is_none()
            && hop.to_node.props.is_none();
        let (Value::Node(from), Value::Node(to)) = (slot(st, hop.from), slot(st, hop.to)) else {
            return None;
        };
        if !simple {
            return None;
        }
        let (from, to) = (*from, *to);
        let answer = || {
            for r in self.rels_between(hop, from, to).iter() {
                let labels_known = self.labels_implied(hop, r, to);
                if self.pattern_fits(st, hop.to_node, to, true, labels_known)? {
                    return Ok(true);
                }
            }
            Ok(false)
        };
        Some(answer())
    }

    /// The nodes a scan tries, lazily: a scan may stop early (`LIMIT`, `EXISTS`).
    fn candidates(
        &self,
        st: &State,
        source: &Source<'_>,
    ) -> Result<Box<dyn Iterator<Item = NodeId> + 'a>, CypherError> {
        let g = self.cx.graph;
        let id_of = |v: &Value| match v {
            Value::Int(i) => u64::try_from(*i).ok(),
            Value::Float(f) if f.fract() == 0.0 && *f >= 0.0 => Some(*f as u64),
            _ => None,
        };
        let ids: Vec<NodeId> = match source {
            Source::All => return Ok(g.nodes()),
            Source::Label(l) => return Ok(g.nodes_with_label(l)),
            Source::RelEnds(s) => match slot(st, *s) {
                Value::Rel(r) if r.start == r.end => vec![r.start],
                Value::Rel(r) => vec![r.start, r.end],
                _ => Vec::new(),
            },
            Source::Id(e) => id_of(&eval(self.cx, &self.env(st), e)?)
                .into_iter()
                .collect(),
            Source::Ids(e) => match eval(self.cx, &self.env(st), e)? {
                Value::List(items) => {
                    let mut ids: Vec<NodeId> = items.iter().filter_map(id_of).collect();
                    ids.sort_unstable();
                    ids.dedup();
                    ids
                }
                _ => Vec::new(),
            },
        };
        Ok(Box::new(ids.into_iter().filter(move |n| g.has_node(*n))))
    }

    pub(super) fn rels_from(&self, hop: &Hop<'_>, from: NodeId) -> Vec<RelId> {
        let types: Vec<&str> = hop.rel.types.iter().map(|t| t.name.as_str()).collect();
        let mut out = Vec::new();
        self.cx.graph.expand(from, hop.dir, &types, &mut out);
        out
    }

    /// The relationships of `hop` from `from` to the bound node `to`.
    fn rels_between(&self, hop: &Hop<'_>, from: NodeId, to: NodeId) -> Rels {
        let dir = match hop.dir {
            Direction::Outgoing => 0,
            Direction::Incoming => 1,
            Direction::Both => 2,
        };
        let key = (from, hop.rel as *const RelPattern as usize, dir);
        let remembered = self.cx.cache.between.get(key, to, || {
            let rels = self.rels_from(hop, from);
            rels.into_iter()
                .map(|r| (other_end(&r, from, hop.dir), r))
                .collect()
        });
        remembered.unwrap_or_else(|| {
            let mut rels = self.rels_from(hop, from);
            rels.retain(|r| other_end(r, from, hop.dir) == to);
            Rels::Owned(rels)
        })
    }

    fn expand(
        &self,
        i: usize,
        st: &mut State,
        emit: &mut Emit<'_>,
        hop: &Hop<'_>,
        from: NodeId,
    ) -> Result<bool, CypherError> {
        let candidates = match (hop.rel_bound, slot(st, hop.to)) {
            (true, _) => Rels::Owned(match slot(st, hop.rel_slot) {
                Value::Rel(r) if leaves(r, from, hop.dir) && self.cx.graph.has_rel(*r) => vec![*r],
                _ => Vec::new(),
            }),
            (false, Value::Node(to)) if hop.to_bound => self.rels_between(hop, from, *to),
            (false, _) => Rels::Owned(self.rels_from(hop, from)),
        };
        // The slots this hop binds are overwritten by each candidate and cleared once, when
        // the hop is done: nothing reads them between two candidates (a property map that
        // mentions the end node is checked by a later step).
        let bind = !hop.rel_bound && hop.bind_rel;
        let mut go_on = true;
        // The type's promise of end labels, asked once per type (a typed hop has one).
        let mut implied: Option<(u32, (bool, bool))> = None;
        for r in candidates.iter().copied() {
            self.cx.guard.tick()?;
            if st.used.contains(&r) || !self.rel_fits(st, hop, &r, !hop.rel_bound)? {
                continue;
            }
            let to = other_end(&r, from, hop.dir);
            let (at_start, at_end) = match implied {
                Some((ty, ends)) if ty == r.ty => ends,
                _ => {
                    let ends = self.implied_ends(hop, r.ty);
                    implied = Some((r.ty, ends));
                    ends
                }
            };
            let labels_known = if to == r.end { at_end } else { at_start };
            if !self.bind_to(st, hop, to, labels_known)? {
                continue;
            }
            if bind {
                set(st, hop.rel_slot, Value::Rel(r));
            }
            st.used.push(r);
            go_on = self.step(i + 1, st, emit)?;
            st.used.pop();
            if !go_on {
                break;
            }
        }
        if bind {
            set(st, hop.rel_slot, Value::Null);
        }
        self.unbind_to(st, hop);
        Ok(go_on)
    }
}

fn build_path(st: &State, start: usize, hops: &[(usize, usize)]) -> Option<Path> {
    let Value::Node(mut at) = *slot(st, start) else {
        return None;
    };
    let mut path = Path {
        nodes: vec![at],
        rels: Vec::new(),
    };
    let mut step = |r: &RelId, path: &mut Path| {
        at = if r.start == at { r.end } else { r.start };
        path.rels.push(*r);
        path.nodes.push(at);
    };
    for (rel_slot, _) in hops {
        match slot(st, *rel_slot) {
            Value::Rel(r) => step(r, &mut path),
            Value::List(items) => {
                for item in items {
                    let Value::Rel(r) = item else { return None };
                    step(r, &mut path);
                }
            }
            _ => return None,
        }
    }
    Some(path)
}
