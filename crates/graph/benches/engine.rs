//! Criterion benches of the graph engine's kernels on a synthetic network the size of the
//! original system (20k riders, 80k friendships, 80k posts, 140k likes, 500 interests), built from
//! a fixed seed with heavy-tailed friend degrees, post authorship, likes and interest popularity
//! (`engine/synth.rs`).
//!
//! The network is built twice from the same seed: with the engine's default heavy threshold (the
//! hybrid feed: riders with many friends read a materialised friend timeline) and with
//! `usize::MAX` (every feed merged on read), so each feed and write bench shows both in one run.
//! Besides the kernels (feed page, wall page, suggestions, enrichment, applying a post, a
//! friendship to a heavy rider) it holds a minimal full fan-out-on-write alternative, used only
//! here (`engine/fanout.rs`): per-rider timelines of `(time, post)` that every post is pushed
//! into (author, friends, and for public posts every follower of each of its interests), read
//! with one binary search; variants of the feed and suggestion kernels (`engine/variants.rs`);
//! and a small network of authors whose friends are all heavy, the hybrid's worst write
//! (`engine/fans.rs`).
//!
//! Run: `cargo bench -p pillion-graph --bench engine` (about four minutes on two cores);
//! `-- feed` or `-- write` for a part.

#![allow(clippy::unwrap_used)]

// Under `engine/` rather than beside this file, so cargo does not take them for benches.
#[path = "engine/fanout.rs"]
mod fanout;
#[path = "engine/fans.rs"]
mod fans;
#[path = "engine/synth.rs"]
mod synth;
#[path = "engine/variants.rs"]
mod variants;

use std::hint::black_box;
use std::time::{Duration, Instant};

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion};
use pillion_graph::Graph;
use pillion_model::{Change, InterestId, RiderId, Timestamp, Visibility};

use fanout::Timelines;
use fans::Fans;
use synth::{build, build_with, post_change, rider_record, Synth, PAGE};

/// First and deep feed pages: the hybrid engine (heavy readers read their timeline), the same
/// engine with every feed merged on read, and full fan-out on write.
fn feed_pages(c: &mut Criterion, s: &Synth, on_read: &Synth, tl: &Timelines) {
    for (group, deep) in [("feed_page_first", false), ("feed_page_deep", true)] {
        let mut grp = c.benchmark_group(group);
        for (label, v) in s.feed_readers() {
            let before = if deep { s.deep_cursor(v) } else { None };
            grp.bench_with_input(BenchmarkId::new("hybrid", label), &v, |b, v| {
                b.iter(|| s.g.feed(black_box(*v), black_box(before), PAGE))
            });
            grp.bench_with_input(BenchmarkId::new("on_read_merge", label), &v, |b, v| {
                b.iter(|| on_read.g.feed(black_box(*v), black_box(before), PAGE))
            });
            grp.bench_with_input(BenchmarkId::new("on_write_timeline", label), &v, |b, v| {
                b.iter(|| tl.page(black_box(*v), black_box(before), PAGE))
            });
        }
        grp.finish();
    }
}

fn walls(c: &mut Criterion, s: &Synth) {
    let mut grp = c.benchmark_group("wall_page");
    let author = s.g.rider(s.v.prolific).unwrap();
    let all = s.g.wall(s.v.prolific_friend, author, None, 100_000).items;
    let deep = all
        .get(all.len() / 2)
        .map(|id| s.g.post(*id).unwrap().key());
    for (label, viewer, before) in [
        ("friend_first", s.v.prolific_friend, None),
        ("friend_deep", s.v.prolific_friend, deep),
        ("stranger_first", s.v.stranger, None),
        ("stranger_deep", s.v.stranger, deep),
    ] {
        grp.bench_function(label, |b| {
            b.iter(|| s.g.wall(black_box(viewer), author, black_box(before), PAGE))
        });
    }
    grp.finish();
}

fn suggestions(c: &mut Criterion, s: &Synth) {
    let mut grp = c.benchmark_group("suggestions");
    for (label, v) in s.v.by_friends.iter().take(3) {
        grp.bench_function(*label, |b| {
            b.iter(|| s.g.suggestions(black_box(*v), None, PAGE))
        });
    }
    grp.finish();
}

/// Sorting the concatenated friends' friend lists of a suggestion request, the step that grows
/// with a hub viewer's reach (387k ids for the largest hub at scale 100): `sort_unstable`
/// against the engine's radix sort, on ids below 2M (the riders of scale 100).
fn count_fof(c: &mut Criterion) {
    let mut grp = c.benchmark_group("count_fof");
    let mut seed = 0x5eed_u64;
    for n in [10_000usize, 100_000, 387_000] {
        let ids: Vec<u64> = (0..n)
            .map(|_| {
                seed = seed
                    .wrapping_mul(6_364_136_223_846_793_005)
                    .wrapping_add(1_442_695_040_888_963_407);
                (seed >> 33) % 2_000_000
            })
            .collect();
        let mut expected = ids.clone();
        expected.sort_unstable();
        let mut radix = ids.clone();
        pillion_graph::kernels::radix_sort(&mut radix);
        assert_eq!(radix, expected);
        grp.bench_function(BenchmarkId::new("sort_unstable", n), |b| {
            b.iter(|| {
                let mut v = ids.clone();
                v.sort_unstable();
                black_box(v)
            })
        });
        grp.bench_function(BenchmarkId::new("radix", n), |b| {
            b.iter(|| {
                let mut v = ids.clone();
                pillion_graph::kernels::radix_sort(&mut v);
                black_box(v)
            })
        });
    }
    grp.finish();
}

fn enrichment(c: &mut Criterion, s: &Synth) {
    let mut grp = c.benchmark_group("view_post_5000_likes");
    let post = s.g.post(s.v.viral).unwrap();
    for (label, v) in &s.v.by_friends {
        grp.bench_function(*label, |b| {
            b.iter(|| s.g.view(black_box(*v), post).friends_who_liked.len())
        });
    }
    grp.finish();
}

/// Times `iters` new posts by `author` applied to `g`, each also pushed to every timeline of
/// its audience when `fan_out` is given; then deletes them, untimed, so state does not grow.
#[allow(clippy::too_many_arguments)]
fn time_posts(
    g: &mut Graph,
    mut fan_out: Option<(&mut Timelines, &Synth)>,
    next_id: &mut u64,
    clock: &mut i64,
    iters: u64,
    author: RiderId,
    visibility: Visibility,
    tags: &[InterestId],
) -> Duration {
    if iters == 0 {
        return Duration::ZERO;
    }
    let changes: Vec<Change> = (0..iters)
        .map(|_| {
            *clock += 1;
            *next_id += 1;
            post_change(*next_id, author, *clock, visibility, tags.to_vec())
        })
        .collect();
    let restore = match (&changes[0], &fan_out) {
        (Change::CreatePost(p), Some((tl, s))) => tl.audience_lengths(s, p),
        _ => Vec::new(),
    };
    let started = Instant::now();
    for change in &changes {
        g.apply(change);
        if let (Some((tl, s)), Change::CreatePost(p)) = (&mut fan_out, change) {
            tl.fan_out(s, p);
        }
    }
    let took = started.elapsed();
    for change in &changes {
        if let Change::CreatePost(p) = change {
            g.apply(&Change::DeletePost { id: p.id });
        }
    }
    if let Some((tl, _)) = fan_out {
        for (r, len) in restore {
            tl.lines[r].truncate(len);
        }
    }
    took
}

/// The cost of one new post: the hybrid engine applies it (its author's and interests' lists,
/// and the timeline of each heavy friend of the author); the pure on-read engine applies it
/// without timelines; fan-out on write applies it too (the post must be stored either way) and
/// then pushes it into every timeline of its audience.
fn writes(c: &mut Criterion, s: &mut Synth, on_read: &mut Synth, tl: &mut Timelines) {
    let mut grp = c.benchmark_group("write_post");
    let mut cases: Vec<(String, RiderId, Visibility, Vec<InterestId>)> =
        s.v.by_friends
            .iter()
            .filter(|(l, _)| *l != "f100")
            .map(|(l, v)| (format!("friends_only_{l}"), *v, Visibility::Friends, vec![]))
            .collect();
    let hot = s.interests[0];
    let hot_followers = s.followers[0].len();
    cases.push((
        format!("public_interest_{hot_followers}_followers"),
        s.v.by_friends[0].1,
        Visibility::Public,
        vec![hot],
    ));
    let mut clock = 1_900_000_000_000i64;
    for (label, author, visibility, tags) in cases {
        for name in ["hybrid_apply", "on_read_apply", "on_write_fanout"] {
            grp.bench_function(BenchmarkId::new(name, &label), |b| {
                b.iter_custom(|iters| match name {
                    "hybrid_apply" => {
                        let g = &mut s.g;
                        let id = &mut s.next_id;
                        time_posts(g, None, id, &mut clock, iters, author, visibility, &tags)
                    }
                    "on_read_apply" => {
                        let g = &mut on_read.g;
                        let id = &mut on_read.next_id;
                        time_posts(g, None, id, &mut clock, iters, author, visibility, &tags)
                    }
                    _ => {
                        // The audience is read from a twin, as the graph is borrowed to apply.
                        let mut g = std::mem::take(&mut on_read.g);
                        let mut id = on_read.next_id;
                        let fan = Some((&mut *tl, &*s));
                        let took = time_posts(
                            &mut g, fan, &mut id, &mut clock, iters, author, visibility, &tags,
                        );
                        on_read.g = g;
                        on_read.next_id = id;
                        took
                    }
                })
            });
        }
    }
    grp.finish();
}

/// The hybrid's worst write: a post by an author whose friends are all heavy costs one push
/// per friend, like fan-out on write; the same post in the pure on-read engine.
fn heavy_fan_writes(c: &mut Criterion, hybrid: &mut Fans, on_read: &mut Fans) {
    let mut grp = c.benchmark_group("write_post_heavy_friends");
    let mut clock = 1_900_000_000_000i64;
    for (label, author) in hybrid.authors.clone() {
        for (name, f) in [
            ("hybrid_apply", &mut *hybrid),
            ("on_read_apply", &mut *on_read),
        ] {
            grp.bench_function(BenchmarkId::new(name, label), |b| {
                b.iter_custom(|iters| {
                    let vis = Visibility::Friends;
                    time_posts(
                        &mut f.g,
                        None,
                        &mut f.next_id,
                        &mut clock,
                        iters,
                        author,
                        vis,
                        &[],
                    )
                })
            });
        }
    }
    grp.finish();
}

/// A friendship made and ended again: for a heavy rider it merges the friend's posts into its
/// timeline and takes them out again.
fn friendships(c: &mut Criterion, s: &mut Synth, on_read: &mut Synth) {
    let mut grp = c.benchmark_group("befriend_then_unfriend");
    let heavy = s.v.by_friends[3].1;
    let light = s.v.by_friends[0].1;
    // The most prolific poster who is a friend of neither.
    let (posts, prolific) = posters_by_posts(s)
        .into_iter()
        .find(|(_, r)| !s.g.are_friends(heavy, *r) && !s.g.are_friends(light, *r))
        .unwrap();
    for (label, a, b) in [
        (format!("f5000_and_{posts}_posts"), heavy, prolific),
        ("f5000_and_0_posts".to_owned(), heavy, s.v.stranger),
        (format!("f10_and_{posts}_posts"), light, prolific),
    ] {
        if s.g.are_friends(a, b) {
            eprintln!("skipping {label}: already friends");
            continue;
        }
        for (name, syn) in [("hybrid", &mut *s), ("on_read", &mut *on_read)] {
            grp.bench_function(BenchmarkId::new(name, &label), |bench| {
                bench.iter(|| {
                    syn.g.apply(black_box(&Change::CreateFriendship {
                        requester: a,
                        accepter: b,
                        since: Timestamp(0),
                    }));
                    syn.g.apply(black_box(&Change::DeleteFriendship { a, b }));
                })
            });
        }
    }
    grp.finish();
}

/// (posts, rider) for every rider of the network, most posts first.
fn posters_by_posts(s: &Synth) -> Vec<(usize, RiderId)> {
    let mut all: Vec<(usize, RiderId)> = (1..s.next_id)
        .filter_map(|id| s.g.rider(RiderId(id)))
        .map(|r| (s.g.visible_post_count(r.id, r), r.id))
        .collect();
    all.sort_unstable_by(|a, b| b.cmp(a));
    all
}

/// One-shot timings, printed: a rider crossing the threshold up (its timeline is built from all
/// its friends' posts) and down (freed), with the most prolific posters as friends.
fn crossing_cost(s: &mut Synth) {
    let n = s.g.heavy_threshold();
    let pool: Vec<RiderId> = posters_by_posts(s)[..n].iter().map(|(_, r)| *r).collect();
    let x = RiderId(s.next_id);
    s.next_id += 1;
    s.g.apply(&rider_record(x.0));
    let befriend = |g: &mut Graph, f: RiderId| {
        g.apply(&Change::CreateFriendship {
            requester: x,
            accepter: f,
            since: Timestamp(0),
        })
    };
    let (mut up, mut down) = (Vec::new(), Vec::new());
    let mut entries = 0;
    for f in &pool[..n - 1] {
        befriend(&mut s.g, *f);
    }
    for _ in 0..11 {
        let started = Instant::now();
        befriend(&mut s.g, pool[n - 1]);
        up.push(started.elapsed());
        entries =
            s.g.rider(x)
                .unwrap()
                .friend_timeline()
                .map_or(0, <[_]>::len);
        // Down to the last friend above the hysteresis bound, then the one that crosses it.
        for f in pool[n / 2..].iter().rev() {
            s.g.apply(&Change::DeleteFriendship { a: x, b: *f });
        }
        let started = Instant::now();
        s.g.apply(&Change::DeleteFriendship {
            a: x,
            b: pool[n / 2 - 1],
        });
        down.push(started.elapsed());
        assert!(!s.g.rider(x).unwrap().is_heavy());
        for f in &pool[n / 2 - 1..n - 1] {
            befriend(&mut s.g, *f);
        }
    }
    for f in &pool {
        s.g.apply(&Change::DeleteFriendship { a: x, b: *f });
    }
    up.sort();
    down.sort();
    eprintln!(
        "crossing {n} friends up builds a timeline of {entries} entries in {:?}; crossing \
         below {} frees it in {:?} (medians of 11)",
        up[5],
        n / 2,
        down[5]
    );
}

fn engine(c: &mut Criterion) {
    let mut s = build();
    let mut on_read = build_with(usize::MAX);
    let mut tl = Timelines::build(&s);
    // All designs must answer alike, or the comparison means nothing.
    for (_, v) in s.feed_readers() {
        for before in [None, s.deep_cursor(v)] {
            let expected = on_read.g.feed(v, before, PAGE).items;
            assert_eq!(s.g.feed(v, before, PAGE).items, expected);
            assert_eq!(tl.page(v, before, PAGE), expected);
        }
    }
    let mut fans = fans::build(pillion_graph::DEFAULT_HEAVY_THRESHOLD);
    let mut fans_on_read = fans::build(usize::MAX);
    feed_pages(c, &s, &on_read, &tl);
    variants::merge_variants(c, &s);
    variants::suggestion_variants(c, &s);
    walls(c, &s);
    suggestions(c, &s);
    count_fof(c);
    enrichment(c, &s);
    writes(c, &mut s, &mut on_read, &mut tl);
    heavy_fan_writes(c, &mut fans, &mut fans_on_read);
    friendships(c, &mut s, &mut on_read);
    crossing_cost(&mut s);
}

criterion_group! {
    name = benches;
    config = Criterion::default()
        .sample_size(20)
        .warm_up_time(Duration::from_millis(300))
        .measurement_time(Duration::from_secs(2));
    targets = engine
}
criterion_main!(benches);
