#![allow(clippy::unwrap_used)]
#![cfg(unix)]
//! The life of the real binary: graceful shutdown on SIGTERM and SIGINT (ready turns 503, requests
//! in flight finish, exit status 0, nothing acknowledged is lost), readiness while the store loads,
//! `pillion token` beside a running server, the data-directory lock, and the command line's help
//! and errors.

mod support;

use std::io::{Read, Write};
use std::net::TcpStream;
use std::process::{Output, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use nix::sys::signal::Signal;
use reqwest::blocking::Client;
use serde_json::{json, Value};
use support::{get, pillion, run, sign_up, Server};

// ---- (a) graceful shutdown -----------------------------------------------------------------

/// A `POST /v1/posts` whose headers the server has read and whose body it is waiting for:
/// with `Expect: 100-continue` the server says `100 Continue` once its handler asks for the body,
/// so the request is provably in flight.
struct SlowPost {
    stream: TcpStream,
    rest: String,
}

impl SlowPost {
    fn open(addr: &str, token: &str, body: &str) -> SlowPost {
        let mut stream = TcpStream::connect(addr).unwrap();
        stream
            .set_read_timeout(Some(Duration::from_secs(30)))
            .unwrap();
        let (first, rest) = body.split_at(body.len() / 2);
        write!(
            stream,
            "POST /v1/posts HTTP/1.1\r\nHost: {addr}\r\nAuthorization: Bearer {token}\r\n\
             Content-Type: application/json\r\nContent-Length: {}\r\nExpect: 100-continue\r\n\
             Connection: close\r\n\r\n",
            body.len()
        )
        .unwrap();
        let mut seen = Vec::new();
        let mut byte = [0u8; 1];
        while !seen.ends_with(b"\r\n\r\n") {
            assert_eq!(
                stream.read(&mut byte).unwrap(),
                1,
                "connection closed before 100 Continue"
            );
            seen.push(byte[0]);
        }
        let interim = String::from_utf8_lossy(&seen);
        assert!(
            interim.starts_with("HTTP/1.1 100"),
            "expected 100 Continue, got {interim}"
        );
        stream.write_all(first.as_bytes()).unwrap();
        SlowPost {
            stream,
            rest: rest.to_owned(),
        }
    }

    /// Sends the rest of the body and reads the whole answer: (status, body).
    fn finish(mut self) -> (u16, Value) {
        self.stream.write_all(self.rest.as_bytes()).unwrap();
        let mut answer = String::new();
        self.stream.read_to_string(&mut answer).unwrap();
        let status = answer
            .split(' ')
            .nth(1)
            .and_then(|s| s.parse().ok())
            .unwrap_or_else(|| panic!("no status line in {answer:?}"));
        let body = answer.split_once("\r\n\r\n").map_or(Value::Null, |(_, b)| {
            serde_json::from_str(b).unwrap_or(Value::Null)
        });
        (status, body)
    }
}

/// What a stream of writes saw.
#[derive(Default)]
struct Stream {
    acknowledged: Vec<u64>,
    statuses: Vec<u16>,
}

/// Posts one at a time, a few ms apart, until a request goes unanswered after `stopping` is set.
fn write_stream(base: String, token: String, stopping: Arc<AtomicBool>, tag: &str) -> Stream {
    let http = Client::builder()
        .timeout(Duration::from_secs(30))
        .build()
        .unwrap();
    let mut seen = Stream::default();
    for n in 0.. {
        let body = json!({"body": format!("{tag} stream {n}"), "visibility": "public"});
        match http
            .post(format!("{base}/v1/posts"))
            .bearer_auth(&token)
            .json(&body)
            .send()
        {
            Ok(res) => {
                let status = res.status().as_u16();
                seen.statuses.push(status);
                if status == 201 {
                    let v: Value = res.json().unwrap();
                    seen.acknowledged.push(v["id"].as_u64().unwrap());
                }
            }
            Err(e) => {
                assert!(
                    stopping.load(Ordering::SeqCst),
                    "a write went unanswered before the shutdown began: {e}"
                );
                break;
            }
        }
        std::thread::sleep(Duration::from_millis(5));
    }
    seen
}

fn drains_then_exits_cleanly(signal: Signal) {
    let dir = tempfile::tempdir().unwrap();
    let drain = Duration::from_millis(600);
    let timeout = Duration::from_secs(10);
    let mut server = Server::start(
        dir.path(),
        &["--drain-delay", "0.6", "--shutdown-timeout", "10"],
    );
    let rider = sign_up(&Client::new(), &server.base, "lifecycle", "Lifecycle");
    let stopping = Arc::new(AtomicBool::new(false));
    let stream = {
        let (base, token, stopping) = (
            server.base.clone(),
            rider.token.clone(),
            Arc::clone(&stopping),
        );
        std::thread::spawn(move || write_stream(base, token, stopping, "signal"))
    };
    let in_flight = SlowPost::open(
        &server.addr,
        &rider.token,
        r#"{"body": "in flight at shutdown", "visibility": "public"}"#,
    );
    // Let the stream get going, then stop the server under it.
    let http = Client::new();
    let mine = format!("{}/v1/riders/{}/wall?limit=1", server.base, rider.id);
    let deadline = Instant::now() + Duration::from_secs(10);
    while get(&http, &mine, &rider.token).unwrap().1["items"]
        .as_array()
        .is_none_or(Vec::is_empty)
    {
        assert!(
            Instant::now() < deadline,
            "the write stream never got a post in"
        );
        std::thread::sleep(Duration::from_millis(5));
    }
    stopping.store(true, Ordering::SeqCst);
    let signalled = Instant::now();
    server.signal(signal);

    // Ready turns 503 while draining, then connections are refused; it never turns 200 again.
    let mut saw_draining = false;
    let closed = loop {
        match http.get(format!("{}/health/ready", server.base)).send() {
            Ok(r) => {
                let status = r.status().as_u16();
                if status == 503 {
                    saw_draining = true;
                    assert_eq!(r.json::<Value>().unwrap()["status"], json!("draining"));
                } else {
                    assert!(
                        !saw_draining && status == 200,
                        "ready answered {status} during shutdown"
                    );
                }
            }
            Err(_) => break Instant::now(),
        }
        assert!(
            signalled.elapsed() < timeout,
            "the server kept accepting connections"
        );
        std::thread::sleep(Duration::from_millis(5));
    };
    assert!(
        saw_draining,
        "/health/ready never answered 503 during the {drain:?} drain delay"
    );
    assert!(
        closed - signalled >= drain,
        "connections were refused before the drain delay ended"
    );

    // The request that was in flight all along still completes, after the listener closed.
    let (status, body) = in_flight.finish();
    assert_eq!(status, 201, "the in-flight request got {status} {body}");
    let in_flight_id = body["id"].as_u64().unwrap();

    let exit = server.wait_exit(drain + timeout + Duration::from_secs(2));
    assert!(
        exit.success(),
        "exit status after {signal}: {exit}; log:\n{}",
        server.log()
    );
    assert!(
        signalled.elapsed() < drain + timeout,
        "shutdown took {:?}",
        signalled.elapsed()
    );
    assert!(
        server.event("stopped").is_some(),
        "no 'stopped' in the log:\n{}",
        server.log()
    );

    let stream = stream.join().unwrap();
    let odd: Vec<&u16> = stream.statuses.iter().filter(|s| **s != 201).collect();
    assert!(odd.is_empty(), "writes during shutdown answered {odd:?}");
    assert!(!stream.acknowledged.is_empty());

    // Everything acknowledged, the in-flight post included, is there after a restart.
    let restarted = Server::start(dir.path(), &[]);
    for id in stream.acknowledged.iter().chain([&in_flight_id]) {
        let (status, v) = get(
            &http,
            &format!("{}/v1/posts/{id}", restarted.base),
            &rider.token,
        )
        .unwrap();
        assert_eq!(
            status, 200,
            "acknowledged post {id} is gone after {signal}: {v}"
        );
    }
    eprintln!(
        "{signal}: the stream had {} writes acknowledged; drained, then closed after {:?}, exited 0 after {:?}",
        stream.acknowledged.len(),
        closed - signalled,
        signalled.elapsed()
    );
    restarted.stop();
}

#[test]
fn sigterm_drains_requests_and_exits_zero() {
    drains_then_exits_cleanly(Signal::SIGTERM);
}

#[test]
fn sigint_drains_requests_and_exits_zero() {
    drains_then_exits_cleanly(Signal::SIGINT);
}

// ---- (b) readiness while the store loads ------------------------------------------------------

#[test]
fn requests_before_the_store_is_loaded_get_503_not_wrong_answers() {
    let dir = tempfile::tempdir().unwrap();
    let server = Server::start(dir.path(), &[]);
    let rider = sign_up(&Client::new(), &server.base, "loader", "Lifecycle");
    let http = Client::new();
    // A store big enough that loading it takes a while: posts and likes, 1,000 per request.
    let batches = 40;
    for b in 0..batches {
        let ops: Vec<Value> = (0..1000)
            .map(|i| json!({"op": "post", "body": format!("bulk {b}-{i}"), "visibility": "public", "interests": ["Bulk"]}))
            .collect();
        let res = http
            .post(format!("{}/v1/batch", server.base))
            .bearer_auth(&rider.token)
            .json(&json!({ "ops": ops }))
            .send()
            .unwrap();
        assert_eq!(res.status().as_u16(), 200);
        let v: Value = res.json().unwrap();
        let ids: Vec<u64> = v["results"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r["body"]["id"].as_u64().unwrap())
            .collect();
        let likes: Vec<Value> = ids
            .iter()
            .map(|id| json!({"op": "like", "post_id": id}))
            .collect();
        let res = http
            .post(format!("{}/v1/batch", server.base))
            .bearer_auth(&rider.token)
            .json(&json!({ "ops": likes }))
            .send()
            .unwrap();
        assert_eq!(res.status().as_u16(), 200);
    }
    let posts = batches * 1000;
    server.stop();

    let restarted = Server::spawn(dir.path(), &[]);
    let me = format!("{}/v1/riders/me", restarted.base);
    let by_handle = format!("{}/v1/riders/by-handle/loader", restarted.base);
    let mut early = Vec::new();
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let ready = http
            .get(format!("{}/health/ready", restarted.base))
            .send()
            .unwrap();
        let ready_status = ready.status().as_u16();
        let live = http
            .get(format!("{}/health/live", restarted.base))
            .send()
            .unwrap();
        assert_eq!(live.status().as_u16(), 200, "/health/live while starting");
        if ready_status == 200 {
            break;
        }
        assert_eq!(ready_status, 503, "/health/ready while starting");
        assert_eq!(ready.json::<Value>().unwrap()["status"], json!("starting"));
        for url in [&me, &by_handle] {
            let (status, v) = get(&http, url, &rider.token).unwrap();
            // Not 401 (the rider is not loaded yet), not 404: the server is not ready.
            if status != 200 || v["post_count"] != json!(posts) {
                assert_eq!(
                    (status, &v["error"]["code"]),
                    (503, &json!("unavailable")),
                    "{url} before ready answered {status} {v}"
                );
            }
            early.push(status);
        }
        assert!(Instant::now() < deadline, "never ready");
    }
    let (status, v) = get(&http, &me, &rider.token).unwrap();
    assert_eq!(
        (status, &v["post_count"]),
        (200, &json!(posts)),
        "after ready: {v}"
    );
    let load_ms = restarted
        .event("graph rebuilt from the store")
        .and_then(|e| e.pointer("/fields/elapsed_ms").and_then(Value::as_u64))
        .unwrap();
    let unavailable = early.iter().filter(|s| **s == 503).count();
    eprintln!(
        "loading {posts} posts and likes took {load_ms} ms; {} requests answered before ready, {unavailable} of them 503",
        early.len()
    );
    // Requests queue in the listen backlog while the graph loads: a long load must be seen.
    if load_ms >= 200 {
        assert!(
            unavailable > 0,
            "the store took {load_ms} ms to load, yet no request saw 503"
        );
    }
    restarted.stop();
}

// ---- (c) the token tool and the lock --------------------------------------------------------

fn token_of(out: &Output) -> String {
    assert!(
        out.status.success(),
        "pillion token failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout.clone())
        .unwrap()
        .trim()
        .to_owned()
}

#[test]
fn token_tool_works_beside_a_running_server_and_the_lock_refuses_a_second_one() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().to_str().unwrap();
    let server = Server::start(dir.path(), &[]);
    let rider = sign_up(&Client::new(), &server.base, "token_rider", "Lifecycle");
    let http = Client::new();
    let me = format!("{}/v1/riders/me", server.base);

    let by_handle = token_of(&run(&["token", "--data", data, "token_rider"], &[]));
    let by_id = token_of(&run(&["token", "--data", data, &rider.id.to_string()], &[]));
    let by_env = token_of(&run(
        &["token", "token_rider"],
        &[("PILLION_DATA", dir.path())],
    ));
    for token in [&by_handle, &by_id, &by_env] {
        let (status, v) = get(&http, &me, token).unwrap();
        assert_eq!(
            (status, &v["id"], &v["handle"]),
            (200, &json!(rider.id), &json!("token_rider"))
        );
    }

    let admin = token_of(&run(&["token", "--data", data, "--admin"], &[]));
    let (status, v) = get(&http, &me, &admin).unwrap();
    assert_eq!(
        (status, &v["error"]["code"]),
        (403, &json!("forbidden")),
        "{v}"
    );
    let res = http
        .post(format!("{}/v1/posts", server.base))
        .bearer_auth(&admin)
        .json(&json!({"body": "operators do not post"}))
        .send()
        .unwrap();
    assert_eq!(res.status().as_u16(), 403);

    let nobody = run(&["token", "--data", data, "nobody_here"], &[]);
    assert!(!nobody.status.success());
    assert!(
        String::from_utf8_lossy(&nobody.stderr).contains("no rider"),
        "{nobody:?}"
    );
    let elsewhere = tempfile::tempdir().unwrap();
    let no_key = run(
        &[
            "token",
            "--data",
            elsewhere.path().to_str().unwrap(),
            "--admin",
        ],
        &[],
    );
    assert!(
        !no_key.status.success(),
        "a token without a signing key: {no_key:?}"
    );

    // Were the lock broken, the second server would run: it gets a few seconds to give up.
    let mut second = pillion()
        .args(["serve", "--data", data, "--listen", "127.0.0.1:0"])
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(10);
    let status = loop {
        if let Some(status) = second.try_wait().unwrap() {
            break status;
        }
        if Instant::now() > deadline {
            let _ = second.kill();
            let _ = second.wait();
            panic!("a second server on the same data directory kept running");
        }
        std::thread::sleep(Duration::from_millis(10));
    };
    let mut stderr = String::new();
    second
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut stderr)
        .unwrap();
    assert!(
        !status.success(),
        "a second server on the same data exited 0: {stderr}"
    );
    assert!(
        stderr.contains("another pillion server is using"),
        "the second server's message does not say why: {stderr}"
    );
    let ready = http
        .get(format!("{}/health/ready", server.base))
        .send()
        .unwrap();
    assert_eq!(
        ready.status().as_u16(),
        200,
        "the first server suffered from the second"
    );
    server.stop();
}

// ---- (d), (e) the command line ----------------------------------------------------------------

#[test]
fn help_exits_zero_and_names_the_environment_variables() {
    for (args, vars) in [
        (&["--help"][..], &["PILLION_LOG_FORMAT"][..]),
        (
            &["serve", "--help"],
            &["PILLION_DATA", "PILLION_LISTEN", "PILLION_SHUTDOWN_TIMEOUT"],
        ),
        (&["token", "--help"], &["PILLION_DATA", "PILLION_TOKEN_TTL"]),
    ] {
        let out = run(args, &[]);
        let help = String::from_utf8_lossy(&out.stdout);
        assert!(out.status.success(), "pillion {args:?}: {out:?}");
        for var in vars {
            assert!(
                help.contains(var),
                "pillion {args:?} does not mention {var}:\n{help}"
            );
        }
    }
}

#[test]
fn unknown_flags_and_commands_exit_non_zero() {
    for args in [
        &["serve", "--no-such-flag"][..],
        &["--no-such-flag"],
        &["token", "--admin", "--no-such-flag"],
        &["no-such-command"],
        &[],
    ] {
        let out = run(args, &[]);
        assert!(!out.status.success(), "pillion {args:?} succeeded");
        assert!(
            !out.stderr.is_empty(),
            "pillion {args:?} failed without a word"
        );
    }
}
