//! The HTTP routes, one file per resource, each exposing `router()`.

use axum::http::StatusCode;
use axum::Router;
use pillion_graph::FeedKey;
use pillion_model::Command;

use crate::cursor;
use crate::error::{ApiError, ApiResult};
use crate::state::AppState;

pub mod batch;
pub mod cypher;
pub mod feed;
pub mod friends;
pub mod interests;
pub mod ops;
pub mod posts;
pub mod riders;

/// Every `/v1` route.
pub fn api() -> Router<AppState> {
    Router::new()
        .merge(riders::router())
        .merge(friends::router())
        .merge(interests::router())
        .merge(posts::router())
        .merge(feed::router())
        .merge(batch::router())
        .merge(cypher::router())
}

/// Runs a command whose success is answered 204 No Content.
pub(crate) async fn no_content(state: &AppState, command: Command) -> ApiResult<StatusCode> {
    state.engine.write(command).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Reads a post-list cursor for `scope`.
pub(crate) fn feed_cursor(
    state: &AppState,
    scope: &str,
    cursor: Option<&str>,
) -> Result<Option<FeedKey>, ApiError> {
    cursor::read(&state.keys, scope, cursor)
}

pub(crate) fn feed_next(state: &AppState, scope: &str, next: Option<FeedKey>) -> Option<String> {
    cursor::write(&state.keys, scope, next)
}
