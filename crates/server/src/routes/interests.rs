//! Following interests, and the posts that carry one.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::{get, post};
use axum::Router;
use pillion_model::{Command, InterestName};

use super::{feed_cursor, feed_next, no_content};
use crate::error::ApiResult;
use crate::extract::{ListParams, PathParam};
use crate::post_json::post_list_response;
use crate::state::{AppState, Viewer};
use crate::views::{List, PostView};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/v1/interests/{name}/follow", post(follow).delete(unfollow))
        .route("/v1/interests/{name}/posts", get(posts))
}

/// Follow an interest
///
/// Public posts with this interest join the viewer's feed. Idempotent: following an interest
/// already followed answers 204 again.
#[utoipa::path(
    post,
    path = "/v1/interests/{name}/follow",
    tag = "interests",
    operation_id = "follow_interest",
    security(("bearer" = [])),
    params(("name" = String, Path, description = "The interest name, 1-80 characters, matched case-insensitively; percent-encode `/` as `%2F`.")),
    responses(
        (status = 204, description = "The viewer follows the interest."),
        (status = 400, description = "`invalid_request`: the name is empty, blank, over 80 characters or holds control characters.", body = crate::openapi::ErrorBody),
    )
)]
async fn follow(
    State(s): State<AppState>,
    viewer: Viewer,
    PathParam(name): PathParam<String>,
) -> ApiResult<StatusCode> {
    let interest = InterestName::parse(&name)?;
    no_content(
        &s,
        Command::Follow {
            rider: viewer.id,
            interest,
        },
    )
    .await
}

/// Stop following an interest
///
/// Idempotent: unfollowing an interest not followed (or unknown) answers 204.
#[utoipa::path(
    delete,
    path = "/v1/interests/{name}/follow",
    tag = "interests",
    operation_id = "unfollow_interest",
    security(("bearer" = [])),
    params(("name" = String, Path, description = "The interest name, 1-80 characters, matched case-insensitively; percent-encode `/` as `%2F`.")),
    responses(
        (status = 204, description = "The viewer does not follow the interest."),
        (status = 400, description = "`invalid_request`: the name is empty, blank, over 80 characters or holds control characters.", body = crate::openapi::ErrorBody),
    )
)]
async fn unfollow(
    State(s): State<AppState>,
    viewer: Viewer,
    PathParam(name): PathParam<String>,
) -> ApiResult<StatusCode> {
    let interest = InterestName::parse(&name)?;
    no_content(
        &s,
        Command::Unfollow {
            rider: viewer.id,
            interest,
        },
    )
    .await
}

/// Posts with an interest
///
/// The posts with this interest that the viewer may see, newest first; an unknown interest has
/// none.
#[utoipa::path(
    get,
    path = "/v1/interests/{name}/posts",
    tag = "interests",
    operation_id = "list_interest_posts",
    security(("bearer" = [])),
    params(("name" = String, Path, description = "The interest name, 1-80 characters, matched case-insensitively; percent-encode `/` as `%2F`."), crate::openapi::ListQuery),
    responses(
        (status = 200, description = "A page of posts, newest first.", body = List<PostView>),
        (status = 400, description = "`invalid_request`: the name is empty, blank, over 80 characters or holds control characters.", body = crate::openapi::ErrorBody),
    )
)]
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
    Ok(post_list_response(&items, next_cursor.as_deref()))
}
