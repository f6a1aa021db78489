//! Every rule of the social model that a Cypher write may break is refused: 400 `invalid_query`,
//! a message that starts `write refused` and names the rule, and nothing written.

use serde_json::{json, Value};

use super::{cypher, operator};
use crate::helpers::TestApp;

/// Everything in the graph, in a fixed order: what a refusal must leave as it was.
fn dump(app: &TestApp, op: &str) -> Value {
    cypher(
        app,
        op,
        "MATCH (n) OPTIONAL MATCH (n)-[r]->(m)
         RETURN id(n), labels(n), properties(n), type(r), id(m), properties(r)
         ORDER BY id(n), type(r), id(m)",
        json!({}),
    )
}

#[test]
fn every_rule_is_refused_by_name_and_writes_nothing() {
    let app = TestApp::spawn();
    let [ann, bob, _cyd, dan] = ["ann", "bob", "cyd", "dan"].map(|h| app.sign_up(h));
    app.befriend(&ann, &bob);
    app.post_empty(&dan, &format!("/v1/riders/{}/friend-request", ann.id))
        .ok(201);
    app.post_empty(&ann, "/v1/interests/Alps/follow").ok(204);
    let post = app.create_post(
        &ann,
        json!({"body": "Col du Galibier", "interests": ["Alps"],
               "place": {"name": "Galibier", "lat": 45.06, "lon": 6.41}}),
    )["id"]
        .as_u64()
        .unwrap();
    let public = app.post_text(&bob, "Open to all", "public");
    app.put(&bob, &format!("/v1/posts/{post}/like")).ok(204);
    app.post(
        &bob,
        &format!("/v1/posts/{post}/comments"),
        json!({"body": "Nice"}),
    )
    .ok(201);
    let op = operator(&app);
    cypher(&app, &op, "CREATE (:Thing {n: 1})", json!({}));
    let before = dump(&app, &op);

    let many: serde_json::Map<String, Value> =
        (0..65).map(|i| (format!("k{i}"), json!(i))).collect();
    let params = json!({
        "p": post, "pub": public,
        "long": "x".repeat(1_001), "long81": "y".repeat(81), "many": many,
    });
    let ann_ = "MATCH (a:Rider {handle: 'ann'})";
    let ann_bob = "MATCH (a:Rider {handle: 'ann'}), (b:Rider {handle: 'bob'})";
    let ann_dan = "MATCH (a:Rider {handle: 'ann'}), (d:Rider {handle: 'dan'})";
    let cases: Vec<(String, &str)> = vec![
        // Riders and interests: made and kept by the routes.
        ("CREATE (:Rider {handle: 'zed', name: 'Zed'})".into(), "signing up"),
        ("MATCH (r:Rider {handle: 'cyd'}) DETACH DELETE r".into(), "riders cannot be deleted"),
        ("MATCH (i:Interest) DETACH DELETE i".into(), "interests cannot be deleted"),
        // Labels.
        (format!("{ann_} CREATE (a)-[:POSTED]->(:Post:Draft {{body: 'x'}})"), "exactly one label"),
        ("MATCH (p:Post) SET p:Featured".into(), "labels of riders, posts"),
        ("MATCH (r:Rider {handle: 'ann'}) REMOVE r:Rider".into(), "labels of riders, posts"),
        ("MATCH (t:Thing) SET t:Post".into(), "cannot become a Post"),
        // Properties the model fixes.
        ("MATCH (p:Post) SET p.id = 5".into(), "`id`"),
        (format!("{ann_} SET a.created_at = 'now'"), "`created_at`"),
        (format!("{ann_} SET a.handle = 'anna'"), "handle cannot change"),
        ("MATCH (p:Post) WHERE id(p) = $p SET p.body = 'edited'".into(), "cannot be edited"),
        ("MATCH (p:Post) WHERE id(p) = $p SET p.visibility = 'public'".into(), "cannot be edited"),
        ("MATCH (c:Comment) SET c.body = 'edited'".into(), "comment cannot be edited"),
        ("MATCH (i:Interest) SET i.name = 'Dolomites'".into(), "cannot be renamed"),
        ("MATCH (pl:Place) SET pl.name = 'Elsewhere'".into(), "place"),
        ("MATCH (p:Post) WHERE id(p) = $p CREATE (p)-[:AT]->(:Spot {name: 'x'})".into(), "place"),
        ("MATCH (p:Post)-[:AT]->(pl:Place) CREATE (:Thing)-[:NEAR]->(pl)".into(), "place"),
        // A rider's profile, as PATCH /v1/riders/me checks it.
        (format!("{ann_} SET a.name = ''"), "name"),
        (format!("{ann_} REMOVE a.name"), "always has a name"),
        (format!("{ann_} SET a.bikes = ['a', 'b']"), "string, number or boolean"),
        (format!("{ann_} SET a.bio = $long"), "1000"),
        (format!("{ann_} SET a += $many"), "at most 64 keys"),
        // Posts.
        ("CREATE (:Post {body: 'orphan'})".into(), "needs its author"),
        (format!("{ann_} CREATE (a)-[:POSTED]->(:Post {{visibility: 'public'}})"), "needs a `body`"),
        (format!("{ann_} CREATE (a)-[:POSTED]->(:Post {{body: ''}})"), "1 to 10000"),
        (format!("{ann_} CREATE (a)-[:POSTED]->(:Post {{body: 'x', visibility: 'secret'}})"), "visibility"),
        (
            format!("{ann_} CREATE (a)-[:POSTED]->(p:Post {{body: 'tags'}}) WITH p UNWIND range(1, 11) AS i CREATE (p)-[:TAGGED]->(:Interest {{name: 'tag' + toString(i)}})"),
            "at most 10 interests",
        ),
        ("MATCH (b:Rider {handle: 'bob'}), (p:Post) WHERE id(p) = $p CREATE (b)-[:POSTED]->(p)".into(), "already has its author"),
        (format!("{ann_bob} CREATE (a)-[:POSTED]->(:Post {{body: 'x'}})<-[:POSTED]-(b)"), "exactly one author"),
        ("MATCH (:Rider)-[r:POSTED]->(:Post) DELETE r".into(), "would lose its author"),
        ("MATCH (:Post)-[t:TAGGED]->() DELETE t".into(), "interests and place"),
        ("MATCH (p:Post) WHERE id(p) = $p CREATE (p)-[:TAGGED]->(:Interest {name: 'Late'})".into(), "set when it is created"),
        // Comments.
        (format!("{ann_} CREATE (a)-[:COMMENTED]->(:Comment {{body: 'x'}})"), "needs its post"),
        ("MATCH (c:Rider {handle: 'cyd'}), (p:Post) WHERE id(p) = $p CREATE (c)-[:COMMENTED]->(:Comment {body: 'hi'})-[:ON]->(p)".into(), "cannot see post"),
        ("MATCH (:Rider)-[r:COMMENTED]->(:Comment) DELETE r".into(), "would lose its author"),
        ("MATCH (p:Post) WHERE id(p) = $p DETACH DELETE p".into(), "left without its post"),
        // Interests.
        ("CREATE (:Interest {name: 'alps'})".into(), "exists already"),
        ("CREATE (:Interest {label: 'x'})".into(), "needs a `name`"),
        ("CREATE (:Interest {name: $long81})".into(), "1 to 80"),
        // Likes and follows.
        ("MATCH (c:Rider {handle: 'cyd'}), (p:Post) WHERE id(p) = $p CREATE (c)-[:LIKES]->(p)".into(), "cannot see post"),
        ("MATCH (b:Rider {handle: 'bob'}), (p:Post) WHERE id(p) = $p CREATE (b)-[:LIKES]->(p)".into(), "already likes"),
        (format!("{ann_} MATCH (i:Interest {{name: 'Alps'}}) CREATE (a)-[:FOLLOWS]->(i)"), "already follows"),
        // Friendships and requests.
        (format!("{ann_} CREATE (a)-[:IS_FRIEND]->(a)"), "themself"),
        (format!("{ann_} CREATE (a)-[:FRIEND_REQUEST]->(a)"), "themself"),
        (format!("{ann_bob} CREATE (b)-[:IS_FRIEND]->(a)"), "already friends"),
        (format!("{ann_bob} CREATE (a)-[:FRIEND_REQUEST]->(b)"), "are friends"),
        (format!("{ann_dan} CREATE (a)-[:FRIEND_REQUEST]->(d)"), "accept it instead"),
        (format!("{ann_dan} CREATE (d)-[:FRIEND_REQUEST]->(a)"), "already asked"),
        (format!("{ann_dan} CREATE (d)-[:IS_FRIEND]->(a)"), "pending"),
        // Relationships of the social model carry the write's time, nothing else.
        ("MATCH (c:Rider {handle: 'cyd'}), (p:Post) WHERE id(p) = $pub CREATE (c)-[:LIKES {at: 1}]->(p)".into(), "take no properties"),
        ("MATCH ()-[f:IS_FRIEND]->() SET f.since = 'x'".into(), "no properties that Cypher may set"),
        // Values and size.
        ("CREATE (:Thing {x: 0.0 / 0.0})".into(), "NaN"),
        ("UNWIND range(1, 100001) AS i CREATE (:Thing {i: i})".into(), "at most 100000"),
    ];
    for (query, rule) in &cases {
        let res = app.post(
            &op,
            "/v1/cypher",
            json!({ "query": query, "params": params }),
        );
        let msg = res.err(400, "invalid_query");
        assert!(msg.starts_with("write refused"), "{query}: {msg}");
        assert!(msg.contains(rule), "{query}: expected {rule:?} in {msg:?}");
    }
    assert_eq!(dump(&app, &op), before, "a refused write changed the graph");
    // The same writes done the allowed way go through (the rules are not blanket refusals).
    cypher(
        &app,
        &op,
        "MATCH (a:Rider {handle: 'ann'}), (d:Rider {handle: 'dan'})-[q:FRIEND_REQUEST]->(a)
         DELETE q CREATE (d)-[:IS_FRIEND]->(a)",
        json!({}),
    );
    cypher(
        &app,
        &op,
        "MATCH (p:Post)<-[:ON]-(c:Comment) WHERE id(p) = $p DETACH DELETE c, p",
        json!({ "p": post }),
    );
    app.get(&ann, &format!("/v1/posts/{post}"))
        .err(404, "not_found");
    assert_eq!(
        app.list_ids(&ann, &format!("/v1/riders/{}/friends", ann.id))
            .len(),
        2
    );
}
