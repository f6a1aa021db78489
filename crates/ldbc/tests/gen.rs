#![allow(clippy::unwrap_used)]
//! The generator's promises, checked on the files it writes: exact sizes, same bytes for the same
//! seed, well-formed LDBC tables, and a network whose rules and shape match what the benchmark
//! relies on (who can like or comment what, heavy-tailed friendships that stay capped).

use std::collections::{BTreeMap, HashMap, HashSet};
use std::hash::{DefaultHasher, Hasher};
use std::path::Path;

use pillion_ldbc::gen::{generate, GenOptions, GenStats};

const START_MS: i64 = 1_735_689_600_000;
const END_MS: i64 = 1_767_225_600_000;

/// Every file the generator writes, with its header.
const FILES: &[(&str, &str)] = &[
    ("static/place_0_0.csv", "id|name|url|type|lat|lon"),
    ("static/tag_0_0.csv", "id|name|url"),
    (
        "dynamic/person_0_0.csv",
        "id|firstName|lastName|gender|birthday|creationDate|locationIP|browserUsed|language|email",
    ),
    (
        "dynamic/person_knows_person_0_0.csv",
        "Person.id|Person.id|creationDate",
    ),
    ("dynamic/person_hasInterest_tag_0_0.csv", "Person.id|Tag.id"),
    (
        "dynamic/person_isLocatedIn_place_0_0.csv",
        "Person.id|Place.id",
    ),
    (
        "dynamic/post_0_0.csv",
        "id|imageFile|creationDate|locationIP|browserUsed|language|content|length|visibility",
    ),
    (
        "dynamic/post_hasCreator_person_0_0.csv",
        "Post.id|Person.id",
    ),
    ("dynamic/post_hasTag_tag_0_0.csv", "Post.id|Tag.id"),
    ("dynamic/post_isLocatedIn_place_0_0.csv", "Post.id|Place.id"),
    (
        "dynamic/person_likes_post_0_0.csv",
        "Person.id|Post.id|creationDate",
    ),
    (
        "dynamic/comment_0_0.csv",
        "id|creationDate|locationIP|browserUsed|content|length",
    ),
    (
        "dynamic/comment_hasCreator_person_0_0.csv",
        "Comment.id|Person.id",
    ),
    ("dynamic/comment_replyOf_post_0_0.csv", "Comment.id|Post.id"),
];

fn run(scale: u32, seed: u64, out: &Path) -> GenStats {
    generate(&GenOptions { scale, seed }, out, &mut |_, _| {}).unwrap()
}

/// A file's rows (header checked and dropped), split on `|`.
fn rows(out: &Path, file: &str) -> Vec<Vec<String>> {
    let text = std::fs::read_to_string(out.join(file)).unwrap();
    let mut lines = text.split_terminator('\n');
    let header = FILES.iter().find(|(f, _)| *f == file).unwrap().1;
    assert_eq!(lines.next(), Some(header), "{file}");
    let width = header.split('|').count();
    lines
        .map(|line| {
            let fields: Vec<String> = line.split('|').map(str::to_owned).collect();
            assert_eq!(fields.len(), width, "{file}: {line:?}");
            fields
        })
        .collect()
}

fn int(field: &str) -> i64 {
    field
        .parse()
        .unwrap_or_else(|_| panic!("not an integer: {field:?}"))
}

/// Column `value` by column `key`.
fn column_map(rows: &[Vec<String>], key: usize, value: usize) -> HashMap<i64, i64> {
    rows.iter()
        .map(|r| (int(&r[key]), int(&r[value])))
        .collect()
}

fn digests(out: &Path) -> BTreeMap<&'static str, u64> {
    FILES
        .iter()
        .map(|&(file, _)| {
            let mut hasher = DefaultHasher::new();
            hasher.write(&std::fs::read(out.join(file)).unwrap());
            (file, hasher.finish())
        })
        .collect()
}

#[test]
fn same_seed_gives_the_same_bytes_and_another_seed_does_not() {
    let (a, b, c) = (
        tempfile::tempdir().unwrap(),
        tempfile::tempdir().unwrap(),
        tempfile::tempdir().unwrap(),
    );
    // The output directory may exist (empty) or not.
    let fresh = a.path().join("not/yet/there");
    run(1, 7, &fresh);
    run(1, 7, b.path());
    run(1, 8, c.path());
    assert_eq!(digests(&fresh), digests(b.path()));
    let (first, other) = (digests(&fresh), digests(c.path()));
    for file in [
        "dynamic/person_knows_person_0_0.csv",
        "dynamic/post_0_0.csv",
        "dynamic/person_likes_post_0_0.csv",
    ] {
        assert_ne!(first[file], other[file], "{file} ignores the seed");
    }
}

#[test]
fn refuses_scale_zero_and_a_used_output_directory() {
    let dir = tempfile::tempdir().unwrap();
    let err = generate(
        &GenOptions { scale: 0, seed: 1 },
        &dir.path().join("out"),
        &mut |_, _| {},
    );
    assert!(err.unwrap_err().to_string().contains("scale"));
    std::fs::write(dir.path().join("something"), "x").unwrap();
    assert!(generate(
        &GenOptions { scale: 1, seed: 1 },
        dir.path(),
        &mut |_, _| {}
    )
    .is_err());
    let file = dir.path().join("something");
    assert!(generate(&GenOptions { scale: 1, seed: 1 }, &file, &mut |_, _| {}).is_err());
    assert_eq!(
        std::fs::read_to_string(&file).unwrap(),
        "x",
        "a refused run must not touch files"
    );
}

/// Everything about one scale-1 network, generated once into an existing empty directory.
#[test]
fn scale_one_network_keeps_every_promise() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path();
    let mut reports = Vec::new();
    let stats = generate(
        &GenOptions { scale: 1, seed: 42 },
        out,
        &mut |done, total| {
            reports.push((done, total));
        },
    )
    .unwrap();
    let expected = GenStats {
        persons: 20_000,
        knows: 80_000,
        posts: 80_000,
        likes: 140_000,
        comments: 40_000,
        tags: 500,
        places: 200,
        ..stats
    };
    assert_eq!(stats, expected);
    assert!(
        (90_000..=110_000).contains(&stats.has_interest),
        "{stats:?}"
    );
    assert!(stats.post_tags <= 3 * stats.posts, "{stats:?}");
    progress_climbs_to_its_total(&reports);

    let net = Network::load(out);
    assert_eq!(net.counts(), stats);
    net.dates_fall_in_2025_after_what_they_follow();
    net.ids_are_disjoint_and_references_resolve();
    net.friendships_are_unique_heavy_tailed_and_capped();
    net.likes_respect_visibility();
    net.comments_respect_visibility();
    net.posts_are_well_formed();
    net.interests_are_popular_and_distinct(out);
}

fn progress_climbs_to_its_total(reports: &[(u64, u64)]) {
    assert!(
        reports.len() > 5,
        "too few progress reports: {}",
        reports.len()
    );
    assert!(reports
        .windows(2)
        .all(|w| w[0].0 <= w[1].0 && w[0].1 == w[1].1));
    let &(done, total) = reports.last().unwrap();
    assert_eq!(done, total);
}

/// The dynamic tables of one network, parsed.
struct Network {
    persons: Vec<Vec<String>>,
    knows: Vec<Vec<String>>,
    interests: Vec<Vec<String>>,
    homes: Vec<Vec<String>>,
    posts: Vec<Vec<String>>,
    creators: Vec<Vec<String>>,
    post_tags: Vec<Vec<String>>,
    post_places: Vec<Vec<String>>,
    likes: Vec<Vec<String>>,
    comments: Vec<Vec<String>>,
    commenters: Vec<Vec<String>>,
    replies: Vec<Vec<String>>,
    tags: usize,
    places: usize,
}

impl Network {
    fn load(out: &Path) -> Self {
        let d = |f: &str| rows(out, &format!("dynamic/{f}_0_0.csv"));
        let mut found: Vec<String> = Vec::new();
        for sub in ["static", "dynamic"] {
            for entry in std::fs::read_dir(out.join(sub)).unwrap() {
                found.push(format!(
                    "{sub}/{}",
                    entry.unwrap().file_name().to_string_lossy()
                ));
            }
        }
        found.sort();
        let mut wanted: Vec<String> = FILES.iter().map(|(f, _)| (*f).to_owned()).collect();
        wanted.sort();
        assert_eq!(found, wanted);
        Network {
            persons: d("person"),
            knows: d("person_knows_person"),
            interests: d("person_hasInterest_tag"),
            homes: d("person_isLocatedIn_place"),
            posts: d("post"),
            creators: d("post_hasCreator_person"),
            post_tags: d("post_hasTag_tag"),
            post_places: d("post_isLocatedIn_place"),
            likes: d("person_likes_post"),
            comments: d("comment"),
            commenters: d("comment_hasCreator_person"),
            replies: d("comment_replyOf_post"),
            tags: rows(out, "static/tag_0_0.csv").len(),
            places: rows(out, "static/place_0_0.csv").len(),
        }
    }

    fn counts(&self) -> GenStats {
        GenStats {
            persons: self.persons.len() as u64,
            knows: self.knows.len() as u64,
            posts: self.posts.len() as u64,
            likes: self.likes.len() as u64,
            comments: self.comments.len() as u64,
            tags: self.tags as u64,
            places: self.places as u64,
            has_interest: self.interests.len() as u64,
            post_tags: self.post_tags.len() as u64,
        }
    }

    fn public_posts(&self) -> HashSet<i64> {
        self.posts
            .iter()
            .filter(|r| r[8] == "public")
            .map(|r| int(&r[0]))
            .collect()
    }

    fn friends(&self) -> HashSet<(i64, i64)> {
        self.knows
            .iter()
            .flat_map(|r| [(int(&r[0]), int(&r[1])), (int(&r[1]), int(&r[0]))])
            .collect()
    }

    fn dates_fall_in_2025_after_what_they_follow(&self) {
        let in_2025 = |ms: i64| (START_MS..END_MS).contains(&ms);
        let joined = column_map(&self.persons, 0, 5);
        assert!(
            joined
                .values()
                .all(|&ms| ms < START_MS + (END_MS - START_MS) / 5),
            "late sign-up"
        );
        for r in &self.knows {
            let ms = int(&r[2]);
            assert!(
                in_2025(ms) && ms >= joined[&int(&r[0])] && ms >= joined[&int(&r[1])],
                "{r:?}"
            );
        }
        let posted = column_map(&self.posts, 0, 2);
        for (post, author) in column_map(&self.creators, 0, 1) {
            assert!(
                in_2025(posted[&post]) && posted[&post] > joined[&author],
                "post {post}"
            );
        }
        for r in &self.likes {
            let ms = int(&r[2]);
            assert!(in_2025(ms) && ms >= posted[&int(&r[1])], "{r:?}");
        }
        let commented = column_map(&self.comments, 0, 1);
        for r in &self.replies {
            let ms = commented[&int(&r[0])];
            assert!(in_2025(ms) && ms >= posted[&int(&r[1])], "{r:?}");
        }
    }

    fn ids_are_disjoint_and_references_resolve(&self) {
        let (p, q) = (self.persons.len() as i64, self.posts.len() as i64);
        let ids = |rows: &[Vec<String>]| rows.iter().map(|r| int(&r[0])).collect::<Vec<i64>>();
        assert_eq!(ids(&self.persons), (1..=p).collect::<Vec<_>>());
        assert_eq!(ids(&self.posts), (p + 1..=p + q).collect::<Vec<_>>());
        let first_comment = p + q + 1;
        assert_eq!(
            ids(&self.comments),
            (first_comment..first_comment + self.comments.len() as i64).collect::<Vec<_>>()
        );
        let is_person = |id: i64| (1..=p).contains(&id);
        let is_post = |id: i64| (p + 1..=p + q).contains(&id);
        let is_comment =
            |id: i64| id >= first_comment && id < first_comment + self.comments.len() as i64;
        let check =
            |rows: &[Vec<String>], first: &dyn Fn(i64) -> bool, second: &dyn Fn(i64) -> bool| {
                for r in rows {
                    assert!(
                        first(int(&r[0])) && second(int(&r[1])),
                        "dangling reference {r:?}"
                    );
                }
            };
        let (tags, places) = (self.tags as i64, self.places as i64);
        let is_tag = |id: i64| (0..tags).contains(&id);
        let is_place = |id: i64| (0..places).contains(&id);
        check(&self.knows, &is_person, &is_person);
        check(&self.interests, &is_person, &is_tag);
        check(&self.homes, &is_person, &is_place);
        check(&self.creators, &is_post, &is_person);
        check(&self.post_tags, &is_post, &is_tag);
        check(&self.post_places, &is_post, &is_place);
        check(&self.likes, &is_person, &is_post);
        check(&self.commenters, &is_comment, &is_person);
        check(&self.replies, &is_comment, &is_post);
        // One home, one creator and one parent post each.
        assert_eq!(ids(&self.homes), ids(&self.persons));
        assert_eq!(ids(&self.creators), ids(&self.posts));
        assert_eq!(ids(&self.commenters), ids(&self.comments));
        assert_eq!(ids(&self.replies), ids(&self.comments));
    }

    fn friendships_are_unique_heavy_tailed_and_capped(&self) {
        let mut pairs = HashSet::new();
        let mut degree: HashMap<i64, usize> = HashMap::new();
        for r in &self.knows {
            let (a, b) = (int(&r[0]), int(&r[1]));
            assert_ne!(a, b, "self-friendship");
            assert!(
                pairs.insert((a.min(b), a.max(b))),
                "repeated friendship {a}-{b}"
            );
            *degree.entry(a).or_default() += 1;
            *degree.entry(b).or_default() += 1;
        }
        let mut degrees: Vec<usize> = (1..=self.persons.len() as i64)
            .map(|p| degree.get(&p).copied().unwrap_or(0))
            .collect();
        degrees.sort_unstable();
        let hubs = degrees.iter().filter(|&&d| d >= 1_000).count();
        let (max, median) = (degrees[degrees.len() - 1], degrees[degrees.len() / 2]);
        assert!(hubs >= 5, "only {hubs} riders with 1,000+ friends");
        assert!((1_500..4_000).contains(&max), "max degree {max}");
        assert!((3..=5).contains(&median), "median degree {median}");
    }

    fn likes_respect_visibility(&self) {
        let (author, public, friends) = (
            column_map(&self.creators, 0, 1),
            self.public_posts(),
            self.friends(),
        );
        let mut seen = HashSet::new();
        let mut by_friends = 0;
        for r in &self.likes {
            let (rider, post) = (int(&r[0]), int(&r[1]));
            assert!(seen.insert((rider, post)), "repeated like {r:?}");
            assert_ne!(rider, author[&post], "self-like {r:?}");
            if friends.contains(&(rider, author[&post])) {
                by_friends += 1;
            } else {
                assert!(
                    public.contains(&post),
                    "a stranger liked a friends-only post: {r:?}"
                );
            }
        }
        let share = by_friends as f64 / self.likes.len() as f64;
        assert!((0.75..0.9).contains(&share), "{share} of likes by friends");
    }

    fn comments_respect_visibility(&self) {
        let (author, public, friends) = (
            column_map(&self.creators, 0, 1),
            self.public_posts(),
            self.friends(),
        );
        let commenter = column_map(&self.commenters, 0, 1);
        for r in &self.replies {
            let (rider, post) = (commenter[&int(&r[0])], int(&r[1]));
            let close = rider == author[&post] || friends.contains(&(rider, author[&post]));
            assert!(
                close || public.contains(&post),
                "a stranger commented a friends-only post: {r:?}"
            );
        }
        for r in &self.comments {
            let chars = r[4].chars().count();
            assert!(chars > 0 && int(&r[5]) == chars as i64, "{r:?}");
        }
    }

    fn posts_are_well_formed(&self) {
        let mut images = 0;
        for r in &self.posts {
            let chars = r[6].chars().count();
            assert!(
                (1..=300).contains(&chars) && int(&r[7]) == chars as i64,
                "{r:?}"
            );
            assert!(r[8] == "public" || r[8] == "friends", "{r:?}");
            if !r[1].is_empty() {
                assert_eq!(r[1], format!("photo{}.jpg", r[0]));
                images += 1;
            }
        }
        let share = |n: usize| n as f64 / self.posts.len() as f64;
        assert!(
            (0.3..0.4).contains(&share(self.public_posts().len())),
            "public share"
        );
        assert!((0.25..0.35).contains(&share(images)), "image share");
        assert!(
            (0.35..0.45).contains(&share(self.post_places.len())),
            "located share"
        );
        let mut per_post: HashMap<i64, HashSet<i64>> = HashMap::new();
        for r in &self.post_tags {
            assert!(
                per_post.entry(int(&r[0])).or_default().insert(int(&r[1])),
                "repeated tag {r:?}"
            );
        }
        assert!(per_post.values().all(|tags| tags.len() <= 3));
        let mut posts_per_author: HashMap<i64, usize> = HashMap::new();
        for r in &self.creators {
            *posts_per_author.entry(int(&r[1])).or_default() += 1;
        }
        let most = posts_per_author.values().max().copied().unwrap_or(0);
        assert!(
            most >= 200,
            "authorship is not heavy-tailed: at most {most} posts"
        );
    }

    fn interests_are_popular_and_distinct(&self, out: &Path) {
        let mut followers: HashMap<i64, usize> = HashMap::new();
        let mut pairs = HashSet::new();
        for r in &self.interests {
            assert!(
                pairs.insert((int(&r[0]), int(&r[1]))),
                "repeated interest {r:?}"
            );
            *followers.entry(int(&r[1])).or_default() += 1;
        }
        let top = followers.values().max().copied().unwrap_or(0) as f64 / self.persons.len() as f64;
        assert!(
            (0.2..0.45).contains(&top),
            "top interest followed by {top} of riders"
        );
        let mut names = HashSet::new();
        for r in rows(out, "static/tag_0_0.csv") {
            assert!(!r[1].is_empty() && r[1].chars().count() <= 80, "{r:?}");
            assert!(
                names.insert(r[1].to_lowercase()),
                "tag name repeated: {r:?}"
            );
            assert_eq!(
                r[2],
                format!("http://dbpedia.org/resource/{}", r[1].replace(' ', "_"))
            );
        }
        for r in rows(out, "static/place_0_0.csv") {
            assert_eq!(r[3], "city");
            let (lat, lon): (f64, f64) = (r[4].parse().unwrap(), r[5].parse().unwrap());
            assert!(lat.abs() <= 90.0 && lon.abs() <= 180.0, "{r:?}");
        }
    }
}
