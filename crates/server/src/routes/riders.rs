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

use super::no_content;
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

/// A new rider.
#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
struct SignUp {
    /// 3-30 characters of `[a-z0-9_]`, unique among riders.
    #[schema(pattern = "^[a-z0-9_]{3,30}$", example = "lyon_rider")]
    handle: String,
    /// The display name: 1-100 characters, not blank.
    #[schema(min_length = 1, max_length = 100, example = "Camille Martin")]
    name: String,
    /// 8 to 1,024 characters; stored only as an argon2 hash.
    #[schema(min_length = 8, max_length = 1024)]
    password: String,
    /// Left out or `null`: `{}`.
    #[serde(default)]
    #[schema(value_type = Option<crate::openapi::Props>)]
    props: Option<serde_json::Value>,
}

/// Sign up
///
/// Creates a rider and answers with it and a bearer token for it. No token needed.
#[utoipa::path(
    post,
    path = "/v1/riders",
    tag = "sessions",
    operation_id = "sign_up",
    request_body = SignUp,
    responses(
        (status = 201, description = "The new rider (`relation` is `self`) and a token.", body = crate::openapi::Session),
        (status = 400, description = "`invalid_request`: a field breaks its rule (the message names it).", body = crate::openapi::ErrorBody),
        (status = 409, description = "`conflict`: the handle is taken.", body = crate::openapi::ErrorBody),
    )
)]
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
    let permit = s
        .hashing
        .acquire()
        .await
        .map_err(|e| ApiError::internal(&e))?;
    let password_hash =
        tokio::task::spawn_blocking(move || auth::hash_password(password.as_str(), cost))
            .await
            .map_err(|e| ApiError::internal(&e))?
            .map_err(|e| ApiError::internal(&e))?;
    drop(permit);
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

/// A rider's credentials.
#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
struct LogIn {
    #[schema(example = "lyon_rider")]
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

/// Log in
///
/// Checks a handle and password and answers with the rider and a new bearer token. A wrong
/// handle and a wrong password get the same answer, in the same time. No token needed.
/// At most 30 attempts per handle per minute (429 beyond).
#[utoipa::path(
    post,
    path = "/v1/sessions",
    tag = "sessions",
    operation_id = "log_in",
    request_body = LogIn,
    responses(
        (status = 200, description = "The rider and a new token.", body = crate::openapi::Session),
        (status = 401, description = "`unauthorized`: wrong handle or password.", body = crate::openapi::ErrorBody),
        (status = 429, description = "`rate_limited`: more than 30 log-in attempts for this handle in a minute.", body = crate::openapi::ErrorBody),
    )
)]
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
    s.check_login(&input.handle)?;
    let password = input.password;
    let _permit = s
        .hashing
        .acquire()
        .await
        .map_err(|e| ApiError::internal(&e))?;
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

/// Log out
///
/// Revokes the token of this request, durably: it stops working everywhere at once. Other
/// tokens of the same rider keep working.
#[utoipa::path(
    delete,
    path = "/v1/sessions/current",
    tag = "sessions",
    operation_id = "log_out",
    security(("bearer" = [])),
    responses(
        (status = 204, description = "The token is revoked."),
    )
)]
async fn log_out(State(s): State<AppState>, viewer: Viewer) -> ApiResult<StatusCode> {
    no_content(
        &s,
        Command::RevokeToken {
            token_id: viewer.claims.token_id,
            expires_at: viewer.claims.expires_at,
        },
    )
    .await
}

/// The viewer's own profile
///
/// The rider the token belongs to, with `relation` `self`. An extension of the contract.
#[utoipa::path(
    get,
    path = "/v1/riders/me",
    tag = "riders",
    operation_id = "get_me",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The viewer.", body = RiderView),
    )
)]
async fn me(State(s): State<AppState>, viewer: Viewer) -> ApiResult<Response> {
    respond_with_rider(&s, viewer.id, StatusCode::OK, None)
}

/// Changes to the viewer's profile; fields left out (or `null`) stay as they are.
#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
struct UpdateMe {
    /// The new display name: 1-100 characters, not blank.
    #[serde(default)]
    #[schema(min_length = 1, max_length = 100)]
    name: Option<String>,
    /// Merged into the current `props`: a `null` value removes its key.
    #[serde(default)]
    #[schema(value_type = Option<crate::openapi::PropsPatch>)]
    props: Option<serde_json::Value>,
}

/// Update the viewer's profile
///
/// Replaces `name` if given and merges `props` into the current ones (a `null` value removes
/// its key; keys left out are kept), then answers with the updated rider.
#[utoipa::path(
    patch,
    path = "/v1/riders/me",
    tag = "riders",
    operation_id = "update_me",
    security(("bearer" = [])),
    request_body = UpdateMe,
    responses(
        (status = 200, description = "The updated viewer.", body = RiderView),
        (status = 400, description = "`invalid_request`: the name or a property breaks its rule, or the merged `props` would hold more than 64 keys.", body = crate::openapi::ErrorBody),
    )
)]
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

/// A rider by id
///
/// The rider's profile as the viewer sees it: `relation` says how the viewer stands to them and
/// `post_count` counts only the posts the viewer may see.
#[utoipa::path(
    get,
    path = "/v1/riders/{id}",
    tag = "riders",
    operation_id = "get_rider",
    security(("bearer" = [])),
    params(("id" = u64, Path, description = "The rider's id.")),
    responses(
        (status = 200, description = "The rider.", body = RiderView),
        (status = 404, description = "`not_found`: no such rider.", body = crate::openapi::ErrorBody),
    )
)]
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

/// A rider by handle
///
/// Like `GET /v1/riders/{id}`, found by handle.
#[utoipa::path(
    get,
    path = "/v1/riders/by-handle/{handle}",
    tag = "riders",
    operation_id = "get_rider_by_handle",
    security(("bearer" = [])),
    params(("handle" = String, Path, description = "The rider's handle.")),
    responses(
        (status = 200, description = "The rider.", body = RiderView),
        (status = 404, description = "`not_found`: no rider has this handle.", body = crate::openapi::ErrorBody),
    )
)]
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
