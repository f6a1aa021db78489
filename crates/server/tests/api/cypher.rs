//! `POST /v1/cypher` over the live graph: who may call it, the contract's queries, the shape of
//! nodes and relationships, parameters, and the errors (syntax with line and column,
//! unsupported by name, time limit).

use pillion_server::{Keys, Subject};
use serde_json::{json, Value};

use crate::helpers::{Anon, TestApp};

fn operator(app: &TestApp) -> String {
    Keys::load(app.data_dir())
        .unwrap()
        .issue(Subject::Operator, 3600)
}

fn query(app: &TestApp, op: &str, q: &str, params: Value) -> Value {
    app.post(op, "/v1/cypher", json!({ "query": q, "params": params }))
        .ok(200)
}

/// The ids in column 0 of every row, sorted.
fn first_ids(answer: &Value) -> Vec<u64> {
    let mut ids: Vec<u64> = answer["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r[0]["id"].as_u64().or_else(|| r[0].as_u64()).unwrap())
        .collect();
    ids.sort_unstable();
    ids
}

#[test]
fn only_operators_may_query() {
    let app = TestApp::spawn();
    let rider = app.sign_up("ann");
    let body = json!({ "query": "RETURN 1" });
    app.post(&Anon, "/v1/cypher", body.clone())
        .err(401, "unauthorized");
    app.post(&rider, "/v1/cypher", body.clone())
        .err(403, "forbidden");
    let op = operator(&app);
    let answer = app.post(&op, "/v1/cypher", body).ok(200);
    assert_eq!(answer, json!({ "columns": ["1"], "rows": [[1]] }));
}

#[test]
fn the_contract_queries_answer_friends_of_friends() {
    let app = TestApp::spawn();
    let [a, b, c, d, e] = ["ann", "bob", "cat", "dan", "eve"].map(|h| app.sign_up(h));
    // a - b - c, a - d - c, d - e, and a - e directly: e is a friend of a friend and a friend.
    for (x, y) in [(&a, &b), (&b, &c), (&a, &d), (&d, &c), (&d, &e), (&a, &e)] {
        app.befriend(x, y);
    }
    let op = operator(&app);
    let fof = format!(
        "MATCH (a:Rider)-[:IS_FRIEND]-(b:Rider)-[:IS_FRIEND]-(c:Rider) WHERE id(a)={} RETURN c;",
        a.id
    );
    // One row per path: cat twice (via bob and dan), eve via dan, dan via eve. A path never uses
    // a relationship twice, so ann does not come back to herself through a friend.
    let mut expected = vec![c.id, c.id, e.id, d.id];
    expected.sort_unstable();
    assert_eq!(first_ids(&query(&app, &op, &fof, json!({}))), expected);
    let not_friends = format!(
        "MATCH (a:Rider)-[:IS_FRIEND]-(b:Rider)-[:IS_FRIEND]-(c:Rider) WHERE id(a)={} AND NOT (a:Rider)-[:IS_FRIEND]-(c:Rider) RETURN c;",
        a.id
    );
    // Dan and eve are ann's friends: only cat is left, once per mutual friend.
    assert_eq!(
        first_ids(&query(&app, &op, &not_friends, json!({}))),
        vec![c.id, c.id]
    );
    let distinct =
        "MATCH (a:Rider)-[:IS_FRIEND]-()-[:IS_FRIEND]-(c:Rider) WHERE id(a) = $id AND c <> a \
                    AND NOT (a)-[:IS_FRIEND]-(c) RETURN DISTINCT c.handle AS handle";
    let answer = query(&app, &op, distinct, json!({ "id": a.id }));
    assert_eq!(answer, json!({ "columns": ["handle"], "rows": [["cat"]] }));
}

#[test]
fn nodes_and_relationships_have_the_contract_shape() {
    let app = TestApp::spawn();
    let a = app.sign_up("ann");
    let b = app.sign_up("bob");
    app.befriend(&a, &b);
    let post = app.post_text(&a, "Col de la Bonette", "public");
    app.put(&b, &format!("/v1/posts/{post}/like")).ok(204);
    let op = operator(&app);
    let answer = query(
        &app,
        &op,
        "MATCH (r:Rider)-[l:LIKES]->(p:Post) RETURN r, l, p",
        json!({}),
    );
    let row = &answer["rows"][0];
    assert_eq!(row[0]["id"], b.id);
    assert_eq!(row[0]["labels"], json!(["Rider"]));
    assert_eq!(row[0]["properties"]["handle"], "bob");
    assert_eq!(row[1]["type"], "LIKES");
    assert_eq!(row[1]["start"], b.id);
    assert_eq!(row[1]["end"], post);
    assert!(row[1]["id"].is_u64());
    assert_eq!(row[2]["properties"]["body"], "Col de la Bonette");
    assert_eq!(row[2]["properties"]["visibility"], "public");
    // The friendship points from the requester (a) to the accepter (b) and carries `since`.
    let answer = query(
        &app,
        &op,
        "MATCH (x)-[f:IS_FRIEND]->(y) RETURN x.handle, y.handle, f.since IS NOT NULL",
        json!({}),
    );
    assert_eq!(answer["rows"], json!([["ann", "bob", true]]));
    // The post's author, by the indexed direction and by the scanned one.
    let answer = query(
        &app,
        &op,
        "MATCH (p:Post)<-[:POSTED]-(r) WHERE id(p) = $p RETURN r.handle",
        json!({ "p": post }),
    );
    assert_eq!(answer["rows"], json!([["ann"]]));
    let answer = query(
        &app,
        &op,
        "MATCH (r:Rider {handle: 'bob'})-[:LIKES]->(p) RETURN id(p)",
        json!({}),
    );
    assert_eq!(answer["rows"], json!([[post]]));
}

#[test]
fn errors_follow_the_contract() {
    let app = TestApp::spawn();
    let op = operator(&app);
    let res = app.post(
        &op,
        "/v1/cypher",
        json!({ "query": "MATCH (n)\nRETURN n LIMIT" }),
    );
    let msg = res.err(400, "invalid_query");
    assert!(msg.contains("line 2"), "{msg}");
    let msg = app
        .post(
            &op,
            "/v1/cypher",
            json!({ "query": "RETURN nosuchfunction(1)" }),
        )
        .err(400, "invalid_query");
    assert!(msg.to_lowercase().contains("nosuchfunction"), "{msg}");
    let msg = app
        .post(&op, "/v1/cypher", json!({ "query": "CALL db.labels()" }))
        .err(400, "unsupported");
    assert!(!msg.is_empty());
    let msg = app
        .post(&op, "/v1/cypher", json!({ "query": "RETURN $missing" }))
        .err(400, "invalid_query");
    assert!(msg.contains("missing"), "{msg}");
    let msg = app
        .post(&op, "/v1/cypher", json!({ "params": {} }))
        .err(400, "invalid_request");
    assert!(msg.contains("query"), "{msg}");
    app.post(&op, "/v1/cypher", json!({ "query": 1 }))
        .err(400, "invalid_request");
    app.post_raw(&op, "/v1/cypher", b"{\"query\": ".to_vec())
        .err(400, "invalid_json");
}

#[test]
fn a_runaway_query_stops_at_the_time_limit_and_the_feeds_keep_serving() {
    let app = TestApp::spawn_with(|c| c.cypher_timeout = std::time::Duration::from_millis(300));
    let a = app.sign_up("ann");
    let op = operator(&app);
    let started = std::time::Instant::now();
    let msg = app
        .post(
            &op,
            "/v1/cypher",
            // Nine million additions in a handful of rows: stopped by time, not by size.
            json!({ "query": "RETURN reduce(s = 0, x IN range(1, 3000) | s + reduce(t = 0, y IN range(1, 3000) | t + y)) AS n" }),
        )
        .err(400, "query_timeout");
    assert!(!msg.is_empty());
    assert!(started.elapsed() < std::time::Duration::from_secs(5));
    app.get(&a, "/v1/feed").ok(200);
}
