//! The packed properties of posts, comments and interests, back to back in large chunks.
//!
//! Each owner keeps a 4-byte [`PropsRef`] in its own struct (a post has room for it in its
//! padding), so 12 million posts and comments with LDBC columns cost their ~40 bytes of
//! properties and nothing per entry besides: a hash map from id to a boxed slice cost another
//! ~45 bytes each (the slot with its slack, and the allocation's header and rounding).
//!
//! Replaced or deleted bytes are not reused; they are counted and go at the next start (a load
//! writes each owner's bytes once). Property bytes too long for a chunk, or past the 4 GiB a
//! reference can address, live in a map of their own.

use std::num::NonZeroU32;

use rustc_hash::FxHashMap;

/// Where an owner's property bytes are.
pub(crate) type PropsRef = NonZeroU32;

const CHUNK: usize = 1 << 20;
/// The reference of bytes kept in the `large` map (by owner id).
const LARGE: u32 = u32::MAX;

#[derive(Debug, Default)]
pub(crate) struct Arena {
    chunks: Vec<Vec<u8>>,
    large: FxHashMap<u64, Box<[u8]>>,
    /// Bytes given up by replaced or deleted properties.
    garbage: usize,
}

impl Arena {
    /// Stores `owner`'s property bytes.
    pub fn put(&mut self, owner: u64, bytes: &[u8]) -> PropsRef {
        let need = bytes.len() + varint_len(bytes.len());
        let fits = self
            .chunks
            .last()
            .is_some_and(|c| c.capacity() - c.len() >= need);
        if need <= CHUNK / 4 && !fits && self.chunks.len() < u32::MAX as usize / CHUNK {
            self.chunks.push(Vec::with_capacity(CHUNK));
        }
        let last = self.chunks.len().saturating_sub(1);
        match self.chunks.last_mut() {
            Some(chunk) if chunk.capacity() - chunk.len() >= need && need <= CHUNK / 4 => {
                let at = last * CHUNK + chunk.len();
                varint(chunk, bytes.len());
                chunk.extend_from_slice(bytes);
                // `at` < 4 GiB - 1 MiB by the chunk count bound, so `at + 1` fits and is not 0.
                PropsRef::new(at as u32 + 1).unwrap_or(PropsRef::MIN)
            }
            _ => {
                self.large.insert(owner, bytes.into());
                PropsRef::MAX
            }
        }
    }

    pub fn get(&self, owner: u64, r: PropsRef) -> &[u8] {
        if r.get() == LARGE {
            return self.large.get(&owner).map_or(&[], |b| b);
        }
        let at = (r.get() - 1) as usize;
        let Some(chunk) = self.chunks.get(at / CHUNK) else {
            return &[];
        };
        let rest = chunk.get(at % CHUNK..).unwrap_or(&[]);
        let (len, skip) = read_varint(rest);
        rest.get(skip..skip + len).unwrap_or(&[])
    }

    /// Gives up `owner`'s bytes (replaced, or the owner deleted).
    pub fn free(&mut self, owner: u64, r: PropsRef) {
        if r.get() == LARGE {
            self.large.remove(&owner);
        } else {
            let len = self.get(owner, r).len();
            self.garbage += len + varint_len(len);
        }
    }

    /// Bytes held, of which given up.
    pub fn bytes(&self) -> (usize, usize) {
        let held = self.chunks.iter().map(Vec::len).sum::<usize>()
            + self.large.values().map(|b| b.len()).sum::<usize>();
        (held, self.garbage)
    }
}

fn varint(out: &mut Vec<u8>, mut v: usize) {
    while v >= 0x80 {
        out.push((v as u8) | 0x80);
        v >>= 7;
    }
    out.push(v as u8);
}

fn varint_len(mut v: usize) -> usize {
    let mut n = 1;
    while v >= 0x80 {
        v >>= 7;
        n += 1;
    }
    n
}

/// (value, bytes read)
fn read_varint(bytes: &[u8]) -> (usize, usize) {
    let mut v = 0usize;
    for (i, b) in bytes.iter().enumerate().take(10) {
        v |= usize::from(b & 0x7f) << (7 * i);
        if b & 0x80 == 0 {
            return (v, i + 1);
        }
    }
    (0, bytes.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_each_owners_bytes_across_chunks_and_large_ones_apart() {
        let mut arena = Arena::default();
        let refs: Vec<(u64, PropsRef, Vec<u8>)> = (0..40_000u64)
            .map(|i| {
                let bytes: Vec<u8> = (0..(i % 200) as u8).collect();
                (i, arena.put(i, &bytes), bytes)
            })
            .collect();
        assert!(arena.chunks.len() > 1, "several chunks");
        for (owner, r, bytes) in &refs {
            assert_eq!(arena.get(*owner, *r), &bytes[..]);
        }
        let big = vec![7u8; CHUNK];
        let r = arena.put(1, &big);
        assert_eq!(r.get(), LARGE);
        assert_eq!(arena.get(1, r), &big[..]);
        arena.free(1, r);
        assert!(arena.get(1, r).is_empty());
        let (_, garbage) = arena.bytes();
        assert_eq!(garbage, 0);
        arena.free(refs[150].0, refs[150].1);
        assert_eq!(
            arena.bytes().1,
            150 + 2,
            "the bytes and their two-byte length"
        );
    }
}
