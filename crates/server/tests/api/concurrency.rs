//! Many clients at once: counts stay exact and no write is lost or doubled.

use std::sync::Barrier;

use serde_json::json;

use crate::helpers::{Anon, Rider, TestApp, PASSWORD};

const THREADS: usize = 8;
const POSTS_EACH: usize = 4;

#[test]
fn concurrent_sign_ups_posts_likes_and_comments_are_counted_exactly() {
    let app = TestApp::spawn();
    let barrier = Barrier::new(THREADS);
    let riders: Vec<(Rider, Vec<u64>)> = std::thread::scope(|s| {
        let handles: Vec<_> = (0..THREADS)
            .map(|t| {
                let (app, barrier) = (&app, &barrier);
                s.spawn(move || {
                    barrier.wait();
                    let rider = app.sign_up(&format!("rider{t}"));
                    let posts: Vec<u64> = (0..POSTS_EACH)
                        .map(|i| app.post_text(&rider, &format!("{t}/{i}"), "public"))
                        .collect();
                    (rider, posts)
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    let all_posts: Vec<u64> = riders.iter().flat_map(|(_, p)| p.clone()).collect();
    std::thread::scope(|s| {
        for (rider, _) in &riders {
            let (app, barrier, all_posts) = (&app, &barrier, &all_posts);
            s.spawn(move || {
                barrier.wait();
                for post in all_posts {
                    let like = app.put(rider, &format!("/v1/posts/{post}/like"));
                    assert_eq!(like.status, 204, "{}", like.text);
                    app.post(
                        rider,
                        &format!("/v1/posts/{post}/comments"),
                        json!({"body": "hi"}),
                    )
                    .ok(201);
                }
            });
        }
    });
    let viewer = &riders[0].0;
    for post in &all_posts {
        let seen = app.get(viewer, &format!("/v1/posts/{post}")).ok(200);
        assert_eq!(seen["like_count"], THREADS, "post {post}");
        assert_eq!(seen["comment_count"], THREADS, "post {post}");
        assert_eq!(seen["liked_by_me"], true);
        let comments = app.walk(viewer, &format!("/v1/posts/{post}/comments"), 100);
        assert_eq!(comments.len(), THREADS);
    }
    for (rider, posts) in &riders {
        let seen = app.get(viewer, &format!("/v1/riders/{}", rider.id)).ok(200);
        assert_eq!(seen["post_count"], posts.len());
        assert_eq!(seen["handle"], rider.handle.as_str());
    }
}

#[test]
fn concurrent_likes_and_unlikes_of_one_post_settle_exactly() {
    let app = TestApp::spawn();
    let author = app.sign_up("author");
    let post = app.post_text(&author, "hot", "public");
    let riders = app.sign_up_many("fan", THREADS);
    let barrier = Barrier::new(THREADS);
    std::thread::scope(|s| {
        for (i, rider) in riders.iter().enumerate() {
            let (app, barrier) = (&app, &barrier);
            s.spawn(move || {
                barrier.wait();
                for _ in 0..5 {
                    app.put(rider, &format!("/v1/posts/{post}/like"));
                }
                if i % 2 == 1 {
                    for _ in 0..3 {
                        app.delete(rider, &format!("/v1/posts/{post}/like"));
                    }
                }
            });
        }
    });
    let seen = app.get(&author, &format!("/v1/posts/{post}")).ok(200);
    assert_eq!(seen["like_count"], THREADS / 2);
    for (i, rider) in riders.iter().enumerate() {
        let mine = app.get(rider, &format!("/v1/posts/{post}")).ok(200);
        assert_eq!(mine["liked_by_me"], i % 2 != 1, "{}", rider.handle);
    }
}

#[test]
fn riders_asking_each_other_at_once_all_become_friends() {
    let app = TestApp::spawn();
    let riders = app.sign_up_many("r", THREADS);
    let barrier = Barrier::new(THREADS);
    std::thread::scope(|s| {
        for me in &riders {
            let (app, barrier, riders) = (&app, &barrier, &riders);
            s.spawn(move || {
                barrier.wait();
                for other in riders.iter().filter(|o| o.id != me.id) {
                    let res =
                        app.post_empty(me, &format!("/v1/riders/{}/friend-request", other.id));
                    // Requested, friends (the other asked first), or already friends.
                    assert!(matches!(res.status, 201 | 409), "{}", res.text);
                }
            });
        }
    });
    for me in &riders {
        let seen = app.get(me, "/v1/riders/me").ok(200);
        assert_eq!(seen["friend_count"], THREADS - 1, "{}", me.handle);
        assert!(
            app.items(me, "/v1/friend-requests").is_empty(),
            "{}",
            me.handle
        );
        assert_eq!(
            app.walk(me, &format!("/v1/riders/{}/friends", me.id), 3)
                .len(),
            THREADS - 1
        );
    }
}

#[test]
fn one_handle_signed_up_at_once_is_taken_exactly_once() {
    let app = TestApp::spawn();
    let barrier = Barrier::new(THREADS);
    let statuses: Vec<u16> = std::thread::scope(|s| {
        let handles: Vec<_> = (0..THREADS)
            .map(|t| {
                let (app, barrier) = (&app, &barrier);
                s.spawn(move || {
                    barrier.wait();
                    let body =
                        json!({"handle": "popular", "name": format!("N{t}"), "password": PASSWORD});
                    app.post(&Anon, "/v1/riders", body).status
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    assert_eq!(
        statuses.iter().filter(|s| **s == 201).count(),
        1,
        "{statuses:?}"
    );
    assert_eq!(
        statuses.iter().filter(|s| **s == 409).count(),
        THREADS - 1,
        "{statuses:?}"
    );
    app.post(
        &Anon,
        "/v1/sessions",
        json!({"handle": "popular", "password": PASSWORD}),
    )
    .ok(200);
}

/// Eight riders tag posts with, and follow, interests that do not exist yet, all at once and in
/// different spellings: each name must become exactly one interest.
#[test]
fn concurrent_first_uses_of_an_interest_make_one_interest() {
    let app = TestApp::spawn();
    let riders = app.sign_up_many("r", THREADS);
    let barrier = Barrier::new(THREADS);
    let spellings = ["Rally", "RALLY", "rally", "rAlLy"];
    let posted: Vec<u64> = std::thread::scope(|s| {
        let handles: Vec<_> = riders
            .iter()
            .enumerate()
            .map(|(i, rider)| {
                let (app, barrier) = (&app, &barrier);
                let name = spellings[i % spellings.len()];
                s.spawn(move || {
                    barrier.wait();
                    let follow = format!("/v1/interests/{}%20Raid/follow", name);
                    assert_eq!(app.post_empty(rider, &follow).status, 204);
                    let interests = json!([name, format!("{name} Raid")]);
                    let body =
                        json!({"body": "go", "visibility": "public", "interests": interests});
                    app.create_post(rider, body)["id"].as_u64().unwrap()
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    let mut expected = posted.clone();
    expected.sort_unstable_by(|a, b| b.cmp(a));
    for name in ["rally", "rally%20raid"] {
        let listed = app.list_ids(&riders[0], &format!("/v1/interests/{name}/posts"));
        assert_eq!(listed, expected, "{name}");
    }
    let shown: Vec<serde_json::Value> = posted
        .iter()
        .map(|id| app.get(&riders[0], &format!("/v1/posts/{id}")).ok(200)["interests"].clone())
        .collect();
    assert!(shown.windows(2).all(|w| w[0] == w[1]), "{shown:?}");
    for rider in &riders {
        assert_eq!(
            app.list_ids(rider, "/v1/feed"),
            expected,
            "{}",
            rider.handle
        );
    }
}
