#![allow(clippy::unwrap_used)]
//! Differential property test: random sequences of rider operations (sign-ups, friend requests and
//! their answers, follows, posts, likes, comments, deletes, batches — invalid ones included) are
//! applied to a real server over HTTP and to a small brute-force model of the contract
//! (`differential/model.rs`).
//! After every step the HTTP status of the op and every list and count the contract defines are
//! compared, as seen by every rider: feeds, walls, suggestions, friend lists, incoming requests,
//! profiles, and each post's counts and per-viewer fields. At the end of a case, feeds and walls are
//! also walked two items a page, and every post, comment list and interest list is read by everyone.
//!
//! Each case gets a fresh server and data directory. `PROPTEST_CASES` sets the number of cases
//! (default 64). A failure prints the shrunk case as a numbered story, the step that went wrong,
//! what each step answered, and the first field where server and model disagree; a summary of what
//! the cases reached (friend-graph density, busy posts, interests) is printed at the end.

mod differential {
    pub mod batch;
    pub mod compare;
    pub mod coverage;
    pub mod harness;
    pub mod model;
    pub mod ops;
    pub mod run;
    pub mod step;
    pub mod views;
}

use std::sync::Mutex;
use std::time::Instant;

use differential::coverage::{CaseCoverage, Coverage};
use differential::harness::TestServer;
use differential::model::Model;
use differential::ops::{case, BatchOp, Case, Op, PostRef, Target, Vis};
use differential::run::Run;
use proptest::test_runner::{Config as ProptestConfig, FileFailurePersistence, TestCaseError};
use serde_json::json;

/// Plays a case against a fresh server; the model as it ended, and what the case reached.
fn run_case(
    http: &reqwest::blocking::Client,
    case: &Case,
) -> Result<(Model, Coverage), TestCaseError> {
    let started = Instant::now();
    let server = TestServer::start(http.clone());
    let mut run = Run {
        server: &server,
        model: Model::new(case.riders),
        log: Vec::new(),
        coverage: Coverage {
            startup: started.elapsed(),
            ..Coverage::default()
        },
        reached: CaseCoverage::default(),
    };
    for r in 0..case.signed_up {
        run.sign_up("initial sign-up", r)?;
    }
    for (i, op) in case.ops.iter().enumerate() {
        run.step(i, op)?;
    }
    run.check_final()?;
    run.walk_while_writing()?;
    run.coverage.add_case(&run.reached);
    Ok((run.model, run.coverage))
}

/// Plays a fixed case; a disagreement fails the test with the same story a shrunk case tells.
fn play(http: &reqwest::blocking::Client, case: &Case) -> Model {
    match run_case(http, case) {
        Ok((m, _)) => m,
        Err(e) => panic!("{case:?}\n{e}"),
    }
}

fn cases() -> u32 {
    std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(64)
}

#[test]
fn server_agrees_with_the_model() {
    let http = reqwest::blocking::Client::new();
    let config = ProptestConfig {
        cases: cases(),
        // Each shrink step replays a case against a new server: bound the time, not the count.
        max_shrink_time: 120_000,
        failure_persistence: Some(Box::new(FileFailurePersistence::Direct(
            "tests/differential/regressions.txt",
        ))),
        ..ProptestConfig::default()
    };
    let started = Instant::now();
    let total = Mutex::new(Coverage::default());
    let mut runner = proptest::test_runner::TestRunner::new(config);
    let result = runner.run(&case(), |case| {
        let (_, coverage) = run_case(&http, &case)?;
        total.lock().unwrap().merge(&coverage);
        Ok(())
    });
    let total = total.into_inner().unwrap();
    eprintln!(
        "differential: {:.1} s; {total}",
        started.elapsed().as_secs_f64()
    );
    if let Err(e) = result {
        panic!("{e}");
    }
    // The generator must keep reaching the states where bugs hide. Each of these shows up in more
    // than one case in eight: missing one in 64 cases happens less than once in 5,000 runs.
    if total.cases >= 64 {
        assert!(
            total.max_friends[3] + total.max_friends[4] > 0,
            "no rider ever had 3 friends"
        );
        assert!(
            total.friends_who_liked[2] + total.friends_who_liked[3] > 0,
            "friends_who_liked never held 2"
        );
        assert!(total.mutual.iter().sum::<usize>() > 0, "no suggestion ever");
        assert!(
            total.via_interest > 0,
            "no post ever reached a feed through an interest"
        );
        assert!(
            total.ops.get("batch").is_some_and(|(ok, _)| *ok > 0),
            "no batch ever"
        );
    }
}

/// A fixed case where the friend graph, case-insensitive interests, likes and invalid ops all
/// matter, with the model's own answers pinned: the model is not vacuous.
#[test]
fn model_sees_what_the_contract_says() {
    let http = reqwest::blocking::Client::new();
    let case = Case {
        riders: 4,
        signed_up: 4,
        ops: vec![
            Op::FriendRequest {
                from: 0,
                to: Target::Rider(1),
            },
            Op::Accept {
                who: 1,
                from: Target::Rider(0),
            },
            Op::FriendRequest {
                from: 1,
                to: Target::Rider(2),
            },
            Op::FriendRequest {
                from: 2,
                to: Target::Rider(1),
            },
            Op::Follow {
                who: 3,
                interest: 0,
            },
            Op::Post {
                who: 2,
                vis: Vis::Public,
                interests: vec![2, 1],
            },
            Op::Post {
                who: 2,
                vis: Vis::Default,
                interests: vec![],
            },
            Op::Like {
                who: 1,
                post: PostRef::Any(0),
            },
            Op::Like {
                who: 0,
                post: PostRef::Any(1),
            },
            Op::Comment {
                who: 3,
                post: PostRef::Any(0),
            },
            Op::Delete {
                who: 1,
                post: PostRef::Any(0),
            },
            Op::FriendRequest {
                from: 3,
                to: Target::Rider(3),
            },
        ],
    };
    let m = play(&http, &case);
    // r3 follows "Ducati" and sees r2's public post tagged "DUCATI", named as first written.
    let feed = m.feed(3);
    assert_eq!(feed.len(), 1);
    assert_eq!(feed[0].interests, vec!["Ducati".to_owned()]);
    // r1 liked it; r0 is r1's friend, so r1 is among the friends who liked it, for r0 only.
    assert_eq!(
        m.post_json(0, &m.posts[0])["friends_who_liked"],
        json!([m.summary(1)])
    );
    assert_eq!(m.post_json(1, &m.posts[0])["friends_who_liked"], json!([]));
    // r0 and r2 share the friend r1; r3 knows nobody.
    assert_eq!(m.suggestions(0), vec![(2, 1)]);
    assert!(m.suggestions(3).is_empty());
    // r2's friends-only post: r0 may not see it, so the like was refused.
    assert!(m.posts[1].likers.is_empty());
    assert!(!m.can_see(0, &m.posts[1]));
    assert_eq!(m.posts[0].comments.len(), 1);
    assert!(!m.posts[0].deleted);
}

/// friends_who_liked names at most three friends, the smallest ids, whatever order they liked in;
/// a batch that likes, unlikes and likes one post again ends liked (each op sees the one before).
#[test]
fn friends_who_liked_is_capped_at_three_smallest_ids() {
    let http = reqwest::blocking::Client::new();
    let mut ops = Vec::new();
    for k in 1..6 {
        ops.push(Op::FriendRequest {
            from: 0,
            to: Target::Rider(k),
        });
        ops.push(Op::Accept {
            who: k,
            from: Target::Rider(0),
        });
    }
    ops.push(Op::Post {
        who: 5,
        vis: Vis::Public,
        interests: vec![],
    });
    for who in [5, 4, 2, 3, 1] {
        ops.push(Op::Like {
            who,
            post: PostRef::Any(0),
        });
    }
    ops.push(Op::Batch {
        who: 0,
        ops: vec![
            BatchOp::Like(PostRef::Any(0)),
            BatchOp::Unlike(PostRef::Any(0)),
            BatchOp::Like(PostRef::Any(0)),
            BatchOp::FriendRequest(Target::Rider(1)),
        ],
    });
    let case = Case {
        riders: 6,
        signed_up: 6,
        ops,
    };
    let m = play(&http, &case);
    let seen_by = |v: usize| m.post_json(v, &m.posts[0]);
    let r = |i: usize| m.summary(i);
    assert_eq!(seen_by(0)["friends_who_liked"], json!([r(1), r(2), r(3)]));
    assert_eq!(seen_by(0)["liked_by_me"], json!(true));
    assert_eq!(seen_by(0)["like_count"], json!(6));
    // r5's only friend is r0, who liked it; r5 itself is never listed.
    assert_eq!(seen_by(5)["friends_who_liked"], json!([r(0)]));
}

/// "Compared case-insensitively" is Unicode's caseless matching (full case folding), under which
/// `GROSSGLOCKNER` is `Großglockner`, the Alpine road, as any German rider writes it in capitals.
/// Lowercasing alone keeps them apart: a follower of one never sees posts tagged with the other.
#[test]
fn interest_names_compare_under_full_case_folding() {
    let http = reqwest::blocking::Client::new();
    let case = Case {
        riders: 2,
        signed_up: 2,
        ops: vec![
            Op::Follow {
                who: 1,
                interest: 8,
            },
            Op::Post {
                who: 0,
                vis: Vis::Public,
                interests: vec![9],
            },
        ],
    };
    let m = play(&http, &case);
    assert_eq!(m.feed(1).len(), 1);
    assert_eq!(m.feed(1)[0].interests, vec!["Großglockner".to_owned()]);
}
