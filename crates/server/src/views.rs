//! What responses look like: the contract's JSON shapes, built from the graph for one viewer.
//! Everything here borrows from the graph, so build a response while holding the read guard and
//! serialize it before letting go.

use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use pillion_graph::{Comment, Graph, Post, Rider};
use pillion_model::{CommentId, Photo, Place, PostId, Props, RiderId, Timestamp};
use serde::Serialize;

use crate::error::ApiError;

#[derive(Serialize)]
pub struct RiderSummary<'a> {
    pub id: RiderId,
    pub handle: &'a str,
    pub name: &'a str,
}

impl<'a> RiderSummary<'a> {
    pub fn of(r: &'a Rider) -> Self {
        RiderSummary {
            id: r.id,
            handle: r.handle.as_str(),
            name: r.name.as_str(),
        }
    }
}

#[derive(Serialize)]
pub struct RiderView<'a> {
    pub id: RiderId,
    pub handle: &'a str,
    pub name: &'a str,
    pub props: &'a Props,
    pub created_at: Timestamp,
    pub friend_count: usize,
    pub post_count: usize,
    pub relation: &'static str,
}

impl<'a> RiderView<'a> {
    pub fn of(g: &'a Graph, viewer: RiderId, r: &'a Rider) -> Self {
        RiderView {
            id: r.id,
            handle: r.handle.as_str(),
            name: r.name.as_str(),
            props: &r.props,
            created_at: r.created_at,
            friend_count: r.friends().len(),
            post_count: g.visible_post_count(viewer, r),
            relation: g.relation(viewer, r.id).as_str(),
        }
    }
}

#[derive(Serialize)]
pub struct PostView<'a> {
    pub id: PostId,
    pub author: RiderSummary<'a>,
    pub body: &'a str,
    pub visibility: &'static str,
    pub photos: &'a [Photo],
    pub place: Option<&'a Place>,
    pub interests: Vec<&'a str>,
    pub created_at: Timestamp,
    pub like_count: usize,
    pub comment_count: usize,
    pub liked_by_me: bool,
    pub friends_who_liked: Vec<RiderSummary<'a>>,
}

impl<'a> PostView<'a> {
    /// The post enriched for `viewer`; None if its author is unknown (cannot happen in a
    /// consistent graph, but a response must not panic on it).
    pub fn of(g: &'a Graph, viewer: RiderId, p: &'a Post) -> Option<Self> {
        let author = g.rider(p.author)?;
        let v = g.view(viewer, p);
        Some(PostView {
            id: p.id,
            author: RiderSummary::of(author),
            body: p.body.as_str(),
            visibility: p.visibility.as_str(),
            photos: &p.photos,
            place: p.place.as_ref(),
            interests: p
                .interests
                .iter()
                .filter_map(|i| g.interest(*i))
                .map(|i| i.name.as_str())
                .collect(),
            created_at: p.created_at,
            like_count: v.like_count,
            comment_count: v.comment_count,
            liked_by_me: v.liked_by_me,
            friends_who_liked: v
                .friends_who_liked
                .into_iter()
                .map(RiderSummary::of)
                .collect(),
        })
    }

    /// Posts by id for a list, skipping any that vanished.
    pub fn list(g: &'a Graph, viewer: RiderId, ids: &[PostId]) -> Vec<Self> {
        ids.iter()
            .filter_map(|id| g.post(*id))
            .filter_map(|p| Self::of(g, viewer, p))
            .collect()
    }
}

#[derive(Serialize)]
pub struct CommentView<'a> {
    pub id: CommentId,
    pub post_id: PostId,
    pub author: RiderSummary<'a>,
    pub body: &'a str,
    pub created_at: Timestamp,
}

impl<'a> CommentView<'a> {
    pub fn of(g: &'a Graph, c: &'a Comment) -> Option<Self> {
        Some(CommentView {
            id: c.id,
            post_id: c.post,
            author: RiderSummary::of(g.rider(c.author)?),
            body: c.body.as_str(),
            created_at: c.created_at,
        })
    }
}

#[derive(Serialize)]
pub struct List<T> {
    pub items: Vec<T>,
    pub next_cursor: Option<String>,
}

/// Serializes `body` with `status` as an `application/json` response.
pub fn json<T: Serialize>(status: StatusCode, body: &T) -> Response {
    match serde_json::to_vec(body) {
        Ok(bytes) => (
            status,
            [(
                header::CONTENT_TYPE,
                HeaderValue::from_static("application/json"),
            )],
            bytes,
        )
            .into_response(),
        Err(e) => ApiError::internal(&e).into_response(),
    }
}
