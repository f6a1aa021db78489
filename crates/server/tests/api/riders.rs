//! Sign-up, log-in, log-out, rider profiles and relations.

use serde_json::json;

use crate::helpers::{Anon, TestApp, PASSWORD};

const RIDER_KEYS: [&str; 8] = [
    "id",
    "handle",
    "name",
    "props",
    "created_at",
    "friend_count",
    "post_count",
    "relation",
];

#[track_caller]
fn assert_rfc3339_utc(s: &serde_json::Value) {
    let s = s.as_str().unwrap();
    let b = s.as_bytes();
    assert!(
        s.len() >= 20 && s.ends_with('Z') && b[4] == b'-' && b[10] == b'T' && b[13] == b':',
        "not an RFC 3339 UTC time: {s}"
    );
}

#[test]
fn sign_up_returns_the_rider_and_a_working_token() {
    let app = TestApp::spawn();
    let res = app.post(
        &Anon,
        "/v1/riders",
        json!({"handle": "ada_99", "name": "Ada Lovelace", "password": PASSWORD,
               "props": {"bike": "R1200GS", "cc": 1170, "abs": true}}),
    );
    assert!(res.headers["content-type"]
        .to_str()
        .unwrap()
        .starts_with("application/json"));
    let body = res.ok(201);
    let rider = &body["rider"];
    for key in RIDER_KEYS {
        assert!(rider.get(key).is_some(), "rider lacks {key}: {rider}");
    }
    assert_eq!(rider["handle"], "ada_99");
    assert_eq!(rider["name"], "Ada Lovelace");
    assert_eq!(rider["relation"], "self");
    assert_eq!(
        rider["props"],
        json!({"bike": "R1200GS", "cc": 1170, "abs": true})
    );
    assert_eq!(rider["friend_count"], 0);
    assert_eq!(rider["post_count"], 0);
    assert!(rider["id"].as_u64().unwrap() < 1 << 53);
    assert_rfc3339_utc(&rider["created_at"]);
    assert!(rider.get("password").is_none() && rider.get("password_hash").is_none());

    let token = body["token"].as_str().unwrap();
    let me = app.get(token, "/v1/riders/me").ok(200);
    assert_eq!(me["id"], rider["id"]);
    assert_eq!(me["relation"], "self");
}

#[test]
fn sign_up_without_props_answers_an_empty_object() {
    let app = TestApp::spawn();
    let body = app
        .post(
            &Anon,
            "/v1/riders",
            json!({"handle": "bob", "name": "Bob", "password": PASSWORD}),
        )
        .ok(201);
    assert_eq!(body["rider"]["props"], json!({}));
}

#[test]
fn a_taken_handle_is_a_conflict_and_changes_nothing() {
    let app = TestApp::spawn();
    let first = app.sign_up("carla");
    let res = app.post(
        &Anon,
        "/v1/riders",
        json!({"handle": "carla", "name": "Impostor", "password": "another password"}),
    );
    res.err(409, "conflict");
    let rider = app.get(&first, "/v1/riders/by-handle/carla").ok(200);
    assert_eq!(rider["id"], first.id);
    assert_eq!(rider["name"], "CARLA");
    // The impostor's password does not open the account.
    app.post(
        &Anon,
        "/v1/sessions",
        json!({"handle": "carla", "password": "another password"}),
    )
    .err(401, "unauthorized");
}

#[test]
fn log_in_checks_the_password() {
    let app = TestApp::spawn();
    let dora = app.sign_up("dora");
    let body = app
        .post(
            &Anon,
            "/v1/sessions",
            json!({"handle": "dora", "password": PASSWORD}),
        )
        .ok(200);
    assert_eq!(body["rider"]["id"], dora.id);
    assert_eq!(body["rider"]["relation"], "self");
    let token = body["token"].as_str().unwrap();
    assert_ne!(token, dora.token);
    assert_eq!(app.get(token, "/v1/riders/me").ok(200)["id"], dora.id);

    let wrong = app.post(
        &Anon,
        "/v1/sessions",
        json!({"handle": "dora", "password": "not the password"}),
    );
    wrong.err(401, "unauthorized");
    assert!(wrong.body.get("token").is_none());
    let unknown = app.post(
        &Anon,
        "/v1/sessions",
        json!({"handle": "nobody_here", "password": PASSWORD}),
    );
    unknown.err(401, "unauthorized");
    // Same answer for both, so handles cannot be probed.
    assert_eq!(wrong.body, unknown.body);
}

#[test]
fn log_out_revokes_that_token_only() {
    let app = TestApp::spawn();
    let eve = app.sign_up("eve");
    let second = app
        .post(
            &Anon,
            "/v1/sessions",
            json!({"handle": "eve", "password": PASSWORD}),
        )
        .ok(200)["token"]
        .as_str()
        .unwrap()
        .to_owned();
    let res = app.delete(&eve, "/v1/sessions/current");
    assert_eq!(res.status, 204, "{}", res.text);
    let msg = app.get(&eve, "/v1/feed").err(401, "unauthorized");
    assert!(msg.contains("revoked"), "{msg}");
    app.delete(&eve, "/v1/sessions/current")
        .err(401, "unauthorized");
    assert_eq!(app.get(&second, "/v1/riders/me").ok(200)["id"], eve.id);
}

#[test]
fn relation_is_seen_from_the_viewer() {
    let app = TestApp::spawn();
    let [v, friend, asked, asker, stranger] =
        ["viewer", "friend", "asked", "asker", "stranger"].map(|h| app.sign_up(h));
    app.befriend(&v, &friend);
    app.post_empty(&v, &format!("/v1/riders/{}/friend-request", asked.id))
        .ok(201);
    app.post_empty(&asker, &format!("/v1/riders/{}/friend-request", v.id))
        .ok(201);
    for (who, relation) in [
        (&v, "self"),
        (&friend, "friend"),
        (&asked, "request_sent"),
        (&asker, "request_received"),
        (&stranger, "none"),
    ] {
        let by_id = app.get(&v, &format!("/v1/riders/{}", who.id)).ok(200);
        assert_eq!(by_id["relation"], relation, "{}", who.handle);
        for key in RIDER_KEYS {
            assert!(by_id.get(key).is_some(), "rider lacks {key}");
        }
        let by_handle = app
            .get(&v, &format!("/v1/riders/by-handle/{}", who.handle))
            .ok(200);
        assert_eq!(by_handle, by_id);
    }
    // And from the other side.
    let seen = app.get(&asked, &format!("/v1/riders/{}", v.id)).ok(200);
    assert_eq!(seen["relation"], "request_received");
    app.get(&v, "/v1/riders/by-handle/no_such_rider")
        .err(404, "not_found");
}

#[test]
fn patch_me_renames_and_merges_props() {
    let app = TestApp::spawn();
    let res = app.post(
        &Anon,
        "/v1/riders",
        json!({"handle": "finn", "name": "Finn", "password": PASSWORD,
               "props": {"bike": "R1200GS", "city": "Lyon"}}),
    );
    let token = res.ok(201)["token"].as_str().unwrap().to_owned();
    let post = app.post(&token, "/v1/posts", json!({"body": "before the rename"}));
    let post = post.ok(201)["id"].as_u64().unwrap();
    let updated = app
        .patch(
            &token,
            "/v1/riders/me",
            json!({"name": "Finn the Fast", "props": {"city": null, "year": 2004, "abs": true}}),
        )
        .ok(200);
    assert_eq!(updated["name"], "Finn the Fast");
    assert_eq!(
        updated["props"],
        json!({"bike": "R1200GS", "year": 2004, "abs": true})
    );
    assert_eq!(updated["relation"], "self");
    let author = &app.get(&token, &format!("/v1/posts/{post}")).ok(200)["author"];
    assert_eq!(author["name"], "Finn the Fast");
    // A patch with only props keeps the name; the change is what others read.
    app.patch(&token, "/v1/riders/me", json!({"props": {"bike": "F800"}}))
        .ok(200);
    let other = app.sign_up("gus");
    let seen = app.get(&other, "/v1/riders/by-handle/finn").ok(200);
    assert_eq!(seen["name"], "Finn the Fast");
    assert_eq!(
        seen["props"],
        json!({"bike": "F800", "year": 2004, "abs": true})
    );
    assert_eq!(seen["relation"], "none");
}
