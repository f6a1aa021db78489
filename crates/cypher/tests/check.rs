//! The semantic checker against the openCypher TCK: every query the TCK expects to run must get
//! through `parse` (or be refused by the parser, with a detail the checker never raises), and
//! the compile-time errors the TCK expects are counted, with a floor that must not drop.
//! Also one focused test per rule, and everyday queries that must pass.

#[path = "check/everyday.rs"]
mod everyday;
#[path = "check/gherkin.rs"]
mod gherkin;

use gherkin::tck_scenarios;
use pillion_cypher::{parse, CypherError, ErrorKind};

/// The details the checker raises; an error with another detail comes from the parser.
/// (`UnexpectedSyntax` is left out: the checker raises it only for `size()` of a pattern, the
/// parser for much else.)
const CHECKER_DETAILS: &[&str] = &[
    "AmbiguousAggregationExpression",
    "ColumnNameConflict",
    "CreatingVarLength",
    "DifferentColumnsInUnion",
    "InvalidAggregation",
    "InvalidArgumentType",
    "InvalidDelete",
    "InvalidParameterUse",
    "NegativeIntegerArgument",
    "NestedAggregation",
    "NoExpressionAlias",
    "NonConstantExpression",
    "NoSingleRelationshipType",
    "NoVariablesInScope",
    "RelationshipUniquenessViolation",
    "RequiresDirectedRelationship",
    "UndefinedVariable",
    "UnknownFunction",
    "VariableAlreadyBound",
    "VariableTypeConflict",
];

/// The fewest compile-time-error cases (scenario x example row) whose detail is one of
/// [`CHECKER_DETAILS`] that must be caught with the TCK's detail code.
const CAUGHT_FLOOR: usize = 540;

// ---------------------------------------------------------------------------------------------
// The TCK as a whole.

#[test]
fn valid_tck_queries_pass_the_checker() {
    let mut passed = 0;
    let mut parser_gaps = 0;
    let mut refused = Vec::new();
    for scenario in tck_scenarios() {
        for (tested, query) in scenario.all_queries() {
            if tested && scenario.compile_error.is_some() {
                continue;
            }
            match parse(&query) {
                Ok(_) => passed += 1,
                Err(CypherError::Compile { detail, .. }) if !CHECKER_DETAILS.contains(&detail) => {
                    parser_gaps += 1
                }
                Err(CypherError::Unsupported { .. }) => parser_gaps += 1,
                Err(e) => refused.push(format!("{}\n{query}\n-> {e}", scenario.name)),
            }
        }
    }
    println!(
        "valid TCK queries: {passed} pass, {parser_gaps} refused by the parser, {} by the checker",
        refused.len()
    );
    assert!(
        refused.is_empty(),
        "the checker refused {} valid TCK queries:\n\n{}",
        refused.len(),
        refused.join("\n\n")
    );
}

#[test]
fn tck_compile_errors_are_caught() {
    let mut total = 0;
    let mut caught = 0;
    let mut caught_here = 0;
    let mut missed = Vec::new();
    for scenario in tck_scenarios() {
        let Some((kind, detail)) = &scenario.compile_error else {
            continue;
        };
        for query in scenario.queries.iter().flat_map(|q| scenario.expand(q)) {
            total += 1;
            match parse(&query) {
                Err(CypherError::Compile {
                    kind: got_kind,
                    detail: got,
                    ..
                }) if got == detail => {
                    caught += 1;
                    caught_here += usize::from(CHECKER_DETAILS.contains(&got));
                    if got_kind.as_str() != kind {
                        println!("kind differs ({got_kind:?}, TCK {kind}): {}", scenario.name);
                    }
                }
                other => missed.push(format!(
                    "{} [{detail}]\n{query}\n-> {}",
                    scenario.name,
                    other.map_or_else(|e| e.to_string(), |_| "accepted".to_owned())
                )),
            }
        }
    }
    println!(
        "compile-time errors caught with the TCK's detail: {caught} of {total}, \
         {caught_here} of them with a detail the checker raises"
    );
    for miss in &missed {
        println!("missed: {miss}\n");
    }
    assert!(
        caught_here >= CAUGHT_FLOOR,
        "caught {caught_here}, floor {CAUGHT_FLOOR}"
    );
}

// ---------------------------------------------------------------------------------------------
// One rule at a time.

/// The detail of the compile-time error `query` raises, or "" when it parses and checks.
fn detail_of(query: &str) -> &'static str {
    match parse(query) {
        Ok(_) => "",
        Err(CypherError::Compile { detail, .. }) => detail,
        Err(e) => panic!("{query}: not a compile-time error: {e}"),
    }
}

fn assert_detail(detail: &str, queries: &[&str]) {
    for query in queries {
        assert_eq!(detail_of(query), detail, "{query}");
    }
}

fn assert_valid(queries: &[&str]) {
    assert_detail("", queries);
}

#[test]
fn variables_must_be_defined() {
    assert_detail(
        "UndefinedVariable",
        &[
            "MATCH () RETURN foo",
            "MATCH (a) WITH a.x AS x RETURN a",
            "RETURN {k1: k2} AS literal",
            "MATCH (a) SET a.name = missing RETURN a",
            "MERGE (n) ON CREATE SET x.num = 1",
            "MATCH (a) DELETE x",
            "CREATE (b {name: missing}) RETURN b",
            "MATCH (n) WHERE (n)-[r]->(a) RETURN n",
            "RETURN [x IN [1, 2] | y] AS l",
            "UNWIND [1] AS x RETURN [x IN [1] | x] AS l, x, z",
            "MATCH (a) RETURN DISTINCT a.name ORDER BY a.age",
            "RETURN 1 AS a UNION RETURN b AS a",
        ],
    );
    assert_valid(&[
        "MATCH (a) WITH a.x AS x, a RETURN a, x",
        "MATCH (a) RETURN a.name AS name ORDER BY a.age",
        "MATCH (a) WITH a.name AS name ORDER BY a.age RETURN name",
        "MATCH (a) WITH a.name AS name WHERE a.age > 3 RETURN name",
        "MATCH (a) RETURN DISTINCT a.name ORDER BY a.name",
        "WITH [1, 2] AS l RETURN [x IN l WHERE x > 1 | x * 2] AS m, all(y IN l WHERE y > 0) AS a",
        "RETURN reduce(acc = 0, x IN [1, 2] | acc + x) AS s",
        "MATCH (n) RETURN [(n)-[r]->(m) WHERE m.x > 1 | r] AS rs",
        "MATCH (n) WHERE exists { (n)-[r]->(m) WHERE m.x = 1 } RETURN n",
        "MATCH (n) RETURN n {.name, k: 1} AS m",
        "MATCH (n) WITH * RETURN n",
    ]);
}

#[test]
fn variables_are_bound_once() {
    assert_detail(
        "VariableAlreadyBound",
        &[
            "MATCH (a) CREATE (a)",
            "MATCH (a) CREATE (a {name: 'foo'}) RETURN a",
            "CREATE (n:Foo)-[:T1]->(), (n:Bar)-[:T2]->()",
            "MATCH ()-[r]->() CREATE ()-[r]->()",
            "MATCH (a) MERGE (a)",
            "CREATE (a:Foo) MERGE (a)-[r:KNOWS]->(a:Bar)",
            "MATCH (p)-[]-() MATCH p = ()-[]-() RETURN p",
            "MATCH p = (p)-[]-() RETURN p",
            "WITH 1 AS p MATCH p = ()-[]-() RETURN p",
            "WITH [1] AS x UNWIND x AS x RETURN x",
        ],
    );
    assert_valid(&[
        "MATCH (a) CREATE (a)-[:R]->(b)",
        "CREATE (n:Foo)-[:T1]->(), (n)-[:T2]->()",
        "MATCH (a) MERGE (a)-[:R]->(b:B {x: 1})",
        "MATCH (a) MATCH (a:Foo) RETURN a",
        "MATCH ()-[r]->() MATCH ()-[r]->() RETURN r",
        "MATCH (a) WITH a.x AS a RETURN a",
    ]);
}

#[test]
fn variables_keep_their_type() {
    assert_detail(
        "VariableTypeConflict",
        &[
            "MATCH ()-[r]-() MATCH (r) RETURN r",
            "MATCH r = ()-[]-() MATCH (r) RETURN r",
            "MATCH ()-[r]-(r) RETURN r",
            "MATCH (r)-[r]-() RETURN r",
            "MATCH r = ()-[]-(), ()-[r]-() RETURN r",
            "WITH true AS n MATCH (n) RETURN n",
            "MATCH (n) WITH [n] AS users MATCH (users)-->(m) RETURN m",
            "WITH [10] AS r MATCH ()-[r]-() RETURN r",
        ],
    );
    assert_valid(&[
        "WITH $p AS n MATCH (n) RETURN n",
        "WITH null AS n MATCH (n) RETURN n",
        "MATCH (a) WITH a AS b MATCH (b)-->(c) RETURN c",
        "MATCH p = (a)-->(b) UNWIND nodes(p) AS n MATCH (n)-->(m) RETURN m",
        "MATCH ()-[r*]-() WITH r MATCH ()-[r*]-() RETURN r",
    ]);
}

#[test]
fn relationships_are_used_once_per_pattern() {
    assert_detail(
        "RelationshipUniquenessViolation",
        &["MATCH (a)-[r]->()-[r]->(a) RETURN r"],
    );
}

#[test]
fn aggregation_only_in_projections() {
    assert_detail(
        "InvalidAggregation",
        &[
            "MATCH (a) WHERE count(a) > 10 RETURN a",
            "MATCH (n) RETURN [x IN [1, 2, 3] | count(*)]",
            "MATCH (n) RETURN n.num1 ORDER BY max(n.num2)",
            "MATCH (n) WITH n.num1 AS foo ORDER BY count(1) RETURN foo",
            "MATCH (n) SET n.x = count(*)",
            "UNWIND collect(1) AS x RETURN x",
        ],
    );
    assert_detail("NestedAggregation", &["RETURN count(count(*))"]);
    assert_detail("NonConstantExpression", &["RETURN count(rand())"]);
    assert_valid(&[
        "MATCH (n) RETURN n.division, max(n.age) ORDER BY max(n.age)",
        "MATCH (a) RETURN a, count(*) ORDER BY count(*)",
        "MATCH (n) RETURN [x IN collect(n) | x.name] AS names",
        "MATCH (n) RETURN count(*) > 1 AS many, CASE WHEN count(*) > 1 THEN 1 ELSE 0 END AS c",
        "MATCH (n) WITH count(*) AS c WHERE c > 1 RETURN c",
        "MATCH (n) RETURN count([p = (n)-->() | p]) AS c",
    ]);
}

#[test]
fn aggregating_expressions_use_only_grouping_keys() {
    assert_detail(
        "AmbiguousAggregationExpression",
        &[
            "MATCH (me)--(you) RETURN me.age + count(you.age)",
            "MATCH (me)--(you) RETURN me.age + you.age, me.age + you.age + count(*)",
            "MATCH (me)--(you) WITH me.age + count(you.age) AS agg RETURN *",
            "MATCH (me)--(you) RETURN me.age + you.age, count(*) AS cnt \
             ORDER BY me.age + you.age + count(*)",
        ],
    );
    assert_detail(
        "UndefinedVariable",
        &[
            "MATCH (me)--(you) RETURN count(you.age) AS agg ORDER BY me.age + count(you.age)",
            "MATCH (a) WITH a.num2 % 3 AS mod, min(a.num) AS min ORDER BY sum(a.num) \
             RETURN mod, min",
        ],
    );
    assert_valid(&[
        "MATCH (me)--(you) RETURN me.age, me.age + count(you.age)",
        "MATCH (me)--(you) WITH me.age AS age, you RETURN age, age + count(you.age)",
        "MATCH (p) RETURN $age + avg(p.age) - 1000",
        "MATCH (me)--(you) RETURN me.age AS age, count(you.age) AS cnt \
         ORDER BY me.age + count(you.age)",
        "MATCH (me)--(you) RETURN me.age AS age, count(you.age) AS cnt \
         ORDER BY age, age + count(you.age)",
        "MATCH (a) WITH a.num2 % 3 AS mod, sum(a.num + a.num2) AS sum \
         ORDER BY sum(a.num + a.num2) RETURN mod, sum",
        "MATCH (n) RETURN n, count(*) + size([x IN collect(n) | x]) AS c",
    ]);
}

#[test]
fn projections_name_their_columns() {
    assert_detail(
        "NoExpressionAlias",
        &["MATCH (a) WITH a, count(*) RETURN a"],
    );
    assert_detail(
        "ColumnNameConflict",
        &["WITH 1 AS a, 2 AS a RETURN a", "RETURN 1 AS a, 2 AS a"],
    );
    assert_detail("NoVariablesInScope", &["MATCH () RETURN *"]);
    assert_detail(
        "DifferentColumnsInUnion",
        &[
            "RETURN 1 AS a UNION RETURN 2 AS b",
            "RETURN 1 AS a UNION ALL RETURN 2 AS b",
        ],
    );
    assert_valid(&[
        "RETURN 1 AS a, 2 AS b UNION RETURN 3 AS b, 4 AS a",
        "MATCH (a) WITH a RETURN a.x, a.y",
        "MATCH (n) RETURN *",
    ]);
}

#[test]
fn skip_and_limit_are_constant_non_negative_integers() {
    assert_detail(
        "NonConstantExpression",
        &[
            "MATCH (n) RETURN n SKIP n.count",
            "MATCH (n) RETURN n LIMIT n.count",
        ],
    );
    assert_detail(
        "NegativeIntegerArgument",
        &["MATCH (n) RETURN n SKIP -1", "MATCH (n) RETURN n LIMIT -1"],
    );
    assert_detail(
        "InvalidArgumentType",
        &[
            "MATCH (n) RETURN n SKIP 1.5",
            "MATCH (n) RETURN n LIMIT 1.7",
        ],
    );
    assert_valid(&[
        "MATCH (n) RETURN n SKIP $s LIMIT $l",
        "MATCH (n) RETURN n SKIP 0 LIMIT 1 + 1",
        "MATCH (n) RETURN n LIMIT toInteger(ceil(1.7))",
    ]);
}

#[test]
fn created_relationships_are_single_directed_and_typed() {
    assert_detail("RequiresDirectedRelationship", &["CREATE (a)-[:FOO]-(b)"]);
    assert_detail(
        "NoSingleRelationshipType",
        &[
            "CREATE ()-->()",
            "CREATE ()-[:A|:B]->()",
            "MATCH (a), (b) MERGE (a)-[NO_COLON]->(b)",
        ],
    );
    assert_detail(
        "CreatingVarLength",
        &[
            "CREATE ()-[:FOO*2]->()",
            "MERGE (a) MERGE (b) MERGE (a)-[:FOO*2]->(b)",
        ],
    );
    assert_valid(&["MATCH (a), (b) MERGE (a)-[r:KNOWS]-(b) RETURN r"]);
}

#[test]
fn parameters_cannot_stand_for_matched_properties() {
    assert_detail(
        "InvalidParameterUse",
        &[
            "MATCH (n $param) RETURN n",
            "MATCH ()-[r:FOO $param]->() RETURN r",
            "MERGE (n $param) RETURN n",
        ],
    );
    assert_valid(&["CREATE (n $param)", "MATCH (n {name: $name}) RETURN n"]);
}

#[test]
fn delete_takes_graph_elements() {
    assert_detail(
        "InvalidDelete",
        &["MATCH (n) DELETE n:Person", "MATCH ()-[r:T]-() DELETE r:T"],
    );
    assert_detail("InvalidArgumentType", &["MATCH () DELETE 1 + 1"]);
    assert_valid(&[
        "MATCH p = ()-->() DELETE p",
        "MATCH (n) WITH collect(n) AS ns UNWIND ns AS n DETACH DELETE n",
    ]);
}

#[test]
fn functions_must_exist_and_fit_their_arguments() {
    assert_detail("UnknownFunction", &["MATCH (a) RETURN foo(a)"]);
    assert_detail(
        "InvalidArgumentType",
        &[
            "MATCH p = (a) RETURN labels(p) AS l",
            "MATCH (r) RETURN type(r)",
            "RETURN properties(1)",
            "RETURN properties([true, false])",
            "MATCH p = (a)-[*]->(b) RETURN size(p)",
            "MATCH (n) RETURN length(n)",
        ],
    );
    assert_valid(&[
        "RETURN toUpper('a') AS u, TOLOWER('B') AS l, date.truncate('day', date()) AS d",
        "MATCH (n) RETURN labels(n), properties(n), size(keys(n)), exists(n.x)",
        "MATCH p = ()-->() RETURN length(p), size(nodes(p))",
    ]);
}

#[test]
fn operands_must_fit_their_operators() {
    assert_detail(
        "InvalidArgumentType",
        &[
            "RETURN 123 AND true",
            "RETURN null OR 'foo'",
            "RETURN [true] XOR [true]",
            "RETURN NOT {a: 1}",
            "RETURN 1 IN 'foo'",
            "RETURN none(x IN ['Clara'] WHERE x % 2 = 0) AS result",
            "RETURN any(x IN [false, true] WHERE x % 2 = 0) AS result",
            "MATCH (n) WHERE (n) RETURN n",
            "MATCH (n) MATCH r = (n)-[*]->() WHERE r.name = 'apa' RETURN r",
        ],
    );
    // Reading a property of a literal is a TypeError.
    for query in [
        "WITH 123 AS x RETURN x.num",
        "WITH [123, true] AS x RETURN x.num",
    ] {
        assert!(
            matches!(
                parse(query),
                Err(CypherError::Compile {
                    kind: ErrorKind::TypeError,
                    detail: "InvalidArgumentType",
                    ..
                })
            ),
            "{query}"
        );
    }
    assert_valid(&[
        "RETURN null AND true, 'a' + 1, [1] + 2, 1 IN [1], 1 IN null",
        "WITH {a: 1} AS m RETURN m.a",
        "RETURN all(x IN [1, null] WHERE x % 2 = 0) AS r",
        "MATCH (n) WHERE n.flag AND NOT n.other RETURN n",
    ]);
}

/// Where a pattern may stand for a boolean is the parser's rule; the checker adds `size()`.
#[test]
fn patterns_are_predicates_only_in_where() {
    assert_detail(
        "UnexpectedSyntax",
        &[
            "MATCH (n) RETURN (n)-[]->()",
            "MATCH (n) WITH (n)-[]->() AS x RETURN x",
            "MATCH (n) SET n.prop = head(nodes(head((n)-[:REL]->()))).foo",
            "MATCH (a) RETURN size((a)-->())",
            "MATCH (a) WHERE size((a)-->()) > 1 RETURN a",
        ],
    );
    assert_valid(&[
        "MATCH (a), (b) WHERE (a)-[:T]->(b) AND NOT (b)-->(a) RETURN a",
        "MATCH (a) WITH a WHERE (a)-->() RETURN a",
        "MATCH (n) WHERE NOT (n)-->() AND [m IN [n] WHERE (m)-->() | m] = [] RETURN n",
    ]);
}

#[test]
fn errors_point_at_the_offending_text() {
    let Err(CypherError::Compile { position, .. }) = parse("MATCH (a)\nRETURN a, foo") else {
        panic!("expected a compile-time error");
    };
    assert_eq!((position.line, position.column), (2, 11));
}

/// Queries of the kind Pillion serves, beyond the TCK: none may be refused by the checker (a
/// parser gap would show as an error with a detail the checker does not raise).
#[test]
fn everyday_queries_pass() {
    for query in everyday::QUERIES {
        if let Err(CypherError::Compile { detail, .. }) = parse(query) {
            assert!(!CHECKER_DETAILS.contains(&detail), "{query}: {detail}");
        }
    }
}
