//! One step: the op is sent to the server, the model says what the answer must be (and changes
//! to match), the answer is compared, and then everything every rider sees.

use proptest::test_runner::TestCaseError;
use reqwest::Method;
use serde_json::{json, Value};

use super::harness::{segment, Reply};
use super::model;
use super::ops::{Op, PostRef, Vis, INTERESTS};
use super::run::{Among, Check, Run};

/// The answer to a step, and a note for the log (which rider or post the op chose).
type Sent = Result<(Reply, String), TestCaseError>;

impl Run<'_> {
    /// Sends the op, checks its answer against the model, and brings the model along.
    pub fn step(&mut self, i: usize, op: &Op) -> Check {
        let label = format!("step {i} ({op:?})");
        let actor = op.actor();
        if let Some(actor) = actor.filter(|a| self.model.rider(*a).is_none()) {
            return self.skip(i, op, &format!("r{actor} has not signed up"));
        }
        let (reply, note) = match op {
            Op::SignUp(r) => self.sign_up(&label, *r)?,
            Op::Answer { n, accept } => {
                let pending = self.model.pending();
                let Some(&(from, to)) = pending.get(n % pending.len().max(1)) else {
                    return self.skip(i, op, "no request is pending");
                };
                let (reply, _) = self.answer(&label, to, from, *accept)?;
                (reply, format!("(r{to} answers r{from})"))
            }
            Op::FriendRequest { from, to } => {
                let to = self.target(*from, *to, Among::Strangers);
                let path = format!("/v1/riders/{}/friend-request", self.model.id(to));
                let (status, answer) = self.model.request_friendship(*from, to);
                let body = answer.map(|a| json!({ "status": a }));
                let reply = self.expect(&label, Method::POST, &path, *from, status, body)?;
                (reply, format!("(r{to})"))
            }
            Op::Accept { who, from } | Op::Decline { who, from } => {
                let from = self.target(*who, *from, Among::Requesters);
                let accept = matches!(op, Op::Accept { .. });
                self.answer(&label, *who, from, accept)?
            }
            Op::Unfriend { who, other } => {
                let other = self.target(*who, *other, Among::Friends);
                let path = format!("/v1/friends/{}", self.model.id(other));
                let status = self.model.unfriend(*who, other);
                let reply = self.expect(&label, Method::DELETE, &path, *who, status, None)?;
                (reply, format!("(r{other})"))
            }
            Op::Follow { who, interest } | Op::Unfollow { who, interest } => {
                let name = INTERESTS[*interest];
                let path = format!("/v1/interests/{}/follow", segment(name));
                let follow = matches!(op, Op::Follow { .. });
                let method = if follow {
                    self.model.follow(*who, name);
                    Method::POST
                } else {
                    self.model.unfollow(*who, name);
                    Method::DELETE
                };
                (
                    self.expect(&label, method, &path, *who, 204, None)?,
                    String::new(),
                )
            }
            Op::Post {
                who,
                vis,
                interests,
            } => self.post(&label, i, *who, *vis, interests)?,
            Op::Like { who, post } | Op::Unlike { who, post } => {
                let like = matches!(op, Op::Like { .. });
                let (p, id) = self.post_ref(*who, *post);
                let status = self.model.set_like(*who, p, like);
                let method = if like { Method::PUT } else { Method::DELETE };
                let path = format!("/v1/posts/{id}/like");
                let reply = self.expect(&label, method, &path, *who, status, None)?;
                (reply, format!("(post id {id})"))
            }
            Op::Comment { who, post } => self.comment(&label, i, *who, *post)?,
            Op::Delete { who, post } => {
                let (p, id) = self.post_ref(*who, *post);
                let status = self.model.delete(*who, p);
                let path = format!("/v1/posts/{id}");
                let reply = self.expect(&label, Method::DELETE, &path, *who, status, None)?;
                (reply, format!("(post id {id})"))
            }
            Op::Batch { who, ops } => self.batch(&label, i, *who, ops)?,
        };
        self.log
            .push(format!("{i:>2}. {op:?} -> {} {note}", reply.status));
        self.coverage.steps += 1;
        self.coverage
            .add_op(op.kind(), (200..300).contains(&reply.status));
        self.reached.observe(&self.model);
        self.check_views(&label)
    }

    /// Logs a step that sends nothing (its actor does not exist yet, say).
    fn skip(&mut self, i: usize, op: &Op, why: &str) -> Check {
        self.log.push(format!("{i:>2}. {op:?}: skipped, {why}"));
        self.coverage.steps += 1;
        self.coverage.skipped += 1;
        Ok(())
    }

    /// Sends a request as `who`; the status must be `status`, and the body `body` if given.
    fn expect(
        &self,
        label: &str,
        method: Method,
        path: &str,
        who: usize,
        status: u16,
        body: Option<Value>,
    ) -> Result<Reply, TestCaseError> {
        let reply = self.send(method, path, who, None);
        self.status(label, &reply, status)?;
        if let Some(body) = body {
            self.same(label, &body, &reply.body)?;
        }
        Ok(reply)
    }

    /// `who` accepts or declines `from`'s request.
    fn answer(&mut self, label: &str, who: usize, from: usize, accept: bool) -> Sent {
        let (verb, status, body) = if accept {
            let status = self.model.accept(who, from);
            (
                "accept",
                status,
                (status == 200).then(|| json!({"status": "friends"})),
            )
        } else {
            ("decline", self.model.decline(who, from), None)
        };
        let path = format!("/v1/friend-requests/{}/{verb}", self.model.id(from));
        let reply = self.expect(label, Method::POST, &path, who, status, body)?;
        Ok((reply, format!("(r{from})")))
    }

    pub fn sign_up(&mut self, label: &str, r: usize) -> Sent {
        let body = json!({"handle": model::handle(r), "name": model::name(r), "password": format!("password {r}")});
        let reply = self
            .server
            .call(Method::POST, "/v1/riders", None, Some(&body));
        if self.model.rider(r).is_some() {
            self.status(label, &reply, 409)?;
            return Ok((reply, String::new()));
        }
        self.status(label, &reply, 201)?;
        let (Some(id), Some(token), Some(created_at)) = (
            reply.body.pointer("/rider/id").and_then(Value::as_u64),
            reply.body["token"].as_str(),
            reply
                .body
                .pointer("/rider/created_at")
                .and_then(Value::as_str),
        ) else {
            return Err(self.fail(format!("{label}: sign-up answered {}", reply.body)));
        };
        self.model
            .sign_up(r, id, token.to_owned(), created_at.to_owned());
        self.same(label, &self.model.rider_json(r, r), &reply.body["rider"])?;
        Ok((reply, format!("(id {id})")))
    }

    fn post(&mut self, label: &str, i: usize, who: usize, vis: Vis, interests: &[usize]) -> Sent {
        let text = format!("r{who} at step {i}: “ride on” 🏍");
        let names: Vec<&str> = interests.iter().map(|i| INTERESTS[*i]).collect();
        let body = post_body(&text, vis, &names);
        let reply = self.send(Method::POST, "/v1/posts", who, Some(&body));
        self.status(label, &reply, 201)?;
        let (Some(id), Some(created_at)) =
            (reply.body["id"].as_u64(), reply.body["created_at"].as_str())
        else {
            return Err(self.fail(format!("{label}: create post answered {}", reply.body)));
        };
        let public = vis == Vis::Public;
        let p = self
            .model
            .add_post(who, text, public, &names, id, created_at);
        self.same(
            label,
            &self.model.post_json(who, &self.model.posts[p]),
            &reply.body,
        )?;
        Ok((reply, format!("(post#{p} = id {id})")))
    }

    fn comment(&mut self, label: &str, i: usize, who: usize, post: PostRef) -> Sent {
        let text = format!("comment by r{who} at step {i}");
        let (p, id) = self.post_ref(who, post);
        let path = format!("/v1/posts/{id}/comments");
        let reply = self.send(Method::POST, &path, who, Some(&json!({"body": text})));
        let note = format!("(post id {id})");
        let Some(p) = self.model.seen_by(who, p) else {
            self.status(label, &reply, 404)?;
            return Ok((reply, note));
        };
        self.status(label, &reply, 201)?;
        let (Some(id), Some(created_at)) =
            (reply.body["id"].as_u64(), reply.body["created_at"].as_str())
        else {
            return Err(self.fail(format!("{label}: comment answered {}", reply.body)));
        };
        let expected = json!({"id": id, "author": self.model.summary(who), "body": text, "created_at": created_at});
        self.same(label, &expected, &reply.body)?;
        self.model.add_comment(p, who, text, id, created_at);
        Ok((reply, note))
    }
}

/// A create-post body; `visibility` and `interests` left out when they are the defaults.
pub fn post_body(text: &str, vis: Vis, names: &[&str]) -> Value {
    let mut body = json!({ "body": text });
    match vis {
        Vis::Default => {}
        Vis::Friends => body["visibility"] = json!("friends"),
        Vis::Public => body["visibility"] = json!("public"),
    }
    if !names.is_empty() {
        body["interests"] = json!(names);
    }
    body
}
