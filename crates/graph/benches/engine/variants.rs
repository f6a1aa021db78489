//! Variants of the engine's feed and suggestion kernels, run on the engine's own data, to put
//! numbers on changes to `read.rs` without touching it.

use std::cmp::Reverse;
use std::collections::BinaryHeap;
use std::hint::black_box;

use criterion::{BenchmarkId, Criterion};
use pillion_graph::{FeedKey, Graph};
use pillion_model::{PostId, RiderId, Visibility};
use rustc_hash::FxHashMap;

use crate::synth::{Synth, INTERESTS, PAGE};

/// Every rider's posts and every interest's public posts, copied out of the engine: the same
/// data in two layouts, to try variants of the feed kernel here without touching `src/`.
struct Lists {
    /// By rider id: a dense index, no hashing.
    dense: Vec<Vec<FeedKey>>,
    /// By rider id in a compact hash map (32-byte entries instead of whole `Rider`s).
    compact: FxHashMap<RiderId, Vec<FeedKey>>,
    /// By interest index.
    interests: Vec<Vec<FeedKey>>,
}

impl Lists {
    fn build(s: &Synth) -> Self {
        let mut dense = vec![Vec::new(); s.next_id as usize];
        let mut interests = vec![Vec::new(); INTERESTS];
        for id in 1..s.next_id {
            let Some(p) = s.g.post(PostId(id)) else {
                continue;
            };
            dense[p.author.0 as usize].push(p.key());
            if p.visibility == Visibility::Public {
                for i in &p.interests {
                    interests[(i.0 - s.interests[0].0) as usize].push(p.key());
                }
            }
        }
        let compact = dense
            .iter()
            .enumerate()
            .map(|(id, l)| (RiderId(id as u64), l.clone()))
            .collect();
        Lists {
            dense,
            compact,
            interests,
        }
    }

    /// The viewer's sources, as the engine gathers them (own, friends', followed interests').
    fn sources(&self, s: &Synth, v: RiderId, dense: bool) -> Vec<&[FeedKey]> {
        let r = s.g.rider(v).unwrap();
        let list = |id: RiderId| -> &[FeedKey] {
            if dense {
                &self.dense[id.0 as usize]
            } else {
                self.compact.get(&id).map_or(&[], |l| l.as_slice())
            }
        };
        let mut out: Vec<&[FeedKey]> = Vec::with_capacity(1 + r.friends().len() + 8);
        out.push(list(v));
        out.extend(r.friends().iter().map(|f| list(*f)));
        out.extend(
            r.follows()
                .iter()
                .map(|i| self.interests[(i.0 - s.interests[0].0) as usize].as_slice()),
        );
        out
    }
}

fn below<'a>(v: &'a [FeedKey], before: Option<&FeedKey>) -> &'a [FeedKey] {
    match before {
        Some(b) => &v[..v.partition_point(|x| x < b)],
        None => v,
    }
}

#[derive(Clone, Copy, PartialEq)]
enum Seed {
    /// One `push` per source, as `read.rs` does today: O(k log k).
    PushEach,
    /// `BinaryHeap::from` the heads: O(k).
    Heapify,
    /// Only the sources whose head is among the `n` newest heads enter the heap: no other
    /// source can contribute, since `n` distinct keys at least as new already exist.
    Pruned,
}

/// The newest `n` distinct keys below `before` across ascending `sources`, newest first.
fn merge(sources: &[&[FeedKey]], before: Option<&FeedKey>, n: usize, seed: Seed) -> Vec<FeedKey> {
    let head = |(s, list): (usize, &&[FeedKey])| {
        let visible = below(list, before);
        visible.last().map(|key| (*key, s, visible.len() - 1))
    };
    let mut heap = if seed == Seed::PushEach {
        // Exactly `read.rs::merge_newest` today.
        let mut heap = BinaryHeap::with_capacity(sources.len());
        for h in sources.iter().enumerate().filter_map(head) {
            heap.push(h);
        }
        heap
    } else {
        let mut heads: Vec<(FeedKey, usize, usize)> =
            sources.iter().enumerate().filter_map(head).collect();
        if seed == Seed::Pruned && n > 0 && heads.len() > n {
            heads.select_nth_unstable_by(n - 1, |a, b| b.cmp(a));
            let threshold = heads[n - 1].0;
            let mut top: Vec<FeedKey> = heads[..n].iter().map(|h| h.0).collect();
            top.sort_unstable();
            top.dedup();
            // Equal heads (one post reached two ways) leave fewer than `n` distinct keys.
            if top.len() == n {
                heads.retain(|h| h.0 >= threshold);
            }
        }
        BinaryHeap::from(heads)
    };
    let mut out: Vec<FeedKey> = Vec::with_capacity(n);
    while out.len() < n {
        let Some((key, s, pos)) = heap.pop() else {
            break;
        };
        if out.last() != Some(&key) {
            out.push(key);
        }
        if let Some(prev) = pos.checked_sub(1) {
            heap.push((sources[s][prev], s, prev));
        }
    }
    out
}

/// The feed kernel of the rider with 5000 friends, taken apart: the engine's algorithm on a
/// compact and on a dense layout, then cheaper ways to seed the heap.
pub fn merge_variants(c: &mut Criterion, s: &Synth) {
    let lists = Lists::build(s);
    let mut grp = c.benchmark_group("feed_kernel_f5000");
    let v = s.v.by_friends[3].1;
    let variants = [
        ("compact_push_each", false, Seed::PushEach),
        ("dense_push_each", true, Seed::PushEach),
        ("dense_heapify", true, Seed::Heapify),
        ("dense_pruned", true, Seed::Pruned),
    ];
    for (page, before) in [("first", None), ("deep", s.deep_cursor(v))] {
        let expected = s.g.feed(v, before, PAGE).items;
        for (name, dense, seed) in variants {
            let got: Vec<PostId> =
                merge(&lists.sources(s, v, dense), before.as_ref(), PAGE + 1, seed)
                    .into_iter()
                    .take(PAGE)
                    .map(|(_, id)| id)
                    .collect();
            assert_eq!(got, expected, "{name} {page}");
            grp.bench_function(BenchmarkId::new(name, page), |b| {
                b.iter(|| {
                    let sources = lists.sources(s, black_box(v), dense);
                    merge(&sources, black_box(before.as_ref()), PAGE + 1, seed)
                })
            });
        }
    }
    grp.finish();
}

/// Suggestions for the rider with 1000 friends, three ways: as `read.rs` does today; checking
/// "did they ask me" against the viewer's own (short) incoming list instead of looking up every
/// candidate; and counting mutual friends by sorting instead of hashing.
pub fn suggestion_variants(c: &mut Criterion, s: &Synth) {
    let mut grp = c.benchmark_group("suggestions_kernel_f1000");
    let v = s.v.by_friends[2].1;
    let expected = s.g.suggestions(v, None, PAGE).items;
    for (name, own_incoming, sort_count) in [
        ("hash_lookup_each_candidate", false, false),
        ("hash_own_incoming", true, false),
        ("sort_own_incoming", true, true),
    ] {
        let run = |v: RiderId| suggest(&s.g, v, PAGE, own_incoming, sort_count);
        assert_eq!(run(v), expected, "{name}");
        grp.bench_function(name, |b| b.iter(|| run(black_box(v))));
    }
    grp.finish();
}

fn suggest(
    g: &Graph,
    viewer: RiderId,
    limit: usize,
    own_incoming: bool,
    sort_count: bool,
) -> Vec<(RiderId, u32)> {
    let me = g.rider(viewer).unwrap();
    let mut counted: Vec<(RiderId, u32)> = if sort_count {
        let mut all: Vec<RiderId> = Vec::new();
        for f in me.friends() {
            all.extend_from_slice(g.rider(*f).unwrap().friends());
        }
        all.sort_unstable();
        let mut out: Vec<(RiderId, u32)> = Vec::new();
        for c in all {
            match out.last_mut() {
                Some((last, n)) if *last == c => *n += 1,
                _ => out.push((c, 1)),
            }
        }
        out
    } else {
        let mut mutual: FxHashMap<RiderId, u32> = FxHashMap::default();
        for f in me.friends() {
            for c in g.rider(*f).unwrap().friends() {
                *mutual.entry(*c).or_insert(0) += 1;
            }
        }
        mutual.into_iter().collect()
    };
    let mut asked_me: Vec<RiderId> = if own_incoming {
        g.incoming_requests(me, None, usize::MAX - 1)
            .items
            .into_iter()
            .map(|(_, r)| r)
            .collect()
    } else {
        Vec::new()
    };
    asked_me.sort_unstable();
    counted.retain(|(c, _)| {
        *c != viewer
            && !me.is_friend(*c)
            && !me.has_requested(*c)
            && if own_incoming {
                asked_me.binary_search(c).is_err()
            } else {
                !g.rider(*c).is_some_and(|o| o.has_requested(viewer))
            }
    });
    let mut ranked: Vec<(Reverse<u32>, RiderId)> =
        counted.into_iter().map(|(c, m)| (Reverse(m), c)).collect();
    let take = limit.min(ranked.len());
    if take < ranked.len() {
        ranked.select_nth_unstable(take);
        ranked.truncate(take);
    }
    ranked.sort_unstable();
    ranked.into_iter().map(|(Reverse(m), c)| (c, m)).collect()
}
