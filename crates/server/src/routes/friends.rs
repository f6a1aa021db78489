//! Friend requests that become mutual, friend lists and suggestions.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::{delete, get, post};
use axum::Router;
use pillion_model::{Command, Outcome, RiderId, Timestamp};
use serde::Serialize;
use serde_json::json;

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

async fn friend_request(
    State(s): State<AppState>,
    viewer: Viewer,
    PathParam(id): PathParam<String>,
) -> ApiResult<Response> {
    let to = RiderId(parse_id("id", &id)?);
    let outcome = s
        .engine
        .write(Command::FriendRequest {
            from: viewer.id,
            to,
        })
        .await?;
    Ok(json(StatusCode::CREATED, &status_body(&outcome)))
}

#[derive(Serialize)]
struct Request<'a> {
    from: RiderSummary<'a>,
    created_at: Timestamp,
}

async fn incoming(
    State(s): State<AppState>,
    viewer: Viewer,
    page: ListParams,
) -> ApiResult<Response> {
    let scope = format!("requests:{}", viewer.id);
    let before = page
        .cursor
        .as_deref()
        .map(|c| cursor::decode(&s.keys, &scope, c))
        .transpose()?
        .map(|(t, id)| (Timestamp(t), RiderId(id)));
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
    let next_cursor = p
        .next
        .map(|(t, id)| cursor::encode(&s.keys, &scope, t.millis(), id.0));
    Ok(json(StatusCode::OK, &List { items, next_cursor }))
}

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

async fn decline(
    State(s): State<AppState>,
    viewer: Viewer,
    PathParam(from): PathParam<String>,
) -> ApiResult<StatusCode> {
    let from = RiderId(parse_id("from_id", &from)?);
    s.engine
        .write(Command::DeclineRequest {
            rider: viewer.id,
            from,
        })
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

async fn unfriend(
    State(s): State<AppState>,
    viewer: Viewer,
    PathParam(id): PathParam<String>,
) -> ApiResult<StatusCode> {
    let other = RiderId(parse_id("id", &id)?);
    s.engine
        .write(Command::Unfriend {
            rider: viewer.id,
            other,
        })
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

async fn friends(
    State(s): State<AppState>,
    _viewer: Viewer,
    PathParam(id): PathParam<String>,
    page: ListParams,
) -> ApiResult<Response> {
    let id = RiderId(parse_id("id", &id)?);
    let scope = format!("friends:{id}");
    let after = page
        .cursor
        .as_deref()
        .map(|c| cursor::decode(&s.keys, &scope, c))
        .transpose()?
        .map(|(_, id)| RiderId(id));
    let g = s.engine.read();
    let r = g.rider(id).ok_or_else(|| ApiError::not_found("rider"))?;
    let p = g.friends_of(r, after, page.limit);
    let items: Vec<RiderSummary> = p
        .items
        .iter()
        .filter_map(|f| g.rider(*f).map(RiderSummary::of))
        .collect();
    let next_cursor = p.next.map(|id| cursor::encode(&s.keys, &scope, 0, id.0));
    Ok(json(StatusCode::OK, &List { items, next_cursor }))
}

#[derive(Serialize)]
struct Suggestion<'a> {
    rider: RiderSummary<'a>,
    mutual_friends: u32,
}

async fn suggestions(
    State(s): State<AppState>,
    viewer: Viewer,
    page: ListParams,
) -> ApiResult<Response> {
    let scope = format!("suggestions:{}", viewer.id);
    let after = page
        .cursor
        .as_deref()
        .map(|c| cursor::decode(&s.keys, &scope, c))
        .transpose()?
        .map(|(m, id)| (u32::try_from(m).unwrap_or(u32::MAX), RiderId(id)));
    let g = s.engine.read();
    let p = g.suggestions(viewer.id, after, page.limit);
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
    let next_cursor = p
        .next
        .map(|(m, id)| cursor::encode(&s.keys, &scope, i64::from(m), id.0));
    Ok(json(StatusCode::OK, &List { items, next_cursor }))
}
