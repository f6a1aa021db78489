//! Friend requests that become mutual, friend lists and suggestions.

use serde_json::{json, Value};

use crate::helpers::{ids, Rider, TestApp};

fn request(app: &TestApp, from: &Rider, to: &Rider) -> crate::helpers::Resp {
    app.post_empty(from, &format!("/v1/riders/{}/friend-request", to.id))
}

fn relation(app: &TestApp, viewer: &Rider, other: &Rider) -> Value {
    app.get(viewer, &format!("/v1/riders/{}", other.id)).ok(200)["relation"].clone()
}

fn friend_count(app: &TestApp, viewer: &Rider, other: &Rider) -> u64 {
    let rider = app.get(viewer, &format!("/v1/riders/{}", other.id)).ok(200);
    rider["friend_count"].as_u64().unwrap()
}

#[test]
fn a_request_then_acceptance_makes_friends() {
    let app = TestApp::spawn();
    let [a, b] = ["ana", "ben"].map(|h| app.sign_up(h));
    assert_eq!(
        request(&app, &a, &b).ok(201),
        json!({"status": "requested"})
    );
    let before = app.items(&b, "/v1/friend-requests");
    // Asking again while pending answers the same and changes nothing.
    assert_eq!(
        request(&app, &a, &b).ok(201),
        json!({"status": "requested"})
    );
    assert_eq!(app.items(&b, "/v1/friend-requests"), before);
    assert_eq!(before.len(), 1);
    assert_eq!(relation(&app, &a, &b), "request_sent");
    assert_eq!(relation(&app, &b, &a), "request_received");
    assert_eq!(friend_count(&app, &a, &a), 0);

    let accepted = app.post_empty(&b, &format!("/v1/friend-requests/{}/accept", a.id));
    assert_eq!(accepted.ok(200), json!({"status": "friends"}));
    assert_eq!(relation(&app, &a, &b), "friend");
    assert_eq!(relation(&app, &b, &a), "friend");
    assert_eq!(friend_count(&app, &a, &a), 1);
    assert_eq!(friend_count(&app, &a, &b), 1);
    assert!(app.items(&b, "/v1/friend-requests").is_empty());

    app.post_empty(&b, &format!("/v1/friend-requests/{}/accept", a.id))
        .err(404, "not_found");
    request(&app, &a, &b).err(409, "conflict");
    request(&app, &b, &a).err(409, "conflict");
    assert_eq!(friend_count(&app, &a, &a), 1);
}

#[test]
fn asking_someone_who_asked_you_makes_friends_at_once() {
    let app = TestApp::spawn();
    let [a, b] = ["ana", "ben"].map(|h| app.sign_up(h));
    request(&app, &a, &b).ok(201);
    assert_eq!(request(&app, &b, &a).ok(201), json!({"status": "friends"}));
    assert_eq!(relation(&app, &a, &b), "friend");
    assert!(app.items(&a, "/v1/friend-requests").is_empty());
    assert!(app.items(&b, "/v1/friend-requests").is_empty());
    assert_eq!(
        app.list_ids(&a, &format!("/v1/riders/{}/friends", a.id)),
        [b.id]
    );
}

#[test]
fn declining_drops_the_request() {
    let app = TestApp::spawn();
    let [a, b] = ["ana", "ben"].map(|h| app.sign_up(h));
    request(&app, &a, &b).ok(201);
    let res = app.post_empty(&b, &format!("/v1/friend-requests/{}/decline", a.id));
    assert_eq!(res.status, 204, "{}", res.text);
    assert!(app.items(&b, "/v1/friend-requests").is_empty());
    assert_eq!(relation(&app, &a, &b), "none");
    assert_eq!(relation(&app, &b, &a), "none");
    app.post_empty(&b, &format!("/v1/friend-requests/{}/decline", a.id))
        .err(404, "not_found");
    app.post_empty(&b, &format!("/v1/friend-requests/{}/accept", a.id))
        .err(404, "not_found");
    // A declined request may be made again.
    assert_eq!(request(&app, &a, &b).ok(201)["status"], "requested");
    // Only the recipient can answer a request.
    app.post_empty(&a, &format!("/v1/friend-requests/{}/accept", b.id))
        .err(404, "not_found");
    assert_eq!(relation(&app, &a, &b), "request_sent");
}

#[test]
fn unfriending_ends_the_friendship_once() {
    let app = TestApp::spawn();
    let [a, b] = ["ana", "ben"].map(|h| app.sign_up(h));
    app.befriend(&a, &b);
    let res = app.delete(&b, &format!("/v1/friends/{}", a.id));
    assert_eq!(res.status, 204, "{}", res.text);
    assert_eq!(relation(&app, &a, &b), "none");
    assert_eq!(friend_count(&app, &a, &a), 0);
    assert!(app
        .items(&a, &format!("/v1/riders/{}/friends", a.id))
        .is_empty());
    app.delete(&b, &format!("/v1/friends/{}", a.id))
        .err(404, "not_found");
    app.delete(&a, &format!("/v1/friends/{}", b.id))
        .err(404, "not_found");
}

#[test]
fn befriending_yourself_or_nobody_is_refused() {
    let app = TestApp::spawn();
    let a = app.sign_up("ana");
    let msg = request(&app, &a, &a).err(400, "invalid_request");
    assert!(!msg.is_empty());
    app.post_empty(&a, "/v1/riders/987654321/friend-request")
        .err(404, "not_found");
    assert_eq!(relation(&app, &a, &a), "self");
    assert_eq!(friend_count(&app, &a, &a), 0);
}

#[test]
fn incoming_requests_list_the_askers_newest_first() {
    let app = TestApp::spawn();
    let me = app.sign_up("me_");
    let askers = app.sign_up_many("asker", 3);
    for a in &askers {
        request(&app, a, &me).ok(201);
    }
    let outsider = app.sign_up("outsider");
    request(&app, &outsider, &askers[0]).ok(201);
    let items = app.items(&me, "/v1/friend-requests");
    let from: Vec<u64> = items
        .iter()
        .map(|i| i["from"]["id"].as_u64().unwrap())
        .collect();
    assert_eq!(from, [askers[2].id, askers[1].id, askers[0].id]);
    assert_eq!(
        items[0]["from"],
        json!({"id": askers[2].id, "handle": "asker02", "name": "ASKER02"})
    );
    assert!(items[0]["created_at"].as_str().unwrap().ends_with('Z'));
    // Answered requests leave the list.
    app.post_empty(&me, &format!("/v1/friend-requests/{}/accept", askers[1].id))
        .ok(200);
    let left: Vec<u64> = app
        .items(&me, "/v1/friend-requests")
        .iter()
        .map(|i| i["from"]["id"].as_u64().unwrap())
        .collect();
    assert_eq!(left, [askers[2].id, askers[0].id]);
    assert!(app.items(&askers[0], "/v1/friend-requests").len() == 1);
}

#[test]
fn friends_lists_hold_rider_summaries() {
    let app = TestApp::spawn();
    let [a, b, c, d] = ["ana", "ben", "cy_", "dee"].map(|h| app.sign_up(h));
    app.befriend(&a, &b);
    app.befriend(&c, &a);
    app.befriend(&b, &d);
    let items = app.items(&d, &format!("/v1/riders/{}/friends", a.id));
    let mut got = ids(&items);
    got.sort_unstable();
    assert_eq!(got, [b.id, c.id]);
    let ben = items.iter().find(|i| i["id"] == b.id).unwrap();
    assert_eq!(ben, &json!({"id": b.id, "handle": "ben", "name": "BEN"}));
    app.get(&a, "/v1/riders/987654321/friends")
        .err(404, "not_found");
}

/// The graph: the viewer's friends are f0, f1, f2. Candidates x (3 mutual), y and q (2 each),
/// z (1). `pending_out` (asked by the viewer) and `pending_in` (asked the viewer) are friends
/// of friends too but excluded, as are the viewer and the friends themselves.
#[test]
fn suggestions_rank_friends_of_friends_by_mutual_friends() {
    let app = TestApp::spawn();
    let v = app.sign_up("viewer");
    let f = app.sign_up_many("f", 3);
    let [x, y, q, z, out, inn, far] = [
        "x_x",
        "y_y",
        "q_q",
        "z_z",
        "pending_out",
        "pending_in",
        "far",
    ]
    .map(|h| app.sign_up(h));
    for friend in &f {
        app.befriend(&v, friend);
    }
    app.befriend(&f[0], &f[1]);
    for (a, b) in [
        (&f[0], &x),
        (&f[1], &x),
        (&f[2], &x),
        (&f[0], &y),
        (&f[1], &y),
        (&f[1], &q),
        (&f[2], &q),
        (&f[2], &z),
        (&f[0], &out),
        (&f[0], &inn),
        (&x, &far),
    ] {
        app.befriend(a, b);
    }
    request(&app, &v, &out).ok(201);
    request(&app, &inn, &v).ok(201);

    let page = app.get(&v, "/v1/me/suggestions?limit=10").ok(200);
    let got: Vec<(u64, u64)> = page["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            (
                s["rider"]["id"].as_u64().unwrap(),
                s["mutual_friends"].as_u64().unwrap(),
            )
        })
        .collect();
    let (first_tie, second_tie) = if y.id < q.id { (&y, &q) } else { (&q, &y) };
    assert_eq!(
        got,
        [(x.id, 3), (first_tie.id, 2), (second_tie.id, 2), (z.id, 1)]
    );
    assert_eq!(
        page["items"][0]["rider"],
        json!({"id": x.id, "handle": "x_x", "name": "X_X"})
    );
    // Befriending a suggestion removes it; friends of the new friend appear.
    app.befriend(&v, &x);
    let now: Vec<u64> = app
        .items(&v, "/v1/me/suggestions")
        .iter()
        .map(|s| s["rider"]["id"].as_u64().unwrap())
        .collect();
    assert!(!now.contains(&x.id) && now.contains(&far.id), "{now:?}");
}
