//! Likes and comments, drawn so that they respect who can see what.
//!
//! A post's pull is its appeal (Pareto) times the square root of its author's audience, so
//! popular riders' best posts gather the most reactions. Four likes in five come from the
//! author's friends; the rest from any rider, but only on public posts, since a stranger never
//! sees a friends-only post. Comments follow the same rule.

use std::path::Path;

use anyhow::{ensure, Result};
use rand::Rng;
use rand_chacha::ChaCha8Rng;

use super::csv::{Field, Progress, Table};
use super::dist::{later, pick_weighted, Csr, Weighted};
use super::names::{BROWSERS, BROWSER_WEIGHTS};
use super::people::random_ip;
use super::posts::Posts;
use super::{text, END_MS};

const FRIEND_LIKE_SHARE: f64 = 0.8;
const MEAN_LIKE_DELAY_MS: f64 = 18.0 * 3_600_000.0;
const MEAN_COMMENT_DELAY_MS: f64 = 6.0 * 3_600_000.0;

/// Which post a reaction goes to, among all posts or among public ones.
pub(super) struct Audience<'a> {
    posts: &'a Posts,
    friends: &'a Csr,
    created: &'a [i64],
    any_post: Weighted,
    public_posts: Vec<u32>,
    public_post: Weighted,
}

impl<'a> Audience<'a> {
    pub fn new(posts: &'a Posts, friends: &'a Csr, created: &'a [i64]) -> Result<Self> {
        let pull = |i: usize| {
            let audience = friends.row(posts.author[i] as usize).len() as f64;
            f64::from(posts.appeal[i]) * (1.0 + audience).sqrt()
        };
        let public_posts: Vec<u32> = (0..posts.len())
            .filter(|&i| posts.is_public(i))
            .map(|i| i as u32)
            .collect();
        ensure!(!public_posts.is_empty(), "no public post to react to");
        Ok(Audience {
            posts,
            friends,
            created,
            any_post: Weighted::new((0..posts.len()).map(pull))?,
            public_post: Weighted::new(public_posts.iter().map(|&i| pull(i as usize)))?,
            public_posts,
        })
    }

    fn friends_of_author(&self, post: usize) -> &[u32] {
        self.friends.row(self.posts.author[post] as usize)
    }

    /// One like as `post << 32 | rider`, or none when the draw hit a friendless author.
    fn like(&self, rng: &mut ChaCha8Rng) -> Option<u64> {
        let (post, rider) = if rng.gen_bool(FRIEND_LIKE_SHARE) {
            let post = self.any_post.pick(rng);
            let friends = self.friends_of_author(post);
            (post, *friends.get(rng.gen_range(0..friends.len().max(1)))?)
        } else {
            let post = self.public_posts[self.public_post.pick(rng)] as usize;
            let rider = rng.gen_range(0..self.created.len() as u32);
            (rider != self.posts.author[post]).then_some((post, rider))?
        };
        Some(((post as u64) << 32) | u64::from(rider))
    }

    /// One comment as (post, rider): the author or a friend, or on a public post also anyone.
    fn comment(&self, rng: &mut ChaCha8Rng) -> (usize, u32) {
        let post = self.any_post.pick(rng);
        let author = self.posts.author[post];
        if self.posts.is_public(post) && rng.gen_bool(0.4) {
            return (post, rng.gen_range(0..self.created.len() as u32));
        }
        let friends = self.friends_of_author(post);
        if friends.is_empty() || rng.gen_bool(0.15) {
            (post, author)
        } else {
            (post, friends[rng.gen_range(0..friends.len())])
        }
    }

    /// A reaction comes after both the post and the reacting rider's sign-up.
    fn date(&self, rng: &mut ChaCha8Rng, post: usize, rider: u32, mean_ms: f64) -> i64 {
        let after = self.posts.created[post].max(self.created[rider as usize]);
        later(rng, after, mean_ms, END_MS)
    }
}

/// Writes exactly `count` distinct likes, ordered by post then rider.
pub(super) fn write_likes(
    dir: &Path,
    count: u64,
    audience: &Audience,
    rng: &mut ChaCha8Rng,
    progress: &mut Progress,
) -> Result<u64> {
    let mut likes: Vec<u64> = Vec::with_capacity(count as usize);
    for round in 0.. {
        let missing = count - likes.len() as u64;
        if missing == 0 {
            break;
        }
        ensure!(round < 1_000, "could not place {missing} more likes");
        likes.extend((0..missing).filter_map(|_| audience.like(rng)));
        likes.sort_unstable();
        likes.dedup();
    }
    let mut table = Table::create(
        dir,
        "person_likes_post_0_0.csv",
        "Person.id|Post.id|creationDate",
    )?;
    for &like in &likes {
        let (post, rider) = ((like >> 32) as usize, (like & 0xFFFF_FFFF) as u32);
        let date = audience.date(rng, post, rider, MEAN_LIKE_DELAY_MS);
        let post_id = audience.posts.first_id + post as u64;
        table.row(
            &[
                Field::Id(u64::from(rider) + 1),
                Field::Id(post_id),
                Field::Ms(date),
            ],
            progress,
        )?;
    }
    table.finish()
}

/// Writes `count` comments with their creators and posts; ids from `first_id`, oldest first.
pub(super) fn write_comments(
    dir: &Path,
    count: u64,
    first_id: u64,
    audience: &Audience,
    rng: &mut ChaCha8Rng,
    progress: &mut Progress,
) -> Result<u64> {
    let mut planned: Vec<(i64, u32, u32)> = (0..count)
        .map(|_| {
            let (post, rider) = audience.comment(rng);
            (
                audience.date(rng, post, rider, MEAN_COMMENT_DELAY_MS),
                post as u32,
                rider,
            )
        })
        .collect();
    planned.sort_unstable();
    let header = "id|creationDate|locationIP|browserUsed|content|length";
    let mut comments = Table::create(dir, "comment_0_0.csv", header)?;
    let mut creators = Table::create(
        dir,
        "comment_hasCreator_person_0_0.csv",
        "Comment.id|Person.id",
    )?;
    let mut replies = Table::create(dir, "comment_replyOf_post_0_0.csv", "Comment.id|Post.id")?;
    let (mut ip, mut content) = (String::new(), String::new());
    for (i, &(date, post, rider)) in planned.iter().enumerate() {
        let id = first_id + i as u64;
        random_ip(&mut ip, rng);
        let length = text::comment(&mut content, rng);
        let row = [
            Field::Id(id),
            Field::Ms(date),
            Field::Text(&ip),
            Field::Text(BROWSERS[pick_weighted(rng, BROWSER_WEIGHTS)]),
            Field::Text(&content),
            Field::Id(length as u64),
        ];
        comments.row(&row, progress)?;
        creators.row(&[Field::Id(id), Field::Id(u64::from(rider) + 1)], progress)?;
        let post_id = audience.posts.first_id + u64::from(post);
        replies.row(&[Field::Id(id), Field::Id(post_id)], progress)?;
    }
    creators.finish()?;
    replies.finish()?;
    comments.finish()
}
