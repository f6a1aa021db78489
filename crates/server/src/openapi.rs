//! The API reference, generated from the route table and the request/response types.

use utoipa::OpenApi;

#[derive(OpenApi)]
#[openapi(info(
    title = "Pillion",
    description = "Social graph and activity-feed server"
))]
struct ApiDoc;

pub fn document() -> utoipa::openapi::OpenApi {
    ApiDoc::openapi()
}
