//! Reads: feed, wall, interest lists, suggestions and enrichment.

use pillion_graph::Relation;
use pillion_model::Visibility::{Friends, Public};
use pillion_model::{PostId, RiderId};

use crate::world::{
    friends_who_liked, whole_feed, whole_interest, whole_suggestions, whole_wall, Rng, World,
};

#[test]
fn feed_holds_own_friends_and_followed_interest_posts_each_once_newest_first() {
    let mut w = World::new();
    let [me, friend, fof, stranger] = [
        w.rider("me"),
        w.rider("friend"),
        w.rider("fof"),
        w.rider("stranger"),
    ];
    let gs = w.interest("GS");
    let lyon = w.interest("Lyon");
    let other = w.interest("Vespa");
    w.befriend(me, friend);
    w.befriend(friend, fof);
    w.follow(me, gs);
    w.follow(me, lyon);

    let own_private = w.post_at(me, 1, Friends, &[]);
    let own_public_followed = w.post_at(me, 2, Public, &[gs]);
    let friend_private = w.post_at(friend, 3, Friends, &[]);
    let friend_public_two_followed = w.post_at(friend, 4, Public, &[gs, lyon]);
    let stranger_public_followed = w.post_at(stranger, 5, Public, &[lyon]);
    let _stranger_public_unfollowed = w.post_at(stranger, 6, Public, &[other]);
    let _stranger_private_followed = w.post_at(stranger, 7, Friends, &[gs]);
    let _fof_private = w.post_at(fof, 8, Friends, &[]);
    let _fof_public = w.post_at(fof, 9, Public, &[]);
    // Ties in time: the larger id is the newer.
    let tie_a = w.post_at(friend, 10, Friends, &[]);
    let tie_b = w.post_at(stranger, 10, Public, &[gs]);
    let tie_c = w.post_at(me, 10, Friends, &[]);

    let expected = vec![
        tie_c,
        tie_b,
        tie_a,
        stranger_public_followed,
        friend_public_two_followed,
        friend_private,
        own_public_followed,
        own_private,
    ];
    assert_eq!(w.g.feed(me, None, 100).items, expected);
    assert_eq!(w.g.feed(me, None, 100).next, None);
    for limit in 1..=9 {
        assert_eq!(whole_feed(&w.g, me, limit), expected, "limit {limit}");
    }
    // An unknown viewer has an empty feed.
    assert!(w.g.feed(RiderId(999_999), None, 10).items.is_empty());
}

#[test]
fn feed_cursor_is_exclusive_and_next_is_none_on_the_last_page() {
    let mut w = World::new();
    let me = w.rider("me");
    let posts: Vec<PostId> = (0..5).map(|t| w.post_at(me, t, Friends, &[])).collect();
    let page1 = w.g.feed(me, None, 2);
    assert_eq!(page1.items, vec![posts[4], posts[3]]);
    let cursor = page1.next.unwrap();
    assert_eq!(cursor, w.g.post(posts[3]).unwrap().key());
    let page2 = w.g.feed(me, Some(cursor), 2);
    assert_eq!(page2.items, vec![posts[2], posts[1]]);
    let page3 = w.g.feed(me, page2.next, 2);
    assert_eq!(page3.items, vec![posts[0]]);
    assert_eq!(page3.next, None);
    // Exactly `limit` items left: the page is full and nothing follows.
    let exact = w.g.feed(me, page1.next, 3);
    assert_eq!(exact.items, vec![posts[2], posts[1], posts[0]]);
    assert_eq!(exact.next, None);
}

#[test]
fn paging_the_feed_returns_every_item_once_with_many_ties() {
    let mut rng = Rng::new(7);
    let mut w = World::new();
    let riders = w.riders("r", 12);
    let interests: Vec<_> = ["a", "b", "c"].iter().map(|n| w.interest(n)).collect();
    let me = riders[0];
    for &f in &riders[1..6] {
        w.befriend(me, f);
    }
    w.follow(me, interests[0]);
    w.follow(me, interests[1]);
    for _ in 0..300 {
        let author = rng.pick(&riders);
        let vis = if rng.chance(50) { Public } else { Friends };
        let tags: Vec<_> = interests
            .iter()
            .copied()
            .filter(|_| rng.chance(40))
            .collect();
        // Times from a small range, so most keys tie on time.
        w.post_at(author, rng.below(20) as i64, vis, &tags);
    }
    let all = w.g.feed(me, None, 10_000).items;
    assert!(all.len() > 100, "the test needs a long feed");
    let mut sorted = all.clone();
    sorted.sort_by_key(|p| std::cmp::Reverse(w.g.post(*p).unwrap().key()));
    sorted.dedup();
    assert_eq!(all, sorted, "newest first, each once");
    for limit in [1, 2, 3, 7, 10, 64, 100] {
        assert_eq!(whole_feed(&w.g, me, limit), all, "limit {limit}");
    }
}

#[test]
fn paging_while_posts_arrive_still_returns_the_older_items_once() {
    let mut w = World::new();
    let [me, friend] = [w.rider("me"), w.rider("friend")];
    w.befriend(me, friend);
    let old: Vec<PostId> = (0..6)
        .map(|t| w.post_at(if t % 2 == 0 { me } else { friend }, t, Friends, &[]))
        .collect();
    let page1 = w.g.feed(me, None, 3);
    assert_eq!(page1.items, vec![old[5], old[4], old[3]]);
    // New posts arrive between two page reads, one of them tying the cursor's time.
    let _newer = w.post_at(friend, 100, Friends, &[]);
    let _same_time = w.post_at(friend, 3, Friends, &[]);
    let rest = crate::world::walk(3, |before, limit| {
        w.g.feed(me, before.or(page1.next), limit)
    });
    assert_eq!(rest, vec![old[2], old[1], old[0]]);
}

#[test]
fn wall_shows_a_stranger_only_public_posts() {
    let mut w = World::new();
    let [author, friend, stranger, asker] = [
        w.rider("author"),
        w.rider("friend"),
        w.rider("stranger"),
        w.rider("asker"),
    ];
    w.befriend(author, friend);
    w.request(asker, author);
    let p1 = w.post_at(author, 1, Public, &[]);
    let p2 = w.post_at(author, 2, Friends, &[]);
    let p3 = w.post_at(author, 3, Public, &[]);
    let p4 = w.post_at(author, 4, Friends, &[]);
    let _other = w.post_at(friend, 5, Public, &[]);
    for v in [author, friend] {
        assert_eq!(whole_wall(&w.g, v, author, 3), vec![p4, p3, p2, p1]);
        assert_eq!(w.g.visible_post_count(v, w.g.rider(author).unwrap()), 4);
    }
    for v in [stranger, asker] {
        assert_eq!(whole_wall(&w.g, v, author, 1), vec![p3, p1]);
        assert_eq!(w.g.visible_post_count(v, w.g.rider(author).unwrap()), 2);
        assert!(w.g.visible_post(v, p2).is_none());
        assert!(w.g.visible_post(v, p3).is_some());
    }
}

#[test]
fn interest_posts_respect_visibility_and_match_names_case_insensitively() {
    let mut w = World::new();
    let [author, friend, stranger] = [w.rider("author"), w.rider("friend"), w.rider("stranger")];
    let gs = w.interest("BMW R 1200 GS/Adventure");
    let oel = w.interest("Ölpest 🏍");
    w.befriend(author, friend);
    let public = w.post_at(author, 1, Public, &[gs]);
    let private = w.post_at(author, 2, Friends, &[gs, oel]);
    let strangers = w.post_at(stranger, 3, Public, &[gs]);
    let _untagged = w.post_at(author, 4, Public, &[]);

    for name in [
        "BMW R 1200 GS/Adventure",
        "bmw r 1200 gs/adventure",
        "BMW R 1200 GS/ADVENTURE",
    ] {
        assert_eq!(
            whole_interest(&w.g, author, name, 2),
            vec![strangers, private, public]
        );
        assert_eq!(
            whole_interest(&w.g, friend, name, 1),
            vec![strangers, private, public]
        );
        assert_eq!(
            whole_interest(&w.g, stranger, name, 1),
            vec![strangers, public]
        );
    }
    assert_eq!(whole_interest(&w.g, friend, "ÖLPEST 🏍", 5), vec![private]);
    assert!(whole_interest(&w.g, stranger, "ölpest 🏍", 5).is_empty());
    assert!(whole_interest(&w.g, author, "BMW", 5).is_empty());
    assert_eq!(
        w.g.interest_by_name("bmw r 1200 gs/adventure").unwrap().id,
        gs
    );
}

#[test]
fn interest_posts_skip_many_hidden_posts_and_still_fill_the_page() {
    let mut w = World::new();
    let [author, stranger] = [w.rider("author"), w.rider("stranger")];
    let gs = w.interest("GS");
    let mut public = Vec::new();
    for t in 0..200 {
        let vis = if t % 20 == 0 { Public } else { Friends };
        let p = w.post_at(author, t, vis, &[gs]);
        if vis == Public {
            public.push(p);
        }
    }
    public.reverse();
    let page = w.g.interest_posts(stranger, "gs", None, 3);
    assert_eq!(page.items, public[..3].to_vec());
    assert_eq!(whole_interest(&w.g, stranger, "gs", 3), public);
}

#[test]
fn suggestions_exclude_self_friends_and_pending_requests_either_way() {
    let mut w = World::new();
    let [me, f1, f2, asked, asker, plain, friend_too] = [
        w.rider("me"),
        w.rider("friend1"),
        w.rider("friend2"),
        w.rider("asked"),
        w.rider("asker"),
        w.rider("plain"),
        w.rider("friendtoo"),
    ];
    w.befriend(me, f1);
    w.befriend(me, f2);
    w.befriend(me, friend_too);
    // Every candidate is a friend of a friend.
    for c in [asked, asker, plain, friend_too] {
        w.befriend(f1, c);
    }
    w.befriend(f2, f1);
    w.request(me, asked);
    w.request(asker, me);
    assert_eq!(whole_suggestions(&w.g, me, 10), vec![(plain, 1)]);
    // Once the requests are gone, both come back.
    w.apply(pillion_model::Change::DeleteFriendRequest {
        from: me,
        to: asked,
    });
    w.apply(pillion_model::Change::DeleteFriendRequest {
        from: asker,
        to: me,
    });
    assert_eq!(
        whole_suggestions(&w.g, me, 10),
        vec![(asked, 1), (asker, 1), (plain, 1)]
    );
    // Nobody without friends gets suggestions; an unknown viewer neither.
    let lonely = w.rider("lonely");
    assert!(whole_suggestions(&w.g, lonely, 10).is_empty());
    assert!(w.g.suggestions(RiderId(999_999), None, 10).items.is_empty());
}

#[test]
fn suggestions_rank_by_mutual_friends_then_smaller_id_and_page_with_after() {
    let mut w = World::new();
    let me = w.rider("me");
    let friends = w.riders("friend", 4);
    let cands = w.riders("cand", 7);
    for &f in &friends {
        w.befriend(me, f);
    }
    // cand i is a friend of the first `mutual[i]` friends.
    let mutual = [1, 3, 2, 3, 1, 4, 2];
    for (c, &m) in cands.iter().zip(&mutual) {
        for &f in &friends[..m] {
            w.befriend(f, *c);
        }
    }
    let expected = vec![
        (cands[5], 4),
        (cands[1], 3),
        (cands[3], 3),
        (cands[2], 2),
        (cands[6], 2),
        (cands[0], 1),
        (cands[4], 1),
    ];
    assert_eq!(w.g.suggestions(me, None, 100).items, expected);
    for limit in 1..=8 {
        assert_eq!(
            whole_suggestions(&w.g, me, limit),
            expected,
            "limit {limit}"
        );
    }
    // A page after a key in the middle of a tie continues inside the tie.
    let page = w.g.suggestions(me, Some((3, cands[1])), 2);
    assert_eq!(page.items, vec![(cands[3], 3), (cands[2], 2)]);
    assert_eq!(page.next, Some((2, cands[2])));
}

#[test]
fn friends_who_liked_names_only_friends_never_the_viewer_at_most_three_smallest_ids() {
    let mut w = World::new();
    let me = w.rider("viewer");
    let friends = w.riders("friend", 6);
    let strangers = w.riders("stranger", 30);
    for &f in &friends {
        w.befriend(me, f);
    }
    let author = strangers[0];
    // Few likers (fewer than the viewer's friends).
    let few = w.post_at(author, 1, Public, &[]);
    for r in [me, strangers[3], friends[4], friends[1], strangers[1]] {
        w.like(r, few);
    }
    assert_eq!(
        friends_who_liked(&w.g, me, few),
        vec![friends[1], friends[4]]
    );
    // Many likers (more than the viewer's friends): the other branch of the intersection.
    let many = w.post_at(author, 2, Public, &[]);
    for &r in strangers
        .iter()
        .chain([me, friends[5], friends[2], friends[3]].iter())
    {
        w.like(r, many);
    }
    w.like(friends[0], many);
    assert_eq!(
        friends_who_liked(&w.g, me, many),
        vec![friends[0], friends[2], friends[3]]
    );
    let view = w.g.view(me, w.g.post(many).unwrap());
    assert!(view.liked_by_me);
    assert_eq!(view.like_count, 30 + 5);
    // A friend's view: `me` is their friend and liked it, the others are strangers to them.
    assert_eq!(friends_who_liked(&w.g, friends[0], many), vec![me]);
    // Nobody the viewer knows liked it.
    let lonely = w.rider("lonely");
    assert!(friends_who_liked(&w.g, lonely, many).is_empty());
    assert!(!w.g.view(lonely, w.g.post(many).unwrap()).liked_by_me);
}

#[test]
fn relation_is_seen_from_the_viewer_side() {
    let mut w = World::new();
    let [a, b, c, d] = [
        w.rider("aaa"),
        w.rider("bbb"),
        w.rider("ccc"),
        w.rider("ddd"),
    ];
    w.befriend(a, b);
    w.request(a, c);
    assert_eq!(w.g.relation(a, a), Relation::SelfRider);
    assert_eq!(w.g.relation(a, b), Relation::Friend);
    assert_eq!(w.g.relation(b, a), Relation::Friend);
    assert_eq!(w.g.relation(a, c), Relation::RequestSent);
    assert_eq!(w.g.relation(c, a), Relation::RequestReceived);
    assert_eq!(w.g.relation(a, d), Relation::None);
}

/// API.md, import: "two tags whose names differ only in case (two Interest nodes; the API's
/// case-insensitive name lookup treats them as one interest)". Today the name answers with the
/// first node only, so posts tagged with the second are missing from the interest's list and
/// from its followers' feeds.
#[test]
fn interests_differing_only_in_case_read_as_one_interest() {
    let mut w = World::new();
    let [author, reader] = [w.rider("author"), w.rider("reader")];
    // Only an import can create both; the API's own input never does.
    let upper = w.interest("BMW");
    let lower = w.interest("bmw");
    let p1 = w.post_at(author, 1, Public, &[upper]);
    let p2 = w.post_at(author, 2, Public, &[lower]);
    assert_eq!(whole_interest(&w.g, reader, "Bmw", 10), vec![p2, p1]);
    w.run(&pillion_model::Command::Follow {
        rider: reader,
        interest: pillion_model::InterestName::parse("bmw").unwrap(),
    })
    .unwrap();
    assert_eq!(whole_feed(&w.g, reader, 10), vec![p2, p1]);
}
