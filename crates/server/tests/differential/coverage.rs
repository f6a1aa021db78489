//! What the generated cases reached, summed over a run and printed at its end: a property test
//! whose cases never build a dense friend graph or pile likes on one post proves little, and
//! these numbers show it (and let the test insist on the states that matter).

use std::collections::BTreeMap;
use std::fmt;

use super::model::{fold, Model};

#[derive(Default, Clone)]
pub struct Coverage {
    pub cases: usize,
    /// Time spent starting servers (a fresh one, with a fresh data directory, per case).
    pub startup: std::time::Duration,
    pub steps: usize,
    /// Ops not sent because their actor had not signed up (or no request was pending).
    pub skipped: usize,
    /// Per kind of op: (answered 2xx, refused).
    pub ops: BTreeMap<&'static str, (usize, usize)>,
    /// Cases by the most friends any rider had at some step (capped at 4).
    pub max_friends: [usize; 5],
    /// Cases by the longest `friends_who_liked` any rider saw at some step (0-3).
    pub friends_who_liked: [usize; 4],
    /// Cases where some suggestion had 1, 2 or more mutual friends.
    pub mutual: [usize; 3],
    /// Cases where a feed held a stranger's public post through a followed interest.
    pub via_interest: usize,
    /// Cases where a post reached a feed through an interest followed under another case variant.
    pub via_case_variant: usize,
}

/// The most one case reached, folded into [`Coverage`] when the case ends.
#[derive(Default)]
pub struct CaseCoverage {
    max_friends: usize,
    friends_who_liked: usize,
    mutual: usize,
    via_interest: bool,
    via_case_variant: bool,
}

impl CaseCoverage {
    /// Looks at the model's state after a step.
    pub fn observe(&mut self, m: &Model) {
        let riders: Vec<usize> = m.signed_up().collect();
        for &v in &riders {
            self.max_friends = self.max_friends.max(m.friends_of(v).len());
            if let Some((_, mutual)) = m.suggestions(v).first() {
                self.mutual = self.mutual.max(*mutual);
            }
            for p in m.feed(v) {
                let fwl = m.post_json(v, p)["friends_who_liked"]
                    .as_array()
                    .map_or(0, Vec::len);
                self.friends_who_liked = self.friends_who_liked.max(fwl);
                if p.author != v && !m.are_friends(v, p.author) {
                    self.via_interest = true;
                    let followed_as = m.followed_as(v);
                    if p.interests.iter().any(|i| {
                        followed_as
                            .iter()
                            .any(|n| fold(n) == fold(i) && *n != i.as_str())
                    }) {
                        self.via_case_variant = true;
                    }
                }
            }
        }
    }
}

impl Coverage {
    pub fn add_case(&mut self, c: &CaseCoverage) {
        self.cases += 1;
        self.max_friends[c.max_friends.min(4)] += 1;
        self.friends_who_liked[c.friends_who_liked.min(3)] += 1;
        if c.mutual > 0 {
            self.mutual[(c.mutual - 1).min(2)] += 1;
        }
        self.via_interest += usize::from(c.via_interest);
        self.via_case_variant += usize::from(c.via_case_variant);
    }

    pub fn add_op(&mut self, kind: &'static str, ok: bool) {
        let e = self.ops.entry(kind).or_default();
        if ok {
            e.0 += 1;
        } else {
            e.1 += 1;
        }
    }

    pub fn merge(&mut self, other: &Coverage) {
        self.cases += other.cases;
        self.startup += other.startup;
        self.steps += other.steps;
        self.skipped += other.skipped;
        for (k, (ok, refused)) in &other.ops {
            let e = self.ops.entry(k).or_default();
            e.0 += ok;
            e.1 += refused;
        }
        for i in 0..5 {
            self.max_friends[i] += other.max_friends[i];
        }
        for i in 0..4 {
            self.friends_who_liked[i] += other.friends_who_liked[i];
        }
        for i in 0..3 {
            self.mutual[i] += other.mutual[i];
        }
        self.via_interest += other.via_interest;
        self.via_case_variant += other.via_case_variant;
    }
}

impl fmt::Display for Coverage {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(
            f,
            "{} cases, {} steps ({} skipped: no such actor); a fresh server took {:.1} ms to start",
            self.cases,
            self.steps,
            self.skipped,
            self.startup.as_secs_f64() * 1000.0 / self.cases.max(1) as f64
        )?;
        let ops: Vec<String> = self
            .ops
            .iter()
            .map(|(k, (ok, refused))| format!("{k} {ok}/{refused}"))
            .collect();
        writeln!(f, "  ops (2xx/refused): {}", ops.join(", "))?;
        writeln!(
            f,
            "  cases by most friends of one rider [0, 1, 2, 3, 4+]: {:?}",
            self.max_friends
        )?;
        writeln!(
            f,
            "  cases by longest friends_who_liked [0, 1, 2, 3]: {:?}",
            self.friends_who_liked
        )?;
        writeln!(
            f,
            "  cases by most mutual friends of a suggestion [1, 2, 3+]: {:?}",
            self.mutual
        )?;
        write!(
            f,
            "  cases with a stranger's post in a feed through an interest: {} (followed as another case variant: {})",
            self.via_interest, self.via_case_variant
        )
    }
}
