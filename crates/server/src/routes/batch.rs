//! `POST /v1/batch`: many operations in one request, each succeeding or failing on its own, in
//! order. All valid operations go to the writer as one job, so they usually share one commit.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::post;
use axum::Router;
use pillion_model::{Command, CommentBody, Outcome, PostId, RiderId};
use serde::de::DeserializeOwned;
use serde::Deserialize;
use serde_json::{json, Value};

use super::friends::status_body;
use super::posts::PostInput;
use crate::error::{ApiError, ApiResult};
use crate::extract::Json;
use crate::state::{AppState, Viewer};
use crate::views::{json, CommentView, PostView};

pub const MAX_OPS: usize = 1_000;

pub fn router() -> Router<AppState> {
    Router::new().route("/v1/batch", post(batch))
}

/// Up to 1,000 operations, run in order.
#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
struct BatchInput {
    #[schema(value_type = Vec<crate::openapi::BatchOp>, min_items = 1, max_items = 1000)]
    ops: Vec<Value>,
}

/// The post of a `like` or `unlike` op.
#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct PostRef {
    post_id: u64,
}

/// A `comment` op: like `POST /v1/posts/{id}/comments`.
#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct CommentOp {
    post_id: u64,
    /// 1-10,000 characters.
    #[schema(min_length = 1, max_length = 10000)]
    body: String,
}

/// The rider of a `friend_request` or `accept` op.
#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct RiderRef {
    rider_id: u64,
}

/// What kind of answer a successful op gets.
#[derive(Clone, Copy)]
enum Kind {
    Post,
    Like,
    Comment,
    FriendRequest,
    Accept,
}

fn fields<T: DeserializeOwned>(i: usize, op: Value) -> Result<T, ApiError> {
    serde_json::from_value(op).map_err(|e| ApiError::invalid(&format!("ops[{i}]"), e))
}

/// Reads one op into a command; errors name the op's index.
fn parse_op(i: usize, viewer: RiderId, op: Value) -> Result<(Kind, Command), ApiError> {
    let Value::Object(mut map) = op else {
        return Err(ApiError::invalid(&format!("ops[{i}]"), "must be an object"));
    };
    let name = match map.remove("op") {
        Some(Value::String(s)) => s,
        _ => {
            return Err(ApiError::invalid(
                &format!("ops[{i}].op"),
                "must be one of post, like, unlike, comment, friend_request, accept",
            ))
        }
    };
    let rest = Value::Object(map);
    let prefix = |e: pillion_model::Error| match e {
        pillion_model::Error::Invalid { field, message } => {
            ApiError::invalid(&format!("ops[{i}].{field}"), message)
        }
        other => other.into(),
    };
    Ok(match name.as_str() {
        "post" => {
            let input: PostInput = fields(i, rest)?;
            (Kind::Post, input.into_command(viewer).map_err(prefix)?)
        }
        "like" | "unlike" => {
            let r: PostRef = fields(i, rest)?;
            let post = PostId(r.post_id);
            let cmd = if name == "like" {
                Command::Like {
                    rider: viewer,
                    post,
                }
            } else {
                Command::Unlike {
                    rider: viewer,
                    post,
                }
            };
            (Kind::Like, cmd)
        }
        "comment" => {
            let c: CommentOp = fields(i, rest)?;
            let body = CommentBody::parse(&c.body).map_err(prefix)?;
            (
                Kind::Comment,
                Command::Comment {
                    rider: viewer,
                    post: PostId(c.post_id),
                    body,
                },
            )
        }
        "friend_request" => {
            let r: RiderRef = fields(i, rest)?;
            (
                Kind::FriendRequest,
                Command::FriendRequest {
                    from: viewer,
                    to: RiderId(r.rider_id),
                },
            )
        }
        "accept" => {
            let r: RiderRef = fields(i, rest)?;
            (
                Kind::Accept,
                Command::AcceptRequest {
                    rider: viewer,
                    from: RiderId(r.rider_id),
                },
            )
        }
        other => {
            return Err(ApiError::invalid(
                &format!("ops[{i}].op"),
                format!("unknown op '{other}'"),
            ))
        }
    })
}

fn failure(e: &ApiError) -> Value {
    json!({"status": e.status().as_u16(), "error": e.body()})
}

/// Many writes in one request
///
/// Runs up to 1,000 operations in order, each succeeding or failing on its own, and answers
/// one result per op: the status and body its own route would answer, or its error (a malformed
/// op's message names it, e.g. `ops[3].post_id`). The valid ops usually share one commit.
#[utoipa::path(
    post,
    path = "/v1/batch",
    tag = "batch",
    operation_id = "batch",
    security(("bearer" = [])),
    request_body = BatchInput,
    responses(
        (status = 200, description = "One result per op, in order.", body = crate::openapi::BatchResponse),
        (status = 400, description = "`invalid_request`: `ops` is empty or holds more than 1,000 operations.", body = crate::openapi::ErrorBody),
    )
)]
async fn batch(
    State(s): State<AppState>,
    viewer: Viewer,
    Json(input): Json<BatchInput>,
) -> ApiResult<Response> {
    if input.ops.is_empty() || input.ops.len() > MAX_OPS {
        return Err(ApiError::invalid(
            "ops",
            format!(
                "must hold 1 to {MAX_OPS} operations (got {})",
                input.ops.len()
            ),
        ));
    }
    let mut results: Vec<Option<Value>> = vec![None; input.ops.len()];
    let mut kinds = Vec::new();
    let mut commands = Vec::new();
    for (i, op) in input.ops.into_iter().enumerate() {
        match parse_op(i, viewer.id, op) {
            Ok((kind, cmd)) => {
                kinds.push((i, kind));
                commands.push(cmd);
            }
            Err(e) => results[i] = Some(failure(&e)),
        }
    }
    let outcomes = s.engine.write_all(commands).await;
    {
        let g = s.engine.read();
        for ((i, kind), outcome) in kinds.into_iter().zip(outcomes) {
            results[i] = Some(match outcome {
                Err(e) => failure(&e),
                Ok(outcome) => match (kind, &outcome) {
                    (Kind::Post, Outcome::Post(id)) => {
                        match g.post(*id).and_then(|p| PostView::of(&g, viewer.id, p)) {
                            Some(v) => json!({"status": 201, "body": v}),
                            None => failure(&ApiError::not_found("post")),
                        }
                    }
                    (Kind::Comment, Outcome::Comment(id)) => {
                        match g.comment(*id).and_then(|c| CommentView::of(&g, c)) {
                            Some(v) => json!({"status": 201, "body": v}),
                            None => failure(&ApiError::not_found("comment")),
                        }
                    }
                    (Kind::Like, _) => json!({"status": 204, "body": null}),
                    (Kind::FriendRequest, o) => json!({"status": 201, "body": status_body(o)}),
                    (Kind::Accept, o) => json!({"status": 200, "body": status_body(o)}),
                    _ => failure(&ApiError::internal(&"unexpected outcome for batch op")),
                },
            });
        }
    }
    let results: Vec<Value> = results.into_iter().map(Option::unwrap_or_default).collect();
    Ok(json(StatusCode::OK, &json!({ "results": results })))
}
