//! A minimal fan-out-on-write feed, used only to weigh the engine's fan-out-on-read design.

use pillion_graph::FeedKey;
use pillion_model::{PostId, PostRecord, RiderId, Visibility};

use crate::synth::Synth;

/// Fan-out on write, minimal: one timeline per rider, ascending, each post pushed at write time.
pub struct Timelines {
    /// By rider id (ids are dense from 1).
    pub lines: Vec<Vec<FeedKey>>,
}

impl Timelines {
    /// Materialises friends' posts for every rider, and the measured readers' whole feeds
    /// (interest posts too: fanning the hot interest out to all its followers would take GiBs).
    pub fn build(s: &Synth) -> Self {
        let mut lines: Vec<Vec<FeedKey>> = vec![Vec::new(); s.next_id as usize];
        for id in 1..s.next_id {
            let Some(p) = s.g.post(PostId(id)) else {
                continue;
            };
            let author = s.g.rider(p.author).unwrap();
            lines[p.author.0 as usize].push(p.key());
            for f in author.friends() {
                lines[f.0 as usize].push(p.key());
            }
        }
        for l in &mut lines {
            l.sort_unstable();
        }
        for (_, v) in s.feed_readers() {
            let mut feed = s.whole_feed(v);
            feed.reverse();
            lines[v.0 as usize] = feed;
        }
        Timelines { lines }
    }

    pub fn page(&self, viewer: RiderId, before: Option<FeedKey>, limit: usize) -> Vec<PostId> {
        let Some(line) = self.lines.get(viewer.0 as usize) else {
            return Vec::new();
        };
        let end = match before {
            Some(b) => line.partition_point(|k| *k < b),
            None => line.len(),
        };
        line[..end]
            .iter()
            .rev()
            .take(limit)
            .map(|(_, id)| *id)
            .collect()
    }

    /// Pushes a new (newest) post into its whole audience's timelines.
    pub fn fan_out(&mut self, s: &Synth, p: &PostRecord) {
        let key = (p.created_at, p.id);
        let mut push = |r: RiderId| {
            let line = &mut self.lines[r.0 as usize];
            // A rider reached twice (a friend who follows the interest) gets the post once.
            if line.last() != Some(&key) {
                line.push(key);
            }
        };
        push(p.author);
        for f in s.g.rider(p.author).unwrap().friends() {
            push(*f);
        }
        if p.visibility == Visibility::Public {
            for i in &p.interests {
                let idx = s.interests.iter().position(|x| x == i).unwrap();
                for r in &s.followers[idx] {
                    push(*r);
                }
            }
        }
    }

    /// The timelines a post by `author` reaches, with their lengths now.
    pub fn audience_lengths(&self, s: &Synth, p: &PostRecord) -> Vec<(usize, usize)> {
        let mut who: Vec<usize> = vec![p.author.0 as usize];
        who.extend(
            s.g.rider(p.author)
                .unwrap()
                .friends()
                .iter()
                .map(|f| f.0 as usize),
        );
        if p.visibility == Visibility::Public {
            for i in &p.interests {
                let idx = s.interests.iter().position(|x| x == i).unwrap();
                who.extend(s.followers[idx].iter().map(|r| r.0 as usize));
            }
        }
        who.into_iter().map(|r| (r, self.lines[r].len())).collect()
    }
}
