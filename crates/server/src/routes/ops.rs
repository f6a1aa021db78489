//! Health, metrics and the API reference: the routes that need no token.

use axum::extract::State;
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use serde_json::json;

use crate::state::AppState;
use crate::views::json;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/health/live", get(live))
        .route("/health/ready", get(ready))
        .route("/metrics", get(metrics))
        .route("/openapi.json", get(openapi))
}

async fn live() -> Response {
    json(StatusCode::OK, &json!({"status": "live"}))
}

async fn ready(State(s): State<AppState>) -> Response {
    if s.is_draining() {
        json(
            StatusCode::SERVICE_UNAVAILABLE,
            &json!({"status": "draining"}),
        )
    } else if !s.engine.is_ready() {
        json(
            StatusCode::SERVICE_UNAVAILABLE,
            &json!({"status": "starting"}),
        )
    } else {
        json(StatusCode::OK, &json!({"status": "ready"}))
    }
}

async fn metrics(State(s): State<AppState>) -> Response {
    let body = crate::metrics::render(&s.engine);
    (
        [(
            header::CONTENT_TYPE,
            HeaderValue::from_static("text/plain; version=0.0.4"),
        )],
        body,
    )
        .into_response()
}

async fn openapi() -> Response {
    json(StatusCode::OK, &crate::openapi::document())
}
