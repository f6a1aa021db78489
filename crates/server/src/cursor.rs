//! Opaque list cursors. A cursor holds the order key of the last item of a page (two integers)
//! and a MAC over that key and the list it belongs to, so a garbled, forged or borrowed cursor
//! (one from another list) is refused with 400 instead of being trusted.

use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64;
use base64::Engine as _;

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
