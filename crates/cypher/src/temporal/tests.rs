//! Temporal values through whole queries: what a user sees.

use proptest::prelude::*;

use crate::error::ErrorKind;
use crate::{execute, CypherError, Limits, MemGraph, Params, Value};

fn run(g: &mut MemGraph, query: &str) -> Result<Vec<Vec<Value>>, CypherError> {
    execute(g, query, &Params::new(), Limits::default()).map(|r| r.rows)
}

/// The first column of each row, temporal values written as strings.
fn column(query: &str) -> Result<Vec<String>, CypherError> {
    let rows = run(&mut MemGraph::default(), query)?;
    Ok(rows
        .iter()
        .map(|row| match row.first() {
            Some(Value::Temporal(t)) => t.to_string(),
            Some(Value::String(s)) => format!("'{s}'"),
            Some(other) => format!("{other:?}"),
            None => String::new(),
        })
        .collect())
}

fn one(query: &str) -> Result<String, CypherError> {
    Ok(column(query)?.into_iter().next().unwrap_or_default())
}

#[test]
fn constructs_from_maps_strings_and_other_values() -> Result<(), CypherError> {
    assert_eq!(
        one("RETURN date({year: 1984, month: 10, day: 11})")?,
        "1984-10-11"
    );
    assert_eq!(
        one("RETURN date({year: 1817, week: 1, dayOfWeek: 2})")?,
        "1816-12-31"
    );
    assert_eq!(
        one("RETURN datetime('2015-W30-2T214032.142Z')")?,
        "2015-07-21T21:40:32.142Z"
    );
    assert_eq!(
        one("RETURN datetime({year: 1984, ordinalDay: 202, timezone: 'Europe/Stockholm'})")?,
        "1984-07-20T00:00+02:00[Europe/Stockholm]"
    );
    assert_eq!(
        one("WITH time({hour: 12, minute: 31, timezone: '+01:00'}) AS t RETURN time({time: t, timezone: '+05:00'})")?,
        "16:31+05:00"
    );
    assert_eq!(
        one("RETURN localtime(datetime('2015-07-21T21:40:32+01:00'))")?,
        "21:40:32"
    );
    assert_eq!(one("RETURN duration({months: 0.75})")?, "P22DT19H51M49.5S");
    assert_eq!(
        one("RETURN datetime.fromepochmillis(237821673987)")?,
        "1977-07-15T13:34:33.987Z"
    );
    assert_eq!(one("RETURN date(null)")?, "Null");
    assert_eq!(
        one("RETURN date({timezone: '+14:00'}) >= date({timezone: '-12:00'})")?,
        "Bool(true)"
    );
    Ok(())
}

#[test]
fn components_offsets_and_epochs_read_back() -> Result<(), CypherError> {
    let rows = run(
        &mut MemGraph::default(),
        "WITH datetime({year: 1984, month: 11, day: 11, hour: 12, minute: 31, second: 14,
                        nanosecond: 645876123, timezone: 'Europe/Stockholm'}) AS d
         RETURN d.week, d.timezone, d.offsetMinutes, d.epochMillis, d.nanosecond",
    )?;
    assert_eq!(
        rows,
        vec![vec![
            Value::Int(45),
            Value::String("Europe/Stockholm".into()),
            Value::Int(60),
            Value::Int(469_020_674_645),
            Value::Int(645_876_123),
        ]]
    );
    let err = run(&mut MemGraph::default(), "RETURN date('2015-01-01').hour");
    assert!(matches!(
        err,
        Err(CypherError::Runtime {
            kind: ErrorKind::ArgumentError,
            ..
        })
    ));
    Ok(())
}

#[test]
fn kinds_compare_only_with_themselves() -> Result<(), CypherError> {
    let rows = run(
        &mut MemGraph::default(),
        "RETURN date('2015-01-01') < date('2015-01-02'), date('2015-01-01') < localdatetime('2015-01-02'),
                date('2015-01-01') = localdatetime('2015-01-01'), duration('P1D') < duration('P2D'),
                time('10:00+01:00') < time('09:30Z'),
                datetime('2015-01-01T00:00Z') = datetime('2015-01-01T01:00+01:00')",
    )?;
    use Value::{Bool, Null};
    assert_eq!(
        rows,
        vec![vec![
            Bool(true),
            Null,
            Bool(false),
            Null,
            Bool(true),
            Bool(false)
        ]]
    );
    Ok(())
}

#[test]
fn order_by_sorts_by_instant_and_kinds_apart() -> Result<(), CypherError> {
    let sorted = column(
        "UNWIND [time({hour: 10, minute: 35, timezone: '-08:00'}),
                 time({hour: 12, minute: 35, second: 15, timezone: '+05:00'}),
                 time({hour: 12, minute: 30, timezone: '+01:01'})] AS t
         RETURN t ORDER BY t",
    )?;
    assert_eq!(sorted, ["12:35:15+05:00", "12:30+01:01", "10:35-08:00"]);
    let kinds = column(
        "UNWIND ['text', duration('P1D'), localtime('12:00'), date('2015-01-01'), 1,
                 datetime('2015-01-01T00:00Z')] AS v
         RETURN v ORDER BY v",
    )?;
    assert_eq!(
        kinds,
        [
            "2015-01-01T00:00Z",
            "2015-01-01",
            "12:00",
            "P1D",
            "'text'",
            "Int(1)"
        ]
    );
    Ok(())
}

#[test]
fn arithmetic_follows_the_calendar() -> Result<(), CypherError> {
    assert_eq!(
        one("RETURN date('2015-01-31') + duration('P1M')")?,
        "2015-02-28"
    );
    assert_eq!(
        one("RETURN date('1984-10-11') - duration('P1DT23H')")?,
        "1984-10-10"
    );
    assert_eq!(
        one("RETURN localtime('23:00') + duration('PT2H')")?,
        "01:00"
    );
    // Across the 2017 autumn change in Stockholm, a day is 25 hours but one calendar day.
    assert_eq!(
        one("RETURN datetime('2017-10-28T12:00[Europe/Stockholm]') + duration('P1D')")?,
        "2017-10-29T12:00+01:00[Europe/Stockholm]"
    );
    assert_eq!(
        one("RETURN datetime('2017-10-28T12:00[Europe/Stockholm]') + duration('PT24H')")?,
        "2017-10-29T11:00+01:00[Europe/Stockholm]"
    );
    assert_eq!(one("RETURN duration('P1D') * 1.5")?, "P1DT12H");
    assert_eq!(
        one("RETURN duration('PT1H') - duration('PT90M')")?,
        "PT-30M"
    );
    assert_eq!(one("RETURN -duration('P1DT0.5S')")?, "P-1DT-0.5S");
    assert!(run(&mut MemGraph::default(), "RETURN -date('2015-01-01')").is_err());
    let err = run(&mut MemGraph::default(), "RETURN date('2015-01-01') + 1");
    assert!(matches!(
        err,
        Err(CypherError::Runtime {
            kind: ErrorKind::TypeError,
            ..
        })
    ));
    let err = run(
        &mut MemGraph::default(),
        "RETURN date('+999999999-12-31') + duration('P1D')",
    );
    assert!(matches!(
        err,
        Err(CypherError::Runtime {
            kind: ErrorKind::ArgumentError,
            ..
        })
    ));
    Ok(())
}

#[test]
fn durations_between_values_of_any_kinds() -> Result<(), CypherError> {
    assert_eq!(
        one(
            "RETURN duration.between(date('1984-10-11'), datetime('2015-07-21T21:40:32.142+0100'))"
        )?,
        "P30Y9M10DT21H40M32.142S"
    );
    assert_eq!(
        one("RETURN duration.inDays(date('2015-01-01'), date('2016-01-01'))")?,
        "P365D"
    );
    assert_eq!(
        one("RETURN duration.inSeconds(localtime('12:34:54.7'), localtime('12:34:54.3'))")?,
        "PT-0.4S"
    );
    assert_eq!(
        one("RETURN duration.between(date('-999999999-01-01'), date('+999999999-12-31'))")?,
        "P1999999998Y11M30D"
    );
    Ok(())
}

#[test]
fn truncation_keeps_or_sets_components() -> Result<(), CypherError> {
    assert_eq!(
        one("RETURN date.truncate('weekYear', date('1984-02-01'), {day: 5})")?,
        "1984-01-05"
    );
    assert_eq!(
        one("RETURN localtime.truncate('millisecond', localtime('12:31:14.645876123'), {nanosecond: 2})")?,
        "12:31:14.645000002"
    );
    assert_eq!(
        one("RETURN datetime.truncate('day', datetime('2017-10-11T12:31-01:00'), {timezone: 'Europe/Stockholm'})")?,
        "2017-10-11T00:00+02:00[Europe/Stockholm]"
    );
    assert!(run(
        &mut MemGraph::default(),
        "RETURN date.truncate('hour', date('2015-01-01'))"
    )
    .is_err());
    Ok(())
}

#[test]
fn stored_values_survive_and_aggregate() -> Result<(), CypherError> {
    let mut g = MemGraph::default();
    run(
        &mut g,
        "CREATE ({d: date('2015-01-02'), ds: [duration('PT1H'), duration('PT3H')]}),
                ({d: date('2015-01-01'), ds: [duration('P1D')]})",
    )?;
    let rows = run(
        &mut g,
        "MATCH (n) UNWIND n.ds AS d
         RETURN min(n.d), max(n.d), sum(d), avg(d), count(DISTINCT n.d)",
    )?;
    let text: Vec<String> = rows[0]
        .iter()
        .map(|v| match v {
            Value::Temporal(t) => t.to_string(),
            other => format!("{other:?}"),
        })
        .collect();
    assert_eq!(
        text,
        ["2015-01-01", "2015-01-02", "P1DT4H", "PT9H20M", "Int(2)"]
    );
    let err = run(&mut g, "UNWIND [duration('P1D'), 1] AS x RETURN sum(x)");
    assert!(matches!(
        err,
        Err(CypherError::Runtime {
            kind: ErrorKind::TypeError,
            ..
        })
    ));
    let err = run(&mut g, "UNWIND [1, duration('P1D')] AS x RETURN avg(x)");
    assert!(matches!(
        err,
        Err(CypherError::Runtime {
            kind: ErrorKind::TypeError,
            ..
        })
    ));
    Ok(())
}

#[test]
fn a_statement_reads_the_clock_once() -> Result<(), CypherError> {
    let rows = run(
        &mut MemGraph::default(),
        "UNWIND range(1, 100) AS i WITH datetime() AS a, datetime.realtime() AS b RETURN DISTINCT a = b",
    )?;
    assert_eq!(rows, vec![vec![Value::Bool(true)]]);
    Ok(())
}

#[test]
fn bad_input_is_an_argument_error() {
    for query in [
        "RETURN date('2015-02-30')",
        "RETURN date({year: 1984, day: 3})",
        "RETURN date({year: 1984, month: 1, week: 2})",
        "RETURN localdatetime({year: 1984, timezone: '+01:00'})",
        "RETURN localtime.truncate('hour', localtime('12:34'), {timezone: '+01:00'})",
        "RETURN localtime({hour: 25})",
        "RETURN time({hour: 1, timezone: 'Mars/Olympus'})",
        "RETURN duration('P1Q')",
        "RETURN duration({days: 1, fortnights: 2})",
        "RETURN duration('P1D') / 0",
        "RETURN datetime({year: 999999999, month: 12, day: 31, hour: 23, timezone: '-18:00'}) + duration('PT20H')",
    ] {
        let result = run(&mut MemGraph::default(), query);
        assert!(
            matches!(result, Err(CypherError::Runtime { kind: ErrorKind::ArgumentError, .. })),
            "{query}: {result:?}"
        );
    }
}

fn arbitrary_value() -> impl Strategy<Value = String> {
    prop_oneof![
        any::<i64>().prop_map(|i| i.to_string()),
        (-3.0e9..3.0e9f64).prop_map(|f| format!("{f:?}")),
        "[-+0-9TWZPYMDHS:.,\\[\\]/a-zA-Z_]{0,24}".prop_map(|s| format!("'{s}'")),
        Just("null".to_string()),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    /// Whatever the text, map or numbers, the temporal functions answer or fail cleanly.
    #[test]
    fn never_panics_on_any_input(
        text in "[-+0-9TWZPYMDHS:.,\\[\\]/a-zA-Z_ ]{0,30}",
        key in prop::sample::select(vec![
            "year", "month", "day", "week", "dayOfWeek", "ordinalDay", "quarter", "dayOfQuarter",
            "hour", "minute", "second", "millisecond", "nanosecond", "timezone", "epochSeconds",
            "years", "months", "days", "seconds", "nanoseconds",
        ]),
        a in arbitrary_value(),
        b in arbitrary_value(),
        f in prop::sample::select(vec!["date", "localtime", "time", "localdatetime", "datetime", "duration"]),
    ) {
        let quoted = text.replace('\'', "");
        let queries = [
            format!("RETURN {f}('{quoted}')"),
            format!("RETURN {f}({{{key}: {a}}})"),
            format!("RETURN {f}({{year: 1984, {key}: {a}, hour: {b}}})"),
            format!("RETURN datetime('2015-07-21T21:40:32.142+01:00') + duration({{{key}: {a}}})"),
            format!("RETURN date('+999999999-12-31') - duration({{{key}: {a}}})"),
            format!("RETURN duration({{{key}: {a}}}) * {b}"),
            format!("RETURN duration({{{key}: {a}}}) / {b}"),
            format!("RETURN duration.between({f}('{quoted}'), datetime.fromepoch({a}, {b}))"),
            format!("RETURN {f}.truncate('{quoted}', localdatetime('2015-07-21T21:40'), {{{key}: {a}}})"),
        ];
        for q in &queries {
            let _ = run(&mut MemGraph::default(), q);
        }
    }
}
