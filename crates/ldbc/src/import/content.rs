//! The content passes: posts (with their creator, tags and place), likes, and comments (with
//! their creator and what they reply to).

use pillion_model::{Change, CommentBody, CommentId, CommentRecord, NodeId, Photo, PostBody};
use pillion_model::{PostId, PostRecord, RelRecord, RiderId, Timestamp, Visibility};
use rustc_hash::{FxHashMap, FxHashSet};

use super::csv::CsvFile;
use super::files::Table;
use super::props::row_props;
use super::social::Importer;
use super::ImportError;

impl Importer<'_> {
    /// `post_hasCreator_person`-like files: each row's subject (a post or comment id, which
    /// must be in `subjects`) gets exactly one creator.
    fn creators(
        &mut self,
        table: Option<Table>,
        subjects: fn(&Self) -> &FxHashSet<u64>,
        what: &'static str,
    ) -> Result<FxHashMap<u64, RiderId>, ImportError> {
        let mut creators = FxHashMap::default();
        let Some(table) = table else {
            return Ok(creators);
        };
        self.read(&table, |me, csv| {
            let subject = me.subject(csv, subjects, what)?;
            let rider = me.rider(csv, 1)?;
            if creators.insert(subject, rider).is_some() {
                return Err(csv.error(format!("{what} {subject} already has a creator")));
            }
            me.stats.relationship_rows += 1;
            Ok(())
        })?;
        Ok(creators)
    }

    /// Column 0 of the current row as an existing post or comment id.
    fn subject(
        &self,
        csv: &CsvFile,
        subjects: fn(&Self) -> &FxHashSet<u64>,
        what: &str,
    ) -> Result<u64, ImportError> {
        let id = csv.id(0)?;
        if subjects(self).contains(&id) {
            Ok(id)
        } else {
            Err(csv.error(format!("unknown {what} {id}")))
        }
    }

    /// Posts: body from `content`, the `imageFile` as a photo of unknown size (0 x 0),
    /// visibility from Pillion's optional `visibility` column (else public).
    pub(super) fn posts(&mut self) -> Result<(), ImportError> {
        let creators = self.folder.take_relation("post", "hasCreator", "person");
        let mut creators = self.creators(creators, |me| &me.posts, "post")?;
        let mut tags: FxHashMap<u64, Vec<pillion_model::InterestId>> = FxHashMap::default();
        if let Some(table) = self.folder.take_relation("post", "hasTag", "tag") {
            self.read(&table, |me, csv| {
                let post = me.subject(csv, |me| &me.posts, "post")?;
                let interest = me.interest(csv, 1)?;
                let list = tags.entry(post).or_default();
                if list.contains(&interest) {
                    return Err(csv.error(format!("post {post} already has tag {}", csv.get(1))));
                }
                list.push(interest);
                me.stats.relationship_rows += 1;
                Ok(())
            })?;
        }
        let mut located: FxHashMap<u64, (u64, NodeId)> = FxHashMap::default();
        if let Some(table) = self.folder.take_relation("post", "isLocatedIn", "place") {
            self.read(&table, |me, csv| {
                let post = me.subject(csv, |me| &me.posts, "post")?;
                let place = csv.id(1)?;
                let node = me.place_node(csv, place)?;
                if located.insert(post, (place, node)).is_some() {
                    return Err(csv.error(format!("post {post} is already located")));
                }
                me.stats.relationship_rows += 1;
                Ok(())
            })?;
        }
        let Some(table) = self.folder.entities.get("post").cloned() else {
            return Ok(());
        };
        self.read(&table, |me, csv| {
            let (id_col, id, author) = take_creator(csv, &mut creators, "post")?;
            let created_at = Timestamp(csv.int(csv.require("creationDate")?)?);
            let text = |name: &str| csv.column(name).map(|i| csv.get(i)).unwrap_or("");
            let visibility = match text("visibility") {
                "" | "public" => Visibility::Public,
                "friends" => Visibility::Friends,
                other => {
                    return Err(csv.error(format!(
                        "visibility must be \"public\" or \"friends\", found {other:?}"
                    )))
                }
            };
            let photos = match text("imageFile") {
                "" => Vec::new(),
                url => vec![Photo {
                    url: url.to_owned(),
                    width: 0,
                    height: 0,
                }],
            };
            let place = located.get(&id);
            me.stats.posts += 1;
            me.stats.node_rows += 1;
            me.out.push(Change::CreatePost(PostRecord {
                id: PostId(id),
                author,
                body: PostBody::from_trusted(text("content").to_owned()),
                visibility,
                photos,
                place: place.and_then(|(ldbc, _)| me.geo.get(ldbc).cloned()),
                interests: tags.remove(&id).unwrap_or_default(),
                created_at,
            }))?;
            me.out.push(Change::SetNodeProps {
                id: NodeId(id),
                props: row_props(csv, &[id_col])?,
            })?;
            if let Some((_, node)) = place {
                me.push_rel("IS_LOCATED_IN", NodeId(id), *node)?;
            }
            Ok(())
        })
    }

    fn place_node(&self, csv: &CsvFile, place: u64) -> Result<NodeId, ImportError> {
        self.place_ids()
            .and_then(|ids| ids.get(&place).copied())
            .ok_or_else(|| csv.error(format!("unknown place {place}")))
    }

    /// `person_likes_post`: one like per rider and post.
    pub(super) fn likes(&mut self) -> Result<(), ImportError> {
        let Some(table) = self.folder.take_relation("person", "likes", "post") else {
            return Ok(());
        };
        let mut seen = FxHashSet::default();
        self.read(&table, |me, csv| {
            let rider = me.rider(csv, 0)?;
            let post = csv.id(1)?;
            if !me.posts.contains(&post) {
                return Err(csv.error(format!("unknown post {post}")));
            }
            if !seen.insert((post, rider.0)) {
                return Err(csv.error(format!("{rider} already likes post {post}")));
            }
            let created_at = Timestamp(csv.int(csv.require("creationDate")?)?);
            me.stats.likes += 1;
            me.stats.relationship_rows += 1;
            me.out.push(Change::Like {
                rider,
                post: PostId(post),
                created_at,
            })
        })
    }

    /// Comments: a reply to a post is on that post; a reply to a comment is on the post its
    /// thread started from, and also `REPLY_OF` the comment it answers.
    pub(super) fn comments(&mut self) -> Result<(), ImportError> {
        let creators = self.folder.take_relation("comment", "hasCreator", "person");
        let mut creators = self.creators(creators, |me| &me.comments, "comment")?;
        let mut on_post: FxHashMap<u64, u64> = FxHashMap::default();
        if let Some(table) = self.folder.take_relation("comment", "replyOf", "post") {
            self.read(&table, |me, csv| {
                let comment = me.subject(csv, |me| &me.comments, "comment")?;
                let post = csv.id(1)?;
                if !me.posts.contains(&post) {
                    return Err(csv.error(format!("unknown post {post}")));
                }
                if on_post.insert(comment, post).is_some() {
                    return Err(csv.error(format!("comment {comment} already replies")));
                }
                me.stats.relationship_rows += 1;
                Ok(())
            })?;
        }
        let mut parent: FxHashMap<u64, u64> = FxHashMap::default();
        if let Some(table) = self.folder.take_relation("comment", "replyOf", "comment") {
            self.read(&table, |me, csv| {
                let comment = me.subject(csv, |me| &me.comments, "comment")?;
                let replied = csv.id(1)?;
                if !me.comments.contains(&replied) {
                    return Err(csv.error(format!("unknown comment {replied}")));
                }
                if on_post.contains_key(&comment) || parent.insert(comment, replied).is_some() {
                    return Err(csv.error(format!("comment {comment} already replies")));
                }
                me.stats.relationship_rows += 1;
                Ok(())
            })?;
        }
        let Some(table) = self.folder.entities.get("comment").cloned() else {
            return Ok(());
        };
        self.read(&table, |me, csv| {
            let (id_col, id, author) = take_creator(csv, &mut creators, "comment")?;
            let post = thread_root(id, &on_post, &parent).map_err(|e| csv.error(e))?;
            let created_at = Timestamp(csv.int(csv.require("creationDate")?)?);
            let body = csv.column("content").map(|i| csv.get(i)).unwrap_or("");
            me.stats.comments += 1;
            me.stats.node_rows += 1;
            me.out.push(Change::CreateComment(CommentRecord {
                id: CommentId(id),
                post: PostId(post),
                author,
                body: CommentBody::from_trusted(body.to_owned()),
                created_at,
            }))?;
            me.out.push(Change::SetNodeProps {
                id: NodeId(id),
                props: row_props(csv, &[id_col])?,
            })?;
            if let Some(replied) = parent.get(&id) {
                me.push_rel("REPLY_OF", NodeId(id), NodeId(*replied))?;
            }
            Ok(())
        })
    }
}

impl Importer<'_> {
    /// A relationship without properties that the social model has no field for.
    fn push_rel(&mut self, rel_type: &str, from: NodeId, to: NodeId) -> Result<(), ImportError> {
        self.stats.other_rels += 1;
        self.out.push(Change::CreateRel(RelRecord {
            rel_type: rel_type.to_owned(),
            from,
            to,
            props: pillion_model::Props::default(),
        }))
    }
}

/// The current row's id column, id, and its creator (taken out of `creators`, which the
/// `<what>_hasCreator_person` pass filled).
fn take_creator(
    csv: &CsvFile,
    creators: &mut FxHashMap<u64, RiderId>,
    what: &str,
) -> Result<(usize, u64, RiderId), ImportError> {
    let id_col = csv.require("id")?;
    let id = csv.id(id_col)?;
    let author = creators.remove(&id).ok_or_else(|| {
        csv.error(format!(
            "{what} {id} has no creator in {what}_hasCreator_person"
        ))
    })?;
    Ok((id_col, id, author))
}

/// The post a comment's thread hangs from, following replies to comments.
fn thread_root(
    comment: u64,
    on_post: &FxHashMap<u64, u64>,
    parent: &FxHashMap<u64, u64>,
) -> Result<u64, String> {
    let mut at = comment;
    // A chain longer than the number of replies is a cycle.
    for _ in 0..=parent.len() {
        if let Some(post) = on_post.get(&at) {
            return Ok(*post);
        }
        match parent.get(&at) {
            Some(p) => at = *p,
            None => return Err(format!("comment {at} replies to nothing (no replyOf row)")),
        }
    }
    Err(format!("comment {comment} is in a cycle of replies"))
}
