//! The API reference at `/openapi.json` must describe every route the server answers, and only
//! those.
//!
//! An axum router cannot list its routes, so the routes are read where they are declared: every
//! `.route("<path>", <method>(handler).<method>(handler)...)` call in the server's source. A route
//! declared there without its handler in `openapi.rs`'s `paths(...)` fails
//! `openapi_documents_every_route_in_the_source`; a route declared in a form the scan does not know
//! (a path that is not a literal, `nest`, `route_service`, `any`, a wildcard) fails the scan
//! itself, so it cannot slip past unseen. `openapi_documents_only_served_routes` then asks the real
//! router for every documented (method, path) and fails on its "no such route" 404 or its 405,
//! which ties the scan to what the server actually serves (a `router()` never merged, a typo).

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use axum::body::Body;
use axum::http::{Method, Request, StatusCode};
use axum::Router;
use pillion_server::engine::Engine;
use pillion_server::state::AppState;
use pillion_server::{HashCost, Keys};
use serde_json::Value;
use tower::ServiceExt;

const METHODS: [&str; 8] = [
    "get", "post", "put", "patch", "delete", "head", "options", "trace",
];

type Route = (String, String);

fn document() -> Value {
    serde_json::to_value(pillion_server::openapi::document()).expect("the document serializes")
}

/// (METHOD, path) of every operation in the document.
fn documented(doc: &Value) -> BTreeSet<Route> {
    let mut routes = BTreeSet::new();
    for (path, item) in doc["paths"].as_object().expect("paths") {
        for method in METHODS {
            if item.get(method).is_some() {
                routes.insert((method.to_uppercase(), path.clone()));
            }
        }
    }
    routes
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("read src dir") {
        let path = entry.expect("dir entry").path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// (METHOD, path) of every `.route(...)` call in the server's source.
fn routes_in_source() -> BTreeSet<Route> {
    let mut files = Vec::new();
    rust_files(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("src"),
        &mut files,
    );
    let mut routes = BTreeSet::new();
    for file in files {
        let text = std::fs::read_to_string(&file).expect("read source");
        // Comments may mention routes; only code declares them.
        let code: String = text
            .lines()
            .filter(|l| !l.trim_start().starts_with("//"))
            .collect::<Vec<_>>()
            .join("\n");
        let name = file.display().to_string();
        for unsupported in [".nest(", ".nest_service(", ".route_service("] {
            assert!(
                !code.contains(unsupported),
                "{name} uses `{unsupported}`: teach this test to read it, so its routes are checked"
            );
        }
        let mut rest = code.as_str();
        while let Some(at) = rest.find(".route(") {
            rest = &rest[at + ".route(".len()..];
            let (path, methods) = parse_route_call(rest).unwrap_or_else(|e| {
                panic!("{name}: cannot read a `.route(` call ({e}): {rest:.80}")
            });
            for m in methods {
                routes.insert((m.to_uppercase(), path.clone()));
            }
        }
    }
    routes
}

/// Reads `"<path>", get(a).post(b))` (the text after `.route(`) into the path and its methods.
fn parse_route_call(text: &str) -> Result<(String, Vec<String>), String> {
    let text = text.trim_start();
    let text = text
        .strip_prefix('"')
        .ok_or("the path is not a string literal")?;
    let end = text.find('"').ok_or("unterminated path")?;
    let path = text[..end].to_owned();
    if path.contains('*') {
        return Err(format!("wildcard path {path}"));
    }
    let text = text[end + 1..]
        .trim_start()
        .strip_prefix(',')
        .ok_or("no method router after the path")?;
    // The method router runs to the `)` that closes `.route(`; its calls at depth 0 are the
    // methods (`get(..).patch(..)`), anything deeper is a handler.
    let mut methods = Vec::new();
    let mut depth = 0usize;
    let mut ident = String::new();
    for c in text.chars() {
        match c {
            '(' => {
                if depth == 0 {
                    if !METHODS.contains(&ident.as_str()) {
                        return Err(format!("`{ident}(` is not a method router this test knows"));
                    }
                    methods.push(ident.clone());
                }
                depth += 1;
            }
            ')' if depth == 0 => break,
            ')' => depth -= 1,
            _ => {}
        }
        if c.is_alphanumeric() || c == '_' {
            ident.push(c);
        } else {
            ident.clear();
        }
    }
    if methods.is_empty() {
        return Err("no methods".into());
    }
    Ok((path, methods))
}

#[test]
fn openapi_documents_every_route_in_the_source() {
    let in_source = routes_in_source();
    let in_doc = documented(&document());
    assert!(
        in_source.len() >= 30,
        "the scan found only {} routes; is it still reading the route table?",
        in_source.len()
    );
    let undocumented: Vec<_> = in_source.difference(&in_doc).collect();
    assert!(
        undocumented.is_empty(),
        "routes missing from the API reference (add #[utoipa::path] and list the handler in \
         openapi.rs): {undocumented:?}"
    );
    let unrouted: Vec<_> = in_doc.difference(&in_source).collect();
    assert!(
        unrouted.is_empty(),
        "documented but not declared in any router: {unrouted:?}"
    );
}

#[test]
fn openapi_route_scan_reads_chains_and_refuses_unknown_forms() {
    let (path, methods) =
        parse_route_call(r#" "/v1/riders/me", get(me).patch(update_me))"#).expect("parses");
    assert_eq!(path, "/v1/riders/me");
    assert_eq!(methods, ["get", "patch"]);
    assert!(parse_route_call("PATH, get(h))").is_err());
    assert!(parse_route_call(r#""/x", any(h))"#).is_err());
    assert!(parse_route_call(r#""/x/{*rest}", get(h))"#).is_err());
}

async fn test_app(dir: &Path) -> (Router, Arc<Engine>) {
    let store =
        pillion_store::SqliteStore::open(&dir.join(pillion_server::DB_FILE)).expect("open store");
    let engine = Engine::start(Box::new(store), 64, pillion_graph::DEFAULT_HEAVY_THRESHOLD)
        .expect("start engine");
    engine.wait_loaded().await;
    let keys = Keys::load_or_create(dir).expect("signing key");
    let state = AppState::new(
        Arc::clone(&engine),
        keys,
        3600,
        HashCost::InsecureFast,
        1_000,
    );
    (pillion_server::app(state), engine)
}

/// Sends a request without a token or body; answers the status and the body.
async fn call(app: &Router, method: &str, path: &str) -> (StatusCode, Value) {
    let req = Request::builder()
        .method(Method::from_bytes(method.as_bytes()).expect("method"))
        .uri(path)
        .body(Body::empty())
        .expect("request");
    let res = app.clone().oneshot(req).await.expect("infallible");
    let status = res.status();
    let bytes = axum::body::to_bytes(res.into_body(), usize::MAX)
        .await
        .expect("body");
    (
        status,
        serde_json::from_slice(&bytes).unwrap_or(Value::Null),
    )
}

/// A concrete URI for a path template.
fn fill(template: &str) -> String {
    template
        .replace("{id}", "1")
        .replace("{from_id}", "1")
        .replace("{handle}", "nobody")
        .replace("{name}", "Alps")
}

fn is_unrouted(status: StatusCode, body: &Value) -> bool {
    status == StatusCode::METHOD_NOT_ALLOWED
        || (status == StatusCode::NOT_FOUND && body["error"]["message"] == "no such route")
}

#[tokio::test]
async fn openapi_documents_only_served_routes() {
    let dir = tempfile::tempdir().expect("temp dir");
    let (app, engine) = test_app(dir.path()).await;

    // The two ways the router says "not mine", so the check below cannot pass vacuously.
    let (status, body) = call(&app, "GET", "/v1/no-such-route").await;
    assert!(is_unrouted(status, &body), "{status} {body}");
    let (status, body) = call(&app, "PATCH", "/v1/feed").await;
    assert_eq!(status, StatusCode::METHOD_NOT_ALLOWED, "{body}");
    assert!(is_unrouted(status, &body));

    let doc = document();
    let mut unserved = Vec::new();
    for (method, path) in documented(&doc) {
        let (status, body) = call(&app, &method, &fill(&path)).await;
        if is_unrouted(status, &body) {
            unserved.push(format!("{method} {path}: {status}"));
        }
    }
    assert!(
        unserved.is_empty(),
        "documented but not served: {unserved:?}"
    );

    let (status, served) = call(&app, "GET", "/openapi.json").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(served, doc, "/openapi.json serves the generated document");
    tokio::task::spawn_blocking(move || engine.shutdown())
        .await
        .expect("engine stops");
}

/// Every `$ref` in `v`.
fn refs<'a>(v: &'a Value, out: &mut Vec<&'a str>) {
    match v {
        Value::Object(map) => {
            for (k, v) in map {
                match (k.as_str(), v) {
                    ("$ref", Value::String(r)) => out.push(r),
                    _ => refs(v, out),
                }
            }
        }
        Value::Array(items) => items.iter().for_each(|v| refs(v, out)),
        _ => {}
    }
}

#[test]
fn openapi_document_is_3x_and_self_consistent() {
    let doc = document();
    let text = serde_json::to_string(&doc).expect("serializes");
    let doc: Value = serde_json::from_str(&text).expect("valid JSON");
    let version = doc["openapi"].as_str().expect("openapi version");
    assert!(version.starts_with("3."), "{version}");
    assert!(doc["info"]["title"].is_string() && doc["info"]["version"].is_string());

    let schemas = doc["components"]["schemas"].as_object().expect("schemas");
    let mut all_refs = Vec::new();
    refs(&doc, &mut all_refs);
    for r in all_refs {
        let name = r
            .strip_prefix("#/components/schemas/")
            .unwrap_or_else(|| panic!("unexpected $ref {r}"));
        assert!(schemas.contains_key(name), "dangling $ref {r}");
    }
    let error = &schemas["ErrorBody"]["properties"]["error"];
    assert_eq!(error["$ref"], "#/components/schemas/ErrorDetail");
    let codes = schemas["ErrorCode"]["enum"]
        .as_array()
        .expect("error codes");
    assert!(codes.contains(&Value::from("rate_limited")), "{codes:?}");
    assert_eq!(
        doc["components"]["securitySchemes"]["bearer"]["scheme"],
        "bearer"
    );

    let mut operation_ids = BTreeSet::new();
    for (path, item) in doc["paths"].as_object().expect("paths") {
        for method in METHODS {
            let Some(op) = item.get(method) else { continue };
            let at = format!("{} {path}", method.to_uppercase());
            let id = op["operationId"].as_str().expect("operationId");
            assert!(operation_ids.insert(id.to_owned()), "{at}: duplicate {id}");
            assert!(op["summary"].is_string(), "{at}: no summary");
            assert!(op["description"].is_string(), "{at}: no description");

            // API.md: every route needs a token except sign-up, log-in and the operations routes.
            let public = !path.starts_with("/v1/")
                || (method == "post" && (path == "/v1/riders" || path == "/v1/sessions"));
            let security = op["security"].as_array();
            assert_eq!(
                security.is_some_and(|s| s.iter().any(|r| r.get("bearer").is_some())),
                !public,
                "{at}: bearer security"
            );
            if !public {
                let retry = &op["responses"]["429"]["headers"]["Retry-After"];
                assert!(retry.is_object(), "{at}: 429 without Retry-After");
            }

            let params = op["parameters"].as_array().cloned().unwrap_or_default();
            for segment in path.split('/') {
                if let Some(name) = segment.strip_prefix('{').and_then(|s| s.strip_suffix('}')) {
                    assert!(
                        params.iter().any(|p| p["name"] == name
                            && p["in"] == "path"
                            && p["required"] == true),
                        "{at}: path parameter {name} not declared"
                    );
                }
            }

            let responses = op["responses"].as_object().expect("responses");
            for (status, res) in responses {
                let code: u16 = status.parse().expect("numeric status");
                let has_schema = res["content"]
                    .as_object()
                    .is_some_and(|c| c.values().all(|m| m["schema"].is_object()));
                assert_eq!(code != 204, has_schema, "{at} {status}: body schema");
                if code >= 400 && path.starts_with("/v1/") {
                    assert_eq!(
                        res["content"]["application/json"]["schema"]["$ref"],
                        "#/components/schemas/ErrorBody",
                        "{at} {status}: error shape"
                    );
                }
            }
        }
    }
}
