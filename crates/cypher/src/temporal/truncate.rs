//! `date.truncate(unit, value, map)` and its siblings: the value cut down to the start of its
//! `unit` (`'millennium'` ... `'microsecond'`), then the map's components set on the result.

use std::collections::BTreeMap;

use super::build::Kind;
use super::calendar::Date;
use super::clock::{DateTime, LocalDateTime, LocalTime, Time, NANOS_PER_SECOND};
use super::components::{assemble_date, assemble_time, Fields};
use super::zone::Zone;
use super::{invalid, CypherError, Temporal};
use crate::value::Value;

/// The units a value can be truncated to, largest first.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Unit {
    Millennium,
    Century,
    Decade,
    Year,
    WeekYear,
    Quarter,
    Month,
    Week,
    Day,
    Hour,
    Minute,
    Second,
    Millisecond,
    Microsecond,
}

impl Unit {
    fn parse(text: &str) -> Option<Unit> {
        Some(match text.to_ascii_lowercase().as_str() {
            "millennium" => Unit::Millennium,
            "century" => Unit::Century,
            "decade" => Unit::Decade,
            "year" => Unit::Year,
            "weekyear" => Unit::WeekYear,
            "quarter" => Unit::Quarter,
            "month" => Unit::Month,
            "week" => Unit::Week,
            "day" => Unit::Day,
            "hour" => Unit::Hour,
            "minute" => Unit::Minute,
            "second" => Unit::Second,
            "millisecond" => Unit::Millisecond,
            "microsecond" => Unit::Microsecond,
            _ => return None,
        })
    }

    fn is_date_unit(self) -> bool {
        matches!(
            self,
            Unit::Millennium
                | Unit::Century
                | Unit::Decade
                | Unit::Year
                | Unit::WeekYear
                | Unit::Quarter
                | Unit::Month
                | Unit::Week
                | Unit::Day
        )
    }
}

fn truncate_date(d: Date, unit: Unit) -> Result<Date, CypherError> {
    let year = d.year();
    let first_of = |y: i64| Date::from_ymd(y, 1, 1);
    match unit {
        Unit::Millennium => first_of(year.div_euclid(1000) * 1000),
        Unit::Century => first_of(year.div_euclid(100) * 100),
        Unit::Decade => first_of(year.div_euclid(10) * 10),
        Unit::Year => first_of(year),
        Unit::WeekYear => Date::from_week(d.iso_week().0, 1, 1),
        Unit::Quarter => Date::from_quarter(year, d.quarter(), 1),
        Unit::Month => Date::from_ymd(year, i64::from(d.month()), 1),
        Unit::Week => d.plus_days(1 - d.weekday()),
        _ => Ok(d),
    }
}

fn truncate_time(t: LocalTime, unit: Unit) -> Result<LocalTime, CypherError> {
    let step = match unit {
        Unit::Hour => 3600 * NANOS_PER_SECOND,
        Unit::Minute => 60 * NANOS_PER_SECOND,
        Unit::Second => NANOS_PER_SECOND,
        Unit::Millisecond => 1_000_000,
        Unit::Microsecond => 1000,
        _ => return Ok(LocalTime::MIDNIGHT),
    };
    LocalTime::from_nanos(t.nanos() - t.nanos() % step)
}

/// `kind.truncate(unit, value, map)`.
pub(crate) fn truncate(
    kind: Kind,
    unit: &str,
    value: &Temporal,
    map: Option<&BTreeMap<String, Value>>,
    now: i128,
) -> Result<Temporal, CypherError> {
    let unit =
        Unit::parse(unit).ok_or_else(|| invalid(format!("unknown truncation unit `{unit}`")))?;
    let unsupported = || {
        invalid(format!(
            "cannot truncate a {} to a {} by {unit:?}",
            value.type_name(),
            kind.name()
        ))
    };
    let empty = BTreeMap::new();
    let mut fields = Fields::read(kind, map.unwrap_or(&empty))?;
    fields.check_zone_allowed(kind)?;
    keep_subseconds(&mut fields, unit, value.local_time());
    let zone = fields
        .timezone
        .or_else(|| match value {
            Temporal::Time(t) => Some(Zone::Offset(t.offset)),
            Temporal::DateTime(dt) => Some(dt.zone()),
            _ => None,
        })
        .unwrap_or(Zone::Offset(0));
    match kind {
        Kind::Date => {
            if !unit.is_date_unit() {
                return Err(unsupported());
            }
            let date = truncate_date(value.date().ok_or_else(unsupported)?, unit)?;
            Ok(Temporal::Date(
                assemble_date(&fields, Some(date))?.unwrap_or(date),
            ))
        }
        Kind::LocalTime | Kind::Time => {
            if unit.is_date_unit() && unit != Unit::Day {
                return Err(unsupported());
            }
            let time = truncate_time(value.local_time().ok_or_else(unsupported)?, unit)?;
            let time = assemble_time(&fields, Some(time))?.unwrap_or(time);
            Ok(match kind {
                Kind::Time => {
                    let at = match value {
                        Temporal::DateTime(dt) => dt.instant_nanos(),
                        _ => now,
                    };
                    let seconds = i64::try_from(at.div_euclid(i128::from(NANOS_PER_SECOND)))
                        .unwrap_or_default();
                    Temporal::Time(Time {
                        time,
                        offset: zone.offset_at(seconds),
                    })
                }
                _ => Temporal::LocalTime(time),
            })
        }
        Kind::LocalDateTime | Kind::DateTime => {
            let date = value.date().ok_or_else(unsupported)?;
            let time = value.local_time().unwrap_or(LocalTime::MIDNIGHT);
            let (date, time) = if unit.is_date_unit() {
                (truncate_date(date, unit)?, LocalTime::MIDNIGHT)
            } else {
                (date, truncate_time(time, unit)?)
            };
            let date = assemble_date(&fields, Some(date))?.unwrap_or(date);
            let time = assemble_time(&fields, Some(time))?.unwrap_or(time);
            let local = LocalDateTime::new(date, time);
            Ok(match kind {
                Kind::DateTime => {
                    let preferred = match value {
                        Temporal::DateTime(dt) => Some(dt.offset),
                        _ => None,
                    };
                    Temporal::DateTime(DateTime::in_zone(local, zone, preferred)?)
                }
                _ => Temporal::LocalDateTime(local),
            })
        }
    }
}

/// A finer fraction set on a value truncated to milli- or microseconds keeps the coarser
/// digits the truncation kept: `.645` truncated to milliseconds with `{nanosecond: 2}` is
/// `.645000002`.
fn keep_subseconds(fields: &mut Fields, unit: Unit, time: Option<LocalTime>) {
    let Some(time) = time else {
        return;
    };
    let (ms, us) = (time.nano() / 1_000_000, time.nano() / 1000 % 1000);
    let given = |f: &Fields, k: &str| f.get(k).is_some();
    let finer = |f: &Fields, keys: &[&str]| keys.iter().any(|k| given(f, k));
    match unit {
        Unit::Millisecond
            if !given(fields, "millisecond") && finer(fields, &["microsecond", "nanosecond"]) =>
        {
            fields.set("millisecond", ms);
        }
        Unit::Microsecond
            if !finer(fields, &["millisecond", "microsecond"]) && given(fields, "nanosecond") =>
        {
            fields.set("millisecond", ms);
            fields.set("microsecond", us);
        }
        _ => {}
    }
}
