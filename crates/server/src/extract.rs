//! Extractors that turn raw requests into checked input, failing with the contract's error shape:
//! JSON bodies (malformed -> `invalid_json`, wrong or unknown fields -> `invalid_request` naming the
//! field, over 1 MiB -> 413), path ids, and list parameters (`limit`, `cursor`).

use std::collections::HashMap;

use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{FromRequest, FromRequestParts, Query, Request};
use axum::http::request::Parts;
use axum::http::StatusCode;
use pillion_model::{ErrorCode, MAX_ID};
use serde::de::DeserializeOwned;

use crate::error::ApiError;

pub const DEFAULT_LIMIT: usize = 10;
pub const MAX_LIMIT: usize = 100;

/// A JSON body of type `T`.
pub struct Json<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for Json<T> {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, ApiError> {
        let bytes = Bytes::from_request(req, state)
            .await
            .map_err(body_rejection)?;
        parse_json(&bytes).map(Json)
    }
}

fn body_rejection(r: BytesRejection) -> ApiError {
    if r.status() == StatusCode::PAYLOAD_TOO_LARGE {
        ApiError::new(
            ErrorCode::PayloadTooLarge,
            "request body is larger than 1 MiB",
        )
    } else {
        ApiError::new(ErrorCode::InvalidJson, "could not read the request body")
    }
}

/// Parses JSON, telling syntax errors (`invalid_json`) from shape errors (`invalid_request`,
/// with the path of the offending field).
pub fn parse_json<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, ApiError> {
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Err(ApiError::new(
            ErrorCode::InvalidJson,
            "the request body must be a JSON document",
        ));
    }
    // Syntax first, over the whole body: a body is exactly one JSON document (trailing bytes,
    // truncation and nesting too deep are `invalid_json`, even after a field of the wrong type).
    let value: serde_json::Value = serde_json::from_slice(bytes)
        .map_err(|e| ApiError::new(ErrorCode::InvalidJson, format!("malformed JSON: {e}")))?;
    serde_path_to_error::deserialize::<_, T>(value).map_err(|e| {
        let path = e.path().to_string();
        let field = if path == "." {
            "request".to_owned()
        } else {
            path
        };
        ApiError::invalid(&field, strip_position(&e.into_inner().to_string()))
    })
}

/// serde_json appends " at line L column C"; the field path says more to a client.
fn strip_position(msg: &str) -> &str {
    msg.rfind(" at line ").map_or(msg, |i| &msg[..i])
}

/// Parses an id from a path segment.
pub fn parse_id(field: &str, s: &str) -> Result<u64, ApiError> {
    match s.parse::<u64>() {
        Ok(n) if n <= MAX_ID => Ok(n),
        _ => Err(ApiError::invalid(field, "must be a positive integer id")),
    }
}

/// `?limit=N&cursor=C` of a list route.
#[derive(Debug, Clone)]
pub struct ListParams {
    pub limit: usize,
    pub cursor: Option<String>,
}

impl<S: Send + Sync> FromRequestParts<S> for ListParams {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, ApiError> {
        let Query(q) = Query::<HashMap<String, String>>::from_request_parts(parts, state)
            .await
            .map_err(|_| ApiError::invalid("query", "is not a valid query string"))?;
        let limit = match q.get("limit") {
            None => DEFAULT_LIMIT,
            Some(s) => match s.parse::<usize>() {
                Ok(n) if (1..=MAX_LIMIT).contains(&n) => n,
                _ => {
                    return Err(ApiError::invalid(
                        "limit",
                        format!("must be an integer from 1 to {MAX_LIMIT}"),
                    ))
                }
            },
        };
        let cursor = match q.get("cursor") {
            Some(c) if c.is_empty() => {
                return Err(ApiError::invalid("cursor", "must not be empty"))
            }
            c => c.cloned(),
        };
        Ok(ListParams { limit, cursor })
    }
}

/// A path parameter; a segment that cannot be read becomes `invalid_request`, not a bare 400.
pub struct PathParam<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned + Send> FromRequestParts<S> for PathParam<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, ApiError> {
        axum::extract::Path::<T>::from_request_parts(parts, state)
            .await
            .map(|axum::extract::Path(v)| PathParam(v))
            .map_err(|e| ApiError::invalid("path", e.body_text()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(serde::Deserialize, Debug)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct In {
        name: String,
        age: Option<u32>,
    }

    #[test]
    fn json_errors_name_the_field() {
        let e = parse_json::<In>(br#"{"name": 5}"#).unwrap_err();
        assert_eq!(e.code, ErrorCode::InvalidRequest);
        assert!(e.message.starts_with("name:"), "{}", e.message);
        let e = parse_json::<In>(br#"{"name": "a", "x": 1}"#).unwrap_err();
        assert_eq!(e.code, ErrorCode::InvalidRequest);
        assert!(e.message.contains("unknown field"), "{}", e.message);
        let e = parse_json::<In>(br#"{"name": "a""#).unwrap_err();
        assert_eq!(e.code, ErrorCode::InvalidJson);
        let e = parse_json::<In>(b"{\"name\": \"\xff\"}").unwrap_err();
        assert_eq!(e.code, ErrorCode::InvalidJson);
        let e = parse_json::<In>(b"{}").unwrap_err();
        assert!(e.message.contains("missing field"), "{}", e.message);
    }
}
