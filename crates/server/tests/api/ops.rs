//! Health, readiness, metrics, the API reference, and the per-token rate limit.

use std::time::{Duration, Instant};

use serde_json::{json, Value};

use crate::helpers::{Anon, TestApp};

/// Sums the `pillion_http_requests_total` samples whose labels include all of `labels`.
fn requests_total(metrics: &str, labels: &[&str]) -> f64 {
    metrics
        .lines()
        .filter(|l| l.starts_with("pillion_http_requests_total{"))
        .filter(|l| labels.iter().all(|want| l.contains(want)))
        .filter_map(|l| l.rsplit(' ').next()?.parse::<f64>().ok())
        .sum()
}

#[test]
fn health_answers_live_and_ready() {
    let app = TestApp::spawn();
    let live = app.get(&Anon, "/health/live");
    assert_eq!(live.status, 200);
    let ready = app.get(&Anon, "/health/ready");
    assert_eq!(ready.status, 200);
    assert_eq!(ready.body["status"], "ready");
}

#[test]
fn ready_turns_503_while_draining_and_live_stays_200() {
    let app = TestApp::spawn_with(|c| c.drain_delay = Duration::from_secs(2));
    app.begin_shutdown();
    let deadline = Instant::now() + Duration::from_secs(2);
    let ready = loop {
        let res = app.get(&Anon, "/health/ready");
        if res.status != 200 || Instant::now() > deadline {
            break res;
        }
        std::thread::sleep(Duration::from_millis(5));
    };
    assert_eq!(ready.status, 503, "{}", ready.text);
    app.get(&Anon, "/health/live").ok(200);
}

#[test]
fn metrics_count_requests_per_route_template() {
    let app = TestApp::spawn();
    let a = app.sign_up("ana");
    let post = app.post_text(&a, "counted", "friends");
    let feed = ["route=\"/v1/feed\"", "method=\"GET\"", "status=\"200\""];
    let post_route = ["route=\"/v1/posts/{id}\"", "method=\"GET\""];
    let before = app.get(&Anon, "/metrics").text;
    for _ in 0..3 {
        app.get(&a, "/v1/feed").ok(200);
    }
    for _ in 0..2 {
        app.get(&a, &format!("/v1/posts/{post}")).ok(200);
    }
    let res = app.get(&Anon, "/metrics");
    assert_eq!(res.status, 200);
    let content_type = res.headers["content-type"].to_str().unwrap();
    assert!(content_type.starts_with("text/plain"), "{content_type}");
    let after = res.text;
    assert!(requests_total(&after, &feed) >= requests_total(&before, &feed) + 3.0);
    assert!(requests_total(&after, &post_route) >= requests_total(&before, &post_route) + 2.0);
    assert!(
        !after.contains(&format!("route=\"/v1/posts/{post}\"")),
        "raw paths must not become labels"
    );
    for family in [
        "# TYPE pillion_http_requests_total counter",
        "pillion_http_request_duration_seconds_bucket",
        "pillion_write_queue_depth",
        "pillion_process_resident_memory_bytes",
        "pillion_write_visible_lag_seconds",
        "pillion_graph_entries",
    ] {
        assert!(after.contains(family), "metrics lack {family}");
    }
}

#[test]
fn data_and_sessions_survive_a_restart() {
    let app = TestApp::spawn();
    let [a, b] = ["ana", "ben"].map(|h| app.sign_up(h));
    app.befriend(&a, &b);
    let post = app.create_post(&a, json!({"body": "kept", "interests": ["Enduro"]}));
    let id = post["id"].as_u64().unwrap();
    app.put(&b, &format!("/v1/posts/{id}/like"));
    app.post(
        &b,
        &format!("/v1/posts/{id}/comments"),
        json!({"body": "kept too"}),
    )
    .ok(201);
    app.post_empty(&b, "/v1/interests/enduro/follow");
    let revoked = app
        .post(
            &Anon,
            "/v1/sessions",
            json!({"handle": "ben", "password": crate::helpers::PASSWORD}),
        )
        .ok(200)["token"]
        .as_str()
        .unwrap()
        .to_owned();
    assert_eq!(app.delete(&revoked, "/v1/sessions/current").status, 204);
    let feed_before = app.get(&b, "/v1/feed").ok(200);

    let app = app.restart();
    let read = app.get(&b, &format!("/v1/posts/{id}")).ok(200);
    assert_eq!(read["body"], "kept");
    assert_eq!(read["like_count"], 1);
    assert_eq!(read["comment_count"], 1);
    assert_eq!(read["liked_by_me"], true);
    assert_eq!(read["interests"], json!(["Enduro"]));
    let feed_after = app.get(&b, "/v1/feed").ok(200);
    assert_eq!(feed_after["items"], feed_before["items"]);
    assert_eq!(
        app.get(&a, &format!("/v1/riders/{}", b.id)).ok(200)["relation"],
        "friend"
    );
    app.get(&revoked, "/v1/feed").err(401, "unauthorized");
    // New ids do not collide with old ones.
    let next = app.post_text(&a, "after the restart", "friends");
    assert!(next > id);
}

#[test]
fn the_api_reference_is_openapi_json() {
    let app = TestApp::spawn();
    let doc: Value = app.get(&Anon, "/openapi.json").ok(200);
    let version = doc["openapi"].as_str().unwrap();
    assert!(version.starts_with('3'), "{version}");
    assert!(doc["info"]["title"].is_string());
}

#[test]
fn a_burst_from_one_token_is_rate_limited_and_others_are_not() {
    let app = TestApp::spawn_with(|c| c.rate_limit = 5);
    let [a, b] = ["ana", "ben"].map(|h| app.sign_up(h));
    let mut created = 0;
    let mut limited = 0;
    for i in 0..20 {
        let res = app.post(
            &a,
            "/v1/posts",
            json!({"body": format!("burst {i}"), "visibility": "public"}),
        );
        match res.status {
            201 => created += 1,
            _ => {
                res.err(429, "rate_limited");
                assert!(res.headers.contains_key("retry-after"));
                limited += 1;
            }
        }
    }
    assert!(limited > 0, "20 requests at a limit of 5/s were all served");
    assert!(created >= 1);
    // The other rider's token is unaffected, and refused posts were not made.
    for _ in 0..3 {
        let ana = app.get(&b, &format!("/v1/riders/{}", a.id)).ok(200);
        assert_eq!(ana["post_count"], created);
    }
}
