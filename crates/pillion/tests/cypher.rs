#![allow(clippy::unwrap_used)]
#![cfg(unix)]
//! `pillion cypher` through the real binary: over a stopped data directory (the LDBC tiny
//! dataset, imported) and against a running server with `--url`; both answer alike.

mod support;

use std::path::{Path, PathBuf};

use serde_json::Value;
use support::{run, Server};

fn tiny() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/data/ldbc-snb-tiny")
}

fn stdout(out: &std::process::Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn stderr(out: &std::process::Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// Riders and knows edges of the LDBC tiny files: (person count, knows count).
fn tiny_counts() -> (usize, usize) {
    let lines = |f: &str| {
        std::fs::read_to_string(tiny().join("dynamic").join(f))
            .unwrap()
            .lines()
            .count()
            - 1
    };
    (
        lines("person_0_0.csv"),
        lines("person_knows_person_0_0.csv"),
    )
}

#[test]
fn cypher_answers_over_a_data_directory_and_a_running_server() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let out = run(
        &[
            "import",
            "--format",
            "ldbc",
            tiny().to_str().unwrap(),
            "--quiet",
        ],
        &[("PILLION_DATA", &data)],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let (persons, knows) = tiny_counts();
    let query = "MATCH (r:Rider) OPTIONAL MATCH (r)-[f:IS_FRIEND]->() \
                 RETURN count(DISTINCT r) AS riders, count(f) AS friendships";

    let offline = run(&["cypher", "--json", query], &[("PILLION_DATA", &data)]);
    assert!(offline.status.success(), "{}", stderr(&offline));
    let body: Value = serde_json::from_str(&stdout(&offline)).unwrap();
    assert_eq!(
        body["columns"],
        serde_json::json!(["riders", "friendships"])
    );
    assert_eq!(body["rows"][0][0], persons);
    assert_eq!(body["rows"][0][1], knows);

    // The table form names the columns and counts the rows.
    let table = run(
        &["cypher", "RETURN 1 AS one, 'two' AS two"],
        &[("PILLION_DATA", &data)],
    );
    let text = stdout(&table);
    assert!(text.contains("| one | two   |"), "{text}");
    assert!(text.contains("| 1   | \"two\" |"), "{text}");
    assert!(text.trim_end().ends_with("(1 row)"), "{text}");

    // A broken query fails with the contract's code and the position, and exit status 1.
    let bad = run(&["cypher", "MATCH (n RETURN n"], &[("PILLION_DATA", &data)]);
    assert!(!bad.status.success());
    assert!(stderr(&bad).contains("invalid_query"), "{}", stderr(&bad));
    assert!(stderr(&bad).contains("line 1, column"), "{}", stderr(&bad));

    // The same question to a running server, with a parameter.
    let server = Server::start(&data, &[]);
    let remote = run(
        &[
            "cypher",
            "--url",
            &server.base,
            "--json",
            "--param",
            "min=0",
            &format!("{query} , $min AS min"),
        ],
        &[("PILLION_DATA", &data)],
    );
    assert!(remote.status.success(), "{}", stderr(&remote));
    let body: Value = serde_json::from_str(&stdout(&remote)).unwrap();
    assert_eq!(body["rows"][0][0], persons);
    assert_eq!(body["rows"][0][1], knows);
    assert_eq!(body["rows"][0][2], 0);
    let refused = run(
        &["cypher", "--url", &server.base, "CALL db.labels()"],
        &[("PILLION_DATA", &data)],
    );
    assert!(!refused.status.success());
    assert!(
        stderr(&refused).contains("unsupported"),
        "{}",
        stderr(&refused)
    );
    server.stop();

    // No store, no answer: a clear error, not a new empty directory.
    let empty = dir.path().join("nothing");
    let none = run(&["cypher", "RETURN 1"], &[("PILLION_DATA", &empty)]);
    assert!(!none.status.success());
    assert!(stderr(&none).contains("no store"), "{}", stderr(&none));
    assert!(!empty.exists());
}
