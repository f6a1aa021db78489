//! The in-memory social graph and feed engine: every read of a request is answered from here.
//!
//! It holds the whole committed state (riders, friendships, requests, interests, posts, likes,
//! comments), changes only by [`Graph::apply`]ing [`pillion_model::Change`]s that the store has
//! already committed, and checks commands against that state in [`Graph::plan`]. It does no IO, no
//! async and no locking: the server wraps it in a lock and owns the threads.
//!
//! Feeds are assembled on read (see `read.rs`): each rider keeps their posts in time order, each
//! interest its public posts, and a feed page is a k-way merge of the viewer's sources from the
//! cursor on. A write therefore costs the same whatever the author's audience, and unfriending,
//! deleting or changing visibility needs no timeline repair.

mod apply;
mod plan;
mod read;
mod sorted;
mod state;

pub use plan::{Key, Plan, Planner};
pub use read::{Page, PostView, Relation};
pub use state::{Comment, FeedKey, Graph, Interest, Post, Rider, Stats};
