//! The hybrid feed's write side: materialised friend timelines for heavy riders.
//!
//! A rider with many friends ("heavy": at least [`Graph::heavy_threshold`] friends) would pay
//! one hash lookup and one binary search per friend on every feed read, so it keeps
//! `friend_timeline`: exactly the union of its friends' `posts`, ascending. Every rider keeps
//! `heavy_friends`, its friends that are heavy, so a post costs one push per heavy friend of its
//! author, never one per friend. Everyone else stays fan-out on read.
//!
//! A heavy rider becomes light only below half the threshold, so a rider whose friend count
//! wavers around the threshold does not rebuild and free its timeline on every change.
//! Heaviness therefore depends on the order friendships came and went: a replay in another
//! order (the store's load) may leave a rider with a different weight, never a different feed.
//!
//! Invariants, kept by every change below:
//! - a rider is heavy iff `friend_timeline` is `Some`, and then it holds exactly the keys of its
//!   friends' posts (keys are unique per post, so the union is disjoint);
//! - for every friendship (x, y): x is in `y.heavy_friends` iff x is heavy;
//! - `stats.heavy_riders` and `stats.timeline_entries` count them.

use pillion_model::RiderId;

use crate::sorted;
use crate::state::{FeedKey, Graph};

impl Graph {
    /// A new rider is heavy at once only with a threshold of 0.
    pub(crate) fn weigh_new_rider(&mut self, id: RiderId) {
        if self.heavy_at == 0 {
            self.make_heavy(id);
        }
    }

    /// A new post of `author`: into the timeline of each heavy friend.
    pub(crate) fn timelines_add_post(&mut self, author: RiderId, key: FeedKey) {
        self.for_each_heavy_friend(author, |tl| usize::from(sorted::push(tl, key)), true);
    }

    /// A deleted post of `author`: out of the timeline of each heavy friend.
    pub(crate) fn timelines_remove_post(&mut self, author: RiderId, key: FeedKey) {
        self.for_each_heavy_friend(author, |tl| usize::from(sorted::remove(tl, &key)), false);
    }

    /// Runs `edit` on the timeline of each heavy friend of `author`; `edit` returns how many
    /// entries it added (`grows`) or removed.
    fn for_each_heavy_friend(
        &mut self,
        author: RiderId,
        mut edit: impl FnMut(&mut Vec<FeedKey>) -> usize,
        grows: bool,
    ) {
        let Some(a) = self.riders.get_mut(&author) else {
            return;
        };
        if a.heavy_friends.is_empty() {
            return;
        }
        // Taken out and put back, so the friends' timelines can be borrowed meanwhile.
        let heavy = std::mem::take(&mut a.heavy_friends);
        let mut changed = 0;
        for f in &heavy {
            if let Some(tl) = self
                .riders
                .get_mut(f)
                .and_then(|r| r.friend_timeline.as_mut())
            {
                changed += edit(tl);
            }
        }
        if let Some(a) = self.riders.get_mut(&author) {
            a.heavy_friends = heavy;
        }
        if grows {
            self.stats.timeline_entries += changed;
        } else {
            self.stats.timeline_entries = self.stats.timeline_entries.saturating_sub(changed);
        }
    }

    /// `x` and `y` just became friends (both lists already hold the other); called for each
    /// side. A heavy `x` takes `y`'s posts in; a light `x` that reached the threshold turns heavy.
    pub(crate) fn timeline_befriended(&mut self, x: RiderId, y: RiderId) {
        let Some(rx) = self.riders.get_mut(&x) else {
            return;
        };
        let Some(mut tl) = rx.friend_timeline.take() else {
            if rx.friends.len() >= self.heavy_at {
                self.make_heavy(x);
            }
            return;
        };
        if let Some(ry) = self.riders.get_mut(&y) {
            sorted::merge_disjoint(&mut tl, &ry.posts);
            self.stats.timeline_entries += ry.posts.len();
            sorted::insert(&mut ry.heavy_friends, x);
        }
        if let Some(rx) = self.riders.get_mut(&x) {
            rx.friend_timeline = Some(tl);
        }
    }

    /// `x` and `y` are friends no more (both lists already dropped the other); called for each
    /// side. A heavy `x` lets `y`'s posts go, and turns light below half the threshold.
    pub(crate) fn timeline_unfriended(&mut self, x: RiderId, y: RiderId) {
        let Some(mut tl) = self
            .riders
            .get_mut(&x)
            .and_then(|r| r.friend_timeline.take())
        else {
            return;
        };
        if let Some(ry) = self.riders.get_mut(&y) {
            let removed = sorted::remove_all(&mut tl, &ry.posts);
            self.stats.timeline_entries = self.stats.timeline_entries.saturating_sub(removed);
            sorted::remove(&mut ry.heavy_friends, &x);
        }
        let Some(rx) = self.riders.get_mut(&x) else {
            return;
        };
        rx.friend_timeline = Some(tl);
        if rx.friends.len() < self.heavy_at / 2 {
            self.make_light(x);
        }
    }

    /// Builds `x`'s timeline from all its friends' posts and registers it with each friend.
    fn make_heavy(&mut self, x: RiderId) {
        let friends = match self.riders.get(&x) {
            Some(r) if r.friend_timeline.is_none() => r.friends.clone(),
            _ => return,
        };
        let mut tl: Vec<FeedKey> = Vec::new();
        for f in &friends {
            if let Some(rf) = self.riders.get_mut(f) {
                tl.extend_from_slice(&rf.posts);
                sorted::insert(&mut rf.heavy_friends, x);
            }
        }
        // Keys are unique, so stability is moot; measured faster here than merging the runs.
        tl.sort_unstable();
        self.stats.heavy_riders += 1;
        self.stats.timeline_entries += tl.len();
        if let Some(rx) = self.riders.get_mut(&x) {
            rx.friend_timeline = Some(tl);
        }
    }

    /// Frees `x`'s timeline and unregisters it from each friend.
    fn make_light(&mut self, x: RiderId) {
        let Some(rx) = self.riders.get_mut(&x) else {
            return;
        };
        let Some(tl) = rx.friend_timeline.take() else {
            return;
        };
        let friends = rx.friends.clone();
        self.stats.heavy_riders = self.stats.heavy_riders.saturating_sub(1);
        self.stats.timeline_entries = self.stats.timeline_entries.saturating_sub(tl.len());
        for f in &friends {
            if let Some(rf) = self.riders.get_mut(f) {
                sorted::remove(&mut rf.heavy_friends, &x);
            }
        }
    }
}
