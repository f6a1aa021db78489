//! Durable changes: the facts the single writer commits to the store in one transaction per batch
//! and then applies, in the same order, to the in-memory engine. Loading a store replays its state
//! as a sequence of these, so "rebuild at start-up" and "apply a live write" are one code path.

use crate::{
    CommentBody, CommentId, Handle, InterestId, InterestName, NodeId, Photo, Place, PostBody,
    PostId, Props, RiderId, RiderName, Timestamp, Visibility,
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

/// A node outside the social model (an LDBC `Organisation`, `Forum`, `Place`, ...): labels and
/// properties, nothing the feed engine reads.
#[derive(Debug, Clone, PartialEq)]
pub struct NodeRecord {
    pub id: NodeId,
    pub labels: Vec<String>,
    pub props: Props,
}

/// A relationship the social model has no field for (`WORK_AT`, `REPLY_OF`, `IS_LOCATED_IN`, ...),
/// between any two nodes by id: riders, posts, comments, interests or [`NodeRecord`]s.
#[derive(Debug, Clone, PartialEq)]
pub struct RelRecord {
    pub rel_type: String,
    pub from: NodeId,
    pub to: NodeId,
    pub props: Props,
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
    /// Removes a comment with the graph-only data attached to it (its extra properties and
    /// relationships).
    DeleteComment {
        id: CommentId,
    },
    /// A node outside the social model (graph-only data, like the relationships and properties
    /// below): no feed, wall or profile reads it; graph queries do.
    CreateNode(NodeRecord),
    /// Replaces a graph-only node's labels and properties as a whole.
    UpdateNode(NodeRecord),
    /// Removes a graph-only node and every graph-only relationship at it.
    DeleteNode {
        id: NodeId,
    },
    /// A relationship numbered by the store as it writes it: an import's rows, in row order.
    /// A load replays it as [`Change::CreateRelWithId`], so the engine never sees this one.
    CreateRel(RelRecord),
    /// A relationship with its id: the writer numbers what Cypher creates (the query returns it
    /// before the commit), and a load replays every stored relationship this way.
    CreateRelWithId {
        id: u64,
        rel: RelRecord,
    },
    /// Replaces a graph-only relationship's properties as a whole.
    SetRelProps {
        id: u64,
        props: Props,
    },
    DeleteRel {
        id: u64,
    },
    /// Replaces the extra properties of a post, comment or interest (an import's LDBC columns,
    /// or what Cypher sets). Riders keep theirs in [`RiderRecord::props`].
    SetNodeProps {
        id: NodeId,
        props: Props,
    },
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
            Change::CreateNode(n) => Some(n.id.0),
            _ => None,
        }
    }

    /// The relationship id this change creates, for the relationship ids' high-water mark.
    pub fn created_rel_id(&self) -> Option<u64> {
        match self {
            Change::CreateRelWithId { id, .. } => Some(*id),
            _ => None,
        }
    }
}
