//! A small network built to weigh the hybrid's write cost at its worst: authors whose friends
//! are almost all heavy. The synthetic network has few heavy riders (a post there reaches at
//! most a handful of timelines), so here `FANS` riders each befriend the same `POOL` riders
//! (enough to be heavy at the default threshold), and each measured author befriends some fans.

use pillion_graph::Graph;
use pillion_model::{
    Change, Handle, Props, RiderId, RiderName, RiderRecord, Timestamp, Visibility,
};

use crate::synth::post_change;

const POOL: usize = 256;
const FANS: usize = 1_000;
/// Posts by each pool rider, so each fan's timeline holds `POOL * POSTS_EACH` entries.
const POSTS_EACH: usize = 4;

pub struct Fans {
    pub g: Graph,
    /// (label, author): authors with 10, 100 and 1000 heavy friends.
    pub authors: Vec<(&'static str, RiderId)>,
    pub next_id: u64,
}

fn rider(g: &mut Graph, id: u64) -> RiderId {
    g.apply(&Change::CreateRider(RiderRecord {
        id: RiderId(id),
        handle: Handle::from_trusted(format!("fan{id}")),
        name: RiderName::from_trusted(format!("Fan {id}")),
        password_hash: String::new(),
        props: Props::default(),
        created_at: Timestamp(0),
    }));
    RiderId(id)
}

fn befriend(g: &mut Graph, a: RiderId, b: RiderId) {
    g.apply(&Change::CreateFriendship {
        requester: a,
        accepter: b,
        since: Timestamp(0),
    });
}

pub fn build(heavy_threshold: usize) -> Fans {
    let mut g = Graph::with_heavy_threshold(heavy_threshold);
    let mut next_id = 1;
    let mut new_rider = |g: &mut Graph| {
        next_id += 1;
        rider(g, next_id - 1)
    };
    let pool: Vec<RiderId> = (0..POOL).map(|_| new_rider(&mut g)).collect();
    let fans: Vec<RiderId> = (0..FANS).map(|_| new_rider(&mut g)).collect();
    let authors: Vec<(&'static str, RiderId)> = [("heavy10", 10), ("heavy100", 100)]
        .into_iter()
        .chain([("heavy1000", FANS)])
        .map(|(label, n)| {
            let a = new_rider(&mut g);
            for f in &fans[..n] {
                befriend(&mut g, a, *f);
            }
            (label, a)
        })
        .collect();
    for f in &fans {
        for p in &pool {
            befriend(&mut g, *f, *p);
        }
    }
    let mut at = 1_700_000_000_000;
    for _ in 0..POSTS_EACH {
        for p in &pool {
            at += 1_000;
            g.apply(&post_change(next_id, *p, at, Visibility::Friends, vec![]));
            next_id += 1;
        }
    }
    Fans {
        g,
        authors,
        next_id,
    }
}
