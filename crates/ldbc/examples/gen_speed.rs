//! Times the generator and prints the shape of what it wrote.
//!
//! `cargo run --release -p pillion-ldbc --example gen_speed -- SCALE OUT_DIR [SEED]`
//! (OUT_DIR must not exist or be empty; delete it afterwards.)

use std::collections::HashMap;
use std::io::{BufRead, BufReader};
use std::path::Path;
use std::time::Instant;

use anyhow::{Context, Result};
use pillion_ldbc::gen::{generate, GenOptions};

fn main() -> Result<()> {
    let args: Vec<String> = std::env::args().collect();
    let usage = "usage: gen_speed SCALE OUT_DIR [SEED]";
    let scale = args.get(1).context(usage)?.parse()?;
    let out = Path::new(args.get(2).context(usage)?);
    let seed = args.get(3).map_or(Ok(42), |s| s.parse())?;
    let started = Instant::now();
    let stats = generate(&GenOptions { scale, seed }, out, &mut |_, _| {})?;
    println!("scale {scale}: generated in {:.2?}", started.elapsed());
    println!("{stats:?}");
    let dynamic = out.join("dynamic");
    print_counts(
        "friends per rider",
        &dynamic.join("person_knows_person_0_0.csv"),
        &[0, 1],
    )?;
    print_counts(
        "posts per rider",
        &dynamic.join("post_hasCreator_person_0_0.csv"),
        &[1],
    )?;
    print_counts(
        "likes per post",
        &dynamic.join("person_likes_post_0_0.csv"),
        &[1],
    )?;
    print_counts(
        "followers per tag",
        &dynamic.join("person_hasInterest_tag_0_0.csv"),
        &[1],
    )?;
    Ok(())
}

/// How often each value of the given columns occurs: max, median, top five, how many >= 1000.
fn print_counts(what: &str, path: &Path, columns: &[usize]) -> Result<()> {
    let mut counts: HashMap<u64, u64> = HashMap::new();
    for line in BufReader::new(std::fs::File::open(path)?).lines().skip(1) {
        let line = line?;
        let fields: Vec<&str> = line.split('|').collect();
        for &c in columns {
            *counts.entry(fields[c].parse()?).or_default() += 1;
        }
    }
    let mut values: Vec<u64> = counts.into_values().collect();
    values.sort_unstable_by(|a, b| b.cmp(a));
    let median = values.get(values.len() / 2).copied().unwrap_or(0);
    let top: Vec<u64> = values.iter().take(5).copied().collect();
    let over_1000 = values.iter().filter(|&&v| v >= 1000).count();
    println!(
        "{what}: {} with any, top {top:?}, median {median} (of those with any), {over_1000} >= 1000",
        values.len()
    );
    Ok(())
}
