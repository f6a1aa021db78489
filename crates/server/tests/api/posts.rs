//! Posts, likes and comments.

use serde_json::{json, Value};

use crate::helpers::{ids, TestApp};

const POST_KEYS: [&str; 12] = [
    "id",
    "author",
    "body",
    "visibility",
    "photos",
    "place",
    "interests",
    "created_at",
    "like_count",
    "comment_count",
    "liked_by_me",
    "friends_who_liked",
];

#[track_caller]
fn assert_post_shape(post: &Value) {
    for key in POST_KEYS {
        assert!(post.get(key).is_some(), "post lacks {key}: {post}");
    }
}

#[test]
fn a_new_post_has_every_key_and_the_defaults() {
    let app = TestApp::spawn();
    let a = app.sign_up("ana");
    let post = app.create_post(&a, json!({"body": "First ride of the year"}));
    assert_post_shape(&post);
    assert_eq!(
        post["author"],
        json!({"id": a.id, "handle": "ana", "name": "ANA"})
    );
    assert_eq!(post["body"], "First ride of the year");
    assert_eq!(post["visibility"], "friends");
    assert_eq!(post["photos"], json!([]));
    assert_eq!(post["place"], Value::Null);
    assert_eq!(post["interests"], json!([]));
    assert_eq!(post["like_count"], 0);
    assert_eq!(post["comment_count"], 0);
    assert_eq!(post["liked_by_me"], false);
    assert_eq!(post["friends_who_liked"], json!([]));
    assert!(post["created_at"].as_str().unwrap().ends_with('Z'));
    let read = app.get(&a, &format!("/v1/posts/{}", post["id"])).ok(200);
    assert_eq!(read, post);
}

#[test]
fn a_post_keeps_photos_place_and_interests() {
    let app = TestApp::spawn();
    let a = app.sign_up("ana");
    let photos = json!([
        {"url": "https://img.example/1.jpg", "width": 1600, "height": 900},
        {"url": "https://img.example/2.jpg", "width": 900, "height": 1600}
    ]);
    let place = json!({"name": "Col du Galibier", "lat": 45.064, "lon": 6.408});
    let post = app.create_post(
        &a,
        json!({"body": "Up the pass", "visibility": "public", "photos": photos,
               "place": place, "interests": ["Alps", "Passes"]}),
    );
    assert_eq!(post["visibility"], "public");
    assert_eq!(post["photos"], photos);
    assert_eq!(post["place"], place);
    assert_eq!(post["interests"], json!(["Alps", "Passes"]));
    let stranger = app.sign_up("stranger");
    let read = app
        .get(&stranger, &format!("/v1/posts/{}", post["id"]))
        .ok(200);
    assert_eq!(read["photos"], photos);
    assert_eq!(read["place"], place);
}

#[test]
fn only_the_author_deletes_and_the_post_leaves_everywhere() {
    let app = TestApp::spawn();
    let [a, friend, stranger] = ["ana", "friend", "stranger"].map(|h| app.sign_up(h));
    app.befriend(&a, &friend);
    let id = app.create_post(&a, json!({"body": "soon gone", "interests": ["Gone"]}))["id"]
        .as_u64()
        .unwrap();
    let path = format!("/v1/posts/{id}");
    app.post(
        &friend,
        &format!("{path}/comments"),
        json!({"body": "nice"}),
    )
    .ok(201);

    app.delete(&friend, &path).err(403, "forbidden");
    app.delete(&stranger, &path).err(404, "not_found");
    app.get(&friend, &path).ok(200);

    let res = app.delete(&a, &path);
    assert_eq!(res.status, 204, "{}", res.text);
    for who in [&a, &friend] {
        app.get(who, &path).err(404, "not_found");
        app.put(who, &format!("{path}/like")).err(404, "not_found");
        app.post(who, &format!("{path}/comments"), json!({"body": "x"}))
            .err(404, "not_found");
        app.get(who, &format!("{path}/comments"))
            .err(404, "not_found");
        assert!(!app.list_ids(who, "/v1/feed").contains(&id));
        assert!(!app
            .list_ids(who, &format!("/v1/riders/{}/wall", a.id))
            .contains(&id));
        assert!(app.items(who, "/v1/interests/Gone/posts").is_empty());
    }
    app.delete(&a, &path).err(404, "not_found");
    let me = app.get(&a, "/v1/riders/me").ok(200);
    assert_eq!(me["post_count"], 0);
}

#[test]
fn likes_are_idempotent_and_counted() {
    let app = TestApp::spawn();
    let [a, b] = ["ana", "ben"].map(|h| app.sign_up(h));
    let id = app.post_text(&a, "like me", "public");
    let path = format!("/v1/posts/{id}");
    for _ in 0..2 {
        let res = app.put(&b, &format!("{path}/like"));
        assert_eq!(res.status, 204, "{}", res.text);
    }
    let seen = app.get(&b, &path).ok(200);
    assert_eq!(seen["like_count"], 1);
    assert_eq!(seen["liked_by_me"], true);
    let by_author = app.get(&a, &path).ok(200);
    assert_eq!(by_author["like_count"], 1);
    assert_eq!(by_author["liked_by_me"], false);
    app.put(&a, &format!("{path}/like"));
    assert_eq!(app.get(&a, &path).ok(200)["like_count"], 2);
    for _ in 0..2 {
        let res = app.delete(&b, &format!("{path}/like"));
        assert_eq!(res.status, 204, "{}", res.text);
    }
    let seen = app.get(&b, &path).ok(200);
    assert_eq!(seen["like_count"], 1);
    assert_eq!(seen["liked_by_me"], false);
}

/// The viewer has five friends; four of them, the viewer and a stranger like a public post.
#[test]
fn friends_who_liked_names_up_to_three_friends_never_the_viewer() {
    let app = TestApp::spawn();
    let author = app.sign_up("author");
    let viewer = app.sign_up("viewer");
    let friends = app.sign_up_many("friend", 5);
    let stranger = app.sign_up("stranger");
    for f in &friends {
        app.befriend(&viewer, f);
    }
    let id = app.post_text(&author, "popular", "public");
    let path = format!("/v1/posts/{id}");
    let names = |who| -> Vec<u64> {
        ids(app.get(who, &path).ok(200)["friends_who_liked"]
            .as_array()
            .unwrap())
    };

    app.put(&stranger, &format!("{path}/like"));
    app.put(&viewer, &format!("{path}/like"));
    assert!(
        names(&viewer).is_empty(),
        "the viewer or a stranger was named"
    );
    app.put(&friends[3], &format!("{path}/like"));
    assert_eq!(names(&viewer), [friends[3].id]);
    for f in &friends[..3] {
        app.put(f, &format!("{path}/like"));
    }
    let named = names(&viewer);
    assert_eq!(named.len(), 3, "{named:?}");
    let liking: Vec<u64> = friends[..4].iter().map(|f| f.id).collect();
    assert!(named.iter().all(|n| liking.contains(n)), "{named:?}");
    let post = app.get(&viewer, &path).ok(200);
    assert_eq!(post["like_count"], 6);
    let first = &post["friends_who_liked"][0];
    assert!(
        first["handle"].as_str().unwrap().starts_with("friend"),
        "{first}"
    );
    assert!(first["name"].is_string(), "{first}");
    // A friend of the viewer sees the viewer among their friends who liked it.
    assert_eq!(names(&friends[4]), [viewer.id]);
    // The author has no friends: nobody is named.
    assert!(names(&author).is_empty());
}

#[test]
fn comments_are_listed_oldest_first_and_counted() {
    let app = TestApp::spawn();
    let [a, b] = ["ana", "ben"].map(|h| app.sign_up(h));
    app.befriend(&a, &b);
    let id = app.post_text(&a, "discuss", "friends");
    let path = format!("/v1/posts/{id}/comments");
    let first = app.post(&b, &path, json!({"body": "first!"})).ok(201);
    for key in ["id", "author", "body", "created_at"] {
        assert!(first.get(key).is_some(), "comment lacks {key}: {first}");
    }
    assert_eq!(
        first["author"],
        json!({"id": b.id, "handle": "ben", "name": "BEN"})
    );
    assert_eq!(first["body"], "first!");
    let second = app.post(&a, &path, json!({"body": "second"})).ok(201);
    let third = app.post(&b, &path, json!({"body": "third"})).ok(201);
    let listed = app.items(&a, &path);
    assert_eq!(
        ids(&listed),
        [
            first["id"].clone(),
            second["id"].clone(),
            third["id"].clone()
        ]
        .map(|v| v.as_u64().unwrap())
    );
    assert_eq!(listed[1]["body"], "second");
    assert_eq!(
        app.get(&b, &format!("/v1/posts/{id}")).ok(200)["comment_count"],
        3
    );
    let feed = app.items(&b, "/v1/feed");
    assert_eq!(feed[0]["comment_count"], 3);
}
