//! Opaque list cursors. A cursor holds the order key of the last item of a page (two integers)
//! and a MAC over that key and the list it belongs to, so a garbled, forged or borrowed cursor
//! (one from another list) is refused with 400 instead of being trusted.

use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64;
use base64::Engine as _;

use pillion_model::{CommentId, PostId, RiderId, Timestamp};

use crate::auth::Keys;
use crate::error::ApiError;

const TAG_LEN: usize = 12;
const LEN: usize = 16 + TAG_LEN;

/// Turns `(a, b)` into a cursor for the list named `scope`.
pub fn encode(keys: &Keys, scope: &str, a: i64, b: u64) -> String {
    let mut bytes = [0u8; LEN];
    bytes[..8].copy_from_slice(&a.to_be_bytes());
    bytes[8..16].copy_from_slice(&b.to_be_bytes());
    let tag = keys.mac(scope.as_bytes(), &bytes[..16]);
    bytes[16..].copy_from_slice(&tag[..TAG_LEN]);
    B64.encode(bytes)
}

/// Reads a cursor made by [`encode`] for the same `scope`.
pub fn decode(keys: &Keys, scope: &str, cursor: &str) -> Result<(i64, u64), ApiError> {
    let bad = || ApiError::invalid("cursor", "is not a valid cursor for this list");
    let bytes = B64.decode(cursor).map_err(|_| bad())?;
    if bytes.len() != LEN {
        return Err(bad());
    }
    let tag = keys.mac(scope.as_bytes(), &bytes[..16]);
    // Constant-time comparison is not needed here: cursors protect integrity, not secrets.
    if tag[..TAG_LEN] != bytes[16..] {
        return Err(bad());
    }
    let mut a = [0u8; 8];
    let mut b = [0u8; 8];
    a.copy_from_slice(&bytes[..8]);
    b.copy_from_slice(&bytes[8..16]);
    Ok((i64::from_be_bytes(a), u64::from_be_bytes(b)))
}

/// A list's order key, as the two integers a cursor carries.
pub trait CursorKey: Sized {
    fn to_pair(&self) -> (i64, u64);
    fn from_pair(a: i64, b: u64) -> Option<Self>;
}

impl CursorKey for RiderId {
    fn to_pair(&self) -> (i64, u64) {
        (0, self.0)
    }
    fn from_pair(_: i64, b: u64) -> Option<Self> {
        Some(RiderId(b))
    }
}

macro_rules! timed_key {
    ($id:ident) => {
        impl CursorKey for (Timestamp, $id) {
            fn to_pair(&self) -> (i64, u64) {
                (self.0.millis(), self.1 .0)
            }
            fn from_pair(a: i64, b: u64) -> Option<Self> {
                Some((Timestamp(a), $id(b)))
            }
        }
    };
}

timed_key!(PostId);
timed_key!(RiderId);
timed_key!(CommentId);

/// Suggestions: (mutual friends, rider).
impl CursorKey for (u32, RiderId) {
    fn to_pair(&self) -> (i64, u64) {
        (i64::from(self.0), self.1 .0)
    }
    fn from_pair(a: i64, b: u64) -> Option<Self> {
        Some((u32::try_from(a).ok()?, RiderId(b)))
    }
}

/// Reads the `cursor` parameter of the list named `scope`, if one was given.
pub fn read<K: CursorKey>(
    keys: &Keys,
    scope: &str,
    cursor: Option<&str>,
) -> Result<Option<K>, ApiError> {
    cursor
        .map(|c| {
            let (a, b) = decode(keys, scope, c)?;
            K::from_pair(a, b)
                .ok_or_else(|| ApiError::invalid("cursor", "is not a valid cursor for this list"))
        })
        .transpose()
}

/// The `next_cursor` of a page whose last item has key `next`.
pub fn write<K: CursorKey>(keys: &Keys, scope: &str, next: Option<K>) -> Option<String> {
    next.map(|k| {
        let (a, b) = k.to_pair();
        encode(keys, scope, a, b)
    })
}
