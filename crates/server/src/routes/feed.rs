//! The news feed and walls.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::get;
use axum::Router;
use pillion_model::RiderId;

use super::{feed_cursor, feed_next};
use crate::error::{ApiError, ApiResult};
use crate::extract::{parse_id, ListParams, PathParam};
use crate::state::{AppState, Viewer};
use crate::views::{json, List, PostView};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/v1/feed", get(feed))
        .route("/v1/riders/{id}/wall", get(wall))
}

async fn feed(State(s): State<AppState>, viewer: Viewer, page: ListParams) -> ApiResult<Response> {
    let scope = format!("feed:{}", viewer.id);
    let before = feed_cursor(&s, &scope, page.cursor.as_deref())?;
    let g = s.engine.read();
    let p = g.feed(viewer.id, before, page.limit);
    let items = PostView::list(&g, viewer.id, &p.items);
    let next_cursor = feed_next(&s, &scope, p.next);
    Ok(json(StatusCode::OK, &List { items, next_cursor }))
}

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
    Ok(json(StatusCode::OK, &List { items, next_cursor }))
}
