//! Friend requests that become mutual, friend lists and suggestions.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::{delete, get, post};
use axum::Router;
use pillion_model::{Command, Outcome, RiderId, Timestamp};
use serde::Serialize;
use serde_json::json;

use super::no_content;
use crate::cursor;
use crate::error::{ApiError, ApiResult};
use crate::extract::{parse_id, ListParams, PathParam};
use crate::state::{AppState, Viewer};
use crate::views::{json, List, RiderSummary};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/v1/riders/{id}/friend-request", post(friend_request))
        .route("/v1/friend-requests", get(incoming))
        .route("/v1/friend-requests/{from_id}/accept", post(accept))
        .route("/v1/friend-requests/{from_id}/decline", post(decline))
        .route("/v1/friends/{id}", delete(unfriend))
        .route("/v1/riders/{id}/friends", get(friends))
        .route("/v1/me/suggestions", get(suggestions))
}

pub(crate) fn status_body(outcome: &Outcome) -> serde_json::Value {
    match outcome {
        Outcome::Friend(status) => json!({ "status": status }),
        _ => json!({}),
    }
}

/// Ask a rider to be friends
///
/// Sends a friend request to `{id}`. If `{id}` had already asked the viewer, the two become
/// friends at once and the answer says `friends`. Asking again while a request is pending
/// answers `requested` and changes nothing.
#[utoipa::path(
    post,
    path = "/v1/riders/{id}/friend-request",
    tag = "friends",
    operation_id = "send_friend_request",
    security(("bearer" = [])),
    params(("id" = u64, Path, description = "The rider to ask.")),
    responses(
        (status = 201, description = "`requested`, or `friends` if they had asked the viewer.", body = crate::openapi::FriendStatusBody),
        (status = 400, description = "`invalid_request`: a rider cannot befriend themselves.", body = crate::openapi::ErrorBody),
        (status = 404, description = "`not_found`: no such rider.", body = crate::openapi::ErrorBody),
        (status = 409, description = "`conflict`: already friends.", body = crate::openapi::ErrorBody),
    )
)]
async fn friend_request(
    State(s): State<AppState>,
    viewer: Viewer,
    PathParam(id): PathParam<String>,
) -> ApiResult<Response> {
    let to = RiderId(parse_id("id", &id)?);
    if to == viewer.id {
        return Err(ApiError::invalid("id", "you cannot befriend yourself"));
    }
    let outcome = s
        .engine
        .write(Command::FriendRequest {
            from: viewer.id,
            to,
        })
        .await?;
    Ok(json(StatusCode::CREATED, &status_body(&outcome)))
}

/// A pending request to the viewer.
#[derive(Serialize, utoipa::ToSchema)]
#[schema(as = IncomingFriendRequest)]
struct Request<'a> {
    /// Who asked.
    from: RiderSummary<'a>,
    /// When they asked.
    #[schema(value_type = String, format = DateTime)]
    created_at: Timestamp,
}

/// Incoming friend requests
///
/// The requests that wait for the viewer's answer, newest first.
#[utoipa::path(
    get,
    path = "/v1/friend-requests",
    tag = "friends",
    operation_id = "list_friend_requests",
    security(("bearer" = [])),
    params(crate::openapi::ListQuery),
    responses(
        (status = 200, description = "A page of requests, newest first.", body = List<Request>),
    )
)]
async fn incoming(
    State(s): State<AppState>,
    viewer: Viewer,
    page: ListParams,
) -> ApiResult<Response> {
    let scope = format!("requests:{}", viewer.id);
    let before = cursor::read(&s.keys, &scope, page.cursor.as_deref())?;
    let g = s.engine.read();
    let me = g
        .rider(viewer.id)
        .ok_or_else(|| ApiError::not_found("rider"))?;
    let p = g.incoming_requests(me, before, page.limit);
    let items: Vec<Request> = p
        .items
        .iter()
        .filter_map(|(t, from)| {
            g.rider(*from).map(|r| Request {
                from: RiderSummary::of(r),
                created_at: *t,
            })
        })
        .collect();
    let next_cursor = cursor::write(&s.keys, &scope, p.next);
    Ok(json(StatusCode::OK, &List { items, next_cursor }))
}

/// Accept a friend request
///
/// Accepts the pending request from `{from_id}`: the two become friends.
#[utoipa::path(
    post,
    path = "/v1/friend-requests/{from_id}/accept",
    tag = "friends",
    operation_id = "accept_friend_request",
    security(("bearer" = [])),
    params(("from_id" = u64, Path, description = "The rider who asked.")),
    responses(
        (status = 200, description = "`friends`.", body = crate::openapi::FriendStatusBody),
        (status = 404, description = "`not_found`: no pending request from this rider.", body = crate::openapi::ErrorBody),
    )
)]
async fn accept(
    State(s): State<AppState>,
    viewer: Viewer,
    PathParam(from): PathParam<String>,
) -> ApiResult<Response> {
    let from = RiderId(parse_id("from_id", &from)?);
    let outcome = s
        .engine
        .write(Command::AcceptRequest {
            rider: viewer.id,
            from,
        })
        .await?;
    Ok(json(StatusCode::OK, &status_body(&outcome)))
}

/// Decline a friend request
///
/// Deletes the pending request from `{from_id}`; they may ask again.
#[utoipa::path(
    post,
    path = "/v1/friend-requests/{from_id}/decline",
    tag = "friends",
    operation_id = "decline_friend_request",
    security(("bearer" = [])),
    params(("from_id" = u64, Path, description = "The rider who asked.")),
    responses(
        (status = 204, description = "The request is gone."),
        (status = 404, description = "`not_found`: no pending request from this rider.", body = crate::openapi::ErrorBody),
    )
)]
async fn decline(
    State(s): State<AppState>,
    viewer: Viewer,
    PathParam(from): PathParam<String>,
) -> ApiResult<StatusCode> {
    let from = RiderId(parse_id("from_id", &from)?);
    no_content(
        &s,
        Command::DeclineRequest {
            rider: viewer.id,
            from,
        },
    )
    .await
}

/// End a friendship
///
/// The two are no longer friends; each one's friends-only posts leave the other's feed.
#[utoipa::path(
    delete,
    path = "/v1/friends/{id}",
    tag = "friends",
    operation_id = "unfriend",
    security(("bearer" = [])),
    params(("id" = u64, Path, description = "The friend.")),
    responses(
        (status = 204, description = "No longer friends."),
        (status = 404, description = "`not_found`: the two are not friends.", body = crate::openapi::ErrorBody),
    )
)]
async fn unfriend(
    State(s): State<AppState>,
    viewer: Viewer,
    PathParam(id): PathParam<String>,
) -> ApiResult<StatusCode> {
    let other = RiderId(parse_id("id", &id)?);
    no_content(
        &s,
        Command::Unfriend {
            rider: viewer.id,
            other,
        },
    )
    .await
}

/// A rider's friends
///
/// The friends of `{id}`, newest friendship first.
#[utoipa::path(
    get,
    path = "/v1/riders/{id}/friends",
    tag = "friends",
    operation_id = "list_friends",
    security(("bearer" = [])),
    params(("id" = u64, Path, description = "The rider."), crate::openapi::ListQuery),
    responses(
        (status = 200, description = "A page of riders, newest friendship first.", body = List<RiderSummary>),
        (status = 404, description = "`not_found`: no such rider.", body = crate::openapi::ErrorBody),
    )
)]
async fn friends(
    State(s): State<AppState>,
    _viewer: Viewer,
    PathParam(id): PathParam<String>,
    page: ListParams,
) -> ApiResult<Response> {
    let id = RiderId(parse_id("id", &id)?);
    let scope = format!("friends:{id}");
    let before = cursor::read(&s.keys, &scope, page.cursor.as_deref())?;
    let g = s.engine.read();
    let r = g.rider(id).ok_or_else(|| ApiError::not_found("rider"))?;
    let p = g.friends_of(r, before, page.limit);
    let items: Vec<RiderSummary> = p
        .items
        .iter()
        .filter_map(|f| g.rider(*f).map(RiderSummary::of))
        .collect();
    let next_cursor = cursor::write(&s.keys, &scope, p.next);
    Ok(json(StatusCode::OK, &List { items, next_cursor }))
}

/// A rider the viewer may know.
#[derive(Serialize, utoipa::ToSchema)]
struct Suggestion<'a> {
    rider: RiderSummary<'a>,
    /// How many of the viewer's friends are friends with this rider.
    mutual_friends: u32,
}

/// Friend suggestions
///
/// Friends of the viewer's friends who are not the viewer, not friends, and not in a pending
/// request either way; most mutual friends first, ties by smaller id. Paged with `cursor` and
/// `next_cursor` like every list (an extension: the contract shows only `items`).
#[utoipa::path(
    get,
    path = "/v1/me/suggestions",
    tag = "friends",
    operation_id = "list_suggestions",
    security(("bearer" = [])),
    params(crate::openapi::ListQuery),
    responses(
        (status = 200, description = "A page of suggestions, most mutual friends first.", body = List<Suggestion>),
    )
)]
async fn suggestions(
    State(s): State<AppState>,
    viewer: Viewer,
    page: ListParams,
) -> ApiResult<Response> {
    let scope = format!("suggestions:{}", viewer.id);
    let after = cursor::read(&s.keys, &scope, page.cursor.as_deref())?;
    let limit = page.limit;
    let work = s.engine.read().suggestion_work(viewer.id);
    let answer = move || {
        let g = s.engine.read();
        let p = g.suggestions(viewer.id, after, limit);
        let items: Vec<Suggestion> = p
            .items
            .iter()
            .filter_map(|(id, mutual)| {
                g.rider(*id).map(|r| Suggestion {
                    rider: RiderSummary::of(r),
                    mutual_friends: *mutual,
                })
            })
            .collect();
        let next_cursor = cursor::write(&s.keys, &scope, p.next);
        json(StatusCode::OK, &List { items, next_cursor })
    };
    // A hub's suggestions sort hundreds of thousands of ids (milliseconds at scale 100): on a
    // blocking thread they share the cores with the async workers instead of stalling every
    // request queued behind them. Small ones stay inline, where they cost less than the hop.
    if work > OFFLOAD_SUGGESTION_WORK {
        tokio::task::spawn_blocking(answer)
            .await
            .map_err(|e| ApiError::internal(&e))
    } else {
        Ok(answer())
    }
}

/// Friend-list entries (see `Graph::suggestion_work`) from which suggestions are computed on a
/// blocking thread: about 0.2 ms of work, well above the cost of the hop.
const OFFLOAD_SUGGESTION_WORK: usize = 20_000;
