//! The vocabulary of Pillion: ids, timestamps, validated input types, the commands a client can
//! ask for, the durable changes they turn into, and the error codes every layer shares.
//!
//! This crate does no IO and knows nothing of HTTP or SQL. A value of a validated type (`Handle`,
//! `PostBody`, ...) is proof that the input was checked once, at the edge.

mod change;
mod command;
mod error;
mod ids;
mod time;
mod types;

pub use change::{Change, CommentRecord, NodeRecord, PostRecord, RelRecord, RiderRecord};
pub use command::{Command, FriendStatus, Outcome};
pub use error::{Error, ErrorCode};
pub use ids::{CommentId, InterestId, NodeId, PostId, RiderId, MAX_ID};
pub use time::Timestamp;
pub use types::{
    CommentBody, Handle, InterestName, Password, Photo, Place, PostBody, Props, RiderName,
    Visibility, MAX_INTERESTS_PER_POST, MAX_PHOTOS,
};
