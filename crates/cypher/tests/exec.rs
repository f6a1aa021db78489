//! The executor through the public API: real query strings over a [`MemGraph`].

use pillion_cypher::{
    execute, execute_read, CypherError, ErrorKind, GraphWrite, Limits, MemGraph, Params,
    QueryResult, Value,
};

fn run(g: &mut MemGraph, q: &str) -> Result<QueryResult, CypherError> {
    execute(g, q, &Params::new(), Limits::default())
}

fn run_with(
    g: &mut MemGraph,
    q: &str,
    params: &[(&str, Value)],
) -> Result<QueryResult, CypherError> {
    let params: Params = params
        .iter()
        .map(|(k, v)| ((*k).to_string(), v.clone()))
        .collect();
    execute(g, q, &params, Limits::default())
}

fn ints(r: &QueryResult) -> Vec<Vec<i64>> {
    r.rows
        .iter()
        .map(|row| {
            row.iter()
                .map(|v| match v {
                    Value::Int(i) => *i,
                    _ => i64::MIN,
                })
                .collect()
        })
        .collect()
}

fn s(x: &str) -> Value {
    Value::String(x.to_string())
}

#[test]
fn returns_literals_and_arithmetic() -> Result<(), CypherError> {
    let mut g = MemGraph::new();
    let r = run(
        &mut g,
        "RETURN 1 + 2 AS three, 'a' + 'b' AS ab, [1, 2][-1] AS last",
    )?;
    assert_eq!(r.columns, vec!["three", "ab", "last"]);
    assert_eq!(r.rows, vec![vec![Value::Int(3), s("ab"), Value::Int(2)]]);
    Ok(())
}

fn social() -> Result<MemGraph, CypherError> {
    let mut g = MemGraph::new();
    run(
        &mut g,
        "CREATE (a:Rider {name: 'Ann', age: 30}), (b:Rider {name: 'Bob', age: 25}),
                (c:Rider {name: 'Cat', age: 35}), (d:Rider {name: 'Dan'}),
                (a)-[:IS_FRIEND]->(b), (b)-[:IS_FRIEND]->(c), (c)-[:IS_FRIEND]->(d),
                (a)-[:LIKES {since: 2020}]->(c)",
    )?;
    Ok(g)
}

#[test]
fn create_counts_side_effects_like_the_tck() -> Result<(), CypherError> {
    let mut g = MemGraph::new();
    let r = run(&mut g, "CREATE (:A:B {x: 1}), (:A), ()-[:T {y: 2}]->()")?;
    assert_eq!(r.stats.nodes_created, 4);
    assert_eq!(r.stats.relationships_created, 1);
    assert_eq!(r.stats.labels_added, 2);
    assert_eq!(r.stats.properties_set, 2);
    let r = run(&mut g, "MATCH (n:A) SET n.x = 2, n:C REMOVE n:B")?;
    assert_eq!(
        (r.stats.properties_set, r.stats.properties_removed),
        (2, 1),
        "overwriting a value is one set and one removed, a new one just one set"
    );
    assert_eq!((r.stats.labels_added, r.stats.labels_removed), (1, 1));
    let r = run(&mut g, "MATCH (n) DETACH DELETE n")?;
    assert_eq!(r.stats.nodes_deleted, 4);
    assert_eq!(r.stats.relationships_deleted, 1);
    assert_eq!(r.stats.properties_removed, 3);
    assert_eq!(r.stats.labels_removed, 2);
    Ok(())
}

#[test]
fn matches_paths_in_both_directions_with_uniqueness() -> Result<(), CypherError> {
    let mut g = social()?;
    let r = run(
        &mut g,
        "MATCH (a:Rider {name: 'Ann'})-[:IS_FRIEND]-(b)-[:IS_FRIEND]-(c) RETURN c.name",
    )?;
    assert_eq!(r.rows, vec![vec![s("Cat")]]);
    let r = run(&mut g, "MATCH (a)-[r]-(b) RETURN count(*)")?;
    assert_eq!(ints(&r), vec![vec![8]], "each relationship twice");
    let r = run(
        &mut g,
        "MATCH (a)-[*0..]->(b) WHERE a.name = 'Ann' RETURN b.name ORDER BY b.name",
    )?;
    assert_eq!(
        r.rows,
        vec![
            vec![s("Ann")],
            vec![s("Bob")],
            vec![s("Cat")],
            vec![s("Cat")],
            vec![s("Dan")],
            vec![s("Dan")]
        ]
    );
    let r = run(
        &mut g,
        "MATCH p = (:Rider {name: 'Ann'})-[*2]->(x) RETURN length(p), x.name ORDER BY x.name",
    )?;
    assert_eq!(r.rows.len(), 2);
    Ok(())
}

#[test]
fn starts_at_the_node_an_id_predicate_fixes() -> Result<(), CypherError> {
    let mut g = social()?;
    let r = run(&mut g, "MATCH (a:Rider {name: 'Bob'}) RETURN id(a)")?;
    let id = ints(&r)[0][0];
    let r = run_with(
        &mut g,
        "MATCH (a:Rider)-[:IS_FRIEND]-(b)-[:IS_FRIEND]-(c) WHERE id(a) = $id RETURN c.name ORDER BY c.name",
        &[("id", Value::Int(id))],
    )?;
    assert_eq!(r.rows, vec![vec![s("Dan")]]);
    Ok(())
}

#[test]
fn optional_match_fills_nulls_and_keeps_its_where_inside() -> Result<(), CypherError> {
    let mut g = social()?;
    let r = run(
        &mut g,
        "MATCH (a:Rider) OPTIONAL MATCH (a)-[:LIKES]->(b) WHERE b.age > 100
         RETURN a.name, b ORDER BY a.name",
    )?;
    assert_eq!(r.rows.len(), 4);
    assert!(r.rows.iter().all(|row| row[1] == Value::Null));
    Ok(())
}

#[test]
fn aggregates_group_by_the_other_items() -> Result<(), CypherError> {
    let mut g = social()?;
    let r = run(
        &mut g,
        "MATCH (a:Rider)-[:IS_FRIEND]-(b) RETURN a.name AS name, count(b) AS friends, collect(b.name) AS names
         ORDER BY friends DESC, name LIMIT 2",
    )?;
    assert_eq!(r.columns, vec!["name", "friends", "names"]);
    assert_eq!(r.rows[0][0], s("Bob"));
    assert_eq!(r.rows[0][1], Value::Int(2));
    let r = run(&mut g, "MATCH (a:Rider) RETURN avg(a.age), sum(a.age), min(a.age), max(a.name), count(DISTINCT a.age > 26)")?;
    assert_eq!(
        r.rows,
        vec![vec![
            Value::Float(30.0),
            Value::Int(90),
            Value::Int(25),
            s("Dan"),
            Value::Int(2)
        ]]
    );
    let r = run(&mut g, "MATCH (a:Nobody) RETURN count(*), collect(a)")?;
    assert_eq!(r.rows, vec![vec![Value::Int(0), Value::List(vec![])]]);
    Ok(())
}

#[test]
fn with_order_skip_limit_and_where() -> Result<(), CypherError> {
    let mut g = MemGraph::new();
    let r = run(
        &mut g,
        "UNWIND range(1, 10) AS x WITH x ORDER BY x DESC SKIP 2 LIMIT 5 WHERE x % 2 = 0 RETURN collect(x)",
    )?;
    assert_eq!(
        r.rows,
        vec![vec![Value::List(vec![
            Value::Int(8),
            Value::Int(6),
            Value::Int(4)
        ])]]
    );
    let r = run(
        &mut g,
        "UNWIND [3, 1, 2, 1] AS x RETURN DISTINCT x ORDER BY x",
    )?;
    assert_eq!(ints(&r), vec![vec![1], vec![2], vec![3]]);
    Ok(())
}

#[test]
fn merge_matches_or_creates_row_by_row() -> Result<(), CypherError> {
    let mut g = MemGraph::new();
    let r = run(
        &mut g,
        "UNWIND [1, 1, 2] AS v MERGE (n:N {v: v}) ON CREATE SET n.new = true ON MATCH SET n.seen = true
         RETURN n.v, n.new, n.seen",
    )?;
    assert_eq!(r.stats.nodes_created, 2);
    assert_eq!(
        r.rows[1],
        vec![Value::Int(1), Value::Bool(true), Value::Bool(true)]
    );
    let r = run(&mut g, "MERGE ({v: null})");
    assert!(matches!(
        r,
        Err(CypherError::Runtime {
            detail: "MergeReadOwnWrites",
            ..
        })
    ));
    Ok(())
}

#[test]
fn delete_refuses_connected_nodes_and_deleted_entities_cannot_be_read() -> Result<(), CypherError> {
    let mut g = social()?;
    let r = run(&mut g.clone(), "MATCH (n:Rider {name: 'Ann'}) DELETE n");
    assert!(matches!(
        r,
        Err(CypherError::Runtime {
            detail: "DeleteConnectedNode",
            ..
        })
    ));
    let r = run(
        &mut g.clone(),
        "MATCH (n:Rider {name: 'Dan'}) DETACH DELETE n RETURN n.name",
    );
    assert!(matches!(
        r,
        Err(CypherError::Runtime {
            detail: "DeletedEntityAccess",
            ..
        })
    ));
    let r = run(&mut g, "MATCH ()-[r:LIKES]->() DELETE r RETURN type(r)")?;
    assert_eq!(r.rows, vec![vec![s("LIKES")]]);
    Ok(())
}

#[test]
fn reading_refuses_writes_before_running() -> Result<(), CypherError> {
    let g = social()?;
    let r = execute_read(
        &g,
        "MATCH (n) SET n.x = 1",
        &Params::new(),
        Limits::default(),
    );
    assert!(matches!(r, Err(CypherError::ReadOnly { clause: "SET" })));
    let r = execute_read(
        &g,
        "MATCH (n) RETURN count(n)",
        &Params::new(),
        Limits::default(),
    )?;
    assert_eq!(ints(&r), vec![vec![4]]);
    Ok(())
}

#[test]
fn limits_stop_runaway_queries() -> Result<(), CypherError> {
    let mut g = MemGraph::new();
    let small = Limits {
        deadline: None,
        max_rows: 100,
    };
    let r = execute(
        &mut g,
        "UNWIND range(1, 20) AS a UNWIND range(1, 20) AS b RETURN a, b",
        &Params::new(),
        small,
    );
    assert!(matches!(r, Err(CypherError::TooLarge { limit: 100 })));
    let past = Limits {
        deadline: Some(std::time::Instant::now()),
        max_rows: usize::MAX,
    };
    let r = execute(
        &mut g,
        "UNWIND range(1, 3000) AS a WITH a WHERE a > 0 RETURN count(*)",
        &Params::new(),
        past,
    );
    assert!(matches!(r, Err(CypherError::Timeout)));
    Ok(())
}

#[test]
fn expressions_follow_null_semantics() -> Result<(), CypherError> {
    let mut g = MemGraph::new();
    let r = run(
        &mut g,
        "RETURN null = null AS a, 1 IN [null, 1] AS b, 2 IN [null, 1] AS c, null OR true AS d,
                [x IN range(1, 5) WHERE x % 2 = 1 | x * 10] AS e, reduce(s = 0, x IN [1, 2, 3] | s + x) AS f,
                all(x IN [1, null] WHERE x > 0) AS g, 'abc' =~ 'a.' AS h, coalesce(null, 2) AS i",
    )?;
    let row = &r.rows[0];
    assert_eq!(row[0], Value::Null);
    assert_eq!(row[1], Value::Bool(true));
    assert_eq!(row[2], Value::Null);
    assert_eq!(row[3], Value::Bool(true));
    assert_eq!(
        row[4],
        Value::List(vec![Value::Int(10), Value::Int(30), Value::Int(50)])
    );
    assert_eq!(row[5], Value::Int(6));
    assert_eq!(row[6], Value::Null);
    assert_eq!(row[7], Value::Bool(false));
    assert_eq!(row[8], Value::Int(2));
    let r = run(&mut g, "RETURN $missing");
    assert_eq!(
        r.err().and_then(|e| e.kind()),
        Some(ErrorKind::ParameterMissing)
    );
    let r = run(&mut g, "RETURN 9223372036854775807 + 1");
    assert!(r.is_err());
    Ok(())
}

#[test]
fn union_removes_duplicates_unless_all() -> Result<(), CypherError> {
    let mut g = MemGraph::new();
    let r = run(
        &mut g,
        "RETURN 1 AS x UNION RETURN 1 AS x UNION RETURN 2 AS x",
    )?;
    assert_eq!(ints(&r), vec![vec![1], vec![2]]);
    let r = run(&mut g, "RETURN 1 AS x UNION ALL RETURN 1 AS x")?;
    assert_eq!(ints(&r), vec![vec![1], vec![1]]);
    Ok(())
}

#[test]
fn pattern_predicates_and_comprehensions() -> Result<(), CypherError> {
    let mut g = social()?;
    let r = run(
        &mut g,
        "MATCH (a:Rider) WHERE (a)-[:LIKES]->() RETURN a.name, [(a)-[:IS_FRIEND]->(f) | f.name] AS fs",
    )?;
    assert_eq!(r.rows, vec![vec![s("Ann"), Value::List(vec![s("Bob")])]]);
    let r = run(&mut g, "MATCH (a:Rider) WHERE NOT (a)-->() RETURN a.name")?;
    assert_eq!(r.rows, vec![vec![s("Dan")]]);
    Ok(())
}

/// A predicate joining two bound nodes (answered without a subplan) still checks what the
/// enclosing pattern did not: the end's labels, the type and the direction.
#[test]
fn a_predicate_between_bound_nodes_checks_labels_type_and_direction() -> Result<(), CypherError> {
    let mut g = MemGraph::new();
    run(
        &mut g,
        "CREATE (a:A {name: 'a'}), (x:X {name: 'x'}), (y {name: 'y'}), (z:X {name: 'z'}),
                (a)-[:R]->(x), (a)-[:R]->(y), (z)-[:R]->(a), (a)-[:S]->(z)",
    )?;
    let names = |q: &str| -> Result<Vec<Vec<Value>>, CypherError> {
        let mut rows = execute_read(&g, q, &Params::new(), Limits::default())?.rows;
        rows.sort_by_key(|r| format!("{r:?}"));
        Ok(rows)
    };
    let q = "MATCH (a:A), (c) WHERE c <> a AND (a)-[:R]->(c:X) RETURN c.name";
    assert_eq!(names(q)?, vec![vec![s("x")]]);
    let q = "MATCH (a:A), (c) WHERE c <> a AND NOT (a)-[:R]->(c:X) RETURN c.name";
    assert_eq!(names(q)?, vec![vec![s("y")], vec![s("z")]]);
    let q = "MATCH (a:A), (c) WHERE (a)-[:R]-(c) RETURN c.name";
    assert_eq!(names(q)?, vec![vec![s("x")], vec![s("y")], vec![s("z")]]);
    let q = "MATCH (a:A), (c) WHERE (a)<-[:R|S]-(c) RETURN c.name";
    assert_eq!(names(q)?, vec![vec![s("z")]]);
    Ok(())
}

#[test]
fn long_variable_length_walks_do_not_exhaust_the_stack() -> Result<(), CypherError> {
    let mut g = MemGraph::new();
    let mut prev = g.create_node(&["Start".to_string()], vec![])?;
    for _ in 0..5000 {
        let next = g.create_node(&[], vec![])?;
        g.create_rel(prev, next, "NEXT", vec![])?;
        prev = next;
    }
    let r = run(&mut g, "MATCH (:Start)-[*]->(b) RETURN count(b)")?;
    assert_eq!(ints(&r), vec![vec![5000]]);
    let r = run(
        &mut g,
        "MATCH p = shortestPath((:Start)-[*]->(b)) WHERE NOT (b)-->() RETURN length(p)",
    )?;
    assert_eq!(ints(&r), vec![vec![5000]]);
    Ok(())
}

#[test]
fn hostile_inputs_give_errors_or_answers_never_panics() {
    let mut g = MemGraph::new();
    let queries = [
        "RETURN range(0, 9223372036854775807)",
        "RETURN range(-9223372036854775808, 9223372036854775807, 9223372036854775807)",
        "RETURN [1, 2, 3][9223372036854775807], [1, 2, 3][-9223372036854775808]",
        "RETURN [1, 2, 3][-9223372036854775808..9223372036854775807]",
        "RETURN substring('abc', 9223372036854775807), left('abc', 9223372036854775807)",
        "RETURN abs(-9223372036854775807 - 1)",
        "RETURN -9223372036854775807 - 2",
        "RETURN 9223372036854775807 * 2, 2 ^ 100000, toInteger(1e300)",
        "RETURN -9223372036854775808 / -1",
        "RETURN -9223372036854775808 % -1",
        "RETURN 'a' =~ '(', 'a' =~ 'a{1000000}'",
        "RETURN percentileDisc(1, 2.0)",
        "MATCH (n) WHERE id(n) = -1 RETURN n",
        "MATCH (n) WHERE id(n) IN [-1, 1e300, 'x', null] RETURN n",
        "UNWIND [1, 'a', null, [], {}] AS x RETURN x ORDER BY x",
        "CREATE (a)-[:R]->(a) WITH a MATCH p = (a)-[*0..]-(a) RETURN length(p)",
        "RETURN toString(1e-320), toFloat('1e400'), toInteger('99999999999999999999')",
        "RETURN size(reduce(acc = [], x IN range(1, 200000) | [acc]))",
    ];
    for q in queries {
        let _ = run(&mut g, q);
    }
}
