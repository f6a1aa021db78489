//! Times of day and date-times: local (no zone), with a fixed offset, or in a named zone.

use std::fmt;

use chrono_tz::Tz;

use super::calendar::Date;
use super::zone::{offset_text, Zone};
use super::{invalid, CypherError};

pub(crate) const NANOS_PER_SECOND: i64 = 1_000_000_000;
pub(crate) const NANOS_PER_DAY: i64 = 86_400 * NANOS_PER_SECOND;
pub(crate) const SECONDS_PER_DAY: i64 = 86_400;

/// A time of day without a zone, as nanoseconds since midnight.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct LocalTime(i64);

impl LocalTime {
    pub(crate) const MIDNIGHT: LocalTime = LocalTime(0);

    pub(crate) fn from_nanos(nanos: i64) -> Result<LocalTime, CypherError> {
        if (0..NANOS_PER_DAY).contains(&nanos) {
            Ok(LocalTime(nanos))
        } else {
            Err(invalid("time of day is out of range"))
        }
    }

    /// The time of day `nanos` after midnight, wrapping around whole days.
    pub(crate) fn wrapping(nanos: i128) -> LocalTime {
        // The remainder is in 0..NANOS_PER_DAY, so it fits.
        LocalTime(nanos.rem_euclid(i128::from(NANOS_PER_DAY)) as i64)
    }

    pub(crate) fn from_hms_nano(
        h: i64,
        m: i64,
        s: i64,
        nano: i64,
    ) -> Result<LocalTime, CypherError> {
        let check = |name: &str, v: i64, max: i64| {
            if (0..=max).contains(&v) {
                Ok(())
            } else {
                Err(invalid(format!("{name} {v} is out of range (0 to {max})")))
            }
        };
        check("hour", h, 23)?;
        check("minute", m, 59)?;
        check("second", s, 59)?;
        check("nanosecond", nano, NANOS_PER_SECOND - 1)?;
        Ok(LocalTime(((h * 60 + m) * 60 + s) * NANOS_PER_SECOND + nano))
    }

    pub(crate) fn nanos(self) -> i64 {
        self.0
    }

    pub(crate) fn hour(self) -> i64 {
        self.0 / (3600 * NANOS_PER_SECOND)
    }

    pub(crate) fn minute(self) -> i64 {
        self.0 / (60 * NANOS_PER_SECOND) % 60
    }

    pub(crate) fn second(self) -> i64 {
        self.0 / NANOS_PER_SECOND % 60
    }

    /// Nanoseconds within the second.
    pub(crate) fn nano(self) -> i64 {
        self.0 % NANOS_PER_SECOND
    }
}

impl fmt::Display for LocalTime {
    /// As `java.time.LocalTime` writes it: `12:00`, `12:31:14`, `12:31:14.645`,
    /// `12:31:14.645876`, `12:31:14.645876123`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:02}:{:02}", self.hour(), self.minute())?;
        let (s, n) = (self.second(), self.nano());
        if s > 0 || n > 0 {
            write!(f, ":{s:02}")?;
            if n % 1_000_000 == 0 && n > 0 {
                write!(f, ".{:03}", n / 1_000_000)?;
            } else if n % 1000 == 0 && n > 0 {
                write!(f, ".{:06}", n / 1000)?;
            } else if n > 0 {
                write!(f, ".{n:09}")?;
            }
        }
        Ok(())
    }
}

/// A date and a time of day without a zone.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct LocalDateTime {
    pub(crate) date: Date,
    pub(crate) time: LocalTime,
}

impl LocalDateTime {
    pub(crate) fn new(date: Date, time: LocalTime) -> LocalDateTime {
        LocalDateTime { date, time }
    }

    /// Whole seconds since 1970-01-01T00:00 on this wall clock.
    pub(crate) fn epoch_seconds(self) -> i64 {
        self.date.days() * SECONDS_PER_DAY + self.time.nanos() / NANOS_PER_SECOND
    }

    /// The wall-clock time `seconds` (as [`LocalDateTime::epoch_seconds`]) plus `nano`.
    pub(crate) fn from_epoch_seconds(
        seconds: i64,
        nano: i64,
    ) -> Result<LocalDateTime, CypherError> {
        let date = Date::from_days(seconds.div_euclid(SECONDS_PER_DAY))?;
        let time =
            LocalTime::from_nanos(seconds.rem_euclid(SECONDS_PER_DAY) * NANOS_PER_SECOND + nano)?;
        Ok(LocalDateTime { date, time })
    }

    /// Nanoseconds since 1970-01-01T00:00 on this wall clock (wide enough for every date).
    pub(crate) fn epoch_nanos(self) -> i128 {
        i128::from(self.date.days()) * i128::from(NANOS_PER_DAY) + i128::from(self.time.nanos())
    }

    pub(crate) fn from_epoch_nanos(nanos: i128) -> Result<LocalDateTime, CypherError> {
        let per_day = i128::from(NANOS_PER_DAY);
        let days = i64::try_from(nanos.div_euclid(per_day))
            .map_err(|_| invalid("date is out of range"))?;
        // The remainder is in 0..NANOS_PER_DAY.
        let time = LocalTime(nanos.rem_euclid(per_day) as i64);
        Ok(LocalDateTime {
            date: Date::from_days(days)?,
            time,
        })
    }
}

impl fmt::Display for LocalDateTime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}T{}", self.date, self.time)
    }
}

/// A time of day with a fixed offset from UTC (seconds).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Time {
    pub(crate) time: LocalTime,
    pub(crate) offset: i32,
}

impl Time {
    /// Nanoseconds since midnight UTC (may fall outside one day): what times are ordered by.
    pub(crate) fn utc_nanos(self) -> i64 {
        self.time.nanos() - i64::from(self.offset) * NANOS_PER_SECOND
    }

    /// The same instant seen at `offset`.
    pub(crate) fn with_offset_same_instant(self, offset: i32) -> Time {
        let nanos =
            i128::from(self.utc_nanos()) + i128::from(offset) * i128::from(NANOS_PER_SECOND);
        Time {
            time: LocalTime::wrapping(nanos),
            offset,
        }
    }
}

impl fmt::Display for Time {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}{}", self.time, offset_text(self.offset))
    }
}

/// A date-time at an instant, seen in a zone: a fixed offset (`zone` is `None`) or a named zone
/// (`offset` is then that zone's offset at the instant).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct DateTime {
    pub(crate) local: LocalDateTime,
    pub(crate) offset: i32,
    pub(crate) zone: Option<Tz>,
}

impl DateTime {
    /// The date-time whose wall clock in `zone` reads `local` (moved past a DST gap; in an
    /// overlap, `preferred` if it is one of the two offsets, else the earlier).
    pub(crate) fn in_zone(
        local: LocalDateTime,
        zone: Zone,
        preferred: Option<i32>,
    ) -> Result<DateTime, CypherError> {
        let seconds = local.epoch_seconds();
        let (resolved, offset) = zone.resolve(seconds, preferred);
        let local = if resolved == seconds {
            local
        } else {
            LocalDateTime::from_epoch_seconds(resolved, local.time.nano())?
        };
        Ok(DateTime {
            local,
            offset,
            zone: named(zone),
        })
    }

    /// The date-time at the instant `utc_nanos` (since the epoch) seen in `zone`.
    pub(crate) fn at_instant(utc_nanos: i128, zone: Zone) -> Result<DateTime, CypherError> {
        let seconds = i64::try_from(utc_nanos.div_euclid(i128::from(NANOS_PER_SECOND)))
            .map_err(|_| invalid("date-time is out of range"))?;
        let offset = zone.offset_at(seconds);
        let local = LocalDateTime::from_epoch_nanos(
            utc_nanos + i128::from(offset) * i128::from(NANOS_PER_SECOND),
        )?;
        Ok(DateTime {
            local,
            offset,
            zone: named(zone),
        })
    }

    pub(crate) fn zone(self) -> Zone {
        self.zone.map_or(Zone::Offset(self.offset), Zone::Named)
    }

    /// Nanoseconds since the epoch (UTC).
    pub(crate) fn instant_nanos(self) -> i128 {
        self.local.epoch_nanos() - i128::from(self.offset) * i128::from(NANOS_PER_SECOND)
    }

    pub(crate) fn with_zone_same_instant(self, zone: Zone) -> Result<DateTime, CypherError> {
        DateTime::at_instant(self.instant_nanos(), zone)
    }

    /// The zone's name, or the offset for a fixed-offset value.
    pub(crate) fn zone_name(self) -> String {
        match self.zone {
            Some(tz) => tz.name().to_string(),
            None => offset_text(self.offset),
        }
    }
}

fn named(zone: Zone) -> Option<Tz> {
    match zone {
        Zone::Named(tz) => Some(tz),
        Zone::Offset(_) => None,
    }
}

impl fmt::Display for DateTime {
    /// As `java.time.ZonedDateTime` writes it: `2015-07-21T21:40:32.142+01:00[Europe/London]`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}{}", self.local, offset_text(self.offset))?;
        if let Some(tz) = self.zone {
            write!(f, "[{}]", tz.name())?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_print_with_the_shortest_fraction() -> Result<(), CypherError> {
        let t = |h, m, s, n| LocalTime::from_hms_nano(h, m, s, n).map(|t| t.to_string());
        assert_eq!(t(12, 0, 0, 0)?, "12:00");
        assert_eq!(t(12, 31, 14, 0)?, "12:31:14");
        assert_eq!(t(12, 31, 0, 645_000_000)?, "12:31:00.645");
        assert_eq!(t(12, 31, 14, 645_876_000)?, "12:31:14.645876");
        assert_eq!(t(12, 31, 14, 3)?, "12:31:14.000000003");
        assert!(LocalTime::from_hms_nano(24, 0, 0, 0).is_err());
        Ok(())
    }

    #[test]
    fn zoned_values_keep_their_instant() -> Result<(), CypherError> {
        let local = LocalDateTime::new(
            Date::from_ymd(1984, 10, 11)?,
            LocalTime::from_hms_nano(12, 0, 0, 0)?,
        );
        let Some(stockholm) = Zone::parse("Europe/Stockholm") else {
            panic!("no Europe/Stockholm");
        };
        let dt = DateTime::in_zone(local, stockholm, None)?;
        assert_eq!(dt.to_string(), "1984-10-11T12:00+01:00[Europe/Stockholm]");
        let moved = dt.with_zone_same_instant(Zone::Offset(5 * 3600))?;
        assert_eq!(moved.to_string(), "1984-10-11T16:00+05:00");
        assert_eq!(moved.instant_nanos(), dt.instant_nanos());
        let t = Time {
            time: LocalTime::from_hms_nano(12, 31, 14, 0)?,
            offset: 3600,
        };
        assert_eq!(
            t.with_offset_same_instant(5 * 3600).to_string(),
            "16:31:14+05:00"
        );
        Ok(())
    }
}
