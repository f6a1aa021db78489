//! Reads: relations, visibility, feeds, walls, lists, suggestions and per-viewer enrichment.
//! Every list is keyset-paginated: a page starts strictly after the cursor's key, so walking all
//! pages returns each item once even while new items arrive, and page N costs what page 1 costs.

use std::cmp::Reverse;
use std::collections::BinaryHeap;

use pillion_model::{CommentId, PostId, RiderId, Timestamp, Visibility};

use crate::sorted;
use crate::state::{FeedKey, Graph, Post, Rider};

/// How the viewer stands to another rider.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Relation {
    SelfRider,
    Friend,
    RequestSent,
    RequestReceived,
    None,
}

impl Relation {
    pub fn as_str(self) -> &'static str {
        match self {
            Relation::SelfRider => "self",
            Relation::Friend => "friend",
            Relation::RequestSent => "request_sent",
            Relation::RequestReceived => "request_received",
            Relation::None => "none",
        }
    }
}

/// One page of a list; `next` is the key to continue after, if anything may follow.
#[derive(Debug, Clone, PartialEq)]
pub struct Page<T, K> {
    pub items: Vec<T>,
    pub next: Option<K>,
}

impl<T, K> Page<T, K> {
    /// Cuts `items` (fetched up to `limit + 1`) to `limit` and sets `next` when there was more.
    fn cut(mut items: Vec<T>, limit: usize, key: impl Fn(&T) -> K) -> Self {
        let next = if items.len() > limit {
            items.truncate(limit);
            items.last().map(key)
        } else {
            None
        };
        Page { items, next }
    }
}

/// A post as one viewer sees it.
#[derive(Debug, Clone)]
pub struct PostView<'g> {
    pub post: &'g Post,
    pub like_count: usize,
    pub comment_count: usize,
    pub liked_by_me: bool,
    /// Friends of the viewer who liked it (never the viewer), up to 3, smallest ids first.
    pub friends_who_liked: Vec<&'g Rider>,
}

pub const FRIENDS_WHO_LIKED: usize = 3;

impl Graph {
    pub fn relation(&self, viewer: RiderId, other: RiderId) -> Relation {
        if viewer == other {
            return Relation::SelfRider;
        }
        let Some(v) = self.riders.get(&viewer) else {
            return Relation::None;
        };
        if v.is_friend(other) {
            Relation::Friend
        } else if v.has_requested(other) {
            Relation::RequestSent
        } else if self
            .riders
            .get(&other)
            .is_some_and(|o| o.has_requested(viewer))
        {
            Relation::RequestReceived
        } else {
            Relation::None
        }
    }

    /// Who may see a post: its author, the author's friends, and everyone if it is public.
    pub fn can_see(&self, viewer: RiderId, post: &Post) -> bool {
        post.visibility == Visibility::Public
            || post.author == viewer
            || self.are_friends(viewer, post.author)
    }

    /// The post if it exists and the viewer may see it.
    pub fn visible_post(&self, viewer: RiderId, id: PostId) -> Option<&Post> {
        self.posts.get(&id).filter(|p| self.can_see(viewer, p))
    }

    /// How many of `rider`'s posts the viewer may see.
    pub fn visible_post_count(&self, viewer: RiderId, rider: &Rider) -> usize {
        if self.sees_all_of(viewer, rider.id) {
            rider.posts.len()
        } else {
            rider.public_posts.len()
        }
    }

    fn sees_all_of(&self, viewer: RiderId, author: RiderId) -> bool {
        viewer == author || self.are_friends(viewer, author)
    }

    /// Enriches a post for the viewer. The caller checked that the viewer may see it.
    pub fn view<'g>(&'g self, viewer: RiderId, post: &'g Post) -> PostView<'g> {
        PostView {
            post,
            like_count: post.likers.len(),
            comment_count: post.comments.len(),
            liked_by_me: sorted::contains(&post.likers, &viewer),
            friends_who_liked: self
                .friends_who_liked(viewer, post)
                .into_iter()
                .filter_map(|id| self.riders.get(&id))
                .collect(),
        }
    }

    /// The smallest ids among the viewer's friends who like the post, up to 3. Walks whichever of
    /// the two sorted lists is shorter and probes the other.
    fn friends_who_liked(&self, viewer: RiderId, post: &Post) -> Vec<RiderId> {
        let Some(v) = self.riders.get(&viewer) else {
            return Vec::new();
        };
        let (walk, probe) = if post.likers.len() <= v.friends.len() {
            (&post.likers, &v.friends)
        } else {
            (&v.friends, &post.likers)
        };
        walk.iter()
            .filter(|id| **id != viewer && sorted::contains(probe, *id))
            .take(FRIENDS_WHO_LIKED)
            .copied()
            .collect()
    }

    /// The news feed: the viewer's own posts, their friends' posts, and public posts with an
    /// interest the viewer follows; newest first, each post once, strictly older than `before`.
    /// A heavy viewer's friends' posts come from its materialised timeline, a light viewer's
    /// from each friend's list; the answer is the same either way.
    pub fn feed(
        &self,
        viewer: RiderId,
        before: Option<FeedKey>,
        limit: usize,
    ) -> Page<PostId, FeedKey> {
        let Some(v) = self.riders.get(&viewer) else {
            return Page {
                items: Vec::new(),
                next: None,
            };
        };
        let friend_sources = if v.is_heavy() { 1 } else { v.friends.len() };
        let mut sources: Vec<&[FeedKey]> = Vec::with_capacity(1 + friend_sources + v.follows.len());
        sources.push(&v.posts);
        match &v.friend_timeline {
            // Heavy: the friends' posts are kept merged (see `timeline.rs`).
            Some(timeline) => sources.push(timeline),
            None => {
                for f in &v.friends {
                    if let Some(friend) = self.riders.get(f) {
                        sources.push(&friend.posts);
                    }
                }
            }
        }
        for i in &v.follows {
            if let Some(interest) = self.interests.get(i) {
                sources.push(&interest.public_posts);
            }
        }
        let keys = merge_newest(&sources, before.as_ref(), limit + 1);
        Page::cut(keys, limit, |k| *k).map(|(_, id)| id)
    }

    /// A rider's wall: their posts the viewer may see, newest first.
    pub fn wall(
        &self,
        viewer: RiderId,
        rider: &Rider,
        before: Option<FeedKey>,
        limit: usize,
    ) -> Page<PostId, FeedKey> {
        let list = if self.sees_all_of(viewer, rider.id) {
            &rider.posts
        } else {
            &rider.public_posts
        };
        newest_below(list, before.as_ref(), limit, |_| true).map(|(_, id)| id)
    }

    /// Posts with an interest (matched case-insensitively) that the viewer may see, newest first.
    pub fn interest_posts(
        &self,
        viewer: RiderId,
        name: &str,
        before: Option<FeedKey>,
        limit: usize,
    ) -> Page<PostId, FeedKey> {
        let Some(interest) = self.interest_by_name(name) else {
            return Page {
                items: Vec::new(),
                next: None,
            };
        };
        newest_below(&interest.posts, before.as_ref(), limit, |(_, id)| {
            self.posts.get(id).is_some_and(|p| self.can_see(viewer, p))
        })
        .map(|(_, id)| id)
    }

    /// A rider's friends, newest friendship first, strictly before `before`.
    pub fn friends_of(
        &self,
        rider: &Rider,
        before: Option<(Timestamp, RiderId)>,
        limit: usize,
    ) -> Page<RiderId, (Timestamp, RiderId)> {
        newest_below(&rider.friends_by_time, before.as_ref(), limit, |_| true).map(|(_, id)| id)
    }

    /// Pending requests the rider received, newest first, strictly before `before`.
    pub fn incoming_requests(
        &self,
        rider: &Rider,
        before: Option<(Timestamp, RiderId)>,
        limit: usize,
    ) -> Page<(Timestamp, RiderId), (Timestamp, RiderId)> {
        newest_below(&rider.requests_in, before.as_ref(), limit, |_| true)
    }

    /// Comments on a post, oldest first, strictly after `after`.
    pub fn comments_of(
        &self,
        post: &Post,
        after: Option<(Timestamp, CommentId)>,
        limit: usize,
    ) -> Page<CommentId, (Timestamp, CommentId)> {
        let keys: Vec<(Timestamp, CommentId)> = sorted::above(&post.comments, after.as_ref())
            .iter()
            .take(limit + 1)
            .copied()
            .collect();
        Page::cut(keys, limit, |k| *k).map(|(_, id)| id)
    }

    /// How many friend-list entries [`Graph::suggestions`] reads for `viewer`: the sum of its
    /// friends' friend counts. It is tiny for most riders and hundreds of thousands for a hub
    /// befriended by hubs, so callers can move the large ones off a latency-critical thread.
    pub fn suggestion_work(&self, viewer: RiderId) -> usize {
        self.riders.get(&viewer).map_or(0, |v| {
            v.friends
                .iter()
                .filter_map(|f| self.riders.get(f))
                .map(|f| f.friends.len())
                .sum()
        })
    }

    /// Friends of friends who are not the viewer, not friends, and not in a pending request either
    /// way; most mutual friends first, ties by smaller id. The order key is
    /// `(Reverse(mutual), id)`; a page starts strictly after `after` in that order.
    pub fn suggestions(
        &self,
        viewer: RiderId,
        after: Option<(u32, RiderId)>,
        limit: usize,
    ) -> Page<(RiderId, u32), (u32, RiderId)> {
        let Some(v) = self.riders.get(&viewer) else {
            return Page {
                items: Vec::new(),
                next: None,
            };
        };
        // Counting by sorting the friends' friend lists (see `sorted::merge_counts`); only a
        // candidate that would enter the page is checked further.
        let lists: Vec<&[RiderId]> = v
            .friends
            .iter()
            .filter_map(|f| self.riders.get(f))
            .map(|f| f.friends.as_slice())
            .collect();
        let after_key = after.map(|(m, id)| (Reverse(m), id));
        let keep = limit + 1;
        let mut ranked: Vec<(Reverse<u32>, RiderId)> = Vec::with_capacity(keep + 1);
        sorted::merge_counts(&lists, |c, m| {
            let key = (Reverse(m), c);
            if after_key.is_some_and(|a| key <= a)
                || (ranked.len() == keep && key >= ranked[keep - 1])
                || c == viewer
                || v.is_friend(c)
                || v.has_requested(c)
                || v.requests_in.iter().any(|(_, from)| *from == c)
            {
                return;
            }
            let at = ranked.partition_point(|k| *k < key);
            ranked.insert(at, key);
            ranked.truncate(keep);
        });
        let items: Vec<(RiderId, u32)> = ranked.into_iter().map(|(Reverse(m), c)| (c, m)).collect();
        Page::cut(items, limit, |(c, m)| (*m, *c))
    }
}

impl<T, K> Page<T, K> {
    pub fn map<U>(self, f: impl FnMut(T) -> U) -> Page<U, K> {
        Page {
            items: self.items.into_iter().map(f).collect(),
            next: self.next,
        }
    }
}

/// The newest `limit` entries of ascending `list` strictly below `before` that pass `keep`,
/// newest first, with the key to continue from if more may follow.
fn newest_below<K: Ord + Copy>(
    list: &[K],
    before: Option<&K>,
    limit: usize,
    keep: impl Fn(&K) -> bool,
) -> Page<K, K> {
    let items: Vec<K> = sorted::below(list, before)
        .iter()
        .rev()
        .filter(|k| keep(k))
        .take(limit + 1)
        .copied()
        .collect();
    Page::cut(items, limit, |k| *k)
}

/// The newest `n` distinct keys strictly below `before` across ascending `sources`, newest first.
/// A heap holds one head per non-empty source; each pop advances that source.
fn merge_newest(sources: &[&[FeedKey]], before: Option<&FeedKey>, n: usize) -> Vec<FeedKey> {
    // Heapify all heads at once: O(n), against O(n log n) for a push per source.
    let heads: Vec<(FeedKey, usize, usize)> = sources
        .iter()
        .enumerate()
        .filter_map(|(s, list)| {
            let visible = sorted::below(list, before);
            visible.last().map(|k| (*k, s, visible.len() - 1))
        })
        .collect();
    let mut heap = BinaryHeap::from(heads);
    let mut out: Vec<FeedKey> = Vec::with_capacity(n);
    while out.len() < n {
        let Some((key, s, pos)) = heap.pop() else {
            break;
        };
        // A post reaches the feed by several ways (a friend's public post with a followed
        // interest): equal keys pop one after another, so comparing with the last one dedupes.
        if out.last() != Some(&key) {
            out.push(key);
        }
        if let Some(prev) = pos.checked_sub(1) {
            heap.push((sources[s][prev], s, prev));
        }
    }
    out
}
