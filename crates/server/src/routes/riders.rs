//! Sign-up, log-in, log-out and rider profiles.

use std::sync::OnceLock;

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::{delete, get, post};
use axum::Router;
use pillion_model::{Command, Handle, Outcome, Password, Props, RiderId, RiderName};
use serde::Deserialize;
use serde_json::json;

use crate::auth::{self, HashCost, Subject};
use crate::error::{ApiError, ApiResult};
use crate::extract::{parse_id, Json, PathParam};
use crate::state::{AppState, Viewer};
use crate::views::{json, RiderView};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/v1/riders", post(sign_up))
        .route("/v1/sessions", post(log_in))
        .route("/v1/sessions/current", delete(log_out))
        .route("/v1/riders/me", get(me).patch(update_me))
        .route("/v1/riders/{id}", get(by_id))
        .route("/v1/riders/by-handle/{handle}", get(by_handle))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct SignUp {
    handle: String,
    name: String,
    password: String,
    #[serde(default)]
    props: Option<serde_json::Value>,
}

async fn sign_up(State(s): State<AppState>, Json(input): Json<SignUp>) -> ApiResult<Response> {
    let handle = Handle::parse(&input.handle)?;
    let name = RiderName::parse(&input.name)?;
    let password = Password::parse(&input.password)?;
    let props = match &input.props {
        None | Some(serde_json::Value::Null) => Props::default(),
        Some(v) => Props::parse(v)?,
    };
    if s.engine.read().rider_by_handle(handle.as_str()).is_some() {
        return Err(ApiError::from(pillion_model::Error::Conflict(format!(
            "handle '{handle}' is taken"
        ))));
    }
    let cost = s.hash_cost;
    let password_hash =
        tokio::task::spawn_blocking(move || auth::hash_password(password.as_str(), cost))
            .await
            .map_err(|e| ApiError::internal(&e))?
            .map_err(|e| ApiError::internal(&e))?;
    let outcome = s
        .engine
        .write(Command::SignUp {
            handle,
            name,
            password_hash,
            props,
        })
        .await?;
    let Outcome::Rider(id) = outcome else {
        return Err(ApiError::internal(&"sign-up produced no rider"));
    };
    let token = s.keys.issue(Subject::Rider(id), s.token_ttl_secs);
    respond_with_rider(&s, id, StatusCode::CREATED, Some(token))
}

/// `{rider, token}` for sign-up and log-in.
fn respond_with_rider(
    s: &AppState,
    id: RiderId,
    status: StatusCode,
    token: Option<String>,
) -> ApiResult<Response> {
    let g = s.engine.read();
    let r = g.rider(id).ok_or_else(|| ApiError::not_found("rider"))?;
    let rider = RiderView::of(&g, id, r);
    Ok(match token {
        Some(token) => json(status, &json!({"rider": rider, "token": token})),
        None => json(status, &rider),
    })
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct LogIn {
    handle: String,
    password: String,
}

/// A hash to verify against when the handle is unknown, so that a wrong handle and a wrong
/// password take the same time.
fn decoy_hash() -> &'static str {
    static DECOY: OnceLock<String> = OnceLock::new();
    DECOY.get_or_init(|| {
        auth::hash_password("decoy password", HashCost::Standard).unwrap_or_default()
    })
}

async fn log_in(State(s): State<AppState>, Json(input): Json<LogIn>) -> ApiResult<Response> {
    let found = {
        let g = s.engine.read();
        g.rider_by_handle(&input.handle)
            .map(|r| (r.id, r.password_hash.clone()))
    };
    let (id, hash) = match found {
        Some((id, hash)) => (Some(id), hash),
        None => (None, String::new()),
    };
    let password = input.password;
    let ok = tokio::task::spawn_blocking(move || {
        let hash = if hash.is_empty() { decoy_hash() } else { &hash };
        auth::verify_password(&password, hash)
    })
    .await
    .map_err(|e| ApiError::internal(&e))?;
    match id {
        Some(id) if ok => {
            let token = s.keys.issue(Subject::Rider(id), s.token_ttl_secs);
            respond_with_rider(&s, id, StatusCode::OK, Some(token))
        }
        _ => Err(ApiError::unauthorized("wrong handle or password")),
    }
}

async fn log_out(State(s): State<AppState>, viewer: Viewer) -> ApiResult<StatusCode> {
    s.engine
        .write(Command::RevokeToken {
            token_id: viewer.claims.token_id,
            expires_at: viewer.claims.expires_at,
        })
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

async fn me(State(s): State<AppState>, viewer: Viewer) -> ApiResult<Response> {
    respond_with_rider(&s, viewer.id, StatusCode::OK, None)
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct UpdateMe {
    #[serde(default)]
    name: Option<String>,
    #[serde(default)]
    props: Option<serde_json::Value>,
}

async fn update_me(
    State(s): State<AppState>,
    viewer: Viewer,
    Json(input): Json<UpdateMe>,
) -> ApiResult<Response> {
    let name = input.name.as_deref().map(RiderName::parse).transpose()?;
    let props = input.props.filter(|p| !p.is_null());
    if let Some(p) = &props {
        // Check the patch's shape here so a bad one is a 400 before it reaches the writer.
        Props::default().merged(p)?;
    }
    s.engine
        .write(Command::UpdateProfile {
            rider: viewer.id,
            name,
            props,
        })
        .await?;
    respond_with_rider(&s, viewer.id, StatusCode::OK, None)
}

async fn by_id(
    State(s): State<AppState>,
    viewer: Viewer,
    PathParam(id): PathParam<String>,
) -> ApiResult<Response> {
    let id = RiderId(parse_id("id", &id)?);
    let g = s.engine.read();
    let r = g.rider(id).ok_or_else(|| ApiError::not_found("rider"))?;
    Ok(json(StatusCode::OK, &RiderView::of(&g, viewer.id, r)))
}

async fn by_handle(
    State(s): State<AppState>,
    viewer: Viewer,
    PathParam(handle): PathParam<String>,
) -> ApiResult<Response> {
    let g = s.engine.read();
    let r = g
        .rider_by_handle(&handle)
        .ok_or_else(|| ApiError::not_found("rider"))?;
    Ok(json(StatusCode::OK, &RiderView::of(&g, viewer.id, r)))
}
