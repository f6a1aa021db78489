//! Tests of the graph engine through its public interface: graphs are built by applying the
//! `Change`s the writer would commit (see `world.rs`), and commands are checked with `plan`.

#![allow(clippy::unwrap_used)]

mod apply;
mod batching;
mod cypher_view;
mod hybrid;
mod model;
mod plan;
mod reads;
mod world;
