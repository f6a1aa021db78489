//! `POST /v1/cypher`: an operator's Cypher query over the live graph.
//!
//! A query that only reads runs on a blocking thread (never on the async workers that serve the
//! feeds) under the graph's read lock, with a time limit and a row limit. It reads the same engine
//! the feed routes read, so it sees every acknowledged write.
//!
//! A query that writes runs on the engine's writer thread, between two batches of HTTP writes,
//! over a [`Draft`] of the committed graph: its reads see its own writes, and when it has run the
//! draft checks the social model's rules and yields the changes, which are committed in one
//! transaction and applied under one write lock, as every HTTP write is. A refusal or any error
//! writes nothing. The rules are listed in the handler's documentation below (the OpenAPI
//! reference) and in the README's "Cypher" section.

use std::time::{Duration, Instant};

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use axum::Router;
use pillion_cypher::{
    CypherError, ErrorKind, GraphRead, Limits, Params, QueryResult, Value, WriteStats,
};
use pillion_graph::{Draft, Graph, Planner};
use pillion_model::{Change, ErrorCode};
use serde::Deserialize;
use serde_json::{json, Map, Value as Json};

use crate::error::{ApiError, ApiResult};
use crate::extract::Json as JsonBody;
use crate::state::{AppState, Operator};

/// The default time limit of a query.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(5);
/// The most rows a query may hold at any step.
pub const MAX_ROWS: usize = 1_000_000;

pub fn router() -> Router<AppState> {
    Router::new().route("/v1/cypher", post(cypher))
}

/// The answer: named columns and rows of values in column order.
#[derive(utoipa::ToSchema)]
#[allow(dead_code)] // built with `json!` in `render` and `run_write`
struct CypherAnswer {
    columns: Vec<String>,
    /// Values as JSON; a node as `{id, labels, properties}`, a relationship as `{id, type, start,
    /// end, properties}`, a path as `{nodes, relationships}`.
    #[schema(value_type = Vec<Vec<Object>>)]
    rows: Vec<Vec<Json>>,
    /// Only in the answer to a query that writes.
    stats: Option<CypherStats>,
}

/// What a write query changed, counted as the openCypher TCK counts side effects.
#[derive(utoipa::ToSchema)]
#[allow(dead_code)]
struct CypherStats {
    nodes_created: u64,
    nodes_deleted: u64,
    relationships_created: u64,
    relationships_deleted: u64,
    labels_added: u64,
    labels_removed: u64,
    properties_set: u64,
    properties_removed: u64,
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
///
/// Reads and writes the one property graph the HTTP routes serve (see "The graph, as Cypher sees
/// it" in API.md): riders, posts, comments, interests and places, their relationships, and any
/// other nodes, relationships and properties that Cypher or an import adds.
///
/// **Writes** (`CREATE`, `MERGE` with `ON CREATE` / `ON MATCH`, `SET`, `REMOVE`, `DELETE`,
/// `DETACH DELETE`) take the same durable path as the HTTP routes: the query runs on the single
/// writer, between two batches of HTTP writes, seeing its own writes as it goes; its net effect is
/// checked against the social model's rules and committed in one transaction — all of it or, on
/// any error or refusal, nothing. The answer then also has `stats`: `{nodes_created,
/// nodes_deleted, relationships_created, relationships_deleted, labels_added, labels_removed,
/// properties_set, properties_removed}`. What Cypher writes is what the routes would write:
///
/// - `(:Rider)-[:POSTED]->(:Post {body, visibility?})` is a new post by that rider (`visibility`
///   `friends` unless `public`), with `(:Post)-[:TAGGED]->(:Interest)` its interests (up to 10);
///   it is in feeds, walls and `GET /v1/posts/{id}` like any other. Its other properties are kept
///   as extra properties.
/// - `(:Rider)-[:COMMENTED]->(:Comment {body})-[:ON]->(:Post)` is a comment;
///   `(:Interest {name})` an interest; `(:Rider)-[:LIKES]->(:Post)` a like,
///   `(:Rider)-[:FOLLOWS]->(:Interest)` a follow, `(:Rider)-[:FRIEND_REQUEST]->(:Rider)` a
///   pending request and `(:Rider)-[:IS_FRIEND]->(:Rider)` a friendship (asked by its start);
///   deleting them unlikes, unfollows, declines or withdraws, and unfriends.
/// - `DETACH DELETE` of a post deletes it as `DELETE /v1/posts/{id}` does; of a comment, the
///   comment.
/// - `SET`/`REMOVE` on a rider change its `name` and its `props` as `PATCH /v1/riders/me` does;
///   on a post, comment or interest they change its extra properties.
/// - Any other node, relationship, label or property (another label, a relationship type between
///   other kinds of nodes, as an import makes `(:Rider)-[:WORK_AT]->(:Organisation)`) is
///   graph-only data: kept durably, read by Cypher, by no feed. Property values are booleans,
///   integers, floats, strings or lists of them.
///
/// **Refused** (400 `invalid_query`, the message starting `write refused:` and naming the rule),
/// and then nothing is written:
///
/// - creating a `Rider` (sign up with POST /v1/riders), or deleting a rider or an interest;
/// - a `Rider`, `Post`, `Comment` or `Interest` node with another label, or adding, removing or
///   changing the labels of such a node or of a place; adding one of those labels to another node;
/// - setting `id` or `created_at` of a rider, post or comment, a rider's `handle`, the `body` or
///   `visibility` of an existing post, the `body` of an existing comment, the `name` of an existing
///   interest, or anything of a post's place (the `Place` reached by `AT`), and creating `AT`;
/// - a rider `name` that is not 1-100 characters, or rider props that are not flat strings
///   (up to 1,000 characters), numbers or booleans (up to 64 keys with names of 1-64 characters);
/// - a post without exactly one author (`POSTED` from a rider), without a `body` of 1-10,000
///   characters, with a `visibility` other than `friends` or `public`, or with more than 10
///   interests; `POSTED`/`TAGGED` to or from an existing post, or deleted without the post;
/// - a comment without exactly one author (`COMMENTED`) and one post (`ON`), without a `body`
///   of 1-10,000 characters, or on a post its author may not see; `COMMENTED`/`ON` to or from
///   an existing comment, or deleted without the comment; a post deleted while it keeps comments
///   (delete them with it: `MATCH (p:Post)<-[:ON]-(c) DETACH DELETE c, p`);
/// - an interest without a `name` of 1-80 characters, or named like an existing one (names
///   compare without case);
/// - a like of a post the rider may not see (its author, the author's friends, everyone if
///   public), a second like, or a second follow of an interest;
/// - a friendship or request with oneself, a second friendship or request, a request between
///   friends or against a pending one (accept it instead: delete the `FRIEND_REQUEST` and create
///   `IS_FRIEND` in one query), or a friendship while a request between the two remains;
/// - properties on relationships of the social model (their times are the write's);
/// - NaN or infinite floats, or other values than the types above, as properties;
/// - more than 100,000 changes in one query (nodes, relationships, labels and properties
///   written).
#[utoipa::path(
    post,
    path = "/v1/cypher",
    tag = "graph",
    operation_id = "cypher",
    security(("bearer" = [])),
    request_body = CypherInput,
    responses(
        (status = 200, description = "`{\"columns\": [...], \"rows\": [[...], ...]}`; nodes as `{id, labels, properties}`, relationships as `{id, type, start, end, properties}`, paths as `{nodes, relationships}`. A query that writes also answers `stats` (see above).", body = CypherAnswer),
        (status = 400, description = "`invalid_query` (a syntax error, with line and column; a query that fails; a write the social model refuses, `write refused: <rule>`), `unsupported` (names the feature), `query_timeout`, `query_too_large`.", body = crate::openapi::ErrorBody),
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
    let job = std::sync::Arc::new((input.query, params));
    let read = {
        let (s, job) = (s.clone(), std::sync::Arc::clone(&job));
        tokio::task::spawn_blocking(move || {
            let graph = s.engine.read();
            let (query, params) = &*job;
            pillion_cypher::execute_read(&*graph, query, params, limits(timeout))
                .map(|result| crate::cypher_json::answer(&*graph, &result, None))
        })
        .await
        .map_err(|e| ApiError::internal(&e))?
    };
    let answer = match read {
        Ok(answer) => answer,
        // The query writes (refused by the read path before it started): the writer runs it.
        Err(CypherError::ReadOnly { .. }) => {
            s.engine
                .write_exclusive(Box::new(move |graph, planner| {
                    let (query, params) = &*job;
                    run_write(graph, planner, query, params, timeout)
                }))
                .await?
        }
        Err(e) => return Err(query_error(&e)),
    };
    Ok((
        StatusCode::OK,
        [(
            axum::http::header::CONTENT_TYPE,
            axum::http::HeaderValue::from_static("application/json"),
        )],
        answer,
    )
        .into_response())
}

/// The bounds of a query that starts now.
pub(crate) fn limits(timeout: Duration) -> Limits {
    Limits {
        deadline: Some(Instant::now() + timeout),
        max_rows: MAX_ROWS,
    }
}

/// Runs a write query over a draft of the committed graph (on the writer, with nothing changing
/// under it): the answer, and the changes to commit for it.
pub fn run_write(
    graph: &Graph,
    planner: &mut Planner,
    query: &str,
    params: &Params,
    timeout: Duration,
) -> Result<(Vec<Change>, Vec<u8>), ApiError> {
    let mut draft = Draft::new(graph, planner);
    let result = pillion_cypher::execute(&mut draft, query, params, limits(timeout))
        .map_err(|e| query_error(&e))?;
    let answer = crate::cypher_json::answer(&draft, &result, Some(&stats_json(result.stats)));
    let changes = draft.finish().map_err(|e| query_error(&e))?;
    Ok((changes, answer))
}

fn stats_json(s: WriteStats) -> Json {
    json!({
        "nodes_created": s.nodes_created,
        "nodes_deleted": s.nodes_deleted,
        "relationships_created": s.relationships_created,
        "relationships_deleted": s.relationships_deleted,
        "labels_added": s.labels_added,
        "labels_removed": s.labels_removed,
        "properties_set": s.properties_set,
        "properties_removed": s.properties_removed,
    })
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
            "unsupported: {clause} — this graph is read-only here (`pillion cypher --data` only reads); send writes to a running server (POST /v1/cypher, or `pillion cypher --url`)"
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
        // Temporal values as their ISO-8601 text, as `toString` gives it.
        Value::Temporal(t) => Json::String(t.to_string()),
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
