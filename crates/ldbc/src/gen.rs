//! A deterministic synthetic riders' network in the LDBC SNB "CsvBasic" layout, for benchmarks
//! and demos: `pillion gen --scale N` writes it, `pillion import --format ldbc` reads it back.
//!
//! Scale N means N times 20,000 riders, 80,000 friendships, 80,000 posts, 140,000 likes,
//! 40,000 comments, 500 interests (LDBC tags) and 200 places, exactly. The same scale and seed
//! always give byte-identical files: every random choice comes from a seeded ChaCha stream (one
//! per phase, so changing one phase leaves the others alone), nothing is read from the clock,
//! and no hash-map order reaches the output. All dates fall in 2025.
//!
//! The shape is that of a real social network, because uniform random data would hide exactly
//! the costs a benchmark is for: friend counts, posting, likes and interests are heavy-tailed
//! (a few riders with over a thousand friends, a median of about four), likes and comments go
//! mostly to friends and to popular posts, and nobody reacts to a friends-only post they cannot
//! see. Every heavy tail is defined over quantiles and capped, so a bigger network has more
//! hubs, not bigger ones: the busiest rider's feed costs the same at scale 1 and at scale 100.
//!
//! Riders, posts and comments share Pillion's id space, so they get disjoint ranges: riders
//! `1..=P`, posts `P+1..=P+Q`, comments after that, each in order of creation. Places and tags
//! are numbered from 0. Beside LDBC's columns, places carry `lat|lon` and posts `visibility`.

mod csv;
mod dist;
mod knows;
mod names;
mod people;
mod posts;
mod reactions;
mod text;

use std::path::{Path, PathBuf};

use anyhow::{ensure, Context, Result};
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;

use self::csv::Progress;
use self::dist::Popularity;

/// 2025-01-01T00:00:00Z: no date in the network is earlier.
const START_MS: i64 = 1_735_689_600_000;
/// 2026-01-01T00:00:00Z: every date in the network is earlier.
const END_MS: i64 = 1_767_225_600_000;
const YEAR_MS: i64 = END_MS - START_MS;
/// Above this, rider and post indexes would no longer fit the `u32`s the generator keeps them in
/// (and the network would not fit in memory anyway).
const MAX_SCALE: u32 = 10_000;

/// What to generate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct GenOptions {
    /// Size multiplier, at least 1; see the module documentation.
    pub scale: u32,
    /// Same seed and scale, same bytes.
    pub seed: u64,
}

/// Rows written per file (header excluded).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct GenStats {
    pub persons: u64,
    pub knows: u64,
    pub posts: u64,
    pub likes: u64,
    pub comments: u64,
    pub tags: u64,
    pub places: u64,
    pub has_interest: u64,
    pub post_tags: u64,
}

/// Counts at a given scale.
struct Sizes {
    persons: usize,
    knows: u64,
    posts: u64,
    likes: u64,
    comments: u64,
    tags: usize,
    places: usize,
}

impl Sizes {
    fn at(scale: u32) -> Self {
        let s = u64::from(scale);
        Sizes {
            persons: 20_000 * s as usize,
            knows: 80_000 * s,
            posts: 80_000 * s,
            likes: 140_000 * s,
            comments: 40_000 * s,
            tags: 500 * s as usize,
            places: 200 * s as usize,
        }
    }
}

/// One independent random stream per phase.
#[derive(Clone, Copy)]
enum Phase {
    Places = 1,
    Persons,
    PersonRows,
    Friendships,
    FriendshipRows,
    Posts,
    PostRows,
    Likes,
    Comments,
}

fn rng(seed: u64, phase: Phase) -> ChaCha8Rng {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    rng.set_stream(phase as u64);
    rng
}

/// Writes the network into `out` (creates `out/static` and `out/dynamic`; refuses with an error
/// if `out` exists and is not an empty directory). `progress` is called now and then with (rows
/// written so far, rows expected in total) so the CLI can draw a progress bar.
pub fn generate(
    opts: &GenOptions,
    out: &Path,
    progress: &mut dyn FnMut(u64, u64),
) -> Result<GenStats> {
    ensure!(opts.scale >= 1, "scale must be at least 1");
    ensure!(opts.scale <= MAX_SCALE, "scale must be at most {MAX_SCALE}");
    let size = Sizes::at(opts.scale);
    let dirs = create_out_dirs(out)?;
    let plan = Plan::new(&size, opts.seed)?;
    let mut progress = Progress::new(plan.rows(&size), progress);
    let stats = plan.write(&size, opts.seed, &dirs, &mut progress)?;
    progress.finish();
    Ok(stats)
}

/// Everything decided before the first row is written: who exists, who knows whom, who posts
/// what when. Likes and comments are drawn while they are written.
struct Plan {
    places: Vec<people::Place>,
    place_popularity: Popularity,
    tag_popularity: Popularity,
    persons: people::Persons,
    friendships: knows::Friendships,
    posts: posts::Posts,
}

impl Plan {
    fn new(size: &Sizes, seed: u64) -> Result<Self> {
        let places = people::plan_places(size.places, &mut rng(seed, Phase::Places));
        let place_popularity = people::place_popularity(size.places)?;
        let tag_popularity = people::tag_popularity(size.tags)?;
        let mut persons_rng = rng(seed, Phase::Persons);
        let persons = people::plan_persons(
            size.persons,
            &place_popularity,
            &tag_popularity,
            &mut persons_rng,
        )?;
        let friendships =
            knows::plan(size.persons, size.knows, &mut rng(seed, Phase::Friendships))?;
        let first_post_id = size.persons as u64 + 1;
        let mut posts_rng = rng(seed, Phase::Posts);
        let friends = &friendships.friends;
        let posts = posts::plan(&persons, friends, size.posts, first_post_id, &mut posts_rng)?;
        Ok(Plan {
            places,
            place_popularity,
            tag_popularity,
            persons,
            friendships,
            posts,
        })
    }

    /// How many rows [`Plan::write`] will write, headers excluded.
    fn rows(&self, size: &Sizes) -> u64 {
        size.places as u64
            + size.tags as u64
            + 2 * size.persons as u64
            + size.knows
            + self.persons.interests.total()
            + 2 * size.posts
            + self.posts.tag_rows()
            + self.posts.located_rows()
            + size.likes
            + 3 * size.comments
    }

    fn write(
        &self,
        size: &Sizes,
        seed: u64,
        dirs: &Dirs,
        progress: &mut Progress,
    ) -> Result<GenStats> {
        let (persons, created) = (&self.persons, &self.persons.created);
        let mut stats = GenStats {
            places: people::write_places(&dirs.fixed, &self.places, progress)?,
            tags: people::write_tags(&dirs.fixed, size.tags, progress)?,
            ..GenStats::default()
        };
        let dynamic = &dirs.dynamic;
        let mut person_rows = rng(seed, Phase::PersonRows);
        stats.persons =
            people::write_persons(dynamic, persons, &self.places, &mut person_rows, progress)?;
        people::write_homes(dynamic, persons, progress)?;
        stats.has_interest = people::write_interests(dynamic, persons, progress)?;
        let mut friendship_rows = rng(seed, Phase::FriendshipRows);
        stats.knows = knows::write(
            dynamic,
            &self.friendships,
            created,
            &mut friendship_rows,
            progress,
        )?;
        let world = posts::World {
            persons,
            places: &self.places,
            place_popularity: &self.place_popularity,
            tag_popularity: &self.tag_popularity,
        };
        let mut post_rows = rng(seed, Phase::PostRows);
        let written = posts::PostTables::create(dynamic)?.write(
            &self.posts,
            &world,
            &mut post_rows,
            progress,
        )?;
        (stats.posts, stats.post_tags) = (written.posts, written.tags);
        let audience = reactions::Audience::new(&self.posts, &self.friendships.friends, created)?;
        let mut likes_rng = rng(seed, Phase::Likes);
        stats.likes =
            reactions::write_likes(dynamic, size.likes, &audience, &mut likes_rng, progress)?;
        let first_comment_id = self.posts.first_id + size.posts;
        let mut comments_rng = rng(seed, Phase::Comments);
        stats.comments = reactions::write_comments(
            dynamic,
            size.comments,
            first_comment_id,
            &audience,
            &mut comments_rng,
            progress,
        )?;
        Ok(stats)
    }
}

/// `out/static` and `out/dynamic`.
struct Dirs {
    fixed: PathBuf,
    dynamic: PathBuf,
}

/// Creates `out` (unless it is an existing empty directory) and its `static` and `dynamic`.
fn create_out_dirs(out: &Path) -> Result<Dirs> {
    match std::fs::read_dir(out) {
        Ok(mut entries) => {
            ensure!(
                entries.next().is_none(),
                "{} exists and is not empty",
                out.display()
            );
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            std::fs::create_dir_all(out).with_context(|| format!("creating {}", out.display()))?;
        }
        Err(e) => {
            return Err(e).with_context(|| format!("{} is not an empty directory", out.display()))
        }
    }
    let dirs = Dirs {
        fixed: out.join("static"),
        dynamic: out.join("dynamic"),
    };
    for dir in [&dirs.fixed, &dirs.dynamic] {
        std::fs::create_dir(dir).with_context(|| format!("creating {}", dir.display()))?;
    }
    Ok(dirs)
}
