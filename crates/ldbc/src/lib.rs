//! The LDBC Social Network Benchmark "CsvBasic" layout, both ways: [`gen`] writes a deterministic
//! synthetic social network in it, [`import`] bulk-loads such a folder (or a real LDBC dataset)
//! into a new data directory through the store, never through the HTTP API.
//!
//! This crate does file IO and talks to the store; it never starts a server and holds no engine.

pub mod gen;
pub mod import;
