use serde::{Deserialize, Serialize};

/// Ids are JSON integers below 2^53 so that every JavaScript client reads them exactly.
pub const MAX_ID: u64 = (1 << 53) - 1;

macro_rules! id_type {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(
            Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize,
        )]
        #[serde(transparent)]
        pub struct $name(pub u64);

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                self.0.fmt(f)
            }
        }
    };
}

id_type!(
    /// A rider (a user). Riders, posts, comments and interests share one id sequence.
    RiderId
);
id_type!(
    /// A post.
    PostId
);
id_type!(
    /// A comment on a post.
    CommentId
);
id_type!(
    /// An interest (a tag riders follow and posts carry).
    InterestId
);
id_type!(
    /// Any node of the graph: a rider, post, comment or interest by its own id, or a node outside
    /// the social model. All of them share the one id sequence, so a node id names one node.
    NodeId
);
