//! The graph as Cypher sees it (`GraphRead for Graph`), checked against itself over random
//! histories: every relationship an expansion gives exists (`has_rel`) and is found from its
//! other end, a friendship points from the rider who asked, label checks agree with the label
//! lists, a type's promised end labels hold, and a relationship that an unfriending, unlike or deleted post took away is gone.

use std::collections::BTreeSet;

use pillion_cypher::{Direction, GraphRead, RelId};
use pillion_graph::Graph;
use pillion_model::{
    Change, InterestId, Place, PostBody, PostId, PostRecord, RiderId, Timestamp, Visibility,
};

use crate::world::{Rng, World};

const LABELS: [&str; 6] = ["Rider", "Post", "Comment", "Interest", "Place", "Nope"];

/// Every relationship of the graph, from the outgoing expansion of every node.
fn all_rels(g: &Graph) -> BTreeSet<RelId> {
    let mut all = BTreeSet::new();
    for n in g.nodes() {
        let mut out = Vec::new();
        g.expand(n, Direction::Outgoing, &[], &mut out);
        all.extend(out);
    }
    all
}

fn expanded(g: &Graph, n: u64, d: Direction, types: &[&str]) -> BTreeSet<RelId> {
    let mut out = Vec::new();
    g.expand(n, d, types, &mut out);
    out.into_iter().collect()
}

fn check_view(g: &Graph, ctx: &str) {
    for n in g.nodes() {
        let labels = g.labels(n);
        for l in LABELS {
            assert_eq!(
                g.has_label(n, l),
                labels.iter().any(|x| x == l),
                "{ctx}: has_label({n}, {l}) disagrees with labels {labels:?}"
            );
        }
        let out = expanded(g, n, Direction::Outgoing, &[]);
        let inc = expanded(g, n, Direction::Incoming, &[]);
        let both = expanded(g, n, Direction::Both, &[]);
        assert_eq!(
            both,
            out.union(&inc).copied().collect(),
            "{ctx}: node {n}: Both is not Outgoing and Incoming"
        );
        for r in &out {
            assert_eq!(r.start, n, "{ctx}: {r:?} leaves {n}");
            assert!(g.has_rel(*r), "{ctx}: expanded {r:?} does not exist");
            assert!(
                expanded(g, r.end, Direction::Incoming, &[]).contains(r),
                "{ctx}: {r:?} is not found from its end"
            );
            if let Some((start, end)) = g.end_labels(r.ty) {
                assert!(
                    g.has_label(r.start, start) && g.has_label(r.end, end),
                    "{ctx}: {r:?} breaks its type's promise of ({start}, {end})"
                );
            }
            let ty = g.rel_type(r.ty);
            assert!(
                expanded(g, n, Direction::Outgoing, &[ty]).contains(r),
                "{ctx}: {r:?} is not found by its type {ty}"
            );
            if ty == "IS_FRIEND" {
                let (asker, _) = g
                    .friendship(RiderId(r.start), RiderId(r.end))
                    .expect("a friendship");
                assert_eq!(asker.0, r.start, "{ctx}: {r:?} must start at the asker");
                let back = RelId {
                    start: r.end,
                    end: r.start,
                    ..*r
                };
                assert!(!g.has_rel(back), "{ctx}: {back:?} points the wrong way");
            }
        }
        for r in &inc {
            assert_eq!(r.end, n, "{ctx}: {r:?} ends at {n}");
            assert!(g.has_rel(*r), "{ctx}: expanded {r:?} does not exist");
        }
    }
}

fn post_with_place(w: &mut World, id: u64, author: RiderId, tags: &[InterestId]) -> PostId {
    let id = PostId(id);
    w.apply(Change::CreatePost(PostRecord {
        id,
        author,
        body: PostBody::parse("at the pass").unwrap(),
        visibility: Visibility::Public,
        photos: Vec::new(),
        place: Some(Place::parse("Stelvio", 46.5, 10.45).unwrap()),
        interests: tags.to_vec(),
        created_at: Timestamp(5),
    }));
    id
}

#[test]
fn every_relationship_cypher_sees_exists_and_is_found_from_both_ends() {
    for seed in 1..=6 {
        let mut rng = Rng::new(seed);
        let mut w = World::new();
        let riders = w.riders("r", 12);
        let interests = [w.interest("Alps"), w.interest("Enduro")];
        let mut posts = Vec::new();
        let mut before = BTreeSet::new();
        for step in 0..160 {
            let (a, b) = (rng.pick(&riders), rng.pick(&riders));
            let tag = rng.pick(&interests);
            match rng.below(10) {
                0..=2 if a != b => w.befriend(a, b),
                3 if a != b => w.unfriend(a, b),
                4 if a != b && !w.g.rider(a).unwrap().is_friend(b) => w.request(a, b),
                5 => posts.push(w.post_at(a, step as i64, Visibility::Public, &[tag])),
                6 => posts.push(post_with_place(&mut w, 10_000 + step as u64, a, &[tag])),
                7 if !posts.is_empty() => {
                    let p = rng.pick(&posts);
                    if rng.chance(70) {
                        w.like(a, p);
                    } else {
                        w.unlike(a, p);
                    }
                }
                8 if !posts.is_empty() => {
                    let p = rng.pick(&posts);
                    if rng.chance(80) {
                        w.comment(a, p);
                    } else {
                        w.delete_post(p);
                    }
                }
                _ if rng.chance(50) => w.follow(a, tag),
                _ => w.unfollow(a, tag),
            }
            if step % 40 == 39 {
                let ctx = format!("seed {seed}, step {step}");
                check_view(&w.g, &ctx);
                let now = all_rels(&w.g);
                for r in &before {
                    assert_eq!(
                        w.g.has_rel(*r),
                        now.contains(r),
                        "{ctx}: has_rel({r:?}) after later changes"
                    );
                }
                before = now;
            }
        }
        assert!(
            before.iter().any(|r| w.g.rel_type(r.ty) == "IS_FRIEND"),
            "seed {seed}: the history made no friendship"
        );
    }
}
