//! Commands: what a client asks the writer to do, already validated at the edge. The engine
//! checks each against the current state and turns it into [`crate::Change`]s, or refuses it
//! with an [`crate::Error`] and changes nothing.

use serde::Serialize;

use crate::{
    CommentBody, CommentId, Handle, InterestName, Photo, Place, PostBody, PostId, Props, RiderId,
    RiderName, Timestamp, Visibility,
};

#[derive(Debug, Clone)]
pub enum Command {
    SignUp {
        handle: Handle,
        name: RiderName,
        password_hash: String,
        props: Props,
    },
    /// `props` is a JSON object patch: a `null` value removes a key.
    UpdateProfile {
        rider: RiderId,
        name: Option<RiderName>,
        props: Option<serde_json::Value>,
    },
    FriendRequest {
        from: RiderId,
        to: RiderId,
    },
    AcceptRequest {
        rider: RiderId,
        from: RiderId,
    },
    DeclineRequest {
        rider: RiderId,
        from: RiderId,
    },
    Unfriend {
        rider: RiderId,
        other: RiderId,
    },
    Follow {
        rider: RiderId,
        interest: InterestName,
    },
    Unfollow {
        rider: RiderId,
        interest: InterestName,
    },
    CreatePost {
        author: RiderId,
        body: PostBody,
        visibility: Visibility,
        photos: Vec<Photo>,
        place: Option<Place>,
        interests: Vec<InterestName>,
    },
    DeletePost {
        rider: RiderId,
        post: PostId,
    },
    Like {
        rider: RiderId,
        post: PostId,
    },
    Unlike {
        rider: RiderId,
        post: PostId,
    },
    Comment {
        rider: RiderId,
        post: PostId,
        body: CommentBody,
    },
    RevokeToken {
        token_id: u64,
        expires_at: Timestamp,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum FriendStatus {
    Requested,
    Friends,
}

/// What an applied command produced, for the response.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    Done,
    Rider(RiderId),
    Friend(FriendStatus),
    Post(PostId),
    Comment(CommentId),
}
