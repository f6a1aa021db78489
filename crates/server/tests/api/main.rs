#![allow(clippy::unwrap_used)]
//! HTTP integration tests of the public contract (`API.md`): each test starts a real server on
//! port 0 with its own temporary data directory and talks HTTP to it.

mod auth;
mod bad_input;
mod batch;
mod concurrency;
mod cypher;
mod cypher_write;
mod feed;
mod friends;
mod helpers;
mod interests;
mod ops;
mod pagination;
mod posts;
mod riders;
mod visibility;
