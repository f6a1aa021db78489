//! What a read-only query remembers of the graph between rows: the relationships between two
//! bound nodes, and checks of nodes (labels, existence). A write could change either, so only queries that do not
//! write remember anything.
//!
//! A hop whose both ends are bound (`NOT (a)-[:R]-(c)` for every row of a friends-of-friends
//! match, or the closing edge of a cycle) would otherwise expand the same start node once per
//! row, each time at the cost of its degree. The second time a start node is asked for, its
//! relationships are indexed by their other end; from then on each ask is a hash lookup, up to
//! [`MAX_HELD`] relationships in all.
//!
//! A node's labels are checked wherever a pattern names them, again for the same node on every
//! row (the start of that anti-join, a node the enclosing pattern has just checked), and so is
//! the existence of a bound node: the last answers are kept in a small direct-mapped table.

use std::cell::{Cell, RefCell};
use std::collections::{HashMap, HashSet};
use std::hash::{BuildHasherDefault, Hasher};
use std::ops::Deref;
use std::rc::Rc;

use crate::graph::{GraphRead, NodeId, RelId};

/// Most relationships held in all indexes of one query.
const MAX_HELD: usize = 1 << 20;
/// Most start nodes remembered as asked once.
const MAX_ASKED: usize = 1 << 16;

/// An expansion: the start node, the relationship pattern (its address in the query) and the
/// direction walked.
pub(crate) type Key = (NodeId, usize, u8);

/// Keys here are a few integers from the query itself, not input an attacker picks per entry:
/// a multiply-rotate hash (as rustc's FxHasher) instead of SipHash, which costs more than the
/// lookup it serves.
#[derive(Default)]
struct IntHasher(u64);

impl Hasher for IntHasher {
    fn write(&mut self, bytes: &[u8]) {
        for b in bytes {
            self.write_u64(u64::from(*b));
        }
    }

    fn write_u8(&mut self, i: u8) {
        self.write_u64(u64::from(i));
    }

    fn write_u64(&mut self, i: u64) {
        self.0 = (self.0.rotate_left(5) ^ i).wrapping_mul(0x51_7C_C1_B7_27_22_0A_95);
    }

    fn write_usize(&mut self, i: usize) {
        self.write_u64(i as u64);
    }

    fn finish(&self) -> u64 {
        self.0
    }
}

type Fast = BuildHasherDefault<IntHasher>;

/// One expansion's relationships by their other end.
type Ends = HashMap<NodeId, Rc<[RelId]>, Fast>;

#[derive(Default)]
pub(crate) struct Between {
    on: Cell<bool>,
    asked: RefCell<HashSet<Key, Fast>>,
    index: RefCell<HashMap<Key, Rc<Ends>, Fast>>,
    /// The expansion asked last: an anti-join asks the same one on every row.
    last: RefCell<Option<(Key, Rc<Ends>)>>,
    held: Cell<usize>,
}

impl Between {
    /// Turns remembering on: only for a query that does not write.
    pub fn enable(&self) {
        self.on.set(true);
    }

    /// The relationships of expansion `key` that end at `to`, in the order `expand` gives them
    /// (as `(other end, relationship)` pairs); `None` when not remembered, and the caller
    /// expands itself.
    pub fn get(
        &self,
        key: Key,
        to: NodeId,
        expand: impl FnOnce() -> Vec<(NodeId, RelId)>,
    ) -> Option<Rels> {
        if !self.on.get() {
            return None;
        }
        let found = |ends: &Ends| match ends.get(&to) {
            Some(rels) => Rels::Shared(Rc::clone(rels)),
            None => Rels::Owned(Vec::new()),
        };
        if let Some((k, ends)) = &*self.last.borrow() {
            if *k == key {
                return Some(found(ends));
            }
        }
        if let Some(ends) = self.index.borrow().get(&key) {
            let answer = found(ends);
            *self.last.borrow_mut() = Some((key, Rc::clone(ends)));
            return Some(answer);
        }
        let mut asked = self.asked.borrow_mut();
        if asked.len() >= MAX_ASKED || self.held.get() >= MAX_HELD || asked.insert(key) {
            // The first ask expands as usual: most keys are never asked twice.
            return None;
        }
        drop(asked);
        let rels = expand();
        self.held.set(self.held.get() + rels.len() + 1);
        let mut grouped: HashMap<NodeId, Vec<RelId>, Fast> = HashMap::default();
        for (end, r) in rels {
            grouped.entry(end).or_default().push(r);
        }
        let ends: Rc<Ends> = Rc::new(grouped.into_iter().map(|(n, r)| (n, Rc::from(r))).collect());
        let answer = found(&ends);
        self.index.borrow_mut().insert(key, Rc::clone(&ends));
        *self.last.borrow_mut() = Some((key, ends));
        Some(answer)
    }
}

/// Relationships to try: from the graph, or shared with [`Between`].
pub(crate) enum Rels {
    Owned(Vec<RelId>),
    Shared(Rc<[RelId]>),
}

impl Deref for Rels {
    type Target = [RelId];

    fn deref(&self) -> &[RelId] {
        match self {
            Rels::Owned(v) => v,
            Rels::Shared(r) => r,
        }
    }
}

/// Entries of the table of node checks.
const NODE_SLOTS: usize = 512;
/// The key of an existence check (no label text lives at address 1).
const EXISTS: usize = 1;

/// Node checks: `(node, what, answer)`, where `what` is [`EXISTS`] or the address of a label's
/// text in the query (which lives as long as the query); 0 is an empty entry.
#[derive(Default)]
pub(crate) struct NodeChecks {
    on: Cell<bool>,
    table: RefCell<Vec<(NodeId, usize, bool)>>,
}

impl NodeChecks {
    /// Turns remembering on: only for a query that does not write.
    pub fn enable(&self) {
        self.on.set(true);
    }

    /// `graph.has_label(node, label)`, remembered.
    pub fn has_label(&self, graph: &dyn GraphRead, node: NodeId, label: &str) -> bool {
        let key = label.as_ptr() as usize;
        self.remembered(node, key, || graph.has_label(node, label))
    }

    /// `graph.has_node(node)`, remembered.
    pub fn has_node(&self, graph: &dyn GraphRead, node: NodeId) -> bool {
        self.remembered(node, EXISTS, || graph.has_node(node))
    }

    fn remembered(&self, node: NodeId, key: usize, check: impl FnOnce() -> bool) -> bool {
        if !self.on.get() {
            return check();
        }
        let mix = (node ^ (key as u64).rotate_left(32)).wrapping_mul(0x9E37_79B9_7F4A_7C15);
        let at = (mix >> 32) as usize % NODE_SLOTS;
        let mut table = self.table.borrow_mut();
        if table.is_empty() {
            table.resize(NODE_SLOTS, (0, 0, false));
        }
        if let Some((n, k, answer)) = table.get(at) {
            if *n == node && *k == key {
                return *answer;
            }
        }
        let answer = check();
        if let Some(entry) = table.get_mut(at) {
            *entry = (node, key, answer);
        }
        answer
    }
}
