//! The obviously-correct model: plain collections and brute force, written from the contract in
//! `API.md`, not from the engine. Ids and creation times are the ones the server handed out, so the
//! model never has to predict them; everything else it derives on its own.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::{json, Value};

/// Ids no rider or post has (the server hands out small ids in order).
pub const NO_SUCH_RIDER: u64 = 4_000_000_000;
pub const NO_SUCH_POST: u64 = 3_000_000_000;

pub struct Rider {
    pub id: u64,
    pub token: String,
    pub created_at: String,
}

pub struct Comment {
    pub id: u64,
    pub author: usize,
    pub body: String,
    pub created_at: String,
}

pub struct Post {
    pub id: u64,
    pub author: usize,
    pub body: String,
    pub public: bool,
    /// Canonical names (as the interest was first written), duplicates removed, in order.
    pub interests: Vec<String>,
    pub created_at: String,
    pub deleted: bool,
    pub likers: BTreeSet<usize>,
    pub comments: Vec<Comment>,
}

impl Post {
    /// The order of every post list: newest (greatest) first.
    fn key(&self) -> (&str, u64) {
        (&self.created_at, self.id)
    }
}

#[derive(Default)]
pub struct Model {
    /// By rider index; `None` until the rider signs up.
    pub riders: Vec<Option<Rider>>,
    /// Friendships as (smaller index, larger index).
    friends: BTreeSet<(usize, usize)>,
    /// Pending requests as (from, to).
    requests: BTreeSet<(usize, usize)>,
    /// Case-folded name -> the name it was first written with.
    interests: BTreeMap<String, String>,
    /// (rider, case-folded interest name) -> the name as the rider wrote it.
    follows: BTreeMap<(usize, String), String>,
    /// Every post ever created, deleted ones included, in creation order.
    pub posts: Vec<Post>,
}

pub fn handle(r: usize) -> String {
    format!("rider_{r}")
}

pub fn name(r: usize) -> String {
    format!("Rider Nº{r}")
}

/// "Compared case-insensitively", as Unicode defines it: full case folding. For the names these
/// tests use that is lowercasing, plus `ß` -> `ss` and final `ς` -> `σ`.
pub fn fold(name: &str) -> String {
    name.to_lowercase().replace('ß', "ss").replace('ς', "σ")
}

fn pair(a: usize, b: usize) -> (usize, usize) {
    (a.min(b), a.max(b))
}

impl Model {
    pub fn new(riders: usize) -> Model {
        Model {
            riders: (0..riders).map(|_| None).collect(),
            ..Model::default()
        }
    }

    pub fn rider(&self, r: usize) -> Option<&Rider> {
        self.riders[r].as_ref()
    }

    pub fn signed_up(&self) -> impl Iterator<Item = usize> + '_ {
        (0..self.riders.len()).filter(|r| self.riders[*r].is_some())
    }

    /// The rider's id, or an id nobody has if they have not signed up.
    pub fn id(&self, r: usize) -> u64 {
        self.rider(r).map_or(NO_SUCH_RIDER + r as u64, |x| x.id)
    }

    pub fn token(&self, r: usize) -> Option<&str> {
        self.rider(r).map(|x| x.token.as_str())
    }

    pub fn are_friends(&self, a: usize, b: usize) -> bool {
        self.friends.contains(&pair(a, b))
    }

    /// Pending requests as (from, to).
    pub fn pending(&self) -> Vec<(usize, usize)> {
        self.requests.iter().copied().collect()
    }

    pub fn requested(&self, from: usize, to: usize) -> bool {
        self.requests.contains(&(from, to))
    }

    pub fn can_see(&self, viewer: usize, p: &Post) -> bool {
        !p.deleted && (p.public || p.author == viewer || self.are_friends(viewer, p.author))
    }

    // ---- changes -------------------------------------------------------------------------

    pub fn sign_up(&mut self, r: usize, id: u64, token: String, created_at: String) {
        self.riders[r] = Some(Rider {
            id,
            token,
            created_at,
        });
    }

    fn befriend(&mut self, a: usize, b: usize) {
        self.requests.remove(&(a, b));
        self.requests.remove(&(b, a));
        self.friends.insert(pair(a, b));
    }

    /// The interest's canonical name, creating the interest if it is new.
    fn interest(&mut self, name: &str) -> String {
        self.interests
            .entry(fold(name))
            .or_insert_with(|| name.to_owned())
            .clone()
    }

    pub fn follow(&mut self, r: usize, name: &str) {
        self.interest(name);
        self.follows.insert((r, fold(name)), name.to_owned());
    }

    pub fn unfollow(&mut self, r: usize, name: &str) {
        self.follows.remove(&(r, fold(name)));
    }

    /// The canonical names a new post with these interests gets (creating new interests).
    pub fn tag(&mut self, names: &[&str]) -> Vec<String> {
        let mut out: Vec<String> = Vec::new();
        for n in names {
            let canonical = self.interest(n);
            if !out.iter().any(|c| fold(c) == fold(n)) {
                out.push(canonical);
            }
        }
        out
    }

    /// The interests `r` follows, as they wrote them.
    pub fn followed_as(&self, r: usize) -> Vec<&str> {
        self.follows
            .iter()
            .filter(|((f, _), _)| *f == r)
            .map(|(_, name)| name.as_str())
            .collect()
    }

    // ---- ops as the contract answers them: the status, and the model changed to match ---------

    /// A friend request: 201 with `requested`, or `friends` when the other had asked already.
    pub fn request_friendship(&mut self, from: usize, to: usize) -> (u16, Option<&'static str>) {
        if from == to {
            (400, None)
        } else if self.rider(to).is_none() {
            (404, None)
        } else if self.are_friends(from, to) {
            (409, None)
        } else if self.requested(to, from) {
            self.befriend(from, to);
            (201, Some("friends"))
        } else {
            self.requests.insert((from, to));
            (201, Some("requested"))
        }
    }

    pub fn accept(&mut self, who: usize, from: usize) -> u16 {
        if !self.requested(from, who) {
            return 404;
        }
        self.befriend(from, who);
        200
    }

    pub fn decline(&mut self, who: usize, from: usize) -> u16 {
        if !self.requests.remove(&(from, who)) {
            return 404;
        }
        204
    }

    pub fn unfriend(&mut self, who: usize, other: usize) -> u16 {
        if !self.friends.remove(&pair(who, other)) {
            return 404;
        }
        204
    }

    /// The post at index `p` if `who` may see it.
    pub fn seen_by(&self, who: usize, p: Option<usize>) -> Option<usize> {
        p.filter(|p| self.can_see(who, &self.posts[*p]))
    }

    /// Like or unlike: both idempotent, 404 for a post `who` may not see.
    pub fn set_like(&mut self, who: usize, p: Option<usize>, like: bool) -> u16 {
        let Some(p) = self.seen_by(who, p) else {
            return 404;
        };
        let likers = &mut self.posts[p].likers;
        if like {
            likers.insert(who);
        } else {
            likers.remove(&who);
        }
        204
    }

    /// Only the author deletes: 403 for others who can see the post, 404 for those who cannot.
    pub fn delete(&mut self, who: usize, p: Option<usize>) -> u16 {
        match self.seen_by(who, p) {
            Some(p) if self.posts[p].author == who => {
                self.posts[p].deleted = true;
                204
            }
            Some(_) => 403,
            None => 404,
        }
    }

    /// A new post, with the id and time the server gave it; its index.
    pub fn add_post(
        &mut self,
        who: usize,
        body: String,
        public: bool,
        names: &[&str],
        id: u64,
        created_at: &str,
    ) -> usize {
        let interests = self.tag(names);
        self.posts.push(Post {
            id,
            author: who,
            body,
            public,
            interests,
            created_at: created_at.to_owned(),
            deleted: false,
            likers: BTreeSet::new(),
            comments: Vec::new(),
        });
        self.posts.len() - 1
    }

    pub fn add_comment(&mut self, p: usize, who: usize, body: String, id: u64, created_at: &str) {
        self.posts[p].comments.push(Comment {
            id,
            author: who,
            body,
            created_at: created_at.to_owned(),
        });
    }

    // ---- reads, brute force ------------------------------------------------------------------

    fn newest_first(&self, keep: impl Fn(&Post) -> bool) -> Vec<&Post> {
        let mut posts: Vec<&Post> = self.posts.iter().filter(|p| keep(p)).collect();
        posts.sort_by(|a, b| b.key().cmp(&a.key()));
        posts
    }

    /// Friends' and own posts, plus public posts with an interest the viewer follows.
    pub fn feed(&self, v: usize) -> Vec<&Post> {
        self.newest_first(|p| {
            self.can_see(v, p)
                && (p.author == v
                    || self.are_friends(v, p.author)
                    || (p.public
                        && p.interests
                            .iter()
                            .any(|i| self.follows.contains_key(&(v, fold(i))))))
        })
    }

    pub fn wall(&self, v: usize, r: usize) -> Vec<&Post> {
        self.newest_first(|p| p.author == r && self.can_see(v, p))
    }

    pub fn interest_posts(&self, v: usize, name: &str) -> Vec<&Post> {
        self.newest_first(|p| {
            self.can_see(v, p) && p.interests.iter().any(|i| fold(i) == fold(name))
        })
    }

    /// Friends of friends, not the viewer, not friends, no pending request either way; most mutual
    /// friends first, then smaller id.
    pub fn suggestions(&self, v: usize) -> Vec<(usize, usize)> {
        let mut out: Vec<(usize, usize)> = self
            .signed_up()
            .filter(|c| {
                *c != v
                    && !self.are_friends(v, *c)
                    && !self.requested(v, *c)
                    && !self.requested(*c, v)
            })
            .map(|c| {
                let mutual = self
                    .signed_up()
                    .filter(|f| self.are_friends(v, *f) && self.are_friends(*f, c))
                    .count();
                (c, mutual)
            })
            .filter(|(_, mutual)| *mutual > 0)
            .collect();
        out.sort_by_key(|(c, mutual)| (std::cmp::Reverse(*mutual), self.id(*c)));
        out
    }

    /// A rider's friends by ascending id.
    pub fn friends_of(&self, r: usize) -> Vec<usize> {
        let mut out: Vec<usize> = self
            .signed_up()
            .filter(|f| self.are_friends(r, *f))
            .collect();
        out.sort_by_key(|f| self.id(*f));
        out
    }

    /// Ids of the riders who asked `v` and wait for an answer.
    pub fn incoming(&self, v: usize) -> BTreeSet<u64> {
        self.requests
            .iter()
            .filter(|(_, to)| *to == v)
            .map(|(from, _)| self.id(*from))
            .collect()
    }

    pub fn relation(&self, v: usize, r: usize) -> &'static str {
        if v == r {
            "self"
        } else if self.are_friends(v, r) {
            "friend"
        } else if self.requested(v, r) {
            "request_sent"
        } else if self.requested(r, v) {
            "request_received"
        } else {
            "none"
        }
    }

    // ---- JSON as the contract spells it ----------------------------------------------------

    pub fn summary(&self, r: usize) -> Value {
        json!({"id": self.id(r), "handle": handle(r), "name": name(r)})
    }

    pub fn rider_json(&self, v: usize, r: usize) -> Value {
        let x = self.rider(r).map(|x| x.created_at.clone());
        json!({
            "id": self.id(r),
            "handle": handle(r),
            "name": name(r),
            "props": {},
            "created_at": x,
            "friend_count": self.friends_of(r).len(),
            "post_count": self.wall(v, r).len(),
            "relation": self.relation(v, r),
        })
    }

    pub fn post_json(&self, v: usize, p: &Post) -> Value {
        let mut friends_who_liked: Vec<usize> = p
            .likers
            .iter()
            .copied()
            .filter(|l| *l != v && self.are_friends(v, *l))
            .collect();
        friends_who_liked.sort_by_key(|l| self.id(*l));
        friends_who_liked.truncate(3);
        json!({
            "id": p.id,
            "author": self.summary(p.author),
            "body": p.body,
            "visibility": if p.public { "public" } else { "friends" },
            "photos": [],
            "place": null,
            "interests": p.interests,
            "created_at": p.created_at,
            "like_count": p.likers.len(),
            "comment_count": p.comments.len(),
            "liked_by_me": p.likers.contains(&v),
            "friends_who_liked": friends_who_liked.iter().map(|f| self.summary(*f)).collect::<Vec<_>>(),
        })
    }

    pub fn posts_json(&self, v: usize, posts: &[&Post]) -> Value {
        Value::Array(posts.iter().map(|p| self.post_json(v, p)).collect())
    }

    /// Comments oldest first.
    pub fn comments_json(&self, p: &Post) -> Value {
        let mut comments: Vec<&Comment> = p.comments.iter().collect();
        comments.sort_by(|a, b| (&a.created_at, a.id).cmp(&(&b.created_at, b.id)));
        Value::Array(
            comments
                .iter()
                .map(|c| {
                    json!({
                        "id": c.id,
                        "author": self.summary(c.author),
                        "body": c.body,
                        "created_at": c.created_at,
                    })
                })
                .collect(),
        )
    }
}
