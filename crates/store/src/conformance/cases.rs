//! The cases of the suite. Each takes the backend, makes its own stores, and panics on a failure.

use pillion_model::{
    Change, CommentBody, CommentRecord, InterestId, Photo, Place, PostBody, PostId, PostRecord,
    Props, RiderId, RiderName, RiderRecord, Timestamp, Visibility, MAX_INTERESTS_PER_POST,
    MAX_PHOTOS,
};

use super::{
    assert_loads, at, comment, comment_record, commit, interest, like, load_all, post, props,
    rider, world, Backend, FAR_FUTURE,
};
use crate::Store;

pub fn empty_store_loads_nothing<B: Backend>(backend: &mut B) {
    let mut store = backend.fresh();
    let info = assert_loads(&mut store, &[]);
    assert_eq!(info.next_id, 1, "the first id of an empty store");
    commit(&mut store, &[]);
    assert_loads(&mut store, &[]);
}

pub fn round_trips_every_creation<B: Backend>(backend: &mut B) {
    let mut store = backend.fresh();
    commit(&mut store, &world());
    let info = assert_loads(&mut store, &world());
    assert_eq!(info.next_id, 32, "one above the largest id committed");
}

pub fn round_trips_one_change_per_commit<B: Backend>(backend: &mut B) {
    let mut store = backend.fresh();
    for change in world() {
        commit(&mut store, &[change]);
    }
    let info = assert_loads(&mut store, &world());
    assert_eq!(info.next_id, 32);
}

pub fn update_rider_replaces_name_and_props<B: Backend>(backend: &mut B) {
    let mut store = backend.fresh();
    let mut ann = rider(1, "ann");
    ann.props = props(serde_json::json!({"bike": "Ténéré", "cc": 689}));
    commit(&mut store, &[Change::CreateRider(ann.clone())]);

    let name = RiderName::from_trusted("Ann Ørsted".to_owned());
    let new_props = props(serde_json::json!({"city": "Lyon"}));
    commit(
        &mut store,
        &[Change::UpdateRider {
            id: ann.id,
            name: name.clone(),
            props: new_props.clone(),
        }],
    );
    // The old keys are gone, not merged; handle, hash and creation time are untouched.
    let updated = RiderRecord {
        name,
        props: new_props,
        ..ann.clone()
    };
    assert_loads(&mut store, &[Change::CreateRider(updated.clone())]);

    commit(
        &mut store,
        &[Change::UpdateRider {
            id: ann.id,
            name: updated.name.clone(),
            props: Props::default(),
        }],
    );
    let emptied = RiderRecord {
        props: Props::default(),
        ..updated
    };
    assert_loads(&mut store, &[Change::CreateRider(emptied)]);
}

pub fn deletes_remove_what_they_name<B: Backend>(backend: &mut B) {
    let mut store = backend.fresh();
    commit(&mut store, &world());
    commit(
        &mut store,
        &[
            Change::DeleteFriendRequest {
                from: RiderId(3),
                to: RiderId(1),
            },
            // Named the other way round than they were created: a friendship has no direction.
            Change::DeleteFriendship {
                a: RiderId(2),
                b: RiderId(1),
            },
            Change::DeleteFriendship {
                a: RiderId(2),
                b: RiderId(3),
            },
            Change::Unfollow {
                rider: RiderId(1),
                interest: InterestId(10),
            },
            Change::Unlike {
                rider: RiderId(1),
                post: PostId(21),
            },
        ],
    );
    let expected: Vec<Change> = world()
        .into_iter()
        .filter(|c| {
            !matches!(
                c,
                Change::CreateFriendRequest { .. }
                    | Change::CreateFriendship { .. }
                    | Change::Follow {
                        rider: RiderId(1),
                        ..
                    }
                    | Change::Like {
                        rider: RiderId(1),
                        post: PostId(21),
                        ..
                    }
            )
        })
        .collect();
    assert_loads(&mut store, &expected);

    // The pair is free again, in either direction.
    let again = Change::CreateFriendship {
        requester: RiderId(2),
        accepter: RiderId(1),
        since: at(50),
    };
    commit(&mut store, std::slice::from_ref(&again));
    let mut with_again = expected;
    with_again.push(again);
    assert_loads(&mut store, &with_again);
}

pub fn delete_post_removes_its_likes_comments_and_tags<B: Backend>(backend: &mut B) {
    let mut store = backend.fresh();
    commit(&mut store, &world());
    commit(&mut store, &[Change::DeletePost { id: PostId(21) }]);
    // Post 21 goes with its two likes and comment 30; post 20 keeps its own; interests 10 and 12,
    // which tagged post 21, remain.
    let expected: Vec<Change> = world()
        .into_iter()
        .filter(|c| match c {
            Change::CreatePost(p) => p.id != PostId(21),
            Change::Like { post, .. } => *post != PostId(21),
            Change::CreateComment(c) => c.post != PostId(21),
            _ => true,
        })
        .collect();
    assert_loads(&mut store, &expected);

    // A new post with the same tags carries exactly its own tags.
    let retagged = PostRecord {
        interests: vec![InterestId(10)],
        ..post(40, 3, at(60))
    };
    commit(&mut store, &[Change::CreatePost(retagged.clone())]);
    let mut with_new = expected;
    with_new.push(Change::CreatePost(retagged));
    assert_loads(&mut store, &with_new);
}

pub fn changes_are_idempotent<B: Backend>(backend: &mut B) {
    let mut store = backend.fresh();
    commit(&mut store, &world());
    commit(&mut store, &world());
    let twice_in_one: Vec<Change> = world().into_iter().chain(world()).collect();
    commit(&mut store, &twice_in_one);
    assert_loads(&mut store, &world());

    // Removing what is not there is not an error either.
    let absent = [
        Change::DeleteFriendRequest {
            from: RiderId(1),
            to: RiderId(3),
        },
        Change::DeleteFriendship {
            a: RiderId(1),
            b: RiderId(3),
        },
        Change::Unfollow {
            rider: RiderId(3),
            interest: InterestId(12),
        },
        Change::Unlike {
            rider: RiderId(3),
            post: PostId(20),
        },
        Change::DeletePost { id: PostId(999) },
    ];
    commit(&mut store, &absent);
    commit(&mut store, &absent);
    assert_loads(&mut store, &world());

    commit(&mut store, &[Change::DeletePost { id: PostId(20) }]);
    commit(&mut store, &[Change::DeletePost { id: PostId(20) }]);
    let (loaded, _) = load_all(&mut store);
    assert!(
        !loaded
            .iter()
            .any(|c| matches!(c, Change::CreatePost(p) if p.id == PostId(20))),
        "post 20 was deleted"
    );
}

pub fn failed_batch_keeps_nothing<B: Backend>(backend: &mut B) {
    let mut store = backend.fresh();
    let base = vec![
        Change::CreateRider(rider(1, "ann")),
        Change::CreatePost(post(2, 1, at(10))),
    ];
    commit(&mut store, &base);

    // Every change but the last is fine; the last takes a handle that is already used.
    let mut duplicate = rider(50, "ann");
    duplicate.name = RiderName::from_trusted("Another Ann".to_owned());
    let batch = [
        Change::CreateRider(rider(3, "bob")),
        interest(4, "Alps"),
        Change::CreatePost(post(5, 3, at(20))),
        like(1, 2, at(21)),
        Change::UpdateRider {
            id: RiderId(1),
            name: RiderName::from_trusted("Renamed".to_owned()),
            props: Props::default(),
        },
        Change::DeletePost { id: PostId(2) },
        Change::CreateRider(duplicate),
    ];
    assert!(
        store.commit(&batch).is_err(),
        "a second rider with the handle \"ann\" must be refused"
    );
    let info = assert_loads(&mut store, &base);
    assert_eq!(
        info.next_id, 3,
        "the failed batch must not move the id mark"
    );

    // The store is still usable, and the good part can be committed on its own.
    commit(&mut store, &batch[..batch.len() - 1]);
    let (loaded, info) = load_all(&mut store);
    assert!(loaded.contains(&Change::CreateRider(rider(3, "bob"))));
    assert_eq!(info.next_id, 6);
}

pub fn ids_are_never_reused<B: Backend>(backend: &mut B) {
    let mut store = backend.fresh();
    commit(
        &mut store,
        &[
            Change::CreateRider(rider(1, "ann")),
            interest(2, "Alps"),
            Change::CreatePost(post(3, 1, at(10))),
            comment(4, 3, 1, at(11)),
            Change::CreatePost(post(9, 1, at(12))),
        ],
    );
    commit(&mut store, &[Change::DeletePost { id: PostId(9) }]);
    let info = assert_loads(
        &mut store,
        &[
            Change::CreateRider(rider(1, "ann")),
            interest(2, "Alps"),
            Change::CreatePost(post(3, 1, at(10))),
            comment(4, 3, 1, at(11)),
        ],
    );
    assert_eq!(info.next_id, 10, "post 9 was deleted, but its id was used");

    // Deleting everything and creating a lower id does not lower the mark either.
    commit(
        &mut store,
        &[
            Change::DeletePost { id: PostId(3) },
            Change::CreateRider(rider(5, "bob")),
        ],
    );
    assert_eq!(load_all(&mut store).1.next_id, 10);

    let mut store = backend.reopen(store);
    assert_eq!(
        load_all(&mut store).1.next_id,
        10,
        "the mark survives reopening"
    );
}

pub fn state_survives_reopen<B: Backend>(backend: &mut B) {
    let mut store = backend.fresh();
    let mut first = world();
    let second = first.split_off(10);
    commit(&mut store, &first);
    commit(&mut store, &second);

    let mut store = backend.reopen(store);
    let info = assert_loads(&mut store, &world());
    assert_eq!(info.next_id, 32);

    // Still writable after reopening, and the new write survives the next reopening too.
    let later = Change::CreatePost(post(40, 3, at(100)));
    commit(&mut store, std::slice::from_ref(&later));
    let mut store = backend.reopen(store);
    let mut expected = world();
    expected.push(later);
    let info = assert_loads(&mut store, &expected);
    assert_eq!(info.next_id, 41);
}

pub fn load_orders_references_first<B: Backend>(backend: &mut B) {
    let mut store = backend.fresh();
    // Committed in an order unlike the load order: later kinds and later times first.
    let tagged = PostRecord {
        interests: vec![InterestId(7)],
        ..post(40, 20, at(300))
    };
    let changes = vec![
        Change::CreateRider(rider(30, "cyd")),
        interest(7, "Alps"),
        Change::CreateRider(rider(20, "bob")),
        Change::CreatePost(tagged),
        Change::CreatePost(post(41, 30, at(100))),
        Change::CreatePost(post(42, 20, at(200))),
        Change::CreatePost(post(43, 30, at(100))),
        comment(52, 41, 20, at(500)),
        comment(51, 40, 30, at(500)),
        comment(50, 43, 20, at(400)),
        like(30, 40, at(450)),
        like(20, 41, at(150)),
        like(20, 40, at(350)),
        Change::CreateRider(rider(10, "ann")),
        Change::CreateFriendship {
            requester: RiderId(30),
            accepter: RiderId(10),
            since: at(60),
        },
        Change::Follow {
            rider: RiderId(10),
            interest: InterestId(7),
            created_at: at(70),
        },
    ];
    commit(&mut store, &changes);
    assert_loads(&mut store, &changes);

    // Beyond the generic check: the exact sequences the contract fixes.
    let (loaded, _) = load_all(&mut store);
    let ids = |pick: fn(&Change) -> Option<u64>| loaded.iter().filter_map(pick).collect::<Vec<_>>();
    assert_eq!(
        ids(|c| match c {
            Change::CreateRider(r) => Some(r.id.0),
            _ => None,
        }),
        [10, 20, 30]
    );
    assert_eq!(
        ids(|c| match c {
            Change::CreatePost(p) => Some(p.id.0),
            _ => None,
        }),
        [41, 43, 42, 40],
        "posts by time, then id"
    );
    assert_eq!(
        ids(|c| match c {
            Change::Like { post, .. } => Some(post.0),
            _ => None,
        }),
        [41, 40, 40],
        "likes by time"
    );
    assert_eq!(
        ids(|c| match c {
            Change::CreateComment(c) => Some(c.id.0),
            _ => None,
        }),
        [50, 51, 52],
        "comments by time, then id"
    );
}

pub fn unicode_text_round_trips<B: Backend>(backend: &mut B) {
    let mut store = backend.fresh();
    let mut zoe = rider(1, "zoe_42");
    zoe.name = RiderName::from_trusted("Zoë Ørsted 🏍️ زهرة e\u{301}".to_owned());
    zoe.props = props(serde_json::json!({
        "ville": "Besançon",
        "город": "Москва",
        "emoji": "🛵💨",
        "empty": "",
        "sum": 0.1_f64 + 0.2, // 0.30000000000000004: needs all 17 digits
        "tiny": 5e-324,
        "neg": -40,
        "big": u64::MAX,
        "on": false,
    }));
    let body = format!(
        "{} — «quoted» 'single' \"double\" \\ / \u{1F600}",
        "ü".repeat(100)
    );
    let place = Place {
        name: "Col de l'Iseran · 2 764 m".to_owned(),
        lat: -90.0,
        lon: 180.0,
    };
    let photos = (0..MAX_PHOTOS as u32)
        .map(|i| Photo {
            url: format!("https://bilder.example/straße/{i}?q=ü&r=%20"),
            width: i + 1,
            height: 100_000 - i,
        })
        .collect();
    let interests: Vec<Change> = (0..MAX_INTERESTS_PER_POST as u64)
        .map(|i| interest(100 + i, &format!("BMW R 1200 GS/Adventure · 日本 {i}")))
        .collect();
    let unicode_post = PostRecord {
        body: PostBody::from_trusted(body),
        photos,
        place: Some(place),
        // Reverse id order, to be kept as given.
        interests: (0..MAX_INTERESTS_PER_POST as u64)
            .rev()
            .map(|i| InterestId(100 + i))
            .collect(),
        visibility: Visibility::Public,
        ..post(200, 1, at(10))
    };
    let mut changes = vec![Change::CreateRider(zoe)];
    changes.extend(interests);
    changes.push(Change::CreatePost(unicode_post));
    changes.push(Change::CreateComment(CommentRecord {
        body: CommentBody::from_trusted("𝔘𝔫𝔦𝔠𝔬𝔡𝔢".repeat(1_000)),
        ..comment_record(300, 200, 1, at(20))
    }));
    commit(&mut store, &changes);
    assert_loads(&mut store, &changes);
    let mut store = backend.reopen(store);
    assert_loads(&mut store, &changes);
}

/// The model only bounds the length of a body, so any character, NUL included, must survive.
pub fn control_characters_round_trip<B: Backend>(backend: &mut B) {
    let mut store = backend.fresh();
    let changes = vec![
        Change::CreateRider(rider(1, "ann")),
        Change::CreatePost(PostRecord {
            body: PostBody::from_trusted("a\u{0}b\tc\r\nd\u{7f}e\u{1b}[0m".to_owned()),
            ..post(2, 1, at(10))
        }),
        Change::CreateComment(CommentRecord {
            body: CommentBody::from_trusted("\u{0}".to_owned()),
            ..comment_record(3, 2, 1, at(20))
        }),
    ];
    commit(&mut store, &changes);
    assert_loads(&mut store, &changes);
}

pub fn expired_revoked_tokens_are_not_loaded<B: Backend>(backend: &mut B) {
    let mut store = backend.fresh();
    let live = [
        Change::RevokeToken {
            token_id: 1,
            expires_at: FAR_FUTURE,
        },
        // Token ids use all 64 bits.
        Change::RevokeToken {
            token_id: u64::MAX,
            expires_at: FAR_FUTURE,
        },
        Change::RevokeToken {
            token_id: 1 << 63,
            expires_at: Timestamp(i64::MAX),
        },
    ];
    let expired = [
        Change::RevokeToken {
            token_id: 2,
            expires_at: Timestamp(1_000),
        },
        Change::RevokeToken {
            token_id: 3,
            expires_at: Timestamp(Timestamp::now().millis() - 1),
        },
    ];
    let all: Vec<Change> = live.iter().chain(&expired).cloned().collect();
    commit(&mut store, &all);
    assert_loads(&mut store, &live);
    let mut store = backend.reopen(store);
    assert_loads(&mut store, &live);
}

pub fn large_batch_round_trips<B: Backend>(backend: &mut B) {
    let mut store = backend.fresh();
    let mut changes: Vec<Change> = (1..=50)
        .map(|i| Change::CreateRider(rider(i, &format!("rider_{i}"))))
        .collect();
    changes.extend((0..2_000u64).map(|i| {
        let mut p = post(1_000 + i, 1 + i % 50, at(i as i64 / 3));
        p.visibility = if i % 2 == 0 {
            Visibility::Public
        } else {
            Visibility::Friends
        };
        Change::CreatePost(p)
    }));
    changes.extend((0..2_000u64).map(|i| like(1 + i % 50, 1_000 + (i * 7) % 2_000, at(i as i64))));
    commit(&mut store, &changes);
    let info = assert_loads(&mut store, &changes);
    assert_eq!(info.next_id, 3_000);
}
