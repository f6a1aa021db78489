//! Batched planning (the writer's key rule) compared with planning one command at a time, over
//! random histories of the model tests.

use pillion_graph::{Graph, Key, Planner, DEFAULT_HEAVY_THRESHOLD};
use pillion_model::Visibility::{Friends, Public};
use pillion_model::{
    Change, Command, CommentBody, Error, Handle, InterestName, Outcome, PostBody, PostId, Props,
    RiderId, RiderName,
};

use crate::model::{random_step, random_world};
use crate::world::{created_riders, snapshot, Rng};

/// A random command over a fixed cast, including ones that will be refused.
fn random_command(rng: &mut Rng, riders: &[RiderId], posts: &[PostId]) -> Command {
    let a = rng.pick(riders);
    let b = rng.pick(riders);
    let p = rng.pick(posts);
    let names = ["Alps", "ALPS", "alps", "Lyon", "GS", "gs"];
    let name = InterestName::parse(rng.pick(&names)).unwrap();
    match rng.below(14) {
        0 | 1 => Command::FriendRequest { from: a, to: b },
        2 => Command::AcceptRequest { rider: a, from: b },
        3 => Command::DeclineRequest { rider: a, from: b },
        4 => Command::Unfriend { rider: a, other: b },
        5 => Command::Follow {
            rider: a,
            interest: name,
        },
        6 => Command::Unfollow {
            rider: a,
            interest: name,
        },
        7 => Command::CreatePost {
            author: a,
            body: PostBody::parse("batch").unwrap(),
            visibility: if rng.chance(50) { Public } else { Friends },
            photos: Vec::new(),
            place: None,
            interests: vec![name, InterestName::parse(rng.pick(&names)).unwrap()],
        },
        8 => Command::DeletePost { rider: a, post: p },
        9 | 10 => Command::Like { rider: a, post: p },
        11 => Command::Unlike { rider: a, post: p },
        12 => Command::Comment {
            rider: a,
            post: p,
            body: CommentBody::parse("batch").unwrap(),
        },
        13 => Command::SignUp {
            handle: Handle::parse(rng.pick(&["newa", "newb", "newc"])).unwrap(),
            name: RiderName::parse("New").unwrap(),
            password_hash: String::new(),
            props: Props::default(),
        },
        _ => Command::UpdateProfile {
            rider: a,
            name: None,
            props: Some(serde_json::json!({ "n": rng.below(3) })),
        },
    }
}

type Answer = Result<Outcome, Error>;

/// The writer's rule (see `server::writer`): plan each command against the state as last
/// committed; commit the batch so far first when a command touches a key an earlier one writes.
fn run_batched(g: &mut Graph, planner: &mut Planner, cmds: &[Command]) -> Vec<Answer> {
    let mut answers = Vec::new();
    let mut pending: Vec<Change> = Vec::new();
    let mut writes: Vec<Key> = Vec::new();
    for cmd in cmds {
        let (touched, written) = g.keys(cmd);
        if touched.iter().any(|k| writes.contains(k)) {
            for c in pending.drain(..) {
                g.apply(&c);
            }
            writes.clear();
        }
        match g.plan(cmd, planner) {
            Ok(plan) => {
                pending.extend(plan.changes);
                writes.extend(written);
                answers.push(Ok(plan.outcome));
            }
            Err(e) => answers.push(Err(e)),
        }
    }
    for c in pending.drain(..) {
        g.apply(&c);
    }
    answers
}

fn run_one_by_one(g: &mut Graph, planner: &mut Planner, cmds: &[Command]) -> Vec<Answer> {
    cmds.iter()
        .map(|cmd| {
            let plan = g.plan(cmd, planner)?;
            for c in &plan.changes {
                g.apply(c);
            }
            Ok(plan.outcome)
        })
        .collect()
}

#[test]
fn batched_planning_by_keys_answers_like_planning_one_command_at_a_time() {
    for seed in 20..=27 {
        // Half the seeds with riders turning heavy, so batching also meets timeline upkeep.
        let threshold = if seed % 2 == 0 {
            2
        } else {
            DEFAULT_HEAVY_THRESHOLD
        };
        let (mut w1, mut m, mut rng) = random_world(seed, 6, threshold);
        for _ in 0..60 {
            random_step(&mut w1, &mut m, &mut rng);
        }
        // A twin with the same history.
        let mut w2 = Graph::with_heavy_threshold(threshold);
        for c in &w1.log {
            w2.apply(c);
        }
        let riders = created_riders(&w1.log);
        let mut posts: Vec<PostId> = m.post_ids();
        posts.push(PostId(999_999));
        let cmds: Vec<Command> = (0..400)
            .map(|_| random_command(&mut rng, &riders, &posts))
            .collect();
        let mut p1 = Planner::new(100_000);
        let mut p2 = Planner::new(100_000);
        let mut all_posts = posts.clone();
        let mut start = 0;
        while start < cmds.len() {
            let end = (start + 1 + rng.below(40)).min(cmds.len());
            let batch = &cmds[start..end];
            let one = run_one_by_one(&mut w1.g, &mut p1, batch);
            let many = run_batched(&mut w2, &mut p2, batch);
            for (i, (x, y)) in one.iter().zip(&many).enumerate() {
                assert_eq!(x, y, "seed {seed}, command {:?}", batch[i]);
                if let Ok(Outcome::Post(id)) = x {
                    all_posts.push(*id);
                }
            }
            start = end;
        }
        let mut all_riders = riders.clone();
        for h in ["newa", "newb", "newc"] {
            if let Some(r) = w1.g.rider_by_handle(h) {
                all_riders.push(r.id);
            }
        }
        let names = ["alps", "lyon", "gs"];
        assert_eq!(
            snapshot(&w2, &all_riders, &all_posts, &names),
            snapshot(&w1.g, &all_riders, &all_posts, &names),
            "seed {seed}"
        );
    }
}
