//! Durable changes: the facts the single writer commits to the store in one transaction per batch
//! and then applies, in the same order, to the in-memory engine. Loading a store replays its state
//! as a sequence of these, so "rebuild at start-up" and "apply a live write" are one code path.

use crate::{
    CommentBody, CommentId, Handle, InterestId, InterestName, Photo, Place, PostBody, PostId,
    Props, RiderId, RiderName, Timestamp, Visibility,
};

#[derive(Debug, Clone, PartialEq)]
pub struct RiderRecord {
    pub id: RiderId,
    pub handle: Handle,
    pub name: RiderName,
    /// An argon2 PHC string; never leaves the server.
    pub password_hash: String,
    pub props: Props,
    pub created_at: Timestamp,
}

#[derive(Debug, Clone, PartialEq)]
pub struct PostRecord {
    pub id: PostId,
    pub author: RiderId,
    pub body: PostBody,
    pub visibility: Visibility,
    pub photos: Vec<Photo>,
    pub place: Option<Place>,
    /// Interests by id, in the order the author gave them, without duplicates.
    pub interests: Vec<InterestId>,
    pub created_at: Timestamp,
}

#[derive(Debug, Clone, PartialEq)]
pub struct CommentRecord {
    pub id: CommentId,
    pub post: PostId,
    pub author: RiderId,
    pub body: CommentBody,
    pub created_at: Timestamp,
}

/// One durable fact. Every variant is idempotent to apply to a state where it already holds,
/// and the writer only emits a change whose preconditions it checked.
#[derive(Debug, Clone, PartialEq)]
pub enum Change {
    CreateRider(RiderRecord),
    /// Replaces the rider's name and props as a whole.
    UpdateRider {
        id: RiderId,
        name: RiderName,
        props: Props,
    },
    CreateFriendRequest {
        from: RiderId,
        to: RiderId,
        created_at: Timestamp,
    },
    DeleteFriendRequest {
        from: RiderId,
        to: RiderId,
    },
    /// `requester` asked, `accepter` accepted (the direction of the `IS_FRIEND` edge).
    CreateFriendship {
        requester: RiderId,
        accepter: RiderId,
        since: Timestamp,
    },
    /// Removes the friendship between `a` and `b`, whichever asked.
    DeleteFriendship {
        a: RiderId,
        b: RiderId,
    },
    CreateInterest {
        id: InterestId,
        name: InterestName,
    },
    Follow {
        rider: RiderId,
        interest: InterestId,
        created_at: Timestamp,
    },
    Unfollow {
        rider: RiderId,
        interest: InterestId,
    },
    CreatePost(PostRecord),
    /// Removes the post with its likes, comments and tags.
    DeletePost {
        id: PostId,
    },
    Like {
        rider: RiderId,
        post: PostId,
        created_at: Timestamp,
    },
    Unlike {
        rider: RiderId,
        post: PostId,
    },
    CreateComment(CommentRecord),
    /// A logged-out token; kept until it would have expired anyway.
    RevokeToken {
        token_id: u64,
        expires_at: Timestamp,
    },
}

impl Change {
    /// The largest node id this change creates, for the id high-water mark.
    pub fn created_id(&self) -> Option<u64> {
        match self {
            Change::CreateRider(r) => Some(r.id.0),
            Change::CreateInterest { id, .. } => Some(id.0),
            Change::CreatePost(p) => Some(p.id.0),
            Change::CreateComment(c) => Some(c.id.0),
            _ => None,
        }
    }
}
