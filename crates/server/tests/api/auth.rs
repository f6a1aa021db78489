//! Tokens: every route but sign-up, log-in, health and metrics needs a valid rider token.
//! Missing, garbled, forged, expired, revoked -> 401; an operator token on a rider route -> 403.

use pillion_model::{RiderId, Timestamp};
use pillion_server::auth::Claims;
use pillion_server::{Keys, Subject};
use reqwest::Method;
use serde_json::{json, Value};

use crate::helpers::{Anon, Auth, Payload, Rider, TestApp};

/// Every rider route of the contract, with a body that would be accepted.
fn rider_routes(other: &Rider, post: u64) -> Vec<(Method, String, Option<Value>)> {
    let (o, p) = (other.id, post);
    let post_body = Some(json!({"body": "should not exist"}));
    vec![
        (Method::GET, "/v1/riders/me".into(), None),
        (
            Method::PATCH,
            "/v1/riders/me".into(),
            Some(json!({"name": "Hacked"})),
        ),
        (Method::DELETE, "/v1/sessions/current".into(), None),
        (Method::GET, format!("/v1/riders/{o}"), None),
        (
            Method::GET,
            format!("/v1/riders/by-handle/{}", other.handle),
            None,
        ),
        (Method::POST, format!("/v1/riders/{o}/friend-request"), None),
        (Method::GET, "/v1/friend-requests".into(), None),
        (
            Method::POST,
            format!("/v1/friend-requests/{o}/accept"),
            None,
        ),
        (
            Method::POST,
            format!("/v1/friend-requests/{o}/decline"),
            None,
        ),
        (Method::DELETE, format!("/v1/friends/{o}"), None),
        (Method::GET, format!("/v1/riders/{o}/friends"), None),
        (Method::GET, "/v1/me/suggestions".into(), None),
        (Method::POST, "/v1/interests/Enduro/follow".into(), None),
        (Method::DELETE, "/v1/interests/Enduro/follow".into(), None),
        (Method::GET, "/v1/interests/Enduro/posts".into(), None),
        (Method::POST, "/v1/posts".into(), post_body),
        (Method::GET, format!("/v1/posts/{p}"), None),
        (Method::PUT, format!("/v1/posts/{p}/like"), None),
        (Method::DELETE, format!("/v1/posts/{p}/like"), None),
        (
            Method::POST,
            format!("/v1/posts/{p}/comments"),
            Some(json!({"body": "c"})),
        ),
        (Method::GET, format!("/v1/posts/{p}/comments"), None),
        (Method::GET, "/v1/feed".into(), None),
        (Method::GET, format!("/v1/riders/{o}/wall"), None),
        (
            Method::POST,
            "/v1/batch".into(),
            Some(json!({"ops": [{"op": "like", "post_id": p}]})),
        ),
        (Method::DELETE, format!("/v1/posts/{p}"), None),
        (Method::GET, "/v1/riders/me".into(), None),
    ]
}

fn call(
    app: &TestApp,
    who: &(impl Auth + ?Sized),
    route: &(Method, String, Option<Value>),
) -> crate::helpers::Resp {
    let payload = route.2.clone().map_or(Payload::None, Payload::Json);
    app.request(route.0.clone(), who, &route.1, payload)
}

/// The state the refused calls must not have changed.
fn snapshot(app: &TestApp, a: &Rider, b: &Rider, post: u64) -> Value {
    json!({
        "a": app.get(a, "/v1/riders/me").ok(200),
        "b": app.get(b, "/v1/riders/me").ok(200),
        "post": app.get(a, &format!("/v1/posts/{post}")).ok(200),
        "requests": app.items(b, "/v1/friend-requests"),
        "feed": app.items(b, "/v1/feed"),
    })
}

#[test]
fn bad_tokens_are_401_and_operator_tokens_403_on_every_rider_route() {
    let app = TestApp::spawn();
    let [a, b] = ["ana", "ben"].map(|h| app.sign_up(h));
    let post = app.post_text(&b, "public", "public");
    let keys = Keys::load(app.data_dir()).unwrap();
    let expired = keys.sign(Claims {
        subject: Subject::Rider(RiderId(a.id)),
        token_id: 4242,
        expires_at: Timestamp(Timestamp::now().millis() - 1_000),
    });
    let other_dir = tempfile::tempdir().unwrap();
    let foreign = Keys::load_or_create(other_dir.path())
        .unwrap()
        .issue(Subject::Rider(RiderId(a.id)), 3600);
    let mut tampered = a.token.clone();
    let last = tampered.pop().unwrap();
    tampered.push(if last == 'A' { 'B' } else { 'A' });
    let ghost = keys.issue(Subject::Rider(RiderId(987_654_321)), 3600);
    let operator = keys.issue(Subject::Operator, 3600);
    let before = snapshot(&app, &a, &b, post);

    for route in rider_routes(&b, post) {
        let what = format!("{} {}", route.0, route.1);
        let msg = call(&app, &Anon, &route).err(401, "unauthorized");
        assert!(!msg.is_empty(), "{what}");
        for token in ["garbage", "", "a.b", &tampered, &foreign, &ghost] {
            let res = call(&app, token, &route);
            assert_eq!(res.status, 401, "{what} with {token:?}: {}", res.text);
            res.err(401, "unauthorized");
        }
        let msg = call(&app, &expired, &route).err(401, "unauthorized");
        assert!(msg.contains("expired"), "{what}: {msg}");
        call(&app, &operator, &route).err(403, "forbidden");
    }
    assert_eq!(snapshot(&app, &a, &b, post), before);
    // The rider's real token still works after all that.
    app.get(&a, "/v1/feed").ok(200);
}

#[test]
fn the_authorization_header_must_be_bearer() {
    let app = TestApp::spawn();
    let a = app.sign_up("ana");
    for header in [
        format!("Basic {}", a.token),
        a.token.clone(),
        "Bearer".to_owned(),
    ] {
        let res = app
            .client
            .get(format!("{}/v1/feed", app.base))
            .header("authorization", header)
            .send()
            .unwrap();
        assert_eq!(res.status(), 401);
        let body: Value = res.json().unwrap();
        assert_eq!(body["error"]["code"], "unauthorized");
    }
}

#[test]
fn open_routes_need_no_token() {
    let app = TestApp::spawn();
    app.get(&Anon, "/health/live").ok(200);
    app.get(&Anon, "/health/ready").ok(200);
    assert_eq!(app.get(&Anon, "/metrics").status, 200);
    let rider = app.sign_up("ana");
    app.post(
        &Anon,
        "/v1/sessions",
        json!({"handle": rider.handle, "password": crate::helpers::PASSWORD}),
    )
    .ok(200);
}
