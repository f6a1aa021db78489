//! The state every handler shares, and the extractors that authenticate a request.

use std::num::NonZeroU32;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};
use pillion_model::{ErrorCode, RiderId};

use crate::auth::{Claims, HashCost, Keys, Subject, TokenError};
use crate::engine::Engine;
use crate::error::ApiError;

/// Log-in attempts allowed per handle per minute.
pub const LOGIN_ATTEMPTS_PER_MINUTE: NonZeroU32 = match NonZeroU32::new(30) {
    Some(n) => n,
    None => NonZeroU32::MIN,
};

#[derive(Clone)]
pub struct AppState(Arc<Shared>);

pub struct Shared {
    pub engine: Arc<Engine>,
    pub keys: Keys,
    pub token_ttl_secs: u64,
    pub hash_cost: HashCost,
    pub draining: AtomicBool,
    limiter: DefaultKeyedRateLimiter<u64>,
    /// Log-in attempts per handle: bounds password guessing.
    login_limiter: DefaultKeyedRateLimiter<String>,
    /// Password hashing at once: argon2 is CPU- and memory-heavy, so at most one per core runs
    /// and the rest wait their turn instead of piling up blocking threads.
    pub hashing: tokio::sync::Semaphore,
    /// The time limit of a `POST /v1/cypher` query.
    pub cypher_timeout: std::time::Duration,
}

impl std::ops::Deref for AppState {
    type Target = Shared;

    fn deref(&self) -> &Shared {
        &self.0
    }
}

impl AppState {
    pub fn new(
        engine: Arc<Engine>,
        keys: Keys,
        token_ttl_secs: u64,
        hash_cost: HashCost,
        rate_limit_per_sec: u32,
    ) -> Self {
        let per_sec = NonZeroU32::new(rate_limit_per_sec).unwrap_or(NonZeroU32::MIN);
        AppState(Arc::new(Shared {
            engine,
            keys,
            token_ttl_secs,
            hash_cost,
            draining: AtomicBool::new(false),
            limiter: RateLimiter::keyed(Quota::per_second(per_sec)),
            login_limiter: RateLimiter::keyed(
                Quota::per_minute(LOGIN_ATTEMPTS_PER_MINUTE).allow_burst(LOGIN_ATTEMPTS_PER_MINUTE),
            ),
            hashing: tokio::sync::Semaphore::new(
                std::thread::available_parallelism().map_or(2, |n| n.get()),
            ),
            cypher_timeout: crate::routes::cypher::DEFAULT_TIMEOUT,
        }))
    }

    /// Sets the time limit of Cypher queries; only before the state is shared.
    pub fn with_cypher_timeout(mut self, timeout: std::time::Duration) -> Self {
        if let Some(shared) = Arc::get_mut(&mut self.0) {
            shared.cypher_timeout = timeout;
        }
        self
    }

    pub fn is_draining(&self) -> bool {
        self.draining.load(Ordering::Acquire)
    }

    /// Counts a log-in attempt for `handle`; 429 once it has had too many this minute.
    pub fn check_login(&self, handle: &str) -> Result<(), ApiError> {
        self.login_limiter
            .check_key(&handle.to_owned())
            .map_err(|_| {
                ApiError::new(
                    ErrorCode::RateLimited,
                    "too many log-in attempts for this handle; wait a minute",
                )
            })
    }

    /// Forgets rate-limit state of tokens that have been quiet for a while.
    pub fn prune_rate_limits(&self) {
        self.limiter.retain_recent();
        self.limiter.shrink_to_fit();
        self.login_limiter.retain_recent();
        self.login_limiter.shrink_to_fit();
    }

    /// Checks a bearer token: signature, expiry, revocation, rate limit, and that its rider exists.
    pub fn authenticate(&self, parts: &Parts) -> Result<Claims, ApiError> {
        let header = parts
            .headers
            .get(axum::http::header::AUTHORIZATION)
            .ok_or_else(|| {
                ApiError::unauthorized("missing Authorization: Bearer <token> header")
            })?;
        let token = header
            .to_str()
            .ok()
            .and_then(|h| h.strip_prefix("Bearer "))
            .map(str::trim)
            .ok_or_else(|| {
                ApiError::unauthorized("the Authorization header must be 'Bearer <token>'")
            })?;
        let claims = self.keys.verify(token).map_err(|e| match e {
            TokenError::Expired => ApiError::unauthorized("token expired"),
            TokenError::Malformed | TokenError::BadSignature => {
                ApiError::unauthorized("invalid token")
            }
        })?;
        {
            let graph = self.engine.read();
            if graph.is_revoked(claims.token_id) {
                return Err(ApiError::unauthorized("token revoked"));
            }
            if let Subject::Rider(id) = claims.subject {
                if graph.rider(id).is_none() {
                    return Err(ApiError::unauthorized("token names no rider"));
                }
            }
        }
        if self.limiter.check_key(&claims.token_id).is_err() {
            return Err(ApiError::new(
                ErrorCode::RateLimited,
                "too many requests for this token; slow down",
            ));
        }
        Ok(claims)
    }
}

/// A request made by a rider (not an operator).
#[derive(Debug, Clone, Copy)]
pub struct Viewer {
    pub id: RiderId,
    pub claims: Claims,
}

impl FromRequestParts<AppState> for Viewer {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let claims = state.authenticate(parts)?;
        match claims.subject {
            Subject::Rider(id) => Ok(Viewer { id, claims }),
            Subject::Operator => Err(ApiError::forbidden(
                "an operator token is not a rider; rider routes need a rider's token",
            )),
        }
    }
}

/// A request made with an operator's token (`pillion token --admin`).
#[derive(Debug, Clone, Copy)]
pub struct Operator {
    pub claims: Claims,
}

impl FromRequestParts<AppState> for Operator {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let claims = state.authenticate(parts)?;
        match claims.subject {
            Subject::Operator => Ok(Operator { claims }),
            Subject::Rider(_) => Err(ApiError::forbidden(
                "only an operator token (pillion token --admin) may run Cypher",
            )),
        }
    }
}
