//! The few distributions the generator is built from. Every heavy-tailed quantity is defined over
//! quantiles (rank / count) rather than raw ranks, so a network ten times larger has the same
//! shape, just sampled ten times more finely.

use anyhow::{ensure, Result};
use rand::Rng;
use rand_chacha::ChaCha8Rng;

/// Splits `total` into `n` counts, one per rank, shaped like `shape(q)` at quantile
/// `q = (rank + 0.5) / n` (so rank 0 gets the largest when `shape` decreases), each within
/// `min..=cap`, summing to exactly `total`.
pub(super) fn quantile_counts(
    n: usize,
    total: u64,
    min: u32,
    cap: u32,
    shape: impl Fn(f64) -> f64,
) -> Result<Vec<u32>> {
    ensure!(
        n as u64 * u64::from(min) <= total && total <= n as u64 * u64::from(cap),
        "cannot split {total} into {n} counts within {min}..={cap}"
    );
    let shapes: Vec<f64> = (0..n).map(|r| shape((r as f64 + 0.5) / n as f64)).collect();
    let count = |c: f64, s: f64| ((c * s).floor() as u64).clamp(u64::from(min), u64::from(cap));
    let sum_at = |c: f64| shapes.iter().map(|&s| count(c, s)).sum::<u64>();
    // The largest factor whose floored counts do not exceed `total`; what is left is at most a
    // handful of units, spread one by one from the top rank down.
    let (mut lo, mut hi) = (0.0f64, 1.0f64);
    while sum_at(hi) <= total && hi < 1e12 {
        lo = hi;
        hi *= 2.0;
    }
    for _ in 0..60 {
        let mid = (lo + hi) / 2.0;
        if sum_at(mid) <= total {
            lo = mid;
        } else {
            hi = mid;
        }
    }
    let mut counts: Vec<u32> = shapes.iter().map(|&s| count(lo, s) as u32).collect();
    let mut left = total - counts.iter().map(|&c| u64::from(c)).sum::<u64>();
    while left > 0 {
        for c in counts.iter_mut().filter(|c| **c < cap) {
            if left == 0 {
                break;
            }
            *c += 1;
            left -= 1;
        }
    }
    Ok(counts)
}

/// Popularity over `n` ranked items: a share of picks goes to a fixed head (Zipf over the first
/// items), the rest to all items with a quantile-shaped long tail. The head does not dilute as
/// `n` grows, so "the top interest is followed by about 30% of riders" holds at any scale.
pub(super) struct Popularity {
    len: usize,
    head: Weighted,
    tail: Weighted,
    head_share: f64,
}

impl Popularity {
    pub fn new(n: usize, head_len: usize, head_share: f64, tail_exponent: f64) -> Result<Self> {
        ensure!(n > 0 && head_len > 0, "nothing to pick from");
        let head_len = head_len.min(n);
        let head = Weighted::new((0..head_len).map(|r| 1.0 / (r as f64 + 1.0)))?;
        let tail =
            Weighted::new((0..n).map(|r| ((r as f64 + 0.5) / n as f64).powf(-tail_exponent)))?;
        Ok(Popularity {
            len: n,
            head,
            tail,
            head_share,
        })
    }

    pub fn len(&self) -> usize {
        self.len
    }

    pub fn pick(&self, rng: &mut ChaCha8Rng) -> usize {
        if rng.gen_bool(self.head_share) {
            self.head.pick(rng)
        } else {
            self.tail.pick(rng)
        }
    }
}

/// Picks an index in proportion to its weight in constant time (Walker's alias method): with
/// millions of posts, a binary search over cumulative weights would cost a dozen cache misses
/// per like.
pub(super) struct Weighted {
    /// The chance of keeping the drawn slot rather than taking its alias.
    keep: Vec<f64>,
    alias: Vec<u32>,
}

impl Weighted {
    pub fn new(weights: impl IntoIterator<Item = f64>) -> Result<Self> {
        let mut keep: Vec<f64> = weights.into_iter().collect();
        let n = keep.len();
        let sum: f64 = keep.iter().sum();
        ensure!(n > 0 && n <= u32::MAX as usize, "{n} weights");
        ensure!(
            keep.iter().all(|w| *w >= 0.0) && sum > 0.0 && sum.is_finite(),
            "bad weights"
        );
        keep.iter_mut().for_each(|w| *w *= n as f64 / sum);
        let mut alias: Vec<u32> = (0..n as u32).collect();
        let (mut small, mut large): (Vec<u32>, Vec<u32>) =
            (0..n as u32).partition(|&i| keep[i as usize] < 1.0);
        // Each underfull slot is topped up by an overfull one, which may become underfull.
        while let (Some(&s), Some(&l)) = (small.last(), large.last()) {
            small.pop();
            alias[s as usize] = l;
            keep[l as usize] -= 1.0 - keep[s as usize];
            if keep[l as usize] < 1.0 {
                large.pop();
                small.push(l);
            }
        }
        // What is left is full up to rounding.
        for i in small.into_iter().chain(large) {
            keep[i as usize] = 1.0;
        }
        Ok(Weighted { keep, alias })
    }

    pub fn pick(&self, rng: &mut ChaCha8Rng) -> usize {
        let slot = rng.gen_range(0..self.keep.len());
        if rng.gen::<f64>() < self.keep[slot] {
            slot
        } else {
            self.alias[slot] as usize
        }
    }
}

/// An exponentially distributed value with the given mean.
pub(super) fn exponential(rng: &mut ChaCha8Rng, mean: f64) -> f64 {
    let u: f64 = rng.gen();
    -(1.0 - u).ln() * mean
}

/// A date an exponential delay (of the given mean) after `after`, but before `end`.
pub(super) fn later(rng: &mut ChaCha8Rng, after: i64, mean_ms: f64, end: i64) -> i64 {
    (after + exponential(rng, mean_ms) as i64)
        .min(end - 1)
        .max(after)
}

/// Picks an index with the given relative weights (small lists only: a linear scan).
pub(super) fn pick_weighted(rng: &mut ChaCha8Rng, weights: &[u32]) -> usize {
    let total: u32 = weights.iter().sum();
    let mut x = rng.gen_range(0..total.max(1));
    for (i, &w) in weights.iter().enumerate() {
        if x < w {
            return i;
        }
        x -= w;
    }
    weights.len().saturating_sub(1)
}

/// Adjacency lists in one block (compressed sparse rows): row `i` is
/// `targets[offsets[i]..offsets[i + 1]]`.
pub(super) struct Csr {
    offsets: Vec<usize>,
    targets: Vec<u32>,
}

impl Csr {
    pub fn new() -> Self {
        Csr {
            offsets: vec![0],
            targets: Vec::new(),
        }
    }

    /// Both directions of every `a << 32 | b` pair, each row sorted when `pairs` is.
    pub fn undirected(n: usize, pairs: &[u64]) -> Self {
        let mut offsets = vec![0usize; n + 1];
        for &p in pairs {
            offsets[(p >> 32) as usize + 1] += 1;
            offsets[(p & 0xFFFF_FFFF) as usize + 1] += 1;
        }
        for i in 0..n {
            offsets[i + 1] += offsets[i];
        }
        let mut fill = offsets.clone();
        let mut targets = vec![0u32; offsets[n]];
        for &p in pairs {
            let (a, b) = ((p >> 32) as usize, (p & 0xFFFF_FFFF) as usize);
            targets[fill[a]] = b as u32;
            fill[a] += 1;
            targets[fill[b]] = a as u32;
            fill[b] += 1;
        }
        Csr { offsets, targets }
    }

    pub fn push_row(&mut self, row: &[u32]) {
        self.targets.extend_from_slice(row);
        self.offsets.push(self.targets.len());
    }

    pub fn row(&self, i: usize) -> &[u32] {
        &self.targets[self.offsets[i]..self.offsets[i + 1]]
    }

    pub fn rows(&self) -> usize {
        self.offsets.len() - 1
    }

    pub fn total(&self) -> u64 {
        self.targets.len() as u64
    }
}
