//! The proleptic Gregorian calendar on days since 1970-01-01, over the years Java (and so the
//! openCypher TCK) allows: -999,999,999 to 999,999,999, far wider than chrono's range.

use super::{invalid, CypherError};

pub(crate) const MIN_YEAR: i64 = -999_999_999;
pub(crate) const MAX_YEAR: i64 = 999_999_999;

/// A calendar date, as days since 1970-01-01. Always within [`MIN_YEAR`, `MAX_YEAR`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date(i64);

/// Days since 1970-01-01 of a valid (year, month, day) (Howard Hinnant's algorithm).
fn days_from_civil(year: i64, month: u32, day: u32) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y.rem_euclid(400);
    let m = i64::from(month);
    let mp = if m > 2 { m - 3 } else { m + 9 };
    let doy = (153 * mp + 2) / 5 + i64::from(day) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The (year, month, day) of a day count.
fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    // Both in range by construction: day 1..=31, month 1..=12.
    let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let month = (if mp < 10 { mp + 3 } else { mp - 9 }) as u32;
    let year = yoe + era * 400;
    (if month <= 2 { year + 1 } else { year }, month, day)
}

pub(crate) fn is_leap(year: i64) -> bool {
    year.rem_euclid(4) == 0 && (year.rem_euclid(100) != 0 || year.rem_euclid(400) == 0)
}

pub(crate) fn month_length(year: i64, month: u32) -> u32 {
    match month {
        2 if is_leap(year) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

fn check_year(year: i64) -> Result<(), CypherError> {
    if (MIN_YEAR..=MAX_YEAR).contains(&year) {
        Ok(())
    } else {
        Err(invalid(format!("year {year} is out of range")))
    }
}

fn check_field(name: &str, value: i64, max: i64) -> Result<u32, CypherError> {
    if (1..=max).contains(&value) {
        // In 1..=max, and every max here fits.
        Ok(value as u32)
    } else {
        Err(invalid(format!(
            "{name} {value} is out of range (1 to {max})"
        )))
    }
}

impl Date {
    pub(crate) fn from_days(days: i64) -> Result<Date, CypherError> {
        let (min, max) = (
            days_from_civil(MIN_YEAR, 1, 1),
            days_from_civil(MAX_YEAR, 12, 31),
        );
        if (min..=max).contains(&days) {
            Ok(Date(days))
        } else {
            Err(invalid("date is out of range"))
        }
    }

    pub(crate) fn from_ymd(year: i64, month: i64, day: i64) -> Result<Date, CypherError> {
        check_year(year)?;
        let month = check_field("month", month, 12)?;
        let day = check_field("day", day, i64::from(month_length(year, month)))?;
        Ok(Date(days_from_civil(year, month, day)))
    }

    /// The date of day `dow` (1 = Monday) of ISO week `week` of week-based year `week_year`.
    pub(crate) fn from_week(week_year: i64, week: i64, dow: i64) -> Result<Date, CypherError> {
        check_year(week_year)?;
        let week = check_field("week", week, weeks_in_year(week_year))?;
        let dow = check_field("dayOfWeek", dow, 7)?;
        let monday = week_one_monday(week_year);
        Date::from_days(monday + (i64::from(week) - 1) * 7 + i64::from(dow) - 1)
    }

    pub(crate) fn from_ordinal(year: i64, ordinal: i64) -> Result<Date, CypherError> {
        check_year(year)?;
        let max = if is_leap(year) { 366 } else { 365 };
        let ordinal = check_field("ordinalDay", ordinal, max)?;
        Ok(Date(days_from_civil(year, 1, 1) + i64::from(ordinal) - 1))
    }

    pub(crate) fn from_quarter(year: i64, quarter: i64, day: i64) -> Result<Date, CypherError> {
        check_year(year)?;
        let quarter = check_field("quarter", quarter, 4)?;
        let first = days_from_civil(year, quarter * 3 - 2, 1);
        let next = if quarter == 4 {
            days_from_civil(year + 1, 1, 1)
        } else {
            days_from_civil(year, quarter * 3 + 1, 1)
        };
        let day = check_field("dayOfQuarter", day, next - first)?;
        Ok(Date(first + i64::from(day) - 1))
    }

    pub(crate) fn days(self) -> i64 {
        self.0
    }

    pub(crate) fn ymd(self) -> (i64, u32, u32) {
        civil_from_days(self.0)
    }

    pub(crate) fn year(self) -> i64 {
        self.ymd().0
    }

    pub(crate) fn month(self) -> u32 {
        self.ymd().1
    }

    pub(crate) fn day(self) -> u32 {
        self.ymd().2
    }

    /// 1 = Monday ... 7 = Sunday.
    pub(crate) fn weekday(self) -> i64 {
        (self.0 + 3).rem_euclid(7) + 1
    }

    pub(crate) fn ordinal(self) -> i64 {
        self.0 - days_from_civil(self.year(), 1, 1) + 1
    }

    pub(crate) fn quarter(self) -> i64 {
        (i64::from(self.month()) - 1) / 3 + 1
    }

    pub(crate) fn day_of_quarter(self) -> i64 {
        let (y, m, _) = self.ymd();
        let first_month = (m - 1) / 3 * 3 + 1;
        self.0 - days_from_civil(y, first_month, 1) + 1
    }

    /// The ISO week-based year and week number.
    pub(crate) fn iso_week(self) -> (i64, i64) {
        let thursday = self.0 - (self.weekday() - 1) + 3;
        let (year, _, _) = civil_from_days(thursday);
        let week = (thursday - days_from_civil(year, 1, 1)) / 7 + 1;
        (year, week)
    }

    /// `self` plus `months`, the day clamped to the end of a shorter month.
    pub(crate) fn plus_months(self, months: i64) -> Result<Date, CypherError> {
        let (y, m, d) = self.ymd();
        let total = y
            .checked_mul(12)
            .and_then(|t| t.checked_add(i64::from(m) - 1))
            .and_then(|t| t.checked_add(months))
            .ok_or_else(|| invalid("date is out of range"))?;
        let (year, month) = (total.div_euclid(12), total.rem_euclid(12) as u32 + 1);
        check_year(year)?;
        let day = d.min(month_length(year, month));
        Ok(Date(days_from_civil(year, month, day)))
    }

    pub(crate) fn plus_days(self, days: i64) -> Result<Date, CypherError> {
        Date::from_days(
            self.0
                .checked_add(days)
                .ok_or_else(|| invalid("date is out of range"))?,
        )
    }

    /// Whole months from `self` to `end` (toward zero), as `java.time.LocalDate::until` counts.
    pub(crate) fn months_until(self, end: Date) -> i64 {
        let packed = |d: Date| {
            let (y, m, day) = d.ymd();
            (y * 12 + i64::from(m) - 1) * 32 + i64::from(day)
        };
        (packed(end) - packed(self)) / 32
    }
}

fn weeks_in_year(week_year: i64) -> i64 {
    // The week holding December 28 is always the year's last.
    Date(days_from_civil(week_year, 12, 28)).iso_week().1
}

fn week_one_monday(week_year: i64) -> i64 {
    let jan4 = Date(days_from_civil(week_year, 1, 4));
    jan4.0 - (jan4.weekday() - 1)
}

impl std::fmt::Display for Date {
    /// ISO-8601 as `java.time.LocalDate` writes it: four-digit years zero-padded, years past
    /// 9999 with a `+`.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let (y, m, d) = self.ymd();
        if y > 9999 {
            write!(f, "+{y}")?;
        } else if y < 0 {
            write!(f, "-{:04}", y.unsigned_abs())?;
        } else {
            write!(f, "{y:04}")?;
        }
        write!(f, "-{m:02}-{d:02}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn civil_round_trips_over_the_whole_range() {
        for days in [
            -1_000_000_000,
            -719_468,
            -1,
            0,
            1,
            59,
            60,
            11_016,
            1_000_000_000,
        ] {
            let (y, m, d) = civil_from_days(days);
            assert_eq!(days_from_civil(y, m, d), days);
        }
        assert_eq!(civil_from_days(0), (1970, 1, 1));
        assert!(Date::from_ymd(MAX_YEAR, 12, 31).is_ok());
        assert!(Date::from_ymd(MAX_YEAR + 1, 1, 1).is_err());
        assert!(Date::from_ymd(1900, 2, 29).is_err());
        assert!(Date::from_ymd(2000, 2, 29).is_ok());
    }

    #[test]
    fn week_dates_follow_iso() -> Result<(), CypherError> {
        assert_eq!(Date::from_week(1816, 1, 1)?.to_string(), "1816-01-01");
        assert_eq!(Date::from_week(1817, 1, 1)?.to_string(), "1816-12-30");
        assert_eq!(Date::from_week(1818, 53, 1)?.to_string(), "1818-12-28");
        assert!(Date::from_week(1819, 53, 1).is_err());
        let d = Date::from_ymd(1984, 1, 1)?;
        assert_eq!((d.iso_week(), d.weekday()), ((1983, 52), 7));
        let d = Date::from_ymd(1984, 10, 11)?;
        assert_eq!(
            (d.iso_week(), d.ordinal(), d.day_of_quarter()),
            ((1984, 41), 285, 11)
        );
        Ok(())
    }

    #[test]
    fn years_print_as_java_does() -> Result<(), CypherError> {
        assert_eq!(Date::from_ymd(28, 11, 11)?.to_string(), "0028-11-11");
        assert_eq!(Date::from_ymd(-1, 1, 1)?.to_string(), "-0001-01-01");
        assert_eq!(Date::from_ymd(12_345, 1, 1)?.to_string(), "+12345-01-01");
        Ok(())
    }

    #[test]
    fn months_clamp_and_count_toward_zero() -> Result<(), CypherError> {
        let jan31 = Date::from_ymd(2015, 1, 31)?;
        assert_eq!(jan31.plus_months(1)?.to_string(), "2015-02-28");
        let a = Date::from_ymd(2018, 3, 11)?;
        assert_eq!(a.months_until(Date::from_ymd(2016, 6, 24)?), -20);
        Ok(())
    }
}
