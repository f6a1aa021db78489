/work/main/target-me/debug/deps/pillion_cypher-3dd36d778c7643b8.d: crates/cypher/src/lib.rs crates/cypher/src/ast.rs crates/cypher/src/check/mod.rs crates/cypher/src/error.rs crates/cypher/src/exec/mod.rs crates/cypher/src/graph.rs crates/cypher/src/lexer.rs crates/cypher/src/mem.rs crates/cypher/src/parser/mod.rs crates/cypher/src/value.rs

/work/main/target-me/debug/deps/libpillion_cypher-3dd36d778c7643b8.rmeta: crates/cypher/src/lib.rs crates/cypher/src/ast.rs crates/cypher/src/check/mod.rs crates/cypher/src/error.rs crates/cypher/src/exec/mod.rs crates/cypher/src/graph.rs crates/cypher/src/lexer.rs crates/cypher/src/mem.rs crates/cypher/src/parser/mod.rs crates/cypher/src/value.rs

crates/cypher/src/lib.rs:
crates/cypher/src/ast.rs:
crates/cypher/src/check/mod.rs:
crates/cypher/src/error.rs:
crates/cypher/src/exec/mod.rs:
crates/cypher/src/graph.rs:
crates/cypher/src/lexer.rs:
crates/cypher/src/mem.rs:
crates/cypher/src/parser/mod.rs:
crates/cypher/src/value.rs:
