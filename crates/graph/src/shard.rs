//! A hash map split into shards that grow one at a time.
//!
//! A single hash map doubles all at once: at 230k posts that moved ~60 MB under the engine's
//! write lock and stalled every reader for 140-270 ms (create-post p99 163 ms in
//! `bench/run.sh`). With 64 shards each doubling moves 1/64 of the entries. Ids are given out
//! in order, so a shard takes a block of 1,024 consecutive ids: new entries fill one shard at a
//! time and the shards cross their doubling thresholds at different moments. (Spreading single
//! ids evenly made all 64 shards double within the same few batches: 20-37 ms stalls.)

use std::hash::Hash;

use rustc_hash::FxHashMap;

const SHARDS: usize = 64;

/// Keys that pick their own shard: a well-mixed function of the id.
pub(crate) trait ShardKey: Copy + Eq + Hash {
    fn shard(&self) -> usize;
}

/// Consecutive ids share a shard for a block of this many.
const BLOCK_BITS: u32 = 10;

/// The id's block, Fibonacci-hashed onto [0, SHARDS): blocks spread evenly, also for sparse
/// imported ids.
pub(crate) fn shard_of(id: u64) -> usize {
    ((id >> BLOCK_BITS).wrapping_mul(0x9E37_79B9_7F4A_7C15) >> (64 - SHARDS.trailing_zeros()))
        as usize
}

macro_rules! shard_key {
    ($($t:ty),*) => {$(
        impl ShardKey for $t {
            fn shard(&self) -> usize {
                shard_of(self.0)
            }
        }
    )*};
}
shard_key!(
    pillion_model::RiderId,
    pillion_model::PostId,
    pillion_model::CommentId
);

#[derive(Debug, Clone)]
pub(crate) struct ShardedMap<K, V> {
    shards: Vec<FxHashMap<K, V>>,
    len: usize,
}

impl<K: ShardKey, V> Default for ShardedMap<K, V> {
    fn default() -> Self {
        ShardedMap {
            shards: (0..SHARDS).map(|_| FxHashMap::default()).collect(),
            len: 0,
        }
    }
}

impl<K: ShardKey, V> ShardedMap<K, V> {
    pub fn get(&self, k: &K) -> Option<&V> {
        self.shards[k.shard()].get(k)
    }

    pub fn get_mut(&mut self, k: &K) -> Option<&mut V> {
        self.shards[k.shard()].get_mut(k)
    }

    pub fn contains_key(&self, k: &K) -> bool {
        self.shards[k.shard()].contains_key(k)
    }

    pub fn insert(&mut self, k: K, v: V) -> Option<V> {
        let old = self.shards[k.shard()].insert(k, v);
        if old.is_none() {
            self.len += 1;
        }
        old
    }

    pub fn remove(&mut self, k: &K) -> Option<V> {
        let old = self.shards[k.shard()].remove(k);
        if old.is_some() {
            self.len -= 1;
        }
        old
    }

    pub fn len(&self) -> usize {
        self.len
    }

    pub fn values(&self) -> impl Iterator<Item = &V> {
        self.shards.iter().flat_map(|s| s.values())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use pillion_model::PostId;

    #[test]
    fn behaves_as_a_map() {
        let mut m: ShardedMap<PostId, u32> = ShardedMap::default();
        for i in 0..100_000 {
            assert_eq!(m.insert(PostId(i), i as u32), None);
        }
        assert_eq!(m.insert(PostId(5), 50), Some(5));
        assert_eq!(m.len(), 100_000);
        assert_eq!(m.get(&PostId(5)), Some(&50));
        assert_eq!(m.remove(&PostId(5)), Some(50));
        assert_eq!(m.remove(&PostId(5)), None);
        assert!(!m.contains_key(&PostId(5)));
        assert_eq!(m.len(), 99_999);
        assert_eq!(m.values().count(), 99_999);
        // Sequential ids reach most shards, a block at a time.
        assert!(m.shards.iter().filter(|s| !s.is_empty()).count() > 40);
        assert_eq!(shard_of(2048), shard_of(2048 + 1023));
    }
}
