//! Applying changes: idempotency, and that removals reach every list.

use pillion_graph::Graph;
use pillion_model::Visibility::{Friends, Public};
use pillion_model::{Change, Timestamp};

use crate::world::{
    created_posts, friends_who_liked, snapshot, whole_feed, whole_interest, whole_wall, World,
};

/// A small world with every kind of fact: friendships, a pending request, follows, posts of both
/// visibilities with interests, likes, comments, a deleted post, an unfriending and an unlike.
fn busy_world() -> (World, Vec<pillion_model::RiderId>) {
    let mut w = World::new();
    let r = w.riders("rider", 6);
    let gs = w.interest("R 1200 GS");
    let lyon = w.interest("Lyon");
    w.befriend(r[0], r[1]);
    w.befriend(r[1], r[2]);
    w.befriend(r[2], r[3]);
    w.befriend(r[0], r[4]);
    w.befriend(r[4], r[5]);
    w.request(r[5], r[0]);
    w.follow(r[3], gs);
    w.follow(r[5], lyon);
    w.follow(r[5], gs);
    let p1 = w.post_at(r[0], 10, Friends, &[gs]);
    let p2 = w.post_at(r[1], 10, Public, &[gs, lyon]);
    let p3 = w.post_at(r[2], 12, Public, &[]);
    let p4 = w.post_at(r[4], 9, Friends, &[lyon]);
    let p5 = w.post_at(r[5], 15, Public, &[lyon]);
    w.like(r[1], p1);
    w.like(r[4], p1);
    w.like(r[0], p2);
    w.like(r[3], p2);
    w.like(r[5], p2);
    w.unlike(r[5], p2);
    w.comment(r[2], p2);
    w.comment(r[1], p1);
    w.comment(r[5], p5);
    w.delete_post(p3);
    w.unfriend(r[2], r[3]);
    w.unfollow(r[5], gs);
    w.like(r[0], p4);
    (w, r)
}

#[test]
fn applying_every_change_twice_gives_the_same_answers() {
    let (w, riders) = busy_world();
    let posts = created_posts(&w.log);
    let interests = ["r 1200 gs", "LYON"];

    let mut twice = Graph::new();
    for change in &w.log {
        twice.apply(change);
        twice.apply(change);
    }
    assert_eq!(
        snapshot(&twice, &riders, &posts, &interests),
        snapshot(&w.g, &riders, &posts, &interests)
    );
    assert_eq!(twice.stats(), w.g.stats());
}

#[test]
fn applying_a_change_whose_effect_holds_changes_no_count() {
    let (mut w, r) = busy_world();
    let before = w.g.stats();
    let p = created_posts(&w.log)[0];
    // Each of these already holds in the busy world.
    w.like(r[1], p);
    w.apply(Change::CreateFriendship {
        requester: r[1],
        accepter: r[0],
        since: Timestamp(1),
    });
    w.request(r[5], r[0]);
    w.follow(r[3], w.g.interest_by_name("r 1200 gs").unwrap().id);
    w.unlike(r[5], created_posts(&w.log)[1]);
    assert_eq!(w.g.stats(), before);
}

#[test]
fn delete_post_removes_it_from_every_list_and_takes_its_comments_and_likes() {
    let mut w = World::new();
    let [author, friend, follower, stranger] = [
        w.rider("author"),
        w.rider("friend"),
        w.rider("follower"),
        w.rider("stranger"),
    ];
    let gs = w.interest("GS");
    w.befriend(author, friend);
    w.follow(follower, gs);
    let keep = w.post_at(author, 5, Public, &[gs]);
    let gone = w.post_at(author, 6, Public, &[gs]);
    w.like(friend, gone);
    w.like(stranger, gone);
    w.like(friend, keep);
    let c1 = w.comment(friend, gone);
    let c2 = w.comment(stranger, gone);
    let kept_comment = w.comment(stranger, keep);
    for v in [author, friend, follower] {
        assert_eq!(whole_feed(&w.g, v, 10), vec![gone, keep]);
    }
    let stats = w.g.stats();

    w.delete_post(gone);

    assert!(w.g.post(gone).is_none());
    for v in [author, friend, follower, stranger] {
        assert!(w.g.visible_post(v, gone).is_none());
        assert_eq!(whole_wall(&w.g, v, author, 10), vec![keep]);
        assert_eq!(whole_interest(&w.g, v, "gs", 10), vec![keep]);
        assert_eq!(
            w.g.visible_post_count(v, w.g.rider(author).unwrap()),
            1,
            "viewer {v}"
        );
    }
    for v in [author, friend, follower] {
        assert_eq!(whole_feed(&w.g, v, 10), vec![keep]);
    }
    assert!(w.g.comment(c1).is_none());
    assert!(w.g.comment(c2).is_none());
    assert!(w.g.comment(kept_comment).is_some());
    let after = w.g.stats();
    assert_eq!(after.posts, stats.posts - 1);
    assert_eq!(after.likes, stats.likes - 2);
    assert_eq!(after.comments, stats.comments - 2);
    // The surviving post keeps its own reactions.
    assert_eq!(friends_who_liked(&w.g, author, keep), vec![friend]);
    assert_eq!(w.g.post(keep).unwrap().comment_count(), 1);
}

#[test]
fn unfriending_removes_friends_only_posts_from_both_feeds() {
    let mut w = World::new();
    let [a, b] = [w.rider("alice"), w.rider("bruno")];
    let gs = w.interest("GS");
    w.befriend(a, b);
    w.follow(a, gs);
    let b_private = w.post_at(b, 1, Friends, &[]);
    let b_public_followed = w.post_at(b, 2, Public, &[gs]);
    let b_public = w.post_at(b, 3, Public, &[]);
    let b_private_followed = w.post_at(b, 4, Friends, &[gs]);
    let a_private = w.post_at(a, 5, Friends, &[]);
    w.like(b, a_private);
    assert_eq!(
        whole_feed(&w.g, a, 2),
        vec![
            a_private,
            b_private_followed,
            b_public,
            b_public_followed,
            b_private
        ]
    );
    assert_eq!(whole_feed(&w.g, b, 2).len(), 5);
    assert_eq!(friends_who_liked(&w.g, a, a_private), vec![b]);

    w.unfriend(b, a);

    // Only what reaches `a` by a followed interest stays, and only if public.
    assert_eq!(whole_feed(&w.g, a, 2), vec![a_private, b_public_followed]);
    assert_eq!(
        whole_feed(&w.g, b, 2),
        vec![b_private_followed, b_public, b_public_followed, b_private]
    );
    assert_eq!(
        whole_wall(&w.g, a, b, 10),
        vec![b_public, b_public_followed]
    );
    assert!(w.g.visible_post(b, a_private).is_none());
    // A like stays, but `b` is no friend any more, so it is no longer named.
    assert_eq!(w.g.post(a_private).unwrap().like_count(), 1);
    assert!(friends_who_liked(&w.g, a, a_private).is_empty());
}

#[test]
fn unfollowing_takes_the_interest_posts_out_of_the_feed() {
    let mut w = World::new();
    let [v, s] = [w.rider("viewer"), w.rider("stranger")];
    let gs = w.interest("GS");
    let p = w.post_at(s, 1, Public, &[gs]);
    w.follow(v, gs);
    assert_eq!(whole_feed(&w.g, v, 10), vec![p]);
    assert_eq!(w.g.interest(gs).unwrap().follower_count(), 1);
    w.unfollow(v, gs);
    assert!(whole_feed(&w.g, v, 10).is_empty());
    assert_eq!(w.g.interest(gs).unwrap().follower_count(), 0);
    assert_eq!(whole_interest(&w.g, v, "GS", 10), vec![p]);
}

#[test]
fn a_post_created_out_of_time_order_lands_in_place() {
    // Replay at start-up need not come in time order.
    let mut w = World::new();
    let [a, b] = [w.rider("alice"), w.rider("bruno")];
    w.befriend(a, b);
    let late = w.post_at(b, 30, Friends, &[]);
    let early = w.post_at(b, 10, Friends, &[]);
    let middle = w.post_at(a, 20, Friends, &[]);
    assert_eq!(whole_feed(&w.g, a, 1), vec![late, middle, early]);
    assert_eq!(whole_wall(&w.g, a, b, 1), vec![late, early]);
}

/// Replaying a friendship that already holds (an import with both `a knows b` and `b knows a`,
/// a replay) must be a no-op: today it overwrites who asked and since when, so the `IS_FRIEND`
/// direction and `since` change, and any list keyed by `since` (the friends list) keeps a stale
/// entry after unfriending.
#[test]
fn reapplying_a_friendship_keeps_its_first_metadata_and_unfriending_still_removes_it() {
    let mut w = World::new();
    let [a, b] = [w.rider("alice"), w.rider("bruno")];
    w.apply(Change::CreateFriendship {
        requester: a,
        accepter: b,
        since: Timestamp(10),
    });
    w.apply(Change::CreateFriendship {
        requester: b,
        accepter: a,
        since: Timestamp(99),
    });
    assert_eq!(w.g.friendship(b, a), Some((a, Timestamp(10))));
    assert_eq!(w.g.stats().friendships, 1);
    let friends_of = |g: &Graph, r| g.friends_of(g.rider(r).unwrap(), None, 10).items;
    assert_eq!(friends_of(&w.g, a), vec![b]);
    assert_eq!(friends_of(&w.g, b), vec![a]);
    w.unfriend(b, a);
    assert!(!w.g.are_friends(a, b));
    assert!(friends_of(&w.g, a).is_empty());
    assert!(friends_of(&w.g, b).is_empty());
}
