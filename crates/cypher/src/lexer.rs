//! Tokens of the query text, each with its byte span.
