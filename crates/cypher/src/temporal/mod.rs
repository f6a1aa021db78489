//! openCypher's temporal values: `Date`, `LocalTime`, `Time` (with an offset), `LocalDateTime`,
//! `DateTime` (with an offset or a named zone) and `Duration` — how they are built (from maps,
//! ISO-8601 strings, other temporal values, the clock), truncated, compared, added to, told
//! apart, and written back as strings.
//!
//! Semantics follow the openCypher TCK (and so `java.time`, which it was written against): the
//! years -999,999,999 to 999,999,999, nanosecond precision, durations as separate months, days,
//! seconds and nanoseconds, UTC as the default zone. Zone rules come from `chrono-tz`; the
//! calendar arithmetic is done here, since chrono's range of years is narrower than Java's.
//!
//! Nothing here panics or overflows on any input: out-of-range results are an `ArgumentError`.

mod arith;
mod between;
mod build;
mod calendar;
mod call;
mod clock;
mod components;
mod duration;
mod fields;
mod parse;
mod truncate;
mod zone;

use std::cmp::Ordering;
use std::fmt;

use crate::error::ErrorKind;
use crate::value::Value;
use crate::CypherError;

pub use calendar::Date;
pub use clock::{DateTime, LocalDateTime, LocalTime, Time};
pub use duration::Duration;

pub(crate) use arith::{arithmetic, negate};
pub(crate) use call::{call, is_temporal_function};
pub(crate) use fields::field;

/// A temporal value.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Temporal {
    Date(Date),
    LocalTime(LocalTime),
    Time(Time),
    LocalDateTime(LocalDateTime),
    DateTime(DateTime),
    Duration(Duration),
}

impl Temporal {
    pub fn type_name(&self) -> &'static str {
        match self {
            Temporal::Date(_) => "DATE",
            Temporal::LocalTime(_) => "LOCAL TIME",
            Temporal::Time(_) => "ZONED TIME",
            Temporal::LocalDateTime(_) => "LOCAL DATETIME",
            Temporal::DateTime(_) => "ZONED DATETIME",
            Temporal::Duration(_) => "DURATION",
        }
    }

    /// The calendar date, for the kinds that have one.
    pub(crate) fn date(&self) -> Option<Date> {
        match self {
            Temporal::Date(d) => Some(*d),
            Temporal::LocalDateTime(dt) => Some(dt.date),
            Temporal::DateTime(dt) => Some(dt.local.date),
            _ => None,
        }
    }

    /// The wall-clock time of day, for the kinds that have one.
    pub(crate) fn local_time(&self) -> Option<LocalTime> {
        match self {
            Temporal::LocalTime(t) => Some(*t),
            Temporal::Time(t) => Some(t.time),
            Temporal::LocalDateTime(dt) => Some(dt.time),
            Temporal::DateTime(dt) => Some(dt.local.time),
            _ => None,
        }
    }

    /// `self = other`: values of different kinds are never equal; zoned values are equal when
    /// their wall clock and zone are (a named zone is not the same as its current offset).
    pub(crate) fn equals(&self, other: &Temporal) -> bool {
        match (self, other) {
            (Temporal::DateTime(a), Temporal::DateTime(b)) if a.zone.is_some() => {
                a.local == b.local && a.zone == b.zone
            }
            _ => self == other,
        }
    }

    /// What `<` and friends make of two temporal values: `None` (null) across kinds and for
    /// durations, which have no order.
    pub(crate) fn compare(&self, other: &Temporal) -> Option<Ordering> {
        match (self, other) {
            (Temporal::Duration(_), _) => None,
            _ if self.rank() != other.rank() => None,
            _ => Some(self.same_kind_order(other)),
        }
    }

    /// The sort order of `ORDER BY` among temporal values: by kind (date-times, local
    /// date-times, dates, times, local times, durations), then by value.
    pub(crate) fn order(&self, other: &Temporal) -> Ordering {
        self.rank()
            .cmp(&other.rank())
            .then_with(|| self.same_kind_order(other))
    }

    fn rank(&self) -> u8 {
        match self {
            Temporal::DateTime(_) => 0,
            Temporal::LocalDateTime(_) => 1,
            Temporal::Date(_) => 2,
            Temporal::Time(_) => 3,
            Temporal::LocalTime(_) => 4,
            Temporal::Duration(_) => 5,
        }
    }

    fn same_kind_order(&self, other: &Temporal) -> Ordering {
        match (self, other) {
            (Temporal::Date(a), Temporal::Date(b)) => a.cmp(b),
            (Temporal::LocalTime(a), Temporal::LocalTime(b)) => a.cmp(b),
            (Temporal::LocalDateTime(a), Temporal::LocalDateTime(b)) => a.cmp(b),
            (Temporal::Time(a), Temporal::Time(b)) => a
                .utc_nanos()
                .cmp(&b.utc_nanos())
                .then_with(|| a.time.cmp(&b.time)),
            (Temporal::DateTime(a), Temporal::DateTime(b)) => a
                .instant_nanos()
                .cmp(&b.instant_nanos())
                .then_with(|| a.local.cmp(&b.local))
                .then_with(|| a.zone_name().cmp(&b.zone_name())),
            (Temporal::Duration(a), Temporal::Duration(b)) => a.sort_key().cmp(&b.sort_key()),
            _ => Ordering::Equal,
        }
    }
}

impl fmt::Display for Temporal {
    /// The ISO-8601 text `toString` gives and the TCK expects.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Temporal::Date(d) => d.fmt(f),
            Temporal::LocalTime(t) => t.fmt(f),
            Temporal::Time(t) => t.fmt(f),
            Temporal::LocalDateTime(dt) => dt.fmt(f),
            Temporal::DateTime(dt) => dt.fmt(f),
            Temporal::Duration(d) => d.fmt(f),
        }
    }
}

/// A value that is out of range, or text or a map that does not describe a temporal value.
pub(crate) fn invalid(message: impl Into<String>) -> CypherError {
    CypherError::Runtime {
        kind: ErrorKind::ArgumentError,
        detail: "InvalidArgumentValue",
        message: message.into(),
    }
}

/// An argument of a type `what` cannot take.
pub(crate) fn wrong_type(what: &str, v: &Value) -> CypherError {
    CypherError::Runtime {
        kind: ErrorKind::TypeError,
        detail: "InvalidArgumentType",
        message: format!("{what} cannot take a {}", v.type_name()),
    }
}

#[cfg(test)]
mod tests;
