//! Cypher writes through `POST /v1/cypher`: what Cypher creates and deletes is what the HTTP
//! routes then serve (posts in feeds, likes, friendships, follows), graph-only data is durable, a
//! query that fails leaves nothing, and every rule of the social model is refused by name
//! (`refusals.rs`).

mod refusals;

use pillion_server::{Keys, Subject};
use serde_json::{json, Value};

use crate::helpers::{Rider, TestApp};

fn operator(app: &TestApp) -> String {
    Keys::load(app.data_dir())
        .unwrap()
        .issue(Subject::Operator, 3600)
}

fn cypher(app: &TestApp, op: &str, q: &str, params: Value) -> Value {
    app.post(op, "/v1/cypher", json!({ "query": q, "params": params }))
        .ok(200)
}

/// The single value of a one-row, one-column answer.
fn one(answer: &Value) -> Value {
    assert_eq!(answer["rows"].as_array().unwrap().len(), 1, "{answer}");
    answer["rows"][0][0].clone()
}

/// How many nodes and relationships the whole graph has.
fn size(app: &TestApp, op: &str) -> (u64, u64) {
    let nodes = one(&cypher(app, op, "MATCH (n) RETURN count(n)", json!({})));
    let rels = one(&cypher(
        app,
        op,
        "MATCH ()-[r]->() RETURN count(r)",
        json!({}),
    ));
    (nodes.as_u64().unwrap(), rels.as_u64().unwrap())
}

fn relation(app: &TestApp, viewer: &Rider, other: &Rider) -> Value {
    app.get(viewer, &format!("/v1/riders/{}", other.id)).ok(200)["relation"].clone()
}

#[test]
fn a_post_created_by_cypher_is_a_post_like_any_other() {
    let app = TestApp::spawn();
    let [ann, bob, cyd] = ["ann", "bob", "cyd"].map(|h| app.sign_up(h));
    app.befriend(&ann, &bob);
    let before = app.post_text(&ann, "an older post over HTTP", "friends");
    let op = operator(&app);
    let answer = cypher(
        &app,
        &op,
        "MATCH (r:Rider {handle: $handle})
         CREATE (r)-[:POSTED]->(p:Post {body: $body, mood: 'sunny'})-[:TAGGED]->(:Interest {name: 'Alpine passes'})
         RETURN id(p) AS id, p",
        json!({ "handle": "ann", "body": "Up the Stelvio by Cypher" }),
    );
    let id = answer["rows"][0][0].as_u64().unwrap();
    assert!(id > before, "one id sequence with the routes");
    let node = &answer["rows"][0][1];
    assert_eq!(node["labels"], json!(["Post"]));
    assert_eq!(node["properties"]["visibility"], "friends", "the default");
    assert_eq!(node["properties"]["mood"], "sunny");
    assert_eq!(node["properties"]["id"], id);
    assert_eq!(
        answer["stats"],
        json!({"nodes_created": 2, "nodes_deleted": 0, "relationships_created": 2,
               "relationships_deleted": 0, "labels_added": 1, "labels_removed": 0,
               "properties_set": 3, "properties_removed": 0})
    );

    // The routes serve it as they serve an HTTP post.
    let post = app.get(&bob, &format!("/v1/posts/{id}")).ok(200);
    assert_eq!(post["body"], "Up the Stelvio by Cypher");
    assert_eq!(post["author"]["id"], ann.id);
    assert_eq!(post["visibility"], "friends");
    assert_eq!(post["interests"], json!(["Alpine passes"]));
    assert_eq!(post["created_at"], node["properties"]["created_at"]);
    assert_eq!(app.list_ids(&bob, "/v1/feed"), [id, before]);
    assert_eq!(
        app.list_ids(&ann, &format!("/v1/riders/{}/wall", ann.id)),
        [id, before]
    );
    app.get(&cyd, &format!("/v1/posts/{id}"))
        .err(404, "not_found");
    assert!(app.list_ids(&cyd, "/v1/feed").is_empty());
    // Its LDBC-like extra property is Cypher's alone; the route shows the contract's fields.
    assert!(post.get("mood").is_none());

    // Deleting it by Cypher is DELETE /v1/posts/{id}: it leaves every feed.
    let gone = cypher(
        &app,
        &op,
        "MATCH (p:Post) WHERE id(p) = $id DETACH DELETE p",
        json!({ "id": id }),
    );
    assert_eq!(gone["stats"]["nodes_deleted"], 1);
    app.get(&ann, &format!("/v1/posts/{id}"))
        .err(404, "not_found");
    assert_eq!(app.list_ids(&bob, "/v1/feed"), [before]);
    // The interest it created stays.
    let answer = cypher(&app, &op, "MATCH (i:Interest) RETURN i.name", json!({}));
    assert_eq!(answer["rows"], json!([["Alpine passes"]]));
}

#[test]
fn likes_friendships_requests_and_follows_by_cypher_reach_the_routes() {
    let app = TestApp::spawn();
    let [ann, bob, cyd] = ["ann", "bob", "cyd"].map(|h| app.sign_up(h));
    let op = operator(&app);
    let pair = json!({ "a": ann.id, "b": bob.id, "c": cyd.id });

    // A friendship, asked by its start.
    cypher(
        &app,
        &op,
        "MATCH (a:Rider), (b:Rider) WHERE id(a) = $a AND id(b) = $b CREATE (a)-[:IS_FRIEND]->(b)",
        pair.clone(),
    );
    assert_eq!(relation(&app, &ann, &bob), "friend");
    assert_eq!(
        app.list_ids(&bob, &format!("/v1/riders/{}/friends", bob.id)),
        [ann.id]
    );

    // A like of a friend's friends-only post.
    let post = app.post_text(&ann, "Lunch at the pass", "friends");
    cypher(
        &app,
        &op,
        "MATCH (b:Rider), (p:Post) WHERE id(b) = $b AND id(p) = $p CREATE (b)-[:LIKES]->(p)",
        json!({ "b": bob.id, "p": post }),
    );
    let seen = app.get(&bob, &format!("/v1/posts/{post}")).ok(200);
    assert_eq!(seen["like_count"], 1);
    assert_eq!(seen["liked_by_me"], true);

    // A request, seen by its recipient; accepted by Cypher as the route would.
    cypher(
        &app,
        &op,
        "MATCH (c:Rider), (a:Rider) WHERE id(c) = $c AND id(a) = $a CREATE (c)-[:FRIEND_REQUEST]->(a)",
        pair.clone(),
    );
    let requests = app.items(&ann, "/v1/friend-requests");
    assert_eq!(requests.len(), 1);
    assert_eq!(requests[0]["from"]["id"], cyd.id);
    assert_eq!(relation(&app, &cyd, &ann), "request_sent");
    cypher(
        &app,
        &op,
        "MATCH (c:Rider)-[q:FRIEND_REQUEST]->(a:Rider) WHERE id(c) = $c AND id(a) = $a
         DELETE q CREATE (c)-[:IS_FRIEND]->(a)",
        pair.clone(),
    );
    assert!(app.items(&ann, "/v1/friend-requests").is_empty());
    assert_eq!(relation(&app, &ann, &cyd), "friend");

    // A follow (MERGE finds or makes the interest): public posts with it reach the feed.
    cypher(
        &app,
        &op,
        "MATCH (b:Rider) WHERE id(b) = $b MERGE (i:Interest {name: 'Alps'}) MERGE (b)-[:FOLLOWS]->(i)",
        pair.clone(),
    );
    let tagged = app.create_post(
        &cyd,
        json!({"body": "Alps in May", "visibility": "public", "interests": ["alps"]}),
    );
    let tagged = tagged["id"].as_u64().unwrap();
    assert!(app.list_ids(&bob, "/v1/feed").contains(&tagged));

    // Deleting each undoes it for the routes too.
    let answer = cypher(
        &app,
        &op,
        "MATCH (b:Rider)-[l:LIKES]->(:Post) WHERE id(b) = $b DELETE l
         WITH DISTINCT b MATCH (b)-[f:FOLLOWS]->(:Interest) DELETE f
         WITH DISTINCT b MATCH (b)-[x:IS_FRIEND]-(:Rider) DELETE x",
        pair.clone(),
    );
    assert_eq!(answer["stats"]["relationships_deleted"], 3, "{answer}");
    assert_eq!(
        app.get(&ann, &format!("/v1/posts/{post}")).ok(200)["like_count"],
        0
    );
    assert!(!app.list_ids(&bob, "/v1/feed").contains(&tagged));
    assert_eq!(relation(&app, &ann, &bob), "none");
    app.get(&bob, &format!("/v1/posts/{post}"))
        .err(404, "not_found");
    assert_eq!(
        relation(&app, &ann, &cyd),
        "friend",
        "the other friendship stays"
    );

    // And the routes' writes are what Cypher reads.
    app.put(&cyd, &format!("/v1/posts/{post}/like")).ok(204);
    let answer = cypher(
        &app,
        &op,
        "MATCH (r:Rider)-[:LIKES]->(p:Post) WHERE id(p) = $p RETURN r.handle",
        json!({ "p": post }),
    );
    assert_eq!(answer["rows"], json!([["cyd"]]));
}

#[test]
fn comments_and_profiles_written_by_cypher_are_served() {
    let app = TestApp::spawn();
    let [ann, bob] = ["ann", "bob"].map(|h| app.sign_up(h));
    app.befriend(&ann, &bob);
    let post = app.post_text(&ann, "Which tyres for gravel?", "friends");
    let op = operator(&app);
    let answer = cypher(
        &app,
        &op,
        "MATCH (b:Rider), (p:Post) WHERE id(b) = $b AND id(p) = $p
         CREATE (b)-[:COMMENTED]->(c:Comment {body: 'TKC 80s'})-[:ON]->(p)
         RETURN id(c)",
        json!({ "b": bob.id, "p": post }),
    );
    let comment = one(&answer).as_u64().unwrap();
    let comments = app.items(&ann, &format!("/v1/posts/{post}/comments"));
    assert_eq!(comments.len(), 1);
    assert_eq!(comments[0]["id"], comment);
    assert_eq!(comments[0]["body"], "TKC 80s");
    assert_eq!(comments[0]["author"]["id"], bob.id);
    assert_eq!(
        app.get(&ann, &format!("/v1/posts/{post}")).ok(200)["comment_count"],
        1
    );

    // A rider's name and props, as PATCH /v1/riders/me changes them.
    let bike = app.patch(
        &ann,
        "/v1/riders/me",
        json!({"props": {"bike": "R 1200 GS", "cc": 1170}}),
    );
    bike.ok(200);
    cypher(
        &app,
        &op,
        "MATCH (r:Rider) WHERE id(r) = $a SET r.name = 'Ann Rider', r.city = 'Lyon' REMOVE r.cc",
        json!({ "a": ann.id }),
    );
    let me = app.get(&ann, &format!("/v1/riders/{}", ann.id)).ok(200);
    assert_eq!(me["name"], "Ann Rider");
    assert_eq!(me["props"], json!({"bike": "R 1200 GS", "city": "Lyon"}));

    // Deleting the comment (and only it).
    cypher(
        &app,
        &op,
        "MATCH (c:Comment) WHERE id(c) = $c DETACH DELETE c",
        json!({ "c": comment }),
    );
    assert!(app
        .items(&ann, &format!("/v1/posts/{post}/comments"))
        .is_empty());
    assert_eq!(
        app.get(&ann, &format!("/v1/posts/{post}")).ok(200)["comment_count"],
        0
    );
}

#[test]
fn graph_only_data_survives_a_restart() {
    let app = TestApp::spawn();
    let ann = app.sign_up("ann");
    let post = app.post_text(&ann, "Factory visit", "public");
    let op = operator(&app);
    let answer = cypher(
        &app,
        &op,
        "MATCH (a:Rider {handle: 'ann'}), (p:Post)
         CREATE (a)-[w:WORK_AT {workFrom: 2010}]->(o:Organisation:Company {name: 'BMW', tags: ['cars', 'bikes'], since: 1916.5})
         CREATE (p)-[:MENTIONS]->(o)
         SET p.browserUsed = 'Firefox'
         RETURN id(o), id(w)",
        json!({}),
    );
    let org = answer["rows"][0][0].as_u64().unwrap();
    let work = answer["rows"][0][1].as_u64().unwrap();
    assert!(
        org > post,
        "graph-only nodes take ids from the one sequence"
    );
    let read = "MATCH (a:Rider)-[w:WORK_AT]->(o:Organisation)<-[:MENTIONS]-(p:Post)
                RETURN a.handle, w.workFrom, o.name, o.tags, o.since, labels(o), p.browserUsed, id(o), id(w)";
    let expected = json!([[
        "ann",
        2010,
        "BMW",
        ["cars", "bikes"],
        1916.5,
        ["Company", "Organisation"],
        "Firefox",
        org,
        work
    ]]);
    assert_eq!(cypher(&app, &op, read, json!({}))["rows"], expected);

    let app = app.restart();
    let op = operator(&app);
    assert_eq!(cypher(&app, &op, read, json!({}))["rows"], expected);

    // Changes to it are as durable.
    cypher(
        &app,
        &op,
        "MATCH (o:Organisation)<-[w:WORK_AT]-() SET o.name = 'BMW AG', w.role = 'tester' REMOVE o:Company, o.tags",
        json!({}),
    );
    let app = app.restart();
    let op = operator(&app);
    let answer = cypher(
        &app,
        &op,
        "MATCH (o:Organisation)<-[w:WORK_AT]-() RETURN labels(o), properties(o), properties(w)",
        json!({}),
    );
    assert_eq!(
        answer["rows"],
        json!([[["Organisation"], {"name": "BMW AG", "since": 1916.5}, {"role": "tester", "workFrom": 2010}]])
    );

    // Deleted, it stays deleted, and its relationship's id is never given out again.
    cypher(
        &app,
        &op,
        "MATCH (o:Organisation) DETACH DELETE o",
        json!({}),
    );
    let app = app.restart();
    let op = operator(&app);
    assert_eq!(
        cypher(&app, &op, "MATCH (o:Organisation) RETURN o", json!({}))["rows"],
        json!([])
    );
    let answer = cypher(
        &app,
        &op,
        "MATCH (a:Rider {handle: 'ann'}) CREATE (a)-[r:LIKES_BRAND]->(:Brand {name: 'KTM'}) RETURN id(r)",
        json!({}),
    );
    assert!(one(&answer).as_u64().unwrap() > work);
    // The post and its extra property are untouched by all of that.
    let answer = cypher(
        &app,
        &op,
        "MATCH (p:Post) RETURN id(p), p.browserUsed, p.body",
        json!({}),
    );
    assert_eq!(answer["rows"], json!([[post, "Firefox", "Factory visit"]]));
}

#[test]
fn a_query_that_fails_part_way_leaves_nothing() {
    let app = TestApp::spawn();
    let [ann, bob] = ["ann", "bob"].map(|h| app.sign_up(h));
    app.befriend(&ann, &bob);
    let op = operator(&app);
    let before = size(&app, &op);

    // A runtime error after some creations.
    let msg = app
        .post(
            &op,
            "/v1/cypher",
            json!({ "query": "MATCH (a:Rider {handle: 'ann'})
                              CREATE (a)-[:POSTED]->(:Post {body: 'never'}), (:Thing {n: 1})
                              WITH a RETURN 1 / 0" }),
        )
        .err(400, "invalid_query");
    assert!(msg.to_lowercase().contains("zero"), "{msg}");
    // A refusal after some creations and deletions.
    let msg = app
        .post(
            &op,
            "/v1/cypher",
            json!({ "query": "MATCH (a:Rider {handle: 'ann'})-[f:IS_FRIEND]-(b:Rider)
                              DELETE f
                              CREATE (a)-[:POSTED]->(:Post {body: 'never either'})
                              CREATE (:Thing {n: 2})
                              WITH b DETACH DELETE b" }),
        )
        .err(400, "invalid_query");
    assert!(msg.starts_with("write refused"), "{msg}");
    assert!(msg.contains("riders cannot be deleted"), "{msg}");

    assert_eq!(size(&app, &op), before);
    assert_eq!(relation(&app, &ann, &bob), "friend");
    assert!(app.list_ids(&bob, "/v1/feed").is_empty());
    // Nothing was stored either.
    let app = app.restart();
    let op = operator(&app);
    assert_eq!(size(&app, &op), before);
}

#[test]
fn reads_within_a_write_query_see_its_writes() {
    let app = TestApp::spawn();
    app.sign_up("ann");
    let op = operator(&app);
    let answer = cypher(
        &app,
        &op,
        "MATCH (a:Rider {handle: 'ann'})
         CREATE (a)-[:POSTED]->(:Post {body: 'one', visibility: 'public'})
         CREATE (a)-[:POSTED]->(:Post {body: 'two'})
         WITH a
         MATCH (a)-[:POSTED]->(p:Post)
         RETURN p.body, p.visibility ORDER BY p.body",
        json!({}),
    );
    assert_eq!(
        answer["rows"],
        json!([["one", "public"], ["two", "friends"]])
    );
    // MERGE finds what an earlier row of the same query made.
    let answer = cypher(
        &app,
        &op,
        "UNWIND ['x', 'y', 'x'] AS name MERGE (t:Tag {name: name}) RETURN count(DISTINCT t)",
        json!({}),
    );
    assert_eq!(one(&answer), 2);
    assert_eq!(answer["stats"]["nodes_created"], 2);
}
