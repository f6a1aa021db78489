//! Following interests, and the posts that carry one: free-form Unicode names, `/` included,
//! compared case-insensitively, percent-decoded exactly once.

use serde_json::json;

use crate::helpers::{enc, ids, Rider, TestApp};

fn tagged(app: &TestApp, who: &Rider, vis: &str, interests: &[&str]) -> u64 {
    let post = app.create_post(
        who,
        json!({"body": "tagged", "visibility": vis, "interests": interests}),
    );
    post["id"].as_u64().unwrap()
}

#[test]
fn follow_and_unfollow_are_idempotent() {
    let app = TestApp::spawn();
    let [a, b] = ["ana", "ben"].map(|h| app.sign_up(h));
    let id = tagged(&app, &a, "public", &["Enduro"]);
    for _ in 0..2 {
        let res = app.post_empty(&b, "/v1/interests/Enduro/follow");
        assert_eq!(res.status, 204, "{}", res.text);
    }
    assert_eq!(app.list_ids(&b, "/v1/feed"), [id]);
    for _ in 0..2 {
        let res = app.delete(&b, "/v1/interests/enduro/follow");
        assert_eq!(res.status, 204, "{}", res.text);
    }
    assert!(app.list_ids(&b, "/v1/feed").is_empty());
    let res = app.delete(&b, "/v1/interests/Never%20Followed/follow");
    assert_eq!(res.status, 204, "{}", res.text);
}

#[test]
fn interest_posts_match_case_insensitively_and_respect_visibility() {
    let app = TestApp::spawn();
    let [a, friend, stranger] = ["ana", "friend", "stranger"].map(|h| app.sign_up(h));
    app.befriend(&a, &friend);
    let hidden = tagged(&app, &a, "friends", &["Ducati"]);
    let public = tagged(&app, &a, "public", &["DUCATI", "Desmo"]);
    let other = tagged(&app, &stranger, "public", &["ducati"]);
    tagged(&app, &stranger, "public", &["Honda"]);
    for path in ["/v1/interests/ducati/posts", "/v1/interests/dUCATI/posts"] {
        assert_eq!(app.list_ids(&friend, path), [other, public, hidden]);
        assert_eq!(app.list_ids(&a, path), [other, public, hidden]);
        assert_eq!(app.list_ids(&stranger, path), [other, public]);
    }
    // The name first used is the one shown.
    let post = app.get(&a, &format!("/v1/posts/{public}")).ok(200);
    assert_eq!(post["interests"], json!(["Ducati", "Desmo"]));
    assert!(app.items(&a, "/v1/interests/Kawasaki/posts").is_empty());
}

#[test]
fn names_with_a_slash_are_one_path_segment() {
    let app = TestApp::spawn();
    let [a, b] = ["ana", "ben"].map(|h| app.sign_up(h));
    let name = "BMW R 1200 GS/Adventure";
    let id = tagged(&app, &a, "public", &[name, "BMW R 1200 GS"]);
    tagged(&app, &a, "public", &["BMW R 1200 GS"]);
    assert_eq!(
        app.list_ids(&b, "/v1/interests/BMW%20R%201200%20GS%2FAdventure/posts"),
        [id]
    );
    assert_eq!(
        app.list_ids(&b, &format!("/v1/interests/{}/posts", enc(name))),
        [id]
    );
    // Decoded exactly once: `%252F` names an interest spelled with a literal "%2F".
    assert!(app
        .list_ids(&b, "/v1/interests/BMW%20R%201200%20GS%252FAdventure/posts")
        .is_empty());
    let res = app.post_empty(&b, "/v1/interests/bmw%20r%201200%20gs%2Fadventure/follow");
    assert_eq!(res.status, 204, "{}", res.text);
    assert_eq!(app.list_ids(&b, "/v1/feed"), [id]);
    let post = app.get(&b, &format!("/v1/posts/{id}")).ok(200);
    assert_eq!(post["interests"], json!([name, "BMW R 1200 GS"]));
    // A `+` in a path is a plus, not a space.
    let cpp = tagged(&app, &a, "public", &["C++"]);
    tagged(&app, &a, "public", &["C  "]);
    assert_eq!(app.list_ids(&b, "/v1/interests/C++/posts"), [cpp]);
    assert_eq!(app.list_ids(&b, "/v1/interests/c%2B%2B/posts"), [cpp]);
}

#[test]
fn names_may_be_any_unicode() {
    let app = TestApp::spawn();
    let [a, b] = ["ana", "ben"].map(|h| app.sign_up(h));
    let name = "Ölpest 🏍";
    let id = tagged(&app, &a, "public", &[name]);
    for spelling in [name, "ölpest 🏍", "ÖLPEST 🏍"] {
        let path = format!("/v1/interests/{}/posts", enc(spelling));
        assert_eq!(app.list_ids(&b, &path), [id], "{spelling}");
    }
    let res = app.post_empty(&b, &format!("/v1/interests/{}/follow", enc("ölpest 🏍")));
    assert_eq!(res.status, 204, "{}", res.text);
    let feed = app.items(&b, "/v1/feed");
    assert_eq!(ids(&feed), [id]);
    assert_eq!(feed[0]["interests"], json!([name]));
}

#[test]
fn names_are_one_to_eighty_characters() {
    let app = TestApp::spawn();
    let a = app.sign_up("ana");
    let longest = "é".repeat(80);
    let res = app.post_empty(&a, &format!("/v1/interests/{}/follow", enc(&longest)));
    assert_eq!(res.status, 204, "{}", res.text);
    let id = tagged(&app, &a, "public", &[&longest]);
    assert_eq!(
        app.list_ids(&a, &format!("/v1/interests/{}/posts", enc(&longest))),
        [id]
    );
    let too_long = "é".repeat(81);
    app.post_empty(&a, &format!("/v1/interests/{}/follow", enc(&too_long)))
        .err(400, "invalid_request");
    app.get(&a, &format!("/v1/interests/{}/posts", enc(&too_long)))
        .err(400, "invalid_request");
    app.post_empty(&a, "/v1/interests/%20%20/follow")
        .err(400, "invalid_request");
}
