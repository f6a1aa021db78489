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

/// Liveness
///
/// 200 while the process runs.
#[utoipa::path(
    get,
    path = "/health/live",
    tag = "operations",
    operation_id = "health_live",
    responses(
        (status = 200, description = "`live`.", body = crate::openapi::HealthBody),
    )
)]
async fn live() -> Response {
    json(StatusCode::OK, &json!({"status": "live"}))
}

/// Readiness
///
/// 200 when the server serves; 503 while it starts (loads its data) or drains for shutdown.
#[utoipa::path(
    get,
    path = "/health/ready",
    tag = "operations",
    operation_id = "health_ready",
    responses(
        (status = 200, description = "`ready`.", body = crate::openapi::HealthBody),
        (status = 503, description = "`starting` or `draining`.", body = crate::openapi::HealthBody),
    )
)]
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

/// Metrics
///
/// Prometheus text format: request counts and latency histograms per route, write-queue depth,
/// fan-out lag, cache sizes, process memory.
#[utoipa::path(
    get,
    path = "/metrics",
    tag = "operations",
    operation_id = "metrics",
    responses(
        (status = 200, description = "Prometheus text exposition format.", body = String, content_type = "text/plain; version=0.0.4"),
    )
)]
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

/// This reference
///
/// The OpenAPI document of this API, generated from the server's code.
#[utoipa::path(
    get,
    path = "/openapi.json",
    tag = "operations",
    operation_id = "openapi",
    responses(
        (status = 200, description = "An OpenAPI 3.1 document.", body = Object),
    )
)]
async fn openapi() -> Response {
    json(StatusCode::OK, &crate::openapi::document())
}
