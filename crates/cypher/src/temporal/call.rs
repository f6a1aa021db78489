//! The temporal functions a query calls: `date(...)`, `datetime.fromepoch(...)`,
//! `localtime.truncate(...)`, `duration.between(...)`, ... Each gives null for a null argument.

use std::collections::BTreeMap;

use super::between::{between, Span};
use super::build::{from_map, from_text, now_in, select, Kind};
use super::clock::{DateTime, NANOS_PER_SECOND};
use super::components::zone_value;
use super::duration::Duration;
use super::parse;
use super::truncate::truncate;
use super::zone::Zone;
use super::{invalid, wrong_type, CypherError, Temporal};
use crate::error::{ErrorKind, Position};
use crate::value::Value;

fn kind_of(base: &str) -> Option<Kind> {
    Some(match base {
        "date" => Kind::Date,
        "localtime" => Kind::LocalTime,
        "time" => Kind::Time,
        "localdatetime" => Kind::LocalDateTime,
        "datetime" => Kind::DateTime,
        _ => return None,
    })
}

/// Whether the (lower-case) name is one of the temporal functions' namespaces.
pub(crate) fn is_temporal_function(name: &str) -> bool {
    let base = name.split('.').next().unwrap_or("");
    base == "duration" || kind_of(base).is_some()
}

fn arity(name: &str) -> CypherError {
    CypherError::Compile {
        kind: ErrorKind::SyntaxError,
        detail: "InvalidNumberOfArguments",
        message: format!("wrong number of arguments for {name}()"),
        position: Position { line: 1, column: 1 },
    }
}

fn unknown(name: &str) -> CypherError {
    CypherError::Compile {
        kind: ErrorKind::SyntaxError,
        detail: "UnknownFunction",
        message: format!("unknown function {name}()"),
        position: Position { line: 1, column: 1 },
    }
}

/// Calls the temporal function `name` (lower case); `now` is the statement's clock reading
/// (nanoseconds since the epoch), so every call in a statement sees the same time.
pub(crate) fn call(name: &str, args: &[Value], now: i128) -> Result<Value, CypherError> {
    let (base, suffix) = match name.split_once('.') {
        Some((b, s)) => (b, Some(s)),
        None => (name, None),
    };
    let t = |t: Temporal| Ok(Value::Temporal(t));
    if base == "duration" {
        return match (suffix, args) {
            (None, [v]) => duration(v),
            (Some(s), [a, b]) => {
                let span = match s {
                    "between" => Span::Whole,
                    "inmonths" => Span::Months,
                    "indays" => Span::Days,
                    "inseconds" => Span::Seconds,
                    _ => return Err(unknown(name)),
                };
                match (a, b) {
                    (Value::Null, _) | (_, Value::Null) => Ok(Value::Null),
                    (Value::Temporal(a), Value::Temporal(b)) => {
                        t(Temporal::Duration(between(span, a, b)?))
                    }
                    (Value::Temporal(_), other) | (other, _) => Err(wrong_type(name, other)),
                }
            }
            (None | Some("between" | "inmonths" | "indays" | "inseconds"), _) => Err(arity(name)),
            _ => Err(unknown(name)),
        };
    }
    let Some(kind) = kind_of(base) else {
        return Err(unknown(name));
    };
    match (suffix, args) {
        (None, []) => t(now_in(kind, Zone::Offset(0), now)?),
        (None, [v]) => construct(kind, v, now),
        (Some("transaction" | "statement" | "realtime"), []) => {
            t(now_in(kind, Zone::Offset(0), now)?)
        }
        (Some("transaction" | "statement" | "realtime"), [v]) => match v {
            Value::Null => Ok(Value::Null),
            other => t(now_in(kind, zone_value(other)?, now)?),
        },
        (Some("truncate"), [unit, value]) => truncate_call(kind, unit, value, None, now),
        (Some("truncate"), [unit, value, map]) => truncate_call(kind, unit, value, Some(map), now),
        (Some("fromepoch"), [secs, nanos]) if kind == Kind::DateTime => match (secs, nanos) {
            (Value::Null, _) | (_, Value::Null) => Ok(Value::Null),
            (Value::Int(s), Value::Int(n)) => {
                let at = i128::from(*s) * i128::from(NANOS_PER_SECOND) + i128::from(*n);
                t(Temporal::DateTime(DateTime::at_instant(
                    at,
                    Zone::Offset(0),
                )?))
            }
            (Value::Int(_), other) | (other, _) => Err(wrong_type(name, other)),
        },
        (Some("fromepochmillis"), [millis]) if kind == Kind::DateTime => match millis {
            Value::Null => Ok(Value::Null),
            Value::Int(ms) => {
                let at = i128::from(*ms) * 1_000_000;
                t(Temporal::DateTime(DateTime::at_instant(
                    at,
                    Zone::Offset(0),
                )?))
            }
            other => Err(wrong_type(name, other)),
        },
        (None | Some("transaction" | "statement" | "realtime" | "truncate"), _) => Err(arity(name)),
        (Some("fromepoch" | "fromepochmillis"), _) if kind == Kind::DateTime => Err(arity(name)),
        _ => Err(unknown(name)),
    }
}

/// `kind(value)`.
fn construct(kind: Kind, v: &Value, now: i128) -> Result<Value, CypherError> {
    Ok(Value::Temporal(match v {
        Value::Null => return Ok(Value::Null),
        Value::String(s) => from_text(kind, s, now)?,
        Value::Map(m) => from_map(kind, m, now)?,
        Value::Temporal(other) => select(kind, other)?,
        other => return Err(wrong_type(kind.name(), other)),
    }))
}

fn truncate_call(
    kind: Kind,
    unit: &Value,
    value: &Value,
    map: Option<&Value>,
    now: i128,
) -> Result<Value, CypherError> {
    let name = format!("{}.truncate", kind.name());
    let map = match map {
        None | Some(Value::Null) => None,
        Some(Value::Map(m)) => Some(m),
        Some(other) => return Err(wrong_type(&name, other)),
    };
    match (unit, value) {
        (Value::Null, _) | (_, Value::Null) => Ok(Value::Null),
        (Value::String(unit), Value::Temporal(v)) => {
            Ok(Value::Temporal(truncate(kind, unit, v, map, now)?))
        }
        (Value::String(_), other) | (other, _) => Err(wrong_type(&name, other)),
    }
}

/// `duration(value)`.
fn duration(v: &Value) -> Result<Value, CypherError> {
    Ok(Value::Temporal(Temporal::Duration(match v {
        Value::Null => return Ok(Value::Null),
        Value::String(s) => parse::duration(s)?,
        Value::Map(m) => duration_from_map(m)?,
        Value::Temporal(Temporal::Duration(d)) => *d,
        other => return Err(wrong_type("duration", other)),
    })))
}

const DURATION_KEYS: [&str; 11] = [
    "years",
    "quarters",
    "months",
    "weeks",
    "days",
    "hours",
    "minutes",
    "seconds",
    "milliseconds",
    "microseconds",
    "nanoseconds",
];

/// `duration({years: 1, days: 1.5, ...})`: whole numbers add up exactly; a fraction anywhere
/// is carried down into the smaller units.
fn duration_from_map(map: &BTreeMap<String, Value>) -> Result<Duration, CypherError> {
    if map.is_empty() {
        return Err(invalid("duration() needs at least one component"));
    }
    let mut ints = [0_i64; 11];
    let mut floats = [0_f64; 11];
    let mut fractional = false;
    for (key, value) in map {
        let lower = key.to_ascii_lowercase();
        let i = DURATION_KEYS
            .iter()
            .position(|k| *k == lower)
            .ok_or_else(|| invalid(format!("{key} is not a component of a duration")))?;
        match value {
            Value::Int(v) => {
                ints[i] = *v;
                floats[i] = *v as f64;
            }
            Value::Float(f) => {
                floats[i] = *f;
                fractional = true;
            }
            other => return Err(wrong_type(&format!("the duration component {key}"), other)),
        }
    }
    let [y, q, mo, w, d, h, mi, s, ms, us, ns] = floats;
    if fractional {
        return Duration::approximate(
            y * 12.0 + q * 3.0 + mo,
            w * 7.0 + d,
            h * 3600.0 + mi * 60.0 + s,
            ms * 1e6 + us * 1e3 + ns,
        );
    }
    let [y, q, mo, w, d, h, mi, s, ms, us, ns] = ints.map(i128::from);
    let months = y * 12 + q * 3 + mo;
    let days = w * 7 + d;
    let seconds = h * 3600 + mi * 60 + s;
    let nanos = ms * 1_000_000 + us * 1000 + ns;
    let fit = |v: i128| i64::try_from(v).map_err(|_| invalid("duration is out of range"));
    Duration::new(fit(months)?, fit(days)?, fit(seconds)?, nanos)
}
