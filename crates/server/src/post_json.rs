//! Posts written as JSON by hand, for the hot lists (feed, wall, interest posts) and single posts.
//!
//! serde_json checks every byte of every string against its escape table; on a feed page of ten
//! posts that was ~10% of a request's CPU (perf, bench/README.md). Here a string is first tested
//! for anything that needs escaping with a branch-free pass the compiler vectorises, and copied
//! as it is when clean (nearly always); otherwise serde_json escapes it. The output is the same
//! bytes serde would write for [`PostView`] (a test holds the two together), so the OpenAPI
//! schema derived from [`PostView`] stays the contract.

use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use pillion_model::Timestamp;

use crate::views::{PostView, RiderSummary};

/// `{"items": [posts...], "next_cursor": ...}` as a response.
pub fn post_list_response(items: &[PostView<'_>], next_cursor: Option<&str>) -> Response {
    let mut out = Vec::with_capacity(1024 + items.len() * 640);
    out.extend_from_slice(b"{\"items\":[");
    for (i, p) in items.iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        write_post(&mut out, p);
    }
    out.extend_from_slice(b"],\"next_cursor\":");
    match next_cursor {
        Some(c) => string(&mut out, c),
        None => out.extend_from_slice(b"null"),
    }
    out.push(b'}');
    respond(StatusCode::OK, out)
}

/// One post as a response.
pub fn post_response(status: StatusCode, p: &PostView<'_>) -> Response {
    let mut out = Vec::with_capacity(1024);
    write_post(&mut out, p);
    respond(status, out)
}

fn respond(status: StatusCode, body: Vec<u8>) -> Response {
    (
        status,
        [(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/json"),
        )],
        body,
    )
        .into_response()
}

/// Field by field in [`PostView`]'s declaration order, as serde_json writes it.
pub fn write_post(out: &mut Vec<u8>, p: &PostView<'_>) {
    out.extend_from_slice(b"{\"id\":");
    uint(out, p.id.0);
    out.extend_from_slice(b",\"author\":");
    summary(out, &p.author);
    out.extend_from_slice(b",\"body\":");
    if p.body_is_plain {
        quoted(out, p.body);
    } else {
        string(out, p.body);
    }
    out.extend_from_slice(b",\"visibility\":");
    string(out, p.visibility);
    out.extend_from_slice(b",\"photos\":");
    if p.photos.is_empty() {
        out.extend_from_slice(b"[]");
    } else {
        serde(out, &p.photos);
    }
    out.extend_from_slice(b",\"place\":");
    match p.place {
        None => out.extend_from_slice(b"null"),
        Some(place) => serde(out, place),
    }
    out.extend_from_slice(b",\"interests\":[");
    for (i, name) in p.interests.iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        string(out, name);
    }
    out.extend_from_slice(b"],\"created_at\":");
    timestamp(out, p.created_at);
    out.extend_from_slice(b",\"like_count\":");
    uint(out, p.like_count as u64);
    out.extend_from_slice(b",\"comment_count\":");
    uint(out, p.comment_count as u64);
    out.extend_from_slice(if p.liked_by_me {
        b",\"liked_by_me\":true"
    } else {
        b",\"liked_by_me\":false"
    });
    out.extend_from_slice(b",\"friends_who_liked\":[");
    for (i, r) in p.friends_who_liked.iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        summary(out, r);
    }
    out.extend_from_slice(b"]}");
}

fn summary(out: &mut Vec<u8>, r: &RiderSummary<'_>) {
    out.extend_from_slice(b"{\"id\":");
    uint(out, r.id.0);
    out.extend_from_slice(b",\"handle\":");
    string(out, r.handle);
    out.extend_from_slice(b",\"name\":");
    string(out, r.name);
    out.push(b'}');
}

fn uint(out: &mut Vec<u8>, v: u64) {
    out.extend_from_slice(itoa::Buffer::new().format(v).as_bytes());
}

fn timestamp(out: &mut Vec<u8>, t: Timestamp) {
    serde(out, &t);
}

/// A JSON string: copied as it is when nothing in it needs escaping.
fn string(out: &mut Vec<u8>, s: &str) {
    if needs_escape(s.as_bytes()) {
        serde(out, s);
    } else {
        quoted(out, s);
    }
}

/// A string known to need no escaping.
fn quoted(out: &mut Vec<u8>, s: &str) {
    out.push(b'"');
    out.extend_from_slice(s.as_bytes());
    out.push(b'"');
}

/// Whether serde_json would escape any byte of `b`: `"`, `\` or a control character. No early
/// exit, so the loop vectorises.
fn needs_escape(b: &[u8]) -> bool {
    b.iter().fold(0u8, |any, &c| {
        any | u8::from(c < 0x20) | u8::from(c == b'"') | u8::from(c == b'\\')
    }) != 0
}

/// Anything else (photos, places, escaped strings), by serde_json itself.
fn serde<T: serde::Serialize + ?Sized>(out: &mut Vec<u8>, v: &T) {
    // Writing into a Vec cannot fail, and these types serialize without error.
    let _ = serde_json::to_writer(&mut *out, v);
}

#[cfg(test)]
mod tests {
    use super::*;
    use pillion_model::{Photo, Place, PostId, RiderId};

    fn rider<'a>(id: u64, handle: &'a str, name: &'a str) -> RiderSummary<'a> {
        RiderSummary {
            id: RiderId(id),
            handle,
            name,
        }
    }

    #[test]
    fn writes_exactly_what_serde_writes() {
        let photos = vec![Photo {
            url: "https://img.example/a \"b\".jpg".into(),
            width: 1600,
            height: 0,
        }];
        let place = Place {
            name: "Col de l'Iseran".into(),
            lat: 45.417_1,
            lon: -7.03,
        };
        let bodies = [
            "plain body, with ünïcödé and 🏍",
            "quotes \" and \\ backslashes",
            "a tab\there and a newline\n and \u{1} a control",
            "",
        ];
        for (i, body) in bodies.iter().enumerate() {
            let view = PostView {
                id: PostId(9_007_199_254_740_991),
                author: rider(7, "ann", "Ann \"Speedy\" O'Neil"),
                body,
                body_is_plain: !needs_escape(body.as_bytes()),
                visibility: "friends",
                photos: if i % 2 == 0 { &photos } else { &[] },
                place: (i % 2 == 1).then_some(&place),
                interests: vec!["Alps", "BMW R 1200 GS/Adventure", "q\"uote"],
                created_at: Timestamp(1_795_299_128_123 + i as i64),
                like_count: 12,
                comment_count: i,
                liked_by_me: i % 2 == 0,
                friends_who_liked: vec![rider(1, "b", "B"), rider(2, "c", "C\\")],
            };
            let mut ours = Vec::new();
            write_post(&mut ours, &view);
            let theirs = serde_json::to_vec(&view).unwrap();
            assert_eq!(
                String::from_utf8(ours).unwrap(),
                String::from_utf8(theirs).unwrap()
            );
        }
    }

    #[test]
    fn escape_detection() {
        assert!(!needs_escape("plain ü 🏍 ' /".as_bytes()));
        for s in ["\"", "\\", "\n", "\u{1f}", "a\u{0}"] {
            assert!(needs_escape(s.as_bytes()), "{s:?}");
        }
    }
}
