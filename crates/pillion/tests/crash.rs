#![allow(clippy::unwrap_used)]
//! Crash safety of the real binary: riders write (posts, likes, comments, friend requests) from
//! several threads while `pillion serve` is killed with SIGKILL at a random moment; the server is
//! restarted on the same data directory, and every write it acknowledged must be there, while no
//! write may be there in part (a post missing some of its interests, a count that disagrees with
//! its list, a wall post that a direct read says does not exist, a like or comment nobody sent).
//! Many kill/restart cycles run on one data directory, so expectations accumulate.
//!
//! `CRASH_SEED` replays a run (the seed is printed); `CRASH_CYCLES` changes the number of cycles.

mod support;

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use reqwest::blocking::Client;
use serde_json::{json, Value};
use support::{get, sign_up, Rider, Server};

const RIDERS: usize = 6;
const WRITERS: usize = 4;
const INTERESTS: &[&str] = &[
    "Ducati",
    "Touring",
    "Café Racer",
    "Alps/Dolomites",
    "Enduro",
];

/// A server for the crash test: no rate limit in the way, ready within 30 s.
fn start(data: &Path) -> Server {
    let server = Server::spawn(data, &["--rate-limit", "1000000"]);
    server.wait_ready(Duration::from_secs(30));
    server
}

// ---- what the clients sent and what the server acknowledged ----------------------------------

#[derive(Debug, Clone)]
struct PostAttempt {
    author: usize,
    public: bool,
    interests: Vec<&'static str>,
}

/// Everything the writers sent, across all cycles. A write is "acknowledged" when its 2xx answer
/// arrived; "attempted" covers those too, and those whose answer was lost in the crash.
#[derive(Default)]
struct Ledger {
    /// Post body -> what was asked for (bodies are unique).
    post_attempts: BTreeMap<String, PostAttempt>,
    /// Acknowledged posts: id -> body.
    posts: BTreeMap<u64, String>,
    /// Acknowledged public posts, which anyone may like or comment on.
    public_posts: Vec<u64>,
    /// Own posts by author, which the author may like or comment on.
    own_posts: BTreeMap<usize, Vec<u64>>,
    /// Post -> riders who tried to like it, and those whose like was acknowledged.
    like_attempts: BTreeMap<u64, BTreeSet<usize>>,
    likes: BTreeMap<u64, BTreeSet<usize>>,
    /// Comment body -> (author, post) asked for; per post, how many were tried.
    comment_attempts: BTreeMap<String, (usize, u64)>,
    comments_tried: BTreeMap<u64, usize>,
    /// Acknowledged comments: id -> body; per post, how many.
    comments: BTreeMap<u64, String>,
    comments_acked: BTreeMap<u64, usize>,
    /// Acknowledged friend requests (from, to), and pairs the server said are friends.
    requests: BTreeSet<(usize, usize)>,
    friends: BTreeSet<(usize, usize)>,
    /// Every id the server handed out: a restart must never hand one out again.
    ids: BTreeSet<u64>,
    /// Since the last check: posts written to, and likes acknowledged. Posts checked in detail.
    touched: BTreeSet<u64>,
    new_likes: Vec<(usize, u64)>,
    verified: BTreeSet<u64>,
    lost: usize,
    acknowledged: usize,
}

impl Ledger {
    fn new_id(&mut self, id: u64, what: &str) {
        assert!(
            self.ids.insert(id),
            "the server handed out id {id} ({what}) a second time: ids must never be reused after a restart"
        );
    }
}

// ---- the writers ---------------------------------------------------------------------------

/// One request's fate: answered (status, body), or no answer (the server died first).
fn send(req: reqwest::blocking::RequestBuilder) -> Option<(u16, Value)> {
    let res = req.send().ok()?;
    let status = res.status().as_u16();
    let bytes = res.bytes().ok()?;
    Some((
        status,
        serde_json::from_slice(&bytes).unwrap_or(Value::Null),
    ))
}

struct Writer {
    me: usize,
    riders: Arc<Vec<Rider>>,
    base: String,
    ledger: Arc<Mutex<Ledger>>,
    killed: Arc<AtomicBool>,
    rng: StdRng,
    tag: String,
}

impl Writer {
    /// Writes until a request goes unanswered; returns a description of anything unexpected.
    fn run(mut self) -> Result<(), String> {
        let http = Client::builder()
            .timeout(Duration::from_secs(20))
            .build()
            .unwrap();
        for n in 0.. {
            let token = self.riders[self.me].token.clone();
            let roll = self.rng.gen_range(0..100);
            let outcome = if roll < 40 {
                self.post(&http, &token, n)
            } else if roll < 65 {
                self.like(&http, &token)
            } else if roll < 85 {
                self.comment(&http, &token, n)
            } else {
                self.friend_request(&http, &token)
            };
            match outcome {
                Ok(true) => {}
                Ok(false) => {
                    self.ledger.lock().unwrap().lost += 1;
                    // The kill is flagged before it is sent: an unanswered request before that
                    // means the server failed by itself.
                    if self.killed.load(Ordering::SeqCst) {
                        return Ok(());
                    }
                    return Err(format!(
                        "r{}: a request went unanswered while the server ran",
                        self.me
                    ));
                }
                Err(e) => return Err(format!("r{}: {e}", self.me)),
            }
        }
        Ok(())
    }

    /// Ok(true): answered as expected; Ok(false): no answer.
    fn post(&mut self, http: &Client, token: &str, n: usize) -> Result<bool, String> {
        let body = format!("{}-r{}-n{n}", self.tag, self.me);
        let public = self.rng.gen_bool(0.6);
        let mut interests: Vec<&'static str> = INTERESTS
            .iter()
            .copied()
            .filter(|_| self.rng.gen_bool(0.4))
            .collect();
        if self.rng.gen_bool(0.3) {
            interests.reverse();
        }
        self.ledger.lock().unwrap().post_attempts.insert(
            body.clone(),
            PostAttempt {
                author: self.me,
                public,
                interests: interests.clone(),
            },
        );
        let visibility = if public { "public" } else { "friends" };
        let req = http
            .post(format!("{}/v1/posts", self.base))
            .bearer_auth(token)
            .json(&json!({"body": body, "visibility": visibility, "interests": interests}));
        let Some((status, v)) = send(req) else {
            return Ok(false);
        };
        let id = v["id"]
            .as_u64()
            .filter(|_| status == 201)
            .ok_or_else(|| format!("create post answered {status} {v}"))?;
        let mut l = self.ledger.lock().unwrap();
        l.new_id(id, "post");
        l.posts.insert(id, body);
        l.touched.insert(id);
        if public {
            l.public_posts.push(id);
        }
        l.own_posts.entry(self.me).or_default().push(id);
        l.acknowledged += 1;
        Ok(true)
    }

    /// A post this rider may certainly see: a public one, or its own.
    fn pick_post(&mut self) -> Option<u64> {
        let l = self.ledger.lock().unwrap();
        let own = l.own_posts.get(&self.me).map_or(&[][..], Vec::as_slice);
        let n = l.public_posts.len() + own.len();
        if n == 0 {
            return None;
        }
        let i = self.rng.gen_range(0..n);
        Some(match l.public_posts.get(i) {
            Some(id) => *id,
            None => own[i - l.public_posts.len()],
        })
    }

    fn like(&mut self, http: &Client, token: &str) -> Result<bool, String> {
        let Some(post) = self.pick_post() else {
            return Ok(true);
        };
        {
            let mut l = self.ledger.lock().unwrap();
            l.like_attempts.entry(post).or_default().insert(self.me);
            l.touched.insert(post);
        }
        let req = http
            .put(format!("{}/v1/posts/{post}/like", self.base))
            .bearer_auth(token);
        let Some((status, v)) = send(req) else {
            return Ok(false);
        };
        if status != 204 {
            return Err(format!("like of post {post} answered {status} {v}"));
        }
        let mut l = self.ledger.lock().unwrap();
        l.likes.entry(post).or_default().insert(self.me);
        l.new_likes.push((self.me, post));
        l.acknowledged += 1;
        Ok(true)
    }

    fn comment(&mut self, http: &Client, token: &str, n: usize) -> Result<bool, String> {
        let Some(post) = self.pick_post() else {
            return Ok(true);
        };
        let body = format!("{}-r{}-c{n}", self.tag, self.me);
        {
            let mut l = self.ledger.lock().unwrap();
            l.comment_attempts.insert(body.clone(), (self.me, post));
            *l.comments_tried.entry(post).or_default() += 1;
            l.touched.insert(post);
        }
        let req = http
            .post(format!("{}/v1/posts/{post}/comments", self.base))
            .bearer_auth(token)
            .json(&json!({ "body": body }));
        let Some((status, v)) = send(req) else {
            return Ok(false);
        };
        let id = v["id"]
            .as_u64()
            .filter(|_| status == 201)
            .ok_or_else(|| format!("comment on post {post} answered {status} {v}"))?;
        let mut l = self.ledger.lock().unwrap();
        l.new_id(id, "comment");
        l.comments.insert(id, body);
        *l.comments_acked.entry(post).or_default() += 1;
        l.acknowledged += 1;
        Ok(true)
    }

    fn friend_request(&mut self, http: &Client, token: &str) -> Result<bool, String> {
        let to = (self.me + self.rng.gen_range(1..RIDERS)) % RIDERS;
        let req = http
            .post(format!(
                "{}/v1/riders/{}/friend-request",
                self.base, self.riders[to].id
            ))
            .bearer_auth(token);
        let Some((status, v)) = send(req) else {
            return Ok(false);
        };
        let mut l = self.ledger.lock().unwrap();
        match (status, v["status"].as_str()) {
            (201, Some("requested")) => {
                l.requests.insert((self.me, to));
            }
            (201, Some("friends")) | (409, _) => {
                l.friends.insert((self.me.min(to), self.me.max(to)));
            }
            _ => return Err(format!("friend request to r{to} answered {status} {v}")),
        }
        l.acknowledged += 1;
        Ok(true)
    }
}

// ---- checking a restarted server --------------------------------------------------------------

/// Posts are checked in full (direct read, likers, comments) when written to since the last check,
/// when new to the checker, in one cycle of every [`ROTATION`], and all of them after the last
/// crash. Every post's counts and contents are checked every time.
const ROTATION: u64 = 8;

struct Checker<'a> {
    http: Client,
    base: String,
    riders: &'a [Rider],
    cycle: usize,
    last: bool,
    /// Rider id -> index.
    rider_of: BTreeMap<u64, usize>,
}

/// What the walls of a restarted server hold.
#[derive(Default)]
struct Held {
    posts: BTreeSet<u64>,
    wall_sizes: Vec<u64>,
    /// For posts checked in full: liker ids, and comment id -> comment.
    likers: BTreeMap<u64, BTreeSet<u64>>,
    comments: BTreeMap<u64, BTreeMap<u64, Value>>,
}

impl Checker<'_> {
    fn ensure(&self, ok: bool, what: impl FnOnce() -> String) {
        assert!(ok, "after restart {}: {}", self.cycle, what());
    }

    fn get(&self, path: &str, viewer: usize) -> (u16, Value) {
        let url = format!("{}{path}", self.base);
        get(&self.http, &url, &self.riders[viewer].token)
            .unwrap_or_else(|e| panic!("GET {path}: {e}"))
    }

    /// Every item of a list, walking its pages.
    fn all(&self, path: &str, viewer: usize) -> Vec<Value> {
        let mut items = Vec::new();
        let mut cursor: Option<String> = None;
        loop {
            let url = match &cursor {
                None => format!("{path}?limit=100"),
                Some(c) => format!("{path}?limit=100&cursor={c}"),
            };
            let (status, v) = self.get(&url, viewer);
            self.ensure(status == 200, || {
                format!("GET {url} as r{viewer}: {status} {v}")
            });
            items.extend(v["items"].as_array().cloned().unwrap_or_default());
            match v["next_cursor"].as_str() {
                Some(c) => cursor = Some(c.to_owned()),
                None => return items,
            }
        }
    }

    /// Checks everything the ledger knows; what the server holds.
    fn check(&self, l: &Ledger) -> Held {
        let mut held = Held::default();
        for me in 0..self.riders.len() {
            self.check_wall(l, me, &mut held);
        }
        self.check_acknowledged(l, &held);
        self.check_friends(l, &held);
        held
    }

    fn in_full(&self, l: &Ledger, id: u64) -> bool {
        self.last
            || l.touched.contains(&id)
            || !l.verified.contains(&id)
            || id % ROTATION == self.cycle as u64 % ROTATION
    }

    /// A wall as its author sees it: newest first, every post as written and whole.
    fn check_wall(&self, l: &Ledger, me: usize, held: &mut Held) {
        let wall = self.all(&format!("/v1/riders/{}/wall", self.riders[me].id), me);
        held.wall_sizes.push(wall.len() as u64);
        // Newest first across restarts: the single writer hands out ids and times in the same
        // order, so a later post has a greater id and a time no earlier.
        let order: Vec<(u64, &str)> = wall
            .iter()
            .map(|p| {
                (
                    p["id"].as_u64().unwrap(),
                    p["created_at"].as_str().unwrap_or_default(),
                )
            })
            .collect();
        if let Some(w) = order
            .windows(2)
            .find(|w| w[0].0 <= w[1].0 || w[0].1 < w[1].1)
        {
            self.ensure(false, || {
                format!(
                    "r{me}'s wall is not newest first: {:?} then {:?}",
                    w[0], w[1]
                )
            });
        }
        for post in wall {
            let id = post["id"].as_u64().unwrap();
            held.posts.insert(id);
            self.check_post(l, me, &post);
            let count = |m: &BTreeMap<u64, usize>| json!(m.get(&id).copied().unwrap_or(0));
            let len =
                |m: &BTreeMap<u64, BTreeSet<usize>>| json!(m.get(&id).map_or(0, BTreeSet::len));
            let (likes, comments) = (&post["like_count"], &post["comment_count"]);
            // Between what was acknowledged and what was tried.
            let within = |v: &Value, lo: Value, hi: Value| {
                v.as_u64() >= lo.as_u64() && v.as_u64() <= hi.as_u64()
            };
            self.ensure(within(likes, len(&l.likes), len(&l.like_attempts)), || {
                format!("post {id}: like_count {likes}")
            });
            self.ensure(
                within(comments, count(&l.comments_acked), count(&l.comments_tried)),
                || format!("post {id}: comment_count {comments}"),
            );
            if self.in_full(l, id) {
                self.check_in_full(l, me, &post, held);
            }
        }
    }

    /// A post on `me`'s wall was sent by `me` exactly so (all its interests, in order).
    fn check_post(&self, l: &Ledger, me: usize, post: &Value) {
        let id = post["id"].as_u64().unwrap();
        let body = post["body"].as_str().unwrap_or_default();
        let Some(attempt) = l.post_attempts.get(body) else {
            return self.ensure(false, || {
                format!("r{me}'s wall holds a post nobody wrote: {post}")
            });
        };
        let expected = json!({
            "author": me,
            "visibility": if attempt.public { "public" } else { "friends" },
            "interests": attempt.interests,
        });
        let actual = json!({"author": attempt.author, "visibility": post["visibility"], "interests": post["interests"]});
        self.ensure(actual == expected, || {
            format!("post {id} ({body}) is {actual}, written as {expected}")
        });
    }

    /// A direct read agrees with the wall, and the likers and comments agree with the counts and
    /// with what was sent.
    fn check_in_full(&self, l: &Ledger, me: usize, post: &Value, held: &mut Held) {
        let id = post["id"].as_u64().unwrap();
        let (status, direct) = self.get(&format!("/v1/posts/{id}"), me);
        self.ensure(status == 200, || {
            format!("post {id} is on r{me}'s wall but GET says {status} {direct}")
        });
        self.ensure(direct == *post, || {
            format!("post {id}: GET says {direct}, the wall {post}")
        });
        let likers: BTreeSet<u64> = self
            .all(&format!("/v1/posts/{id}/likes"), me)
            .iter()
            .map(|r| r["id"].as_u64().unwrap())
            .collect();
        self.ensure(post["like_count"] == json!(likers.len()), || {
            format!("post {id}: like_count vs likers {likers:?}")
        });
        let tried = l.like_attempts.get(&id);
        for liker in &likers {
            let who = self.rider_of[liker];
            self.ensure(tried.is_some_and(|t| t.contains(&who)), || {
                format!("post {id} is liked by r{who}, who never liked it")
            });
        }
        let comments = self.all(&format!("/v1/posts/{id}/comments"), me);
        self.ensure(post["comment_count"] == json!(comments.len()), || {
            format!(
                "post {id}: comment_count vs {} comments listed",
                comments.len()
            )
        });
        for c in &comments {
            let attempt = l
                .comment_attempts
                .get(c["body"].as_str().unwrap_or_default());
            let as_sent = attempt.map(|(author, on)| (*on, Some(self.riders[*author].id)));
            self.ensure(as_sent == Some((id, c["author"]["id"].as_u64())), || {
                format!("post {id} holds a comment nobody wrote: {c}")
            });
        }
        held.likers.insert(id, likers);
        let comments = comments.into_iter().map(|c| (c["id"].as_u64().unwrap(), c));
        held.comments.insert(id, comments.collect());
    }

    /// Every acknowledged write is there.
    fn check_acknowledged(&self, l: &Ledger, held: &Held) {
        for (id, body) in &l.posts {
            self.ensure(held.posts.contains(id), || {
                format!("acknowledged post {id} ({body}) is missing")
            });
        }
        for (post, likers) in &l.likes {
            let Some(listed) = held.likers.get(post) else {
                continue;
            };
            for who in likers {
                let ok = listed.contains(&self.riders[*who].id);
                self.ensure(ok, || {
                    format!("r{who}'s acknowledged like of post {post} is not among its likers")
                });
            }
        }
        for (who, post) in &l.new_likes {
            let (status, v) = self.get(&format!("/v1/posts/{post}"), *who);
            self.ensure(status == 200 && v["liked_by_me"] == json!(true), || {
                format!("r{who}'s acknowledged like of post {post}: {status} {v}")
            });
        }
        for (id, body) in &l.comments {
            let (_, post) = l.comment_attempts[body];
            let Some(listed) = held.comments.get(&post) else {
                continue;
            };
            let ok = listed.get(id).is_some_and(|c| c["body"] == json!(body));
            self.ensure(ok, || {
                format!("acknowledged comment {id} ({body}) is missing from post {post}")
            });
        }
        for (from, to) in &l.requests {
            let (_, v) = self.get(&format!("/v1/riders/{}", self.riders[*to].id), *from);
            let relation = v["relation"].as_str().unwrap_or_default();
            self.ensure(matches!(relation, "request_sent" | "friend"), || {
                format!("r{from}'s acknowledged request to r{to}: relation is {relation}")
            });
        }
    }

    /// Friendships are whole: both sides list each other, counts match lists, and pairs the
    /// server said were friends still are.
    fn check_friends(&self, l: &Ledger, held: &Held) {
        let mut friends_of: BTreeMap<usize, BTreeSet<usize>> = BTreeMap::new();
        for (me, rider) in self.riders.iter().enumerate() {
            let friends: BTreeSet<usize> = self
                .all(&format!("/v1/riders/{}/friends", rider.id), me)
                .iter()
                .map(|f| self.rider_of[&f["id"].as_u64().unwrap()])
                .collect();
            let (_, v) = self.get(&format!("/v1/riders/{}", rider.id), me);
            self.ensure(v["friend_count"] == json!(friends.len()), || {
                format!(
                    "r{me}: friend_count {} vs friends listed {friends:?}",
                    v["friend_count"]
                )
            });
            self.ensure(v["post_count"] == json!(held.wall_sizes[me]), || {
                format!("r{me}: post_count {} vs own wall", v["post_count"])
            });
            friends_of.insert(me, friends);
        }
        for (me, friends) in &friends_of {
            for f in friends {
                self.ensure(friends_of[f].contains(me), || {
                    format!("r{me} lists r{f} as a friend, but not the other way round")
                });
            }
        }
        for (a, b) in &l.friends {
            self.ensure(friends_of[a].contains(b), || {
                format!("r{a} and r{b} were friends")
            });
        }
    }
}

// ---- the test --------------------------------------------------------------------------------

fn env_or<T: std::str::FromStr>(name: &str, default: T) -> T {
    std::env::var(name)
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(default)
}

#[test]
fn acknowledged_writes_survive_sigkill() {
    let seed: u64 = env_or("CRASH_SEED", rand::random());
    let cycles: usize = env_or("CRASH_CYCLES", 24);
    eprintln!("crash test: seed {seed} (CRASH_SEED={seed} replays it), {cycles} cycles");
    let started = Instant::now();
    let mut rng = StdRng::seed_from_u64(seed);
    let dir = tempfile::tempdir().unwrap();
    let http = Client::new();

    let server = start(dir.path());
    let riders: Arc<Vec<Rider>> = Arc::new(
        (0..RIDERS)
            .map(|i| {
                sign_up(
                    &http,
                    &server.base,
                    &format!("crash_{i}"),
                    &format!("Crash {i}"),
                )
            })
            .collect(),
    );
    let ledger = Arc::new(Mutex::new(Ledger::default()));
    let mut server = Some(server);
    for cycle in 0..cycles {
        let running = server.take().unwrap_or_else(|| start(dir.path()));
        let killed = Arc::new(AtomicBool::new(false));
        let writers: Vec<_> = (0..WRITERS)
            .map(|me| {
                let w = Writer {
                    me,
                    riders: Arc::clone(&riders),
                    base: running.base.clone(),
                    ledger: Arc::clone(&ledger),
                    killed: Arc::clone(&killed),
                    rng: StdRng::seed_from_u64(seed ^ ((cycle as u64) << 8 | me as u64)),
                    tag: format!("c{cycle}"),
                };
                std::thread::spawn(move || w.run())
            })
            .collect();
        let delay = rng.gen_range(20..=300);
        std::thread::sleep(Duration::from_millis(delay));
        killed.store(true, Ordering::SeqCst);
        running.kill();
        for w in writers {
            if let Err(e) = w.join().unwrap() {
                panic!("cycle {cycle} (seed {seed}): {e}");
            }
        }
        let restarted = start(dir.path());
        let checker = Checker {
            http: http.clone(),
            base: restarted.base.clone(),
            riders: &riders,
            cycle,
            last: cycle + 1 == cycles,
            rider_of: riders.iter().enumerate().map(|(i, r)| (r.id, i)).collect(),
        };
        let mut l = ledger.lock().unwrap();
        let held = checker.check(&l);
        eprintln!(
            "cycle {cycle}: killed after {delay} ms; {} writes acknowledged so far, {} lost in flight; {} posts held, {} checked in full",
            l.acknowledged, l.lost, held.posts.len(), held.likers.len()
        );
        l.touched.clear();
        l.new_likes.clear();
        l.verified.extend(held.likers.keys());
        drop(l);
        server = Some(restarted);
    }
    if let Some(s) = server {
        s.kill();
    }
    let l = ledger.lock().unwrap();
    assert!(
        l.posts.len() > cycles,
        "too few writes to prove anything: {}",
        l.posts.len()
    );
    eprintln!(
        "crash test: {cycles} kill/restart cycles, {} acknowledged writes ({} posts, {} likes, {} comments), {} requests lost in flight, {:.1} s",
        l.acknowledged,
        l.posts.len(),
        l.likes.values().map(BTreeSet::len).sum::<usize>(),
        l.comments.len(),
        l.lost,
        started.elapsed().as_secs_f64()
    );
}
