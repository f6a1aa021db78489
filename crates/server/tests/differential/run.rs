//! A case being played against a server and the model side by side: the checks every step uses
//! (status and error shape, whole lists, pages of two) and how op arguments pick riders and posts.

use proptest::test_runner::TestCaseError;
use reqwest::Method;
use serde_json::{json, Value};

use super::compare::{first_difference, project};
use super::coverage::{CaseCoverage, Coverage};
use super::harness::{segment, Reply, TestServer};
use super::model::{self, Model};
use super::ops::{PostRef, Target};

pub type Check = Result<(), TestCaseError>;

/// Which riders a [`Target::Pick`] chooses among.
#[derive(Clone, Copy)]
pub enum Among {
    /// Those who asked the actor to be friends.
    Requesters,
    Friends,
    /// Anyone but the actor and their friends.
    Strangers,
}

/// One case being played against a server and the model side by side.
pub struct Run<'a> {
    pub server: &'a TestServer,
    pub model: Model,
    /// What each step did, for the failure message.
    pub log: Vec<String>,
    pub coverage: Coverage,
    pub reached: CaseCoverage,
}

impl Run<'_> {
    pub fn fail(&self, what: String) -> TestCaseError {
        TestCaseError::fail(format!(
            "{what}\n\nsteps so far:\n{}",
            self.log
                .iter()
                .map(|l| format!("  {l}"))
                .collect::<Vec<_>>()
                .join("\n")
        ))
    }

    pub fn same(&self, what: &str, expected: &Value, actual: &Value) -> Check {
        let actual = project(actual, expected);
        match first_difference(expected, &actual) {
            None => Ok(()),
            Some(d) => Err(self.fail(format!(
                "{what} differs from the model\n  at {d}\n  expected: {expected}\n  actual:   {actual}"
            ))),
        }
    }

    /// The op's status (and error code) is the one the model expects.
    pub fn status(&self, what: &str, reply: &Reply, status: u16) -> Check {
        if reply.status != status {
            return Err(self.fail(format!(
                "{what}: expected status {status}, got {} {}",
                reply.status, reply.body
            )));
        }
        let code = match status {
            400 => "invalid_request",
            401 => "unauthorized",
            403 => "forbidden",
            404 => "not_found",
            409 => "conflict",
            _ => return Ok(()),
        };
        let shape_ok = reply.body.pointer("/error/code") == Some(&json!(code))
            && reply
                .body
                .pointer("/error/message")
                .and_then(Value::as_str)
                .is_some_and(|m| !m.is_empty());
        if shape_ok {
            Ok(())
        } else {
            Err(self.fail(format!(
                "{what}: expected the error body {{\"error\": {{\"code\": \"{code}\", \"message\": ...}}}}, got {}",
                reply.body
            )))
        }
    }

    /// A whole list (limit=100 holds it all): status 200, no next page, items as the model says.
    pub fn list(&self, what: &str, path: &str, token: &str, expected: Value) -> Check {
        let sep = if path.contains('?') { '&' } else { '?' };
        let reply = self.server.get(&format!("{path}{sep}limit=100"), token);
        self.status(what, &reply, 200)?;
        if reply.body.get("next_cursor") != Some(&Value::Null) {
            return Err(self.fail(format!(
                "{what}: a list of {} items (limit 100) should have next_cursor null, got {}",
                expected.as_array().map_or(0, Vec::len),
                reply.body
            )));
        }
        self.same(what, &expected, &reply.body["items"])
    }

    /// Like [`Run::list`] for a list whose order the model cannot know (friends are listed by
    /// friendship time, which the API does not show): the items are compared by id.
    pub fn list_by_id(&self, what: &str, path: &str, token: &str, expected: Value) -> Check {
        let reply = self.server.get(&format!("{path}?limit=100"), token);
        self.status(what, &reply, 200)?;
        let mut items = reply.body["items"].as_array().cloned().unwrap_or_default();
        items.sort_by_key(|i| i["id"].as_u64());
        if reply.body.get("next_cursor") != Some(&Value::Null) {
            return Err(self.fail(format!(
                "{what}: next_cursor should be null: {}",
                reply.body
            )));
        }
        self.same(
            &format!("{what} (sorted by id)"),
            &expected,
            &Value::Array(items),
        )
    }

    /// Walks a list two items a page; the pages together must be the whole list, in order.
    pub fn walk(&self, what: &str, path: &str, token: &str, expected: &Value) -> Check {
        let mut items: Vec<Value> = Vec::new();
        let mut cursor: Option<String> = None;
        for _ in 0..200 {
            let url = match &cursor {
                None => format!("{path}?limit=2"),
                Some(c) => format!("{path}?limit=2&cursor={}", segment(c)),
            };
            let reply = self.server.get(&url, token);
            self.status(
                &format!("{what}, page {}", items.len() / 2 + 1),
                &reply,
                200,
            )?;
            let page = reply.body["items"].as_array().cloned().unwrap_or_default();
            if page.len() > 2 {
                return Err(self.fail(format!(
                    "{what}: a page of limit 2 held {} items",
                    page.len()
                )));
            }
            items.extend(page);
            match reply.body["next_cursor"].as_str() {
                Some(c) => cursor = Some(c.to_owned()),
                None => {
                    return self.same(
                        &format!("{what}, walked 2 a page"),
                        expected,
                        &Value::Array(items),
                    )
                }
            }
        }
        Err(self.fail(format!("{what}: walking 2 a page never ended")))
    }

    pub fn token(&self, r: usize) -> String {
        self.model.token(r).unwrap_or_default().to_owned()
    }

    pub fn send(&self, method: Method, path: &str, who: usize, body: Option<&Value>) -> Reply {
        let token = self.token(who);
        self.server.call(method, path, Some(&token), body)
    }

    /// The rider a target names, for `who`.
    pub fn target(&self, who: usize, t: Target, among: Among) -> usize {
        let n = match t {
            Target::Rider(r) => return r,
            Target::Pick(n) => n,
        };
        let m = &self.model;
        let candidates: Vec<usize> = m
            .signed_up()
            .filter(|r| match among {
                Among::Requesters => m.requested(*r, who),
                Among::Friends => m.are_friends(who, *r),
                Among::Strangers => *r != who && !m.are_friends(who, *r),
            })
            .collect();
        if candidates.is_empty() {
            n
        } else {
            candidates[n % candidates.len()]
        }
    }

    /// The post a reference names, for `who`: its index in the model and its id.
    pub fn post_ref(&self, who: usize, r: PostRef) -> (Option<usize>, u64) {
        self.post_ref_among(who, r, self.model.posts.len())
    }

    /// Like [`Run::post_ref`], among the first `among` posts only.
    pub fn post_ref_among(&self, who: usize, r: PostRef, among: usize) -> (Option<usize>, u64) {
        let m = &self.model;
        let p = match r {
            PostRef::Any(n) => (among > 0).then(|| n % among),
            PostRef::Seen(n) => {
                let seen: Vec<usize> = (0..among)
                    .filter(|p| m.can_see(who, &m.posts[*p]))
                    .collect();
                if seen.is_empty() {
                    (among > 0).then(|| n % among)
                } else {
                    Some(seen[n % seen.len()])
                }
            }
        };
        (p, p.map_or(model::NO_SUCH_POST, |p| m.posts[p].id))
    }
}
