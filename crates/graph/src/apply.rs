//! Applying committed changes. Each change is applied exactly as the store committed it; applying
//! one whose effect already holds is a no-op, so replay after a restart is safe.

use pillion_model::{Change, CommentRecord, InterestId, PostRecord, RiderRecord, Visibility};

use crate::sorted;
use crate::state::{pair, Comment, Graph, Interest, Post, Rider};

impl Graph {
    /// Applies one committed change.
    pub fn apply(&mut self, change: &Change) {
        match change {
            Change::CreateRider(r) => self.create_rider(r),
            Change::UpdateRider { id, name, props } => {
                if let Some(r) = self.riders.get_mut(id) {
                    r.name = name.clone();
                    r.props = props.clone();
                }
            }
            Change::CreateFriendRequest {
                from,
                to,
                created_at,
            } => {
                let Some(sender) = self.riders.get_mut(from) else {
                    return;
                };
                if !sorted::insert(&mut sender.requests_out, *to) {
                    return;
                }
                if let Some(recipient) = self.riders.get_mut(to) {
                    sorted::insert(&mut recipient.requests_in, (*created_at, *from));
                    self.stats.pending_requests += 1;
                }
            }
            Change::DeleteFriendRequest { from, to } => {
                let Some(sender) = self.riders.get_mut(from) else {
                    return;
                };
                if !sorted::remove(&mut sender.requests_out, to) {
                    return;
                }
                if let Some(recipient) = self.riders.get_mut(to) {
                    recipient.requests_in.retain(|(_, f)| f != from);
                    self.stats.pending_requests = self.stats.pending_requests.saturating_sub(1);
                }
            }
            Change::CreateFriendship {
                requester,
                accepter,
                since,
            } => {
                if requester == accepter
                    || !self.riders.contains_key(requester)
                    || !self.riders.contains_key(accepter)
                {
                    return;
                }
                let key = pair(*requester, *accepter);
                // Re-applying keeps the first metadata: who asked and since when.
                if let std::collections::hash_map::Entry::Vacant(e) = self.friendships.entry(key) {
                    e.insert((*requester, *since));
                    for (a, b) in [(requester, accepter), (accepter, requester)] {
                        if let Some(r) = self.riders.get_mut(a) {
                            sorted::insert(&mut r.friends, *b);
                            sorted::insert(&mut r.friends_by_time, (*since, *b));
                        }
                    }
                    self.timeline_befriended(*requester, *accepter);
                    self.timeline_befriended(*accepter, *requester);
                }
            }
            Change::DeleteFriendship { a, b } => {
                if let Some((_, since)) = self.friendships.remove(&pair(*a, *b)) {
                    for (x, y) in [(a, b), (b, a)] {
                        if let Some(r) = self.riders.get_mut(x) {
                            sorted::remove(&mut r.friends, y);
                            sorted::remove(&mut r.friends_by_time, &(since, *y));
                        }
                    }
                    self.timeline_unfriended(*a, *b);
                    self.timeline_unfriended(*b, *a);
                }
            }
            Change::CreateInterest { id, name } => {
                self.interests.entry(*id).or_insert_with(|| Interest {
                    id: *id,
                    name: name.clone(),
                    follower_count: 0,
                    posts: Vec::new(),
                    public_posts: Vec::new(),
                });
                let first = *self.interest_keys.entry(name.key()).or_insert(*id);
                if first != *id {
                    // Imported names that differ only in case: one interest to the API.
                    self.interest_alias.insert(*id, first);
                }
            }
            Change::Follow {
                rider, interest, ..
            } => {
                let interest = &self.canonical_interest(*interest);
                let (Some(r), Some(i)) =
                    (self.riders.get_mut(rider), self.interests.get_mut(interest))
                else {
                    return;
                };
                if sorted::insert(&mut r.follows, *interest) {
                    i.follower_count += 1;
                    self.stats.follows += 1;
                }
            }
            Change::Unfollow { rider, interest } => {
                let interest = &self.canonical_interest(*interest);
                let Some(r) = self.riders.get_mut(rider) else {
                    return;
                };
                if sorted::remove(&mut r.follows, interest) {
                    if let Some(i) = self.interests.get_mut(interest) {
                        i.follower_count = i.follower_count.saturating_sub(1);
                    }
                    self.stats.follows = self.stats.follows.saturating_sub(1);
                }
            }
            Change::CreatePost(p) => self.create_post(p),
            Change::DeletePost { id } => self.delete_post(*id),
            Change::Like { rider, post, .. } => {
                if let Some(p) = self.posts.get_mut(post) {
                    if sorted::insert(&mut p.likers, *rider) {
                        self.stats.likes += 1;
                    }
                }
            }
            Change::Unlike { rider, post } => {
                if let Some(p) = self.posts.get_mut(post) {
                    if sorted::remove(&mut p.likers, rider) {
                        self.stats.likes = self.stats.likes.saturating_sub(1);
                    }
                }
            }
            Change::CreateComment(c) => self.create_comment(c),
            Change::RevokeToken { token_id, .. } => {
                self.revoked.insert(*token_id);
            }
            // Graph-only data (an import's other LDBC entities and columns): durable in the
            // store for graph queries; no feed, wall or profile reads it, so the engine keeps
            // none of it in memory.
            Change::CreateNode(_) | Change::CreateRel(_) | Change::SetNodeProps { .. } => {}
        }
    }

    fn create_rider(&mut self, r: &RiderRecord) {
        if self.riders.contains_key(&r.id) {
            return;
        }
        self.handles.insert(r.handle.as_str().to_owned(), r.id);
        self.riders.insert(
            r.id,
            Rider {
                id: r.id,
                handle: r.handle.clone(),
                name: r.name.clone(),
                password_hash: r.password_hash.clone(),
                props: r.props.clone(),
                created_at: r.created_at,
                friends: Vec::new(),
                friends_by_time: Vec::new(),
                requests_out: Vec::new(),
                requests_in: Vec::new(),
                follows: Vec::new(),
                posts: Vec::new(),
                public_posts: Vec::new(),
                heavy_friends: Vec::new(),
                friend_timeline: None,
            },
        );
        self.weigh_new_rider(r.id);
    }

    fn create_post(&mut self, p: &PostRecord) {
        if self.posts.contains_key(&p.id) {
            return;
        }
        let Some(author) = self.riders.get_mut(&p.author) else {
            return;
        };
        let key = (p.created_at, p.id);
        let public = p.visibility == Visibility::Public;
        sorted::push(&mut author.posts, key);
        if public {
            sorted::push(&mut author.public_posts, key);
        }
        self.timelines_add_post(p.author, key);
        let tags = self.canonical_tags(&p.interests);
        for i in &tags {
            if let Some(interest) = self.interests.get_mut(i) {
                sorted::push(&mut interest.posts, key);
                if public {
                    sorted::push(&mut interest.public_posts, key);
                }
            }
        }
        self.posts.insert(
            p.id,
            Post {
                id: p.id,
                author: p.author,
                body: p.body.clone(),
                visibility: p.visibility,
                photos: p.photos.clone().into_boxed_slice(),
                place: p.place.clone().map(Box::new),
                interests: p.interests.clone(),
                created_at: p.created_at,
                body_is_plain: !p
                    .body
                    .as_str()
                    .bytes()
                    .any(|c| c < 0x20 || c == b'"' || c == b'\\'),
                likers: Vec::new(),
                comments: Vec::new(),
            },
        );
    }

    fn delete_post(&mut self, id: pillion_model::PostId) {
        let Some(p) = self.posts.remove(&id) else {
            return;
        };
        let key = p.key();
        if let Some(author) = self.riders.get_mut(&p.author) {
            sorted::remove(&mut author.posts, &key);
            sorted::remove(&mut author.public_posts, &key);
        }
        self.timelines_remove_post(p.author, key);
        let tags = self.canonical_tags(&p.interests);
        for i in &tags {
            if let Some(interest) = self.interests.get_mut(i) {
                sorted::remove(&mut interest.posts, &key);
                sorted::remove(&mut interest.public_posts, &key);
            }
        }
        for (_, c) in &p.comments {
            self.comments.remove(c);
        }
        self.stats.likes = self.stats.likes.saturating_sub(p.likers.len());
    }

    fn create_comment(&mut self, c: &CommentRecord) {
        if self.comments.contains_key(&c.id) {
            return;
        }
        let Some(post) = self.posts.get_mut(&c.post) else {
            return;
        };
        sorted::push(&mut post.comments, (c.created_at, c.id));
        self.comments.insert(
            c.id,
            Comment {
                id: c.id,
                post: c.post,
                author: c.author,
                body: c.body.clone(),
                created_at: c.created_at,
            },
        );
    }
}

impl Graph {
    /// The interests a post's tags answer to (an import's case variants fold into one).
    fn canonical_tags(&self, interests: &[InterestId]) -> Vec<InterestId> {
        interests
            .iter()
            .map(|i| self.canonical_interest(*i))
            .collect()
    }
}
