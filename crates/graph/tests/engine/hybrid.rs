//! The hybrid feed: heavy riders' materialised friend timelines must always hold exactly their
//! friends' posts, be built and freed at the threshold (with hysteresis), and never change what
//! a feed answers. Every feed here is also compared with a twin graph that merges on read.

use pillion_graph::{FeedKey, Graph, DEFAULT_HEAVY_THRESHOLD};
use pillion_model::Visibility::{Friends, Public};
use pillion_model::{Change, RiderId, Timestamp};

use crate::model::{churn_friendships, random_step, random_world, Crossings};
use crate::world::{
    check_timelines, created_posts, created_riders, post_keys, snapshot, walk, whole_feed, World,
};

/// The same history applied to a graph whose riders all stay light: the feeds to match.
fn on_read_twin(log: &[Change]) -> Graph {
    let mut g = Graph::with_heavy_threshold(usize::MAX);
    for c in log {
        g.apply(c);
    }
    g
}

/// Every rider's whole feed in `a` and `b` is the same, walked with several page sizes.
fn assert_feeds_alike(a: &Graph, b: &Graph, riders: &[RiderId], ctx: &str) {
    for &v in riders {
        for limit in [1, 2, 5, 1_000] {
            assert_eq!(
                whole_feed(a, v, limit),
                whole_feed(b, v, limit),
                "viewer {v}, limit {limit}, {ctx}"
            );
        }
    }
}

/// Checks `w` against its on-read twin and the timeline invariants.
fn check(w: &World, riders: &[RiderId], ctx: &str) {
    assert_feeds_alike(&w.g, &on_read_twin(&w.log), riders, ctx);
    check_timelines(&w.g, riders, ctx);
}

fn timeline(w: &World, r: RiderId) -> Option<Vec<FeedKey>> {
    w.g.rider(r)
        .unwrap()
        .friend_timeline()
        .map(<[FeedKey]>::to_vec)
}

/// The union of these riders' posts, ascending.
fn posts_of(w: &World, riders: &[RiderId]) -> Vec<FeedKey> {
    let mut keys: Vec<FeedKey> = riders.iter().flat_map(|r| post_keys(&w.g, *r)).collect();
    keys.sort_unstable();
    keys
}

#[test]
fn the_default_threshold_is_256_friends() {
    assert_eq!(Graph::new().heavy_threshold(), DEFAULT_HEAVY_THRESHOLD);
    assert_eq!(Graph::default().heavy_threshold(), 256);
    assert_eq!(Graph::with_heavy_threshold(7).heavy_threshold(), 7);
}

#[test]
fn crossing_the_threshold_builds_a_timeline_of_exactly_the_friends_posts() {
    let mut w = World::with_heavy_threshold(3);
    let [me, f1, f2, f3, stranger] = [
        w.rider("me"),
        w.rider("f1"),
        w.rider("f2"),
        w.rider("f3"),
        w.rider("stranger"),
    ];
    let all = [me, f1, f2, f3, stranger];
    w.post_at(f1, 10, Friends, &[]);
    w.post_at(f2, 11, Public, &[]);
    w.post_at(f1, 12, Public, &[]);
    w.befriend(me, f1);
    w.befriend(f2, me);
    assert!(!w.g.rider(me).unwrap().is_heavy(), "two friends: light");
    assert_eq!(timeline(&w, me), None);
    assert!(w.g.rider(f1).unwrap().heavy_friends().is_empty());
    w.post_at(f3, 5, Friends, &[]);
    w.post_at(stranger, 13, Public, &[]);
    w.post_at(me, 14, Friends, &[]);

    w.befriend(f3, me);

    assert!(w.g.rider(me).unwrap().is_heavy(), "three friends: heavy");
    // Friends' posts only: not the rider's own, not a stranger's.
    assert_eq!(timeline(&w, me), Some(posts_of(&w, &[f1, f2, f3])));
    assert_eq!(timeline(&w, me).unwrap().len(), 4);
    for f in [f1, f2, f3] {
        assert_eq!(w.g.rider(f).unwrap().heavy_friends(), [me]);
    }
    assert_eq!(w.g.stats().heavy_riders, 1);
    assert_eq!(w.g.stats().timeline_entries, 4);
    check(&w, &all, "after crossing up");

    // From now on each friend's new post lands in the timeline, a stranger's does not.
    let newest = w.post_at(f2, 20, Friends, &[]);
    let older = w.post_at(f3, 1, Friends, &[]);
    w.post_at(stranger, 21, Friends, &[]);
    assert_eq!(timeline(&w, me), Some(posts_of(&w, &[f1, f2, f3])));
    assert_eq!(whole_feed(&w.g, me, 2)[0], newest);
    assert_eq!(whole_feed(&w.g, me, 2).last(), Some(&older));
    check(&w, &all, "after posting");
}

#[test]
fn two_heavy_riders_who_befriend_take_in_each_others_posts() {
    let mut w = World::with_heavy_threshold(2);
    let r = w.riders("r", 6);
    let [a, b] = [r[0], r[1]];
    for (x, f) in [(a, r[2]), (a, r[3]), (b, r[4]), (b, r[5])] {
        w.befriend(x, f);
        w.post_at(f, 3, Friends, &[]);
    }
    w.post_at(a, 1, Friends, &[]);
    w.post_at(b, 2, Public, &[]);
    assert!(w.g.rider(a).unwrap().is_heavy() && w.g.rider(b).unwrap().is_heavy());

    w.befriend(a, b);

    assert_eq!(timeline(&w, a), Some(posts_of(&w, &[b, r[2], r[3]])));
    assert_eq!(timeline(&w, b), Some(posts_of(&w, &[a, r[4], r[5]])));
    assert_eq!(w.g.rider(a).unwrap().heavy_friends(), [b]);
    assert_eq!(w.g.rider(b).unwrap().heavy_friends(), [a]);
    check(&w, &r, "heavy befriends heavy");
}

#[test]
fn a_heavy_rider_turns_light_only_below_half_the_threshold_and_frees_its_timeline() {
    let mut w = World::with_heavy_threshold(4);
    let me = w.rider("me");
    let f = w.riders("f", 4);
    let mut all = f.clone();
    all.push(me);
    for (i, &x) in f.iter().enumerate() {
        w.post_at(x, i as i64, Friends, &[]);
        w.post_at(x, 10 + i as i64, Public, &[]);
    }
    let heavy = |w: &World| w.g.rider(me).unwrap().is_heavy();
    for &x in &f[..3] {
        w.befriend(me, x);
    }
    assert!(!heavy(&w), "3 friends, threshold 4: light");
    w.befriend(me, f[3]);
    assert!(heavy(&w), "4 friends: heavy");

    // Wavering between 3 and 4 friends keeps the timeline, and it stays exact.
    for round in 0..3 {
        w.unfriend(me, f[3]);
        assert!(heavy(&w), "round {round}: 3 friends, still heavy");
        assert_eq!(timeline(&w, me), Some(posts_of(&w, &f[..3])));
        w.befriend(f[3], me);
        assert!(heavy(&w));
        assert_eq!(timeline(&w, me), Some(posts_of(&w, &f)));
        check(&w, &all, &format!("round {round}"));
    }
    w.unfriend(me, f[3]);
    w.unfriend(f[2], me);
    assert!(heavy(&w), "2 friends, half the threshold: still heavy");
    assert_eq!(timeline(&w, me), Some(posts_of(&w, &f[..2])));

    w.unfriend(me, f[1]);

    assert!(!heavy(&w), "1 friend: light");
    assert_eq!(timeline(&w, me), None);
    for &x in &f {
        assert!(w.g.rider(x).unwrap().heavy_friends().is_empty(), "{x}");
    }
    assert_eq!(w.g.stats().heavy_riders, 0);
    assert_eq!(w.g.stats().timeline_entries, 0);
    check(&w, &all, "after crossing down");

    // Back up: light until the threshold itself, not its half.
    w.befriend(me, f[1]);
    w.befriend(me, f[2]);
    assert!(!heavy(&w), "3 friends on the way up: light");
    w.befriend(me, f[3]);
    assert!(heavy(&w));
    assert_eq!(timeline(&w, me), Some(posts_of(&w, &f)));
    check(&w, &all, "heavy again");
}

#[test]
fn unfriending_from_a_heavy_viewer_removes_exactly_that_friends_posts() {
    let mut w = World::with_heavy_threshold(2);
    let [me, a, b, c] = [w.rider("me"), w.rider("a"), w.rider("b"), w.rider("c")];
    let gs = w.interest("GS");
    w.follow(me, gs);
    for x in [a, b, c] {
        w.befriend(me, x);
    }
    // Interleaved times with ties, so the removal cannot rely on contiguous runs.
    for t in 0..6 {
        w.post_at(a, t, Friends, &[]);
        w.post_at(b, t, Friends, &[]);
        w.post_at(c, t + 1, Public, &[]);
    }
    let b_public_followed = w.post_at(b, 3, Public, &[gs]);
    let b_public = w.post_at(b, 4, Public, &[]);
    assert_eq!(timeline(&w, me), Some(posts_of(&w, &[a, b, c])));
    let entries = w.g.stats().timeline_entries;

    w.unfriend(b, me);

    assert_eq!(timeline(&w, me), Some(posts_of(&w, &[a, c])));
    assert_eq!(w.g.stats().timeline_entries, entries - 8);
    assert!(w.g.rider(b).unwrap().heavy_friends().is_empty());
    // What still reaches the feed by a followed interest stays; the rest of b's posts go.
    let feed = whole_feed(&w.g, me, 3);
    assert!(feed.contains(&b_public_followed));
    assert!(!feed.contains(&b_public));
    assert_eq!(feed.len(), 6 + 6 + 1);
    check(&w, &[me, a, b, c], "after unfriending");
}

#[test]
fn a_post_reaches_every_heavy_friends_timeline_and_a_deleted_one_leaves_them_all() {
    let mut w = World::with_heavy_threshold(2);
    let author = w.rider("author");
    let light = w.rider("light");
    let heavy = w.riders("heavy", 3);
    let pad = w.rider("pad");
    w.befriend(author, light);
    for &h in &heavy {
        w.befriend(h, author);
        w.befriend(h, pad);
    }
    let mut all = heavy.clone();
    all.extend([author, light, pad]);
    let post = w.post_at(author, 50, Friends, &[]);
    // Out of time order, as a replay may bring it: lands in place.
    let early = w.post_at(author, 5, Friends, &[]);
    let post_key = w.g.post(post).unwrap().key();
    for &h in &heavy {
        let tl = timeline(&w, h).unwrap();
        assert!(tl.contains(&post_key), "{h}");
        assert!(tl.is_sorted(), "{h}");
        assert_eq!(whole_feed(&w.g, h, 1), vec![post, early]);
    }
    assert_eq!(timeline(&w, light), None);
    let entries = w.g.stats().timeline_entries;

    w.delete_post(post);

    for &h in &heavy {
        assert!(!timeline(&w, h).unwrap().contains(&post_key), "{h}");
        assert_eq!(whole_feed(&w.g, h, 1), vec![early]);
    }
    assert_eq!(w.g.stats().timeline_entries, entries - heavy.len());
    check(&w, &all, "after deleting");
}

#[test]
fn reapplying_changes_whose_effect_holds_leaves_timelines_and_counts_alone() {
    let mut w = World::with_heavy_threshold(2);
    let r = w.riders("r", 5);
    for (a, b) in [(0, 1), (0, 2), (1, 2), (3, 4), (2, 3)] {
        w.befriend(r[a], r[b]);
    }
    for (i, &x) in r.iter().enumerate() {
        w.post_at(x, i as i64, Friends, &[]);
    }
    w.unfriend(r[3], r[4]);
    let gone = w.post_at(r[1], 9, Public, &[]);
    w.delete_post(gone);
    let before = w.g.stats();
    let timelines: Vec<_> = r.iter().map(|x| timeline(&w, *x)).collect();
    let feeds: Vec<_> = r.iter().map(|x| whole_feed(&w.g, *x, 2)).collect();

    // Each of these already holds: existing riders, friendships (either way round, another
    // time), posts; an ended friendship and a deleted post.
    let holding: Vec<Change> = w
        .log
        .iter()
        .filter(|c| match c {
            Change::CreateRider(_) => true,
            Change::CreatePost(p) => w.g.post(p.id).is_some(),
            Change::CreateFriendship {
                requester,
                accepter,
                ..
            } => w.g.are_friends(*requester, *accepter),
            _ => false,
        })
        .cloned()
        .collect();
    for c in holding {
        w.apply(c);
    }
    w.apply(Change::CreateFriendship {
        requester: r[2],
        accepter: r[0],
        since: Timestamp(1),
    });
    w.unfriend(r[4], r[3]);
    w.delete_post(gone);

    assert_eq!(w.g.stats(), before);
    assert!(before.heavy_riders >= 3, "the test needs heavy riders");
    for (i, x) in r.iter().enumerate() {
        assert_eq!(timeline(&w, *x), timelines[i], "{x}");
        assert_eq!(whole_feed(&w.g, *x, 2), feeds[i], "{x}");
    }
    check_timelines(&w.g, &r, "after re-applying");
}

/// The store's load replays the current state by kind (riders, interests, friendships, follows,
/// posts), not the history: the changes of `log` whose effect still holds in `g`, in that order.
fn load_order(log: &[Change], g: &Graph) -> Vec<Change> {
    let rank = |c: &Change| match c {
        Change::CreateRider(_) => Some(0),
        Change::CreateInterest { .. } => Some(1),
        Change::CreateFriendship {
            requester,
            accepter,
            ..
        } if g.are_friends(*requester, *accepter) => Some(2),
        Change::Follow {
            rider, interest, ..
        } if g.rider(*rider).unwrap().follows().contains(interest) => Some(3),
        Change::CreatePost(p) if g.post(p.id).is_some() => Some(4),
        _ => None,
    };
    let mut out: Vec<(usize, Change)> = log
        .iter()
        .filter_map(|c| rank(c).map(|k| (k, c.clone())))
        .collect();
    out.sort_by_key(|(k, _)| *k);
    out.into_iter().map(|(_, c)| c).collect()
}

#[test]
fn rebuilding_from_a_replay_gives_the_same_feeds_at_any_threshold() {
    for seed in 40..=42 {
        let (mut w, mut m, mut rng) = random_world(seed, 10, 3);
        let mut crossings = Crossings::default();
        for step in 0..300 {
            let before = Crossings::weights(&w.g, &m.riders);
            churn_friendships(&mut w, &mut m, &mut rng, step / 50 % 2 == 0);
            random_step(&mut w, &mut m, &mut rng);
            crossings.count(&before, &Crossings::weights(&w.g, &m.riders));
        }
        assert!(crossings.up > 0 && crossings.down > 0, "seed {seed}");
        let riders = created_riders(&w.log);
        let posts = created_posts(&w.log);
        let ctx = format!("seed {seed}");

        // The same log, same threshold: the same graph, down to which riders are heavy.
        let mut same = Graph::with_heavy_threshold(3);
        for c in &w.log {
            same.apply(c);
        }
        let names = ["bmw gs", "lyon"];
        assert_eq!(
            snapshot(&same, &riders, &posts, &names),
            snapshot(&w.g, &riders, &posts, &names),
            "{ctx}"
        );

        // Another threshold, or the store's order: other weights, the same feeds.
        for threshold in [0, 1, 2, 4, DEFAULT_HEAVY_THRESHOLD, usize::MAX] {
            let mut other = Graph::with_heavy_threshold(threshold);
            for c in &w.log {
                other.apply(c);
            }
            assert_feeds_alike(
                &other,
                &w.g,
                &riders,
                &format!("threshold {threshold}, {ctx}"),
            );
            check_timelines(&other, &riders, &format!("threshold {threshold}, {ctx}"));
        }
        let mut loaded = Graph::with_heavy_threshold(3);
        for c in load_order(&w.log, &w.g) {
            loaded.apply(&c);
        }
        assert_feeds_alike(&loaded, &w.g, &riders, &format!("load order, {ctx}"));
        check_timelines(&loaded, &riders, &format!("load order, {ctx}"));
        for &v in &riders {
            assert_eq!(walk(4, |b, l| loaded.feed(v, b, l)), m.feed(v), "{ctx}");
        }
    }
}

/// Every rider's whole feed after every step, against the model, with thresholds from 0 (all
/// heavy) to one no rider reaches: the hybrid answers exactly what merging on read answers.
#[test]
fn every_feed_matches_the_model_at_every_heavy_threshold() {
    for threshold in [0, 1, 2, 3, 4, 5, 6, usize::MAX] {
        let mut crossings = Crossings::default();
        for seed in 30..=32 {
            let (mut w, mut m, mut rng) = random_world(seed, 10, threshold);
            for step in 0..300 {
                let before = Crossings::weights(&w.g, &m.riders);
                churn_friendships(&mut w, &mut m, &mut rng, step / 50 % 2 == 0);
                random_step(&mut w, &mut m, &mut rng);
                crossings.count(&before, &Crossings::weights(&w.g, &m.riders));
                let limit = 1 + rng.below(4);
                for &v in &m.riders {
                    assert_eq!(
                        walk(limit, |b, l| w.g.feed(v, b, l)),
                        m.feed(v),
                        "threshold {threshold}, seed {seed}, step {step}, viewer {v}"
                    );
                }
                check_timelines(
                    &w.g,
                    &m.riders,
                    &format!("threshold {threshold}, step {step}"),
                );
            }
        }
        if (2..=6).contains(&threshold) {
            assert!(
                crossings.up >= 10 && crossings.down >= 10,
                "threshold {threshold}: {} up, {} down",
                crossings.up,
                crossings.down
            );
        }
    }
}
