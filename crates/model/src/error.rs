/// The error codes of the public contract; each maps to exactly one HTTP status in `server`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorCode {
    InvalidJson,
    InvalidRequest,
    Unauthorized,
    Forbidden,
    NotFound,
    Conflict,
    PayloadTooLarge,
    RateLimited,
    Unavailable,
    Internal,
    /// A Cypher query that is not valid, or fails while running.
    InvalidQuery,
    /// A Cypher feature the engine does not run.
    Unsupported,
    /// A Cypher query stopped at its time limit.
    QueryTimeout,
    /// A Cypher query stopped at its row limit.
    QueryTooLarge,
}

impl ErrorCode {
    pub fn as_str(self) -> &'static str {
        match self {
            ErrorCode::InvalidJson => "invalid_json",
            ErrorCode::InvalidRequest => "invalid_request",
            ErrorCode::Unauthorized => "unauthorized",
            ErrorCode::Forbidden => "forbidden",
            ErrorCode::NotFound => "not_found",
            ErrorCode::Conflict => "conflict",
            ErrorCode::PayloadTooLarge => "payload_too_large",
            ErrorCode::RateLimited => "rate_limited",
            ErrorCode::Unavailable => "unavailable",
            ErrorCode::Internal => "internal",
            ErrorCode::InvalidQuery => "invalid_query",
            ErrorCode::Unsupported => "unsupported",
            ErrorCode::QueryTimeout => "query_timeout",
            ErrorCode::QueryTooLarge => "query_too_large",
        }
    }
}

/// A domain error: what went wrong with a request, in words a client may read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Error {
    /// Input that breaks a rule; `field` names the offending field.
    #[error("{field}: {message}")]
    Invalid { field: String, message: String },
    /// The thing does not exist, or the viewer may not see it.
    #[error("{0} not found")]
    NotFound(&'static str),
    #[error("{0}")]
    Forbidden(String),
    #[error("{0}")]
    Conflict(String),
}

impl Error {
    pub fn invalid(field: impl Into<String>, message: impl Into<String>) -> Self {
        Error::Invalid {
            field: field.into(),
            message: message.into(),
        }
    }

    pub fn code(&self) -> ErrorCode {
        match self {
            Error::Invalid { .. } => ErrorCode::InvalidRequest,
            Error::NotFound(_) => ErrorCode::NotFound,
            Error::Forbidden(_) => ErrorCode::Forbidden,
            Error::Conflict(_) => ErrorCode::Conflict,
        }
    }
}
