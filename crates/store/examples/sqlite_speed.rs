//! How fast the SQLite store writes and loads, on a graph of the size the server is sized for
//! (20k riders, 80k friendships, 80k posts, 140k likes, 40k comments).
//!
//! `cargo run --release -p pillion-store --example sqlite_speed [DIR]` — DIR (default: a
//! temporary directory) should be on the disk the server will use, since every commit syncs.

use std::time::Instant;

use pillion_model::{
    Change, CommentBody, CommentId, CommentRecord, Handle, InterestId, InterestName, PostBody,
    PostId, PostRecord, Props, RiderId, RiderName, RiderRecord, Timestamp, Visibility,
};
use pillion_store::{SqliteStore, Store, StoreError};

const RIDERS: u64 = 20_000;
const INTERESTS: u64 = 50;
const POSTS: u64 = 80_000;
const LIKES: u64 = 140_000;
const COMMENTS: u64 = 40_000;
const T0: i64 = 1_700_000_000_000;

// Ids: riders 1.., interests, posts, comments, each range after the last.
const FIRST_INTEREST: u64 = RIDERS + 1;
const FIRST_POST: u64 = FIRST_INTEREST + INTERESTS;
const FIRST_COMMENT: u64 = FIRST_POST + POSTS;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let tmp = tempfile::tempdir()?;
    let dir = std::env::args()
        .nth(1)
        .map_or(tmp.path().to_owned(), Into::into);
    let path = dir.join("sqlite_speed.db");
    let _ = std::fs::remove_file(&path);
    let mut store = SqliteStore::open(&path)?;

    let setup: Vec<Change> = (1..=RIDERS)
        .map(rider)
        .chain((0..INTERESTS).map(interest))
        .chain(friendships())
        .collect();
    timed("riders, interests, friendships", setup.len(), || {
        commit_in_batches(&mut store, &setup, 10_000)
    })?;

    let posts: Vec<Change> = (0..POSTS).map(post).collect();
    let (first, rest) = posts.split_at(3 * 4_096);
    for (batch, chunk) in [(1, &first[..1_024]), (64, &first[1_024..])] {
        timed(&format!("posts, {batch} per commit"), chunk.len(), || {
            commit_in_batches(&mut store, chunk, batch)
        })?;
    }
    timed("posts, 512 per commit", rest.len(), || {
        commit_in_batches(&mut store, rest, 512)
    })?;

    let likes: Vec<Change> = (0..LIKES).map(like).collect();
    timed("likes, 512 per commit", likes.len(), || {
        commit_in_batches(&mut store, &likes, 512)
    })?;
    let comments: Vec<Change> = (0..COMMENTS).map(comment).collect();
    timed("comments, 512 per commit", comments.len(), || {
        commit_in_batches(&mut store, &comments, 512)
    })?;
    drop(store);

    let mut store = SqliteStore::open(&path)?;
    let started = Instant::now();
    let mut loaded = 0usize;
    let info = store.load(&mut |_| loaded += 1)?;
    println!(
        "load: {loaded} changes in {:.0} ms (next id {})",
        started.elapsed().as_secs_f64() * 1e3,
        info.next_id
    );
    Ok(())
}

fn timed(
    what: &str,
    n: usize,
    run: impl FnOnce() -> Result<(), StoreError>,
) -> Result<(), StoreError> {
    let started = Instant::now();
    run()?;
    let secs = started.elapsed().as_secs_f64();
    println!(
        "{what}: {n} in {:.0} ms, {:.0}/s",
        secs * 1e3,
        n as f64 / secs
    );
    Ok(())
}

fn commit_in_batches(
    store: &mut SqliteStore,
    changes: &[Change],
    batch: usize,
) -> Result<(), StoreError> {
    changes.chunks(batch).try_for_each(|c| store.commit(c))
}

fn rider(id: u64) -> Change {
    Change::CreateRider(RiderRecord {
        id: RiderId(id),
        handle: Handle::from_trusted(format!("rider_{id}")),
        name: RiderName::from_trusted(format!("Rider {id}")),
        password_hash: "$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHQ$aGFzaGhhc2hoYXNoaGFzaA".into(),
        props: Props::default(),
        created_at: Timestamp(T0),
    })
}

fn interest(i: u64) -> Change {
    Change::CreateInterest {
        id: InterestId(FIRST_INTEREST + i),
        name: InterestName::from_trusted(format!("interest {i}")),
    }
}

/// Four friends ahead of every rider: 80k pairs, none repeated.
fn friendships() -> impl Iterator<Item = Change> {
    (1..=RIDERS).flat_map(|a| {
        (1..=4).map(move |k| Change::CreateFriendship {
            requester: RiderId(a),
            accepter: RiderId((a - 1 + k) % RIDERS + 1),
            since: Timestamp(T0 + 1),
        })
    })
}

fn post(i: u64) -> Change {
    Change::CreatePost(PostRecord {
        id: PostId(FIRST_POST + i),
        author: RiderId(i % RIDERS + 1),
        body: PostBody::from_trusted(format!("Ride report {i}: twisties, coffee, rain later.")),
        visibility: Visibility::Friends,
        photos: Vec::new(),
        place: None,
        interests: vec![
            InterestId(FIRST_INTEREST + i % INTERESTS),
            InterestId(FIRST_INTEREST + (i + 7) % INTERESTS),
        ],
        created_at: Timestamp(T0 + 1_000 + i as i64),
    })
}

fn like(i: u64) -> Change {
    Change::Like {
        rider: RiderId((i + i / POSTS) % RIDERS + 1),
        post: PostId(FIRST_POST + i % POSTS),
        created_at: Timestamp(T0 + 100_000 + i as i64),
    }
}

fn comment(i: u64) -> Change {
    Change::CreateComment(CommentRecord {
        id: CommentId(FIRST_COMMENT + i),
        post: PostId(FIRST_POST + (i * 3) % POSTS),
        author: RiderId((i * 11) % RIDERS + 1),
        body: CommentBody::from_trusted(format!("Nice one {i}!")),
        created_at: Timestamp(T0 + 300_000 + i as i64),
    })
}
