//! The operations a case is made of, and how proptest generates them. Riders are named by their
//! index in the case (`r0`..`r5`) and posts by their place in a list (see [`PostRef`]), so a shrunk
//! case reads as a story; the log of a failing run says which rider and post id each step chose.

use std::fmt;

use proptest::collection::vec;
use proptest::prelude::*;

/// Interest names used by posts and follows: case variants of the same interest, a `/` and a space
/// that must survive percent-encoding, and non-ASCII letters. Random cases use the first
/// [`GENERATED`]; the rest are variants that only full Unicode case folding equates, for a fixed
/// case of their own.
pub const INTERESTS: &[&str] = &[
    "Ducati",
    "ducati",
    "DUCATI",
    "BMW R 1200 GS/Adventure",
    "bmw r 1200 gs/ADVENTURE",
    "Ölpest 🏍",
    "ÖLPEST 🏍",
    "Touring",
    "Großglockner",
    "GROSSGLOCKNER",
];

pub const GENERATED: usize = 8;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Vis {
    /// Left out of the request: the default, `friends`.
    Default,
    Friends,
    Public,
}

/// The other rider of an op: one named outright, or the n-th (wrapping) of the riders for whom the
/// op makes sense in the current state (those who asked, friends, non-friends) — or rider n when
/// there are none. Picks let short random sequences reach dense friend graphs.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Target {
    Rider(usize),
    Pick(usize),
}

/// A post: the n-th (wrapping) of all posts ever created, deleted ones included, or the n-th of
/// those the actor can see now (falling back to all posts). With no post at all, an id nobody has.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum PostRef {
    Any(usize),
    Seen(usize),
}

/// One op of a `POST /v1/batch` (the contract's batch ops).
#[derive(Clone, PartialEq, Eq)]
pub enum BatchOp {
    Post { vis: Vis, interests: Vec<usize> },
    Like(PostRef),
    Unlike(PostRef),
    Comment(PostRef),
    FriendRequest(Target),
    Accept(Target),
}

impl fmt::Debug for BatchOp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            BatchOp::Post { vis, interests } => {
                let names: Vec<&str> = interests.iter().map(|i| INTERESTS[*i]).collect();
                write!(f, "post {vis:?} {names:?}")
            }
            BatchOp::Like(p) => write!(f, "like {p:?}"),
            BatchOp::Unlike(p) => write!(f, "unlike {p:?}"),
            BatchOp::Comment(p) => write!(f, "comment on {p:?}"),
            BatchOp::FriendRequest(t) => write!(f, "ask {t:?} to be friends"),
            BatchOp::Accept(t) => write!(f, "accept {t:?}'s request"),
        }
    }
}

#[derive(Clone, PartialEq, Eq)]
pub enum Op {
    SignUp(usize),
    FriendRequest {
        from: usize,
        to: Target,
    },
    /// The n-th (wrapping) pending request of all is accepted, or declined, by its recipient.
    Answer {
        n: usize,
        accept: bool,
    },
    Accept {
        who: usize,
        from: Target,
    },
    Decline {
        who: usize,
        from: Target,
    },
    Unfriend {
        who: usize,
        other: Target,
    },
    Follow {
        who: usize,
        interest: usize,
    },
    Unfollow {
        who: usize,
        interest: usize,
    },
    Post {
        who: usize,
        vis: Vis,
        interests: Vec<usize>,
    },
    Like {
        who: usize,
        post: PostRef,
    },
    Unlike {
        who: usize,
        post: PostRef,
    },
    Comment {
        who: usize,
        post: PostRef,
    },
    Delete {
        who: usize,
        post: PostRef,
    },
    /// Several ops in one `POST /v1/batch`, applied in order, each on its own.
    Batch {
        who: usize,
        ops: Vec<BatchOp>,
    },
}

impl Op {
    /// The kind of op, for the coverage summary.
    pub fn kind(&self) -> &'static str {
        match self {
            Op::SignUp(_) => "sign_up",
            Op::FriendRequest { .. } => "friend_request",
            Op::Answer { accept: true, .. } | Op::Accept { .. } => "accept",
            Op::Answer { accept: false, .. } => "decline",
            Op::Decline { .. } => "decline",
            Op::Unfriend { .. } => "unfriend",
            Op::Follow { .. } => "follow",
            Op::Unfollow { .. } => "unfollow",
            Op::Post { .. } => "post",
            Op::Like { .. } => "like",
            Op::Unlike { .. } => "unlike",
            Op::Comment { .. } => "comment",
            Op::Delete { .. } => "delete",
            Op::Batch { .. } => "batch",
        }
    }

    /// The rider who makes the request (who must have signed up for it to be sent), if any.
    pub fn actor(&self) -> Option<usize> {
        match *self {
            Op::SignUp(_) | Op::Answer { .. } => None,
            Op::FriendRequest { from: who, .. }
            | Op::Accept { who, .. }
            | Op::Decline { who, .. }
            | Op::Unfriend { who, .. }
            | Op::Follow { who, .. }
            | Op::Unfollow { who, .. }
            | Op::Post { who, .. }
            | Op::Like { who, .. }
            | Op::Unlike { who, .. }
            | Op::Comment { who, .. }
            | Op::Delete { who, .. }
            | Op::Batch { who, .. } => Some(who),
        }
    }
}

impl fmt::Debug for Target {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Target::Rider(r) => write!(f, "r{r}"),
            Target::Pick(n) => write!(f, "pick{n}"),
        }
    }
}

impl fmt::Debug for PostRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PostRef::Any(n) => write!(f, "post#{n}"),
            PostRef::Seen(n) => write!(f, "seen-post#{n}"),
        }
    }
}

impl fmt::Debug for Op {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Op::SignUp(r) => write!(f, "r{r} signs up"),
            Op::FriendRequest { from, to } => write!(f, "r{from} asks {to:?} to be friends"),
            Op::Answer { n, accept } => {
                let answer = if *accept { "accepted" } else { "declined" };
                write!(f, "pending request #{n} is {answer}")
            }
            Op::Accept { who, from } => write!(f, "r{who} accepts {from:?}'s request"),
            Op::Decline { who, from } => write!(f, "r{who} declines {from:?}'s request"),
            Op::Unfriend { who, other } => write!(f, "r{who} unfriends {other:?}"),
            Op::Follow { who, interest } => write!(f, "r{who} follows {:?}", INTERESTS[*interest]),
            Op::Unfollow { who, interest } => {
                write!(f, "r{who} unfollows {:?}", INTERESTS[*interest])
            }
            Op::Post {
                who,
                vis,
                interests,
            } => {
                let vis = match vis {
                    Vis::Default => "default-visibility",
                    Vis::Friends => "friends",
                    Vis::Public => "public",
                };
                let names: Vec<&str> = interests.iter().map(|i| INTERESTS[*i]).collect();
                write!(f, "r{who} posts {vis} {names:?}")
            }
            Op::Like { who, post } => write!(f, "r{who} likes {post:?}"),
            Op::Unlike { who, post } => write!(f, "r{who} unlikes {post:?}"),
            Op::Comment { who, post } => write!(f, "r{who} comments on {post:?}"),
            Op::Delete { who, post } => write!(f, "r{who} deletes {post:?}"),
            Op::Batch { who, ops } => write!(f, "r{who} sends a batch {ops:?}"),
        }
    }
}

/// A case: how many riders exist, how many sign up before the first op, and the ops.
#[derive(Clone)]
pub struct Case {
    pub riders: usize,
    pub signed_up: usize,
    pub ops: Vec<Op>,
}

impl fmt::Debug for Case {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(
            f,
            "{} riders, r0..r{} signed up first, then:",
            self.riders,
            self.signed_up - 1
        )?;
        for (i, op) in self.ops.iter().enumerate() {
            writeln!(f, "  {i:>2}. {op:?}")?;
        }
        Ok(())
    }
}

/// Post references index the posts created so far (modulo their number); 8 covers ≤40 ops well.
const POST_REFS: usize = 8;

fn vis_strategy() -> impl Strategy<Value = Vis> {
    prop_oneof![
        1 => Just(Vis::Default),
        1 => Just(Vis::Friends),
        2 => Just(Vis::Public),
    ]
}

fn op(riders: usize) -> impl Strategy<Value = Op> {
    let r = move || 0..riders;
    let target = move || {
        prop_oneof![
            1 => (0..riders).prop_map(Target::Rider),
            2 => (0..riders).prop_map(Target::Pick),
        ]
    };
    // Small numbers are likelier, so that likes and comments pile up on the same few posts.
    let n = || prop_oneof![3 => Just(0), 1 => Just(1), 1 => 0..POST_REFS];
    let post = move || {
        prop_oneof![
            1 => n().prop_map(PostRef::Any),
            3 => n().prop_map(PostRef::Seen),
        ]
    };
    let i = || 0..GENERATED;
    let batch_op = prop_oneof![
        1 => (vis_strategy(), vec(i(), 0..=2))
            .prop_map(|(vis, interests)| BatchOp::Post { vis, interests }),
        3 => post().prop_map(BatchOp::Like),
        2 => post().prop_map(BatchOp::Unlike),
        2 => post().prop_map(BatchOp::Comment),
        2 => target().prop_map(BatchOp::FriendRequest),
        2 => target().prop_map(BatchOp::Accept),
    ];
    let vis = vis_strategy();
    prop_oneof![
        1 => r().prop_map(Op::SignUp),
        4 => (r(), target()).prop_map(|(from, to)| Op::FriendRequest { from, to }),
        3 => (0..POST_REFS, prop::bool::weighted(0.85))
            .prop_map(|(n, accept)| Op::Answer { n, accept }),
        2 => (r(), target()).prop_map(|(who, from)| Op::Accept { who, from }),
        1 => (r(), target()).prop_map(|(who, from)| Op::Decline { who, from }),
        1 => (r(), target()).prop_map(|(who, other)| Op::Unfriend { who, other }),
        3 => (r(), i()).prop_map(|(who, interest)| Op::Follow { who, interest }),
        1 => (r(), i()).prop_map(|(who, interest)| Op::Unfollow { who, interest }),
        4 => (r(), vis, vec(i(), 0..=3))
            .prop_map(|(who, vis, interests)| Op::Post { who, vis, interests }),
        8 => (r(), post()).prop_map(|(who, post)| Op::Like { who, post }),
        1 => (r(), post()).prop_map(|(who, post)| Op::Unlike { who, post }),
        3 => (r(), post()).prop_map(|(who, post)| Op::Comment { who, post }),
        1 => (r(), post()).prop_map(|(who, post)| Op::Delete { who, post }),
        3 => (r(), vec(batch_op, 1..=4)).prop_map(|(who, ops)| Op::Batch { who, ops }),
    ]
}

/// A friendship made the ordinary way: a request, then its acceptance (self-requests included,
/// which the server refuses). r0 is in half of them: real friend graphs have hubs, and a hub's feed is where friends' likes
/// meet.
fn friendship(riders: usize) -> impl Strategy<Value = [Op; 2]> {
    let a = prop_oneof![1 => Just(0), 1 => 0..riders];
    (a, 0..riders).prop_map(|(a, b)| {
        [
            Op::FriendRequest {
                from: a,
                to: Target::Rider(b),
            },
            Op::Accept {
                who: b,
                from: Target::Rider(a),
            },
        ]
    })
}

/// A post up front, mostly public, that later likes and comments can pile onto.
fn opening_post(riders: usize) -> impl Strategy<Value = Op> {
    (
        0..riders,
        prop::bool::weighted(0.75),
        vec(0..GENERATED, 0..=2),
    )
        .prop_map(|(who, public, interests)| Op::Post {
            who,
            vis: if public { Vis::Public } else { Vis::Friends },
            interests,
        })
}

/// A case: a few riders, most of them signed up at once; a few friendships, follows, posts and
/// likes made up front, so that short sequences reach dense friend graphs and busy posts; then
/// random ops, up to 40 ops in all.
pub fn case() -> impl Strategy<Value = Case> {
    prop_oneof![1 => 2usize..=3, 3 => 4usize..=6]
        .prop_flat_map(|riders| {
            let signed_up = prop_oneof![3 => Just(riders), 1 => 1..=riders];
            let friendships = vec(friendship(riders), 0..=8);
            // Follows before posts, so that strangers' public posts reach feeds.
            let follows = vec((0..riders, 0..GENERATED), 0..=2);
            let posts = vec(opening_post(riders), 0..=2);
            // Riders who like the first post they can see: friends_who_liked needs busy posts,
            // liked by the hub's friends.
            let likes = vec(1..riders, 0..=6);
            let rest = vec(op(riders), 1..=14);
            let prefix = (friendships, follows, posts, likes);
            (Just(riders), signed_up, prefix, rest)
        })
        .prop_map(
            |(riders, signed_up, (friendships, follows, posts, likes), rest)| {
                let follows = follows
                    .into_iter()
                    .map(|(who, interest)| Op::Follow { who, interest });
                let likes = likes.into_iter().map(|who| Op::Like {
                    who,
                    post: PostRef::Seen(0),
                });
                Case {
                    riders,
                    signed_up,
                    ops: friendships
                        .into_iter()
                        .flatten()
                        .chain(follows)
                        .chain(posts)
                        .chain(likes)
                        .chain(rest)
                        .collect(),
                }
            },
        )
}
