//! The synthetic network the benches run on, built from a fixed seed.

use std::time::{Duration, Instant};

use pillion_graph::{FeedKey, Graph, Relation, DEFAULT_HEAVY_THRESHOLD};
use pillion_model::{
    Change, Handle, InterestId, InterestName, PostBody, PostId, PostRecord, Props, RiderId,
    RiderName, RiderRecord, Timestamp, Visibility,
};

const RIDERS: usize = 20_000;
const FRIENDSHIPS: usize = 80_000;
const POSTS: usize = 80_000;
const LIKES: usize = 140_000;
pub const INTERESTS: usize = 500;
/// Share of riders following the one hot interest (about 10k followers).
const HOT_FOLLOW_PERCENT: u64 = 52;
/// Share of posts tagged with the hot interest (half of them public: about 10k public posts).
const HOT_TAG_PERCENT: u64 = 27;
const VIRAL_LIKES: usize = 5_000;
pub const PAGE: usize = 10;

/// SplitMix64: small, seedable, good enough for synthetic data.
struct Rng(u64);

impl Rng {
    fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn unit(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next_u64() % n as u64) as usize
    }

    fn chance(&mut self, percent: u64) -> bool {
        self.next_u64() % 100 < percent
    }

    /// A heavy-tailed rank in `0..n`: `P(rank < x) = (x/n)^(1/exp)`, so low ranks are hubs.
    fn heavy(&mut self, n: usize, exp: f64) -> usize {
        ((self.unit().powf(exp) * n as f64) as usize).min(n - 1)
    }
}

/// The riders whose reads and writes are measured.
pub struct Viewers {
    /// (label, rider): riders with exactly 10, 100, 1000 and 5000 friends and a few small
    /// interests, and one with 10 friends who follows the hot interest and four popular ones.
    pub by_friends: Vec<(&'static str, RiderId)>,
    pub interest_reader: RiderId,
    /// The rider with the most posts, and a stranger and a friend of theirs.
    pub prolific: RiderId,
    pub stranger: RiderId,
    pub prolific_friend: RiderId,
    /// A post with `VIRAL_LIKES` likes.
    pub viral: PostId,
}

pub struct Synth {
    pub g: Graph,
    /// Followers of each interest, by interest index (what fan-out on write needs).
    pub followers: Vec<Vec<RiderId>>,
    pub interests: Vec<InterestId>,
    pub v: Viewers,
    pub next_id: u64,
}

pub fn rider_record(id: u64) -> Change {
    Change::CreateRider(RiderRecord {
        id: RiderId(id),
        handle: Handle::from_trusted(format!("rider{id}")),
        name: RiderName::from_trusted(format!("Rider {id}")),
        password_hash: String::new(),
        props: Props::default(),
        created_at: Timestamp(0),
    })
}

fn befriend(g: &mut Graph, a: RiderId, b: RiderId) -> bool {
    if a == b || g.are_friends(a, b) {
        return false;
    }
    g.apply(&Change::CreateFriendship {
        requester: a,
        accepter: b,
        since: Timestamp(0),
    });
    true
}

pub fn post_change(
    id: u64,
    author: RiderId,
    at: i64,
    visibility: Visibility,
    interests: Vec<InterestId>,
) -> Change {
    Change::CreatePost(PostRecord {
        id: PostId(id),
        author,
        body: PostBody::from_trusted("Col de la Bonette at dawn, 2802 m, no traffic".into()),
        visibility,
        photos: Vec::new(),
        place: None,
        interests,
        created_at: Timestamp(at),
    })
}

/// The network with the engine's default heavy threshold: the hybrid feed.
pub fn build() -> Synth {
    build_with(DEFAULT_HEAVY_THRESHOLD)
}

/// The same network (same seed, same ids) with riders heavy from `heavy_threshold` friends;
/// `usize::MAX` gives the pure fan-out-on-read engine.
pub fn build_with(heavy_threshold: usize) -> Synth {
    let started = Instant::now();
    let mut rng = Rng(0x5EED_F00D);
    let mut g = Graph::with_heavy_threshold(heavy_threshold);
    // Ids: riders 1..=RIDERS, then the measured viewers, then interests, then posts.
    for id in 1..=RIDERS as u64 {
        g.apply(&rider_record(id));
    }
    let base = |i: usize| RiderId(1 + i as u64);
    // Two coprime permutations of 20000, so friend hubs and prolific posters are not the same
    // riders and neither lines up with ids.
    let hub = |rank: usize| base((rank * 7_919 + 4_321) % RIDERS);
    let poster = |rank: usize| base(rank * 104_729 % RIDERS);
    let mut next_id = RIDERS as u64 + 1;
    let mut special = |g: &mut Graph| {
        let id = next_id;
        next_id += 1;
        g.apply(&rider_record(id));
        RiderId(id)
    };
    let degrees = [
        ("f10", 10),
        ("f100", 100),
        ("f1000", 1_000),
        ("f5000", 5_000),
    ];
    let by_friends: Vec<(&'static str, RiderId)> =
        degrees.iter().map(|(l, _)| (*l, special(&mut g))).collect();
    let interest_reader = special(&mut g);
    let stranger = special(&mut g);
    let mut extra = 0;
    for ((_, v), (_, k)) in by_friends.iter().zip(degrees) {
        let mut n = 0;
        while n < k {
            if befriend(&mut g, *v, base(rng.below(RIDERS))) {
                n += 1;
            }
        }
        extra += k;
    }
    for _ in 0..10 {
        while !befriend(&mut g, interest_reader, base(rng.below(RIDERS))) {}
    }
    extra += 10;
    let mut made = extra;
    while made < FRIENDSHIPS {
        // One end heavy-tailed, the other uniform: a few riders with ~1-2k friends.
        if befriend(&mut g, hub(rng.heavy(RIDERS, 2.5)), base(rng.below(RIDERS))) {
            made += 1;
        }
    }

    // Some pending requests both ways for the measured riders (suggestions must skip them).
    for (_, v) in &by_friends {
        for n in 0..40 {
            let other = base(rng.below(RIDERS));
            if g.are_friends(*v, other) || g.relation(*v, other) != Relation::None {
                continue;
            }
            let (from, to) = if n % 2 == 0 { (*v, other) } else { (other, *v) };
            g.apply(&Change::CreateFriendRequest {
                from,
                to,
                created_at: Timestamp(n),
            });
        }
    }
    let mut interests = Vec::with_capacity(INTERESTS);
    for i in 0..INTERESTS {
        let id = InterestId(next_id);
        next_id += 1;
        g.apply(&Change::CreateInterest {
            id,
            name: InterestName::from_trusted(format!("Interest {i}")),
        });
        interests.push(id);
    }
    let mut followers: Vec<Vec<RiderId>> = vec![Vec::new(); INTERESTS];
    let mut follow = |g: &mut Graph, r: RiderId, i: usize| {
        if !g.rider(r).unwrap().follows().contains(&interests[i]) {
            g.apply(&Change::Follow {
                rider: r,
                interest: interests[i],
                created_at: Timestamp(0),
            });
            followers[i].push(r);
        }
    };
    for r in 0..RIDERS {
        if rng.chance(HOT_FOLLOW_PERCENT) {
            follow(&mut g, base(r), 0);
        }
        for i in 1..5 {
            if rng.chance(20) {
                follow(&mut g, base(r), i);
            }
        }
        for _ in 0..3 {
            follow(&mut g, base(r), 5 + rng.heavy(INTERESTS - 5, 2.0));
        }
    }
    for (_, v) in &by_friends {
        follow(&mut g, *v, INTERESTS - 1);
        follow(&mut g, *v, INTERESTS - 2);
    }
    for i in 0..5 {
        follow(&mut g, interest_reader, i);
    }

    // Posts in time order over a year (ids grow with time, as the writer hands them out).
    let mut times: Vec<i64> = (0..POSTS)
        .map(|_| 1_700_000_000_000 + rng.below(365 * 86_400_000) as i64)
        .collect();
    times.sort_unstable();
    let measured: Vec<RiderId> = by_friends.iter().map(|(_, v)| *v).collect();
    let mut post_ids = Vec::with_capacity(POSTS);
    for (n, at) in times.into_iter().enumerate() {
        let author = if n % 200 == 0 {
            measured[n / 200 % measured.len()]
        } else {
            poster(rng.heavy(RIDERS, 2.0))
        };
        let visibility = if rng.chance(50) {
            Visibility::Public
        } else {
            Visibility::Friends
        };
        let mut tags = Vec::new();
        if rng.chance(HOT_TAG_PERCENT) {
            tags.push(interests[0]);
        }
        if rng.chance(30) {
            tags.push(interests[1 + rng.below(4)]);
        }
        if rng.chance(40) {
            tags.push(interests[5 + rng.heavy(INTERESTS - 5, 2.0)]);
        }
        g.apply(&post_change(next_id, author, at, visibility, tags));
        post_ids.push(PostId(next_id));
        next_id += 1;
    }
    // Recent posts get most likes; a rider likes a post once, so repeats are drawn again.
    while g.stats().likes < LIKES - VIRAL_LIKES {
        let post = post_ids[post_ids.len() - 1 - rng.heavy(post_ids.len(), 3.0)];
        g.apply(&Change::Like {
            rider: base(rng.below(RIDERS)),
            post,
            created_at: Timestamp(0),
        });
    }
    let viral = post_ids[post_ids.len() / 2];
    g.apply(&Change::Like {
        rider: measured[3],
        post: viral,
        created_at: Timestamp(0),
    });
    while g.post(viral).unwrap().like_count() < VIRAL_LIKES {
        g.apply(&Change::Like {
            rider: base(rng.below(RIDERS)),
            post: viral,
            created_at: Timestamp(0),
        });
    }
    let prolific = poster(0);
    let prolific_friend = g.rider(prolific).unwrap().friends()[0];
    let s = Synth {
        g,
        followers,
        interests,
        v: Viewers {
            by_friends,
            interest_reader,
            prolific,
            stranger,
            prolific_friend,
            viral,
        },
        next_id,
    };
    s.describe(started.elapsed());
    s
}

impl Synth {
    /// The measured feed readers: (label, rider).
    pub fn feed_readers(&self) -> Vec<(&'static str, RiderId)> {
        let mut v = self.v.by_friends.clone();
        v.push(("interest10k", self.v.interest_reader));
        v
    }

    /// The whole feed of `viewer`, newest first.
    pub fn whole_feed(&self, viewer: RiderId) -> Vec<FeedKey> {
        let ids = self.g.feed(viewer, None, 10_000_000).items;
        ids.iter()
            .map(|id| self.g.post(*id).unwrap().key())
            .collect()
    }

    /// The key to start a deep page from: the 5,000th item, or the middle of a shorter feed.
    pub fn deep_cursor(&self, viewer: RiderId) -> Option<FeedKey> {
        let feed = self.whole_feed(viewer);
        feed.get((feed.len() / 2).min(5_000)).copied()
    }

    fn describe(&self, took: Duration) {
        let st = self.g.stats();
        let threshold = self.g.heavy_threshold();
        if threshold == usize::MAX {
            eprintln!("synthetic graph without heavy riders built in {took:.1?}");
            return;
        }
        let degrees: Vec<usize> = (1..=RIDERS as u64)
            .map(|id| self.g.rider(RiderId(id)).unwrap().friends().len())
            .collect();
        let max_degree = degrees.iter().max().copied().unwrap_or(0);
        let at_least = |d: usize| degrees.iter().filter(|x| **x >= d).count();
        let hot = self.g.interest(self.interests[0]).unwrap();
        // Entries a full fan-out on write would hold: every post in its author's and each
        // friend's timeline, and each public post in every follower's of each of its interests.
        let mut friend_entries = 0usize;
        let mut interest_entries = 0usize;
        // The hybrid pushes a post into the timelines of its author's heavy friends only.
        let mut pushes_max = 0usize;
        for id in 1..self.next_id {
            let Some(p) = self.g.post(PostId(id)) else {
                continue;
            };
            let author = self.g.rider(p.author).unwrap();
            friend_entries += 1 + author.friends().len();
            pushes_max = pushes_max.max(author.heavy_friends().len());
            if p.visibility == Visibility::Public {
                for i in &p.interests {
                    interest_entries += self.g.interest(*i).unwrap().follower_count();
                }
            }
        }
        let heavy_links: usize = (1..self.next_id)
            .filter_map(|id| self.g.rider(RiderId(id)))
            .map(|r| r.heavy_friends().len())
            .sum();
        let hot_public = self
            .g
            .interest_posts(self.v.stranger, "interest 0", None, 100_000)
            .items
            .len();
        eprintln!(
            "synthetic graph built in {took:.1?}: {st:?}; max friends {max_degree}; \
             hot interest: {} followers, {hot_public} public posts; \
             viewer feed sizes: {:?}; prolific author posts: {}",
            hot.follower_count(),
            self.feed_readers()
                .iter()
                .map(|(l, v)| (*l, self.whole_feed(*v).len()))
                .collect::<Vec<_>>(),
            self.g
                .visible_post_count(self.v.prolific, self.g.rider(self.v.prolific).unwrap()),
        );
        eprintln!(
            "full fan-out on write would hold {friend_entries} timeline entries for friends \
             and {interest_entries} more for interests ({} MiB at 16 bytes each)",
            ((friend_entries + interest_entries) * 16) >> 20
        );
        eprintln!(
            "riders with >=100 / >={threshold} / >=1000 friends: {} / {} / {}; the hybrid's \
             {} heavy riders hold {} timeline entries ({} KiB at 16 bytes) and {heavy_links} \
             heavy-friend links ({} KiB at 8 bytes); a post is pushed into {:.2} timelines on \
             average, {pushes_max} at most; heavy friends of the measured writers: {:?}",
            at_least(100),
            at_least(threshold),
            at_least(1_000),
            st.heavy_riders,
            st.timeline_entries,
            (st.timeline_entries * 16) >> 10,
            (heavy_links * 8) >> 10,
            st.timeline_entries as f64 / st.posts as f64,
            self.v
                .by_friends
                .iter()
                .map(|(l, v)| (*l, self.g.rider(*v).unwrap().heavy_friends().len()))
                .collect::<Vec<_>>(),
        );
    }
}
