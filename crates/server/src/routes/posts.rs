//! Posts, likes and comments.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::{get, post, put};
use axum::Router;
use pillion_model::{
    Command, CommentBody, CommentId, Error, InterestName, Outcome, Photo, Place, PostBody, PostId,
    RiderId, Visibility, MAX_INTERESTS_PER_POST, MAX_PHOTOS,
};
use serde::Deserialize;

use super::no_content;
use crate::cursor;
use crate::error::{ApiError, ApiResult};
use crate::extract::{parse_id, Json, ListParams, PathParam};
use crate::state::{AppState, Viewer};
use crate::views::{json, CommentView, List, PostView, RiderSummary};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/v1/posts", post(create))
        .route("/v1/posts/{id}", get(read).delete(remove))
        .route("/v1/posts/{id}/like", put(like).delete(unlike))
        .route("/v1/posts/{id}/likes", get(likers))
        .route("/v1/posts/{id}/comments", post(comment).get(comments))
}

/// A photo to attach to a post.
#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct PhotoInput {
    /// 1-2,048 characters.
    #[schema(
        min_length = 1,
        max_length = 2048,
        example = "https://example.com/col.jpg"
    )]
    url: String,
    /// In pixels: 1 to 100,000.
    #[schema(minimum = 1, maximum = 100000, example = 1600)]
    width: i64,
    /// In pixels: 1 to 100,000.
    #[schema(minimum = 1, maximum = 100000, example = 1200)]
    height: i64,
}

/// Where a post was made.
#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct PlaceInput {
    /// 1-200 characters.
    #[schema(min_length = 1, max_length = 200, example = "Col du Galibier")]
    name: String,
    /// Latitude in degrees: -90 to 90.
    #[schema(minimum = -90, maximum = 90, example = 45.064)]
    lat: f64,
    /// Longitude in degrees: -180 to 180.
    #[schema(minimum = -180, maximum = 180, example = 6.408)]
    lon: f64,
}

/// A new post; optional fields left out (or `null`) come back empty.
#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct PostInput {
    /// 1-10,000 characters.
    #[schema(
        min_length = 1,
        max_length = 10000,
        example = "Over the Galibier at dawn."
    )]
    body: String,
    /// `friends` (the default) or `public`.
    #[serde(default)]
    #[schema(value_type = Option<crate::openapi::Visibility>)]
    visibility: Option<String>,
    /// Up to 10 photos.
    #[serde(default)]
    #[schema(max_items = 10)]
    photos: Option<Vec<PhotoInput>>,
    #[serde(default)]
    place: Option<PlaceInput>,
    /// Up to 10 interest names (1-80 characters each; names that differ only in case count once).
    #[serde(default)]
    #[schema(max_items = 10, example = json!(["Alps", "BMW R 1200 GS/Adventure"]))]
    interests: Option<Vec<String>>,
}

impl PostInput {
    /// Checks every field and builds the command.
    pub(crate) fn into_command(self, author: RiderId) -> Result<Command, Error> {
        let body = PostBody::parse(&self.body)?;
        let visibility = self
            .visibility
            .as_deref()
            .map(Visibility::parse)
            .transpose()?
            .unwrap_or_default();
        let photos = self.photos.unwrap_or_default();
        if photos.len() > MAX_PHOTOS {
            return Err(Error::invalid(
                "photos",
                format!("at most {MAX_PHOTOS} photos (got {})", photos.len()),
            ));
        }
        let photos = photos
            .iter()
            .enumerate()
            .map(|(i, p)| Photo::parse(i, &p.url, p.width, p.height))
            .collect::<Result<Vec<_>, _>>()?;
        let place = self
            .place
            .map(|p| Place::parse(&p.name, p.lat, p.lon))
            .transpose()?;
        let interests = self.interests.unwrap_or_default();
        if interests.len() > MAX_INTERESTS_PER_POST {
            return Err(Error::invalid(
                "interests",
                format!(
                    "at most {MAX_INTERESTS_PER_POST} interests (got {})",
                    interests.len()
                ),
            ));
        }
        let interests = interests
            .iter()
            .enumerate()
            .map(|(i, n)| InterestName::parse_field(&format!("interests[{i}]"), n))
            .collect::<Result<Vec<_>, _>>()?;
        Ok(Command::CreatePost {
            author,
            body,
            visibility,
            photos,
            place,
            interests,
        })
    }
}

/// The enriched post after a write (the writer applied it before answering: read-your-writes).
pub(crate) fn post_response(s: &AppState, viewer: RiderId, id: PostId) -> ApiResult<Response> {
    let g = s.engine.read();
    let p = g.post(id).ok_or_else(|| ApiError::not_found("post"))?;
    let view = PostView::of(&g, viewer, p).ok_or_else(|| ApiError::not_found("post"))?;
    Ok(crate::post_json::post_response(StatusCode::CREATED, &view))
}

pub(crate) fn comment_response(s: &AppState, id: CommentId) -> ApiResult<Response> {
    let g = s.engine.read();
    let c = g
        .comment(id)
        .ok_or_else(|| ApiError::not_found("comment"))?;
    let view = CommentView::of(&g, c).ok_or_else(|| ApiError::not_found("comment"))?;
    Ok(json(StatusCode::CREATED, &view))
}

/// Create a post
///
/// Posts as the viewer and answers with the post as its author sees it. It is in the author's
/// next read at once and reaches friends' feeds within 100 ms.
#[utoipa::path(
    post,
    path = "/v1/posts",
    tag = "posts",
    operation_id = "create_post",
    security(("bearer" = [])),
    request_body = PostInput,
    responses(
        (status = 201, description = "The new post.", body = PostView),
    )
)]
async fn create(
    State(s): State<AppState>,
    viewer: Viewer,
    Json(input): Json<PostInput>,
) -> ApiResult<Response> {
    let command = input.into_command(viewer.id)?;
    match s.engine.write(command).await? {
        Outcome::Post(id) => post_response(&s, viewer.id, id),
        _ => Err(ApiError::internal(&"create post produced no post")),
    }
}

fn post_id(id: &str) -> Result<PostId, ApiError> {
    parse_id("id", id).map(PostId)
}

/// A post
///
/// The post, enriched for the viewer. A post the viewer may not see is 404, just like one that
/// does not exist.
#[utoipa::path(
    get,
    path = "/v1/posts/{id}",
    tag = "posts",
    operation_id = "get_post",
    security(("bearer" = [])),
    params(("id" = u64, Path, description = "The post.")),
    responses(
        (status = 200, description = "The post.", body = PostView),
        (status = 404, description = "`not_found`: no such post, or the viewer may not see it.", body = crate::openapi::ErrorBody),
    )
)]
async fn read(
    State(s): State<AppState>,
    viewer: Viewer,
    PathParam(id): PathParam<String>,
) -> ApiResult<Response> {
    let id = post_id(&id)?;
    let g = s.engine.read();
    let p = g
        .visible_post(viewer.id, id)
        .ok_or_else(|| ApiError::not_found("post"))?;
    let view = PostView::of(&g, viewer.id, p).ok_or_else(|| ApiError::not_found("post"))?;
    Ok(crate::post_json::post_response(StatusCode::OK, &view))
}

/// Delete a post
///
/// Only its author may delete a post; it leaves every feed, wall and list.
#[utoipa::path(
    delete,
    path = "/v1/posts/{id}",
    tag = "posts",
    operation_id = "delete_post",
    security(("bearer" = [])),
    params(("id" = u64, Path, description = "The post.")),
    responses(
        (status = 204, description = "The post is gone."),
        (status = 403, description = "`forbidden`: the viewer can see the post but is not its author.", body = crate::openapi::ErrorBody),
        (status = 404, description = "`not_found`: no such post, or the viewer may not see it.", body = crate::openapi::ErrorBody),
    )
)]
async fn remove(
    State(s): State<AppState>,
    viewer: Viewer,
    PathParam(id): PathParam<String>,
) -> ApiResult<StatusCode> {
    let post = post_id(&id)?;
    no_content(
        &s,
        Command::DeletePost {
            rider: viewer.id,
            post,
        },
    )
    .await
}

/// Like a post
///
/// Idempotent: liking a post the viewer already likes changes nothing and answers 204 again.
#[utoipa::path(
    put,
    path = "/v1/posts/{id}/like",
    tag = "posts",
    operation_id = "like_post",
    security(("bearer" = [])),
    params(("id" = u64, Path, description = "The post.")),
    responses(
        (status = 204, description = "The viewer likes the post."),
        (status = 404, description = "`not_found`: no such post, or the viewer may not see it.", body = crate::openapi::ErrorBody),
    )
)]
async fn like(
    State(s): State<AppState>,
    viewer: Viewer,
    PathParam(id): PathParam<String>,
) -> ApiResult<StatusCode> {
    let post = post_id(&id)?;
    no_content(
        &s,
        Command::Like {
            rider: viewer.id,
            post,
        },
    )
    .await
}

/// Unlike a post
///
/// Idempotent: unliking a post the viewer does not like changes nothing and answers 204.
#[utoipa::path(
    delete,
    path = "/v1/posts/{id}/like",
    tag = "posts",
    operation_id = "unlike_post",
    security(("bearer" = [])),
    params(("id" = u64, Path, description = "The post.")),
    responses(
        (status = 204, description = "The viewer does not like the post."),
        (status = 404, description = "`not_found`: no such post, or the viewer may not see it.", body = crate::openapi::ErrorBody),
    )
)]
async fn unlike(
    State(s): State<AppState>,
    viewer: Viewer,
    PathParam(id): PathParam<String>,
) -> ApiResult<StatusCode> {
    let post = post_id(&id)?;
    no_content(
        &s,
        Command::Unlike {
            rider: viewer.id,
            post,
        },
    )
    .await
}

/// Riders who like a post (an extension of the contract), by ascending id.
/// Who likes a post
///
/// The riders who like the post, by ascending id. An extension of the contract.
#[utoipa::path(
    get,
    path = "/v1/posts/{id}/likes",
    tag = "posts",
    operation_id = "list_likers",
    security(("bearer" = [])),
    params(("id" = u64, Path, description = "The post."), crate::openapi::ListQuery),
    responses(
        (status = 200, description = "A page of riders, by ascending id.", body = List<RiderSummary>),
        (status = 404, description = "`not_found`: no such post, or the viewer may not see it.", body = crate::openapi::ErrorBody),
    )
)]
async fn likers(
    State(s): State<AppState>,
    viewer: Viewer,
    PathParam(id): PathParam<String>,
    page: ListParams,
) -> ApiResult<Response> {
    let id = post_id(&id)?;
    let scope = format!("likes:{}:{id}", viewer.id);
    let after = cursor::read(&s.keys, &scope, page.cursor.as_deref())?;
    let g = s.engine.read();
    let p = g
        .visible_post(viewer.id, id)
        .ok_or_else(|| ApiError::not_found("post"))?;
    let likers = p.likers();
    let start = after.map_or(0, |a| likers.partition_point(|r| *r <= a));
    let rest = &likers[start..];
    let take = rest.len().min(page.limit);
    let items: Vec<RiderSummary> = rest[..take]
        .iter()
        .filter_map(|r| g.rider(*r).map(RiderSummary::of))
        .collect();
    let next_cursor = cursor::write(&s.keys, &scope, (rest.len() > take).then(|| rest[take - 1]));
    Ok(json(StatusCode::OK, &List { items, next_cursor }))
}

/// A new comment.
#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct CommentInput {
    /// 1-10,000 characters.
    #[schema(min_length = 1, max_length = 10000, example = "Stunning!")]
    pub(crate) body: String,
}

/// Comment on a post
///
/// Anyone who can see the post may comment on it.
#[utoipa::path(
    post,
    path = "/v1/posts/{id}/comments",
    tag = "posts",
    operation_id = "create_comment",
    security(("bearer" = [])),
    params(("id" = u64, Path, description = "The post.")),
    request_body = CommentInput,
    responses(
        (status = 201, description = "The new comment.", body = CommentView),
        (status = 404, description = "`not_found`: no such post, or the viewer may not see it.", body = crate::openapi::ErrorBody),
    )
)]
async fn comment(
    State(s): State<AppState>,
    viewer: Viewer,
    PathParam(id): PathParam<String>,
    Json(input): Json<CommentInput>,
) -> ApiResult<Response> {
    let post = post_id(&id)?;
    let body = CommentBody::parse(&input.body)?;
    match s
        .engine
        .write(Command::Comment {
            rider: viewer.id,
            post,
            body,
        })
        .await?
    {
        Outcome::Comment(id) => comment_response(&s, id),
        _ => Err(ApiError::internal(&"comment produced no comment")),
    }
}

/// A post's comments
///
/// The comments on the post, oldest first.
#[utoipa::path(
    get,
    path = "/v1/posts/{id}/comments",
    tag = "posts",
    operation_id = "list_comments",
    security(("bearer" = [])),
    params(("id" = u64, Path, description = "The post."), crate::openapi::ListQuery),
    responses(
        (status = 200, description = "A page of comments, oldest first.", body = List<CommentView>),
        (status = 404, description = "`not_found`: no such post, or the viewer may not see it.", body = crate::openapi::ErrorBody),
    )
)]
async fn comments(
    State(s): State<AppState>,
    viewer: Viewer,
    PathParam(id): PathParam<String>,
    page: ListParams,
) -> ApiResult<Response> {
    let id = post_id(&id)?;
    let scope = format!("comments:{}:{id}", viewer.id);
    let after = cursor::read(&s.keys, &scope, page.cursor.as_deref())?;
    let g = s.engine.read();
    let p = g
        .visible_post(viewer.id, id)
        .ok_or_else(|| ApiError::not_found("post"))?;
    let page = g.comments_of(p, after, page.limit);
    let items: Vec<CommentView> = page
        .items
        .iter()
        .filter_map(|c| g.comment(*c))
        .filter_map(|c| CommentView::of(&g, c))
        .collect();
    let next_cursor = cursor::write(&s.keys, &scope, page.next);
    Ok(json(StatusCode::OK, &List { items, next_cursor }))
}
