//! Lists: walking every page returns each item exactly once in the list's order, also while new
//! items are being written; cursors are opaque and bound to their list.

use std::collections::HashSet;

use serde_json::{json, Value};

use crate::helpers::{assert_newest_first, enc, ids, Rider, TestApp};

/// Creates `n` posts by `who` in one batch request; returns their ids, oldest first.
fn posts(app: &TestApp, who: &Rider, n: usize, vis: &str, interest: &str) -> Vec<u64> {
    let ops: Vec<Value> = (0..n)
        .map(|i| json!({"op": "post", "body": format!("post {i}"), "visibility": vis, "interests": [interest]}))
        .collect();
    let res = app.post(who, "/v1/batch", json!({ "ops": ops })).ok(200);
    res["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["body"]["id"].as_u64().unwrap())
        .collect()
}

#[track_caller]
fn assert_once(items: &[u64]) {
    let unique: HashSet<&u64> = items.iter().collect();
    assert_eq!(unique.len(), items.len(), "duplicates in {items:?}");
}

#[test]
fn every_page_of_every_list_holds_each_item_once() {
    let app = TestApp::spawn();
    let [a, b, stranger] = ["ana", "ben", "stranger"].map(|h| app.sign_up(h));
    app.befriend(&a, &b);
    let friends = app.sign_up_many("f", 5);
    for f in &friends {
        app.befriend(&a, f);
    }
    let askers = app.sign_up_many("asker", 4);
    for s in &askers {
        app.post_empty(s, &format!("/v1/riders/{}/friend-request", b.id))
            .ok(201);
    }
    // b follows Tour: a's and b's own public posts reach b's feed by two ways, once each.
    app.post_empty(&b, "/v1/interests/Tour/follow");
    let mut expected_feed = posts(&app, &a, 4, "friends", "Tour");
    expected_feed.extend(posts(&app, &b, 3, "public", "Tour"));
    let from_stranger = posts(&app, &stranger, 2, "public", "Tour");
    posts(&app, &stranger, 2, "friends", "Tour");
    expected_feed.extend(&from_stranger);
    expected_feed.extend(posts(&app, &a, 3, "public", "Tour"));
    expected_feed.reverse();
    let target = expected_feed[0];
    let comments: Vec<u64> = (0..7)
        .map(|i| {
            let c = app.post(
                &b,
                &format!("/v1/posts/{target}/comments"),
                json!({"body": format!("c{i}")}),
            );
            c.ok(201)["id"].as_u64().unwrap()
        })
        .collect();
    let a_wall: Vec<u64> = expected_feed
        .iter()
        .copied()
        .filter(|id| !(expected_feed[3..8]).contains(id))
        .collect();

    for limit in 1..=3 {
        let feed = app.walk(&b, "/v1/feed", limit);
        assert_eq!(ids(&feed), expected_feed, "feed, limit {limit}");
        assert_newest_first(&feed);
        let wall = app.walk(&b, &format!("/v1/riders/{}/wall", a.id), limit);
        assert_eq!(ids(&wall), a_wall, "wall, limit {limit}");
        // Everything in b's feed carries Tour; the stranger's friends-only posts stay hidden.
        let tour = app.walk(&b, "/v1/interests/tour/posts", limit);
        assert_eq!(ids(&tour), expected_feed, "interest, limit {limit}");
        let listed = app.walk(&stranger, &format!("/v1/posts/{target}/comments"), limit);
        assert_eq!(
            ids(&listed),
            comments,
            "comments oldest first, limit {limit}"
        );
        let f = ids(&app.walk(&b, &format!("/v1/riders/{}/friends", a.id), limit));
        assert_once(&f);
        let mut expected: Vec<u64> = friends.iter().map(|r| r.id).chain([b.id]).collect();
        let mut got = f.clone();
        expected.sort_unstable();
        got.sort_unstable();
        assert_eq!(got, expected, "friends, limit {limit}");
        let requests: Vec<u64> = app
            .walk(&b, "/v1/friend-requests", limit)
            .iter()
            .map(|r| r["from"]["id"].as_u64().unwrap())
            .collect();
        let newest_first: Vec<u64> = askers.iter().rev().map(|r| r.id).collect();
        assert_eq!(requests, newest_first, "friend requests, limit {limit}");
        let suggested: Vec<u64> = app
            .walk(&b, "/v1/me/suggestions", limit)
            .iter()
            .map(|s| s["rider"]["id"].as_u64().unwrap())
            .collect();
        let expected: Vec<u64> = friends.iter().map(|r| r.id).collect();
        assert_eq!(suggested, expected, "suggestions, limit {limit}");
    }
}

/// The contract orders every list newest first unless it says otherwise; for a friends list
/// that is the newest friendship first.
#[test]
fn friends_are_listed_newest_friendship_first() {
    let app = TestApp::spawn();
    let v = app.sign_up("viewer");
    let r = app.sign_up_many("r", 4);
    for i in [2, 0, 3, 1] {
        app.befriend(&r[i], &v);
        // Gives each friendship its own millisecond, so that only time can explain the order.
        std::thread::sleep(std::time::Duration::from_millis(2));
    }
    let expected = [r[1].id, r[3].id, r[0].id, r[2].id];
    for limit in 1..=3 {
        let got = ids(&app.walk(&v, &format!("/v1/riders/{}/friends", v.id), limit));
        assert_eq!(got, expected, "limit {limit}");
    }
}

/// Walks `path` with `limit` while `write` runs `n` times on another thread.
fn walk_while_writing(
    app: &TestApp,
    who: &Rider,
    path: &str,
    limit: usize,
    n: usize,
    write: impl Fn(usize) -> u64 + Send + Sync,
) -> (Vec<u64>, Vec<u64>, Vec<u64>) {
    let initial = ids(&app.walk(who, path, 100));
    let (walked, written) = std::thread::scope(|s| {
        let writer = s.spawn(|| (0..n).map(&write).collect::<Vec<u64>>());
        let walked = ids(&app.walk(who, path, limit));
        (walked, writer.join().unwrap())
    });
    (initial, walked, written)
}

#[track_caller]
fn check_walk(initial: &[u64], walked: &[u64], written: &[u64], newest_first: bool) {
    assert_once(walked);
    let ordered = walked.windows(2).all(|w| {
        if newest_first {
            w[0] > w[1]
        } else {
            w[0] < w[1]
        }
    });
    assert!(ordered, "out of order: {walked:?}");
    let seen: HashSet<&u64> = walked.iter().collect();
    for id in initial {
        assert!(
            seen.contains(id),
            "{id} existed before the walk but was skipped"
        );
    }
    for id in walked {
        assert!(
            initial.contains(id) || written.contains(id),
            "{id} came from nowhere"
        );
    }
}

#[test]
fn walking_pages_while_posts_are_written_skips_and_repeats_nothing() {
    let app = TestApp::spawn();
    let [a, b, c] = ["ana", "ben", "cy_"].map(|h| app.sign_up(h));
    app.befriend(&a, &b);
    app.befriend(&c, &b);
    posts(&app, &a, 20, "friends", "Tour");
    posts(&app, &c, 20, "public", "Tour");
    let target = posts(&app, &a, 1, "public", "Tour")[0];
    for i in 0..12 {
        app.post(
            &c,
            &format!("/v1/posts/{target}/comments"),
            json!({"body": format!("c{i}")}),
        )
        .ok(201);
    }
    for limit in 1..=3 {
        let write_post = |i: usize| app.post_text([&a, &c][i % 2], "new", "public");
        let (initial, walked, written) =
            walk_while_writing(&app, &b, "/v1/feed", limit, 12, write_post);
        check_walk(&initial, &walked, &written, true);
        let wall = format!("/v1/riders/{}/wall", c.id);
        let write_post = |_| app.post_text(&c, "new", "public");
        let (initial, walked, written) = walk_while_writing(&app, &a, &wall, limit, 8, write_post);
        check_walk(&initial, &walked, &written, true);
        let comments = format!("/v1/posts/{target}/comments");
        let write_comment = |i: usize| {
            let res = app.post(&a, &comments, json!({"body": format!("during {i}")}));
            res.ok(201)["id"].as_u64().unwrap()
        };
        let (initial, walked, written) =
            walk_while_writing(&app, &b, &comments, limit, 8, write_comment);
        check_walk(&initial, &walked, &written, false);
    }
}

#[test]
fn walking_friends_while_friendships_are_made_skips_and_repeats_nothing() {
    let app = TestApp::spawn();
    let v = app.sign_up("viewer");
    for f in app.sign_up_many("old", 8) {
        app.befriend(&v, &f);
    }
    let newcomers = app.sign_up_many("new", 12);
    let path = format!("/v1/riders/{}/friends", v.id);
    for (limit, batch) in (1..=3).zip(newcomers.chunks(4)) {
        let make = |i: usize| {
            app.befriend(&batch[i], &v);
            batch[i].id
        };
        let (initial, walked, written) =
            walk_while_writing(&app, &v, &path, limit, batch.len(), make);
        assert_once(&walked);
        let seen: HashSet<&u64> = walked.iter().collect();
        assert!(
            initial.iter().all(|id| seen.contains(id)),
            "skipped an old friend"
        );
        assert!(walked
            .iter()
            .all(|id| initial.contains(id) || written.contains(id)));
    }
}

#[test]
fn a_cursor_still_works_after_its_post_is_deleted() {
    let app = TestApp::spawn();
    let a = app.sign_up("ana");
    let mut all = posts(&app, &a, 6, "friends", "Tour");
    all.reverse();
    let page = app.get(&a, "/v1/feed?limit=2").ok(200);
    assert_eq!(ids(page["items"].as_array().unwrap()), all[..2]);
    let cursor = page["next_cursor"].as_str().unwrap();
    let res = app.delete(&a, &format!("/v1/posts/{}", all[1]));
    assert_eq!(res.status, 204, "{}", res.text);
    let rest = app.get(&a, &format!("/v1/feed?limit=100&cursor={}", enc(cursor)));
    assert_eq!(ids(rest.ok(200)["items"].as_array().unwrap()), all[2..]);
}

#[test]
fn forged_garbled_and_borrowed_cursors_are_refused() {
    let app = TestApp::spawn();
    let [a, b] = ["ana", "ben"].map(|h| app.sign_up(h));
    app.befriend(&a, &b);
    let mine = posts(&app, &a, 3, "public", "Tour");
    let theirs = posts(&app, &b, 3, "public", "Tour");
    for id in [mine[0], theirs[0]] {
        for i in 0..3 {
            app.post(
                &a,
                &format!("/v1/posts/{id}/comments"),
                json!({"body": format!("{i}")}),
            )
            .ok(201);
        }
    }
    let cursor = |who: &Rider, path: &str| -> String {
        let page = app.get(who, &format!("{path}?limit=1")).ok(200);
        page["next_cursor"].as_str().unwrap().to_owned()
    };
    let feed_a = cursor(&a, "/v1/feed");
    let wall_a = cursor(&a, &format!("/v1/riders/{}/wall", a.id));
    let comments = cursor(&a, &format!("/v1/posts/{}/comments", mine[0]));
    let friends = app.sign_up("carl");
    app.befriend(&friends, &a);
    let friends_a = cursor(&a, &format!("/v1/riders/{}/friends", a.id));
    let mut tampered = feed_a.clone().into_bytes();
    tampered[3] = if tampered[3] == b'A' { b'B' } else { b'A' };
    let tampered = String::from_utf8(tampered).unwrap();

    let refused = [
        ("/v1/feed".to_owned(), "garbage!".to_owned()),
        ("/v1/feed".to_owned(), "AAAA".to_owned()),
        ("/v1/feed".to_owned(), tampered),
        ("/v1/feed".to_owned(), format!("{feed_a}A")),
        ("/v1/feed".to_owned(), String::new()),
        // Borrowed: another rider's feed, another list, another wall, another post.
        ("/v1/feed".to_owned(), wall_a.clone()),
        (format!("/v1/riders/{}/wall", b.id), wall_a.clone()),
        (format!("/v1/riders/{}/wall", a.id), feed_a.clone()),
        (
            format!("/v1/posts/{}/comments", theirs[0]),
            comments.clone(),
        ),
        ("/v1/interests/Tour/posts".to_owned(), feed_a.clone()),
        (format!("/v1/riders/{}/friends", b.id), friends_a.clone()),
        ("/v1/friend-requests".to_owned(), friends_a.clone()),
        ("/v1/me/suggestions".to_owned(), comments.clone()),
    ];
    for (path, bad) in &refused {
        let msg = app
            .get(&a, &format!("{path}?cursor={}", enc(bad)))
            .err(400, "invalid_request");
        assert!(msg.contains("cursor"), "{path} with {bad:?}: {msg}");
    }
    // Another rider may not continue this rider's feed either.
    app.get(&b, &format!("/v1/feed?cursor={}", enc(&feed_a)))
        .err(400, "invalid_request");
    // The genuine cursors work where they belong.
    app.get(&a, &format!("/v1/feed?cursor={}", enc(&feed_a)))
        .ok(200);
    app.get(
        &a,
        &format!("/v1/riders/{}/friends?cursor={}", a.id, enc(&friends_a)),
    )
    .ok(200);
}
