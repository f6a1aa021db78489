//! What responses look like: the contract's JSON shapes, built from the graph for one viewer.
//! Everything here borrows from the graph, so build a response while holding the read guard and
//! serialize it before letting go.

use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use pillion_graph::{Comment, Graph, Post, Rider};
use pillion_model::{CommentId, Photo, Place, PostId, Props, RiderId, Timestamp};
use serde::Serialize;

use crate::error::ApiError;

/// A rider in a list: `{id, handle, name}`.
#[derive(Serialize, utoipa::ToSchema)]
pub struct RiderSummary<'a> {
    #[schema(value_type = u64)]
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

/// A rider's profile, as the viewer sees it.
#[derive(Serialize, utoipa::ToSchema)]
pub struct RiderView<'a> {
    #[schema(value_type = u64)]
    pub id: RiderId,
    pub handle: &'a str,
    pub name: &'a str,
    #[schema(value_type = crate::openapi::Props)]
    pub props: &'a Props,
    #[schema(value_type = String, format = DateTime, example = "2026-11-21T22:12:08.123Z")]
    pub created_at: Timestamp,
    pub friend_count: usize,
    /// How many of the rider's posts the viewer may see.
    pub post_count: usize,
    /// How the viewer stands to this rider.
    #[schema(value_type = crate::openapi::Relation)]
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

/// A post, enriched for the viewer.
#[derive(Serialize, utoipa::ToSchema)]
pub struct PostView<'a> {
    #[schema(value_type = u64)]
    pub id: PostId,
    pub author: RiderSummary<'a>,
    pub body: &'a str,
    /// See `Post::body_is_plain`.
    #[serde(skip)]
    pub body_is_plain: bool,
    #[schema(value_type = crate::openapi::Visibility)]
    pub visibility: &'static str,
    #[schema(value_type = Vec<crate::openapi::Photo>)]
    pub photos: &'a [Photo],
    /// `null` if the post has no place.
    #[schema(value_type = Option<crate::openapi::Place>, required = true)]
    pub place: Option<&'a Place>,
    /// The post's interest names.
    pub interests: Vec<&'a str>,
    #[schema(value_type = String, format = DateTime, example = "2026-11-21T22:12:08.123Z")]
    pub created_at: Timestamp,
    /// How many riders like the post.
    pub like_count: usize,
    pub comment_count: usize,
    pub liked_by_me: bool,
    /// Friends of the viewer who liked the post (never the viewer), up to 3.
    #[schema(max_items = 3)]
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
            body_is_plain: p.body_is_plain,
            visibility: p.visibility.as_str(),
            photos: &p.photos,
            place: p.place.as_deref(),
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

/// A comment on a post.
#[derive(Serialize, utoipa::ToSchema)]
pub struct CommentView<'a> {
    #[schema(value_type = u64)]
    pub id: CommentId,
    /// The post it is on (an extension of the contract).
    #[schema(value_type = u64)]
    pub post_id: PostId,
    pub author: RiderSummary<'a>,
    pub body: &'a str,
    #[schema(value_type = String, format = DateTime, example = "2026-11-21T22:12:08.123Z")]
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

/// A page of a list: `{items, next_cursor}`.
#[derive(Serialize, utoipa::ToSchema)]
pub struct List<T> {
    pub items: Vec<T>,
    /// Pass as `cursor` for the next page; `null` on the last page.
    #[schema(required = true)]
    pub next_cursor: Option<String>,
}

/// Serializes `body` with `status` as an `application/json` response.
pub fn json<T: Serialize>(status: StatusCode, body: &T) -> Response {
    // Sized for a feed page (4-5 KiB at scale 1), so serializing one rarely reallocates.
    let mut bytes = Vec::with_capacity(8192);
    match serde_json::to_writer(&mut bytes, body) {
        Ok(()) => (
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
