//! Following interests, and the posts that carry one.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::{get, post};
use axum::Router;
use pillion_model::{Command, InterestName};

use super::{feed_cursor, feed_next};
use crate::error::ApiResult;
use crate::extract::{ListParams, PathParam};
use crate::state::{AppState, Viewer};
use crate::views::{json, List, PostView};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/v1/interests/{name}/follow", post(follow).delete(unfollow))
        .route("/v1/interests/{name}/posts", get(posts))
}

async fn follow(
    State(s): State<AppState>,
    viewer: Viewer,
    PathParam(name): PathParam<String>,
) -> ApiResult<StatusCode> {
    let interest = InterestName::parse(&name)?;
    s.engine
        .write(Command::Follow {
            rider: viewer.id,
            interest,
        })
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

async fn unfollow(
    State(s): State<AppState>,
    viewer: Viewer,
    PathParam(name): PathParam<String>,
) -> ApiResult<StatusCode> {
    let interest = InterestName::parse(&name)?;
    s.engine
        .write(Command::Unfollow {
            rider: viewer.id,
            interest,
        })
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

async fn posts(
    State(s): State<AppState>,
    viewer: Viewer,
    PathParam(name): PathParam<String>,
    page: ListParams,
) -> ApiResult<Response> {
    let name = InterestName::parse(&name)?;
    let scope = format!("interest:{}:{}", viewer.id, name.key());
    let before = feed_cursor(&s, &scope, page.cursor.as_deref())?;
    let g = s.engine.read();
    let p = g.interest_posts(viewer.id, name.as_str(), before, page.limit);
    let items = PostView::list(&g, viewer.id, &p.items);
    let next_cursor = feed_next(&s, &scope, p.next);
    Ok(json(StatusCode::OK, &List { items, next_cursor }))
}
