//! What the integration tests of the real binary share: `pillion serve` as a child process (its
//! address read from its JSON log, readiness, signals, exit), and signing riders up.
//!
//! Each test file is its own crate and uses only part of this module, hence the
//! `#[allow(dead_code)]`s.

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, ExitStatus, Output, Stdio};
use std::sync::{mpsc, Arc, Mutex};
use std::time::{Duration, Instant};

#[cfg(unix)]
use nix::sys::signal::{kill, Signal};
#[cfg(unix)]
use nix::unistd::Pid;
use reqwest::blocking::Client;
use serde_json::{json, Value};

/// The binary under test.
pub fn pillion() -> Command {
    Command::new(env!("CARGO_BIN_EXE_pillion"))
}

/// Runs `pillion` with `args` to the end.
#[allow(dead_code)]
pub fn run(args: &[&str], env: &[(&str, &Path)]) -> Output {
    let mut cmd = pillion();
    cmd.args(args).stdin(Stdio::null());
    for (k, v) in env {
        cmd.env(k, v);
    }
    cmd.output().unwrap()
}

// ---- the server process --------------------------------------------------------------------

/// `pillion serve` as a child process, its address read from its JSON log.
pub struct Server {
    child: Child,
    #[allow(dead_code)]
    pub addr: String,
    pub base: String,
    /// Every line the server wrote to stderr, as written.
    log: Arc<Mutex<Vec<String>>>,
}

#[allow(dead_code)]
impl Server {
    /// Starts a server with `extra` arguments to `serve` and returns once it said where it
    /// listens (it may still be loading).
    pub fn spawn(data: &Path, extra: &[&str]) -> Server {
        let mut child = pillion()
            .args(["--log-format", "json", "serve", "--data"])
            .arg(data)
            .args(["--listen", "127.0.0.1:0", "--insecure-fast-hashing"])
            .args(extra)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let stderr = child.stderr.take().unwrap();
        let log = Arc::new(Mutex::new(Vec::new()));
        let (addr_tx, addr_rx) = mpsc::channel();
        let lines = Arc::clone(&log);
        // Reads stderr to the end, or the child would block on a full pipe.
        std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines() {
                let Ok(line) = line else { break };
                if let Ok(v) = serde_json::from_str::<Value>(&line) {
                    if v.pointer("/fields/message") == Some(&json!("listening")) {
                        if let Some(addr) = v.pointer("/fields/addr").and_then(Value::as_str) {
                            let _ = addr_tx.send(addr.to_owned());
                        }
                    }
                }
                lines.lock().unwrap().push(line);
            }
        });
        let Ok(addr) = addr_rx.recv_timeout(Duration::from_secs(20)) else {
            let _ = child.kill();
            panic!(
                "the server never said where it listens; its log:\n{}",
                log.lock().unwrap().join("\n")
            );
        };
        Server {
            child,
            base: format!("http://{addr}"),
            addr,
            log,
        }
    }

    /// Starts a server and waits up to 60 s for it to be ready.
    pub fn start(data: &Path, extra: &[&str]) -> Server {
        let s = Server::spawn(data, extra);
        s.wait_ready(Duration::from_secs(60));
        s
    }

    /// Waits up to `limit` for `/health/ready` to answer 200.
    pub fn wait_ready(&self, limit: Duration) {
        let http = Client::new();
        let deadline = Instant::now() + limit;
        while Instant::now() < deadline {
            let ready = http.get(format!("{}/health/ready", self.base)).send();
            if ready.is_ok_and(|r| r.status().as_u16() == 200) {
                return;
            }
            std::thread::sleep(Duration::from_millis(5));
        }
        panic!("the server never became ready; its log:\n{}", self.log());
    }

    pub fn log(&self) -> String {
        self.log.lock().unwrap().join("\n")
    }

    /// The first log event with this message, waiting for it a while: the log is read on
    /// another thread, which may lag behind what the server did.
    pub fn event(&self, message: &str) -> Option<Value> {
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            let found = self
                .log
                .lock()
                .unwrap()
                .iter()
                .filter_map(|line| serde_json::from_str::<Value>(line).ok())
                .find(|v| v.pointer("/fields/message") == Some(&json!(message)));
            if found.is_some() || Instant::now() > deadline {
                return found;
            }
            std::thread::sleep(Duration::from_millis(5));
        }
    }

    /// SIGKILL: no shutdown code runs.
    pub fn kill(mut self) {
        if let Ok(Some(status)) = self.child.try_wait() {
            panic!(
                "the server died on its own before it was killed ({status}); its log:\n{}",
                self.log()
            );
        }
        self.child.kill().unwrap();
        self.child.wait().unwrap();
    }

    #[cfg(unix)]
    pub fn signal(&self, signal: Signal) {
        kill(
            Pid::from_raw(i32::try_from(self.child.id()).unwrap()),
            signal,
        )
        .unwrap();
    }

    /// Waits for the process to end by itself within `limit`.
    pub fn wait_exit(&mut self, limit: Duration) -> ExitStatus {
        let deadline = Instant::now() + limit;
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                return status;
            }
            if Instant::now() > deadline {
                let _ = self.child.kill();
                panic!(
                    "the server did not exit within {limit:?}; its log:\n{}",
                    self.log()
                );
            }
            std::thread::sleep(Duration::from_millis(5));
        }
    }

    /// Stops the server with SIGTERM and checks that it exits cleanly.
    #[cfg(unix)]
    pub fn stop(mut self) {
        self.signal(Signal::SIGTERM);
        let status = self.wait_exit(Duration::from_secs(20));
        assert!(
            status.success(),
            "exit status {status}; log:\n{}",
            self.log()
        );
    }
}

impl Drop for Server {
    /// A failing test must not leave a server behind.
    fn drop(&mut self) {
        if let Ok(None) = self.child.try_wait() {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}

// ---- HTTP ------------------------------------------------------------------------------------

/// `GET url` as the holder of `token`: (status, JSON body or null), or the transport error.
#[allow(dead_code)]
pub fn get(http: &Client, url: &str, token: &str) -> Result<(u16, Value), reqwest::Error> {
    let res = http.get(url).bearer_auth(token).send()?;
    let status = res.status().as_u16();
    Ok((status, res.json().unwrap_or(Value::Null)))
}

// ---- riders ----------------------------------------------------------------------------------

#[allow(dead_code)]
pub struct Rider {
    pub id: u64,
    pub token: String,
}

/// Signs a rider up (password `password1`) and returns its id and token.
#[allow(dead_code)]
pub fn sign_up(http: &Client, base: &str, handle: &str, name: &str) -> Rider {
    let body = json!({"handle": handle, "name": name, "password": "password1"});
    let res = http
        .post(format!("{base}/v1/riders"))
        .json(&body)
        .send()
        .unwrap();
    assert_eq!(res.status().as_u16(), 201);
    let v: Value = res.json().unwrap();
    Rider {
        id: v["rider"]["id"].as_u64().unwrap(),
        token: v["token"].as_str().unwrap().to_owned(),
    }
}
