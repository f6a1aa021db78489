//! A real server per test case: `pillion_server::run` on 127.0.0.1:0 with its own temporary data
//! directory, on a background thread with its own tokio runtime, spoken to over HTTP.

use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use pillion_server::{Config, HashCost};
use reqwest::blocking::Client;
use reqwest::Method;
use serde_json::Value;

/// A status and a JSON body (`Null` when the body is empty).
#[derive(Debug, Clone)]
pub struct Reply {
    pub status: u16,
    pub body: Value,
}

pub struct TestServer {
    base: String,
    http: Client,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    thread: Option<JoinHandle<anyhow::Result<()>>>,
    _dir: tempfile::TempDir,
}

impl TestServer {
    /// Starts a server on a fresh data directory and waits until it is ready.
    pub fn start(http: Client) -> TestServer {
        let dir = tempfile::tempdir().unwrap();
        let mut config = Config::new(dir.path());
        config.hash_cost = HashCost::InsecureFast;
        // Riders cross the hybrid feed's threshold up and down within a case, so both feed
        // paths (merge on read, materialised timeline) are compared with the model.
        config.heavy_threshold = 2;
        // Every step reads every list as every rider: far beyond the production default.
        config.rate_limit = 10_000_000;
        config.shutdown_timeout = Duration::from_secs(5);
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        listener.set_nonblocking(true).unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let thread = std::thread::Builder::new()
            .name("pillion-test-server".into())
            .spawn(move || {
                let runtime = tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build()?;
                runtime.block_on(async move {
                    let listener = tokio::net::TcpListener::from_std(listener)?;
                    pillion_server::run(config, listener, async {
                        let _ = stopped.await;
                    })
                    .await
                })
            })
            .unwrap();
        let server = TestServer {
            base,
            http,
            stop: Some(stop),
            thread: Some(thread),
            _dir: dir,
        };
        server.wait_ready();
        server
    }

    fn wait_ready(&self) {
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            if let Ok(r) = self.http.get(format!("{}/health/ready", self.base)).send() {
                if r.status().as_u16() == 200 {
                    return;
                }
            }
            assert!(Instant::now() < deadline, "server never became ready");
            std::thread::sleep(Duration::from_millis(2));
        }
    }

    /// One request; panics only if the server does not answer at all.
    pub fn call(
        &self,
        method: Method,
        path: &str,
        token: Option<&str>,
        body: Option<&Value>,
    ) -> Reply {
        let mut req = self
            .http
            .request(method.clone(), format!("{}{path}", self.base));
        if let Some(t) = token {
            req = req.bearer_auth(t);
        }
        if let Some(b) = body {
            req = req.json(b);
        }
        let res = req
            .send()
            .unwrap_or_else(|e| panic!("{method} {path}: no answer from the server: {e}"));
        let status = res.status().as_u16();
        let bytes = res.bytes().unwrap();
        let body = if bytes.is_empty() {
            Value::Null
        } else {
            serde_json::from_slice(&bytes).unwrap_or_else(|e| {
                panic!(
                    "{method} {path} answered {status} with a body that is not JSON ({e}): {}",
                    String::from_utf8_lossy(&bytes)
                )
            })
        };
        Reply { status, body }
    }

    pub fn get(&self, path: &str, token: &str) -> Reply {
        self.call(Method::GET, path, Some(token), None)
    }
}

impl Drop for TestServer {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(thread) = self.thread.take() {
            match thread.join() {
                Ok(Ok(())) => {}
                Ok(Err(e)) if !std::thread::panicking() => panic!("server failed: {e:#}"),
                Err(_) if !std::thread::panicking() => panic!("server thread panicked"),
                _ => {}
            }
        }
    }
}

/// Percent-encodes one path segment: everything but RFC 3986 unreserved characters.
pub fn segment(s: &str) -> String {
    let mut out = String::with_capacity(s.len() * 3);
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}
