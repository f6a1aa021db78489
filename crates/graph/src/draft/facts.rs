//! What holds in the draft now: the committed graph with the query's changes in. The rules ask
//! these while the query runs (is there a like already?) and again at its end (may this rider see
//! that post?).

use pillion_cypher::{NodeId, Value};
use pillion_model::{InterestId, PostId, RiderId, Visibility};

use super::Draft;
use crate::cypher::{rel, Kind, FOLLOWS, FRIEND_REQUEST, IS_FRIEND, LIKES, POSTED, TAGGED};

impl Draft<'_> {
    /// Whether the committed relationship is still there.
    fn kept(&self, r: pillion_cypher::RelId) -> bool {
        !self.dead_rels.contains(&r)
    }

    fn new_rel(&self, ty: u32, a: NodeId, b: NodeId) -> bool {
        self.new_rels.contains_key(&rel(ty, a, b))
    }

    pub(super) fn friends(&self, a: NodeId, b: NodeId) -> bool {
        if self.new_rel(IS_FRIEND, a, b) || self.new_rel(IS_FRIEND, b, a) {
            return true;
        }
        self.graph
            .friendship(RiderId(a), RiderId(b))
            .is_some_and(|(requester, _)| {
                let accepter = if requester.0 == a { b } else { a };
                self.kept(rel(IS_FRIEND, requester.0, accepter))
            })
    }

    /// Whether `a` has a pending request to `b`.
    pub(super) fn requested(&self, a: NodeId, b: NodeId) -> bool {
        self.new_rel(FRIEND_REQUEST, a, b)
            || (self
                .graph
                .rider(RiderId(a))
                .is_some_and(|r| r.has_requested(RiderId(b)))
                && self.kept(rel(FRIEND_REQUEST, a, b)))
    }

    pub(super) fn likes(&self, rider: NodeId, post: NodeId) -> bool {
        self.new_rel(LIKES, rider, post)
            || (self
                .graph
                .post(PostId(post))
                .is_some_and(|p| crate::sorted::contains(p.likers(), &RiderId(rider)))
                && self.kept(rel(LIKES, rider, post)))
    }

    /// Whether the rider follows the interest (or the one it is a case variant of).
    pub(super) fn follows(&self, rider: NodeId, interest: NodeId) -> bool {
        let canonical = self.graph.canonical_interest(InterestId(interest));
        let new = self.new_rels_at(rider).any(|r| {
            r.ty == FOLLOWS
                && r.start == rider
                && self.graph.canonical_interest(InterestId(r.end)) == canonical
        });
        new || (self
            .graph
            .rider(RiderId(rider))
            .is_some_and(|r| r.follows().contains(&canonical))
            && self.kept(rel(FOLLOWS, rider, canonical.0)))
    }

    /// The interests a new post is tagged with, in the order the query tagged it, each once.
    pub(super) fn tags(&self, post: NodeId) -> Vec<InterestId> {
        let mut tags: Vec<(u64, InterestId)> = self
            .new_rels_at(post)
            .filter(|r| r.ty == TAGGED && r.start == post)
            .filter_map(|r| {
                let seq = self.new_rels.get(&r)?.seq;
                Some((seq, self.graph.canonical_interest(InterestId(r.end))))
            })
            .collect();
        tags.sort_unstable();
        let mut seen = Vec::new();
        for (_, i) in tags {
            if !seen.contains(&i) {
                seen.push(i);
            }
        }
        seen
    }

    /// The node at the other end of the one new relationship of type `ty` ending (`incoming`)
    /// or starting at `node`.
    pub(super) fn new_partner(&self, node: NodeId, ty: u32, incoming: bool) -> Option<NodeId> {
        self.new_rels_at(node).find_map(|r| match incoming {
            true if r.ty == ty && r.end == node => Some(r.start),
            false if r.ty == ty && r.start == node => Some(r.end),
            _ => None,
        })
    }

    /// A post's author and visibility as they are now (a new post's may still be incomplete or
    /// invalid: `finish` refuses those on their own).
    fn post_facts(&self, post: NodeId) -> Option<(NodeId, Visibility)> {
        if let Some(n) = self.created.get(&post) {
            if n.kind != Kind::Post {
                return None;
            }
            let author = self.new_partner(post, POSTED, true)?;
            let visibility = match n.props.get("visibility") {
                Some(Value::String(s)) if s == "public" => Visibility::Public,
                _ => Visibility::Friends,
            };
            return Some((author, visibility));
        }
        if self.deleted.contains(&post) {
            return None;
        }
        self.graph
            .post(PostId(post))
            .map(|p| (p.author.0, p.visibility))
    }

    /// Who may see a post (as `Graph::can_see` decides it): its author, the author's friends,
    /// and everyone for a public post.
    pub(super) fn can_see(&self, rider: NodeId, post: NodeId) -> bool {
        self.post_facts(post).is_some_and(|(author, visibility)| {
            visibility == Visibility::Public || author == rider || self.friends(rider, author)
        })
    }
}
