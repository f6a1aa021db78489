//! Checking commands against the committed state and turning them into changes.
//!
//! The writer plans a batch of commands against the state as last committed, commits the changes
//! of the whole batch at once, and only then applies them. A command whose plan could depend on an
//! earlier command of the same batch must not be planned against stale state, so each command names
//! the [`Key`]s it reads and writes; when a command touches a key an earlier command of the batch
//! writes, the writer commits the batch so far first (see `server::writer`).

use pillion_model::{
    Change, Command, CommentRecord, Error, FriendStatus, InterestId, InterestName, Outcome, PostId,
    PostRecord, RiderId, RiderRecord, Timestamp,
};
use rustc_hash::FxHashMap;

use crate::state::{pair, Graph};

/// A piece of state a command's plan depends on or changes.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Key {
    Handle(String),
    Profile(RiderId),
    /// The relation (friends, requests either way) between two riders, smaller id first.
    Pair(RiderId, RiderId),
    Post(PostId),
    Like(RiderId, PostId),
    /// An interest by case-folded name.
    Interest(String),
    Follow(RiderId, String),
}

/// A planned command: what to commit, what to answer, and which keys it touched and wrote.
#[derive(Debug, Clone)]
pub struct Plan {
    pub changes: Vec<Change>,
    pub outcome: Outcome,
}

/// Hands out ids and timestamps. Owned by the single writer: ids only grow, and timestamps never
/// go backwards, so "newer" and "greater (time, id)" agree.
#[derive(Debug, Clone)]
pub struct Planner {
    next_id: u64,
    last_time: Timestamp,
}

impl Planner {
    pub fn new(next_id: u64) -> Self {
        Planner {
            next_id,
            last_time: Timestamp(0),
        }
    }

    /// A planner whose clock never hands out a time before `floor` (the newest time already in
    /// the graph), so order survives a wall clock that stepped back across a restart.
    pub fn with_floor(next_id: u64, floor: Timestamp) -> Self {
        Planner {
            next_id,
            last_time: floor,
        }
    }

    pub fn next_id(&self) -> u64 {
        self.next_id
    }

    /// A new node id (Cypher's writes take theirs here too, so ids stay one sequence).
    pub fn id(&mut self) -> u64 {
        let id = self.next_id;
        self.next_id += 1;
        id
    }

    /// The writer's clock: never before the last time it gave out.
    pub fn now(&mut self) -> Timestamp {
        self.last_time = self.last_time.max(Timestamp::now());
        self.last_time
    }
}

impl Graph {
    /// The keys `cmd` reads or writes, and the subset it writes, in the current state.
    pub fn keys(&self, cmd: &Command) -> (Vec<Key>, Vec<Key>) {
        let pair_key = |a: RiderId, b: RiderId| {
            let (x, y) = pair(a, b);
            Key::Pair(x, y)
        };
        let post_keys = |rider: RiderId, post: PostId| {
            let mut keys = vec![Key::Post(post)];
            if let Some(p) = self.posts.get(&post) {
                keys.push(pair_key(rider, p.author));
            }
            keys
        };
        match cmd {
            Command::SignUp { handle, .. } => {
                let k = vec![Key::Handle(handle.as_str().to_owned())];
                (k.clone(), k)
            }
            Command::UpdateProfile { rider, .. } => {
                let k = vec![Key::Profile(*rider)];
                (k.clone(), k)
            }
            Command::FriendRequest { from: a, to: b }
            | Command::AcceptRequest { rider: a, from: b }
            | Command::DeclineRequest { rider: a, from: b }
            | Command::Unfriend { rider: a, other: b } => {
                let k = vec![pair_key(*a, *b)];
                (k.clone(), k)
            }
            Command::Follow { rider, interest } => {
                let follow = Key::Follow(*rider, interest.key());
                let mut writes = vec![follow.clone()];
                writes.extend(self.new_interest_key(interest));
                (vec![Key::Interest(interest.key()), follow], writes)
            }
            Command::Unfollow { rider, interest } => {
                let follow = Key::Follow(*rider, interest.key());
                (
                    vec![Key::Interest(interest.key()), follow.clone()],
                    vec![follow],
                )
            }
            Command::CreatePost { interests, .. } => {
                // Posts tagged with an existing interest do not conflict with each other; only
                // creating an interest does.
                let touched = interests.iter().map(|i| Key::Interest(i.key())).collect();
                let writes = interests
                    .iter()
                    .filter_map(|i| self.new_interest_key(i))
                    .collect();
                (touched, writes)
            }
            Command::DeletePost { rider, post } => {
                (post_keys(*rider, *post), vec![Key::Post(*post)])
            }
            Command::Like { rider, post } | Command::Unlike { rider, post } => {
                let mut touched = post_keys(*rider, *post);
                touched.push(Key::Like(*rider, *post));
                (touched, vec![Key::Like(*rider, *post)])
            }
            Command::Comment { rider, post, .. } => (post_keys(*rider, *post), Vec::new()),
            Command::RevokeToken { .. } => (Vec::new(), Vec::new()),
        }
    }

    /// Checks `cmd` against the current state. On success, the changes to commit and the outcome
    /// to answer; on failure, the error to answer, and nothing is to be changed.
    pub fn plan(&self, cmd: &Command, planner: &mut Planner) -> Result<Plan, Error> {
        let done = |changes: Vec<Change>, outcome: Outcome| Ok(Plan { changes, outcome });
        match cmd {
            Command::SignUp {
                handle,
                name,
                password_hash,
                props,
            } => {
                if self.handles.contains_key(handle.as_str()) {
                    return Err(Error::Conflict(format!("handle '{handle}' is taken")));
                }
                let id = RiderId(planner.id());
                done(
                    vec![Change::CreateRider(RiderRecord {
                        id,
                        handle: handle.clone(),
                        name: name.clone(),
                        password_hash: password_hash.clone(),
                        props: props.clone(),
                        created_at: planner.now(),
                    })],
                    Outcome::Rider(id),
                )
            }
            Command::UpdateProfile { rider, name, props } => {
                let r = self.riders.get(rider).ok_or(Error::NotFound("rider"))?;
                let props = match props {
                    Some(patch) => r.props.merged(patch)?,
                    None => r.props.clone(),
                };
                done(
                    vec![Change::UpdateRider {
                        id: *rider,
                        name: name.clone().unwrap_or_else(|| r.name.clone()),
                        props,
                    }],
                    Outcome::Rider(*rider),
                )
            }
            Command::FriendRequest { from, to } => self.plan_friend_request(*from, *to, planner),
            Command::AcceptRequest { rider, from } => {
                self.pending_request(*from, *rider)?;
                done(
                    vec![
                        Change::DeleteFriendRequest {
                            from: *from,
                            to: *rider,
                        },
                        Change::CreateFriendship {
                            requester: *from,
                            accepter: *rider,
                            since: planner.now(),
                        },
                    ],
                    Outcome::Friend(FriendStatus::Friends),
                )
            }
            Command::DeclineRequest { rider, from } => {
                self.pending_request(*from, *rider)?;
                done(
                    vec![Change::DeleteFriendRequest {
                        from: *from,
                        to: *rider,
                    }],
                    Outcome::Done,
                )
            }
            Command::Unfriend { rider, other } => {
                if !self.are_friends(*rider, *other) {
                    return Err(Error::NotFound("friendship"));
                }
                done(
                    vec![Change::DeleteFriendship {
                        a: *rider,
                        b: *other,
                    }],
                    Outcome::Done,
                )
            }
            Command::Follow { rider, interest } => {
                let mut changes = Vec::new();
                let id = self.interest_id_or_create(interest, planner, &mut changes);
                let r = self.riders.get(rider).ok_or(Error::NotFound("rider"))?;
                if !r.follows.contains(&id) {
                    changes.push(Change::Follow {
                        rider: *rider,
                        interest: id,
                        created_at: planner.now(),
                    });
                }
                done(changes, Outcome::Done)
            }
            Command::Unfollow { rider, interest } => {
                let mut changes = Vec::new();
                if let (Some(i), Some(r)) = (
                    self.interest_by_name(interest.as_str()),
                    self.riders.get(rider),
                ) {
                    if r.follows.contains(&i.id) {
                        changes.push(Change::Unfollow {
                            rider: *rider,
                            interest: i.id,
                        });
                    }
                }
                done(changes, Outcome::Done)
            }
            Command::CreatePost {
                author,
                body,
                visibility,
                photos,
                place,
                interests,
            } => {
                if !self.riders.contains_key(author) {
                    return Err(Error::NotFound("rider"));
                }
                let mut changes = Vec::new();
                let mut ids: Vec<InterestId> = Vec::with_capacity(interests.len());
                let mut seen: FxHashMap<String, ()> = FxHashMap::default();
                for name in interests {
                    if seen.insert(name.key(), ()).is_some() {
                        continue;
                    }
                    ids.push(self.interest_id_or_create(name, planner, &mut changes));
                }
                let id = PostId(planner.id());
                changes.push(Change::CreatePost(PostRecord {
                    id,
                    author: *author,
                    body: body.clone(),
                    visibility: *visibility,
                    photos: photos.clone(),
                    place: place.clone(),
                    interests: ids,
                    created_at: planner.now(),
                }));
                done(changes, Outcome::Post(id))
            }
            Command::DeletePost { rider, post } => {
                let p = self
                    .visible_post(*rider, *post)
                    .ok_or(Error::NotFound("post"))?;
                if p.author != *rider {
                    return Err(Error::Forbidden(
                        "only the author may delete a post".to_owned(),
                    ));
                }
                done(vec![Change::DeletePost { id: *post }], Outcome::Done)
            }
            Command::Like { rider, post } => {
                let p = self
                    .visible_post(*rider, *post)
                    .ok_or(Error::NotFound("post"))?;
                let changes = if p.likers.binary_search(rider).is_ok() {
                    Vec::new()
                } else {
                    vec![Change::Like {
                        rider: *rider,
                        post: *post,
                        created_at: planner.now(),
                    }]
                };
                done(changes, Outcome::Done)
            }
            Command::Unlike { rider, post } => {
                let p = self
                    .visible_post(*rider, *post)
                    .ok_or(Error::NotFound("post"))?;
                let changes = if p.likers.binary_search(rider).is_ok() {
                    vec![Change::Unlike {
                        rider: *rider,
                        post: *post,
                    }]
                } else {
                    Vec::new()
                };
                done(changes, Outcome::Done)
            }
            Command::Comment { rider, post, body } => {
                self.visible_post(*rider, *post)
                    .ok_or(Error::NotFound("post"))?;
                let id = pillion_model::CommentId(planner.id());
                done(
                    vec![Change::CreateComment(CommentRecord {
                        id,
                        post: *post,
                        author: *rider,
                        body: body.clone(),
                        created_at: planner.now(),
                    })],
                    Outcome::Comment(id),
                )
            }
            Command::RevokeToken {
                token_id,
                expires_at,
            } => done(
                vec![Change::RevokeToken {
                    token_id: *token_id,
                    expires_at: *expires_at,
                }],
                Outcome::Done,
            ),
        }
    }

    fn plan_friend_request(
        &self,
        from: RiderId,
        to: RiderId,
        planner: &mut Planner,
    ) -> Result<Plan, Error> {
        if from == to {
            return Err(Error::invalid("rider_id", "you cannot befriend yourself"));
        }
        let sender = self.riders.get(&from).ok_or(Error::NotFound("rider"))?;
        let recipient = self.riders.get(&to).ok_or(Error::NotFound("rider"))?;
        if sender.is_friend(to) {
            return Err(Error::Conflict("already friends".to_owned()));
        }
        let (changes, status) = if recipient.has_requested(from) {
            // Both asked: the second request is an acceptance.
            (
                vec![
                    Change::DeleteFriendRequest { from: to, to: from },
                    Change::CreateFriendship {
                        requester: to,
                        accepter: from,
                        since: planner.now(),
                    },
                ],
                FriendStatus::Friends,
            )
        } else if sender.has_requested(to) {
            (Vec::new(), FriendStatus::Requested)
        } else {
            (
                vec![Change::CreateFriendRequest {
                    from,
                    to,
                    created_at: planner.now(),
                }],
                FriendStatus::Requested,
            )
        };
        Ok(Plan {
            changes,
            outcome: Outcome::Friend(status),
        })
    }

    /// The key of an interest that planning `name` would create, if it does not exist yet.
    fn new_interest_key(&self, name: &InterestName) -> Option<Key> {
        self.interest_by_name(name.as_str())
            .is_none()
            .then(|| Key::Interest(name.key()))
    }

    fn pending_request(&self, from: RiderId, to: RiderId) -> Result<(), Error> {
        if self.riders.get(&from).is_some_and(|r| r.has_requested(to)) {
            Ok(())
        } else {
            Err(Error::NotFound("friend request"))
        }
    }

    fn interest_id_or_create(
        &self,
        name: &InterestName,
        planner: &mut Planner,
        changes: &mut Vec<Change>,
    ) -> InterestId {
        if let Some(i) = self.interest_by_name(name.as_str()) {
            return i.id;
        }
        let id = InterestId(planner.id());
        changes.push(Change::CreateInterest {
            id,
            name: name.clone(),
        });
        id
    }
}
