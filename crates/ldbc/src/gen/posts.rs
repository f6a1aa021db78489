//! Posts: who writes them, when, for whom, about what and where.
//!
//! Authorship is heavy-tailed and leans towards riders with many friends (a few post daily, most
//! a handful of times a year); dates follow the riding season; about a third of posts are public.

use std::f64::consts::TAU;
use std::path::Path;

use anyhow::Result;
use rand::Rng;
use rand_chacha::ChaCha8Rng;

use super::csv::{Field, Progress, Table};
use super::dist::{pick_weighted, quantile_counts, Csr, Popularity};
use super::names::{BROWSERS, BROWSER_WEIGHTS};
use super::people::{random_ip, Persons, Place};
use super::{text, END_MS, START_MS, YEAR_MS};

/// The most posts one rider writes in the year (about three a day).
const MAX_POSTS: u32 = 1_000;
/// Posts per rider at quantile q are proportional to q^-POST_EXPONENT; its integral over (0, 1)
/// is 4, the mean number of posts per rider.
const POST_EXPONENT: f64 = 0.75;
const LURKING: f64 = 0.6;

/// Relative shares of posts with 0, 1, 2 and 3 tags.
const TAGS_PER_POST: &[u32] = &[30, 35, 20, 15];
const LOCATED_SHARE: f64 = 0.4;
const PUBLIC_SHARE: f64 = 0.35;
const IMAGE_SHARE: f64 = 0.3;
/// A post's appeal is Pareto-distributed with this index (a few posts draw far more reactions
/// than the rest), capped so one post cannot take all of a popular author's likes.
const APPEAL_INDEX: f64 = 1.5;
const MAX_APPEAL: f64 = 100.0;

/// The bits of a post's flags.
const TAG_COUNT: u8 = 0b11;
const LOCATED: u8 = 1 << 2;
const PUBLIC: u8 = 1 << 3;
const IMAGE: u8 = 1 << 4;

/// Planned posts in id order (oldest first); post `i` has id `first_id + i`.
pub(super) struct Posts {
    pub first_id: u64,
    pub author: Vec<u32>,
    pub created: Vec<i64>,
    /// How likely friends and strangers are to react; Pareto-distributed.
    pub appeal: Vec<f32>,
    flags: Vec<u8>,
}

impl Posts {
    pub fn len(&self) -> usize {
        self.author.len()
    }

    pub fn is_public(&self, post: usize) -> bool {
        self.flags[post] & PUBLIC != 0
    }

    pub fn tag_rows(&self) -> u64 {
        self.flags.iter().map(|f| u64::from(f & TAG_COUNT)).sum()
    }

    pub fn located_rows(&self) -> u64 {
        self.flags.iter().filter(|&&f| f & LOCATED != 0).count() as u64
    }
}

pub(super) fn plan(
    persons: &Persons,
    friends: &Csr,
    total: u64,
    first_id: u64,
    rng: &mut ChaCha8Rng,
) -> Result<Posts> {
    let n = persons.created.len();
    // Rank riders by their friend count blurred with noise: prolific riders tend to be popular
    // ones, but not always.
    let mut keyed: Vec<(f64, u32)> = (0..n)
        .map(|i| {
            (
                (1.0 + friends.row(i).len() as f64).ln() + rng.gen_range(0.0..3.0),
                i as u32,
            )
        })
        .collect();
    keyed.sort_unstable_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
    let counts = quantile_counts(n, total, 0, MAX_POSTS, |q| {
        (q.powf(-POST_EXPONENT) - LURKING).max(0.0)
    })?;
    let mut dated: Vec<(i64, u32)> = Vec::with_capacity(total as usize);
    for (&(_, author), &count) in keyed.iter().zip(&counts) {
        let joined = persons.created[author as usize];
        for _ in 0..count {
            dated.push((season_date(rng, joined + 60_000), author));
        }
    }
    dated.sort_unstable();
    let (created, author) = dated.into_iter().unzip();
    let mut flags = vec![0u8; total as usize];
    let mut appeal = vec![0f32; total as usize];
    for (f, a) in flags.iter_mut().zip(appeal.iter_mut()) {
        *f = pick_weighted(rng, TAGS_PER_POST) as u8;
        *f |= if rng.gen_bool(LOCATED_SHARE) {
            LOCATED
        } else {
            0
        };
        *f |= if rng.gen_bool(PUBLIC_SHARE) {
            PUBLIC
        } else {
            0
        };
        *f |= if rng.gen_bool(IMAGE_SHARE) { IMAGE } else { 0 };
        let u: f64 = rng.gen();
        *a = (1.0 - u).powf(-1.0 / APPEAL_INDEX).min(MAX_APPEAL) as f32;
    }
    Ok(Posts {
        first_id,
        author,
        created,
        appeal,
        flags,
    })
}

/// A date in `from..END_MS`, five times likelier in early July than at New Year.
fn season_date(rng: &mut ChaCha8Rng, from: i64) -> i64 {
    let mut date = from;
    for _ in 0..8 {
        date = rng.gen_range(from..END_MS);
        let phase = (date - START_MS) as f64 / YEAR_MS as f64;
        // Kept with a chance of 0.2 at New Year, rising to 1.0 half a year later.
        if rng.gen::<f64>() < 0.6 - 0.4 * (TAU * phase).cos() {
            break;
        }
    }
    date
}

/// What posts are written against: their authors, and the places and tags they can mention.
pub(super) struct World<'a> {
    pub persons: &'a Persons,
    pub places: &'a [Place],
    pub place_popularity: &'a Popularity,
    pub tag_popularity: &'a Popularity,
}

/// Writes the posts with their creators, tags and places.
pub(super) struct PostTables {
    post: Table,
    creator: Table,
    tags: Table,
    place: Table,
}

/// Row counts of the four post files.
pub(super) struct PostCounts {
    pub posts: u64,
    pub tags: u64,
}

impl PostTables {
    pub fn create(dir: &Path) -> Result<Self> {
        let header =
            "id|imageFile|creationDate|locationIP|browserUsed|language|content|length|visibility";
        Ok(PostTables {
            post: Table::create(dir, "post_0_0.csv", header)?,
            creator: Table::create(dir, "post_hasCreator_person_0_0.csv", "Post.id|Person.id")?,
            tags: Table::create(dir, "post_hasTag_tag_0_0.csv", "Post.id|Tag.id")?,
            place: Table::create(dir, "post_isLocatedIn_place_0_0.csv", "Post.id|Place.id")?,
        })
    }

    pub fn write(
        mut self,
        posts: &Posts,
        world: &World,
        rng: &mut ChaCha8Rng,
        progress: &mut Progress,
    ) -> Result<PostCounts> {
        let persons = world.persons;
        let (mut ip, mut image, mut content) = (String::new(), String::new(), String::new());
        let mut tags: Vec<u32> = Vec::with_capacity(3);
        for i in 0..posts.len() {
            let id = posts.first_id + i as u64;
            let author = posts.author[i] as usize;
            let flags = posts.flags[i];
            image.clear();
            if flags & IMAGE != 0 {
                image.push_str("photo");
                image.push_str(itoa::Buffer::new().format(id));
                image.push_str(".jpg");
            }
            random_ip(&mut ip, rng);
            let language = world.places[persons.home[author] as usize].language;
            let length = text::post(&mut content, rng);
            let row = [
                Field::Id(id),
                Field::Text(&image),
                Field::Ms(posts.created[i]),
                Field::Text(&ip),
                Field::Text(BROWSERS[pick_weighted(rng, BROWSER_WEIGHTS)]),
                Field::Text(language.split(';').next().unwrap_or("en")),
                Field::Text(&content),
                Field::Id(length as u64),
                Field::Text(if flags & PUBLIC != 0 {
                    "public"
                } else {
                    "friends"
                }),
            ];
            self.post.row(&row, progress)?;
            self.creator
                .row(&[Field::Id(id), Field::Id(author as u64 + 1)], progress)?;
            let interests = persons.interests.row(author);
            pick_tags(
                &mut tags,
                flags & TAG_COUNT,
                interests,
                world.tag_popularity,
                rng,
            );
            for &tag in &tags {
                self.tags
                    .row(&[Field::Id(id), Field::Id(u64::from(tag))], progress)?;
            }
            if flags & LOCATED != 0 {
                // Mostly around home, otherwise somewhere riders like to go.
                let place = if rng.gen_bool(0.6) {
                    persons.home[author] as usize
                } else {
                    world.place_popularity.pick(rng)
                };
                self.place
                    .row(&[Field::Id(id), Field::Id(place as u64)], progress)?;
            }
        }
        self.creator.finish()?;
        self.place.finish()?;
        Ok(PostCounts {
            posts: self.post.finish()?,
            tags: self.tags.finish()?,
        })
    }
}

/// Exactly `count` distinct tags, half of them from the author's own interests.
fn pick_tags(
    tags: &mut Vec<u32>,
    count: u8,
    interests: &[u32],
    popularity: &Popularity,
    rng: &mut ChaCha8Rng,
) {
    tags.clear();
    let mut tries = 0;
    while tags.len() < usize::from(count) {
        let tag = if tries >= 32 {
            // Practically never: the first tag id not taken yet.
            (0..).find(|t| !tags.contains(t)).unwrap_or(0)
        } else if !interests.is_empty() && rng.gen_bool(0.5) {
            interests[rng.gen_range(0..interests.len())]
        } else {
            popularity.pick(rng) as u32
        };
        if !tags.contains(&tag) {
            tags.push(tag);
        }
        tries += 1;
    }
}
