//! Criterion benches of the graph engine's kernels on a synthetic network the size of the
//! original system (20k riders, 80k friendships, 80k posts, 140k likes, 500 interests), built from
//! a fixed seed with heavy-tailed friend degrees, post authorship, likes and interest popularity
//! (`engine/synth.rs`).
//!
//! Besides the kernels (feed page, wall page, suggestions, enrichment, applying a post) it holds a
//! minimal fan-out-on-write alternative, used only here, to weigh the engine's fan-out-on-read
//! design (`engine/fanout.rs`): per-rider timelines of `(time, post)` that every post is pushed
//! into (author, friends, and for public posts every follower of each of its interests), read
//! with one binary search; and variants of the feed and suggestion kernels (`engine/variants.rs`).
//!
//! Run: `cargo bench -p pillion-graph --bench engine` (about two and a half minutes on two cores).

#![allow(clippy::unwrap_used)]

// Under `engine/` rather than beside this file, so cargo does not take them for benches.
#[path = "engine/fanout.rs"]
mod fanout;
#[path = "engine/synth.rs"]
mod synth;
#[path = "engine/variants.rs"]
mod variants;

use std::hint::black_box;
use std::time::{Duration, Instant};

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion};
use pillion_model::{Change, InterestId, RiderId, Visibility};

use fanout::Timelines;
use synth::{build, post_change, Synth, PAGE};

fn feed_pages(c: &mut Criterion, s: &Synth, tl: &Timelines) {
    for (group, deep) in [("feed_page_first", false), ("feed_page_deep", true)] {
        let mut grp = c.benchmark_group(group);
        for (label, v) in s.feed_readers() {
            let before = if deep { s.deep_cursor(v) } else { None };
            grp.bench_with_input(BenchmarkId::new("on_read_merge", label), &v, |b, v| {
                b.iter(|| s.g.feed(black_box(*v), black_box(before), PAGE))
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

/// The cost of one new post: the engine applies it (its author's and interests' lists); fan-out
/// on write applies it too (the post must be stored either way) and then pushes it into every
/// timeline of its audience. Each timed run is undone, untimed, so state does not grow.
fn writes(c: &mut Criterion, s: &mut Synth, tl: &mut Timelines) {
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
        for fan_out in [false, true] {
            let name = if fan_out {
                "on_write_fanout"
            } else {
                "on_read_apply"
            };
            grp.bench_function(BenchmarkId::new(name, &label), |b| {
                b.iter_custom(|iters| {
                    if iters == 0 {
                        return Duration::ZERO;
                    }
                    let changes: Vec<Change> = (0..iters)
                        .map(|_| {
                            clock += 1;
                            s.next_id += 1;
                            post_change(s.next_id, author, clock, visibility, tags.clone())
                        })
                        .collect();
                    let restore = match (&changes[0], fan_out) {
                        (Change::CreatePost(p), true) => tl.audience_lengths(s, p),
                        _ => Vec::new(),
                    };
                    let started = Instant::now();
                    for change in &changes {
                        s.g.apply(change);
                        if let (true, Change::CreatePost(p)) = (fan_out, change) {
                            tl.fan_out(s, p);
                        }
                    }
                    let took = started.elapsed();
                    for change in &changes {
                        if let Change::CreatePost(p) = change {
                            s.g.apply(&Change::DeletePost { id: p.id });
                        }
                    }
                    for (r, len) in restore {
                        tl.lines[r].truncate(len);
                    }
                    took
                })
            });
        }
    }
    grp.finish();
}

fn engine(c: &mut Criterion) {
    let mut s = build();
    let mut tl = Timelines::build(&s);
    // Both designs must answer alike, or the comparison means nothing.
    for (_, v) in s.feed_readers() {
        for before in [None, s.deep_cursor(v)] {
            assert_eq!(tl.page(v, before, PAGE), s.g.feed(v, before, PAGE).items);
        }
    }
    feed_pages(c, &s, &tl);
    variants::merge_variants(c, &s);
    variants::suggestion_variants(c, &s);
    walls(c, &s);
    suggestions(c, &s);
    enrichment(c, &s);
    writes(c, &mut s, &mut tl);
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
