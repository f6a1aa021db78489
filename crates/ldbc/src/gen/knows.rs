//! The friendship graph: a configuration model over heavy-tailed target degrees.
//!
//! Target degrees follow a capped power law over quantiles, so the degree distribution has the
//! same shape at every scale: more riders with a thousand friends in a bigger network, but never
//! one with many more than [`MAX_FRIENDS`]. That keeps the cost of one rider's feed independent
//! of the network's size, which is what a benchmark that varies the scale needs.

use std::path::Path;

use anyhow::{ensure, Result};
use rand::seq::SliceRandom;
use rand::Rng;
use rand_chacha::ChaCha8Rng;

use super::csv::{Field, Progress, Table};
use super::dist::{later, quantile_counts, Csr};
use super::END_MS;

/// The most friends a rider is planned to have (duplicate pairs drawn for hubs are redrawn, so
/// the realised maximum lands a little above or below).
const MAX_FRIENDS: u32 = 2_600;
/// Degree at quantile q is proportional to q^-DEGREE_EXPONENT + DEGREE_OFFSET * (1 - q), capped:
/// a Pareto tail of index about 1.1 on top of a body where most riders have 2 to 6 friends.
/// With the mean fixed at 2 * knows / persons (8) that gives a median of 4, about ten riders
/// per 20,000 with 1,000+ friends, and at the top ~1,900 at scale 1 (where hubs lose many
/// repeated pairs among themselves) to ~2,600 at scale 100.
const DEGREE_EXPONENT: f64 = 0.93;
const DEGREE_OFFSET: f64 = 6.0;
/// Mean time between the later of two sign-ups and their friendship.
const MEAN_FRIENDSHIP_DELAY_MS: f64 = 30.0 * 86_400_000.0;

pub(super) struct Friendships {
    /// `a << 32 | b` with `a < b` (rider indexes), ascending and unique.
    pub pairs: Vec<u64>,
    pub friends: Csr,
}

pub(super) fn plan(persons: usize, knows: u64, rng: &mut ChaCha8Rng) -> Result<Friendships> {
    ensure!(persons >= 2 || knows == 0, "friendships need two riders");
    let targets = quantile_counts(persons, 2 * knows, 1, MAX_FRIENDS, |q| {
        q.powf(-DEGREE_EXPONENT) + DEGREE_OFFSET * (1.0 - q)
    })?;
    // Who gets which degree is random: hubs are not simply the oldest accounts.
    let mut order: Vec<u32> = (0..persons as u32).collect();
    order.shuffle(rng);
    let mut stubs: Vec<u32> = Vec::with_capacity(2 * knows as usize);
    for (&rider, &degree) in order.iter().zip(&targets) {
        stubs.extend(std::iter::repeat_n(rider, degree as usize));
    }
    stubs.shuffle(rng);
    let mut pairs: Vec<u64> = stubs
        .chunks_exact(2)
        .filter_map(|c| pair(c[0], c[1]))
        .collect();
    pairs.sort_unstable();
    pairs.dedup();
    // Self-loops and repeated pairs (mostly between hubs) are replaced by fresh pairs drawn with
    // the same degree weights, until the count is exact.
    for round in 0.. {
        let missing = knows.saturating_sub(pairs.len() as u64);
        if missing == 0 {
            break;
        }
        ensure!(round < 1_000, "could not place {missing} more friendships");
        for _ in 0..missing {
            let a = stubs[rng.gen_range(0..stubs.len())];
            let b = stubs[rng.gen_range(0..stubs.len())];
            pairs.extend(pair(a, b));
        }
        pairs.sort_unstable();
        pairs.dedup();
    }
    let friends = Csr::undirected(persons, &pairs);
    Ok(Friendships { pairs, friends })
}

fn pair(a: u32, b: u32) -> Option<u64> {
    (a != b).then(|| (u64::from(a.min(b)) << 32) | u64::from(a.max(b)))
}

/// A friendship starts after both riders signed up.
pub(super) fn write(
    dir: &Path,
    friendships: &Friendships,
    created: &[i64],
    rng: &mut ChaCha8Rng,
    progress: &mut Progress,
) -> Result<u64> {
    let mut table = Table::create(
        dir,
        "person_knows_person_0_0.csv",
        "Person.id|Person.id|creationDate",
    )?;
    for &p in &friendships.pairs {
        let (a, b) = ((p >> 32) as usize, (p & 0xFFFF_FFFF) as usize);
        let since = later(
            rng,
            created[a].max(created[b]),
            MEAN_FRIENDSHIP_DELAY_MS,
            END_MS,
        );
        table.row(
            &[
                Field::Id(a as u64 + 1),
                Field::Id(b as u64 + 1),
                Field::Ms(since),
            ],
            progress,
        )?;
    }
    table.finish()
}
