//! Who may see a post: its author, the author's friends, and for public posts everyone. A post
//! the viewer may not see is absent from every list and every count, and reading it is 404.

use serde_json::json;

use crate::helpers::{ids, TestApp};

#[test]
fn a_friends_only_post_is_invisible_to_strangers_everywhere() {
    let app = TestApp::spawn();
    let [a, friend, stranger] = ["ana", "friend", "stranger"].map(|h| app.sign_up(h));
    app.befriend(&a, &friend);
    app.post_empty(&stranger, "/v1/interests/Secret%20Spots/follow");
    let id = app.create_post(
        &a,
        json!({"body": "my spot", "interests": ["Secret Spots"]}),
    )["id"]
        .as_u64()
        .unwrap();
    let post = format!("/v1/posts/{id}");

    // The stranger: absent from lists, 404 on every direct use, and nothing changes.
    assert!(app.list_ids(&stranger, "/v1/feed").is_empty());
    assert!(app
        .list_ids(&stranger, &format!("/v1/riders/{}/wall", a.id))
        .is_empty());
    assert!(app
        .list_ids(&stranger, "/v1/interests/secret%20spots/posts")
        .is_empty());
    app.get(&stranger, &post).err(404, "not_found");
    app.put(&stranger, &format!("{post}/like"))
        .err(404, "not_found");
    app.delete(&stranger, &format!("{post}/like"))
        .err(404, "not_found");
    app.post(
        &stranger,
        &format!("{post}/comments"),
        json!({"body": "hi"}),
    )
    .err(404, "not_found");
    app.get(&stranger, &format!("{post}/comments"))
        .err(404, "not_found");
    app.delete(&stranger, &post).err(404, "not_found");
    let batch = app
        .post(
            &stranger,
            "/v1/batch",
            json!({"ops": [{"op": "like", "post_id": id},
                            {"op": "comment", "post_id": id, "body": "sneaky"}]}),
        )
        .ok(200);
    assert_eq!(batch["results"][0]["status"], 404);
    assert_eq!(batch["results"][1]["status"], 404);
    let profile = app.get(&stranger, &format!("/v1/riders/{}", a.id)).ok(200);
    assert_eq!(profile["post_count"], 0);

    // The friend and the author see it everywhere.
    for who in [&friend, &a] {
        assert_eq!(app.list_ids(who, "/v1/feed"), [id]);
        assert_eq!(
            app.list_ids(who, &format!("/v1/riders/{}/wall", a.id)),
            [id]
        );
        assert_eq!(
            app.list_ids(who, "/v1/interests/Secret%20Spots/posts"),
            [id]
        );
        let seen = app.get(who, &post).ok(200);
        assert_eq!(seen["like_count"], 0, "a refused like was counted");
        assert_eq!(seen["comment_count"], 0, "a refused comment was counted");
        assert_eq!(
            app.get(who, &format!("/v1/riders/{}", a.id)).ok(200)["post_count"],
            1
        );
    }
    app.put(&friend, &format!("{post}/like"));
    app.post(
        &friend,
        &format!("{post}/comments"),
        json!({"body": "nice"}),
    )
    .ok(201);
    let seen = app.get(&a, &post).ok(200);
    assert_eq!(
        (seen["like_count"].clone(), seen["comment_count"].clone()),
        (json!(1), json!(1))
    );
}

#[test]
fn a_public_post_is_visible_to_everyone() {
    let app = TestApp::spawn();
    let [a, stranger] = ["ana", "stranger"].map(|h| app.sign_up(h));
    let id = app.post_text(&a, "hello world", "public");
    let post = format!("/v1/posts/{id}");
    assert_eq!(app.get(&stranger, &post).ok(200)["id"], id);
    assert_eq!(
        app.list_ids(&stranger, &format!("/v1/riders/{}/wall", a.id)),
        [id]
    );
    app.put(&stranger, &format!("{post}/like"));
    app.post(
        &stranger,
        &format!("{post}/comments"),
        json!({"body": "hi"}),
    )
    .ok(201);
    assert_eq!(app.items(&stranger, &format!("{post}/comments")).len(), 1);
    let seen = app.get(&a, &post).ok(200);
    assert_eq!(seen["like_count"], 1);
    assert_eq!(seen["comment_count"], 1);
    // A stranger's public post is not in the feed without a followed interest.
    assert!(app.list_ids(&stranger, "/v1/feed").is_empty());
}

#[test]
fn post_counts_depend_on_the_viewer() {
    let app = TestApp::spawn();
    let [a, friend, stranger] = ["ana", "friend", "stranger"].map(|h| app.sign_up(h));
    app.befriend(&a, &friend);
    app.post_text(&a, "one", "public");
    app.post_text(&a, "two", "friends");
    app.post_text(&a, "three", "friends");
    let count = |who| app.get(who, &format!("/v1/riders/{}", a.id)).ok(200)["post_count"].clone();
    assert_eq!(count(&a), 3);
    assert_eq!(count(&friend), 3);
    assert_eq!(count(&stranger), 1);
    let by_handle = app.get(&stranger, "/v1/riders/by-handle/ana").ok(200);
    assert_eq!(by_handle["post_count"], 1);
    let wall = app.items(&stranger, &format!("/v1/riders/{}/wall", a.id));
    assert_eq!(ids(&wall).len(), 1);
    assert_eq!(wall[0]["visibility"], "public");
}
