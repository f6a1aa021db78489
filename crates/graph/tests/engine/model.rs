//! Differential tests: random operation sequences applied to the engine and to a tiny, obviously
//! correct model, compared after every step; and batched planning (the writer's key rule)
//! compared with planning one command at a time.

use std::cmp::Reverse;
use std::collections::{BTreeMap, BTreeSet};

use pillion_graph::{Graph, Key, Planner};
use pillion_model::Visibility::{Friends, Public};
use pillion_model::{
    Change, Command, CommentBody, CommentId, Error, Handle, InterestId, InterestName, Outcome,
    PostBody, PostId, Props, RiderId, RiderName, Visibility,
};

use crate::world::{
    created_posts, created_riders, friends_who_liked, snapshot, walk, whole_suggestions, Rng, World,
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
struct Naive {
    riders: Vec<RiderId>,
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

    fn feed(&self, v: RiderId) -> Vec<PostId> {
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
fn random_step(w: &mut World, m: &mut Naive, rng: &mut Rng) {
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

fn random_world(seed: u64, riders: usize) -> (World, Naive, Rng) {
    let mut w = World::new();
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

#[test]
fn engine_matches_a_brute_force_model_after_every_step() {
    for seed in 1..=4 {
        let (mut w, mut m, mut rng) = random_world(seed, 12);
        for step in 0..400 {
            random_step(&mut w, &mut m, &mut rng);
            let v = rng.pick(&m.riders);
            check_viewer(&w.g, &m, v, &mut rng, step);
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
}

#[test]
fn a_random_history_applied_twice_change_by_change_answers_alike() {
    for seed in 10..=12 {
        let (mut w, mut m, mut rng) = random_world(seed, 10);
        for _ in 0..300 {
            random_step(&mut w, &mut m, &mut rng);
        }
        let mut twice = Graph::new();
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
            "seed {seed}"
        );
    }
}

/// A random command over a fixed cast, including ones that will be refused.
fn random_command(rng: &mut Rng, riders: &[RiderId], posts: &[PostId]) -> Command {
    let a = rng.pick(riders);
    let b = rng.pick(riders);
    let p = rng.pick(posts);
    let names = ["Alps", "ALPS", "alps", "Lyon", "GS", "gs"];
    let name = InterestName::parse(rng.pick(&names)).unwrap();
    match rng.below(15) {
        0 | 1 => Command::FriendRequest { from: a, to: b },
        2 => Command::AcceptRequest { rider: a, from: b },
        3 => Command::DeclineRequest { rider: a, from: b },
        4 => Command::Unfriend { rider: a, other: b },
        5 => Command::Follow {
            rider: a,
            interest: name,
        },
        6 => Command::Unfollow {
            rider: a,
            interest: name,
        },
        7 => Command::CreatePost {
            author: a,
            body: PostBody::parse("batch").unwrap(),
            visibility: if rng.chance(50) { Public } else { Friends },
            photos: Vec::new(),
            place: None,
            interests: vec![name, InterestName::parse(rng.pick(&names)).unwrap()],
        },
        8 => Command::DeletePost { rider: a, post: p },
        9 | 10 => Command::Like { rider: a, post: p },
        11 => Command::Unlike { rider: a, post: p },
        12 => Command::Comment {
            rider: a,
            post: p,
            body: CommentBody::parse("batch").unwrap(),
        },
        13 => Command::SignUp {
            handle: Handle::parse(rng.pick(&["newa", "newb", "newc"])).unwrap(),
            name: RiderName::parse("New").unwrap(),
            password_hash: String::new(),
            props: Props::default(),
        },
        _ => Command::UpdateProfile {
            rider: a,
            name: None,
            props: Some(serde_json::json!({ "n": rng.below(3) })),
        },
    }
}

type Answer = Result<Outcome, Error>;

/// The writer's rule (see `server::writer`): plan each command against the state as last
/// committed; commit the batch so far first when a command touches a key an earlier one writes.
fn run_batched(g: &mut Graph, planner: &mut Planner, cmds: &[Command]) -> Vec<Answer> {
    let mut answers = Vec::new();
    let mut pending: Vec<Change> = Vec::new();
    let mut writes: Vec<Key> = Vec::new();
    for cmd in cmds {
        let (touched, written) = g.keys(cmd);
        if touched.iter().any(|k| writes.contains(k)) {
            for c in pending.drain(..) {
                g.apply(&c);
            }
            writes.clear();
        }
        match g.plan(cmd, planner) {
            Ok(plan) => {
                pending.extend(plan.changes);
                writes.extend(written);
                answers.push(Ok(plan.outcome));
            }
            Err(e) => answers.push(Err(e)),
        }
    }
    for c in pending.drain(..) {
        g.apply(&c);
    }
    answers
}

fn run_one_by_one(g: &mut Graph, planner: &mut Planner, cmds: &[Command]) -> Vec<Answer> {
    cmds.iter()
        .map(|cmd| {
            let plan = g.plan(cmd, planner)?;
            for c in &plan.changes {
                g.apply(c);
            }
            Ok(plan.outcome)
        })
        .collect()
}

#[test]
fn batched_planning_by_keys_answers_like_planning_one_command_at_a_time() {
    for seed in 20..=27 {
        let (mut w1, mut m, mut rng) = random_world(seed, 6);
        for _ in 0..60 {
            random_step(&mut w1, &mut m, &mut rng);
        }
        // A twin with the same history.
        let mut w2 = Graph::new();
        for c in &w1.log {
            w2.apply(c);
        }
        let riders = created_riders(&w1.log);
        let mut posts: Vec<PostId> = m.posts.keys().copied().collect();
        posts.push(PostId(999_999));
        let cmds: Vec<Command> = (0..400)
            .map(|_| random_command(&mut rng, &riders, &posts))
            .collect();
        let mut p1 = Planner::new(100_000);
        let mut p2 = Planner::new(100_000);
        let mut all_posts = posts.clone();
        let mut start = 0;
        while start < cmds.len() {
            let end = (start + 1 + rng.below(40)).min(cmds.len());
            let batch = &cmds[start..end];
            let one = run_one_by_one(&mut w1.g, &mut p1, batch);
            let many = run_batched(&mut w2, &mut p2, batch);
            for (i, (x, y)) in one.iter().zip(&many).enumerate() {
                assert_eq!(x, y, "seed {seed}, command {:?}", batch[i]);
                if let Ok(Outcome::Post(id)) = x {
                    all_posts.push(*id);
                }
            }
            start = end;
        }
        let mut all_riders = riders.clone();
        for h in ["newa", "newb", "newc"] {
            if let Some(r) = w1.g.rider_by_handle(h) {
                all_riders.push(r.id);
            }
        }
        let names = ["alps", "lyon", "gs"];
        assert_eq!(
            snapshot(&w2, &all_riders, &all_posts, &names),
            snapshot(&w1.g, &all_riders, &all_posts, &names),
            "seed {seed}"
        );
    }
}
