//! Building temporal values: from a map of components (`{year: 1984, week: 10, dayOfWeek: 3}`),
//! possibly over other temporal values (`{date: d, time: t, day: 28}`), from text, by selecting
//! from another value (`date(datetime)`), and from the clock.

use std::collections::BTreeMap;

use super::calendar::Date;
use super::clock::{DateTime, LocalDateTime, LocalTime, Time, NANOS_PER_SECOND};
use super::components::{assemble_date, assemble_time, Fields};
use super::zone::Zone;
use super::{invalid, parse, CypherError, Temporal};
use crate::value::Value;

/// The kinds a constructor function makes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    Date,
    LocalTime,
    Time,
    LocalDateTime,
    DateTime,
}

impl Kind {
    pub(crate) fn name(self) -> &'static str {
        match self {
            Kind::Date => "date",
            Kind::LocalTime => "localtime",
            Kind::Time => "time",
            Kind::LocalDateTime => "localdatetime",
            Kind::DateTime => "datetime",
        }
    }

    pub(crate) fn has_date(self) -> bool {
        matches!(self, Kind::Date | Kind::LocalDateTime | Kind::DateTime)
    }

    pub(crate) fn has_time(self) -> bool {
        !matches!(self, Kind::Date)
    }

    pub(crate) fn zoned(self) -> bool {
        matches!(self, Kind::Time | Kind::DateTime)
    }
}

fn date_of(t: Option<Temporal>, what: &str) -> Result<Option<Date>, CypherError> {
    match t {
        None => Ok(None),
        Some(t) => t
            .date()
            .map(Some)
            .ok_or_else(|| invalid(format!("a {} has no date to take as {what}", t.type_name()))),
    }
}

fn time_of(t: Option<Temporal>, what: &str) -> Result<Option<LocalTime>, CypherError> {
    match t {
        None => Ok(None),
        Some(t) => t
            .local_time()
            .map(Some)
            .ok_or_else(|| invalid(format!("a {} has no time to take as {what}", t.type_name()))),
    }
}

/// The zone a value carries: its offset, or its named zone (with the offset it has now).
fn zone_of(t: &Temporal) -> Option<(Zone, i32)> {
    match t {
        Temporal::Time(t) => Some((Zone::Offset(t.offset), t.offset)),
        Temporal::DateTime(dt) => Some((dt.zone(), dt.offset)),
        _ => None,
    }
}

/// The offset a time takes in `zone`: a named zone's offset at the instant `now`.
fn offset_in(zone: Zone, now: i128) -> i32 {
    let seconds = now.div_euclid(i128::from(NANOS_PER_SECOND));
    zone.offset_at(i64::try_from(seconds).unwrap_or_default())
}

/// `kind(map)`.
pub(crate) fn from_map(
    kind: Kind,
    map: &BTreeMap<String, Value>,
    now: i128,
) -> Result<Temporal, CypherError> {
    let f = Fields::read(kind, map)?;
    if f.is_empty() {
        return match f.timezone {
            Some(zone) => now_in(kind, zone, now),
            None => Err(invalid(format!(
                "{}() needs at least one component",
                kind.name()
            ))),
        };
    }
    f.check_zone_allowed(kind)?;
    let date_base = date_of(f.date.or(f.datetime), "date")?;
    let time_source = f.time.or(f.datetime);
    let time_base = time_of(time_source, "time")?;
    let missing = |what: &str| invalid(format!("{}() needs {what}", kind.name()));
    Ok(match kind {
        Kind::Date => {
            Temporal::Date(assemble_date(&f, date_base)?.ok_or_else(|| missing("a year"))?)
        }
        Kind::LocalTime => {
            Temporal::LocalTime(assemble_time(&f, time_base)?.ok_or_else(|| missing("an hour"))?)
        }
        Kind::Time => {
            let time = assemble_time(&f, time_base)?.ok_or_else(|| missing("an hour"))?;
            let target = f.timezone.map(|z| offset_in(z, now));
            Temporal::Time(match time_source.as_ref().and_then(zone_of) {
                Some((_, offset)) => {
                    let t = Time { time, offset };
                    target.map_or(t, |o| t.with_offset_same_instant(o))
                }
                None => Time {
                    time,
                    offset: target.unwrap_or(0),
                },
            })
        }
        Kind::LocalDateTime => {
            let date = assemble_date(&f, date_base)?.ok_or_else(|| missing("a year"))?;
            let time = assemble_time(&f, time_base)?.unwrap_or(LocalTime::MIDNIGHT);
            Temporal::LocalDateTime(LocalDateTime::new(date, time))
        }
        Kind::DateTime => {
            Temporal::DateTime(datetime_from_fields(&f, date_base, time_base, time_source)?)
        }
    })
}

fn datetime_from_fields(
    f: &Fields,
    date_base: Option<Date>,
    time_base: Option<LocalTime>,
    time_source: Option<Temporal>,
) -> Result<DateTime, CypherError> {
    let zone = f.timezone.unwrap_or(Zone::Offset(0));
    if f.has("epochseconds") || f.has("epochmillis") {
        return datetime_from_epoch(f, zone);
    }
    let date = assemble_date(f, date_base)?.ok_or_else(|| invalid("datetime() needs a year"))?;
    let time = assemble_time(f, time_base)?.unwrap_or(LocalTime::MIDNIGHT);
    let local = LocalDateTime::new(date, time);
    match time_source.as_ref().and_then(zone_of) {
        Some((base_zone, offset)) => {
            let dt = DateTime::in_zone(local, base_zone, Some(offset))?;
            match f.timezone {
                Some(z) => dt.with_zone_same_instant(z),
                None => Ok(dt),
            }
        }
        None => DateTime::in_zone(local, zone, None),
    }
}

fn datetime_from_epoch(f: &Fields, zone: Zone) -> Result<DateTime, CypherError> {
    let allowed = [
        "epochseconds",
        "epochmillis",
        "millisecond",
        "microsecond",
        "nanosecond",
    ];
    if f.int_keys().any(|k| !allowed.contains(&k))
        || f.date.is_some()
        || f.time.is_some()
        || f.datetime.is_some()
    {
        return Err(invalid(
            "epochSeconds and epochMillis cannot be mixed with other components",
        ));
    }
    let nanos = match (f.get("epochseconds"), f.get("epochmillis")) {
        (Some(s), None) => i128::from(s) * i128::from(NANOS_PER_SECOND),
        (None, Some(ms)) => i128::from(ms) * 1_000_000,
        _ => return Err(invalid("give epochSeconds or epochMillis, not both")),
    };
    let extra = i128::from(f.get("millisecond").unwrap_or(0)) * 1_000_000
        + i128::from(f.get("microsecond").unwrap_or(0)) * 1000
        + i128::from(f.get("nanosecond").unwrap_or(0));
    DateTime::at_instant(nanos + extra, zone)
}

/// The current instant (`now`, nanoseconds since the epoch) as a `kind` in `zone`.
pub(crate) fn now_in(kind: Kind, zone: Zone, now: i128) -> Result<Temporal, CypherError> {
    let dt = DateTime::at_instant(now, zone)?;
    Ok(match kind {
        Kind::Date => Temporal::Date(dt.local.date),
        Kind::LocalTime => Temporal::LocalTime(dt.local.time),
        Kind::Time => Temporal::Time(Time {
            time: dt.local.time,
            offset: dt.offset,
        }),
        Kind::LocalDateTime => Temporal::LocalDateTime(dt.local),
        Kind::DateTime => Temporal::DateTime(dt),
    })
}

/// `kind(text)`.
pub(crate) fn from_text(kind: Kind, text: &str, now: i128) -> Result<Temporal, CypherError> {
    let local_only = |zoned: bool| {
        if zoned {
            Err(invalid(format!(
                "a {} has no time zone: `{text}`",
                kind.name()
            )))
        } else {
            Ok(())
        }
    };
    Ok(match kind {
        Kind::Date => Temporal::Date(parse::date(text)?),
        Kind::LocalTime => {
            let (t, zone) = parse::time(text)?;
            local_only(zone.is_some())?;
            Temporal::LocalTime(t)
        }
        Kind::Time => {
            let (time, zone) = parse::time(text)?;
            let offset = zone.map_or(0, |z| offset_in(z, now));
            Temporal::Time(Time { time, offset })
        }
        Kind::LocalDateTime => {
            let (dt, zone) = parse::date_time(text)?;
            local_only(zone.is_some())?;
            Temporal::LocalDateTime(dt)
        }
        Kind::DateTime => {
            let (local, zone) = parse::date_time(text)?;
            let (zone, preferred) = zone.unwrap_or((Zone::Offset(0), None));
            Temporal::DateTime(DateTime::in_zone(local, zone, preferred)?)
        }
    })
}

/// `kind(other)`: the part of another temporal value that `kind` holds (a missing zone is UTC).
pub(crate) fn select(kind: Kind, t: &Temporal) -> Result<Temporal, CypherError> {
    let cannot = || {
        invalid(format!(
            "cannot make a {} from a {}",
            kind.name(),
            t.type_name()
        ))
    };
    Ok(match (kind, t) {
        (Kind::Date, _) => Temporal::Date(t.date().ok_or_else(cannot)?),
        (Kind::LocalTime, _) => Temporal::LocalTime(t.local_time().ok_or_else(cannot)?),
        (Kind::Time, Temporal::Time(_)) => *t,
        (Kind::Time, Temporal::DateTime(dt)) => Temporal::Time(Time {
            time: dt.local.time,
            offset: dt.offset,
        }),
        (Kind::Time, Temporal::LocalTime(_) | Temporal::LocalDateTime(_)) => Temporal::Time(Time {
            time: t.local_time().ok_or_else(cannot)?,
            offset: 0,
        }),
        (Kind::LocalDateTime, Temporal::LocalDateTime(_)) => *t,
        (Kind::LocalDateTime, Temporal::DateTime(dt)) => Temporal::LocalDateTime(dt.local),
        (Kind::DateTime, Temporal::DateTime(_)) => *t,
        (Kind::DateTime, Temporal::LocalDateTime(ldt)) => {
            Temporal::DateTime(DateTime::in_zone(*ldt, Zone::Offset(0), None)?)
        }
        _ => return Err(cannot()),
    })
}
