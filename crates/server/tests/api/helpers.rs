//! The harness: a real server on port 0 with its own temporary data directory, driven over HTTP
//! with a blocking client, plus small helpers that keep the tests about behaviour.

use std::sync::Mutex;
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use pillion_server::{Config, HashCost};
use reqwest::blocking::Client;
use reqwest::header::HeaderMap;
use reqwest::Method;
use serde_json::{json, Value};
use tempfile::TempDir;

pub const PASSWORD: &str = "correct horse battery";

/// A running server; dropping it shuts the server down and checks that it stopped cleanly.
pub struct TestApp {
    pub base: String,
    pub client: Client,
    dir: Option<TempDir>,
    stop: Mutex<Option<tokio::sync::oneshot::Sender<()>>>,
    server: Option<JoinHandle<anyhow::Result<()>>>,
}

/// A signed-up rider and one of their tokens.
#[derive(Debug, Clone)]
pub struct Rider {
    pub id: u64,
    pub handle: String,
    pub token: String,
}

/// Who makes a request: a rider, a raw token, or nobody.
pub trait Auth {
    fn bearer(&self) -> Option<&str>;
}

impl Auth for Rider {
    fn bearer(&self) -> Option<&str> {
        Some(&self.token)
    }
}

impl Auth for str {
    fn bearer(&self) -> Option<&str> {
        Some(self)
    }
}

impl Auth for String {
    fn bearer(&self) -> Option<&str> {
        Some(self)
    }
}

/// No `Authorization` header at all.
pub struct Anon;

impl Auth for Anon {
    fn bearer(&self) -> Option<&str> {
        None
    }
}

pub enum Payload {
    None,
    Json(Value),
    Raw(Vec<u8>),
}

/// A response, read completely.
#[derive(Debug)]
pub struct Resp {
    pub status: u16,
    pub headers: HeaderMap,
    pub text: String,
    pub body: Value,
}

impl Resp {
    /// Asserts the status and returns the JSON body.
    #[track_caller]
    pub fn ok(self, status: u16) -> Value {
        assert_eq!(
            self.status, status,
            "unexpected status; body: {}",
            self.text
        );
        self.body
    }

    /// Asserts the contract's error shape with this status and code; returns the message.
    #[track_caller]
    pub fn err(&self, status: u16, code: &str) -> String {
        assert_eq!(
            self.status, status,
            "unexpected status; body: {}",
            self.text
        );
        assert_eq!(self.body["error"]["code"], code, "body: {}", self.text);
        let content_type = self
            .headers
            .get("content-type")
            .map(|v| v.to_str().unwrap());
        assert_eq!(content_type, Some("application/json"), "error content type");
        let message = self.body["error"]["message"].as_str().unwrap_or_default();
        assert!(
            !message.is_empty(),
            "error without a message: {}",
            self.text
        );
        message.to_owned()
    }
}

impl TestApp {
    pub fn spawn() -> TestApp {
        Self::spawn_with(|_| {})
    }

    /// Starts a server with the test defaults, adjusted by `configure`, and waits until ready.
    pub fn spawn_with(configure: impl FnOnce(&mut Config)) -> TestApp {
        Self::start(tempfile::tempdir().unwrap(), configure)
    }

    /// Stops the server cleanly and starts a new one on the same data directory.
    pub fn restart(mut self) -> TestApp {
        self.stop_and_join();
        let dir = self.dir.take().unwrap();
        Self::start(dir, |_| {})
    }

    fn start(dir: TempDir, configure: impl FnOnce(&mut Config)) -> TestApp {
        let mut config = Config::new(dir.path());
        config.hash_cost = HashCost::InsecureFast;
        config.shutdown_timeout = Duration::from_secs(5);
        configure(&mut config);
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        listener.set_nonblocking(true).unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let server = std::thread::spawn(move || {
            let rt = tokio::runtime::Builder::new_multi_thread()
                .worker_threads(2)
                .enable_all()
                .build()?;
            rt.block_on(async move {
                let listener = tokio::net::TcpListener::from_std(listener)?;
                pillion_server::run(config, listener, async {
                    let _ = stopped.await;
                })
                .await
            })
        });
        let client = Client::builder()
            .timeout(Duration::from_secs(30))
            .build()
            .unwrap();
        let app = TestApp {
            base,
            client,
            dir: Some(dir),
            stop: Mutex::new(Some(stop)),
            server: Some(server),
        };
        app.wait_ready();
        app
    }

    fn wait_ready(&self) {
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            let ready = self
                .client
                .get(format!("{}/health/ready", self.base))
                .send()
                .is_ok_and(|r| r.status() == 200);
            if ready {
                return;
            }
            assert!(Instant::now() < deadline, "server never became ready");
            std::thread::sleep(Duration::from_millis(5));
        }
    }

    pub fn data_dir(&self) -> &std::path::Path {
        self.dir.as_ref().unwrap().path()
    }

    /// Sends the shutdown signal without waiting (the server then drains).
    pub fn begin_shutdown(&self) {
        if let Some(stop) = self.stop.lock().unwrap().take() {
            let _ = stop.send(());
        }
    }

    pub fn request(
        &self,
        method: Method,
        who: &(impl Auth + ?Sized),
        path: &str,
        payload: Payload,
    ) -> Resp {
        let mut req = self.client.request(method, format!("{}{path}", self.base));
        if let Some(token) = who.bearer() {
            req = req.bearer_auth(token);
        }
        req = match payload {
            Payload::None => req,
            Payload::Json(v) => req.json(&v),
            Payload::Raw(bytes) => req.header("content-type", "application/json").body(bytes),
        };
        let res = req.send().unwrap();
        let status = res.status().as_u16();
        let headers = res.headers().clone();
        let text = res.text().unwrap();
        let body = serde_json::from_str(&text).unwrap_or(Value::Null);
        assert_ne!(status, 500, "a 500 for {path}: {text}");
        Resp {
            status,
            headers,
            text,
            body,
        }
    }

    pub fn get(&self, who: &(impl Auth + ?Sized), path: &str) -> Resp {
        self.request(Method::GET, who, path, Payload::None)
    }

    pub fn post(&self, who: &(impl Auth + ?Sized), path: &str, body: Value) -> Resp {
        self.request(Method::POST, who, path, Payload::Json(body))
    }

    /// A POST without a body (friend requests, accept, decline, follow).
    pub fn post_empty(&self, who: &(impl Auth + ?Sized), path: &str) -> Resp {
        self.request(Method::POST, who, path, Payload::None)
    }

    pub fn post_raw(&self, who: &(impl Auth + ?Sized), path: &str, bytes: Vec<u8>) -> Resp {
        self.request(Method::POST, who, path, Payload::Raw(bytes))
    }

    pub fn patch(&self, who: &(impl Auth + ?Sized), path: &str, body: Value) -> Resp {
        self.request(Method::PATCH, who, path, Payload::Json(body))
    }

    pub fn put(&self, who: &(impl Auth + ?Sized), path: &str) -> Resp {
        self.request(Method::PUT, who, path, Payload::None)
    }

    pub fn delete(&self, who: &(impl Auth + ?Sized), path: &str) -> Resp {
        self.request(Method::DELETE, who, path, Payload::None)
    }

    /// Signs up `handle` (name: the handle in capitals) and returns the rider with its token.
    pub fn sign_up(&self, handle: &str) -> Rider {
        let body = self
            .post(
                &Anon,
                "/v1/riders",
                json!({"handle": handle, "name": handle.to_uppercase(), "password": PASSWORD}),
            )
            .ok(201);
        Rider {
            id: body["rider"]["id"].as_u64().unwrap(),
            handle: handle.to_owned(),
            token: body["token"].as_str().unwrap().to_owned(),
        }
    }

    /// Signs up `n` riders named `<prefix>00`, `<prefix>01`, ...
    pub fn sign_up_many(&self, prefix: &str, n: usize) -> Vec<Rider> {
        (0..n)
            .map(|i| self.sign_up(&format!("{prefix}{i:02}")))
            .collect()
    }

    /// Makes `a` and `b` friends: a request and its acceptance.
    pub fn befriend(&self, a: &Rider, b: &Rider) {
        let sent = self.post_empty(a, &format!("/v1/riders/{}/friend-request", b.id));
        assert_eq!(sent.ok(201)["status"], "requested");
        let accepted = self.post_empty(b, &format!("/v1/friend-requests/{}/accept", a.id));
        assert_eq!(accepted.ok(200)["status"], "friends");
    }

    /// Creates a post from a JSON body and returns it.
    pub fn create_post(&self, who: &Rider, body: Value) -> Value {
        self.post(who, "/v1/posts", body).ok(201)
    }

    /// Creates a post with this text and visibility and returns its id.
    pub fn post_text(&self, who: &Rider, text: &str, visibility: &str) -> u64 {
        let post = self.create_post(who, json!({"body": text, "visibility": visibility}));
        post["id"].as_u64().unwrap()
    }

    /// The first page (default limit) of a list route.
    pub fn items(&self, who: &(impl Auth + ?Sized), path: &str) -> Vec<Value> {
        let page = self.get(who, path).ok(200);
        page["items"].as_array().unwrap().clone()
    }

    /// The ids of the first page of a list route (`limit=100`).
    pub fn list_ids(&self, who: &(impl Auth + ?Sized), path: &str) -> Vec<u64> {
        let sep = if path.contains('?') { '&' } else { '?' };
        ids(&self.items(who, &format!("{path}{sep}limit=100")))
    }

    /// Walks every page of a list with `limit`, checking each page's size; returns all items.
    pub fn walk(&self, who: &(impl Auth + ?Sized), path: &str, limit: usize) -> Vec<Value> {
        let sep = if path.contains('?') { '&' } else { '?' };
        let mut all = Vec::new();
        let mut cursor: Option<String> = None;
        for _ in 0..10_000 {
            let url = match &cursor {
                None => format!("{path}{sep}limit={limit}"),
                Some(c) => format!("{path}{sep}limit={limit}&cursor={}", enc(c)),
            };
            let page = self.get(who, &url).ok(200);
            let items = page["items"].as_array().unwrap();
            assert!(items.len() <= limit, "page larger than limit {limit}");
            all.extend(items.iter().cloned());
            match page["next_cursor"].as_str() {
                Some(c) => cursor = Some(c.to_owned()),
                None => {
                    assert!(page["next_cursor"].is_null(), "next_cursor must be null");
                    return all;
                }
            }
        }
        panic!("{path} never ended");
    }
}

impl TestApp {
    fn stop_and_join(&mut self) {
        self.begin_shutdown();
        if let Some(server) = self.server.take() {
            let result = server.join();
            if !std::thread::panicking() {
                match result {
                    Ok(Ok(())) => {}
                    Ok(Err(e)) => panic!("server ended with an error: {e:#}"),
                    Err(_) => panic!("server thread panicked"),
                }
            }
        }
    }
}

impl Drop for TestApp {
    fn drop(&mut self) {
        self.stop_and_join();
    }
}

/// The `id`s of a list of objects.
pub fn ids(items: &[Value]) -> Vec<u64> {
    items.iter().map(|v| v["id"].as_u64().unwrap()).collect()
}

/// Percent-encodes a path segment or query value (everything but RFC 3986 unreserved bytes).
pub fn enc(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// Asserts that ids are strictly decreasing: newest first (ids and times grow together).
#[track_caller]
pub fn assert_newest_first(items: &[Value]) {
    let ids = ids(items);
    assert!(
        ids.windows(2).all(|w| w[0] > w[1]),
        "not newest first: {ids:?}"
    );
    let times: Vec<&str> = items
        .iter()
        .map(|v| v["created_at"].as_str().unwrap())
        .collect();
    assert!(
        times.windows(2).all(|w| w[0] >= w[1]),
        "created_at not descending: {times:?}"
    );
}
