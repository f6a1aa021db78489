//! Components of temporal values: `d.year`, `t.offsetMinutes`, `dt.epochMillis`,
//! `dur.minutesOfHour`, ...

use super::clock::{LocalTime, NANOS_PER_SECOND};
use super::zone::offset_text;
use super::{invalid, CypherError, Temporal};
use crate::value::Value;

/// `value.name` (the name matched without regard to case).
pub(crate) fn field(value: &Temporal, name: &str) -> Result<Value, CypherError> {
    let lower = name.to_ascii_lowercase();
    let found = match value {
        Temporal::Duration(d) => d.field(&lower).map(Value::Int),
        _ => date_field(value, &lower)
            .or_else(|| value.local_time().and_then(|t| time_field(t, &lower)))
            .or_else(|| zone_field(value, &lower)),
    };
    found.ok_or_else(|| invalid(format!("a {} has no component `{name}`", value.type_name())))
}

fn date_field(value: &Temporal, name: &str) -> Option<Value> {
    let d = value.date()?;
    Some(Value::Int(match name {
        "year" => d.year(),
        "quarter" => d.quarter(),
        "month" => i64::from(d.month()),
        "week" => d.iso_week().1,
        "weekyear" => d.iso_week().0,
        "day" => i64::from(d.day()),
        "ordinalday" => d.ordinal(),
        "weekday" | "dayofweek" => d.weekday(),
        "dayofquarter" => d.day_of_quarter(),
        _ => return None,
    }))
}

fn time_field(t: LocalTime, name: &str) -> Option<Value> {
    Some(Value::Int(match name {
        "hour" => t.hour(),
        "minute" => t.minute(),
        "second" => t.second(),
        "millisecond" => t.nano() / 1_000_000,
        "microsecond" => t.nano() / 1000,
        "nanosecond" => t.nano(),
        _ => return None,
    }))
}

fn zone_field(value: &Temporal, name: &str) -> Option<Value> {
    let (offset, zone) = match value {
        Temporal::Time(t) => (t.offset, offset_text(t.offset)),
        Temporal::DateTime(dt) => (dt.offset, dt.zone_name()),
        _ => return None,
    };
    Some(match name {
        "timezone" => Value::String(zone),
        "offset" => Value::String(offset_text(offset)),
        "offsetminutes" => Value::Int(i64::from(offset / 60)),
        "offsetseconds" => Value::Int(i64::from(offset)),
        "epochseconds" | "epochmillis" => {
            let Temporal::DateTime(dt) = value else {
                return None;
            };
            let per = i128::from(if name == "epochseconds" {
                NANOS_PER_SECOND
            } else {
                1_000_000
            });
            Value::Int(i64::try_from(dt.instant_nanos().div_euclid(per)).ok()?)
        }
        _ => return None,
    })
}
