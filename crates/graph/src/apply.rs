//! Applying committed changes. Each change is applied exactly as the store committed it; applying
//! one whose effect already holds is a no-op, so replay after a restart is safe. Deleting a post
//! or comment takes its graph-only data with it, as the store does.

use pillion_model::{
    Change, CommentId, CommentRecord, InterestId, PostId, PostRecord, RiderId, RiderRecord,
    Visibility,
};

use crate::extras::Owner;
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
                    if let Some(r) = self.riders.get_mut(requester) {
                        sorted::insert(&mut r.friends_asked, *accepter);
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
                            sorted::remove(&mut r.friends_asked, y);
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
                    extra: None,
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
            Change::DeleteComment { id } => self.delete_comment(*id),
            Change::RevokeToken { token_id, .. } => {
                self.revoked.insert(*token_id);
            }
            Change::CreateNode(n) => {
                if !self.is_social_node(n.id.0) {
                    self.extras.create_node(n);
                }
            }
            Change::UpdateNode(n) => {
                if self.extras.node(n.id.0).is_some() {
                    self.extras.update_node(n);
                }
            }
            Change::DeleteNode { id } => self.extras.delete_node(id.0),
            Change::SetNodeProps { id, props } => self.set_node_props(id.0, props),
            // Numbered by the store as it writes an import; a load replays it with its id.
            Change::CreateRel(_) => {}
            Change::CreateRelWithId { id, rel } => {
                let exists = |n: u64| self.is_social_node(n) || self.extras.node(n).is_some();
                if exists(rel.from.0) && exists(rel.to.0) {
                    self.extras.create_rel(*id, rel);
                } else {
                    self.reserve_rel_ids(id.saturating_add(1));
                }
            }
            Change::SetRelProps { id, props } => self.extras.set_rel_props(*id, props),
            Change::DeleteRel { id } => self.extras.delete_rel(*id),
        }
    }

    /// A rider, post, comment or interest (what graph-only data may hang off besides its own
    /// nodes).
    fn is_social_node(&self, id: u64) -> bool {
        self.riders.contains_key(&RiderId(id))
            || self.posts.contains_key(&PostId(id))
            || self.comments.contains_key(&CommentId(id))
            || self.interests.contains_key(&InterestId(id))
    }

    /// Extra properties of a post, comment or interest. Values equal to the owner's own body,
    /// creation time or visibility are kept as a reference to it (see `extras::blob`).
    fn set_node_props(&mut self, id: u64, props: &pillion_model::Props) {
        // Field by field, so that the owner's fields are borrowed while `extras` encodes.
        let (owner, old) = if let Some(p) = self.posts.get(&PostId(id)) {
            let owner = Owner {
                body: Some(p.body.as_str()),
                created_ms: Some(p.created_at.millis()),
                visibility: Some(p.visibility.as_str()),
            };
            (owner, p.extra)
        } else if let Some(c) = self.comments.get(&CommentId(id)) {
            let owner = Owner {
                body: Some(c.body.as_str()),
                created_ms: Some(c.created_at.millis()),
                visibility: None,
            };
            (owner, c.extra)
        } else if let Some(i) = self.interests.get(&InterestId(id)) {
            (Owner::default(), i.extra)
        } else {
            return;
        };
        let new = self.extras.store_props(id, old, props, owner);
        if let Some(p) = self.posts.get_mut(&PostId(id)) {
            p.extra = new;
        } else if let Some(c) = self.comments.get_mut(&CommentId(id)) {
            c.extra = new;
        } else if let Some(i) = self.interests.get_mut(&InterestId(id)) {
            i.extra = new;
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
                friends_asked: Vec::new(),
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
                extra: None,
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
            if let Some(comment) = self.comments.remove(c) {
                self.extras.drop_node_data(c.0, comment.extra);
            }
        }
        self.extras.drop_node_data(id.0, p.extra);
        self.stats.likes = self.stats.likes.saturating_sub(p.likers.len());
    }

    fn delete_comment(&mut self, id: CommentId) {
        let Some(c) = self.comments.remove(&id) else {
            return;
        };
        if let Some(post) = self.posts.get_mut(&c.post) {
            sorted::remove(&mut post.comments, &(c.created_at, c.id));
        }
        self.extras.drop_node_data(id.0, c.extra);
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
                extra: None,
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
