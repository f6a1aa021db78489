//! Differential tests: random operation sequences applied to the engine and to a tiny, obviously
//! correct model, compared after every step, with riders light, and turning heavy and light
//! again under tiny heavy thresholds.

use std::cmp::Reverse;
use std::collections::{BTreeMap, BTreeSet};

use pillion_graph::{Graph, DEFAULT_HEAVY_THRESHOLD};
use pillion_model::Visibility::{Friends, Public};
use pillion_model::{Change, CommentId, InterestId, PostId, RiderId, Visibility};

use crate::world::{
    check_timelines, created_posts, created_riders, friends_who_liked, snapshot, walk,
    whole_suggestions, Rng, World,
};

struct NaivePost {
    author: RiderId,
    at: i64,
    visibility: Visibility,
    interests: Vec<InterestId>,
    likers: BTreeSet<RiderId>,
    comments: Vec<CommentId>,
}

/// The obviously correct model: plain sets, and every answer computed by brute force.
#[derive(Default)]
pub(crate) struct Naive {
    pub riders: Vec<RiderId>,
    friends: BTreeSet<(RiderId, RiderId)>,
    /// (from, to)
    requests: BTreeSet<(RiderId, RiderId)>,
    follows: BTreeSet<(RiderId, InterestId)>,
    interests: Vec<(InterestId, String)>,
    posts: BTreeMap<PostId, NaivePost>,
}

impl Naive {
    fn are_friends(&self, a: RiderId, b: RiderId) -> bool {
        self.friends.contains(&(a.min(b), a.max(b)))
    }

    fn pending_either_way(&self, a: RiderId, b: RiderId) -> bool {
        self.requests.contains(&(a, b)) || self.requests.contains(&(b, a))
    }

    fn can_see(&self, v: RiderId, p: &NaivePost) -> bool {
        p.visibility == Public || p.author == v || self.are_friends(v, p.author)
    }

    fn newest_first(&self, keep: impl Fn(&NaivePost) -> bool) -> Vec<PostId> {
        let mut keys: Vec<(i64, PostId)> = self
            .posts
            .iter()
            .filter(|(_, p)| keep(p))
            .map(|(id, p)| (p.at, *id))
            .collect();
        keys.sort_by_key(|k| Reverse(*k));
        keys.into_iter().map(|(_, id)| id).collect()
    }

    pub fn post_ids(&self) -> Vec<PostId> {
        self.posts.keys().copied().collect()
    }

    pub fn feed(&self, v: RiderId) -> Vec<PostId> {
        self.newest_first(|p| {
            p.author == v
                || self.are_friends(v, p.author)
                || (p.visibility == Public
                    && p.interests.iter().any(|i| self.follows.contains(&(v, *i))))
        })
    }

    fn wall(&self, v: RiderId, r: RiderId) -> Vec<PostId> {
        self.newest_first(|p| p.author == r && self.can_see(v, p))
    }

    fn interest_posts(&self, v: RiderId, name: &str) -> Vec<PostId> {
        let key = name.to_lowercase();
        let Some((id, _)) = self.interests.iter().find(|(_, n)| n.to_lowercase() == key) else {
            return Vec::new();
        };
        self.newest_first(|p| p.interests.contains(id) && self.can_see(v, p))
    }

    fn suggestions(&self, v: RiderId) -> Vec<(RiderId, u32)> {
        let mine: Vec<RiderId> = self
            .riders
            .iter()
            .copied()
            .filter(|f| self.are_friends(v, *f))
            .collect();
        let mut out: Vec<(RiderId, u32)> = self
            .riders
            .iter()
            .copied()
            .filter(|c| *c != v && !self.are_friends(v, *c) && !self.pending_either_way(v, *c))
            .map(|c| {
                let m = mine.iter().filter(|f| self.are_friends(**f, c)).count() as u32;
                (c, m)
            })
            .filter(|(_, m)| *m > 0)
            .collect();
        out.sort_by_key(|(c, m)| (Reverse(*m), *c));
        out
    }

    fn friends_who_liked(&self, v: RiderId, p: &NaivePost) -> Vec<RiderId> {
        p.likers
            .iter()
            .copied()
            .filter(|l| *l != v && self.are_friends(v, *l))
            .take(3)
            .collect()
    }
}

/// Compares every read of `viewer` with the model, walking lists with a random page size.
fn check_viewer(g: &Graph, m: &Naive, v: RiderId, rng: &mut Rng, step: usize) {
    let limit = 1 + rng.below(6);
    let ctx = format!("step {step}, viewer {v}, limit {limit}");
    assert_eq!(
        walk(limit, |b, l| g.feed(v, b, l)),
        m.feed(v),
        "feed, {ctx}"
    );
    assert_eq!(whole_suggestions(g, v, limit), m.suggestions(v), "{ctx}");
    for &r in &m.riders {
        let rider = g.rider(r).unwrap();
        assert_eq!(
            walk(limit, |b, l| g.wall(v, rider, b, l)),
            m.wall(v, r),
            "wall of {r}, {ctx}"
        );
        assert_eq!(
            g.visible_post_count(v, rider),
            m.wall(v, r).len(),
            "post count of {r}, {ctx}"
        );
        assert_eq!(
            g.relation(v, r) == pillion_graph::Relation::Friend,
            m.are_friends(v, r)
        );
    }
    for (_, name) in &m.interests {
        for spelling in [name.to_uppercase(), name.to_lowercase()] {
            assert_eq!(
                walk(limit, |b, l| g.interest_posts(v, &spelling, b, l)),
                m.interest_posts(v, &spelling),
                "interest {spelling}, {ctx}"
            );
        }
    }
    for (id, p) in &m.posts {
        let Some(post) = g.visible_post(v, *id) else {
            assert!(!m.can_see(v, p), "post {id} hidden, {ctx}");
            continue;
        };
        assert!(m.can_see(v, p), "post {id} shown, {ctx}");
        let view = g.view(v, post);
        assert_eq!(view.like_count, p.likers.len());
        assert_eq!(view.liked_by_me, p.likers.contains(&v));
        assert_eq!(view.comment_count, p.comments.len());
        assert_eq!(
            friends_who_liked(g, v, *id),
            m.friends_who_liked(v, p),
            "friends who liked {id}, {ctx}"
        );
    }
}

/// One random step, applied to both the engine (as changes) and the model.
pub(crate) fn random_step(w: &mut World, m: &mut Naive, rng: &mut Rng) {
    let a = rng.pick(&m.riders);
    let b = rng.pick(&m.riders);
    let post = (!m.posts.is_empty()).then(|| {
        let ids: Vec<PostId> = m.posts.keys().copied().collect();
        rng.pick(&ids)
    });
    match rng.below(14) {
        0..=2 => {
            let vis = if rng.chance(50) { Public } else { Friends };
            let tags: Vec<InterestId> = m
                .interests
                .iter()
                .map(|(id, _)| *id)
                .filter(|_| rng.chance(25))
                .collect();
            let at = rng.below(40) as i64;
            let id = w.post_at(a, at, vis, &tags);
            m.posts.insert(
                id,
                NaivePost {
                    author: a,
                    at,
                    visibility: vis,
                    interests: tags,
                    likers: BTreeSet::new(),
                    comments: Vec::new(),
                },
            );
        }
        3 | 4 if a != b && !m.are_friends(a, b) && !m.pending_either_way(a, b) => {
            if rng.chance(60) {
                w.befriend(a, b);
                m.friends.insert((a.min(b), a.max(b)));
            } else {
                w.request(a, b);
                m.requests.insert((a, b));
            }
        }
        5 => {
            if let Some(&(from, to)) = m.requests.iter().nth(rng.below(m.requests.len() + 1)) {
                w.apply(Change::DeleteFriendRequest { from, to });
                m.requests.remove(&(from, to));
                if rng.chance(50) {
                    w.apply(Change::CreateFriendship {
                        requester: from,
                        accepter: to,
                        since: pillion_model::Timestamp(1),
                    });
                    m.friends.insert((from.min(to), from.max(to)));
                }
            }
        }
        6 if m.are_friends(a, b) => {
            w.unfriend(a, b);
            m.friends.remove(&(a.min(b), a.max(b)));
        }
        7 => {
            let (i, _) = m.interests[rng.below(m.interests.len())];
            if rng.chance(70) {
                w.follow(a, i);
                m.follows.insert((a, i));
            } else {
                w.unfollow(a, i);
                m.follows.remove(&(a, i));
            }
        }
        8..=10 => {
            if let Some(p) = post {
                if rng.chance(80) {
                    w.like(a, p);
                    m.posts.get_mut(&p).unwrap().likers.insert(a);
                } else {
                    w.unlike(a, p);
                    m.posts.get_mut(&p).unwrap().likers.remove(&a);
                }
            }
        }
        11 => {
            if let Some(p) = post {
                let c = w.comment(a, p);
                m.posts.get_mut(&p).unwrap().comments.push(c);
            }
        }
        12 => {
            if let Some(p) = post {
                w.delete_post(p);
                m.posts.remove(&p);
            }
        }
        _ => {}
    }
}

/// Befriends (`grow`) or unfriends a random pair half of the time: alternating phases of each
/// swing friend counts far up and down, so riders cross small heavy thresholds both ways.
pub(crate) fn churn_friendships(w: &mut World, m: &mut Naive, rng: &mut Rng, grow: bool) {
    if rng.chance(50) {
        return;
    }
    if grow {
        let (a, b) = (rng.pick(&m.riders), rng.pick(&m.riders));
        if a != b && !m.are_friends(a, b) && !m.pending_either_way(a, b) {
            w.befriend(a, b);
            m.friends.insert((a.min(b), a.max(b)));
        }
    } else if let Some(&(a, b)) = m.friends.iter().nth(rng.below(m.friends.len() + 1)) {
        w.unfriend(b, a);
        m.friends.remove(&(a, b));
    }
}

/// Heavy thresholds the random histories run with: the default (no rider of these small worlds
/// gets near it, so all stay light) and tiny ones, so riders turn heavy and light again often.
const THRESHOLDS: [usize; 3] = [DEFAULT_HEAVY_THRESHOLD, 2, 3];

pub(crate) fn random_world(
    seed: u64,
    riders: usize,
    heavy_threshold: usize,
) -> (World, Naive, Rng) {
    let mut w = World::with_heavy_threshold(heavy_threshold);
    let mut m = Naive {
        riders: w.riders("r", riders),
        ..Naive::default()
    };
    for name in ["BMW GS", "Lyon", "Ölpest"] {
        let id = w.interest(name);
        m.interests.push((id, name.to_owned()));
    }
    (w, m, Rng::new(seed))
}

/// Counts riders turning heavy and light between two looks at the graph.
#[derive(Default)]
pub(crate) struct Crossings {
    pub up: usize,
    pub down: usize,
}

impl Crossings {
    pub fn weights(g: &Graph, riders: &[RiderId]) -> Vec<bool> {
        riders
            .iter()
            .map(|r| g.rider(*r).unwrap().is_heavy())
            .collect()
    }

    pub fn count(&mut self, before: &[bool], after: &[bool]) {
        for (b, a) in before.iter().zip(after) {
            match (b, a) {
                (false, true) => self.up += 1,
                (true, false) => self.down += 1,
                _ => {}
            }
        }
    }
}

#[test]
fn engine_matches_a_brute_force_model_after_every_step() {
    for threshold in THRESHOLDS {
        let mut crossings = Crossings::default();
        for seed in 1..=4 {
            let (mut w, mut m, mut rng) = random_world(seed, 12, threshold);
            for step in 0..400 {
                let before = Crossings::weights(&w.g, &m.riders);
                churn_friendships(&mut w, &mut m, &mut rng, step / 50 % 2 == 0);
                random_step(&mut w, &mut m, &mut rng);
                crossings.count(&before, &Crossings::weights(&w.g, &m.riders));
                let v = rng.pick(&m.riders);
                check_viewer(&w.g, &m, v, &mut rng, step);
                check_timelines(
                    &w.g,
                    &m.riders,
                    &format!("threshold {threshold}, step {step}"),
                );
            }
            for &v in &m.riders.clone() {
                check_viewer(&w.g, &m, v, &mut rng, usize::MAX);
            }
            assert_eq!(w.g.stats().posts, m.posts.len());
            assert_eq!(
                w.g.stats().likes,
                m.posts.values().map(|p| p.likers.len()).sum::<usize>()
            );
            assert_eq!(w.g.stats().friendships, m.friends.len());
            assert_eq!(w.g.stats().pending_requests, m.requests.len());
            assert_eq!(w.g.stats().follows, m.follows.len());
            assert_eq!(
                w.g.stats().comments,
                m.posts.values().map(|p| p.comments.len()).sum::<usize>()
            );
        }
        // The tiny thresholds must really exercise both directions.
        if threshold < 12 {
            assert!(
                crossings.up >= 20 && crossings.down >= 20,
                "threshold {threshold}: {} up, {} down",
                crossings.up,
                crossings.down
            );
        }
    }
}

#[test]
fn a_random_history_applied_twice_change_by_change_answers_alike() {
    for threshold in THRESHOLDS {
        for seed in 10..=12 {
            let (mut w, mut m, mut rng) = random_world(seed, 10, threshold);
            for _ in 0..300 {
                random_step(&mut w, &mut m, &mut rng);
            }
            let mut twice = Graph::with_heavy_threshold(threshold);
            for c in &w.log {
                twice.apply(c);
                twice.apply(c);
            }
            let riders = created_riders(&w.log);
            let posts = created_posts(&w.log);
            let names = ["bmw gs", "LYON", "ölpest"];
            assert_eq!(
                snapshot(&twice, &riders, &posts, &names),
                snapshot(&w.g, &riders, &posts, &names),
                "threshold {threshold}, seed {seed}"
            );
            check_timelines(
                &twice,
                &riders,
                &format!("applied twice, threshold {threshold}"),
            );
        }
    }
}
