//! The news feed and walls: what is in them, in which order, and read-your-writes.

use serde_json::json;

use crate::helpers::{assert_newest_first, ids, TestApp};

#[test]
fn the_feed_holds_own_friends_and_followed_public_posts_each_once() {
    let app = TestApp::spawn();
    let [v, friend, stranger, fof] =
        ["viewer", "friend", "stranger", "fof"].map(|h| app.sign_up(h));
    app.befriend(&v, &friend);
    app.befriend(&friend, &fof);
    app.post_empty(&v, "/v1/interests/Enduro/follow");
    let post = |who, body: &str, vis: &str, interests: &[&str]| -> u64 {
        app.create_post(
            who,
            json!({"body": body, "visibility": vis, "interests": interests}),
        )["id"]
            .as_u64()
            .unwrap()
    };
    let own = post(&v, "own", "friends", &[]);
    let friends_only = post(&friend, "friend, friends-only", "friends", &[]);
    let friend_public = post(&friend, "friend, public", "public", &[]);
    let followed = post(&stranger, "stranger, enduro", "public", &["Enduro"]);
    let _hidden = post(
        &stranger,
        "stranger, enduro, friends",
        "friends",
        &["Enduro"],
    );
    let _unrelated = post(&stranger, "stranger, public", "public", &["Trial"]);
    let _fof_only = post(&fof, "fof, friends-only", "friends", &[]);
    let _fof_public = post(&fof, "fof, public", "public", &[]);
    let twice = post(&friend, "friend, enduro", "public", &["enduro"]);
    let own_twice = post(&v, "own, enduro", "public", &["ENDURO"]);

    let feed = app.walk(&v, "/v1/feed", 100);
    assert_eq!(
        ids(&feed),
        [own_twice, twice, followed, friend_public, friends_only, own]
    );
    assert_newest_first(&feed);
    // The feed of the friend: own posts, the viewer's and fof's, but no interest posts.
    let theirs = app.list_ids(&friend, "/v1/feed");
    assert!(theirs.contains(&own) && theirs.contains(&_fof_only));
    assert!(!theirs.contains(&followed));
}

#[test]
fn a_write_is_in_the_next_read_for_author_and_friends() {
    let app = TestApp::spawn();
    let [a, b] = ["ana", "ben"].map(|h| app.sign_up(h));
    app.befriend(&a, &b);
    for round in 0..5 {
        let post = app.create_post(&a, json!({"body": format!("round {round}")}));
        let id = post["id"].as_u64().unwrap();
        assert_eq!(ids(&app.items(&a, "/v1/feed?limit=1")), [id]);
        assert_eq!(
            ids(&app.items(&a, &format!("/v1/riders/{}/wall?limit=1", a.id))),
            [id]
        );
        assert_eq!(ids(&app.items(&b, "/v1/feed?limit=1")), [id]);
        app.put(&b, &format!("/v1/posts/{id}/like"));
        let seen = app.items(&b, "/v1/feed?limit=1");
        assert_eq!(seen[0]["liked_by_me"], true);
        assert_eq!(seen[0]["like_count"], 1);
        let by_author = &app.items(&a, "/v1/feed?limit=1")[0];
        assert_eq!(by_author["friends_who_liked"][0]["id"], b.id);
    }
    assert_eq!(
        app.get(&b, &format!("/v1/riders/{}", a.id)).ok(200)["post_count"],
        5
    );
}

#[test]
fn a_wall_shows_what_the_viewer_may_see_newest_first() {
    let app = TestApp::spawn();
    let [a, friend, stranger] = ["ana", "friend", "stranger"].map(|h| app.sign_up(h));
    app.befriend(&a, &friend);
    let mut all = Vec::new();
    let mut public = Vec::new();
    for i in 0..6 {
        let vis = ["public", "friends"][i % 2];
        let id = app.post_text(&a, &format!("post {i}"), vis);
        all.insert(0, id);
        if vis == "public" {
            public.insert(0, id);
        }
    }
    app.post_text(&friend, "not on ana's wall", "public");
    let wall = format!("/v1/riders/{}/wall", a.id);
    for (who, expected) in [(&a, &all), (&friend, &all), (&stranger, &public)] {
        let items = app.walk(who, &wall, 100);
        assert_eq!(&ids(&items), expected, "wall as seen by {}", who.handle);
        assert_newest_first(&items);
        let rider = app.get(who, &format!("/v1/riders/{}", a.id)).ok(200);
        assert_eq!(rider["post_count"], expected.len(), "{}", who.handle);
    }
    app.get(&a, "/v1/riders/987654321/wall")
        .err(404, "not_found");
}

#[test]
fn unfriending_takes_friends_only_posts_out_of_the_feed() {
    let app = TestApp::spawn();
    let [a, b] = ["ana", "ben"].map(|h| app.sign_up(h));
    app.befriend(&a, &b);
    let hidden = app.post_text(&a, "friends only", "friends");
    let public = app.post_text(&a, "public", "public");
    assert_eq!(app.list_ids(&b, "/v1/feed"), [public, hidden]);
    app.delete(&b, &format!("/v1/friends/{}", a.id));
    assert!(app.list_ids(&b, "/v1/feed").is_empty());
    app.get(&b, &format!("/v1/posts/{hidden}"))
        .err(404, "not_found");
    app.get(&b, &format!("/v1/posts/{public}")).ok(200);
    assert_eq!(
        app.list_ids(&b, &format!("/v1/riders/{}/wall", a.id)),
        [public]
    );
    // And back: friends again, the posts return.
    app.befriend(&b, &a);
    assert_eq!(app.list_ids(&b, "/v1/feed"), [public, hidden]);
}

#[test]
fn unfollowing_takes_interest_posts_out_of_the_feed() {
    let app = TestApp::spawn();
    let [a, b] = ["ana", "ben"].map(|h| app.sign_up(h));
    let id = app.create_post(
        &a,
        json!({"body": "x", "visibility": "public", "interests": ["Café Racers"]}),
    )["id"]
        .as_u64()
        .unwrap();
    assert!(app.list_ids(&b, "/v1/feed").is_empty());
    app.post_empty(&b, "/v1/interests/caf%C3%A9%20racers/follow");
    assert_eq!(app.list_ids(&b, "/v1/feed"), [id]);
    app.delete(&b, "/v1/interests/CAF%C3%89%20RACERS/follow");
    assert!(app.list_ids(&b, "/v1/feed").is_empty());
}
