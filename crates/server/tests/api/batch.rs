//! `POST /v1/batch`: one result per op, in order; each op succeeds or fails on its own.

use serde_json::{json, Value};

use crate::helpers::{ids, TestApp};

fn statuses(results: &Value) -> Vec<u64> {
    results["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["status"].as_u64().unwrap())
        .collect()
}

#[test]
fn mixed_ops_each_get_their_own_result_in_order() {
    let app = TestApp::spawn();
    let [a, b, c] = ["ana", "ben", "cy_"].map(|h| app.sign_up(h));
    let p = app.post_text(&b, "ben's public post", "public");
    app.post_empty(&c, &format!("/v1/riders/{}/friend-request", a.id))
        .ok(201);
    let ops = json!({"ops": [
        {"op": "post", "body": "from a batch", "visibility": "public"},
        {"op": "like", "post_id": p},
        {"op": "comment", "post_id": p, "body": "batch comment"},
        {"op": "friend_request", "rider_id": b.id},
        {"op": "accept", "rider_id": c.id},
        {"op": "fly"},
        {"op": "like", "post_id": 987_654_321},
        {"op": "comment", "post_id": p, "body": ""},
        {"op": "unlike", "post_id": p},
        {"op": "like", "post_id": p},
        {"op": "friend_request", "rider_id": a.id},
        {"op": "post", "body": "x".repeat(10_001)},
        "not an object",
        {"op": "like"},
        {"op": "accept", "rider_id": b.id}
    ]});
    let res = app.post(&a, "/v1/batch", ops).ok(200);
    assert_eq!(
        statuses(&res),
        [201, 204, 201, 201, 200, 400, 404, 400, 204, 204, 400, 400, 400, 400, 404]
    );
    let results = &res["results"];
    let created = &results[0]["body"];
    assert_eq!(created["body"], "from a batch");
    assert_eq!(created["visibility"], "public");
    assert_eq!(created["photos"], json!([]));
    assert_eq!(results[2]["body"]["body"], "batch comment");
    assert_eq!(results[3]["body"], json!({"status": "requested"}));
    assert_eq!(results[4]["body"], json!({"status": "friends"}));
    for i in [5, 7, 10, 11, 12, 13] {
        assert_eq!(results[i]["error"]["code"], "invalid_request", "op {i}");
        assert!(results[i]["error"]["message"].is_string(), "op {i}");
    }
    assert_eq!(results[6]["error"]["code"], "not_found");

    // The state after: every good op took effect, no bad one did.
    let post = app.get(&a, &format!("/v1/posts/{p}")).ok(200);
    assert_eq!(post["like_count"], 1);
    assert_eq!(post["liked_by_me"], true);
    assert_eq!(post["comment_count"], 1);
    let wall = app.items(&a, &format!("/v1/riders/{}/wall", a.id));
    assert_eq!(ids(&wall), [created["id"].as_u64().unwrap()]);
    let relation = |id: u64| app.get(&a, &format!("/v1/riders/{id}")).ok(200)["relation"].clone();
    assert_eq!(relation(b.id), "request_sent");
    assert_eq!(relation(c.id), "friend");
}

#[test]
fn later_ops_see_the_effects_of_earlier_ones() {
    let app = TestApp::spawn();
    let [a, b] = ["ana", "ben"].map(|h| app.sign_up(h));
    let hidden = app.post_text(&b, "friends only", "friends");
    app.post_empty(&b, &format!("/v1/riders/{}/friend-request", a.id))
        .ok(201);
    let res = app
        .post(
            &a,
            "/v1/batch",
            json!({"ops": [
                {"op": "like", "post_id": hidden},
                {"op": "accept", "rider_id": b.id},
                {"op": "like", "post_id": hidden},
                {"op": "comment", "post_id": hidden, "body": "now I see it"}
            ]}),
        )
        .ok(200);
    assert_eq!(statuses(&res), [404, 200, 204, 201]);
    let post = app.get(&b, &format!("/v1/posts/{hidden}")).ok(200);
    assert_eq!(post["like_count"], 1);
    assert_eq!(post["comment_count"], 1);
}

#[test]
fn a_batch_holds_one_to_a_thousand_ops() {
    let app = TestApp::spawn();
    let a = app.sign_up("ana");
    let p = app.post_text(&a, "liked a thousand times", "public");
    let like = json!({"op": "like", "post_id": p});
    let res = app
        .post(&a, "/v1/batch", json!({"ops": vec![like.clone(); 1000]}))
        .ok(200);
    assert_eq!(statuses(&res), vec![204; 1000]);
    assert_eq!(
        app.get(&a, &format!("/v1/posts/{p}")).ok(200)["like_count"],
        1
    );

    let msg = app
        .post(&a, "/v1/batch", json!({"ops": vec![like; 1001]}))
        .err(400, "invalid_request");
    assert!(msg.contains("ops"), "{msg}");
    app.post(&a, "/v1/batch", json!({"ops": []}))
        .err(400, "invalid_request");
    app.post(&a, "/v1/batch", json!({"ops": {"op": "like"}}))
        .err(400, "invalid_request");
    app.post(&a, "/v1/batch", json!({}))
        .err(400, "invalid_request");
}
