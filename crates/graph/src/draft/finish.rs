//! The end of a write query: its net effect, checked against the rules that depend on the final
//! state, as the changes the HTTP routes would make for the same facts. Order: deletions, then
//! creations (interests, graph-only nodes, posts, comments, relationships), then property and
//! label changes, so each change only refers to what exists when it is applied.

use std::collections::BTreeMap;

use pillion_cypher::{CypherError, NodeId, RelId, Value};
use pillion_model::{
    Change, CommentBody, CommentId, CommentRecord, InterestId, InterestName, NodeRecord, PostBody,
    PostId, PostRecord, Props, RelRecord, RiderId, RiderName, Visibility, MAX_INTERESTS_PER_POST,
};
use serde_json::Value as Json;

use super::rules::{invalid, refused, to_json, to_props, type_name};
use super::{Draft, NewNode};
use crate::cypher::{
    Kind, AT, COMMENTED, FOLLOWS, FRIEND_REQUEST, IS_FRIEND, LIKES, ON, POSTED, SOCIAL_TYPES,
    TAGGED,
};
use pillion_cypher::GraphRead;

/// The properties of a new node that are its own fields, not extra properties.
fn own_keys(kind: Kind) -> &'static [&'static str] {
    match kind {
        Kind::Post => &["body", "visibility"],
        Kind::Comment => &["body"],
        Kind::Interest => &["name"],
        _ => &[],
    }
}

fn string<'v>(node: &'v NewNode, key: &str) -> Option<&'v str> {
    match node.props.get(key) {
        Some(Value::String(s)) => Some(s),
        _ => None,
    }
}

impl Draft<'_> {
    /// Checks the query's net effect and turns it into changes; nothing is written on `Err`.
    pub fn finish(self) -> Result<Vec<Change>, CypherError> {
        let mut out = Vec::new();
        self.deletions(&mut out)?;
        self.creations(&mut out)?;
        self.edits(&mut out)?;
        Ok(out)
    }

    fn deletions(&self, out: &mut Vec<Change>) -> Result<(), CypherError> {
        let gone = |n: NodeId| self.deleted.contains(&n);
        let mut dead: Vec<RelId> = self.dead_rels.iter().copied().collect();
        dead.sort_unstable();
        for r in dead {
            let (a, b) = (r.start, r.end);
            let change = match r.ty {
                ty if ty >= SOCIAL_TYPES => Change::DeleteRel { id: r.id },
                IS_FRIEND => Change::DeleteFriendship {
                    a: RiderId(a),
                    b: RiderId(b),
                },
                FRIEND_REQUEST => Change::DeleteFriendRequest {
                    from: RiderId(a),
                    to: RiderId(b),
                },
                LIKES if gone(b) => continue,
                LIKES => Change::Unlike {
                    rider: RiderId(a),
                    post: PostId(b),
                },
                FOLLOWS => Change::Unfollow {
                    rider: RiderId(a),
                    interest: InterestId(b),
                },
                POSTED | COMMENTED if gone(b) => continue,
                TAGGED | AT | ON if gone(a) => continue,
                POSTED => return Err(lost(r, format!("post {b} would lose its author; a post is deleted with its POSTED, never apart"))),
                COMMENTED => return Err(lost(r, format!("comment {b} would lose its author; a comment is deleted with its COMMENTED, never apart"))),
                ON => return Err(lost(r, format!("comment {a} would be left without its post; delete a post's comments with it (MATCH (p:Post)<-[:ON]-(c) DETACH DELETE c, p)"))),
                _ => return Err(lost(r, format!("post {a}'s interests and place are set when it is made; they are deleted only with the post"))),
            };
            out.push(change);
        }
        let mut nodes: Vec<NodeId> = self.deleted.iter().copied().collect();
        nodes.sort_unstable();
        for n in nodes {
            match self.graph.kind(n) {
                Some(Kind::Post) => out.push(Change::DeletePost { id: PostId(n) }),
                Some(Kind::Comment) => {
                    let post = self.graph.comment(CommentId(n)).map(|c| c.post.0);
                    if !post.is_some_and(gone) {
                        out.push(Change::DeleteComment { id: CommentId(n) });
                    }
                }
                Some(Kind::Other) => out.push(Change::DeleteNode {
                    id: pillion_model::NodeId(n),
                }),
                _ => return Err(refused(format!("node {n} cannot be deleted"))),
            }
        }
        Ok(())
    }

    fn creations(&self, out: &mut Vec<Change>) -> Result<(), CypherError> {
        let mut names: Vec<String> = Vec::new();
        for (&id, node) in self
            .created
            .iter()
            .filter(|(_, n)| n.kind == Kind::Interest)
        {
            let name = string(node, "name")
                .ok_or_else(|| refused(format!("Interest {id} needs a `name` (a string)")))?;
            let name = InterestName::parse(name).map_err(|e| invalid("Interest", e))?;
            if self.graph.interest_by_name(name.as_str()).is_some() || names.contains(&name.key()) {
                return Err(refused(format!(
                    "Interest: an interest named {:?} exists already (names compare without case); MATCH or MERGE it",
                    name.as_str()
                )));
            }
            names.push(name.key());
            out.push(Change::CreateInterest {
                id: InterestId(id),
                name,
            });
            self.extra_props(id, node, out)?;
        }
        for (&id, node) in self.created.iter().filter(|(_, n)| n.kind == Kind::Other) {
            out.push(Change::CreateNode(NodeRecord {
                id: pillion_model::NodeId(id),
                labels: node.labels.clone(),
                props: to_props(&node.props)?,
            }));
        }
        for (&id, node) in self.created.iter().filter(|(_, n)| n.kind == Kind::Post) {
            out.push(Change::CreatePost(self.new_post(id, node)?));
            self.extra_props(id, node, out)?;
        }
        for (&id, node) in self.created.iter().filter(|(_, n)| n.kind == Kind::Comment) {
            out.push(Change::CreateComment(self.new_comment(id, node)?));
            self.extra_props(id, node, out)?;
        }
        self.new_relationships(out)
    }

    fn new_post(&self, id: NodeId, node: &NewNode) -> Result<PostRecord, CypherError> {
        let author = self.new_partner(id, POSTED, true).ok_or_else(|| {
            refused(format!(
                "post {id} needs its author: create it as (:Rider)-[:POSTED]->(:Post {{body: ...}})"
            ))
        })?;
        let body = string(node, "body")
            .ok_or_else(|| refused(format!("post {id} needs a `body` (a string)")))?;
        let body = PostBody::parse(body).map_err(|e| invalid("Post", e))?;
        let visibility = match node.props.get("visibility") {
            None => Visibility::Friends,
            Some(Value::String(s)) => Visibility::parse(s).map_err(|e| invalid("Post", e))?,
            Some(other) => {
                return Err(refused(format!(
                    "Post: visibility must be \"friends\" or \"public\", not a {}",
                    other.type_name()
                )))
            }
        };
        let interests = self.tags(id);
        if interests.len() > MAX_INTERESTS_PER_POST {
            return Err(refused(format!(
                "TAGGED: a post has at most {MAX_INTERESTS_PER_POST} interests (post {id} has {})",
                interests.len()
            )));
        }
        Ok(PostRecord {
            id: PostId(id),
            author: RiderId(author),
            body,
            visibility,
            photos: Vec::new(),
            place: None,
            interests,
            created_at: self.now,
        })
    }

    fn new_comment(&self, id: NodeId, node: &NewNode) -> Result<CommentRecord, CypherError> {
        let author = self.new_partner(id, COMMENTED, true).ok_or_else(|| {
            refused(format!(
                "comment {id} needs its author: (:Rider)-[:COMMENTED]->(:Comment {{body: ...}})"
            ))
        })?;
        let post = self.new_partner(id, ON, false).ok_or_else(|| {
            refused(format!(
                "comment {id} needs its post: (:Comment)-[:ON]->(:Post)"
            ))
        })?;
        let body = string(node, "body")
            .ok_or_else(|| refused(format!("comment {id} needs a `body` (a string)")))?;
        let body = CommentBody::parse(body).map_err(|e| invalid("Comment", e))?;
        if !self.can_see(author, post) {
            return Err(refused(format!(
                "COMMENTED: rider {author} cannot see post {post}, so cannot comment on it{}",
                VISIBILITY
            )));
        }
        Ok(CommentRecord {
            id: CommentId(id),
            post: PostId(post),
            author: RiderId(author),
            body,
            created_at: self.now,
        })
    }

    /// A new node's properties besides its own fields, as its extra properties.
    fn extra_props(
        &self,
        id: NodeId,
        node: &NewNode,
        out: &mut Vec<Change>,
    ) -> Result<(), CypherError> {
        let own = own_keys(node.kind);
        let extra: Vec<(&String, &Value)> = node
            .props
            .iter()
            .filter(|(k, _)| !own.contains(&k.as_str()))
            .collect();
        if !extra.is_empty() {
            out.push(Change::SetNodeProps {
                id: pillion_model::NodeId(id),
                props: to_props(extra)?,
            });
        }
        Ok(())
    }

    fn new_relationships(&self, out: &mut Vec<Change>) -> Result<(), CypherError> {
        let mut rels: Vec<(u64, RelId)> =
            self.new_rels.iter().map(|(r, new)| (new.seq, *r)).collect();
        rels.sort_unstable();
        for (_, r) in rels {
            let (a, b) = (r.start, r.end);
            let pending = || self.requested(a, b) || self.requested(b, a);
            let change = match r.ty {
                ty if ty >= SOCIAL_TYPES => {
                    let props = self.new_rels.get(&r).map(|n| &n.props);
                    Change::CreateRelWithId {
                        id: r.id,
                        rel: RelRecord {
                            rel_type: self.rel_type(r.ty).to_owned(),
                            from: pillion_model::NodeId(a),
                            to: pillion_model::NodeId(b),
                            props: to_props(props.into_iter().flatten())?,
                        },
                    }
                }
                IS_FRIEND if pending() => return Err(refused(format!(
                    "IS_FRIEND: riders {a} and {b} would be friends with a friend request pending between them; delete the FRIEND_REQUEST in the same query (that is how a request is accepted)"
                ))),
                IS_FRIEND => Change::CreateFriendship {
                    requester: RiderId(a),
                    accepter: RiderId(b),
                    since: self.now,
                },
                FRIEND_REQUEST if self.friends(a, b) => return Err(refused(format!(
                    "FRIEND_REQUEST: riders {a} and {b} are friends; friends have no request between them"
                ))),
                FRIEND_REQUEST if self.requested(b, a) => return Err(refused(format!(
                    "FRIEND_REQUEST: rider {b} already asked rider {a}; accept it instead (delete that FRIEND_REQUEST and create IS_FRIEND)"
                ))),
                FRIEND_REQUEST => Change::CreateFriendRequest {
                    from: RiderId(a),
                    to: RiderId(b),
                    created_at: self.now,
                },
                LIKES if !self.can_see(a, b) => return Err(refused(format!(
                    "LIKES: rider {a} cannot see post {b}, so cannot like it{VISIBILITY}"
                ))),
                LIKES => Change::Like {
                    rider: RiderId(a),
                    post: PostId(b),
                    created_at: self.now,
                },
                FOLLOWS => Change::Follow {
                    rider: RiderId(a),
                    interest: self.graph.canonical_interest(InterestId(b)),
                    created_at: self.now,
                },
                // Part of their new post or comment, made above.
                _ => continue,
            };
            out.push(change);
        }
        Ok(())
    }

    fn edits(&self, out: &mut Vec<Change>) -> Result<(), CypherError> {
        let mut nodes: Vec<NodeId> = self.edited.keys().copied().collect();
        nodes.sort_unstable();
        for n in nodes {
            let Some(edit) = self.edited.get(&n) else {
                continue;
            };
            let apply =
                |mut map: BTreeMap<String, Json>| -> Result<BTreeMap<String, Json>, CypherError> {
                    for (k, v) in &edit.props {
                        match v {
                            Some(v) => map.insert(k.clone(), to_json(v)?),
                            None => map.remove(k),
                        };
                    }
                    Ok(map)
                };
            match self.graph.kind(n) {
                Some(Kind::Rider) => out.push(self.rider_update(n, edit)?),
                Some(Kind::Other) => out.push(Change::UpdateNode(NodeRecord {
                    id: pillion_model::NodeId(n),
                    labels: edit.labels.clone().unwrap_or_else(|| self.graph.labels(n)),
                    props: Props::from_trusted(apply(self.graph.extra_properties_json(n))?),
                })),
                Some(_) => out.push(Change::SetNodeProps {
                    id: pillion_model::NodeId(n),
                    props: Props::from_trusted(apply(self.graph.extra_properties_json(n))?),
                }),
                None => {}
            }
        }
        let mut rels: Vec<RelId> = self.rel_edits.keys().copied().collect();
        rels.sort_unstable();
        for r in rels {
            let mut map: BTreeMap<String, Json> = self
                .graph
                .extra_rel_properties(r)
                .into_iter()
                .map(|(k, v)| (k, crate::extras::blob::value_to_json(&v)))
                .collect();
            for (k, v) in self.rel_edits.get(&r).into_iter().flatten() {
                match v {
                    Some(v) => map.insert(k.clone(), to_json(v)?),
                    None => map.remove(k),
                };
            }
            out.push(Change::SetRelProps {
                id: r.id,
                props: Props::from_trusted(map),
            });
        }
        Ok(())
    }

    /// A rider's new name and props, as PATCH /v1/riders/me would store them (a patch of the
    /// props: the keys set or removed).
    fn rider_update(&self, n: NodeId, edit: &super::Edit) -> Result<Change, CypherError> {
        let rider = self
            .graph
            .rider(RiderId(n))
            .ok_or_else(|| refused(format!("rider {n} does not exist")))?;
        let mut name = rider.name.clone();
        let mut patch = serde_json::Map::new();
        for (k, v) in &edit.props {
            match (k.as_str(), v) {
                ("name", Some(Value::String(s))) => {
                    name = RiderName::parse(s).map_err(|e| invalid("Rider", e))?;
                }
                ("name", _) => {
                    return Err(refused("Rider property `name`: a rider always has a name"))
                }
                (_, Some(v)) => {
                    patch.insert(k.clone(), to_json(v)?);
                }
                (_, None) => {
                    patch.insert(k.clone(), Json::Null);
                }
            }
        }
        let props = rider
            .props
            .merged(&Json::Object(patch))
            .map_err(|e| invalid("Rider", e))?;
        Ok(Change::UpdateRider {
            id: RiderId(n),
            name,
            props,
        })
    }
}

/// Why a like or comment of an invisible post is refused.
const VISIBILITY: &str =
    " (a post is seen by its author, the author's friends, and everyone if it is public)";

fn lost(r: RelId, reason: String) -> CypherError {
    refused(format!("{}: {reason}", type_name(r.ty)))
}
