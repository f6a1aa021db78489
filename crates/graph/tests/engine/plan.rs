//! Planning commands: what each one commits, what it answers, and what it refuses; and the keys
//! the writer uses to decide which commands of a batch may be planned against the same state.

use pillion_graph::Graph;
use pillion_model::Visibility::{Friends, Public};
use pillion_model::{
    Change, Command, CommentBody, Error, ErrorCode, FriendStatus, Handle, InterestName, Outcome,
    PostBody, PostId, Props, RiderId, RiderName, Timestamp,
};
use serde_json::json;

use crate::world::{created_posts, created_riders, snapshot, whole_feed, World};

fn interest(name: &str) -> InterestName {
    InterestName::parse(name).unwrap()
}

fn post_cmd(author: RiderId, visibility: pillion_model::Visibility, tags: &[&str]) -> Command {
    Command::CreatePost {
        author,
        body: PostBody::parse("first ride of the season").unwrap(),
        visibility,
        photos: Vec::new(),
        place: None,
        interests: tags.iter().map(|t| interest(t)).collect(),
    }
}

fn sign_up(handle: &str) -> Command {
    Command::SignUp {
        handle: Handle::parse(handle).unwrap(),
        name: RiderName::parse("New Rider").unwrap(),
        password_hash: "$argon2id$x".to_owned(),
        props: Props::default(),
    }
}

/// Plans `cmd` and expects a refusal with `code`; checks that nothing changed.
fn refused(w: &mut World, cmd: &Command, code: ErrorCode) -> Error {
    let riders = created_riders(&w.log);
    let posts = created_posts(&w.log);
    let before_log = w.log.len();
    let before = snapshot(&w.g, &riders, &posts, &[]);
    let stats = w.g.stats();
    let err = w.run(cmd).expect_err("the command should be refused");
    assert_eq!(err.code(), code, "{err}");
    assert_eq!(w.log.len(), before_log, "a refused command commits nothing");
    assert_eq!(w.g.stats(), stats);
    assert_eq!(snapshot(&w.g, &riders, &posts, &[]), before);
    err
}

/// Plans `cmd` and returns its changes without applying them.
fn changes(g: &Graph, cmd: &Command) -> Vec<Change> {
    let mut planner = pillion_graph::Planner::new(1_000_000);
    g.plan(cmd, &mut planner).unwrap().changes
}

#[test]
fn sign_up_creates_a_rider_and_refuses_a_taken_handle() {
    let mut w = World::new();
    let out = w.run(&sign_up("newbie")).unwrap();
    let Outcome::Rider(id) = out else {
        panic!("{out:?}")
    };
    assert_eq!(w.g.rider_by_handle("newbie").unwrap().id, id);
    refused(&mut w, &sign_up("newbie"), ErrorCode::Conflict);
}

#[test]
fn update_profile_merges_props_and_keeps_the_name_when_absent() {
    let mut w = World::new();
    let me = w.rider("me_rider");
    w.run(&Command::UpdateProfile {
        rider: me,
        name: Some(RiderName::parse("Lou").unwrap()),
        props: Some(json!({"bike": "R1200GS", "city": "Lyon"})),
    })
    .unwrap();
    w.run(&Command::UpdateProfile {
        rider: me,
        name: None,
        props: Some(json!({"city": null, "cc": 1170})),
    })
    .unwrap();
    let r = w.g.rider(me).unwrap();
    assert_eq!(r.name.as_str(), "Lou");
    assert_eq!(r.props.get("bike"), Some(json!("R1200GS")));
    assert_eq!(r.props.get("city"), None);
    assert_eq!(r.props.get("cc"), Some(json!(1170)));
    let bad = Command::UpdateProfile {
        rider: me,
        name: None,
        props: Some(json!({"nested": {"a": 1}})),
    };
    refused(&mut w, &bad, ErrorCode::InvalidRequest);
    let nobody = Command::UpdateProfile {
        rider: RiderId(999_999),
        name: None,
        props: None,
    };
    refused(&mut w, &nobody, ErrorCode::NotFound);
}

#[test]
fn friend_request_asks_then_answers_requested_again_and_friends_when_both_asked() {
    let mut w = World::new();
    let [a, b] = [w.rider("alice"), w.rider("bruno")];
    let ask = Command::FriendRequest { from: a, to: b };
    assert_eq!(
        w.run(&ask).unwrap(),
        Outcome::Friend(FriendStatus::Requested)
    );
    assert!(w.g.rider(a).unwrap().has_requested(b));
    // Asking again answers the same and changes nothing.
    assert!(changes(&w.g, &ask).is_empty());
    assert_eq!(
        w.run(&ask).unwrap(),
        Outcome::Friend(FriendStatus::Requested)
    );
    // The other side asking is an acceptance.
    let back = Command::FriendRequest { from: b, to: a };
    assert_eq!(
        w.run(&back).unwrap(),
        Outcome::Friend(FriendStatus::Friends)
    );
    assert!(w.g.are_friends(a, b));
    assert!(!w.g.rider(a).unwrap().has_requested(b));
    assert!(!w.g.rider(b).unwrap().has_requested(a));
    assert_eq!(w.g.stats().pending_requests, 0);
    // `a` asked first, so `a` is the requester of the IS_FRIEND edge.
    assert_eq!(w.g.friendship(b, a).map(|(req, _)| req), Some(a));

    refused(&mut w, &ask, ErrorCode::Conflict);
    refused(&mut w, &back, ErrorCode::Conflict);
    refused(
        &mut w,
        &Command::FriendRequest { from: a, to: a },
        ErrorCode::InvalidRequest,
    );
    refused(
        &mut w,
        &Command::FriendRequest {
            from: a,
            to: RiderId(999_999),
        },
        ErrorCode::NotFound,
    );
    refused(
        &mut w,
        &Command::FriendRequest {
            from: RiderId(999_999),
            to: a,
        },
        ErrorCode::NotFound,
    );
}

#[test]
fn accept_and_decline_need_a_pending_request_from_that_rider() {
    let mut w = World::new();
    let [a, b, c] = [w.rider("alice"), w.rider("bruno"), w.rider("carla")];
    w.request(a, b);
    w.request(c, b);
    // Only the recipient can accept: `a` accepting its own request finds none.
    refused(
        &mut w,
        &Command::AcceptRequest { rider: a, from: b },
        ErrorCode::NotFound,
    );
    assert_eq!(
        w.run(&Command::AcceptRequest { rider: b, from: a })
            .unwrap(),
        Outcome::Friend(FriendStatus::Friends)
    );
    assert!(w.g.are_friends(a, b));
    assert_eq!(w.g.friendship(a, b).map(|(req, _)| req), Some(a));
    refused(
        &mut w,
        &Command::AcceptRequest { rider: b, from: a },
        ErrorCode::NotFound,
    );
    assert_eq!(
        w.run(&Command::DeclineRequest { rider: b, from: c })
            .unwrap(),
        Outcome::Done
    );
    assert!(!w.g.are_friends(b, c));
    assert!(!w.g.rider(c).unwrap().has_requested(b));
    assert!(w
        .g
        .incoming_requests(w.g.rider(b).unwrap(), None, 10)
        .items
        .is_empty());
    refused(
        &mut w,
        &Command::DeclineRequest { rider: b, from: c },
        ErrorCode::NotFound,
    );
}

#[test]
fn unfriend_needs_a_friendship() {
    let mut w = World::new();
    let [a, b, c] = [w.rider("alice"), w.rider("bruno"), w.rider("carla")];
    w.befriend(a, b);
    w.request(a, c);
    assert_eq!(
        w.run(&Command::Unfriend { rider: b, other: a }).unwrap(),
        Outcome::Done
    );
    assert!(!w.g.are_friends(a, b));
    for other in [b, c, a] {
        refused(
            &mut w,
            &Command::Unfriend { rider: a, other },
            ErrorCode::NotFound,
        );
    }
}

#[test]
fn follow_creates_the_interest_once_and_matches_names_case_insensitively() {
    let mut w = World::new();
    let [a, b, s] = [w.rider("alice"), w.rider("bruno"), w.rider("stranger")];
    let follow = |rider, name: &str| Command::Follow {
        rider,
        interest: interest(name),
    };
    w.run(&follow(a, "Moto Guzzi")).unwrap();
    let id = w.g.interest_by_name("moto guzzi").unwrap().id;
    w.run(&follow(b, "MOTO GUZZI")).unwrap();
    assert_eq!(w.g.interest_by_name("Moto Guzzi").unwrap().id, id);
    assert_eq!(w.g.interest(id).unwrap().follower_count(), 2);
    assert_eq!(w.g.stats().interests, 1);
    assert!(changes(&w.g, &follow(a, "moto guzzi")).is_empty());
    // The interest's display name is the first spelling.
    assert_eq!(w.g.interest(id).unwrap().name.as_str(), "Moto Guzzi");

    let p = w.post_at(s, 1, Public, &[id]);
    assert_eq!(whole_feed(&w.g, a, 10), vec![p]);
    w.run(&Command::Unfollow {
        rider: a,
        interest: interest("moto GUZZI"),
    })
    .unwrap();
    assert!(whole_feed(&w.g, a, 10).is_empty());
    assert_eq!(w.g.interest(id).unwrap().follower_count(), 1);
    // Unfollowing what one does not follow, or an unknown interest, is done and changes nothing.
    for name in ["moto guzzi", "never heard of it"] {
        let cmd = Command::Unfollow {
            rider: a,
            interest: interest(name),
        };
        assert!(changes(&w.g, &cmd).is_empty());
        assert_eq!(w.run(&cmd).unwrap(), Outcome::Done);
    }
    // An unknown rider is refused, and the interest it named is not created.
    refused(
        &mut w,
        &follow(RiderId(999_999), "Brand New"),
        ErrorCode::NotFound,
    );
    assert!(w.g.interest_by_name("brand new").is_none());
}

#[test]
fn create_post_creates_each_new_interest_once_and_reuses_existing_ones() {
    let mut w = World::new();
    let a = w.rider("alice");
    let gs = w.interest("GS");
    let cmd = post_cmd(a, Friends, &["gs", "Lyon", "LYON", "lyon", "Alps"]);
    let planned = changes(&w.g, &cmd);
    let created: Vec<&str> = planned
        .iter()
        .filter_map(|c| match c {
            Change::CreateInterest { name, .. } => Some(name.as_str()),
            _ => None,
        })
        .collect();
    assert_eq!(created, vec!["Lyon", "Alps"]);
    assert!(matches!(planned.last(), Some(Change::CreatePost(_))));

    let Outcome::Post(id) = w.run(&cmd).unwrap() else {
        panic!("a post")
    };
    let post = w.g.post(id).unwrap();
    let lyon = w.g.interest_by_name("lyon").unwrap().id;
    let alps = w.g.interest_by_name("alps").unwrap().id;
    assert_eq!(post.interests, vec![gs, lyon, alps]);
    assert_eq!(post.author, a);
    assert_eq!(post.visibility, Friends);
    assert_eq!(whole_feed(&w.g, a, 10), vec![id]);

    refused(
        &mut w,
        &post_cmd(RiderId(999_999), Public, &["Brand New"]),
        ErrorCode::NotFound,
    );
    assert!(w.g.interest_by_name("brand new").is_none());
}

#[test]
fn a_planned_post_is_newer_than_every_earlier_planned_post() {
    let mut w = World::new();
    let a = w.rider("alice");
    let ids: Vec<PostId> = (0..20)
        .map(|_| match w.run(&post_cmd(a, Friends, &[])).unwrap() {
            Outcome::Post(id) => id,
            other => panic!("{other:?}"),
        })
        .collect();
    let newest_first: Vec<PostId> = ids.iter().rev().copied().collect();
    assert_eq!(whole_feed(&w.g, a, 10), newest_first);
}

#[test]
fn delete_post_is_for_the_author_forbidden_to_who_sees_it_and_not_found_to_who_does_not() {
    let mut w = World::new();
    let [author, friend, stranger] = [w.rider("author"), w.rider("friend"), w.rider("stranger")];
    w.befriend(author, friend);
    let private = w.post_at(author, 1, Friends, &[]);
    let public = w.post_at(author, 2, Public, &[]);
    let del = |rider, post| Command::DeletePost { rider, post };
    refused(&mut w, &del(friend, private), ErrorCode::Forbidden);
    refused(&mut w, &del(friend, public), ErrorCode::Forbidden);
    refused(&mut w, &del(stranger, public), ErrorCode::Forbidden);
    refused(&mut w, &del(stranger, private), ErrorCode::NotFound);
    refused(&mut w, &del(author, PostId(999_999)), ErrorCode::NotFound);
    assert_eq!(w.run(&del(author, private)).unwrap(), Outcome::Done);
    assert!(w.g.post(private).is_none());
    refused(&mut w, &del(author, private), ErrorCode::NotFound);
}

#[test]
fn like_and_unlike_are_idempotent_and_need_a_visible_post() {
    let mut w = World::new();
    let [author, friend, stranger] = [w.rider("author"), w.rider("friend"), w.rider("stranger")];
    w.befriend(author, friend);
    let private = w.post_at(author, 1, Friends, &[]);
    let public = w.post_at(author, 2, Public, &[]);
    let like = Command::Like {
        rider: friend,
        post: private,
    };
    let unlike = Command::Unlike {
        rider: friend,
        post: private,
    };
    assert!(changes(&w.g, &unlike).is_empty());
    w.run(&like).unwrap();
    assert!(changes(&w.g, &like).is_empty());
    assert_eq!(w.run(&like).unwrap(), Outcome::Done);
    assert_eq!(w.g.post(private).unwrap().likers(), &[friend]);
    w.run(&unlike).unwrap();
    assert!(changes(&w.g, &unlike).is_empty());
    assert_eq!(w.run(&unlike).unwrap(), Outcome::Done);
    assert_eq!(w.g.post(private).unwrap().like_count(), 0);

    for cmd in [
        Command::Like {
            rider: stranger,
            post: private,
        },
        Command::Unlike {
            rider: stranger,
            post: private,
        },
        Command::Like {
            rider: friend,
            post: PostId(999_999),
        },
    ] {
        refused(&mut w, &cmd, ErrorCode::NotFound);
    }
    w.run(&Command::Like {
        rider: stranger,
        post: public,
    })
    .unwrap();
    assert_eq!(w.g.post(public).unwrap().likers(), &[stranger]);
}

#[test]
fn comment_needs_a_visible_post_and_comments_list_oldest_first() {
    let mut w = World::new();
    let [author, friend, stranger] = [w.rider("author"), w.rider("friend"), w.rider("stranger")];
    w.befriend(author, friend);
    let private = w.post_at(author, 1, Friends, &[]);
    let comment = |rider| Command::Comment {
        rider,
        post: private,
        body: CommentBody::parse("see you at the pass").unwrap(),
    };
    let Outcome::Comment(c1) = w.run(&comment(friend)).unwrap() else {
        panic!("a comment")
    };
    let Outcome::Comment(c2) = w.run(&comment(author)).unwrap() else {
        panic!("a comment")
    };
    refused(&mut w, &comment(stranger), ErrorCode::NotFound);
    let post = w.g.post(private).unwrap();
    assert_eq!(w.g.comments_of(post, None, 10).items, vec![c1, c2]);
    let first = w.g.comments_of(post, None, 1);
    assert_eq!(first.items, vec![c1]);
    assert_eq!(w.g.comments_of(post, first.next, 1).items, vec![c2]);
    assert_eq!(w.g.comment(c1).unwrap().author, friend);
}

#[test]
fn revoke_token_is_remembered() {
    let mut w = World::new();
    assert!(!w.g.is_revoked(42));
    w.run(&Command::RevokeToken {
        token_id: 42,
        expires_at: Timestamp(10_000),
    })
    .unwrap();
    assert!(w.g.is_revoked(42));
    assert!(!w.g.is_revoked(43));
}

/// Whether `second` must be planned after `first` is committed, by the writer's rule.
fn conflicts(g: &Graph, first: &Command, second: &Command) -> bool {
    let (_, writes) = g.keys(first);
    let (touched, _) = g.keys(second);
    touched.iter().any(|k| writes.contains(k))
}

#[test]
fn keys_make_dependent_commands_conflict_and_independent_ones_not() {
    let mut w = World::new();
    let [a, b, c] = [w.rider("alice"), w.rider("bruno"), w.rider("carla")];
    w.befriend(a, b);
    let gs = w.interest("GS");
    let p = w.post_at(a, 1, Friends, &[gs]);
    let q = w.post_at(c, 2, Public, &[]);
    let like = |rider, post| Command::Like { rider, post };
    let unlike = |rider, post| Command::Unlike { rider, post };
    let comment = |rider, post| Command::Comment {
        rider,
        post,
        body: CommentBody::parse("nice").unwrap(),
    };
    let g = &w.g;

    // The same rider's like and unlike of one post depend on each other, in either order.
    assert!(conflicts(g, &like(b, p), &unlike(b, p)));
    assert!(conflicts(g, &unlike(b, p), &like(b, p)));
    assert!(conflicts(g, &like(b, p), &like(b, p)));
    // Different riders, or different posts: independent.
    assert!(!conflicts(g, &like(a, p), &like(b, p)));
    assert!(!conflicts(g, &like(b, p), &unlike(b, q)));
    // Unfriending changes who may see `p`.
    let unfriend = Command::Unfriend { rider: a, other: b };
    assert!(conflicts(g, &unfriend, &like(b, p)));
    assert!(conflicts(g, &unfriend, &comment(b, p)));
    // Deleting a post comes before anything else done to it.
    let delete = Command::DeletePost { rider: a, post: p };
    assert!(conflicts(g, &delete, &like(c, p)));
    assert!(conflicts(g, &delete, &comment(b, p)));
    assert!(conflicts(g, &delete, &delete));
    assert!(!conflicts(g, &comment(b, p), &comment(b, p)));
    // Both directions of a friend request, and accepting it.
    let ask = Command::FriendRequest { from: a, to: c };
    assert!(conflicts(
        g,
        &ask,
        &Command::FriendRequest { from: c, to: a }
    ));
    assert!(conflicts(
        g,
        &ask,
        &Command::AcceptRequest { rider: c, from: a }
    ));
    assert!(!conflicts(
        g,
        &ask,
        &Command::FriendRequest { from: b, to: c }
    ));
    // Two sign-ups with one handle; different handles are independent.
    assert!(conflicts(g, &sign_up("same"), &sign_up("same")));
    assert!(!conflicts(g, &sign_up("one"), &sign_up("two")));
    // A new interest is created once: two commands naming it (in any case) depend.
    let follow = |rider, name: &str| Command::Follow {
        rider,
        interest: interest(name),
    };
    assert!(conflicts(g, &follow(a, "Alps"), &follow(b, "ALPS")));
    assert!(conflicts(
        g,
        &post_cmd(a, Public, &["Alps"]),
        &follow(b, "alps")
    ));
    assert!(conflicts(
        g,
        &post_cmd(a, Public, &["Alps"]),
        &post_cmd(b, Public, &["alps"])
    ));
    assert!(conflicts(
        g,
        &follow(a, "gs"),
        &Command::Unfollow {
            rider: a,
            interest: interest("GS")
        }
    ));
    // Profiles.
    let profile = |rider| Command::UpdateProfile {
        rider,
        name: None,
        props: Some(json!({"x": 1})),
    };
    assert!(conflicts(g, &profile(a), &profile(a)));
    assert!(!conflicts(g, &profile(a), &profile(b)));
}

/// The writer commits the batch so far (one more fsync) whenever a command touches a key an
/// earlier one writes. Posting with, or following, an interest that already exists creates
/// nothing, so it must not write `Key::Interest`: else a burst of posts tagged "GS" (or a
/// `/v1/batch` of them) is committed one post per transaction.
#[test]
fn keys_let_posts_and_follows_of_an_existing_interest_share_a_batch() {
    let mut w = World::new();
    let [a, b] = [w.rider("alice"), w.rider("bruno")];
    w.interest("GS");
    let g = &w.g;
    let follow = |rider, name: &str| Command::Follow {
        rider,
        interest: interest(name),
    };
    assert!(!conflicts(
        g,
        &post_cmd(a, Public, &["GS"]),
        &post_cmd(b, Public, &["gs"])
    ));
    assert!(!conflicts(g, &follow(a, "GS"), &follow(b, "gs")));
    assert!(!conflicts(
        g,
        &post_cmd(a, Public, &["GS"]),
        &follow(b, "gs")
    ));
    // Still dependent: the same rider's follow and unfollow, and a new interest.
    assert!(conflicts(
        g,
        &follow(a, "GS"),
        &Command::Unfollow {
            rider: a,
            interest: interest("gs")
        }
    ));
    assert!(conflicts(g, &follow(a, "New"), &follow(b, "new")));
}
