//! The social model's nodes and relationships, derived on the fly from the engine's structures.
//!
//! Some directions have no index in the engine (a rider's likes and comments, an interest's
//! followers): they are answered by a scan of the posts, comments or riders. Queries that start
//! from the indexed end (a post's likers, a comment's author) cost nothing extra.

use pillion_cypher::{Direction, RelId, Value};
use pillion_model::{CommentId, InterestId, PostId, RiderId};

use super::{
    incoming, int, json, outgoing, rel, time, wants, AT, COMMENTED, FOLLOWS, FRIEND_REQUEST,
    IS_FRIEND, LIKES, ON, PLACE_BIT, POSTED, TAGGED,
};
use crate::state::{Comment, Graph, Interest, Post, Rider};

impl Graph {
    pub(super) fn expand_rider(
        &self,
        r: &Rider,
        d: Direction,
        types: &[&str],
        out: &mut Vec<RelId>,
    ) {
        let me = r.id.0;
        if wants(types, IS_FRIEND) {
            // A friendship points from the requester to the accepter: `friends_asked` is the
            // ascending subset of `friends` that this rider asked, walked alongside.
            let mut asked = r.friends_asked.iter().peekable();
            for f in &r.friends {
                let from_me = asked.next_if(|a| **a == *f).is_some();
                if from_me && outgoing(d) {
                    out.push(rel(IS_FRIEND, me, f.0));
                } else if !from_me && incoming(d) {
                    out.push(rel(IS_FRIEND, f.0, me));
                }
            }
        }
        if wants(types, FRIEND_REQUEST) {
            if outgoing(d) {
                out.extend(
                    r.requests_out
                        .iter()
                        .map(|to| rel(FRIEND_REQUEST, me, to.0)),
                );
            }
            if incoming(d) {
                out.extend(
                    r.requests_in
                        .iter()
                        .map(|(_, from)| rel(FRIEND_REQUEST, from.0, me)),
                );
            }
        }
        if outgoing(d) {
            if wants(types, POSTED) {
                out.extend(r.posts.iter().map(|(_, p)| rel(POSTED, me, p.0)));
            }
            if wants(types, FOLLOWS) {
                out.extend(r.follows.iter().map(|i| rel(FOLLOWS, me, i.0)));
            }
            // No index from a rider to its likes and comments: a scan (see the module docs).
            if wants(types, LIKES) {
                let mut liked: Vec<u64> = self
                    .posts
                    .values()
                    .filter(|p| crate::sorted::contains(&p.likers, &r.id))
                    .map(|p| p.id.0)
                    .collect();
                liked.sort_unstable();
                out.extend(liked.into_iter().map(|p| rel(LIKES, me, p)));
            }
            if wants(types, COMMENTED) {
                let mut said: Vec<u64> = self
                    .comments
                    .values()
                    .filter(|c| c.author == r.id)
                    .map(|c| c.id.0)
                    .collect();
                said.sort_unstable();
                out.extend(said.into_iter().map(|c| rel(COMMENTED, me, c)));
            }
        }
    }

    pub(super) fn expand_post(&self, p: &Post, d: Direction, types: &[&str], out: &mut Vec<RelId>) {
        let me = p.id.0;
        if incoming(d) {
            if wants(types, POSTED) {
                out.push(rel(POSTED, p.author.0, me));
            }
            if wants(types, LIKES) {
                out.extend(p.likers.iter().map(|r| rel(LIKES, r.0, me)));
            }
            if wants(types, ON) {
                out.extend(p.comments.iter().map(|(_, c)| rel(ON, c.0, me)));
            }
        }
        if outgoing(d) {
            if wants(types, TAGGED) {
                out.extend(p.interests.iter().map(|i| rel(TAGGED, me, i.0)));
            }
            if wants(types, AT) && p.place.is_some() {
                out.push(rel(AT, me, me | PLACE_BIT));
            }
        }
    }

    pub(super) fn expand_comment(
        &self,
        c: &Comment,
        d: Direction,
        types: &[&str],
        out: &mut Vec<RelId>,
    ) {
        if incoming(d) && wants(types, COMMENTED) {
            out.push(rel(COMMENTED, c.author.0, c.id.0));
        }
        if outgoing(d) && wants(types, ON) {
            out.push(rel(ON, c.id.0, c.post.0));
        }
    }

    pub(super) fn expand_interest(
        &self,
        i: &Interest,
        d: Direction,
        types: &[&str],
        out: &mut Vec<RelId>,
    ) {
        if incoming(d) && wants(types, TAGGED) {
            out.extend(i.posts.iter().map(|(_, p)| rel(TAGGED, p.0, i.id.0)));
        }
        if incoming(d) && wants(types, FOLLOWS) {
            let mut fans: Vec<u64> = self
                .riders
                .values()
                .filter(|r| crate::sorted::contains(&r.follows, &i.id))
                .map(|r| r.id.0)
                .collect();
            fans.sort_unstable();
            out.extend(fans.into_iter().map(|r| rel(FOLLOWS, r, i.id.0)));
        }
    }

    /// Whether the social relationship `r` (type below `SOCIAL_TYPES`) exists: a lookup at its
    /// indexed end, not an expansion.
    pub(super) fn has_social_rel(&self, r: RelId) -> bool {
        let (start, end) = (r.start, r.end);
        let exists = match r.ty {
            IS_FRIEND => self
                .friendship(RiderId(start), RiderId(end))
                .is_some_and(|(asker, _)| asker.0 == start),
            FRIEND_REQUEST => self
                .riders
                .get(&RiderId(start))
                .is_some_and(|x| x.has_requested(RiderId(end))),
            POSTED => self
                .posts
                .get(&PostId(end))
                .is_some_and(|p| p.author.0 == start),
            LIKES => self
                .posts
                .get(&PostId(end))
                .is_some_and(|p| crate::sorted::contains(&p.likers, &RiderId(start))),
            COMMENTED => self
                .comments
                .get(&CommentId(end))
                .is_some_and(|c| c.author.0 == start),
            ON => self
                .comments
                .get(&CommentId(start))
                .is_some_and(|c| c.post.0 == end),
            FOLLOWS => self
                .riders
                .get(&RiderId(start))
                .is_some_and(|x| crate::sorted::contains(&x.follows, &InterestId(end))),
            TAGGED => self
                .posts
                .get(&PostId(start))
                .is_some_and(|p| p.interests.contains(&InterestId(end))),
            AT => {
                end == start | PLACE_BIT
                    && self
                        .posts
                        .get(&PostId(start))
                        .is_some_and(|p| p.place.is_some())
            }
            _ => false,
        };
        exists && rel(r.ty, start, end) == r
    }

    /// A property of a social node's own (not one of its extra properties).
    pub(super) fn rider_property(r: &Rider, key: &str) -> Option<Value> {
        match key {
            "id" => Some(int(r.id.0)),
            "handle" => Some(Value::String(r.handle.as_str().to_owned())),
            "name" => Some(Value::String(r.name.as_str().to_owned())),
            "created_at" => Some(time(r.created_at)),
            _ => r.props.get(key).and_then(json),
        }
    }

    pub(super) fn post_property(p: &Post, key: &str) -> Option<Value> {
        match key {
            "id" => Some(int(p.id.0)),
            "body" => Some(Value::String(p.body.as_str().to_owned())),
            "visibility" => Some(Value::String(p.visibility.as_str().to_owned())),
            "created_at" => Some(time(p.created_at)),
            _ => None,
        }
    }

    pub(super) fn comment_property(c: &Comment, key: &str) -> Option<Value> {
        match key {
            "id" => Some(int(c.id.0)),
            "body" => Some(Value::String(c.body.as_str().to_owned())),
            "created_at" => Some(time(c.created_at)),
            _ => None,
        }
    }

    pub(super) fn place_property(p: &Post, key: &str) -> Option<Value> {
        let place = p.place.as_deref()?;
        match key {
            "name" => Some(Value::String(place.name.clone())),
            "lat" => Some(Value::Float(place.lat)),
            "lon" => Some(Value::Float(place.lon)),
            _ => None,
        }
    }

    /// `since` of a friendship, `created_at` of a pending request.
    pub(super) fn social_rel_property(&self, r: RelId, key: &str) -> Option<Value> {
        match (r.ty, key) {
            (IS_FRIEND, "since") => self
                .friendship(RiderId(r.start), RiderId(r.end))
                .map(|(_, since)| time(since)),
            (FRIEND_REQUEST, "created_at") => self
                .riders
                .get(&RiderId(r.end))?
                .requests_in
                .iter()
                .find(|(_, from)| from.0 == r.start)
                .map(|(at, _)| time(*at)),
            _ => None,
        }
    }
}
