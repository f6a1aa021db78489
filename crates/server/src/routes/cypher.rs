//! `POST /v1/cypher`: an operator's Cypher query over the live graph.
//!
//! The query runs on a blocking thread (never on the async workers that serve the feeds) under
//! the graph's read lock, with a time limit and a row limit. It reads the same engine the feed
//! routes read, so it sees every acknowledged write.

use std::time::{Duration, Instant};

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::post;
use axum::Router;
use pillion_cypher::{CypherError, ErrorKind, GraphRead, Limits, Params, QueryResult, Value};
use pillion_model::ErrorCode;
use serde::Deserialize;
use serde_json::{json, Map, Value as Json};

use crate::error::{ApiError, ApiResult};
use crate::extract::Json as JsonBody;
use crate::state::{AppState, Operator};
use crate::views::json;

/// The default time limit of a query.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(5);
/// The most rows a query may hold at any step.
pub const MAX_ROWS: usize = 1_000_000;

pub fn router() -> Router<AppState> {
    Router::new().route("/v1/cypher", post(cypher))
}

/// A Cypher query and its parameters.
#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
struct CypherInput {
    query: String,
    /// Values for `$name` parameters.
    #[serde(default)]
    #[schema(value_type = Object)]
    params: Map<String, Json>,
}

/// Runs a Cypher query (operators only)
#[utoipa::path(
    post,
    path = "/v1/cypher",
    tag = "graph",
    operation_id = "cypher",
    security(("bearer" = [])),
    request_body = CypherInput,
    responses(
        (status = 200, description = "`{\"columns\": [...], \"rows\": [[...], ...]}`; nodes as `{id, labels, properties}`, relationships as `{id, type, start, end, properties}`, paths as `{nodes, relationships}`."),
        (status = 400, description = "`invalid_query` (a syntax error, with line and column, or a query that fails), `unsupported` (names the feature), `query_timeout`, `query_too_large`.", body = crate::openapi::ErrorBody),
        (status = 403, description = "`forbidden`: not an operator token.", body = crate::openapi::ErrorBody),
    )
)]
async fn cypher(
    State(s): State<AppState>,
    _operator: Operator,
    JsonBody(input): JsonBody<CypherInput>,
) -> ApiResult<Response> {
    let params = input
        .params
        .into_iter()
        .map(|(k, v)| (k, from_json(v)))
        .collect::<Params>();
    let timeout = s.cypher_timeout;
    let answer = tokio::task::spawn_blocking(move || {
        let limits = Limits {
            deadline: Some(Instant::now() + timeout),
            max_rows: MAX_ROWS,
        };
        let graph = s.engine.read();
        let result = pillion_cypher::execute_read(&*graph, &input.query, &params, limits)
            .map_err(|e| query_error(&e))?;
        Ok::<Json, ApiError>(render(&*graph, result))
    })
    .await
    .map_err(|e| ApiError::internal(&e))??;
    Ok(json(StatusCode::OK, &answer))
}

/// The contract's error for a failed query.
pub(crate) fn query_error(e: &CypherError) -> ApiError {
    let code = match e {
        CypherError::Unsupported { .. } | CypherError::ReadOnly { .. } => ErrorCode::Unsupported,
        CypherError::Timeout => ErrorCode::QueryTimeout,
        CypherError::TooLarge { .. } => ErrorCode::QueryTooLarge,
        CypherError::Compile { .. } | CypherError::Runtime { .. } | CypherError::Refused { .. } => {
            ErrorCode::InvalidQuery
        }
    };
    let message = match e {
        CypherError::ReadOnly { clause } => format!(
            "unsupported: {clause} — writing through Cypher is not supported on the served graph yet; use the HTTP routes"
        ),
        CypherError::Compile {
            kind: ErrorKind::SyntaxError,
            detail: "",
            message,
            position,
        } => format!("syntax error at {position}: {message}"),
        other => other.to_string(),
    };
    ApiError::new(code, message)
}

/// A JSON parameter as a Cypher value: integers stay integers, other numbers are floats.
pub fn from_json(v: Json) -> Value {
    match v {
        Json::Null => Value::Null,
        Json::Bool(b) => Value::Bool(b),
        Json::Number(n) => match n.as_i64() {
            Some(i) => Value::Int(i),
            None => Value::Float(n.as_f64().unwrap_or(f64::NAN)),
        },
        Json::String(s) => Value::String(s),
        Json::Array(a) => Value::List(a.into_iter().map(from_json).collect()),
        Json::Object(o) => Value::Map(o.into_iter().map(|(k, v)| (k, from_json(v))).collect()),
    }
}

/// The response body: columns and rows, with graph elements written out in full.
pub fn render(graph: &dyn GraphRead, result: QueryResult) -> Json {
    let rows: Vec<Json> = result
        .rows
        .iter()
        .map(|row| Json::Array(row.iter().map(|v| to_json(graph, v)).collect()))
        .collect();
    json!({ "columns": result.columns, "rows": rows })
}

fn props(list: Vec<(String, Value)>, graph: &dyn GraphRead) -> Json {
    Json::Object(
        list.into_iter()
            .map(|(k, v)| (k, to_json(graph, &v)))
            .collect(),
    )
}

fn to_json(graph: &dyn GraphRead, v: &Value) -> Json {
    match v {
        Value::Null => Json::Null,
        Value::Bool(b) => Json::Bool(*b),
        Value::Int(i) => json!(i),
        // JSON has no NaN or infinities: those become null.
        Value::Float(f) => serde_json::Number::from_f64(*f).map_or(Json::Null, Json::Number),
        Value::String(s) => Json::String(s.clone()),
        Value::List(l) => Json::Array(l.iter().map(|x| to_json(graph, x)).collect()),
        Value::Map(m) => Json::Object(
            m.iter()
                .map(|(k, x)| (k.clone(), to_json(graph, x)))
                .collect(),
        ),
        Value::Node(n) => json!({
            "id": n,
            "labels": graph.labels(*n),
            "properties": props(graph.node_properties(*n), graph),
        }),
        Value::Rel(r) => json!({
            "id": r.id,
            "type": graph.rel_type(r.ty),
            "start": r.start,
            "end": r.end,
            "properties": props(graph.rel_properties(*r), graph),
        }),
        Value::Path(p) => json!({
            "nodes": p.nodes.iter().map(|n| to_json(graph, &Value::Node(*n))).collect::<Vec<_>>(),
            "relationships": p.rels.iter().map(|r| to_json(graph, &Value::Rel(*r))).collect::<Vec<_>>(),
        }),
    }
}
