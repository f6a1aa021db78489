//! Time zones: fixed UTC offsets (`+01:00`, `Z`) and named IANA zones (`Europe/Stockholm`,
//! looked up through `chrono-tz`), and how a wall-clock time is placed in a zone the way
//! `java.time` does it (a time in a DST gap moves forward by the gap; in an overlap the earlier
//! offset wins unless the value already had one of the two).

use std::str::FromStr;

use chrono::{LocalResult, Offset, TimeZone};
use chrono_tz::Tz;

use super::calendar::{is_leap, Date};

/// The most an offset may be away from UTC, as in `java.time.ZoneOffset`.
const MAX_OFFSET: i32 = 18 * 3600;
const SECONDS_PER_DAY: i64 = 86_400;

/// Where a zoned value's wall clock is: a fixed offset from UTC in seconds, or a named zone.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Zone {
    Offset(i32),
    Named(Tz),
}

impl Zone {
    /// `Z`, `+01`, `+0100`, `+01:00`, `-02:05:59`, or an IANA name.
    pub(crate) fn parse(text: &str) -> Option<Zone> {
        if let Some(offset) = parse_offset(text) {
            return Some(Zone::Offset(offset));
        }
        Tz::from_str(text).ok().map(Zone::Named)
    }

    /// The zone's offset at the instant `utc` (seconds since the epoch, UTC).
    pub(crate) fn offset_at(self, utc: i64) -> i32 {
        match self {
            Zone::Offset(o) => o,
            Zone::Named(tz) => named_offset_at(tz, utc),
        }
    }

    /// Places the wall-clock time `local` (seconds since 1970-01-01T00:00 local) in the zone:
    /// the wall-clock time it really is (moved forward past a DST gap) and its offset.
    pub(crate) fn resolve(self, local: i64, preferred: Option<i32>) -> (i64, i32) {
        match self {
            Zone::Offset(o) => (local, o),
            Zone::Named(tz) => resolve_named(tz, local, preferred),
        }
    }
}

/// A UTC offset in seconds, from `Z`, `±HH`, `±HHMM`, `±HH:MM`, `±HH:MM:SS` or `±HHMMSS`.
pub(crate) fn parse_offset(text: &str) -> Option<i32> {
    if text == "Z" || text == "z" {
        return Some(0);
    }
    let sign = match text.as_bytes().first()? {
        b'+' => 1,
        b'-' => -1,
        _ => return None,
    };
    let rest = &text[1..];
    let digits: String = rest.chars().filter(|c| *c != ':').collect();
    let colons = rest.matches(':').count();
    let well_formed = match (digits.len(), colons) {
        (2, 0) | (4, 0) | (6, 0) => true,
        (4, 1) => rest.len() == 5 && rest.as_bytes().get(2) == Some(&b':'),
        (6, 2) => rest.len() == 8 && rest.as_bytes().get(5) == Some(&b':'),
        _ => false,
    };
    if !well_formed || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let part = |i: usize| digits.get(i..i + 2).and_then(|p| p.parse::<i32>().ok());
    let hours = part(0)?;
    let minutes = if digits.len() >= 4 { part(2)? } else { 0 };
    let seconds = if digits.len() == 6 { part(4)? } else { 0 };
    if minutes > 59 || seconds > 59 {
        return None;
    }
    let total = sign * (hours * 3600 + minutes * 60 + seconds);
    (total.abs() <= MAX_OFFSET).then_some(total)
}

/// An offset as `java.time.ZoneOffset` writes it: `Z`, `+01:00`, `+00:53:28`.
pub(crate) fn offset_text(offset: i32) -> String {
    if offset == 0 {
        return "Z".to_string();
    }
    let sign = if offset < 0 { '-' } else { '+' };
    let a = offset.unsigned_abs();
    let (h, m, s) = (a / 3600, a / 60 % 60, a % 60);
    if s == 0 {
        format!("{sign}{h:02}:{m:02}")
    } else {
        format!("{sign}{h:02}:{m:02}:{s:02}")
    }
}

/// How far (in seconds) to move an instant so that chrono-tz can answer for it with the same
/// offset: its tables run from the 1800s to the 2050s, after which the zone's last rules repeat
/// every year, so a far year is moved onto one of 2012..2040 that starts on the same weekday
/// and has the same length; a year before 1800 is moved to 1800, whose offset is the zone's
/// first (local mean time).
fn probe_shift(seconds: i64) -> i64 {
    let days = seconds.div_euclid(SECONDS_PER_DAY);
    let Ok(date) = Date::from_days(days) else {
        return 0;
    };
    let year = date.year();
    if (1800..2040).contains(&year) {
        return 0;
    }
    let Ok(jan1) = Date::from_ymd(year, 1, 1) else {
        return 0;
    };
    let target = if year < 1800 {
        Date::from_ymd(1800, 1, 1).ok()
    } else {
        (2012..2040)
            .filter_map(|y| Date::from_ymd(y, 1, 1).ok())
            .find(|d| is_leap(d.year()) == is_leap(year) && d.weekday() == jan1.weekday())
    };
    target.map_or(0, |t| (t.days() - jan1.days()) * SECONDS_PER_DAY)
}

fn naive(seconds: i64) -> Option<chrono::NaiveDateTime> {
    chrono::DateTime::from_timestamp(seconds, 0).map(|d| d.naive_utc())
}

fn named_offset_at(tz: Tz, utc: i64) -> i32 {
    let probe = utc.saturating_add(probe_shift(utc));
    naive(probe).map_or(0, |n| {
        tz.offset_from_utc_datetime(&n).fix().local_minus_utc()
    })
}

fn resolve_named(tz: Tz, local: i64, preferred: Option<i32>) -> (i64, i32) {
    let shift = probe_shift(local);
    let Some(probe) = naive(local.saturating_add(shift)) else {
        return (local, 0);
    };
    match tz.offset_from_local_datetime(&probe) {
        LocalResult::Single(o) => (local, o.fix().local_minus_utc()),
        LocalResult::Ambiguous(a, b) => {
            let (a, b) = (a.fix().local_minus_utc(), b.fix().local_minus_utc());
            match preferred {
                Some(p) if p == a || p == b => (local, p),
                // The earlier instant: the larger offset.
                _ => (local, a.max(b)),
            }
        }
        LocalResult::None => {
            // In a gap: the offsets on either side, a day away, tell its length.
            let before = named_offset_at(tz, local.saturating_sub(SECONDS_PER_DAY));
            let after = named_offset_at(tz, local.saturating_add(SECONDS_PER_DAY));
            let gap = i64::from(after - before).max(0);
            (local.saturating_add(gap), after)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn offsets_parse_in_every_iso_form() {
        assert_eq!(parse_offset("Z"), Some(0));
        assert_eq!(parse_offset("+01"), Some(3600));
        assert_eq!(parse_offset("+0100"), Some(3600));
        assert_eq!(parse_offset("-01:30"), Some(-5400));
        assert_eq!(parse_offset("-02:05:07"), Some(-(2 * 3600 + 5 * 60 + 7)));
        assert_eq!(parse_offset("+18:00"), Some(18 * 3600));
        assert_eq!(parse_offset("+18:01"), None);
        assert_eq!(parse_offset("+1:00"), None);
        assert_eq!(parse_offset("Europe/Stockholm"), None);
        assert_eq!(offset_text(3600), "+01:00");
        assert_eq!(offset_text(3208), "+00:53:28");
        assert_eq!(offset_text(0), "Z");
    }

    #[test]
    fn named_zones_follow_their_rules_far_out() -> Result<(), crate::CypherError> {
        let Some(stockholm) = Zone::parse("Europe/Stockholm") else {
            panic!("no Europe/Stockholm");
        };
        let at = |y, m, d| Date::from_ymd(y, m, d).map(|d| d.days() * SECONDS_PER_DAY);
        assert_eq!(stockholm.offset_at(at(1984, 7, 20)?), 7200);
        assert_eq!(stockholm.offset_at(at(1984, 1, 1)?), 3600);
        assert_eq!(stockholm.offset_at(at(1818, 7, 21)?), 3208);
        assert_eq!(stockholm.offset_at(at(2345, 7, 1)?), 7200);
        assert_eq!(stockholm.offset_at(at(2345, 1, 1)?), 3600);
        // 2017-03-26 02:30 does not exist in Stockholm: it becomes 03:30 at +02:00.
        let gap = at(2017, 3, 26)? + 2 * 3600 + 1800;
        assert_eq!(stockholm.resolve(gap, None), (gap + 3600, 7200));
        // 2017-10-29 02:30 happens twice: the earlier (+02:00) unless +01:00 is asked for.
        let overlap = at(2017, 10, 29)? + 2 * 3600 + 1800;
        assert_eq!(stockholm.resolve(overlap, None), (overlap, 7200));
        assert_eq!(stockholm.resolve(overlap, Some(3600)), (overlap, 3600));
        Ok(())
    }
}
