//! The in-memory social graph and feed engine: every read of a request is answered from here.
//!
//! It holds the whole committed state (riders, friendships, requests, interests, posts, likes,
//! comments), changes only by [`Graph::apply`]ing [`pillion_model::Change`]s that the store has
//! already committed, and checks commands against that state in [`Graph::plan`]. It does no IO, no
//! async and no locking: the server wraps it in a lock and owns the threads.
//!
//! Feeds are a hybrid of fan-out on read and on write. A page is a k-way merge, from the cursor
//! on, of the viewer's own posts, its friends' posts and each followed interest's public posts
//! (`read.rs`). A light rider's friends' posts are read from each friend's list: one lookup and
//! binary search per friend. A heavy rider (from [`Graph::heavy_threshold`] friends,
//! [`DEFAULT_HEAVY_THRESHOLD`] unless configured; light again only below half of it) reads them
//! from a materialised timeline that `apply` keeps exactly equal to their union (`timeline.rs`):
//! a post is pushed into the timeline of each heavy friend of its author, so a write costs one
//! push per heavy friend, never one per friend; a friendship change merges in or removes one
//! friend's posts; crossing the threshold builds or frees a timeline. Interest posts always stay
//! on read. The feed is the same either way.

mod apply;
mod cypher;
mod draft;
mod extras;
mod plan;
mod read;
mod shard;
mod sorted;
mod state;
mod timeline;

pub use cypher::PLACE_BIT;
pub use draft::{Draft, MAX_WRITES};
pub use plan::{Key, Plan, Planner};
pub use read::{Page, PostView, Relation};
/// The sorting kernel of suggestions, exposed only for the engine's benchmarks.
#[doc(hidden)]
pub mod kernels {
    pub use crate::sorted::{radix_sort, RadixKey};
}

pub use state::{Comment, FeedKey, Graph, Interest, Post, Rider, Stats, DEFAULT_HEAVY_THRESHOLD};
