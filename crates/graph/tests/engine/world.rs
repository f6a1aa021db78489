//! A small builder of graphs: every fact goes in as the `Change` the writer would commit, is
//! applied to the engine and kept in a log, so a test can replay the log (twice, reordered, ...).

use pillion_graph::{FeedKey, Graph, Planner};
use pillion_model::{
    Change, Command, CommentBody, CommentId, CommentRecord, Error, Handle, InterestId,
    InterestName, Outcome, PostBody, PostId, PostRecord, Props, RiderId, RiderName, RiderRecord,
    Timestamp, Visibility,
};

pub struct World {
    pub g: Graph,
    pub log: Vec<Change>,
    next_id: u64,
    /// The clock for facts that need a time but whose time the test does not care about.
    clock: i64,
}

impl Default for World {
    fn default() -> Self {
        Self::new()
    }
}

impl World {
    pub fn new() -> Self {
        Self::with_graph(Graph::new())
    }

    /// A world whose graph turns riders heavy at `n` friends (light again below `n / 2`).
    pub fn with_heavy_threshold(n: usize) -> Self {
        Self::with_graph(Graph::with_heavy_threshold(n))
    }

    fn with_graph(g: Graph) -> Self {
        World {
            g,
            log: Vec::new(),
            next_id: 1,
            clock: 1_000,
        }
    }

    pub fn apply(&mut self, change: Change) {
        self.g.apply(&change);
        self.log.push(change);
    }

    fn id(&mut self) -> u64 {
        let id = self.next_id;
        self.next_id += 1;
        id
    }

    fn tick(&mut self) -> Timestamp {
        self.clock += 1;
        Timestamp(self.clock)
    }

    /// A planner whose ids start after every id this world handed out.
    pub fn planner(&self) -> Planner {
        Planner::new(self.next_id + 1_000)
    }

    /// A rider with handle `handle` (`[a-z0-9_]`, padded with `_` to 3 characters).
    pub fn rider(&mut self, handle: &str) -> RiderId {
        let handle = format!("{handle:_<3}");
        let id = RiderId(self.id());
        let created_at = self.tick();
        self.apply(Change::CreateRider(RiderRecord {
            id,
            handle: Handle::parse(&handle).unwrap(),
            name: RiderName::parse(&format!("Rider {handle}")).unwrap(),
            password_hash: "$argon2id$test".to_owned(),
            props: Props::default(),
            created_at,
        }));
        id
    }

    /// `n` riders with handles `{prefix}{i}`.
    pub fn riders(&mut self, prefix: &str, n: usize) -> Vec<RiderId> {
        (0..n)
            .map(|i| self.rider(&format!("{prefix}{i}")))
            .collect()
    }

    pub fn request(&mut self, from: RiderId, to: RiderId) {
        let created_at = self.tick();
        self.apply(Change::CreateFriendRequest {
            from,
            to,
            created_at,
        });
    }

    /// Makes `a` and `b` friends the way the writer does: `a` asks, `b` accepts.
    pub fn befriend(&mut self, a: RiderId, b: RiderId) {
        self.request(a, b);
        self.apply(Change::DeleteFriendRequest { from: a, to: b });
        let since = self.tick();
        self.apply(Change::CreateFriendship {
            requester: a,
            accepter: b,
            since,
        });
    }

    pub fn unfriend(&mut self, a: RiderId, b: RiderId) {
        self.apply(Change::DeleteFriendship { a, b });
    }

    pub fn interest(&mut self, name: &str) -> InterestId {
        let id = InterestId(self.id());
        self.apply(Change::CreateInterest {
            id,
            name: InterestName::parse(name).unwrap(),
        });
        id
    }

    pub fn follow(&mut self, rider: RiderId, interest: InterestId) {
        let created_at = self.tick();
        self.apply(Change::Follow {
            rider,
            interest,
            created_at,
        });
    }

    pub fn unfollow(&mut self, rider: RiderId, interest: InterestId) {
        self.apply(Change::Unfollow { rider, interest });
    }

    /// A post at time `at` (milliseconds), so tests control order and ties.
    pub fn post_at(
        &mut self,
        author: RiderId,
        at: i64,
        visibility: Visibility,
        interests: &[InterestId],
    ) -> PostId {
        let id = PostId(self.id());
        self.apply(Change::CreatePost(PostRecord {
            id,
            author,
            body: PostBody::parse(&format!("post {} by {}", id, author)).unwrap(),
            visibility,
            photos: Vec::new(),
            place: None,
            interests: interests.to_vec(),
            created_at: Timestamp(at),
        }));
        id
    }

    pub fn delete_post(&mut self, id: PostId) {
        self.apply(Change::DeletePost { id });
    }

    pub fn like(&mut self, rider: RiderId, post: PostId) {
        let created_at = self.tick();
        self.apply(Change::Like {
            rider,
            post,
            created_at,
        });
    }

    pub fn unlike(&mut self, rider: RiderId, post: PostId) {
        self.apply(Change::Unlike { rider, post });
    }

    pub fn comment(&mut self, author: RiderId, post: PostId) -> CommentId {
        let id = CommentId(self.id());
        let created_at = self.tick();
        self.apply(Change::CreateComment(CommentRecord {
            id,
            post,
            author,
            body: CommentBody::parse("nice bike").unwrap(),
            created_at,
        }));
        id
    }

    /// Plans `cmd` against the current state and, when accepted, applies its changes.
    pub fn run(&mut self, cmd: &Command) -> Result<Outcome, Error> {
        let mut planner = self.planner();
        let plan = self.g.plan(cmd, &mut planner)?;
        for c in plan.changes {
            self.apply(c);
        }
        self.next_id = self.next_id.max(planner.next_id());
        Ok(plan.outcome)
    }
}

/// Walks every page of a keyset-paginated list of posts and returns the items in order.
pub fn walk(
    limit: usize,
    mut page: impl FnMut(Option<FeedKey>, usize) -> pillion_graph::Page<PostId, FeedKey>,
) -> Vec<PostId> {
    let mut out = Vec::new();
    let mut before = None;
    for _ in 0..100_000 {
        let p = page(before, limit);
        assert!(p.items.len() <= limit, "a page holds at most `limit` items");
        out.extend(p.items);
        match p.next {
            Some(k) => {
                assert_eq!(Some(&k.1), out.last(), "the cursor is the page's last item");
                before = Some(k);
            }
            None => return out,
        }
    }
    panic!("paging did not end");
}

/// Every page of the viewer's feed.
pub fn whole_feed(g: &Graph, viewer: RiderId, limit: usize) -> Vec<PostId> {
    walk(limit, |before, limit| g.feed(viewer, before, limit))
}

/// Every page of `rider`'s wall as `viewer` sees it.
pub fn whole_wall(g: &Graph, viewer: RiderId, rider: RiderId, limit: usize) -> Vec<PostId> {
    let r = g.rider(rider).unwrap();
    walk(limit, |before, limit| g.wall(viewer, r, before, limit))
}

/// Every page of an interest's posts as `viewer` sees them.
pub fn whole_interest(g: &Graph, viewer: RiderId, name: &str, limit: usize) -> Vec<PostId> {
    walk(limit, |before, limit| {
        g.interest_posts(viewer, name, before, limit)
    })
}

/// Every page of suggestions, as (rider, mutual friends).
pub fn whole_suggestions(g: &Graph, viewer: RiderId, limit: usize) -> Vec<(RiderId, u32)> {
    let mut out = Vec::new();
    let mut after = None;
    loop {
        let p = g.suggestions(viewer, after, limit);
        assert!(p.items.len() <= limit);
        out.extend(p.items.iter().copied());
        match p.next {
            Some(k) => {
                let (c, m) = *p.items.last().unwrap();
                assert_eq!(k, (m, c), "the cursor is the page's last item");
                after = Some(k);
            }
            None => return out,
        }
    }
}

/// The ids of the riders `view` names as friends who liked the post.
pub fn friends_who_liked(g: &Graph, viewer: RiderId, post: PostId) -> Vec<RiderId> {
    let p = g.post(post).unwrap();
    g.view(viewer, p)
        .friends_who_liked
        .iter()
        .map(|r| r.id)
        .collect()
}

/// A deterministic, seedable generator (SplitMix64): the random tests replay exactly.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Self {
        Rng(seed)
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in `0..n` (n > 0).
    pub fn below(&mut self, n: usize) -> usize {
        (self.next_u64() % n as u64) as usize
    }

    pub fn chance(&mut self, percent: u64) -> bool {
        self.next_u64() % 100 < percent
    }

    pub fn pick<T: Copy>(&mut self, v: &[T]) -> T {
        v[self.below(v.len())]
    }
}

/// Everything a client could read from `g` about these riders, posts and interests, as text: two
/// graphs that answer every read alike have equal snapshots.
pub fn snapshot(g: &Graph, riders: &[RiderId], posts: &[PostId], interests: &[&str]) -> String {
    use std::fmt::Write;
    let mut s = String::new();
    let _ = writeln!(s, "{:?}", g.stats());
    for &v in riders {
        let _ = writeln!(s, "feed {v}: {:?}", whole_feed(g, v, 3));
        let _ = writeln!(s, "suggestions {v}: {:?}", whole_suggestions(g, v, 2));
        let me = g.rider(v).unwrap();
        // Senders only, sorted: request times come from the clock and differ between runs.
        let mut senders: Vec<RiderId> = g
            .incoming_requests(me, None, 1_000)
            .items
            .into_iter()
            .map(|(_, from)| from)
            .collect();
        senders.sort();
        let _ = writeln!(
            s,
            "rider {v}: friends {:?} follows {:?} requests from {:?}",
            me.friends(),
            me.follows(),
            senders
        );
        for &r in riders {
            let rider = g.rider(r).unwrap();
            let _ = writeln!(
                s,
                "{v}->{r}: {:?} wall {:?} count {}",
                g.relation(v, r),
                whole_wall(g, v, r, 2),
                g.visible_post_count(v, rider)
            );
        }
        for name in interests {
            let _ = writeln!(
                s,
                "interest {name} {v}: {:?}",
                whole_interest(g, v, name, 2)
            );
        }
        for &p in posts {
            let Some(post) = g.visible_post(v, p) else {
                let _ = writeln!(s, "post {p} {v}: hidden or gone");
                continue;
            };
            let view = g.view(v, post);
            let _ = writeln!(
                s,
                "post {p} {v}: likes {} comments {} mine {} friends {:?} comment ids {:?}",
                view.like_count,
                view.comment_count,
                view.liked_by_me,
                view.friends_who_liked
                    .iter()
                    .map(|r| r.id)
                    .collect::<Vec<_>>(),
                g.comments_of(post, None, 1_000).items
            );
        }
    }
    s
}

/// The ids of every rider created in `log`.
pub fn created_riders(log: &[Change]) -> Vec<RiderId> {
    log.iter()
        .filter_map(|c| match c {
            Change::CreateRider(r) => Some(r.id),
            _ => None,
        })
        .collect()
}

/// The ids of every post created in `log`.
pub fn created_posts(log: &[Change]) -> Vec<PostId> {
    log.iter()
        .filter_map(|c| match c {
            Change::CreatePost(p) => Some(p.id),
            _ => None,
        })
        .collect()
}

/// Every post of `rider`, ascending by key (what a friend's timeline must hold of them).
pub fn post_keys(g: &Graph, rider: RiderId) -> Vec<FeedKey> {
    let r = g.rider(rider).unwrap();
    let mut keys: Vec<FeedKey> = g
        .wall(rider, r, None, 1_000_000)
        .items
        .iter()
        .map(|id| g.post(*id).unwrap().key())
        .collect();
    keys.reverse();
    keys
}

/// Checks the hybrid's invariants through the public interface: a heavy rider's timeline is
/// exactly its friends' posts, every rider lists exactly its heavy friends, weights respect the
/// threshold and its hysteresis, and the stats count timelines and entries.
pub fn check_timelines(g: &Graph, riders: &[RiderId], ctx: &str) {
    let n = g.heavy_threshold();
    let (mut heavy, mut entries) = (0, 0);
    for &r in riders {
        let rider = g.rider(r).unwrap();
        let friends = rider.friends();
        if let Some(timeline) = rider.friend_timeline() {
            let mut expected: Vec<FeedKey> =
                friends.iter().flat_map(|f| post_keys(g, *f)).collect();
            expected.sort_unstable();
            assert_eq!(timeline, expected.as_slice(), "timeline of {r}, {ctx}");
            assert!(
                friends.len() >= n / 2,
                "{r} heavy with {} friends, {ctx}",
                friends.len()
            );
            heavy += 1;
            entries += timeline.len();
        } else {
            assert!(
                friends.len() < n,
                "{r} light with {} friends, {ctx}",
                friends.len()
            );
        }
        let heavy_friends: Vec<RiderId> = friends
            .iter()
            .copied()
            .filter(|f| g.rider(*f).unwrap().is_heavy())
            .collect();
        assert_eq!(
            rider.heavy_friends(),
            heavy_friends,
            "heavy friends of {r}, {ctx}"
        );
    }
    assert_eq!(g.stats().heavy_riders, heavy, "{ctx}");
    assert_eq!(g.stats().timeline_entries, entries, "{ctx}");
}
