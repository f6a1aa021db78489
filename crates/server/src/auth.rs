//! Tokens and passwords.
//!
//! A token is `<payload>.<tag>`, both base64url: the payload names the subject (a rider, or the
//! operator), a random token id and the expiry; the tag is HMAC-SHA256 over it with the data
//! directory's signing key. Log-out revokes the token id durably (through the writer), so a token
//! stops working everywhere at once. Password hashing runs on blocking threads.

use std::path::Path;

use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::Argon2;
use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64;
use base64::Engine as _;
use hmac::{Hmac, Mac};
use pillion_model::{RiderId, Timestamp};
use rand::RngCore;
use sha2::Sha256;

type HmacSha256 = Hmac<Sha256>;

pub const KEY_FILE: &str = "signing.key";

/// Who a valid token speaks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Subject {
    Rider(RiderId),
    Operator,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Claims {
    pub subject: Subject,
    pub token_id: u64,
    pub expires_at: Timestamp,
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum TokenError {
    #[error("malformed token")]
    Malformed,
    #[error("bad token signature")]
    BadSignature,
    #[error("token expired")]
    Expired,
}

/// Signs and checks tokens (and, under another label, list cursors) with the data directory's key.
#[derive(Clone)]
pub struct Keys {
    key: [u8; 32],
}

impl Keys {
    /// Reads the key from `<data>/signing.key`, creating it (mode 0600) if missing.
    pub fn load_or_create(data_dir: &Path) -> std::io::Result<Keys> {
        let path = data_dir.join(KEY_FILE);
        match std::fs::read_to_string(&path) {
            Ok(text) => Self::parse(&text).ok_or_else(|| {
                std::io::Error::new(
                    std::io::ErrorKind::InvalidData,
                    format!("{} is not a 64-digit hex key", path.display()),
                )
            }),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                let mut key = [0u8; 32];
                rand::rngs::OsRng.fill_bytes(&mut key);
                let hex: String = key.iter().map(|b| format!("{b:02x}")).collect();
                write_private(&path, &hex)?;
                Ok(Keys { key })
            }
            Err(e) => Err(e),
        }
    }

    /// Reads an existing key; for `pillion token`, which must not invent one.
    pub fn load(data_dir: &Path) -> std::io::Result<Keys> {
        let path = data_dir.join(KEY_FILE);
        let text = std::fs::read_to_string(&path)?;
        Self::parse(&text).ok_or_else(|| {
            std::io::Error::new(std::io::ErrorKind::InvalidData, "signing key is malformed")
        })
    }

    fn parse(text: &str) -> Option<Keys> {
        let text = text.trim();
        if text.len() != 64 {
            return None;
        }
        let mut key = [0u8; 32];
        for (i, byte) in key.iter_mut().enumerate() {
            *byte = u8::from_str_radix(text.get(2 * i..2 * i + 2)?, 16).ok()?;
        }
        Some(Keys { key })
    }

    pub(crate) fn mac(&self, label: &[u8], data: &[u8]) -> [u8; 32] {
        // `new_from_slice` accepts any key length for HMAC; a 32-byte key cannot fail.
        let mut mac = match HmacSha256::new_from_slice(&self.key) {
            Ok(m) => m,
            Err(_) => unreachable!("hmac accepts keys of any length"),
        };
        mac.update(label);
        mac.update(&[0]);
        mac.update(data);
        mac.finalize().into_bytes().into()
    }

    /// Issues a token for `subject`, valid for `ttl_secs`.
    pub fn issue(&self, subject: Subject, ttl_secs: u64) -> String {
        let token_id = rand::rngs::OsRng.next_u64() >> 1;
        let expires_at = Timestamp(
            Timestamp::now()
                .millis()
                .saturating_add((ttl_secs as i64).saturating_mul(1000)),
        );
        self.sign(Claims {
            subject,
            token_id,
            expires_at,
        })
    }

    /// Signs arbitrary claims (tests use it to make expired tokens).
    pub fn sign(&self, claims: Claims) -> String {
        let sub = match claims.subject {
            Subject::Rider(id) => format!("r{id}"),
            Subject::Operator => "op".to_owned(),
        };
        let payload = format!("{sub}.{}.{}", claims.token_id, claims.expires_at.millis());
        let tag = self.mac(b"token", payload.as_bytes());
        format!("{}.{}", B64.encode(payload), B64.encode(&tag[..]))
    }

    /// Checks signature and expiry (not revocation: that is the engine's state).
    pub fn verify(&self, token: &str) -> Result<Claims, TokenError> {
        let (payload_b64, tag_b64) = token.split_once('.').ok_or(TokenError::Malformed)?;
        let payload = B64.decode(payload_b64).map_err(|_| TokenError::Malformed)?;
        let tag = B64.decode(tag_b64).map_err(|_| TokenError::Malformed)?;
        let mut mac = HmacSha256::new_from_slice(&self.key).map_err(|_| TokenError::Malformed)?;
        mac.update(b"token");
        mac.update(&[0]);
        mac.update(&payload);
        mac.verify_slice(&tag)
            .map_err(|_| TokenError::BadSignature)?;
        let text = std::str::from_utf8(&payload).map_err(|_| TokenError::Malformed)?;
        let mut parts = text.split('.');
        let (Some(sub), Some(jti), Some(exp), None) =
            (parts.next(), parts.next(), parts.next(), parts.next())
        else {
            return Err(TokenError::Malformed);
        };
        let subject = match sub {
            "op" => Subject::Operator,
            _ => Subject::Rider(RiderId(
                sub.strip_prefix('r')
                    .and_then(|s| s.parse().ok())
                    .ok_or(TokenError::Malformed)?,
            )),
        };
        let claims = Claims {
            subject,
            token_id: jti.parse().map_err(|_| TokenError::Malformed)?,
            expires_at: Timestamp(exp.parse().map_err(|_| TokenError::Malformed)?),
        };
        if claims.expires_at <= Timestamp::now() {
            return Err(TokenError::Expired);
        }
        Ok(claims)
    }
}

fn write_private(path: &Path, text: &str) -> std::io::Result<()> {
    use std::io::Write;
    let mut opts = std::fs::OpenOptions::new();
    opts.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        opts.mode(0o600);
    }
    let mut f = opts.open(path)?;
    f.write_all(text.as_bytes())?;
    f.sync_all()
}

/// How much work a password hash costs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HashCost {
    /// argon2id with the crate's recommended parameters (19 MiB, 2 passes).
    Standard,
    /// Minimal parameters, for test suites that sign up thousands of riders. Never in production.
    InsecureFast,
}

fn argon2(cost: HashCost) -> Argon2<'static> {
    match cost {
        HashCost::Standard => Argon2::default(),
        HashCost::InsecureFast => match argon2::Params::new(8, 1, 1, None) {
            Ok(p) => Argon2::new(argon2::Algorithm::Argon2id, argon2::Version::V0x13, p),
            Err(_) => Argon2::default(),
        },
    }
}

/// Hashes a password into a PHC string. CPU-heavy: call from a blocking thread.
pub fn hash_password(
    password: &str,
    cost: HashCost,
) -> Result<String, argon2::password_hash::Error> {
    let salt = SaltString::generate(&mut rand::rngs::OsRng);
    Ok(argon2(cost)
        .hash_password(password.as_bytes(), &salt)?
        .to_string())
}

/// Checks a password against a PHC string. CPU-heavy: call from a blocking thread.
/// Parameters come from the hash itself, so hashes of either cost verify.
pub fn verify_password(password: &str, hash: &str) -> bool {
    PasswordHash::new(hash)
        .map(|h| {
            Argon2::default()
                .verify_password(password.as_bytes(), &h)
                .is_ok()
        })
        .unwrap_or(false)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keys() -> Keys {
        Keys { key: [7; 32] }
    }

    #[test]
    fn tokens_round_trip_and_reject_tampering() {
        let k = keys();
        let t = k.issue(Subject::Rider(RiderId(42)), 60);
        let c = k.verify(&t).unwrap();
        assert_eq!(c.subject, Subject::Rider(RiderId(42)));
        let forged = t.replacen('.', "x.", 1);
        assert!(k.verify(&forged).is_err());
        let other = Keys { key: [8; 32] };
        assert_eq!(other.verify(&t), Err(TokenError::BadSignature));
        assert_eq!(k.verify("garbage"), Err(TokenError::Malformed));
    }

    #[test]
    fn expired_tokens_are_refused() {
        let k = keys();
        let t = k.sign(Claims {
            subject: Subject::Operator,
            token_id: 1,
            expires_at: Timestamp(Timestamp::now().millis() - 1),
        });
        assert_eq!(k.verify(&t), Err(TokenError::Expired));
    }

    #[test]
    fn passwords_hash_and_verify() {
        let h = hash_password("correct horse", HashCost::InsecureFast).unwrap();
        assert!(verify_password("correct horse", &h));
        assert!(!verify_password("wrong horse", &h));
        assert!(!verify_password("x", "not a hash"));
    }
}
