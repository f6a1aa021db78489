//! What every rider sees, compared with the model: after each step the whole lists, at the end of
//! a case also pages of two, every post, comment list, liker list and interest list.

use std::collections::BTreeSet;

use reqwest::Method;
use serde_json::{json, Value};

use super::harness::segment;
use super::model::Post;
use super::ops::INTERESTS;
use super::run::{Check, Run};

impl Run<'_> {
    /// After a step: each rider's feed, every wall and profile as each rider sees them,
    /// suggestions, incoming requests and friends, all compared whole with the model.
    pub fn check_views(&self, label: &str) -> Check {
        let m = &self.model;
        let riders: Vec<usize> = m.signed_up().collect();
        for &v in &riders {
            let t = self.token(v);
            let feed = m.posts_json(v, &m.feed(v));
            self.list(
                &format!("after {label}: feed of r{v}"),
                "/v1/feed",
                &t,
                feed,
            )?;
            for &r in &riders {
                let id = m.id(r);
                let wall = m.posts_json(v, &m.wall(v, r));
                self.list(
                    &format!("after {label}: wall of r{r} as seen by r{v}"),
                    &format!("/v1/riders/{id}/wall"),
                    &t,
                    wall,
                )?;
                let what = format!("after {label}: profile of r{r} as seen by r{v}");
                let reply = self.server.get(&format!("/v1/riders/{id}"), &t);
                self.status(&what, &reply, 200)?;
                self.same(&what, &m.rider_json(v, r), &reply.body)?;
            }
            let suggestions: Vec<Value> = m
                .suggestions(v)
                .into_iter()
                .map(|(c, mutual)| json!({"rider": m.summary(c), "mutual_friends": mutual}))
                .collect();
            self.list(
                &format!("after {label}: suggestions for r{v}"),
                "/v1/me/suggestions",
                &t,
                Value::Array(suggestions),
            )?;
            self.incoming(label, v, &t)?;
            let friends: Vec<Value> = m.friends_of(v).into_iter().map(|f| m.summary(f)).collect();
            self.list_by_id(
                &format!("after {label}: friends of r{v}"),
                &format!("/v1/riders/{}/friends", m.id(v)),
                &t,
                Value::Array(friends),
            )?;
        }
        Ok(())
    }

    /// Incoming requests: the model does not know their times, so compare who asked, and check
    /// that the server lists them newest first.
    fn incoming(&self, label: &str, v: usize, token: &str) -> Check {
        let what = format!("after {label}: incoming friend requests of r{v}");
        let reply = self.server.get("/v1/friend-requests?limit=100", token);
        self.status(&what, &reply, 200)?;
        let items = reply.body["items"].as_array().cloned().unwrap_or_default();
        let from: BTreeSet<u64> = items
            .iter()
            .filter_map(|i| i.pointer("/from/id").and_then(Value::as_u64))
            .collect();
        let expected = self.model.incoming(v);
        let times: Vec<&str> = items
            .iter()
            .filter_map(|i| i["created_at"].as_str())
            .collect();
        if from != expected || items.len() != expected.len() || times.len() != items.len() {
            return Err(self.fail(format!(
                "{what}: expected requests from {expected:?}, got {}",
                reply.body
            )));
        }
        if times.windows(2).any(|w| w[0] < w[1]) {
            return Err(self.fail(format!("{what}: not newest first: {}", reply.body)));
        }
        Ok(())
    }

    /// At the end of a case: pages of two, every post read directly by everyone, its comments and
    /// likers, every interest list, and riders who never signed up.
    pub fn check_final(&self) -> Check {
        let m = &self.model;
        let riders: Vec<usize> = m.signed_up().collect();
        for &v in &riders {
            let t = self.token(v);
            self.walk(
                &format!("feed of r{v}"),
                "/v1/feed",
                &t,
                &m.posts_json(v, &m.feed(v)),
            )?;
            // Friends come newest friendship first; pages of two must agree with the whole list.
            let friends = format!("/v1/riders/{}/friends", m.id(v));
            let whole = self.server.get(&format!("{friends}?limit=100"), &t);
            self.walk(
                &format!("friends of r{v}"),
                &friends,
                &t,
                &whole.body["items"],
            )?;
            for &r in &riders {
                let wall = m.posts_json(v, &m.wall(v, r));
                self.walk(
                    &format!("wall of r{r} as seen by r{v}"),
                    &format!("/v1/riders/{}/wall", m.id(r)),
                    &t,
                    &wall,
                )?;
            }
            for name in INTERESTS.iter().chain(&["Enduro"]) {
                let expected = m.posts_json(v, &m.interest_posts(v, name));
                self.list(
                    &format!("posts of interest {name:?} as seen by r{v}"),
                    &format!("/v1/interests/{}/posts", segment(name)),
                    &t,
                    expected,
                )?;
            }
            for p in &m.posts {
                self.check_post(v, &t, p)?;
            }
            for r in (0..m.riders.len()).filter(|r| m.rider(*r).is_none()) {
                for path in [
                    format!("/v1/riders/{}", m.id(r)),
                    format!("/v1/riders/{}/wall", m.id(r)),
                ] {
                    let reply = self.server.get(&path, &t);
                    self.status(
                        &format!("GET {path} (r{r} never signed up) as r{v}"),
                        &reply,
                        404,
                    )?;
                }
            }
        }
        Ok(())
    }

    fn check_post(&self, v: usize, t: &str, p: &Post) -> Check {
        let m = &self.model;
        let visible = m.can_see(v, p);
        let what = format!("GET /v1/posts/{} as r{v}", p.id);
        let reply = self.server.get(&format!("/v1/posts/{}", p.id), t);
        if !visible {
            self.status(&what, &reply, 404)?;
            for path in [
                format!("/v1/posts/{}/comments", p.id),
                format!("/v1/posts/{}/likes", p.id),
            ] {
                let reply = self.server.get(&path, t);
                self.status(&format!("GET {path} as r{v} (may not see it)"), &reply, 404)?;
            }
            return Ok(());
        }
        self.status(&what, &reply, 200)?;
        self.same(&what, &m.post_json(v, p), &reply.body)?;
        self.list(
            &format!("comments of post {} as seen by r{v}", p.id),
            &format!("/v1/posts/{}/comments", p.id),
            t,
            m.comments_json(p),
        )?;
        let mut likers: Vec<usize> = p.likers.iter().copied().collect();
        likers.sort_by_key(|l| m.id(*l));
        let likers: Vec<Value> = likers.into_iter().map(|l| m.summary(l)).collect();
        self.list(
            &format!("likers of post {} as seen by r{v}", p.id),
            &format!("/v1/posts/{}/likes", p.id),
            t,
            Value::Array(likers),
        )
    }
}

impl Run<'_> {
    /// Walks the first rider's feed two a page while that rider posts after the first page: the
    /// walk still returns the feed as it was, each post once ("even while new items are being
    /// written"), and the new post then heads the feed.
    pub fn walk_while_writing(&mut self) -> Check {
        let Some(v) = self.model.signed_up().next() else {
            return Ok(());
        };
        let t = self.token(v);
        let before = self.model.posts_json(v, &self.model.feed(v));
        let first = self.server.get("/v1/feed?limit=2", &t);
        self.status("feed page 1", &first, 200)?;
        let mut items = first.body["items"].as_array().cloned().unwrap_or_default();
        let text = format!("r{v} posts between two pages");
        let reply = self.send(
            Method::POST,
            "/v1/posts",
            v,
            Some(&json!({"body": text, "visibility": "public"})),
        );
        self.status("a post between two pages", &reply, 201)?;
        let (Some(id), Some(at)) = (reply.body["id"].as_u64(), reply.body["created_at"].as_str())
        else {
            return Err(self.fail(format!("create post answered {}", reply.body)));
        };
        self.model.add_post(v, text, true, &[], id, at);
        let mut cursor = first.body["next_cursor"].as_str().map(str::to_owned);
        while let Some(c) = cursor.take() {
            let page = self
                .server
                .get(&format!("/v1/feed?limit=2&cursor={}", segment(&c)), &t);
            self.status("a later feed page", &page, 200)?;
            items.extend(page.body["items"].as_array().cloned().unwrap_or_default());
            cursor = page.body["next_cursor"].as_str().map(str::to_owned);
            if items.len() > 200 {
                return Err(self.fail("walking the feed never ended".to_owned()));
            }
        }
        // Counts on old posts do not change by a new post, so the walk matches the old feed.
        self.same(
            &format!("feed of r{v} walked while r{v} posted"),
            &before,
            &Value::Array(items),
        )?;
        let after = self.model.posts_json(v, &self.model.feed(v));
        self.list(
            &format!("feed of r{v} after the new post"),
            "/v1/feed",
            &t,
            after,
        )
    }
}
