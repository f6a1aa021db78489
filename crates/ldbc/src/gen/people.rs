//! Riders and the static world around them: places, interests (LDBC tags), who lives where and
//! who follows what.

use std::path::Path;

use anyhow::Result;
use rand::Rng;
use rand_chacha::ChaCha8Rng;

use super::csv::{Field, Progress, Table};
use super::dist::{exponential, pick_weighted, Csr, Popularity};
use super::names::{
    BROWSERS, BROWSER_WEIGHTS, FEMALE_NAMES, KNOWN_PLACES, KNOWN_TAGS, LANGUAGES, LAST_NAMES,
    MALE_NAMES,
};
use super::{START_MS, YEAR_MS};

const DBPEDIA: &str = "http://dbpedia.org/resource/";
/// Riders sign up during the first fifth of the year, so they have time to make friends and post.
const SIGN_UP_WINDOW_MS: i64 = YEAR_MS / 5;
/// Birthdays fall between 1970-01-01 and 2007-01-01 (riders aged 18 to 55 in 2025), at midnight.
const BIRTHDAY_DAYS: i64 = 13_514;
const DAY_MS: i64 = 86_400_000;
/// Mean number of interests a rider follows.
const MEAN_INTERESTS: f64 = 5.0;
const MAX_INTERESTS: usize = 40;

/// Interest popularity: this share of picks goes to the first [`HEAD_TAGS`] tags (Zipf), which
/// makes the top tag followed by about 30% of riders at every scale.
const TAG_HEAD_SHARE: f64 = 0.36;
const HEAD_TAGS: usize = 100;

pub(super) struct Place {
    pub name: String,
    pub lat: f64,
    pub lon: f64,
    pub language: &'static str,
}

/// The known places first, then generated ones scattered over Europe.
pub(super) fn plan_places(n: usize, rng: &mut ChaCha8Rng) -> Vec<Place> {
    (0..n)
        .map(|i| match KNOWN_PLACES.get(i) {
            Some(p) => Place {
                name: p.name.to_owned(),
                lat: p.lat,
                lon: p.lon,
                language: p.language,
            },
            None => Place {
                name: format!("Place {i}"),
                lat: round4(rng.gen_range(35.0..70.0)),
                lon: round4(rng.gen_range(-10.0..30.0)),
                language: LANGUAGES[rng.gen_range(0..LANGUAGES.len())],
            },
        })
        .collect()
}

fn round4(x: f64) -> f64 {
    (x * 10_000.0).round() / 10_000.0
}

/// Where riders live and ride to: big cities and famous passes most often.
pub(super) fn place_popularity(places: usize) -> Result<Popularity> {
    Popularity::new(places, KNOWN_PLACES.len(), 0.7, 0.3)
}

pub(super) fn write_places(dir: &Path, places: &[Place], progress: &mut Progress) -> Result<u64> {
    let mut table = Table::create(dir, "place_0_0.csv", "id|name|url|type|lat|lon")?;
    let mut url = String::new();
    for (id, p) in places.iter().enumerate() {
        dbpedia_url(&mut url, &p.name);
        let row = [
            Field::Id(id as u64),
            Field::Text(&p.name),
            Field::Text(&url),
            Field::Text("city"),
            Field::Degrees(p.lat),
            Field::Degrees(p.lon),
        ];
        table.row(&row, progress)?;
    }
    table.finish()
}

/// The known interests first, then local scenes ("Stelvio Pass riders"), then `Topic <id>`: all
/// distinct even ignoring case.
pub(super) fn write_tags(dir: &Path, n: usize, progress: &mut Progress) -> Result<u64> {
    let mut table = Table::create(dir, "tag_0_0.csv", "id|name|url")?;
    let (mut name, mut url) = (String::new(), String::new());
    for id in 0..n {
        tag_name(&mut name, id);
        dbpedia_url(&mut url, &name);
        let row = [Field::Id(id as u64), Field::Text(&name), Field::Text(&url)];
        table.row(&row, progress)?;
    }
    table.finish()
}

const LOCAL_SCENES: &[&str] = &["riders", "rides", "meetups"];

fn tag_name(out: &mut String, id: usize) {
    out.clear();
    if let Some(known) = KNOWN_TAGS.get(id) {
        out.push_str(known);
        return;
    }
    let local = id - KNOWN_TAGS.len();
    let places = KNOWN_PLACES.len();
    if let Some(scene) = LOCAL_SCENES.get(local / places) {
        out.push_str(KNOWN_PLACES[local % places].name);
        out.push(' ');
        out.push_str(scene);
    } else {
        out.push_str("Topic ");
        out.push_str(itoa::Buffer::new().format(id));
    }
}

fn dbpedia_url(out: &mut String, name: &str) {
    out.clear();
    out.push_str(DBPEDIA);
    out.extend(name.chars().map(|c| if c == ' ' { '_' } else { c }));
}

/// What the rest of the network needs to know about riders; rider `i` has id `i + 1`.
pub(super) struct Persons {
    /// Sign-up dates, ascending: older accounts have smaller ids.
    pub created: Vec<i64>,
    pub home: Vec<u32>,
    /// Followed tags per rider, ascending.
    pub interests: Csr,
}

/// Which interests riders follow and posts are tagged with.
pub(super) fn tag_popularity(tags: usize) -> Result<Popularity> {
    Popularity::new(tags, HEAD_TAGS, TAG_HEAD_SHARE, 0.5)
}

pub(super) fn plan_persons(
    n: usize,
    places: &Popularity,
    tags: &Popularity,
    rng: &mut ChaCha8Rng,
) -> Result<Persons> {
    let mut created: Vec<i64> = (0..n)
        .map(|_| START_MS + rng.gen_range(0..SIGN_UP_WINDOW_MS))
        .collect();
    created.sort_unstable();
    let home = (0..n).map(|_| places.pick(rng) as u32).collect();
    let mut interests = Csr::new();
    let mut row: Vec<u32> = Vec::with_capacity(MAX_INTERESTS);
    for _ in 0..n {
        // Exponential with a floor of one: most riders follow a few tags, some follow dozens.
        let wanted = (1 + exponential(rng, MEAN_INTERESTS - 0.5) as usize)
            .min(MAX_INTERESTS)
            .min(tags.len());
        row.clear();
        let mut tries = 0;
        while row.len() < wanted && tries < 20 * MAX_INTERESTS {
            let tag = tags.pick(rng) as u32;
            if !row.contains(&tag) {
                row.push(tag);
            }
            tries += 1;
        }
        row.sort_unstable();
        interests.push_row(&row);
    }
    Ok(Persons {
        created,
        home,
        interests,
    })
}

pub(super) fn write_persons(
    dir: &Path,
    persons: &Persons,
    places: &[Place],
    rng: &mut ChaCha8Rng,
    progress: &mut Progress,
) -> Result<u64> {
    let mut table = Table::create(
        dir,
        "person_0_0.csv",
        "id|firstName|lastName|gender|birthday|creationDate|locationIP|browserUsed|language|email",
    )?;
    let (mut ip, mut email) = (String::new(), String::new());
    for (i, (&created, &home)) in persons.created.iter().zip(&persons.home).enumerate() {
        let id = i as u64 + 1;
        let female = rng.gen_bool(0.3);
        let names = if female { FEMALE_NAMES } else { MALE_NAMES };
        let first = names[rng.gen_range(0..names.len())];
        let last = LAST_NAMES[rng.gen_range(0..LAST_NAMES.len())];
        let birthday = rng.gen_range(0..BIRTHDAY_DAYS) * DAY_MS;
        random_ip(&mut ip, rng);
        let browser = BROWSERS[pick_weighted(rng, BROWSER_WEIGHTS)];
        email.clear();
        email.extend(first.chars().map(|c| c.to_ascii_lowercase()));
        email.push_str(itoa::Buffer::new().format(id));
        email.push_str("@example.org");
        let row = [
            Field::Id(id),
            Field::Text(first),
            Field::Text(last),
            Field::Text(if female { "female" } else { "male" }),
            Field::Ms(birthday),
            Field::Ms(created),
            Field::Text(&ip),
            Field::Text(browser),
            Field::Text(places[home as usize].language),
            Field::Text(&email),
        ];
        table.row(&row, progress)?;
    }
    table.finish()
}

pub(super) fn random_ip(out: &mut String, rng: &mut ChaCha8Rng) {
    out.clear();
    let mut ints = itoa::Buffer::new();
    out.push_str(ints.format(rng.gen_range(1u8..224)));
    for _ in 0..3 {
        out.push('.');
        out.push_str(ints.format(rng.gen::<u8>()));
    }
}

pub(super) fn write_homes(dir: &Path, persons: &Persons, progress: &mut Progress) -> Result<u64> {
    let mut table = Table::create(
        dir,
        "person_isLocatedIn_place_0_0.csv",
        "Person.id|Place.id",
    )?;
    for (i, &home) in persons.home.iter().enumerate() {
        table.row(
            &[Field::Id(i as u64 + 1), Field::Id(u64::from(home))],
            progress,
        )?;
    }
    table.finish()
}

pub(super) fn write_interests(
    dir: &Path,
    persons: &Persons,
    progress: &mut Progress,
) -> Result<u64> {
    let mut table = Table::create(dir, "person_hasInterest_tag_0_0.csv", "Person.id|Tag.id")?;
    for i in 0..persons.interests.rows() {
        for &tag in persons.interests.row(i) {
            table.row(
                &[Field::Id(i as u64 + 1), Field::Id(u64::from(tag))],
                progress,
            )?;
        }
    }
    table.finish()
}
