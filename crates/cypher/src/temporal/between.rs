//! `duration.between(a, b)`, `duration.inMonths`, `duration.inDays`, `duration.inSeconds`.
//!
//! Two values of different kinds are first made alike: a value without a date takes the
//! other's, one without a time is at midnight, one without a zone takes the other's, and the
//! second is seen in the first's zone. Months and days are then counted on the wall clock (as
//! `java.time` does, toward zero) and the rest is the difference of the instants.

use super::calendar::Date;
use super::clock::{DateTime, LocalDateTime, LocalTime, NANOS_PER_SECOND};
use super::duration::Duration;
use super::zone::Zone;
use super::{invalid, CypherError, Temporal};

/// What `duration.*` computes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Span {
    /// Months, then days, then the time left.
    Whole,
    Months,
    Days,
    Seconds,
}

/// A value taken apart for comparison with another.
#[derive(Clone, Copy)]
struct Parts {
    date: Option<Date>,
    time: Option<LocalTime>,
    zone: Option<(Zone, i32)>,
}

fn parts(t: &Temporal) -> Result<Parts, CypherError> {
    let zone = match t {
        Temporal::Time(t) => Some((Zone::Offset(t.offset), t.offset)),
        Temporal::DateTime(dt) => Some((dt.zone(), dt.offset)),
        Temporal::Duration(_) => {
            return Err(invalid(
                "duration.between() needs two instants, not a duration",
            ))
        }
        _ => None,
    };
    Ok(Parts {
        date: t.date(),
        time: t.local_time(),
        zone,
    })
}

/// A value made whole: a wall clock, and the zone (with its offset there) if it has one.
struct Whole {
    local: LocalDateTime,
    zone: Option<(Zone, i32)>,
}

impl Whole {
    /// Nanoseconds since the epoch: UTC for a zoned value, else on the wall clock.
    fn nanos(&self) -> i128 {
        let offset = self.zone.map_or(0, |(_, o)| o);
        self.local.epoch_nanos() - i128::from(offset) * i128::from(NANOS_PER_SECOND)
    }
}

fn complete(p: Parts, other: Parts, epoch: Date) -> Result<Whole, CypherError> {
    let date = p.date.or(other.date).unwrap_or(epoch);
    let local = LocalDateTime::new(date, p.time.unwrap_or(LocalTime::MIDNIGHT));
    Ok(match p.zone.or(other.zone) {
        None => Whole { local, zone: None },
        Some((zone, offset)) => {
            // A time of day keeps its own offset; a date-time finds its zone's offset anew.
            let preferred = if p.zone.is_some() { Some(offset) } else { None };
            let dt = match (p.date, zone) {
                (None, Zone::Offset(_)) => DateTime {
                    local,
                    offset,
                    zone: None,
                },
                _ => DateTime::in_zone(local, zone, preferred)?,
            };
            Whole {
                local: dt.local,
                zone: Some((zone, dt.offset)),
            }
        }
    })
}

pub(crate) fn between(span: Span, a: &Temporal, b: &Temporal) -> Result<Duration, CypherError> {
    let (pa, pb) = (parts(a)?, parts(b)?);
    let epoch = Date::from_days(0)?;
    let from = complete(pa, pb, epoch)?;
    let mut to = complete(pb, pa, epoch)?;
    let dated = pa.date.is_some() || pb.date.is_some();
    // See the second value in the first's zone.
    if let (Some((zone, _)), Some(_)) = (from.zone, to.zone) {
        if dated {
            let dt = DateTime::at_instant(to.nanos(), zone)?;
            to = Whole {
                local: dt.local,
                zone: Some((zone, dt.offset)),
            };
        }
    }
    Ok(match span {
        Span::Months if dated => Duration::new(months_until(from.local, to.local), 0, 0, 0)?,
        Span::Days if dated => Duration::new(0, days_until(from.local, to.local), 0, 0)?,
        Span::Months | Span::Days => Duration::ZERO,
        Span::Seconds => Duration::new(0, 0, 0, to.nanos() - from.nanos())?,
        Span::Whole if dated => {
            let months = months_until(from.local, to.local);
            let from = add_on_wall_clock(&from, months, 0)?;
            let days = days_until(from.local, to.local);
            let from = add_on_wall_clock(&from, 0, days)?;
            Duration::new(months, days, 0, to.nanos() - from.nanos())?
        }
        Span::Whole => Duration::new(0, 0, 0, to.nanos() - from.nanos())?,
    })
}

/// Whole months from `a` to `b`, toward zero, as `LocalDateTime::until` counts them.
fn months_until(a: LocalDateTime, b: LocalDateTime) -> i64 {
    a.date.months_until(wall_clock_end(a, b))
}

fn days_until(a: LocalDateTime, b: LocalDateTime) -> i64 {
    wall_clock_end(a, b).days() - a.date.days()
}

/// The end date that counts whole days and months: a day less (more) when the end's time of
/// day has not yet reached (has passed) the start's.
fn wall_clock_end(a: LocalDateTime, b: LocalDateTime) -> Date {
    let end = b.date;
    if end > a.date && b.time < a.time {
        end.plus_days(-1).unwrap_or(end)
    } else if end < a.date && b.time > a.time {
        end.plus_days(1).unwrap_or(end)
    } else {
        end
    }
}

/// `w` moved by months and days on its wall clock (and placed in its zone again).
fn add_on_wall_clock(w: &Whole, months: i64, days: i64) -> Result<Whole, CypherError> {
    if months == 0 && days == 0 {
        return Ok(Whole {
            local: w.local,
            zone: w.zone,
        });
    }
    let date = w.local.date.plus_months(months)?.plus_days(days)?;
    let local = LocalDateTime::new(date, w.local.time);
    Ok(match w.zone {
        None => Whole { local, zone: None },
        Some((zone, offset)) => {
            let dt = DateTime::in_zone(local, zone, Some(offset))?;
            Whole {
                local: dt.local,
                zone: Some((zone, dt.offset)),
            }
        }
    })
}
