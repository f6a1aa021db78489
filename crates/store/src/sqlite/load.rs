//! Replaying the file as changes. Rows are streamed straight into the sink, one statement per
//! table, inside one read transaction so that the replay is a single consistent snapshot: the
//! social state first, then the graph-only data (nodes, extra properties, relationships), which
//! may refer to any of it.
//!
//! Nothing here trusts the file: a value of the wrong type, bad JSON or an unknown visibility is
//! reported as [`StoreError::Corrupt`] naming the table and the row's key.

use std::collections::BTreeMap;
use std::fmt::Display;

use pillion_model::{
    Change, CommentBody, CommentId, CommentRecord, Handle, InterestId, InterestName, NodeId,
    NodeRecord, Photo, Place, PostBody, PostId, PostRecord, Props, RelRecord, RiderId, RiderName,
    RiderRecord, Timestamp, Visibility,
};
use rusqlite::types::{FromSql, ValueRef};
use rusqlite::{Connection, Row, Transaction};

use super::token_id_from_sql;
use crate::{LoadInfo, StoreError};

type Sink<'a> = &'a mut dyn FnMut(Change);

pub(super) fn load(conn: &mut Connection, sink: Sink<'_>) -> Result<LoadInfo, StoreError> {
    let tx = conn.transaction()?;
    riders(&tx, sink)?;
    interests(&tx, sink)?;
    friendships(&tx, sink)?;
    friend_requests(&tx, sink)?;
    follows(&tx, sink)?;
    posts(&tx, sink)?;
    likes(&tx, sink)?;
    comments(&tx, sink)?;
    revoked_tokens(&tx, sink, Timestamp::now())?;
    graph_nodes(&tx, sink)?;
    node_props(&tx, sink)?;
    graph_rels(&tx, sink)?;
    let next_id = high_water(&tx, NEXT_ID)?;
    let next_rel_id = high_water(&tx, NEXT_REL_ID)?;
    tx.commit()?;
    Ok(LoadInfo {
        next_id,
        next_rel_id,
    })
}

/// Runs `sql` and hands each row to `each`.
fn for_each_row(
    tx: &Transaction<'_>,
    sql: &str,
    params: impl rusqlite::Params,
    mut each: impl FnMut(&Row<'_>) -> Result<(), StoreError>,
) -> Result<(), StoreError> {
    let mut stmt = tx.prepare(sql)?;
    let mut rows = stmt.query(params)?;
    while let Some(row) = rows.next()? {
        each(row)?;
    }
    Ok(())
}

fn riders(tx: &Transaction<'_>, sink: Sink<'_>) -> Result<(), StoreError> {
    const T: &str = "riders";
    let sql = "SELECT id, handle, name, password_hash, props, created_at FROM riders ORDER BY id";
    for_each_row(tx, sql, [], |row| {
        let props = json::<BTreeMap<String, serde_json::Value>>(row, 4, T)?;
        sink(Change::CreateRider(RiderRecord {
            id: RiderId(get(row, 0, T)?),
            handle: Handle::from_trusted(get(row, 1, T)?),
            name: RiderName::from_trusted(get(row, 2, T)?),
            password_hash: get(row, 3, T)?,
            props: Props::from_trusted(props),
            created_at: Timestamp(get(row, 5, T)?),
        }));
        Ok(())
    })
}

fn interests(tx: &Transaction<'_>, sink: Sink<'_>) -> Result<(), StoreError> {
    const T: &str = "interests";
    for_each_row(
        tx,
        "SELECT id, name FROM interests ORDER BY id",
        [],
        |row| {
            sink(Change::CreateInterest {
                id: InterestId(get(row, 0, T)?),
                name: InterestName::from_trusted(get(row, 1, T)?),
            });
            Ok(())
        },
    )
}

/// In the order they were made (row order), which needs no sort.
fn friendships(tx: &Transaction<'_>, sink: Sink<'_>) -> Result<(), StoreError> {
    const T: &str = "friendships";
    let sql = "SELECT requester, accepter, since FROM friendships ORDER BY rowid";
    for_each_row(tx, sql, [], |row| {
        sink(Change::CreateFriendship {
            requester: RiderId(get(row, 0, T)?),
            accepter: RiderId(get(row, 1, T)?),
            since: Timestamp(get(row, 2, T)?),
        });
        Ok(())
    })
}

fn friend_requests(tx: &Transaction<'_>, sink: Sink<'_>) -> Result<(), StoreError> {
    const T: &str = "friend_requests";
    let sql = "SELECT from_id, to_id, created_at FROM friend_requests ORDER BY from_id, to_id";
    for_each_row(tx, sql, [], |row| {
        sink(Change::CreateFriendRequest {
            from: RiderId(get(row, 0, T)?),
            to: RiderId(get(row, 1, T)?),
            created_at: Timestamp(get(row, 2, T)?),
        });
        Ok(())
    })
}

fn follows(tx: &Transaction<'_>, sink: Sink<'_>) -> Result<(), StoreError> {
    const T: &str = "follows";
    let sql = "SELECT rider, interest, created_at FROM follows ORDER BY rider, interest";
    for_each_row(tx, sql, [], |row| {
        sink(Change::Follow {
            rider: RiderId(get(row, 0, T)?),
            interest: InterestId(get(row, 1, T)?),
            created_at: Timestamp(get(row, 2, T)?),
        });
        Ok(())
    })
}

/// One row per (post, tag), or one row with a NULL tag for an untagged post; the rows of a post
/// are adjacent and in the author's order, so a post is complete when the next one starts. The
/// order comes from walking `posts_by_time` and the `post_interests` key: no sort.
fn posts(tx: &Transaction<'_>, sink: Sink<'_>) -> Result<(), StoreError> {
    const T: &str = "posts";
    let sql = "SELECT p.id, p.author, p.body, p.visibility, p.photos,
                      p.place_name, p.place_lat, p.place_lon, p.created_at, pi.interest
               FROM posts p LEFT JOIN post_interests pi ON pi.post = p.id
               ORDER BY p.created_at, p.id, pi.position";
    let mut pending: Option<PostRecord> = None;
    for_each_row(tx, sql, [], |row| {
        let id: u64 = get(row, 0, T)?;
        let interest: Option<u64> = get(row, 9, T)?;
        if let Some(post) = pending.as_mut().filter(|p| p.id.0 == id) {
            post.interests.extend(interest.map(InterestId));
            return Ok(());
        }
        if let Some(done) = pending.take() {
            sink(Change::CreatePost(done));
        }
        let mut post = post_record(row, id)?;
        post.interests.extend(interest.map(InterestId));
        pending = Some(post);
        Ok(())
    })?;
    if let Some(done) = pending {
        sink(Change::CreatePost(done));
    }
    Ok(())
}

fn post_record(row: &Row<'_>, id: u64) -> Result<PostRecord, StoreError> {
    const T: &str = "posts";
    let visibility = match text(row, 3, T)? {
        "friends" => Visibility::Friends,
        "public" => Visibility::Public,
        other => return Err(corrupt(row, T, format!("unknown visibility {other:?}"))),
    };
    let photos = match row.get_ref(4)? {
        ValueRef::Null => Vec::new(),
        _ => json::<Vec<Photo>>(row, 4, T)?,
    };
    let place = match (get(row, 5, T)?, get(row, 6, T)?, get(row, 7, T)?) {
        (Some(name), Some(lat), Some(lon)) => Some(Place { name, lat, lon }),
        (None, None, None) => None,
        _ => return Err(corrupt(row, T, "place is only partly set")),
    };
    Ok(PostRecord {
        id: PostId(id),
        author: RiderId(get(row, 1, T)?),
        body: PostBody::from_trusted(get(row, 2, T)?),
        visibility,
        photos,
        place,
        interests: Vec::new(),
        created_at: Timestamp(get(row, 8, T)?),
    })
}

fn likes(tx: &Transaction<'_>, sink: Sink<'_>) -> Result<(), StoreError> {
    const T: &str = "likes";
    let sql = "SELECT post, rider, created_at FROM likes ORDER BY created_at, post, rider";
    for_each_row(tx, sql, [], |row| {
        sink(Change::Like {
            post: PostId(get(row, 0, T)?),
            rider: RiderId(get(row, 1, T)?),
            created_at: Timestamp(get(row, 2, T)?),
        });
        Ok(())
    })
}

fn comments(tx: &Transaction<'_>, sink: Sink<'_>) -> Result<(), StoreError> {
    const T: &str = "comments";
    let sql = "SELECT id, post, author, body, created_at FROM comments ORDER BY created_at, id";
    for_each_row(tx, sql, [], |row| {
        sink(Change::CreateComment(CommentRecord {
            id: CommentId(get(row, 0, T)?),
            post: PostId(get(row, 1, T)?),
            author: RiderId(get(row, 2, T)?),
            body: CommentBody::from_trusted(get(row, 3, T)?),
            created_at: Timestamp(get(row, 4, T)?),
        }));
        Ok(())
    })
}

/// Only tokens that have not expired yet: an expired token is refused anyway.
fn revoked_tokens(tx: &Transaction<'_>, sink: Sink<'_>, now: Timestamp) -> Result<(), StoreError> {
    const T: &str = "revoked_tokens";
    let sql = "SELECT token_id, expires_at FROM revoked_tokens WHERE expires_at > ?1
               ORDER BY token_id";
    for_each_row(tx, sql, [now.millis()], |row| {
        sink(Change::RevokeToken {
            token_id: token_id_from_sql(get(row, 0, T)?),
            expires_at: Timestamp(get(row, 1, T)?),
        });
        Ok(())
    })
}

/// Graph-only nodes, by id.
fn graph_nodes(tx: &Transaction<'_>, sink: Sink<'_>) -> Result<(), StoreError> {
    const T: &str = "nodes";
    for_each_row(
        tx,
        "SELECT id, labels, props FROM nodes ORDER BY id",
        [],
        |row| {
            sink(Change::CreateNode(NodeRecord {
                id: NodeId(get(row, 0, T)?),
                labels: json::<Vec<String>>(row, 1, T)?,
                props: props(row, 2, T)?,
            }));
            Ok(())
        },
    )
}

/// The extra properties of posts, comments and interests, after those (by id).
fn node_props(tx: &Transaction<'_>, sink: Sink<'_>) -> Result<(), StoreError> {
    const T: &str = "node_props";
    for_each_row(
        tx,
        "SELECT id, props FROM node_props ORDER BY id",
        [],
        |row| {
            sink(Change::SetNodeProps {
                id: NodeId(get(row, 0, T)?),
                props: props(row, 1, T)?,
            });
            Ok(())
        },
    )
}

/// Graph-only relationships with their ids, last (they may join any two nodes), by id.
fn graph_rels(tx: &Transaction<'_>, sink: Sink<'_>) -> Result<(), StoreError> {
    const T: &str = "rels";
    let sql = "SELECT id, type, src, dst, props FROM rels ORDER BY id";
    for_each_row(tx, sql, [], |row| {
        sink(Change::CreateRelWithId {
            id: get(row, 0, T)?,
            rel: RelRecord {
                rel_type: get(row, 1, T)?,
                from: NodeId(get(row, 2, T)?),
                to: NodeId(get(row, 3, T)?),
                props: props(row, 4, T)?,
            },
        });
        Ok(())
    })
}

fn props(row: &Row<'_>, i: usize, table: &str) -> Result<Props, StoreError> {
    Ok(Props::from_trusted(json::<
        BTreeMap<String, serde_json::Value>,
    >(row, i, table)?))
}

/// The node ids' mark: above every node id ever committed.
const NEXT_ID: &str = "SELECT max(
    coalesce((SELECT value FROM meta WHERE key = 'next_id'), 1),
    coalesce((SELECT max(id) FROM riders), 0) + 1,
    coalesce((SELECT max(id) FROM interests), 0) + 1,
    coalesce((SELECT max(id) FROM posts), 0) + 1,
    coalesce((SELECT max(id) FROM comments), 0) + 1,
    coalesce((SELECT max(id) FROM nodes), 0) + 1,
    1) AS next_id";

/// The relationship ids' mark (see schema V3).
const NEXT_REL_ID: &str = "SELECT max(
    coalesce((SELECT value FROM meta WHERE key = 'next_rel_id'), 1),
    coalesce((SELECT max(id) FROM rels), 0) + 1,
    1) AS next_rel_id";

/// Above the stored mark and above every id still present, so a file whose mark was lost or
/// never kept still never hands out a used id.
fn high_water(tx: &Transaction<'_>, sql: &str) -> Result<u64, StoreError> {
    let mut stmt = tx.prepare(sql)?;
    let name = stmt.column_name(0).unwrap_or("next_id").to_owned();
    let mut rows = stmt.query([])?;
    match rows.next()? {
        Some(row) => row.get(0).map_err(|e| {
            if is_bad_value(&e) {
                StoreError::Corrupt(format!("meta {name}: {e}"))
            } else {
                StoreError::Database(e)
            }
        }),
        None => Err(StoreError::Corrupt(format!("meta {name}: no value"))),
    }
}

/// Column `i` of a row of `table`; a value of the wrong type is corruption, not a database error.
fn get<T: FromSql>(row: &Row<'_>, i: usize, table: &str) -> Result<T, StoreError> {
    row.get(i).map_err(|e| {
        if is_bad_value(&e) {
            corrupt(row, table, e)
        } else {
            StoreError::Database(e)
        }
    })
}

/// Whether `e` says a stored value does not fit the type read, rather than that SQLite failed.
fn is_bad_value(e: &rusqlite::Error) -> bool {
    matches!(
        e,
        rusqlite::Error::InvalidColumnType(..)
            | rusqlite::Error::FromSqlConversionFailure(..)
            | rusqlite::Error::IntegralValueOutOfRange(..)
    )
}

/// Column `i` as text, borrowed from the row.
fn text<'r>(row: &'r Row<'_>, i: usize, table: &str) -> Result<&'r str, StoreError> {
    let value = row.get_ref(i)?;
    value
        .as_str()
        .map_err(|e| corrupt(row, table, format_args!("{}: {e}", column_name(row, i))))
}

/// Column `i` parsed as JSON, without copying the text first.
fn json<T: serde::de::DeserializeOwned>(
    row: &Row<'_>,
    i: usize,
    table: &str,
) -> Result<T, StoreError> {
    serde_json::from_str(text(row, i, table)?)
        .map_err(|e| corrupt(row, table, format_args!("{}: {e}", column_name(row, i))))
}

fn column_name<'r>(row: &'r Row<'_>, i: usize) -> &'r str {
    row.as_ref().column_name(i).unwrap_or("?")
}

/// Names the row by its first column, which is its key (or the first part of it).
fn corrupt(row: &Row<'_>, table: &str, what: impl Display) -> StoreError {
    let key = match row.get_ref(0) {
        Ok(ValueRef::Integer(k)) => k.to_string(),
        Ok(other) => format!("{other:?}"),
        Err(_) => "?".to_owned(),
    };
    StoreError::Corrupt(format!("{table} row {key}: {what}"))
}
