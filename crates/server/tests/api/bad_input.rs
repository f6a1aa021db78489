//! Bad input: each gets the right status and error code, names the offending field, and changes
//! nothing. Never a 500 (the harness fails any request answered 500).

use serde_json::json;

use crate::helpers::{Anon, Rider, TestApp, PASSWORD};

fn post_count(app: &TestApp, who: &Rider) -> u64 {
    app.get(who, "/v1/riders/me").ok(200)["post_count"]
        .as_u64()
        .unwrap()
}

#[test]
fn malformed_json_is_invalid_json_and_creates_nothing() {
    let app = TestApp::spawn();
    let a = app.sign_up("ana");
    // Nested deeper than any parser should follow, where a JSON value is allowed.
    let deep = format!(
        r#"{{"handle": "bob", "name": "Bob", "password": "12345678", "props": {{"a": {}}}}}"#,
        "[".repeat(100_000)
    );
    for bytes in [
        &br#"{"handle": "bob", "name": "Bob", "password": "#[..],
        br#"{'handle': 'bob'}"#,
        b"",
        b"   ",
        b"{\"handle\": \"bob\", \"name\": \"B\xffb\", \"password\": \"12345678\"}",
        deep.as_bytes(),
    ] {
        let res = app.post_raw(&Anon, "/v1/riders", bytes.to_vec());
        assert_eq!(res.status, 400, "{}", String::from_utf8_lossy(bytes));
        res.err(400, "invalid_json");
    }
    app.get(&a, "/v1/riders/by-handle/bob")
        .err(404, "not_found");
    app.post_raw(&a, "/v1/posts", br#"{"body": "unterminated"#.to_vec())
        .err(400, "invalid_json");
    app.post_raw(
        &a,
        "/v1/posts",
        b"{\"body\": \"bad \xc3\x28 utf-8\"}".to_vec(),
    )
    .err(400, "invalid_json");
    assert_eq!(post_count(&app, &a), 0);
}

/// A body is malformed unless it is exactly one JSON document: bytes after the document are not
/// ignored, and a broken document is `invalid_json` even where a field before the break has the
/// wrong type.
#[test]
fn a_body_that_is_not_exactly_one_json_document_is_invalid_json() {
    let app = TestApp::spawn();
    let a = app.sign_up("ana");
    for body in [
        &br#"{"handle": "bob", "name": "Bob", "password": "12345678"} trailing"#[..],
        br#"{"handle": "bob", "name": "Bob", "password": "12345678"}{}"#,
        br#"{"handle": 5, "name": "Bob", "password": "#,
        br#"["bob", "#,
    ] {
        let res = app.post_raw(&Anon, "/v1/riders", body.to_vec());
        assert_eq!(res.status, 400, "{}", String::from_utf8_lossy(body));
        res.err(400, "invalid_json");
    }
    app.get(&a, "/v1/riders/by-handle/bob")
        .err(404, "not_found");
    app.post_raw(
        &a,
        "/v1/posts",
        br#"{"body": "one"}{"body": "two"}"#.to_vec(),
    )
    .err(400, "invalid_json");
    assert_eq!(post_count(&app, &a), 0);
}

#[test]
fn wrong_types_missing_and_unknown_fields_name_the_field() {
    let app = TestApp::spawn();
    let a = app.sign_up("ana");
    let signups = [
        (
            json!({"handle": 5, "name": "Bob", "password": PASSWORD}),
            "handle",
        ),
        (json!({"handle": "bob", "name": "Bob"}), "password"),
        (
            json!({"handle": "bob", "name": "Bob", "password": PASSWORD, "nickname": "b"}),
            "nickname",
        ),
        (
            json!({"handle": "bob", "name": "Bob", "password": PASSWORD, "props": {"a": {"b": 1}}}),
            "props",
        ),
        (
            json!({"handle": "bob", "name": "Bob", "password": PASSWORD, "props": [1]}),
            "props",
        ),
        (json!(["bob"]), ""),
    ];
    for (body, field) in signups {
        let msg = app
            .post(&Anon, "/v1/riders", body)
            .err(400, "invalid_request");
        assert!(msg.contains(field), "{msg:?} does not name {field}");
    }
    app.get(&a, "/v1/riders/by-handle/bob")
        .err(404, "not_found");

    let posts = [
        (json!({"body": 5}), "body"),
        (json!({}), "body"),
        (json!({"body": "x", "title": "t"}), "title"),
        (json!({"body": "x", "visibility": "secret"}), "visibility"),
        (json!({"body": "x", "visibility": true}), "visibility"),
        (
            json!({"body": "x", "photos": [{"url": "u", "width": "wide", "height": 1}]}),
            "width",
        ),
        (
            json!({"body": "x", "photos": [{"url": "u", "width": 1, "height": 1, "caption": "c"}]}),
            "caption",
        ),
        (
            json!({"body": "x", "photos": [{"url": "u", "width": 0, "height": 1}]}),
            "width",
        ),
        (
            json!({"body": "x", "place": {"name": "p", "lat": 91.0, "lon": 0.0}}),
            "lat",
        ),
        (
            json!({"body": "x", "place": {"name": "p", "lat": 1.0}}),
            "lon",
        ),
        (json!({"body": "x", "interests": "Enduro"}), "interests"),
        (json!({"body": "x", "interests": [7]}), "interests"),
    ];
    for (body, field) in posts {
        let msg = app.post(&a, "/v1/posts", body).err(400, "invalid_request");
        assert!(msg.contains(field), "{msg:?} does not name {field}");
    }
    assert_eq!(post_count(&app, &a), 0);

    let id = app.post_text(&a, "commented", "friends");
    for (body, field) in [
        (json!({}), "body"),
        (json!({"body": "x", "extra": 1}), "extra"),
    ] {
        let msg = app
            .post(&a, &format!("/v1/posts/{id}/comments"), body)
            .err(400, "invalid_request");
        assert!(msg.contains(field), "{msg:?} does not name {field}");
    }
    for (body, field) in [
        (json!({"email": "a@b"}), "email"),
        (json!({"name": 3}), "name"),
        (json!({"props": {"x": [1]}}), "props"),
    ] {
        let msg = app
            .patch(&a, "/v1/riders/me", body)
            .err(400, "invalid_request");
        assert!(msg.contains(field), "{msg:?} does not name {field}");
    }
    let me = app.get(&a, "/v1/riders/me").ok(200);
    assert_eq!(
        (me["name"].clone(), me["props"].clone()),
        (json!("ANA"), json!({}))
    );
    assert_eq!(
        app.get(&a, &format!("/v1/posts/{id}")).ok(200)["comment_count"],
        0
    );
}

#[test]
fn lengths_are_checked_in_characters_at_the_boundaries() {
    let app = TestApp::spawn();
    let a = app.sign_up("ana");
    let sign_up = |handle: &str, name: &str, password: &str| {
        app.post(
            &Anon,
            "/v1/riders",
            json!({"handle": handle, "name": name, "password": password}),
        )
    };
    sign_up(&"h".repeat(31), "n", PASSWORD).err(400, "invalid_request");
    sign_up("hi", "n", PASSWORD).err(400, "invalid_request");
    sign_up("Upper", "n", PASSWORD).err(400, "invalid_request");
    sign_up("has-dash", "n", PASSWORD).err(400, "invalid_request");
    sign_up("okname", &"ü".repeat(101), PASSWORD).err(400, "invalid_request");
    sign_up("okname", "", PASSWORD).err(400, "invalid_request");
    sign_up("okname", "n", "1234567").err(400, "invalid_request");
    assert_eq!(
        sign_up(&"h".repeat(30), &"ü".repeat(100), "12345678").status,
        201
    );

    app.patch(&a, "/v1/riders/me", json!({"name": "ü".repeat(101)}))
        .err(400, "invalid_request");
    app.patch(&a, "/v1/riders/me", json!({"name": ""}))
        .err(400, "invalid_request");
    assert_eq!(app.get(&a, "/v1/riders/me").ok(200)["name"], "ANA");

    let body = |n: usize| json!({"body": "ü".repeat(n)});
    app.post(&a, "/v1/posts", body(10_001))
        .err(400, "invalid_request");
    app.post(&a, "/v1/posts", json!({"body": ""}))
        .err(400, "invalid_request");
    let too_long = "é".repeat(81);
    let msg = app
        .post(
            &a,
            "/v1/posts",
            json!({"body": "x", "interests": ["ok", too_long]}),
        )
        .err(400, "invalid_request");
    assert!(msg.contains("interests"), "{msg}");
    assert_eq!(post_count(&app, &a), 0);
    let id = app.post(&a, "/v1/posts", body(10_000)).ok(201)["id"]
        .as_u64()
        .unwrap();
    app.create_post(&a, json!({"body": "x", "interests": ["é".repeat(80)]}));

    let comments = format!("/v1/posts/{id}/comments");
    app.post(&a, &comments, body(10_001))
        .err(400, "invalid_request");
    app.post(&a, &comments, json!({"body": ""}))
        .err(400, "invalid_request");
    app.post(&a, &comments, body(10_000)).ok(201);
    assert_eq!(
        app.get(&a, &format!("/v1/posts/{id}")).ok(200)["comment_count"],
        1
    );
    assert_eq!(post_count(&app, &a), 2);
}

#[test]
fn at_most_ten_photos_and_ten_interests() {
    let app = TestApp::spawn();
    let a = app.sign_up("ana");
    let photos = |n: usize| -> Vec<serde_json::Value> {
        (0..n)
            .map(|i| json!({"url": format!("https://img.example/{i}.jpg"), "width": 10, "height": 10}))
            .collect()
    };
    let interests = |n: usize| -> Vec<String> { (0..n).map(|i| format!("tag {i}")).collect() };
    let msg = app
        .post(&a, "/v1/posts", json!({"body": "x", "photos": photos(11)}))
        .err(400, "invalid_request");
    assert!(msg.contains("photos"), "{msg}");
    let msg = app
        .post(
            &a,
            "/v1/posts",
            json!({"body": "x", "interests": interests(11)}),
        )
        .err(400, "invalid_request");
    assert!(msg.contains("interests"), "{msg}");
    assert_eq!(post_count(&app, &a), 0);
    let post = app.create_post(
        &a,
        json!({"body": "x", "photos": photos(10), "interests": interests(10)}),
    );
    assert_eq!(post["photos"].as_array().unwrap().len(), 10);
    assert_eq!(post["interests"].as_array().unwrap().len(), 10);
}

#[test]
fn limits_outside_one_to_a_hundred_are_refused() {
    let app = TestApp::spawn();
    let [a, b] = ["ana", "ben"].map(|h| app.sign_up(h));
    app.befriend(&a, &b);
    let id = app.post_text(&a, "x", "public");
    let lists = [
        "/v1/feed".to_owned(),
        format!("/v1/riders/{}/wall", a.id),
        format!("/v1/posts/{id}/comments"),
        format!("/v1/riders/{}/friends", a.id),
        "/v1/friend-requests".to_owned(),
        "/v1/me/suggestions".to_owned(),
        "/v1/interests/Enduro/posts".to_owned(),
    ];
    for list in &lists {
        for bad in [
            "0",
            "101",
            "1000",
            "-1",
            "abc",
            "",
            "1.5",
            "99999999999999999999999",
        ] {
            let msg = app
                .get(&a, &format!("{list}?limit={bad}"))
                .err(400, "invalid_request");
            assert!(msg.contains("limit"), "{list}?limit={bad}: {msg}");
        }
        for good in ["1", "100"] {
            app.get(&a, &format!("{list}?limit={good}")).ok(200);
        }
    }
}

#[test]
fn unknown_ids_are_404_and_malformed_ids_400() {
    let app = TestApp::spawn();
    let a = app.sign_up("ana");
    let unknown = 987_654_321;
    for path in [
        format!("/v1/riders/{unknown}"),
        format!("/v1/riders/{unknown}/wall"),
        format!("/v1/riders/{unknown}/friends"),
        format!("/v1/posts/{unknown}"),
        format!("/v1/posts/{unknown}/comments"),
    ] {
        app.get(&a, &path).err(404, "not_found");
    }
    app.put(&a, &format!("/v1/posts/{unknown}/like"))
        .err(404, "not_found");
    app.delete(&a, &format!("/v1/posts/{unknown}"))
        .err(404, "not_found");
    app.post_empty(&a, &format!("/v1/riders/{unknown}/friend-request"))
        .err(404, "not_found");
    app.post_empty(&a, &format!("/v1/friend-requests/{unknown}/accept"))
        .err(404, "not_found");
    app.delete(&a, &format!("/v1/friends/{unknown}"))
        .err(404, "not_found");
    // The largest id below 2^53 is well-formed, just unknown.
    app.get(&a, "/v1/posts/9007199254740991")
        .err(404, "not_found");

    for bad in [
        "abc",
        "-1",
        "1.5",
        "1e3",
        "9007199254740992",
        "99999999999999999999999",
        "%20",
    ] {
        for path in [
            format!("/v1/riders/{bad}"),
            format!("/v1/riders/{bad}/wall"),
            format!("/v1/posts/{bad}"),
            format!("/v1/posts/{bad}/comments"),
        ] {
            app.get(&a, &path).err(400, "invalid_request");
        }
        app.put(&a, &format!("/v1/posts/{bad}/like"))
            .err(400, "invalid_request");
        app.post_empty(&a, &format!("/v1/riders/{bad}/friend-request"))
            .err(400, "invalid_request");
        app.delete(&a, &format!("/v1/friends/{bad}"))
            .err(400, "invalid_request");
    }
    // Invalid UTF-8 in a path segment.
    app.post_empty(&a, "/v1/interests/%FF/follow")
        .err(400, "invalid_request");
}

#[test]
fn a_body_over_one_mib_is_payload_too_large() {
    let app = TestApp::spawn();
    let a = app.sign_up("ana");
    let big = format!("{{\"body\": \"{}\"}}", "x".repeat((1 << 20) + 16));
    app.post_raw(&a, "/v1/posts", big.into_bytes())
        .err(413, "payload_too_large");
    let big_batch = json!({"ops": vec![json!({"op": "post", "body": "y".repeat(9_000)}); 130]});
    app.post(&a, "/v1/batch", big_batch)
        .err(413, "payload_too_large");
    assert_eq!(post_count(&app, &a), 0);
}

#[test]
fn unknown_routes_answer_json_404() {
    let app = TestApp::spawn();
    let a = app.sign_up("ana");
    app.get(&a, "/v1/nothing/here").err(404, "not_found");
    app.get(&Anon, "/nope").err(404, "not_found");
    app.post(&a, "/v1/posts/1/shares", json!({}))
        .err(404, "not_found");
    // A known path with the wrong method is a JSON error, too.
    let res = app.request(
        reqwest::Method::DELETE,
        &a,
        "/v1/feed",
        crate::helpers::Payload::None,
    );
    assert!(matches!(res.status, 404 | 405), "{}", res.status);
    assert!(res.body["error"]["code"].is_string(), "{}", res.text);
}
