//! The API reference, generated from the code and served at `GET /openapi.json`.
//!
//! Each handler carries a `#[utoipa::path]` that names its method, path, parameters, body and
//! answers, and every request and response type derives `ToSchema`; [`ApiDoc`] lists the handlers.
//! This file adds what the routes share rather than what one handler decides: the bearer scheme,
//! the error shape and its codes, and the failures that come from extractors and middleware (bad
//! JSON, a missing token, the rate limit, start-up). It also describes, as schema-only types, the
//! JSON that handlers build with `json!` instead of from a type, and the values of enums that the
//! views carry as strings.
//!
//! `crates/server/tests/openapi.rs` checks that every route in the router is in the document.

use std::borrow::Cow;

use pillion_model::{ErrorCode, FriendStatus};
use utoipa::openapi::header::HeaderBuilder;
use utoipa::openapi::path::{Operation, ParameterIn, PathItem};
use utoipa::openapi::schema::{ObjectBuilder, Schema, SchemaType, Type};
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::openapi::{ContentBuilder, Ref, RefOr, ResponseBuilder};
use utoipa::{IntoParams, Modify, OpenApi, PartialSchema, ToSchema};

use crate::routes::{batch, cypher, feed, friends, interests, ops, posts, riders};
use crate::views::{CommentView, PostView, RiderView};

/// The name of the bearer security scheme that `security(...)` on a path refers to.
pub const BEARER: &str = "bearer";

#[derive(OpenApi)]
#[openapi(
    info(title = "Pillion", description = "Social graph and activity-feed server"),
    paths(
        riders::sign_up,
        riders::log_in,
        riders::log_out,
        riders::me,
        riders::update_me,
        riders::by_id,
        riders::by_handle,
        friends::friend_request,
        friends::incoming,
        friends::accept,
        friends::decline,
        friends::unfriend,
        friends::friends,
        friends::suggestions,
        interests::follow,
        interests::unfollow,
        interests::posts,
        posts::create,
        posts::read,
        posts::remove,
        posts::like,
        posts::unlike,
        posts::likers,
        posts::comment,
        posts::comments,
        feed::feed,
        feed::wall,
        batch::batch,
        cypher::cypher,
        ops::live,
        ops::ready,
        ops::metrics,
        ops::openapi,
    ),
    components(schemas(ErrorBody)),
    modifiers(&Shared),
    tags(
        (name = "sessions", description = "Sign-up, log-in and log-out."),
        (name = "riders", description = "Rider profiles."),
        (name = "friends", description = "Friend requests that become mutual, friend lists and suggestions."),
        (name = "interests", description = "Free-form interests: following them and their posts."),
        (name = "posts", description = "Posts, likes and comments."),
        (name = "feed", description = "The news feed and walls."),
        (name = "batch", description = "Many writes in one request."),
        (name = "graph", description = "Cypher over the live graph (operators only): reads, and writes through the same durable path and rules as the HTTP routes."),
        (name = "operations", description = "Health, metrics and this reference; no token needed."),
    )
)]
struct ApiDoc;

/// The whole reference.
pub fn document() -> utoipa::openapi::OpenApi {
    ApiDoc::openapi()
}

/// Every error code, each with the status it is answered with. A code added to the model fails
/// to compile in the match below until it is listed here.
fn error_codes() -> [ErrorCode; 14] {
    use ErrorCode as C;
    let all = [
        C::InvalidJson,
        C::InvalidRequest,
        C::Unauthorized,
        C::Forbidden,
        C::NotFound,
        C::Conflict,
        C::PayloadTooLarge,
        C::RateLimited,
        C::Unavailable,
        C::Internal,
        C::InvalidQuery,
        C::Unsupported,
        C::QueryTimeout,
        C::QueryTooLarge,
    ];
    match all[0] {
        C::InvalidJson
        | C::InvalidRequest
        | C::Unauthorized
        | C::Forbidden
        | C::NotFound
        | C::Conflict
        | C::PayloadTooLarge
        | C::RateLimited
        | C::Unavailable
        | C::Internal
        | C::InvalidQuery
        | C::Unsupported
        | C::QueryTimeout
        | C::QueryTooLarge => all,
    }
}

fn code_table() -> String {
    error_codes()
        .iter()
        .map(|c| {
            format!(
                "- `{}`: {}\n",
                c.as_str(),
                crate::error::status_of(*c).as_u16()
            )
        })
        .collect()
}

const INTRO: &str = "\
A social graph and activity-feed server. This reference is generated from the server's code \
(each route's handler and the types it reads and writes) and served at `GET /openapi.json`.

## Conventions
- JSON in and out (`Content-Type: application/json`), UTF-8. Ids are JSON integers below 2^53. \
Times are RFC 3339 UTC strings with milliseconds (`2026-11-21T22:12:08.123Z`).
- Auth: `Authorization: Bearer <token>` (security scheme `bearer`). Every route needs a token \
except sign-up, log-in, `/health/*`, `/metrics` and `/openapi.json`. An operator token \
(`pillion token --admin`) is not a rider: rider routes answer it 403 `forbidden`.
- Lists take `?limit=N` (1-100, default 10; anything else is 400) and `?cursor=<opaque>`, and \
answer `{\"items\": [...], \"next_cursor\": \"<opaque>\" | null}`. Walking every page returns \
each item exactly once, even while new items are being written. A cursor belongs to the list \
(and the viewer) that gave it out; any other cursor is 400 `invalid_request`.
- Optional fields left out come back empty (`props` `{}`, `photos` `[]`, `interests` `[]`, \
`place` `null`); every documented key is always present.
- Path segments are percent-decoded exactly once: `/v1/interests/BMW%20R%201200%20GS%2FAdventure/posts` \
names the interest `BMW R 1200 GS/Adventure`.
- Who may see a post: its author, the author's friends, and for `public` posts everyone. \
Everywhere a post the viewer may not see is absent, and a direct read of it is 404 `not_found`, \
the same answer as for a post that does not exist.
- A write is in its own response and in its author's next read (read-your-writes).
- Request bodies over 1 MiB: 413 `payload_too_large`.

## Errors
Every failure has the right status and the body `{\"error\": {\"code\", \"message\"}}` \
(schema `ErrorBody`); the message of a 400 names the offending field. Never a 500 for bad input, \
never a stack trace or SQL text. The codes and their statuses:
";

const EXTENSIONS: &str = "
An unknown path is 404 `not_found`; a known path asked with a method it does not have is 405 \
(code `invalid_request`, and an `Allow` header).

## Beyond the contract
This server offers more than the public contract (API.md) requires:
- `GET /v1/riders/me`: the viewer's own profile.
- `GET /v1/posts/{id}/likes`: the riders who like a post, by ascending id, paged.
- `GET /v1/me/suggestions` pages like every list: it takes `cursor` and answers `next_cursor`.
- Comments carry the `post_id` of their post.
- A 429 carries `Retry-After` (seconds).
- 405, not 404, for a wrong method on a known path, with an `Allow` header listing the methods.
- Every response carries `X-Request-Id` (the request's own, else a fresh one).
- `GET /openapi.json`: this reference.
- `POST /v1/cypher` answers a query that writes with `stats` besides `columns` and `rows`, and \
refuses a write that would break the social model with 400 `invalid_query`, its message \
`write refused: <the rule>` (the rules are listed with the route).
";

/// Adds to the derived document what the routes share: the intro, the bearer scheme, and the
/// failures that extractors and middleware add to every route they guard.
struct Shared;

impl Modify for Shared {
    fn modify(&self, doc: &mut utoipa::openapi::OpenApi) {
        doc.info.description = Some(format!("{INTRO}{}{EXTENSIONS}", code_table()));
        doc.components
            .get_or_insert_with(Default::default)
            .add_security_scheme(
                BEARER,
                SecurityScheme::Http(
                    HttpBuilder::new()
                        .scheme(HttpAuthScheme::Bearer)
                        .description(Some(
                            "A rider's token from sign-up or log-in (or `pillion token`), or an \
                             operator's token from `pillion token --admin`.",
                        ))
                        .build(),
                ),
            );
        for (path, item) in doc.paths.paths.iter_mut() {
            for op in operations_mut(item) {
                add_shared_failures(path, op);
            }
        }
    }
}

pub(crate) fn operations_mut(item: &mut PathItem) -> impl Iterator<Item = &mut Operation> {
    [
        &mut item.get,
        &mut item.put,
        &mut item.post,
        &mut item.delete,
        &mut item.options,
        &mut item.head,
        &mut item.patch,
        &mut item.trace,
    ]
    .into_iter()
    .filter_map(Option::as_mut)
}

fn add_shared_failures(path: &str, op: &mut Operation) {
    let secured = op.security.as_ref().is_some_and(|s| !s.is_empty());
    let has_body = op.request_body.is_some();
    let params = op.parameters.as_deref().unwrap_or_default();
    let is_list = params
        .iter()
        .any(|p| p.parameter_in == ParameterIn::Query && p.name == "limit");
    let has_path_params = params.iter().any(|p| p.parameter_in == ParameterIn::Path);

    let mut bad_request = Vec::new();
    if has_body {
        bad_request.push(
            "`invalid_json`: the body is not a JSON document. `invalid_request`: a field is \
             missing, unknown, of the wrong type or breaks a rule; the message names it.",
        );
    }
    if is_list {
        bad_request.push(
            "`invalid_request`: `limit` is not an integer from 1 to 100, or `cursor` is not one \
             that this list gave out.",
        );
    }
    if has_path_params {
        bad_request.push("`invalid_request`: a path parameter is malformed.");
    }
    if !bad_request.is_empty() {
        add_failure(op, 400, &bad_request.join(" "));
    }
    if secured {
        add_failure(
            op,
            401,
            "`unauthorized`: the token is missing, malformed, expired or revoked (logged out), \
             or its rider no longer exists.",
        );
        add_failure(
            op,
            403,
            "`forbidden`: an operator token is not a rider; rider routes answer it 403.",
        );
    }
    if has_body {
        add_failure(op, 413, "`payload_too_large`: the body is over 1 MiB.");
    }
    if secured {
        add_failure(
            op,
            429,
            "`rate_limited`: too many requests for this token; `Retry-After` says how many \
             seconds to wait.",
        );
        if let Some(RefOr::T(res)) = op.responses.responses.get_mut("429") {
            res.headers.insert(
                "Retry-After".to_owned(),
                HeaderBuilder::new()
                    .schema(ObjectBuilder::new().schema_type(Type::Integer))
                    .description(Some("Seconds to wait before trying again."))
                    .build(),
            );
        }
    }
    if path.starts_with("/v1/") {
        add_failure(
            op,
            503,
            "`unavailable`: the server is starting (loading its data) or shutting down.",
        );
    }
}

/// Adds an error answer to `op`, or, if the handler already documents that status, appends the
/// shared cause to its description.
fn add_failure(op: &mut Operation, status: u16, description: &str) {
    let key = status.to_string();
    match op.responses.responses.get_mut(&key) {
        Some(RefOr::T(res)) => {
            res.description = format!("{} {description}", res.description);
        }
        Some(RefOr::Ref(_)) => {}
        None => {
            let res = ResponseBuilder::new()
                .description(description)
                .content(
                    "application/json",
                    ContentBuilder::new()
                        .schema(Some(Ref::from_schema_name(ErrorBody::name())))
                        .build(),
                )
                .build();
            op.responses.responses.insert(key, RefOr::T(res));
        }
    }
}

/// `?limit=N&cursor=C` of every list route (read by `extract::ListParams`).
#[derive(IntoParams)]
#[into_params(parameter_in = Query)]
#[allow(dead_code)] // describes the query string; never built
pub(crate) struct ListQuery {
    /// How many items to return: 1 to 100 (default 10); anything else is 400.
    #[param(minimum = 1, maximum = 100, default = 10)]
    limit: Option<u32>,
    /// Where to go on: the `next_cursor` of the previous page of the same list. Opaque.
    cursor: Option<String>,
}

/// The body of every failure: `{"error": {"code", "message"}}`.
#[derive(ToSchema)]
#[allow(dead_code)] // handlers build it in `ApiError::into_response`
pub(crate) struct ErrorBody {
    error: ErrorDetail,
}

#[derive(ToSchema)]
#[allow(dead_code)]
pub(crate) struct ErrorDetail {
    code: ErrorCodeSchema,
    /// Human text; for a 400 it names the offending field (`handle: ...`, `ops[3].post_id: ...`).
    message: String,
}

/// The machine-readable error code (snake_case).
pub(crate) struct ErrorCodeSchema;

impl PartialSchema for ErrorCodeSchema {
    fn schema() -> RefOr<Schema> {
        let codes = error_codes();
        ObjectBuilder::new()
            .schema_type(Type::String)
            .enum_values(Some(codes.iter().map(|c| c.as_str())))
            .description(Some(format!(
                "The error code; each code has one status:\n{}",
                code_table()
            )))
            .into()
    }
}

impl ToSchema for ErrorCodeSchema {
    fn name() -> Cow<'static, str> {
        Cow::Borrowed("ErrorCode")
    }
}

fn string_enum(description: &str, values: impl IntoIterator<Item = String>) -> RefOr<Schema> {
    ObjectBuilder::new()
        .schema_type(Type::String)
        .enum_values(Some(values))
        .description(Some(description))
        .into()
}

/// How the viewer stands to a rider, as `RiderView.relation` says it.
pub(crate) struct Relation;

impl PartialSchema for Relation {
    fn schema() -> RefOr<Schema> {
        use pillion_graph::Relation as R;
        let all = [
            R::SelfRider,
            R::Friend,
            R::RequestSent,
            R::RequestReceived,
            R::None,
        ];
        // A new relation fails to compile here until it is listed above.
        match all[0] {
            R::SelfRider | R::Friend | R::RequestSent | R::RequestReceived | R::None => {}
        }
        string_enum(
            "How the viewer stands to this rider.",
            all.map(|r| r.as_str().to_owned()),
        )
    }
}

impl ToSchema for Relation {}

/// Who may see a post besides its author.
pub(crate) struct Visibility;

impl PartialSchema for Visibility {
    fn schema() -> RefOr<Schema> {
        use pillion_model::Visibility as V;
        let all = [V::Friends, V::Public];
        match all[0] {
            V::Friends | V::Public => {}
        }
        string_enum(
            "Who may see the post besides its author: its author's friends (`friends`, the \
             default) or everyone (`public`).",
            all.map(|v| v.as_str().to_owned()),
        )
    }
}

impl ToSchema for Visibility {}

/// `{"status": "requested" | "friends"}` after a friend request or an acceptance.
#[derive(ToSchema)]
#[allow(dead_code)] // built by `friends::status_body`
pub(crate) struct FriendStatusBody {
    #[schema(schema_with = friend_status)]
    status: String,
}

fn friend_status() -> RefOr<Schema> {
    let all = [FriendStatus::Requested, FriendStatus::Friends];
    match all[0] {
        FriendStatus::Requested | FriendStatus::Friends => {}
    }
    string_enum(
        "`requested`: the request waits for the other rider. `friends`: the two are friends.",
        all.iter().filter_map(|s| match serde_json::to_value(s) {
            Ok(serde_json::Value::String(s)) => Some(s),
            _ => None,
        }),
    )
}

fn scalar_props(nullable: bool) -> RefOr<Schema> {
    let mut types = vec![Type::String, Type::Number, Type::Boolean];
    if nullable {
        types.push(Type::Null);
    }
    let (description, example) = if nullable {
        (
            "A patch for `props`: each key is set to its value, or removed if the value is `null`; \
             keys left out are kept.",
            serde_json::json!({"bike": "R1250GS", "city": null}),
        )
    } else {
        (
            "Schema-free rider properties: a flat object of strings, numbers and booleans (at most \
             64 keys of 1-64 characters; strings up to 1,000 characters).",
            serde_json::json!({"bike": "R1200GS", "city": "Lyon"}),
        )
    };
    ObjectBuilder::new()
        .schema_type(Type::Object)
        .additional_properties(Some(
            ObjectBuilder::new().schema_type(SchemaType::Array(types)),
        ))
        .description(Some(description))
        .examples([example])
        .into()
}

/// A rider's `props`.
pub(crate) struct Props;

impl PartialSchema for Props {
    fn schema() -> RefOr<Schema> {
        scalar_props(false)
    }
}

impl ToSchema for Props {}

/// The `props` of `PATCH /v1/riders/me`.
pub(crate) struct PropsPatch;

impl PartialSchema for PropsPatch {
    fn schema() -> RefOr<Schema> {
        scalar_props(true)
    }
}

impl ToSchema for PropsPatch {}

/// A photo attached to a post (`pillion_model::Photo`).
#[derive(ToSchema)]
#[allow(dead_code)] // the views serialize the model's own type
pub(crate) struct Photo {
    url: String,
    width: u32,
    height: u32,
}

/// Where a post was made (`pillion_model::Place`).
#[derive(ToSchema)]
#[allow(dead_code)]
pub(crate) struct Place {
    name: String,
    lat: f64,
    lon: f64,
}

/// The answer to sign-up and log-in: the rider and a bearer token for it.
#[derive(ToSchema)]
#[allow(dead_code)] // built with `json!` in `riders::respond_with_rider`
pub(crate) struct Session {
    rider: RiderView<'static>,
    /// A bearer token for `Authorization: Bearer <token>`.
    token: String,
}

/// One operation of a batch: `op` names it, the other keys are its fields.
#[derive(ToSchema)]
#[serde(tag = "op", rename_all = "snake_case")]
#[allow(dead_code)] // `batch::parse_op` reads ops from JSON values
pub(crate) enum BatchOp {
    /// Like `POST /v1/posts`; answers 201 with the post.
    Post(posts::PostInput),
    /// Like `PUT /v1/posts/{id}/like`; answers 204.
    Like(batch::PostRef),
    /// Like `DELETE /v1/posts/{id}/like`; answers 204.
    Unlike(batch::PostRef),
    /// Like `POST /v1/posts/{id}/comments`; answers 201 with the comment.
    Comment(batch::CommentOp),
    /// Like `POST /v1/riders/{id}/friend-request`; answers 201 with the status.
    FriendRequest(batch::RiderRef),
    /// Like `POST /v1/friend-requests/{from_id}/accept`; answers 200 with the status.
    Accept(batch::RiderRef),
}

/// `{"results": [...]}`: one result per op, in the order of the ops.
#[derive(ToSchema)]
#[allow(dead_code)] // built with `json!` in `batch::batch`
pub(crate) struct BatchResponse {
    results: Vec<BatchResult>,
}

/// What one op came to: the status and body its own route would answer, or its error.
#[derive(ToSchema)]
#[serde(untagged)]
#[allow(dead_code)]
pub(crate) enum BatchResult {
    Done(BatchDone),
    Failed(BatchFailed),
}

#[derive(ToSchema)]
#[allow(dead_code)]
pub(crate) struct BatchDone {
    /// 201 for `post`, `comment` and `friend_request`; 200 for `accept`; 204 for `like` and
    /// `unlike`.
    #[schema(example = 201)]
    status: u16,
    /// The post, the comment, the friendship status, or `null` for `like` and `unlike`.
    #[schema(required = true)]
    body: Option<BatchBody>,
}

#[derive(ToSchema)]
#[serde(untagged)]
#[allow(dead_code)]
pub(crate) enum BatchBody {
    Post(PostView<'static>),
    Comment(CommentView<'static>),
    Friend(FriendStatusBody),
}

#[derive(ToSchema)]
#[allow(dead_code)]
pub(crate) struct BatchFailed {
    /// The status the op's own route would answer (400, 403, 404, 409, ...).
    #[schema(example = 404)]
    status: u16,
    error: ErrorDetail,
}

/// `{"status": ...}` of the health routes.
#[derive(ToSchema)]
#[allow(dead_code)] // built with `json!` in `ops`
pub(crate) struct HealthBody {
    status: HealthStatus,
}

#[derive(ToSchema)]
#[serde(rename_all = "lowercase")]
#[allow(dead_code)]
pub(crate) enum HealthStatus {
    /// The process runs (`/health/live`).
    Live,
    /// The server serves (`/health/ready`, 200).
    Ready,
    /// Still loading its data (`/health/ready`, 503).
    Starting,
    /// Shutting down (`/health/ready`, 503).
    Draining,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn error_codes_are_distinct_and_map_to_error_statuses() {
        let codes = error_codes();
        let mut names: Vec<&str> = codes.iter().map(|c| c.as_str()).collect();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), codes.len());
        for c in codes {
            let status = crate::error::status_of(c);
            assert!(
                status.is_client_error() || status.is_server_error(),
                "{c:?}"
            );
        }
    }

    #[test]
    fn list_query_matches_the_extractor() {
        let params = ListQuery::into_params(|| None);
        let limit = params.iter().find(|p| p.name == "limit");
        let json = serde_json::to_value(limit).unwrap_or_default();
        assert_eq!(json["schema"]["minimum"], 1);
        assert_eq!(json["schema"]["maximum"], crate::extract::MAX_LIMIT);
        assert_eq!(json["schema"]["default"], crate::extract::DEFAULT_LIMIT);
    }

    /// The schema-only mirrors of model types must name the same keys the model serializes.
    #[test]
    fn photo_and_place_mirror_the_model() {
        let doc = serde_json::to_value(document()).unwrap_or_default();
        let keys_of = |name: &str| -> Vec<String> {
            let mut keys: Vec<String> = doc["components"]["schemas"][name]["properties"]
                .as_object()
                .map(|o| o.keys().cloned().collect())
                .unwrap_or_default();
            keys.sort();
            keys
        };
        let model_keys = |v: serde_json::Value| -> Vec<String> {
            let mut keys: Vec<String> = v
                .as_object()
                .map(|o| o.keys().cloned().collect())
                .unwrap_or_default();
            keys.sort();
            keys
        };
        let photo = pillion_model::Photo {
            url: "https://example.com/a.jpg".into(),
            width: 1,
            height: 1,
        };
        let place = pillion_model::Place {
            name: "Lyon".into(),
            lat: 45.7,
            lon: 4.8,
        };
        let photo = serde_json::to_value(photo).unwrap_or_default();
        let place = serde_json::to_value(place).unwrap_or_default();
        assert_eq!(keys_of("Photo"), model_keys(photo));
        assert_eq!(keys_of("Place"), model_keys(place));
    }
}
