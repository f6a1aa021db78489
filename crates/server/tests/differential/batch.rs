//! `POST /v1/batch`: the ops run in order, each on its own, so the model plays them one after the
//! other and every result must carry the status the same op would get alone. Later ops often
//! depend on earlier ones of the same batch (like then unlike one post, accept then ask again),
//! which is where a writer that commits a batch at once could plan against stale state.

use proptest::test_runner::TestCaseError;
use reqwest::Method;
use serde_json::{json, Value};

use super::harness::Reply;
use super::ops::{BatchOp, Vis, INTERESTS};
use super::run::{Among, Run};
use super::step::post_body;

/// What the model expects of one result.
enum Expect {
    /// This status, and this body if given.
    Status(u16, Option<Value>),
    /// 201 with a new post: the model's post at this index (id and time filled in from the result).
    Post(usize),
    /// 201 with a new comment: post index, comment index.
    Comment(usize, usize),
}

impl Run<'_> {
    pub fn batch(
        &mut self,
        label: &str,
        step: usize,
        who: usize,
        ops: &[BatchOp],
    ) -> Result<(Reply, String), TestCaseError> {
        // Ops refer only to posts that existed before the batch (the ids of new ones are unknown).
        let before = self.model.posts.len();
        let mut sent = Vec::new();
        let mut expected = Vec::new();
        for (k, op) in ops.iter().enumerate() {
            let (json_op, expect) = match op {
                BatchOp::Post { vis, interests } => {
                    let text = format!("r{who} in a batch at step {step}.{k}");
                    let names: Vec<&str> = interests.iter().map(|i| INTERESTS[*i]).collect();
                    let mut body = post_body(&text, *vis, &names);
                    body["op"] = json!("post");
                    let public = *vis == Vis::Public;
                    let p = self.model.add_post(who, text, public, &names, 0, "");
                    (body, Expect::Post(p))
                }
                BatchOp::Like(r) | BatchOp::Unlike(r) => {
                    let like = matches!(op, BatchOp::Like(_));
                    let (p, id) = self.post_ref_among(who, *r, before);
                    let status = self.model.set_like(who, p, like);
                    let name = if like { "like" } else { "unlike" };
                    (
                        json!({"op": name, "post_id": id}),
                        Expect::Status(status, None),
                    )
                }
                BatchOp::Comment(r) => {
                    let text = format!("comment by r{who} in a batch at step {step}.{k}");
                    let (p, id) = self.post_ref_among(who, *r, before);
                    let op = json!({"op": "comment", "post_id": id, "body": text});
                    match self.model.seen_by(who, p) {
                        Some(p) => {
                            self.model.add_comment(p, who, text, 0, "");
                            let c = self.model.posts[p].comments.len() - 1;
                            (op, Expect::Comment(p, c))
                        }
                        None => (op, Expect::Status(404, None)),
                    }
                }
                BatchOp::FriendRequest(t) => {
                    let to = self.target(who, *t, Among::Strangers);
                    let (status, answer) = self.model.request_friendship(who, to);
                    let body = answer.map(|a| json!({ "status": a }));
                    let op = json!({"op": "friend_request", "rider_id": self.model.id(to)});
                    (op, Expect::Status(status, body))
                }
                BatchOp::Accept(t) => {
                    let from = self.target(who, *t, Among::Requesters);
                    let status = self.model.accept(who, from);
                    let body = (status == 200).then(|| json!({"status": "friends"}));
                    let op = json!({"op": "accept", "rider_id": self.model.id(from)});
                    (op, Expect::Status(status, body))
                }
            };
            sent.push(json_op);
            expected.push(expect);
        }
        let body = json!({ "ops": sent });
        let reply = self.send(Method::POST, "/v1/batch", who, Some(&body));
        self.status(label, &reply, 200)?;
        let results = reply.body["results"]
            .as_array()
            .cloned()
            .unwrap_or_default();
        if results.len() != ops.len() {
            return Err(self.fail(format!(
                "{label}: {} ops, {} results: {}",
                ops.len(),
                results.len(),
                reply.body
            )));
        }
        // Fill in what the server handed out first: every view is built after the whole batch.
        for (k, (result, expect)) in results.iter().zip(&expected).enumerate() {
            let what = format!("{label}: result {k} ({:?})", ops[k]);
            let ids = (
                result.pointer("/body/id").and_then(Value::as_u64),
                result.pointer("/body/created_at").and_then(Value::as_str),
            );
            let created = result["status"] == json!(201);
            match (expect, ids) {
                (Expect::Post(p), (Some(id), Some(at))) if created => {
                    self.model.posts[*p].id = id;
                    self.model.posts[*p].created_at = at.to_owned();
                }
                (Expect::Comment(p, c), (Some(id), Some(at))) if created => {
                    self.model.posts[*p].comments[*c].id = id;
                    self.model.posts[*p].comments[*c].created_at = at.to_owned();
                }
                (Expect::Post(_) | Expect::Comment(..), _) => {
                    return Err(self.fail(format!("{what}: expected 201 with a body, got {result}")))
                }
                (Expect::Status(..), _) => {}
            }
        }
        for (k, (result, expect)) in results.iter().zip(&expected).enumerate() {
            let what = format!("{label}: result {k} ({:?})", ops[k]);
            let as_reply = Reply {
                status: result["status"].as_u64().map_or(0, |s| s as u16),
                body: result.clone(),
            };
            match expect {
                Expect::Status(status, body) => {
                    self.status(&what, &as_reply, *status)?;
                    if let Some(body) = body {
                        self.same(&what, body, &result["body"])?;
                    }
                }
                Expect::Post(p) => {
                    let post = &self.model.posts[*p];
                    self.same(&what, &self.model.post_json(who, post), &result["body"])?;
                }
                Expect::Comment(p, c) => {
                    let comment = &self.model.posts[*p].comments[*c];
                    let expected = json!({
                        "id": comment.id,
                        "author": self.model.summary(who),
                        "body": comment.body,
                        "created_at": comment.created_at,
                    });
                    self.same(&what, &expected, &result["body"])?;
                }
            }
        }
        let statuses: Vec<String> = results.iter().map(|r| r["status"].to_string()).collect();
        Ok((reply, format!("[{}]", statuses.join(", "))))
    }
}
