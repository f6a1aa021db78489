#![allow(clippy::unwrap_used)]
#![cfg(unix)]
//! `pillion gen`, `pillion import` and the server on what they made, end to end through the real
//! binary: what the files say is what the API answers.

mod support;

use std::collections::{HashMap, HashSet};
use std::path::Path;

use reqwest::blocking::Client;
use serde_json::json;
use support::{get, run, Server};

/// Data rows of a generated file, split on `|`.
fn rows(path: &Path) -> Vec<Vec<String>> {
    std::fs::read_to_string(path)
        .unwrap()
        .lines()
        .skip(1)
        .map(|l| l.split('|').map(str::to_owned).collect())
        .collect()
}

fn stderr(out: &std::process::Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

#[test]
fn a_generated_network_imports_and_serves_what_its_files_say() {
    let tmp = tempfile::tempdir().unwrap();
    let gen = tmp.path().join("gen");
    let data = tmp.path().join("data");
    let out = run(
        &["gen", "--scale", "1", "--out", gen.to_str().unwrap()],
        &[],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let out = run(
        &[
            "import",
            "--format",
            "ldbc",
            gen.to_str().unwrap(),
            "--data",
        ],
        &[],
    );
    // `--data` without a value is a usage error, not an import into "".
    assert!(!out.status.success());
    let out = run(
        &[
            "import",
            "--format",
            "ldbc",
            gen.to_str().unwrap(),
            "--data",
            data.to_str().unwrap(),
        ],
        &[],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let summary = stderr(&out);
    assert!(
        summary.contains("20000 riders, 80000 friendships")
            && summary.contains("80000 posts, 140000 likes, 40000 comments"),
        "{summary}"
    );

    // What the files say.
    let dynamic = gen.join("dynamic");
    let mut degree: HashMap<u64, u64> = HashMap::new();
    for r in rows(&dynamic.join("person_knows_person_0_0.csv")) {
        for id in [&r[0], &r[1]] {
            *degree.entry(id.parse().unwrap()).or_default() += 1;
        }
    }
    let mut likes: HashMap<u64, u64> = HashMap::new();
    for r in rows(&dynamic.join("person_likes_post_0_0.csv")) {
        *likes.entry(r[1].parse().unwrap()).or_default() += 1;
    }
    let public: HashSet<u64> = rows(&dynamic.join("post_0_0.csv"))
        .into_iter()
        .filter(|r| r.last().unwrap() == "public")
        .map(|r| r[0].parse().unwrap())
        .collect();

    // Tokens for a sample of riders, minted before the first start.
    let out = run(
        &["token", "--data", data.to_str().unwrap(), "--sample", "25"],
        &[],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let tokens: Vec<(u64, String)> = String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|l| {
            let (id, token) = l.split_once(' ').unwrap();
            (id.parse().unwrap(), token.to_owned())
        })
        .collect();
    assert_eq!(tokens.len(), 25);

    let server = Server::start(&data, &[]);
    let http = Client::new();
    let base = &server.base;
    let mut feeds_with_posts = 0;
    for (id, token) in &tokens {
        let (status, me) = get(&http, &format!("{base}/v1/riders/{id}"), token).unwrap();
        assert_eq!(status, 200, "{me}");
        assert_eq!(me["handle"], json!(format!("p{id}")));
        assert_eq!(
            me["friend_count"].as_u64().unwrap(),
            degree.get(id).copied().unwrap_or(0),
            "rider {id}"
        );
        let (status, feed) = get(&http, &format!("{base}/v1/feed?limit=20"), token).unwrap();
        assert_eq!(status, 200);
        let items = feed["items"].as_array().unwrap();
        feeds_with_posts += usize::from(!items.is_empty());
        let times: Vec<&str> = items
            .iter()
            .map(|p| p["created_at"].as_str().unwrap())
            .collect();
        assert!(times.windows(2).all(|w| w[0] >= w[1]), "newest first");
        for post in items {
            let post_id = post["id"].as_u64().unwrap();
            assert_eq!(
                post["like_count"].as_u64().unwrap(),
                likes.get(&post_id).copied().unwrap_or(0)
            );
        }
    }
    assert!(feeds_with_posts > 0, "some sampled rider sees posts");

    // Any rider reads a public post with the like count the file has.
    let (post_id, token) = (public.iter().next().unwrap(), &tokens[0].1);
    let (status, post) = get(&http, &format!("{base}/v1/posts/{post_id}"), token).unwrap();
    assert_eq!(status, 200, "{post}");
    assert_eq!(
        post["like_count"].as_u64().unwrap(),
        likes.get(post_id).copied().unwrap_or(0)
    );

    // Imported riders have no password: logging in is refused, not an error.
    let res = http
        .post(format!("{base}/v1/sessions"))
        .json(&json!({"handle": format!("p{}", tokens[0].0), "password": "anything1"}))
        .send()
        .unwrap();
    assert_eq!(res.status().as_u16(), 401);
    server.stop();
}

#[test]
fn the_command_line_refuses_bad_imports_with_file_and_line() {
    let tmp = tempfile::tempdir().unwrap();
    let gen = tmp.path().join("gen");
    let out = run(
        &[
            "gen",
            "--scale",
            "1",
            "--out",
            gen.to_str().unwrap(),
            "--quiet",
        ],
        &[],
    );
    assert!(out.status.success(), "{}", stderr(&out));

    // Into a non-empty data directory.
    let busy = tmp.path().join("busy");
    std::fs::create_dir(&busy).unwrap();
    std::fs::write(busy.join("x"), "").unwrap();
    let out = run(
        &[
            "import",
            gen.to_str().unwrap(),
            "--data",
            busy.to_str().unwrap(),
        ],
        &[],
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("is not empty"), "{}", stderr(&out));

    // A bad row: file:line: reason, and no data directory.
    let likes = gen.join("dynamic/person_likes_post_0_0.csv");
    let mut text = std::fs::read_to_string(&likes).unwrap();
    let line = text.lines().count() + 1;
    text.push_str("1|2|not-a-date\n");
    std::fs::write(&likes, text).unwrap();
    let data = tmp.path().join("data");
    let out = run(
        &[
            "import",
            gen.to_str().unwrap(),
            "--data",
            data.to_str().unwrap(),
        ],
        &[],
    );
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert!(
        err.contains(&format!("dynamic/person_likes_post_0_0.csv:{line}: ")),
        "{err}"
    );
    assert!(!data.exists());

    // gen refuses a scale of 0 and a folder that is not empty.
    let out = run(&["gen", "--scale", "0", "--out", "x"], &[]);
    assert!(!out.status.success());
    let out = run(
        &["gen", "--scale", "1", "--out", gen.to_str().unwrap()],
        &[],
    );
    assert!(!out.status.success());
}

#[test]
fn the_real_ldbc_tiny_dataset_serves() {
    let tmp = tempfile::tempdir().unwrap();
    let tiny = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/data/ldbc-snb-tiny");
    let data = tmp.path().join("data");
    let out = run(
        &[
            "import",
            "--format",
            "ldbc",
            tiny.to_str().unwrap(),
            "--data",
            data.to_str().unwrap(),
        ],
        &[],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let out = run(
        &["token", "--data", data.to_str().unwrap(), "p8796093022220"],
        &[],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let token = String::from_utf8(out.stdout).unwrap().trim().to_owned();
    let server = Server::start(&data, &[]);
    let http = Client::new();
    let base = &server.base;
    let (status, me) = get(&http, &format!("{base}/v1/riders/me"), &token).unwrap();
    assert_eq!(status, 200, "{me}");
    assert_eq!(me["name"], json!("Jose Alonso"));
    assert_eq!(me["props"]["browserUsed"], json!("Internet Explorer"));
    let (status, wall) = get(
        &http,
        &format!("{base}/v1/riders/8796093022220/wall?limit=5"),
        &token,
    )
    .unwrap();
    assert_eq!(status, 200);
    assert!(!wall["items"].as_array().unwrap().is_empty());
    // Tag names are kept as they are; the interest route finds them case-insensitively.
    let (status, _) = get(
        &http,
        &format!("{base}/v1/interests/hamid_karzai/posts"),
        &token,
    )
    .unwrap();
    assert_eq!(status, 200);
    server.stop();
}

/// `pillion cypher --data DIR --json QUERY`: the answer's rows.
fn offline_rows(data: &Path, query: &str) -> serde_json::Value {
    let out = run(
        &["cypher", "--data", data.to_str().unwrap(), "--json", query],
        &[],
    );
    assert!(out.status.success(), "{query}: {}", stderr(&out));
    let answer: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    answer["rows"].clone()
}

#[test]
fn imported_graph_only_data_is_read_and_written_by_cypher() {
    let tmp = tempfile::tempdir().unwrap();
    let tiny = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/data/ldbc-snb-tiny");
    let data = tmp.path().join("data");
    let out = run(
        &[
            "import",
            "--format",
            "ldbc",
            tiny.to_str().unwrap(),
            "--data",
            data.to_str().unwrap(),
        ],
        &[],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let file_rows = |name: &str| rows(&tiny.join(name)).len();

    // What the files say, read back over a stopped data directory.
    let work = "MATCH (p:Rider)-[w:WORK_AT]->(o:Organisation) WHERE id(p) = 8796093022220 \
                RETURN o.name, w.workFrom ORDER BY w.workFrom";
    assert_eq!(
        offline_rows(&data, work),
        json!([["Cubana_de_Aviación", 2009], ["Aerogaviota", 2010]])
    );
    let replies = offline_rows(
        &data,
        "MATCH (:Comment)-[r:REPLY_OF]->(:Comment) RETURN count(r)",
    );
    assert_eq!(
        replies,
        json!([[file_rows("dynamic/comment_replyOf_comment_0_0.csv")]])
    );
    let likes = offline_rows(
        &data,
        "MATCH (:Rider)-[l:LIKES]->(:Comment) RETURN count(l)",
    );
    assert_eq!(
        likes,
        json!([[file_rows("dynamic/person_likes_comment_0_0.csv")]])
    );
    let post = offline_rows(
        &data,
        "MATCH (p:Post) WHERE id(p) = 343597383680 \
         RETURN p.browserUsed, p.creationDate, p.imageFile, p.locationIP",
    );
    assert_eq!(
        post,
        json!([[
            "Internet Explorer",
            1290664733756_i64,
            "photo343597383680.jpg",
            "41.78.114.237"
        ]])
    );

    // Written through a server, durable in the directory.
    let out = run(&["token", "--data", data.to_str().unwrap(), "--admin"], &[]);
    assert!(out.status.success(), "{}", stderr(&out));
    let token = String::from_utf8(out.stdout).unwrap().trim().to_owned();
    let forums = offline_rows(&data, "MATCH (f:Forum) RETURN count(f)")[0][0]
        .as_u64()
        .unwrap();
    let server = Server::start(&data, &[]);
    let res = Client::new()
        .post(format!("{}/v1/cypher", server.base))
        .bearer_auth(&token)
        .json(&json!({ "query": "MATCH (p:Rider), (o:Organisation {name: 'Aerogaviota'}) \
                                 WHERE id(p) = 8796093022220 CREATE (p)-[:FLIES_WITH {since: 2011}]->(o) \
                                 WITH 1 AS one MATCH (f:Forum) WITH f ORDER BY id(f) LIMIT 1 DETACH DELETE f" }))
        .send()
        .unwrap();
    assert_eq!(res.status().as_u16(), 200, "{}", res.text().unwrap());
    server.stop();
    let flies = offline_rows(
        &data,
        "MATCH (p:Rider)-[r:FLIES_WITH]->(o) RETURN id(p), r.since, o.name",
    );
    assert_eq!(flies, json!([[8796093022220_u64, 2011, "Aerogaviota"]]));
    let left = offline_rows(&data, "MATCH (f:Forum) RETURN count(f)");
    assert_eq!(left, json!([[forums - 1]]));
}
