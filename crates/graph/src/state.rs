//! The whole committed state: riders, friendships, requests, interests, posts, likes, comments,
//! revoked tokens, and the graph-only data of `extras`. `apply.rs` changes it, `read.rs`,
//! `plan.rs`, `cypher/` and `draft/` read it.

use pillion_model::{
    CommentBody, CommentId, Handle, InterestId, InterestName, Photo, Place, PostBody, PostId,
    Props, RiderId, RiderName, Timestamp, Visibility,
};
use rustc_hash::{FxHashMap, FxHashSet};

use crate::extras::{Extras, PropsRef};
use crate::shard::ShardedMap;

/// The order of posts in every list: creation time, then id. Newest is greatest.
pub type FeedKey = (Timestamp, PostId);

#[derive(Debug, Clone)]
pub struct Rider {
    pub id: RiderId,
    pub handle: Handle,
    pub name: RiderName,
    pub password_hash: String,
    pub props: Props,
    pub created_at: Timestamp,
    /// Friends, ascending.
    pub(crate) friends: Vec<RiderId>,
    /// The same friends by (friendship time, id), ascending: the order of the friends list.
    pub(crate) friends_by_time: Vec<(Timestamp, RiderId)>,
    /// The friends this rider asked (it sent the request they accepted), ascending: a subset of
    /// `friends` that gives a friendship's direction without a lookup (Cypher's `IS_FRIEND`
    /// points from the requester to the accepter).
    pub(crate) friends_asked: Vec<RiderId>,
    /// Pending requests this rider sent, ascending by recipient.
    pub(crate) requests_out: Vec<RiderId>,
    /// Pending requests this rider received, ascending by (time, sender).
    pub(crate) requests_in: Vec<(Timestamp, RiderId)>,
    /// Followed interests, ascending.
    pub(crate) follows: Vec<InterestId>,
    /// All of the rider's posts, ascending.
    pub(crate) posts: Vec<FeedKey>,
    /// The rider's public posts, ascending (what a stranger sees).
    pub(crate) public_posts: Vec<FeedKey>,
    /// The rider's friends that are heavy, ascending: where a new post of theirs is pushed.
    pub(crate) heavy_friends: Vec<RiderId>,
    /// For a heavy rider only: exactly the union of its friends' `posts`, ascending (see
    /// `timeline.rs`). `Some` means heavy.
    pub(crate) friend_timeline: Option<Vec<FeedKey>>,
}

impl Rider {
    pub fn friends(&self) -> &[RiderId] {
        &self.friends
    }

    pub fn follows(&self) -> &[InterestId] {
        &self.follows
    }

    pub fn is_friend(&self, other: RiderId) -> bool {
        crate::sorted::contains(&self.friends, &other)
    }

    pub fn has_requested(&self, other: RiderId) -> bool {
        crate::sorted::contains(&self.requests_out, &other)
    }

    /// Whether the rider's feed reads a materialised timeline of its friends' posts.
    pub fn is_heavy(&self) -> bool {
        self.friend_timeline.is_some()
    }

    /// A heavy rider's timeline: every post of every friend, ascending. `None` when light.
    pub fn friend_timeline(&self) -> Option<&[FeedKey]> {
        self.friend_timeline.as_deref()
    }

    /// The rider's heavy friends, ascending.
    pub fn heavy_friends(&self) -> &[RiderId] {
        &self.heavy_friends
    }
}

#[derive(Debug, Clone)]
pub struct Post {
    pub id: PostId,
    pub author: RiderId,
    pub body: PostBody,
    pub visibility: Visibility,
    /// Boxed: most posts have neither, and a post map entry is paid for every post.
    pub photos: Box<[Photo]>,
    pub place: Option<Box<Place>>,
    pub interests: Vec<InterestId>,
    pub created_at: Timestamp,
    /// The body has no `"`, `\` or control character, so writers of quoted formats (JSON) can
    /// copy it without scanning it on every read.
    pub body_is_plain: bool,
    /// Riders who like it, ascending.
    pub(crate) likers: Vec<RiderId>,
    /// Comments, ascending by (time, id): oldest first.
    pub(crate) comments: Vec<(Timestamp, CommentId)>,
    /// Its extra properties (graph-only data; in the post's padding, so free).
    pub(crate) extra: Option<PropsRef>,
}

impl Post {
    pub fn key(&self) -> FeedKey {
        (self.created_at, self.id)
    }

    pub fn like_count(&self) -> usize {
        self.likers.len()
    }

    pub fn comment_count(&self) -> usize {
        self.comments.len()
    }

    pub fn likers(&self) -> &[RiderId] {
        &self.likers
    }
}

#[derive(Debug, Clone)]
pub struct Comment {
    pub id: CommentId,
    pub post: PostId,
    pub author: RiderId,
    pub body: CommentBody,
    pub created_at: Timestamp,
    /// Its extra properties (graph-only data).
    pub(crate) extra: Option<PropsRef>,
}

#[derive(Debug, Clone)]
pub struct Interest {
    pub id: InterestId,
    pub name: InterestName,
    pub(crate) follower_count: usize,
    /// Every post tagged with it, ascending.
    pub(crate) posts: Vec<FeedKey>,
    /// Its public posts, ascending: the part that reaches followers' feeds.
    pub(crate) public_posts: Vec<FeedKey>,
    /// Its extra properties (graph-only data).
    pub(crate) extra: Option<PropsRef>,
}

impl Interest {
    pub fn follower_count(&self) -> usize {
        self.follower_count
    }
}

/// Sizes, for metrics and logs.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Stats {
    pub riders: usize,
    pub friendships: usize,
    pub pending_requests: usize,
    pub interests: usize,
    pub follows: usize,
    pub posts: usize,
    pub likes: usize,
    pub comments: usize,
    pub revoked_tokens: usize,
    /// Riders whose feed reads a materialised friend timeline.
    pub heavy_riders: usize,
    /// Entries in all friend timelines (16 bytes each).
    pub timeline_entries: usize,
    /// Graph-only nodes and relationships (`extras/`).
    pub graph_only_nodes: usize,
    pub graph_only_rels: usize,
    /// Bytes of the packed extra properties of posts, comments and interests, and how many of
    /// them changes have given up since the start (they go at the next start).
    pub extra_prop_bytes: usize,
    pub extra_prop_garbage: usize,
}

/// Friends from which a rider's feed reads a materialised timeline, unless configured otherwise.
pub const DEFAULT_HEAVY_THRESHOLD: usize = 256;

/// The whole committed state.
#[derive(Debug)]
pub struct Graph {
    pub(crate) riders: ShardedMap<RiderId, Rider>,
    pub(crate) handles: FxHashMap<String, RiderId>,
    /// Friendship metadata by ordered pair (smaller id first): who asked, and since when.
    pub(crate) friendships: FxHashMap<(RiderId, RiderId), (RiderId, Timestamp)>,
    pub(crate) interests: FxHashMap<InterestId, Interest>,
    /// Case-folded name -> interest. Where an import brought two names that differ only in case,
    /// the first one loaded answers for both.
    pub(crate) interest_keys: FxHashMap<String, InterestId>,
    /// An interest whose name differs only in case from an earlier one -> that earlier one.
    /// Only imports create such pairs; follows and tags go to the earlier interest.
    pub(crate) interest_alias: FxHashMap<InterestId, InterestId>,
    pub(crate) posts: ShardedMap<PostId, Post>,
    pub(crate) comments: ShardedMap<CommentId, Comment>,
    pub(crate) revoked: FxHashSet<u64>,
    pub(crate) stats: Stats,
    /// A light rider becomes heavy at this many friends, and a heavy one light below half of it.
    pub(crate) heavy_at: usize,
    /// Graph-only data: nodes, relationships and properties the social model has no field for.
    pub(crate) extras: Extras,
}

impl Default for Graph {
    fn default() -> Self {
        Self::with_heavy_threshold(DEFAULT_HEAVY_THRESHOLD)
    }
}

impl Graph {
    /// An empty graph with the [`DEFAULT_HEAVY_THRESHOLD`].
    pub fn new() -> Self {
        Self::default()
    }

    /// An empty graph whose riders become heavy at `n` friends and light again below `n / 2`
    /// (`usize::MAX`: every feed is merged on read; 0: every rider is heavy).
    pub fn with_heavy_threshold(n: usize) -> Self {
        Graph {
            riders: ShardedMap::default(),
            handles: FxHashMap::default(),
            friendships: FxHashMap::default(),
            interests: FxHashMap::default(),
            interest_keys: FxHashMap::default(),
            interest_alias: FxHashMap::default(),
            posts: ShardedMap::default(),
            comments: ShardedMap::default(),
            revoked: FxHashSet::default(),
            stats: Stats::default(),
            heavy_at: n,
            extras: Extras::default(),
        }
    }

    /// Friends from which a rider becomes heavy.
    pub fn heavy_threshold(&self) -> usize {
        self.heavy_at
    }

    pub fn stats(&self) -> Stats {
        let (extra_prop_bytes, extra_prop_garbage) = self.extras.props_bytes();
        Stats {
            riders: self.riders.len(),
            interests: self.interests.len(),
            posts: self.posts.len(),
            comments: self.comments.len(),
            revoked_tokens: self.revoked.len(),
            friendships: self.friendships.len(),
            graph_only_nodes: self.extras.node_count(),
            graph_only_rels: self.extras.rel_count(),
            extra_prop_bytes,
            extra_prop_garbage,
            ..self.stats
        }
    }

    /// The id the next graph-only relationship gets: above every one applied, and at least
    /// `next` (the store's mark, which also counts deleted ones: ids are never reused).
    pub fn reserve_rel_ids(&mut self, next: u64) {
        self.extras.next_rel_id = self.extras.next_rel_id.max(next);
    }

    pub fn next_rel_id(&self) -> u64 {
        self.extras.next_rel_id
    }

    pub fn rider(&self, id: RiderId) -> Option<&Rider> {
        self.riders.get(&id)
    }

    pub fn rider_by_handle(&self, handle: &str) -> Option<&Rider> {
        self.handles.get(handle).and_then(|id| self.riders.get(id))
    }

    pub fn post(&self, id: PostId) -> Option<&Post> {
        self.posts.get(&id)
    }

    pub fn comment(&self, id: CommentId) -> Option<&Comment> {
        self.comments.get(&id)
    }

    pub fn interest(&self, id: InterestId) -> Option<&Interest> {
        self.interests.get(&id)
    }

    pub fn interest_by_name(&self, name: &str) -> Option<&Interest> {
        self.interest_keys
            .get(&InterestName::key_of(name))
            .and_then(|id| self.interests.get(id))
    }

    /// The newest creation time of anything in the graph.
    pub fn newest_timestamp(&self) -> Timestamp {
        let riders = self.riders.values().map(|r| r.created_at);
        let posts = self.posts.values().map(|p| p.created_at);
        let comments = self.comments.values().map(|c| c.created_at);
        riders
            .chain(posts)
            .chain(comments)
            .max()
            .unwrap_or_default()
    }

    /// The interest that answers for `id` (itself, unless an import brought a case variant).
    pub fn canonical_interest(&self, id: InterestId) -> InterestId {
        self.interest_alias.get(&id).copied().unwrap_or(id)
    }

    pub fn is_revoked(&self, token_id: u64) -> bool {
        self.revoked.contains(&token_id)
    }

    pub fn are_friends(&self, a: RiderId, b: RiderId) -> bool {
        self.friendships.contains_key(&pair(a, b))
    }

    /// Who asked and since when, for a friendship.
    pub fn friendship(&self, a: RiderId, b: RiderId) -> Option<(RiderId, Timestamp)> {
        self.friendships.get(&pair(a, b)).copied()
    }
}

pub(crate) fn pair(a: RiderId, b: RiderId) -> (RiderId, RiderId) {
    if a <= b {
        (a, b)
    } else {
        (b, a)
    }
}
