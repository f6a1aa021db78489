//! Graph-only relationships: a table by id and an adjacency index for each end.
//!
//! Scale 100 of the benchmark imports 5.2 million of them, so each costs 40 bytes: 24 in the
//! table (ids are dense — the store numbers them in order — so the table is chunks of slots
//! indexed by id, not a hash map) and 8 in each index, which holds only ids sorted by (node, id)
//! and finds a node's run by binary search, reading the node of a probed id from the table.
//! Sorted arrays cannot take inserts in the middle cheaply, so new relationships go to a small
//! ordered set that is merged into the array once it holds an eighth as much (geometric, so
//! each relationship is moved a bounded number of times, also during a load).

use std::collections::BTreeSet;

use rustc_hash::FxHashMap;

/// A relationship's ends and its type's name number.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Rel {
    pub start: u64,
    pub end: u64,
    pub ty: u32,
}

/// The type of a slot with no relationship (never used, or deleted: a deleted one keeps its
/// ends, by which the indexes are still sorted until their next merge).
const FREE: u32 = u32::MAX;
const CHUNK_BITS: u32 = 12;
const CHUNK: usize = 1 << CHUNK_BITS;

#[derive(Debug, Default)]
pub(crate) struct RelTable {
    chunks: FxHashMap<u64, Box<[Rel]>>,
    len: usize,
}

impl RelTable {
    /// The relationship with this id, if it exists.
    pub fn get(&self, id: u64) -> Option<Rel> {
        self.slot(id).filter(|r| r.ty != FREE)
    }

    /// The slot, also of a deleted relationship.
    fn slot(&self, id: u64) -> Option<Rel> {
        let chunk = self.chunks.get(&(id >> CHUNK_BITS))?;
        chunk.get((id as usize) & (CHUNK - 1)).copied()
    }

    /// False if the id is taken.
    pub fn insert(&mut self, id: u64, rel: Rel) -> bool {
        let chunk = self.chunks.entry(id >> CHUNK_BITS).or_insert_with(|| {
            vec![
                Rel {
                    start: u64::MAX,
                    end: u64::MAX,
                    ty: FREE,
                };
                CHUNK
            ]
            .into_boxed_slice()
        });
        let slot = &mut chunk[(id as usize) & (CHUNK - 1)];
        if slot.ty != FREE {
            return false;
        }
        *slot = rel;
        self.len += 1;
        true
    }

    pub fn remove(&mut self, id: u64) -> Option<Rel> {
        let chunk = self.chunks.get_mut(&(id >> CHUNK_BITS))?;
        let slot = chunk.get_mut((id as usize) & (CHUNK - 1))?;
        if slot.ty == FREE {
            return None;
        }
        let rel = *slot;
        slot.ty = FREE;
        self.len -= 1;
        Some(rel)
    }

    pub fn len(&self) -> usize {
        self.len
    }
}

/// Which end of a relationship an [`Adjacency`] indexes.
#[derive(Debug, Clone, Copy)]
pub(crate) enum End {
    Start,
    End,
}

#[derive(Debug)]
pub(crate) struct Adjacency {
    end: End,
    /// Relationship ids sorted by (this end's node, id). Ids of deleted relationships stay
    /// until the next merge; readers skip them.
    base: Vec<u64>,
    /// (node, id) added since the last merge.
    recent: BTreeSet<(u64, u64)>,
}

impl Adjacency {
    pub fn new(end: End) -> Self {
        Adjacency {
            end,
            base: Vec::new(),
            recent: BTreeSet::new(),
        }
    }

    fn node_of(&self, table: &RelTable, id: u64) -> u64 {
        table.slot(id).map_or(u64::MAX, |r| match self.end {
            End::Start => r.start,
            End::End => r.end,
        })
    }

    pub fn insert(&mut self, table: &RelTable, node: u64, id: u64) {
        self.recent.insert((node, id));
        if self.recent.len() > (self.base.len() / 8).max(1024) {
            self.merge(table);
        }
    }

    pub fn remove(&mut self, node: u64, id: u64) {
        self.recent.remove(&(node, id));
    }

    /// Calls `f` with the id of every live relationship at `node`, in id order within each part.
    pub fn each(&self, table: &RelTable, node: u64, mut f: impl FnMut(u64)) {
        let from = self
            .base
            .partition_point(|&id| self.node_of(table, id) < node);
        for &id in &self.base[from..] {
            if self.node_of(table, id) != node {
                break;
            }
            if table.get(id).is_some() {
                f(id);
            }
        }
        for &(_, id) in self.recent.range((node, 0)..=(node, u64::MAX)) {
            f(id);
        }
    }

    /// Merges the recent entries into the sorted array, dropping deleted relationships.
    fn merge(&mut self, table: &RelTable) {
        let recent = std::mem::take(&mut self.recent);
        let mut merged = Vec::with_capacity(self.base.len() + recent.len());
        let mut old = self
            .base
            .iter()
            .filter(|&&id| table.get(id).is_some())
            .map(|&id| (self.node_of(table, id), id))
            .peekable();
        for new in recent {
            while let Some(&o) = old.peek() {
                if o > new {
                    break;
                }
                merged.push(o.1);
                old.next();
            }
            merged.push(new.1);
        }
        merged.extend(old.map(|(_, id)| id));
        merged.shrink_to_fit();
        self.base = merged;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_each_nodes_relationships_across_merges_and_deletes() {
        let mut table = RelTable::default();
        let mut out = Adjacency::new(End::Start);
        let mut inn = Adjacency::new(End::End);
        // 5,000 relationships from node i % 50 to node 1000 + i % 7, enough for merges.
        for id in 1..=5_000u64 {
            let rel = Rel {
                start: id % 50,
                end: 1_000 + id % 7,
                ty: 3,
            };
            assert!(table.insert(id, rel));
            out.insert(&table, rel.start, id);
            inn.insert(&table, rel.end, id);
        }
        assert!(!table.insert(7, table.get(8).unwrap()), "id 7 is taken");
        assert!(!out.base.is_empty(), "the recent set was merged");
        let at = |adj: &Adjacency, table: &RelTable, node: u64| {
            let mut ids = Vec::new();
            adj.each(table, node, |id| ids.push(id));
            ids.sort_unstable();
            ids
        };
        let expected: Vec<u64> = (1..=5_000).filter(|id| id % 50 == 7).collect();
        assert_eq!(at(&out, &table, 7), expected);
        let ending: Vec<u64> = (1..=5_000).filter(|id| id % 7 == 3).collect();
        assert_eq!(at(&inn, &table, 1_003), ending);
        assert!(at(&out, &table, 51).is_empty());
        // Deleting one hides it at once, wherever it is indexed.
        let gone = expected[3];
        let rel = table.remove(gone).unwrap();
        out.remove(rel.start, gone);
        inn.remove(rel.end, gone);
        assert!(!at(&out, &table, 7).contains(&gone));
        assert_eq!(table.get(gone), None);
        assert_eq!(table.len(), 4_999);
        // One more after the merge lands in the recent set and is found too.
        assert!(table.insert(
            9_999,
            Rel {
                start: 7,
                end: 1,
                ty: 4
            }
        ));
        out.insert(&table, 7, 9_999);
        assert!(at(&out, &table, 7).contains(&9_999));
    }
}
