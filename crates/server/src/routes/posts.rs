//! Posts, likes and comments.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::{get, post, put};
use axum::Router;
use pillion_model::{
    Command, CommentBody, CommentId, Error, InterestName, Outcome, Photo, Place, PostBody, PostId,
    RiderId, Timestamp, Visibility, MAX_INTERESTS_PER_POST, MAX_PHOTOS,
};
use serde::Deserialize;

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

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct PhotoInput {
    url: String,
    width: i64,
    height: i64,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct PlaceInput {
    name: String,
    lat: f64,
    lon: f64,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct PostInput {
    body: String,
    #[serde(default)]
    visibility: Option<String>,
    #[serde(default)]
    photos: Option<Vec<PhotoInput>>,
    #[serde(default)]
    place: Option<PlaceInput>,
    #[serde(default)]
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
    Ok(json(StatusCode::CREATED, &view))
}

pub(crate) fn comment_response(s: &AppState, id: CommentId) -> ApiResult<Response> {
    let g = s.engine.read();
    let c = g
        .comment(id)
        .ok_or_else(|| ApiError::not_found("comment"))?;
    let view = CommentView::of(&g, c).ok_or_else(|| ApiError::not_found("comment"))?;
    Ok(json(StatusCode::CREATED, &view))
}

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
    Ok(json(StatusCode::OK, &view))
}

async fn remove(
    State(s): State<AppState>,
    viewer: Viewer,
    PathParam(id): PathParam<String>,
) -> ApiResult<StatusCode> {
    let post = post_id(&id)?;
    s.engine
        .write(Command::DeletePost {
            rider: viewer.id,
            post,
        })
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

async fn like(
    State(s): State<AppState>,
    viewer: Viewer,
    PathParam(id): PathParam<String>,
) -> ApiResult<StatusCode> {
    let post = post_id(&id)?;
    s.engine
        .write(Command::Like {
            rider: viewer.id,
            post,
        })
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

async fn unlike(
    State(s): State<AppState>,
    viewer: Viewer,
    PathParam(id): PathParam<String>,
) -> ApiResult<StatusCode> {
    let post = post_id(&id)?;
    s.engine
        .write(Command::Unlike {
            rider: viewer.id,
            post,
        })
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Riders who like a post (an extension of the contract), by ascending id.
async fn likers(
    State(s): State<AppState>,
    viewer: Viewer,
    PathParam(id): PathParam<String>,
    page: ListParams,
) -> ApiResult<Response> {
    let id = post_id(&id)?;
    let scope = format!("likes:{}:{id}", viewer.id);
    let after = page
        .cursor
        .as_deref()
        .map(|c| cursor::decode(&s.keys, &scope, c))
        .transpose()?
        .map(|(_, r)| RiderId(r));
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
    let next_cursor = (rest.len() > take)
        .then(|| rest[take - 1])
        .map(|r| cursor::encode(&s.keys, &scope, 0, r.0));
    Ok(json(StatusCode::OK, &List { items, next_cursor }))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct CommentInput {
    pub(crate) body: String,
}

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

async fn comments(
    State(s): State<AppState>,
    viewer: Viewer,
    PathParam(id): PathParam<String>,
    page: ListParams,
) -> ApiResult<Response> {
    let id = post_id(&id)?;
    let scope = format!("comments:{}:{id}", viewer.id);
    let after = page
        .cursor
        .as_deref()
        .map(|c| cursor::decode(&s.keys, &scope, c))
        .transpose()?
        .map(|(t, c)| (Timestamp(t), CommentId(c)));
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
    let next_cursor = page
        .next
        .map(|(t, c)| cursor::encode(&s.keys, &scope, t.millis(), c.0));
    Ok(json(StatusCode::OK, &List { items, next_cursor }))
}
