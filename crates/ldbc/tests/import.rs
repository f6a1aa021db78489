#![allow(clippy::unwrap_used)]
//! The importer against the real LDBC SNB tiny dataset (`tests/data/ldbc-snb-tiny`, a copy of
//! `../shared/datasets/ldbc-snb-tiny` kept in the repo so that a clone tests on its own) and
//! against broken copies of it: counts, the mapping, the replayed state, and all-or-nothing.

use std::path::{Path, PathBuf};

use pillion_graph::Graph;
use pillion_ldbc::import::{import, ImportError, ImportStats};
use pillion_model::{Change, RiderId};
use pillion_store::{SqliteStore, Store, DB_FILE};

fn tiny() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/data/ldbc-snb-tiny")
}

/// Data rows (header excluded) of one file of the tiny dataset.
fn rows(file: &str) -> u64 {
    let text = std::fs::read_to_string(tiny().join(file)).unwrap();
    text.lines().count() as u64 - 1
}

fn run(dir: &Path, data: &Path) -> Result<ImportStats, ImportError> {
    import(dir, data, &mut |_| {}).map(|(stats, _)| stats)
}

/// A writable copy of the tiny dataset.
fn copy_tiny(to: &Path) -> PathBuf {
    let dst = to.join("ldbc");
    for sub in ["static", "dynamic"] {
        std::fs::create_dir_all(dst.join(sub)).unwrap();
        for entry in std::fs::read_dir(tiny().join(sub)).unwrap() {
            let entry = entry.unwrap();
            std::fs::copy(entry.path(), dst.join(sub).join(entry.file_name())).unwrap();
        }
    }
    dst
}

fn append(file: &Path, line: &str) {
    use std::io::Write;
    let mut f = std::fs::OpenOptions::new().append(true).open(file).unwrap();
    writeln!(f, "{line}").unwrap();
}

fn replay(data: &Path) -> (Vec<Change>, Graph) {
    let mut store = SqliteStore::open(&data.join(DB_FILE)).unwrap();
    let mut graph = Graph::default();
    let mut changes = Vec::new();
    store
        .load(&mut |c| {
            graph.apply(&c);
            changes.push(c);
        })
        .unwrap();
    (changes, graph)
}

#[test]
fn the_tiny_dataset_imports_whole() {
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    let stats = run(&tiny(), &data).unwrap();

    assert_eq!(stats.riders, rows("dynamic/person_0_0.csv"));
    assert_eq!(
        stats.friendships,
        rows("dynamic/person_knows_person_0_0.csv")
    );
    assert_eq!(stats.posts, rows("dynamic/post_0_0.csv"));
    assert_eq!(stats.comments, rows("dynamic/comment_0_0.csv"));
    assert_eq!(stats.likes, rows("dynamic/person_likes_post_0_0.csv"));
    assert_eq!(stats.interests, rows("static/tag_0_0.csv"));
    assert_eq!(
        stats.follows,
        rows("dynamic/person_hasInterest_tag_0_0.csv")
    );
    let others = rows("static/place_0_0.csv")
        + rows("static/organisation_0_0.csv")
        + rows("static/tagclass_0_0.csv")
        + rows("dynamic/forum_0_0.csv");
    assert_eq!(stats.other_nodes, others);

    // Graph-only data, by label and type, as the contract names them.
    let store = SqliteStore::open(&data.join(DB_FILE)).unwrap();
    let extras = store.graph_extras().unwrap();
    let count = |list: &[(String, u64)], key: &str| {
        list.iter()
            .find(|(k, _)| k == key)
            .map(|(_, n)| *n)
            .unwrap_or(0)
    };
    assert_eq!(
        count(&extras.nodes, "[\"Place\"]"),
        rows("static/place_0_0.csv")
    );
    assert_eq!(
        count(&extras.nodes, "[\"TagClass\"]"),
        rows("static/tagclass_0_0.csv")
    );
    assert_eq!(
        count(&extras.rels, "HAS_MEMBER"),
        rows("dynamic/forum_hasMember_person_0_0.csv")
    );
    assert_eq!(
        count(&extras.rels, "REPLY_OF"),
        rows("dynamic/comment_replyOf_comment_0_0.csv")
    );
    assert_eq!(
        count(&extras.rels, "IS_LOCATED_IN"),
        rows("dynamic/post_isLocatedIn_place_0_0.csv")
            + rows("dynamic/comment_isLocatedIn_place_0_0.csv")
            + rows("dynamic/person_isLocatedIn_place_0_0.csv")
            + rows("static/organisation_isLocatedIn_place_0_0.csv")
    );
    assert_eq!(
        count(&extras.rels, "IS_SUBCLASS_OF"),
        rows("static/tagclass_isSubclassOf_tagclass_0_0.csv")
    );
    assert_eq!(
        count(&extras.rels, "LIKES"),
        rows("dynamic/person_likes_comment_0_0.csv")
    );
    assert_eq!(
        extras.node_props,
        stats.posts + stats.comments + stats.interests
    );
    drop(store);

    // The store replays into the engine: every rider, friendship, post, like and comment.
    let (changes, graph) = replay(&data);
    let n = |f: fn(&Change) -> bool| changes.iter().filter(|c| f(c)).count() as u64;
    assert_eq!(n(|c| matches!(c, Change::CreateRider(_))), stats.riders);
    assert_eq!(
        n(|c| matches!(c, Change::CreateFriendship { .. })),
        stats.friendships
    );
    assert_eq!(n(|c| matches!(c, Change::CreatePost(_))), stats.posts);
    assert_eq!(n(|c| matches!(c, Change::Like { .. })), stats.likes);
    assert_eq!(n(|c| matches!(c, Change::CreateComment(_))), stats.comments);

    // A known person: id kept, handle p<id>, name from the two columns, columns as props.
    let jose = changes
        .iter()
        .find_map(|c| match c {
            Change::CreateRider(r) if r.id == RiderId(8796093022220) => Some(r.clone()),
            _ => None,
        })
        .unwrap();
    assert_eq!(jose.handle.as_str(), "p8796093022220");
    assert_eq!(jose.name.as_str(), "Jose Alonso");
    assert_eq!(jose.props.get("browserUsed").unwrap(), "Internet Explorer");
    assert_eq!(jose.props.get("birthday").unwrap(), 558921600000_i64);
    assert_eq!(jose.created_at.0, 1284620040602);
    assert!(graph.stats().friendships > 0);
}

#[test]
fn photo_posts_and_replies_map_as_the_contract_says() {
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    run(&tiny(), &data).unwrap();
    let (changes, _) = replay(&data);
    let post = |id: u64| {
        changes
            .iter()
            .find_map(|c| match c {
                Change::CreatePost(p) if p.id.0 == id => Some(p.clone()),
                _ => None,
            })
            .unwrap()
    };
    // An image post: empty content, the image as a photo; no visibility column: public.
    let photo = post(343597383680);
    assert_eq!(photo.body.as_str(), "");
    assert_eq!(photo.photos[0].url, "photo343597383680.jpg");
    assert_eq!(photo.author, RiderId(8796093022220));
    assert_eq!(photo.visibility.as_str(), "public");
    // A reply to a comment hangs from the post its thread started on.
    let reply = changes
        .iter()
        .find_map(|c| match c {
            Change::CreateComment(c) if c.id.0 == 206158430253 => Some(c.clone()),
            _ => None,
        })
        .unwrap();
    let parent = changes
        .iter()
        .find_map(|c| match c {
            Change::CreateComment(c) if c.id.0 == 206158430252 => Some(c.clone()),
            _ => None,
        })
        .unwrap();
    assert_eq!(reply.post, parent.post);
}

#[test]
fn a_bad_row_names_file_and_line_and_leaves_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    let src = copy_tiny(tmp.path());
    let knows = src.join("dynamic/person_knows_person_0_0.csv");
    let line = rows("dynamic/person_knows_person_0_0.csv") + 2;
    append(&knows, "4398046511192|999|1278777892244");
    let data = tmp.path().join("data");
    let err = run(&src, &data).unwrap_err().to_string();
    assert_eq!(
        err,
        format!("dynamic/person_knows_person_0_0.csv:{line}: unknown person 999")
    );
    assert!(!data.exists());
    let leftovers: Vec<_> = std::fs::read_dir(tmp.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(
        leftovers,
        vec!["ldbc".to_owned()],
        "no staging directory left"
    );
}

#[test]
fn broken_rows_of_every_kind_are_refused() {
    let cases: &[(&str, &str, &str)] = &[
        ("dynamic/person_0_0.csv", "12|a|b", "expected 10 fields"),
        (
            "dynamic/person_0_0.csv",
            "x|a|b|male|1|2|ip|b|en|e",
            "`id` must be an integer",
        ),
        (
            "dynamic/post_0_0.csv",
            "153||1|ip|b|en|hi|2",
            "id 153 is already a person's",
        ),
        (
            "dynamic/person_knows_person_0_0.csv",
            "153|153|1",
            "cannot know themself",
        ),
        (
            "dynamic/person_likes_post_0_0.csv",
            "153|1|1",
            "unknown post 1",
        ),
        (
            "dynamic/person_hasInterest_tag_0_0.csv",
            "153|99999999",
            "unknown tag 99999999",
        ),
        (
            "dynamic/post_0_0.csv",
            "77||1|ip|b|en|hi|2",
            "post 77 has no creator",
        ),
        (
            "dynamic/forum_hasMember_person_0_0.csv",
            "1|153|5",
            "unknown forum 1",
        ),
    ];
    for (file, line, reason) in cases {
        let tmp = tempfile::tempdir().unwrap();
        let src = copy_tiny(tmp.path());
        append(&src.join(file), line);
        let data = tmp.path().join("data");
        let err = run(&src, &data).unwrap_err().to_string();
        assert!(
            err.starts_with(&format!("{file}:")) && err.contains(reason),
            "{file} + {line:?}: got {err:?}, wanted {reason:?}"
        );
        assert!(!data.exists());
    }
}

#[test]
fn a_non_empty_data_directory_is_refused_and_left_alone() {
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    std::fs::create_dir(&data).unwrap();
    std::fs::write(data.join("keep.txt"), "mine").unwrap();
    let err = run(&tiny(), &data).unwrap_err();
    assert!(matches!(err, ImportError::Refused(_)), "{err}");
    assert!(err.to_string().contains("not empty"));
    assert_eq!(
        std::fs::read_to_string(data.join("keep.txt")).unwrap(),
        "mine"
    );
    assert_eq!(std::fs::read_dir(&data).unwrap().count(), 1);

    // An empty directory is fine, and a second import into it is refused.
    let empty = tmp.path().join("empty");
    std::fs::create_dir(&empty).unwrap();
    run(&tiny(), &empty).unwrap();
    assert!(run(&tiny(), &empty).is_err());
}

#[test]
fn a_folder_that_is_not_ldbc_is_refused() {
    let tmp = tempfile::tempdir().unwrap();
    let err = run(tmp.path(), &tmp.path().join("data")).unwrap_err();
    assert!(
        err.to_string().contains("not an LDBC CsvBasic folder"),
        "{err}"
    );
}

#[test]
fn rule_breaking_data_is_imported_as_it_is() {
    let tmp = tempfile::tempdir().unwrap();
    let src = copy_tiny(tmp.path());
    let long = "x".repeat(120);
    append(&src.join("static/tag_0_0.csv"), &format!("90001|{long}|u"));
    append(&src.join("static/tag_0_0.csv"), "90002|RUMI|u");
    append(&src.join("dynamic/comment_0_0.csv"), "9|1|ip|b||0");
    append(
        &src.join("dynamic/comment_hasCreator_person_0_0.csv"),
        "9|153",
    );
    append(
        &src.join("dynamic/comment_replyOf_post_0_0.csv"),
        "9|343597383680",
    );
    let data = tmp.path().join("data");
    let stats = run(&src, &data).unwrap();
    assert_eq!(stats.interests, rows("static/tag_0_0.csv") + 2);
    let (changes, _) = replay(&data);
    assert!(changes.iter().any(|c| matches!(
        c,
        Change::CreateInterest { name, .. } if name.as_str() == long
    )));
    assert!(changes.iter().any(|c| matches!(
        c,
        Change::CreateComment(c) if c.id.0 == 9 && c.body.as_str().is_empty()
    )));
}
