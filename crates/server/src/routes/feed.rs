//! The news feed and walls.

use axum::extract::State;
use axum::response::Response;
use axum::routing::get;
use axum::Router;
use pillion_model::RiderId;

use super::{feed_cursor, feed_next};
use crate::error::{ApiError, ApiResult};
use crate::extract::{parse_id, ListParams, PathParam};
use crate::post_json::post_list_response;
use crate::state::{AppState, Viewer};
use crate::views::{List, PostView};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/v1/feed", get(feed))
        .route("/v1/riders/{id}/wall", get(wall))
}

/// The news feed
///
/// What the viewer and the viewer's friends posted, plus public posts with an interest the
/// viewer follows; newest first, each post once. A write is in its author's feed at once and in
/// friends' feeds within 100 ms.
#[utoipa::path(
    get,
    path = "/v1/feed",
    tag = "feed",
    operation_id = "get_feed",
    security(("bearer" = [])),
    params(crate::openapi::ListQuery),
    responses(
        (status = 200, description = "A page of posts, newest first.", body = List<PostView>),
    )
)]
async fn feed(State(s): State<AppState>, viewer: Viewer, page: ListParams) -> ApiResult<Response> {
    let scope = format!("feed:{}", viewer.id);
    let before = feed_cursor(&s, &scope, page.cursor.as_deref())?;
    let g = s.engine.read();
    let p = g.feed(viewer.id, before, page.limit);
    let items = PostView::list(&g, viewer.id, &p.items);
    let next_cursor = feed_next(&s, &scope, p.next);
    Ok(post_list_response(&items, next_cursor.as_deref()))
}

/// A rider's wall
///
/// The rider's posts that the viewer may see, newest first: all of them for the rider and their
/// friends, their public posts for everyone else.
#[utoipa::path(
    get,
    path = "/v1/riders/{id}/wall",
    tag = "feed",
    operation_id = "get_wall",
    security(("bearer" = [])),
    params(("id" = u64, Path, description = "The rider."), crate::openapi::ListQuery),
    responses(
        (status = 200, description = "A page of posts, newest first.", body = List<PostView>),
        (status = 404, description = "`not_found`: no such rider.", body = crate::openapi::ErrorBody),
    )
)]
async fn wall(
    State(s): State<AppState>,
    viewer: Viewer,
    PathParam(id): PathParam<String>,
    page: ListParams,
) -> ApiResult<Response> {
    let id = RiderId(parse_id("id", &id)?);
    let scope = format!("wall:{}:{id}", viewer.id);
    let before = feed_cursor(&s, &scope, page.cursor.as_deref())?;
    let g = s.engine.read();
    let rider = g.rider(id).ok_or_else(|| ApiError::not_found("rider"))?;
    let p = g.wall(viewer.id, rider, before, page.limit);
    let items = PostView::list(&g, viewer.id, &p.items);
    let next_cursor = feed_next(&s, &scope, p.next);
    Ok(post_list_response(&items, next_cursor.as_deref()))
}
