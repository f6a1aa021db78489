//! Planning a pattern match: the order in which its nodes and relationships are bound, and
//! where each `WHERE` conjunct is checked.
//!
//! Every variable of the pattern gets a slot; the row handed in fills the first slots. Each part
//! of the pattern starts from the cheapest node: one already bound, else one whose id a
//! conjunct fixes (`id(n) = $x`), else the label with the fewest nodes, else every node; from
//! there it expands along its chain to the right, then to the left. A conjunct runs as soon as
//! the variables it mentions are bound ([`checks`]); so does an inline property map that mentions
//! a variable of the pattern bound after its own element (`(b {x: a.x})` reached before `a`). A
//! conjunct that is a pattern predicate (or `NOT` one) is planned here too, once, rather than
//! for every row it filters.

use std::collections::{BTreeSet, HashMap};

use super::walk::{conjuncts, mentioned_vars, ANY_VARIABLE};
use crate::ast::{
    BinaryOp, Expr, ExprKind, Ident, NodePattern, PathKind, PatternElement, PatternPart,
    RelDirection, RelPattern,
};
use crate::graph::{Direction, GraphRead};
use crate::CypherError;

/// One part of a pattern, wherever it was written (a `MATCH`, a pattern predicate, ...).
#[derive(Clone, Copy)]
pub(crate) struct PartRef<'q> {
    pub var: Option<&'q Ident>,
    pub kind: PathKind,
    pub element: &'q PatternElement,
}

impl<'q> From<&'q PatternPart> for PartRef<'q> {
    fn from(p: &'q PatternPart) -> Self {
        PartRef {
            var: p.var.as_ref(),
            kind: p.kind,
            element: &p.element,
        }
    }
}

/// Where the candidates of a node come from.
pub(crate) enum Source<'q> {
    All,
    Label(&'q str),
    /// The node whose id is the expression's value.
    Id(&'q Expr),
    /// The nodes whose ids are in the expression's (list) value.
    Ids(&'q Expr),
    /// The ends of the relationship bound in this slot.
    RelEnds(usize),
}

/// Following one relationship pattern from a bound node.
pub(crate) struct Hop<'q> {
    pub from: usize,
    pub rel_slot: usize,
    pub to: usize,
    pub rel: &'q RelPattern,
    pub to_node: &'q NodePattern,
    pub dir: Direction,
    pub to_bound: bool,
    pub rel_bound: bool,
    /// True when walking against the written order (a variable-length list is then reversed).
    pub leftward: bool,
    /// Whether the relationship's and the end node's property maps are checked here (else by a
    /// later [`Step::Props`]).
    pub rel_props: bool,
    pub to_props: bool,
    /// Whether the relationship is written to its slot. An anonymous relationship that no path
    /// or deferred property check reads is not: binding and clearing it cost two writes per
    /// row for nothing (uniqueness is kept by the matcher's list of used relationships).
    pub bind_rel: bool,
}

pub(crate) enum Step<'q> {
    /// Bind an unbound node slot to each candidate that fits the node pattern (its property
    /// map only if `props`).
    Scan {
        slot: usize,
        node: &'q NodePattern,
        source: Source<'q>,
        props: bool,
    },
    /// A bound node slot must fit the node pattern (its property map only if `props`).
    Check {
        slot: usize,
        node: &'q NodePattern,
        props: bool,
    },
    /// The node, relationship or relationships in the slot must have the properties of the
    /// map: an inline map checked later than its element.
    Props {
        slot: usize,
        props: &'q Expr,
    },
    Expand(Hop<'q>),
    /// Both ends bound: the shortest path(s) between them.
    Shortest {
        hop: Hop<'q>,
        all: bool,
    },
    Filter(&'q Expr),
    /// A conjunct that is a pattern predicate or `EXISTS { ... }` (`negated`: under `NOT`),
    /// planned once with every slot of this plan as its input.
    Exists {
        plan: Box<Plan<'q>>,
        negated: bool,
    },
    /// Build a named path from its start node and (relationship, node) slots.
    Path {
        slot: usize,
        start: usize,
        hops: Vec<(usize, usize)>,
    },
}

pub(crate) struct Plan<'q> {
    /// One name per slot: the input's, then the pattern's new variables, then hidden slots ("").
    pub names: Vec<String>,
    pub n_named: usize,
    pub steps: Vec<Step<'q>>,
}

/// Slots of one part's elements.
struct PartSlots {
    nodes: Vec<usize>,
    rels: Vec<usize>,
    path: Option<usize>,
}

struct Planner<'q, 'g> {
    graph: &'g dyn GraphRead,
    names: Vec<String>,
    bound: Vec<bool>,
    steps: Vec<Step<'q>>,
    /// Conjuncts not yet placed, with the new slots they need.
    pending: Vec<(&'q Expr, Vec<usize>)>,
    /// Inline property maps not yet checked: the slot, the map, the slots it needs.
    deferred: Vec<(usize, &'q Expr, Vec<usize>)>,
    n_in: usize,
    n_named: usize,
    label_counts: HashMap<&'q str, usize>,
    /// Per slot, the labels a step of this plan (or of the plan a pattern predicate sits in)
    /// has already checked the node in it to have: a pattern predicate does not check them
    /// again (`NOT (a:Rider)-[:IS_FRIEND]-(c:Rider)` after `(a:Rider)-...-(c:Rider)`).
    known: Vec<Vec<&'q str>>,
}

pub(crate) fn plan<'q>(
    graph: &dyn GraphRead,
    in_names: &[String],
    parts: &[PartRef<'q>],
    where_: Option<&'q Expr>,
) -> Result<Plan<'q>, CypherError> {
    plan_knowing(graph, in_names, &[], parts, where_)
}

/// [`plan`], where the nodes in the input slots of `known` are known to exist and to carry
/// those labels.
fn plan_knowing<'q>(
    graph: &dyn GraphRead,
    in_names: &[String],
    known: &[Vec<&'q str>],
    parts: &[PartRef<'q>],
    where_: Option<&'q Expr>,
) -> Result<Plan<'q>, CypherError> {
    let hops: usize = parts.iter().map(|p| p.element.chain.len()).sum();
    if hops > MAX_HOPS {
        return Err(CypherError::unsupported(format!(
            "patterns of more than {MAX_HOPS} relationships"
        )));
    }
    let mut names = in_names.to_vec();
    let n_in = names.len();
    let add_named = |names: &mut Vec<String>, v: Option<&Ident>| {
        if let Some(v) = v {
            if !names.contains(&v.name) {
                names.push(v.name.clone());
            }
        }
    };
    for part in parts {
        add_named(&mut names, part.var);
        add_named(&mut names, part.element.start.var.as_ref());
        for (rel, node) in &part.element.chain {
            add_named(&mut names, rel.var.as_ref());
            add_named(&mut names, node.var.as_ref());
        }
    }
    let n_named = names.len();
    let slot = |names: &mut Vec<String>, v: Option<&Ident>| match v
        .and_then(|v| names.iter().rposition(|n| *n == v.name))
    {
        Some(s) => s,
        None => {
            names.push(String::new());
            names.len() - 1
        }
    };
    let mut slots = Vec::with_capacity(parts.len());
    for part in parts {
        let mut nodes = vec![slot(&mut names, part.element.start.var.as_ref())];
        let mut rels = Vec::new();
        for (rel, node) in &part.element.chain {
            rels.push(slot(&mut names, rel.var.as_ref()));
            nodes.push(slot(&mut names, node.var.as_ref()));
        }
        let path = part.var.map(|v| slot(&mut names, Some(v)));
        slots.push(PartSlots { nodes, rels, path });
    }

    let mut pending = Vec::new();
    if let Some(w) = where_ {
        let mut cs = Vec::new();
        conjuncts(w, &mut cs);
        for c in cs {
            let mut vars = BTreeSet::new();
            mentioned_vars(c, &mut vars);
            let needs = if vars.contains(ANY_VARIABLE) {
                (n_in..n_named).collect()
            } else {
                vars.iter()
                    .filter_map(|v| names.iter().rposition(|n| n == v))
                    .filter(|s| *s >= n_in)
                    .collect()
            };
            pending.push((c, needs));
        }
    }
    let mut p = Planner {
        graph,
        bound: (0..names.len()).map(|i| i < n_in).collect(),
        names,
        steps: Vec::new(),
        pending,
        deferred: Vec::new(),
        n_in,
        n_named,
        label_counts: HashMap::new(),
        known: Vec::new(),
    };
    p.known = known.to_vec();
    p.known.resize(p.names.len(), Vec::new());
    p.place_ready();
    let mut remaining: Vec<usize> = (0..parts.len()).collect();
    while !remaining.is_empty() {
        // Cheap classes first; labels are counted only when no part has a better start.
        let mut best: Option<((u8, usize), usize, usize)> = None;
        for counting in [false, true] {
            for (ri, pi) in remaining.iter().enumerate() {
                let (Some(part), Some(ps)) = (parts.get(*pi), slots.get(*pi)) else {
                    continue;
                };
                for (k, node) in nodes_of(part.element).enumerate() {
                    let score = p.score(part, ps, k, node, counting);
                    if best.as_ref().is_none_or(|(b, _, _)| score < *b) {
                        best = Some((score, ri, k));
                    }
                }
            }
            if best.is_some_and(|((class, _), _, _)| class < CLASS_LABEL) {
                break;
            }
        }
        let Some((_, ri, k)) = best else { break };
        let pi = remaining.remove(ri);
        let (Some(part), Some(ps)) = (parts.get(pi), slots.get(pi)) else {
            break;
        };
        p.emit_part(part, ps, k)?;
    }
    // Anything left mentions only slots that never get bound here; it still must hold.
    for (c, _) in std::mem::take(&mut p.pending) {
        let step = p.conjunct_step(c);
        p.steps.push(step);
    }
    for (slot, props, _) in std::mem::take(&mut p.deferred) {
        p.steps.push(Step::Props { slot, props });
    }
    skip_unread_rels(&mut p.steps, n_named);
    Ok(Plan {
        names: p.names,
        n_named,
        steps: p.steps,
    })
}

/// Clears [`Hop::bind_rel`] for the single-hop relationships that have no name and that no
/// later step reads.
fn skip_unread_rels(steps: &mut [Step<'_>], n_named: usize) {
    let mut read = BTreeSet::new();
    for step in steps.iter() {
        match step {
            Step::Props { slot, .. } => {
                read.insert(*slot);
            }
            Step::Path { hops, .. } => read.extend(hops.iter().map(|(rel, _)| *rel)),
            Step::Scan {
                source: Source::RelEnds(slot),
                ..
            } => {
                read.insert(*slot);
            }
            _ => {}
        }
    }
    for step in steps.iter_mut() {
        if let Step::Expand(hop) = step {
            let unread = hop.rel_slot >= n_named && !read.contains(&hop.rel_slot);
            if unread && !hop.rel_bound && hop.rel.length.is_none() {
                hop.bind_rel = false;
            }
        }
    }
}

fn nodes_of(element: &PatternElement) -> impl Iterator<Item = &NodePattern> {
    std::iter::once(&element.start).chain(element.chain.iter().map(|(_, n)| n))
}

fn reverse(d: Direction) -> Direction {
    match d {
        Direction::Outgoing => Direction::Incoming,
        Direction::Incoming => Direction::Outgoing,
        Direction::Both => Direction::Both,
    }
}

fn written(d: RelDirection) -> Direction {
    match d {
        RelDirection::Outgoing => Direction::Outgoing,
        RelDirection::Incoming => Direction::Incoming,
        RelDirection::Either => Direction::Both,
    }
}

const LABEL_COUNT_CAP: usize = 100_000;

/// The most relationship patterns one match may have: matching recurses once per element.
const MAX_HOPS: usize = 100;

// Where a part may start, best first.
const CLASS_BOUND: u8 = 0;
const CLASS_REL_END: u8 = 1;
const CLASS_ID: u8 = 2;
const CLASS_LABEL: u8 = 3;
const CLASS_ALL: u8 = 4;

impl<'q> Planner<'q, '_> {
    /// Lower is a better place to start: see the `CLASS_` constants. Without `counting`, a
    /// labelled node scores as if it had no label (counting its label costs a scan).
    fn score(
        &mut self,
        part: &PartRef<'q>,
        ps: &PartSlots,
        k: usize,
        node: &'q NodePattern,
        counting: bool,
    ) -> (u8, usize) {
        if self.is_bound(ps.nodes.get(k).copied().unwrap_or(usize::MAX)) {
            return (CLASS_BOUND, 0);
        }
        if self.bound_rel_beside(part, ps, k).is_some() {
            return (CLASS_REL_END, 0);
        }
        if self.id_source(node).is_some() {
            return (CLASS_ID, 0);
        }
        match counting.then(|| self.best_label(node)).flatten() {
            Some((_, count)) => (CLASS_LABEL, count),
            None => (CLASS_ALL, 0),
        }
    }

    /// The slot of a bound (single) relationship next to node `k` of a part.
    fn bound_rel_beside(&self, part: &PartRef<'q>, ps: &PartSlots, k: usize) -> Option<usize> {
        if part.kind != PathKind::Normal {
            return None;
        }
        let beside = [k.checked_sub(1), Some(k)];
        beside.into_iter().flatten().find_map(|j| {
            let (rel, _) = part.element.chain.get(j)?;
            let slot = *ps.rels.get(j)?;
            (rel.length.is_none() && self.is_bound(slot)).then_some(slot)
        })
    }

    fn best_label(&mut self, node: &'q NodePattern) -> Option<(&'q str, usize)> {
        let mut best: Option<(&'q str, usize)> = None;
        for label in &node.labels {
            let name = label.name.as_str();
            let graph = self.graph;
            let count = *self
                .label_counts
                .entry(name)
                .or_insert_with(|| graph.nodes_with_label(name).take(LABEL_COUNT_CAP).count());
            if best.is_none_or(|(_, c)| count < c) {
                best = Some((name, count));
            }
        }
        best
    }

    /// A conjunct `id(v) = e` (or `e = id(v)`, `id(v) IN e`) whose `e` can be evaluated now.
    fn id_source(&self, node: &NodePattern) -> Option<Source<'q>> {
        let var = &node.var.as_ref()?.name;
        for (c, _) in &self.pending {
            let c: &'q Expr = c;
            let ExprKind::Binary(op, l, r) = &c.kind else {
                continue;
            };
            let (l, r): (&'q Expr, &'q Expr) = (l, r);
            let sides = match op {
                BinaryOp::Eq => [(l, r), (r, l)],
                BinaryOp::In => [(l, r), (l, r)],
                _ => continue,
            };
            for (id_side, value) in sides {
                if is_id_of(id_side, var) && self.evaluable(value) {
                    return Some(if *op == BinaryOp::In {
                        Source::Ids(value)
                    } else {
                        Source::Id(value)
                    });
                }
            }
        }
        None
    }

    /// Whether every variable `e` mentions is bound (or not one of the pattern's).
    fn evaluable(&self, e: &Expr) -> bool {
        let mut vars = BTreeSet::new();
        mentioned_vars(e, &mut vars);
        !vars.contains(ANY_VARIABLE)
            && vars.iter().all(|v| {
                self.names
                    .iter()
                    .rposition(|n| n == v)
                    .is_none_or(|s| self.bound.get(s).copied().unwrap_or(false))
            })
    }

    fn mark(&mut self, slot: usize) {
        if let Some(b) = self.bound.get_mut(slot) {
            *b = true;
        }
    }

    fn is_bound(&self, slot: usize) -> bool {
        self.bound.get(slot).copied().unwrap_or(false)
    }

    fn emit_node(&mut self, slot: usize, node: &'q NodePattern, bound_rel: Option<usize>) {
        let props = self.props_now(slot, node.props.as_ref());
        if self.is_bound(slot) {
            let checked = self
                .known
                .get(slot)
                .is_some_and(|known| node.labels.iter().all(|l| known.contains(&l.name.as_str())));
            // A node an earlier step checked for these labels needs no check (unless it has a
            // property map to check now).
            if !(checked && (node.props.is_none() || !props)) {
                self.steps.push(Step::Check { slot, node, props });
                self.learn(slot, node);
            }
        } else {
            let source = match (bound_rel, self.id_source(node)) {
                (Some(rel_slot), _) => Source::RelEnds(rel_slot),
                (None, Some(s)) => s,
                (None, None) => match self.best_label(node) {
                    Some((label, _)) => Source::Label(label),
                    None => Source::All,
                },
            };
            self.steps.push(Step::Scan {
                slot,
                node,
                source,
                props,
            });
            self.mark(slot);
            self.learn(slot, node);
        }
        self.place_ready();
    }

    /// Records that every row past the current step has a node in `slot` with `node`'s labels.
    fn learn(&mut self, slot: usize, node: &'q NodePattern) {
        if let Some(known) = self.known.get_mut(slot) {
            for l in &node.labels {
                if !known.contains(&l.name.as_str()) {
                    known.push(&l.name);
                }
            }
        }
    }

    fn hop(
        &self,
        from: usize,
        rel_slot: usize,
        to: usize,
        rel: &'q RelPattern,
        to_node: &'q NodePattern,
        leftward: bool,
    ) -> Hop<'q> {
        let dir = written(rel.direction);
        Hop {
            from,
            rel_slot,
            to,
            rel,
            to_node,
            dir: if leftward { reverse(dir) } else { dir },
            to_bound: self.is_bound(to),
            rel_bound: self.is_bound(rel_slot),
            leftward,
            rel_props: true,
            to_props: true,
            bind_rel: true,
        }
    }

    fn emit_part(
        &mut self,
        part: &PartRef<'q>,
        ps: &PartSlots,
        start: usize,
    ) -> Result<(), CypherError> {
        let chain = &part.element.chain;
        let node_at = |k: usize| nodes_of(part.element).nth(k);
        let slot_at = |k: usize| ps.nodes.get(k).copied().unwrap_or(0);
        if part.kind != PathKind::Normal {
            let ([(rel, end)], [rel_slot]) = (chain.as_slice(), ps.rels.as_slice()) else {
                return Err(CypherError::unsupported(
                    "shortestPath over more than one relationship pattern",
                ));
            };
            self.emit_node(slot_at(0), &part.element.start, None);
            self.emit_node(slot_at(1), end, None);
            let hop = self.hop(slot_at(0), *rel_slot, slot_at(1), rel, end, false);
            self.steps.push(Step::Shortest {
                hop,
                all: part.kind == PathKind::AllShortestPaths,
            });
            self.mark(*rel_slot);
            self.place_ready();
        } else {
            let Some(first) = node_at(start) else {
                return Ok(());
            };
            let bound_rel = self.bound_rel_beside(part, ps, start);
            self.emit_node(slot_at(start), first, bound_rel);
            for (j, (rel, node)) in chain.iter().enumerate().skip(start) {
                let rel_slot = ps.rels.get(j).copied().unwrap_or(0);
                let hop = self.hop(slot_at(j), rel_slot, slot_at(j + 1), rel, node, false);
                self.push_hop(hop);
            }
            for j in (0..start).rev() {
                let (Some((rel, _)), Some(node)) = (chain.get(j), node_at(j)) else {
                    continue;
                };
                let rel_slot = ps.rels.get(j).copied().unwrap_or(0);
                let hop = self.hop(slot_at(j + 1), rel_slot, slot_at(j), rel, node, true);
                self.push_hop(hop);
            }
        }
        if let Some(slot) = ps.path {
            let hops = ps
                .rels
                .iter()
                .zip(ps.nodes.iter().skip(1))
                .map(|(r, n)| (*r, *n))
                .collect();
            self.steps.push(Step::Path {
                slot,
                start: slot_at(0),
                hops,
            });
            self.mark(slot);
            self.place_ready();
        }
        Ok(())
    }

    fn push_hop(&mut self, mut hop: Hop<'q>) {
        let (rel_slot, to) = (hop.rel_slot, hop.to);
        hop.rel_props = self.props_now(rel_slot, hop.rel.props.as_ref());
        hop.to_props = self.props_now(to, hop.to_node.props.as_ref());
        let to_node = hop.to_node;
        self.steps.push(Step::Expand(hop));
        self.mark(rel_slot);
        self.mark(to);
        self.learn(to, to_node);
        self.place_ready();
    }
}

fn is_id_of(e: &Expr, var: &str) -> bool {
    match &e.kind {
        ExprKind::Function { name, args, .. } if name.eq_ignore_ascii_case("id") => {
            matches!(args.as_slice(), [a] if matches!(&a.kind, ExprKind::Variable(v) if v == var))
        }
        _ => false,
    }
}

mod checks;
#[cfg(test)]
mod tests;
