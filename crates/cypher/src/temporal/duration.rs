//! Durations: months, days, seconds and nanoseconds kept apart (a month is not a fixed number
//! of days, nor a day of seconds), as openCypher defines them.

use std::fmt;

use super::clock::{NANOS_PER_SECOND, SECONDS_PER_DAY};
use super::{invalid, CypherError};

/// Seconds in an average Gregorian month (365.2425 / 12 days): what a fraction of a month is.
pub(crate) const SECONDS_PER_MONTH: i64 = 2_629_746;

/// `months` + `days` + `seconds` + `nanos`, with `nanos` in `0..1_000_000_000` (so a negative
/// time part has negative `seconds` and positive `nanos`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Duration {
    pub(crate) months: i64,
    pub(crate) days: i64,
    pub(crate) seconds: i64,
    pub(crate) nanos: i64,
}

fn overflow() -> CypherError {
    invalid("duration is out of range")
}

impl Duration {
    pub(crate) const ZERO: Duration = Duration {
        months: 0,
        days: 0,
        seconds: 0,
        nanos: 0,
    };

    /// Normalises the nanoseconds into the seconds.
    pub(crate) fn new(
        months: i64,
        days: i64,
        seconds: i64,
        nanos: i128,
    ) -> Result<Duration, CypherError> {
        let per = i128::from(NANOS_PER_SECOND);
        let seconds = i128::from(seconds) + nanos.div_euclid(per);
        Ok(Duration {
            months,
            days,
            seconds: i64::try_from(seconds).map_err(|_| overflow())?,
            // In 0..NANOS_PER_SECOND.
            nanos: nanos.rem_euclid(per) as i64,
        })
    }

    /// A duration of fractional months, days, seconds and nanoseconds: each fraction is carried
    /// down to the next unit (a month as [`SECONDS_PER_MONTH`]), and what is left below a
    /// nanosecond is dropped. The carrying is exact for the binary fractions a float holds, so
    /// `{months: 0.5}` is exactly 15 days, 5 hours, 14 minutes and 33 seconds.
    pub(crate) fn approximate(
        months: f64,
        days: f64,
        seconds: f64,
        nanos: f64,
    ) -> Result<Duration, CypherError> {
        // Fractions are carried in units of 2^-60 ns.
        const SHIFT: i32 = 60;
        let unit = |ns_per: i64| i128::from(ns_per) << SHIFT;
        let (m, m_frac) = split(months)?;
        let (d, d_frac) = split(days)?;
        let (s, s_frac) = split(seconds)?;
        let (n, n_frac) = split(nanos)?;
        let month_ns = SECONDS_PER_MONTH * NANOS_PER_SECOND;
        let carry = m_frac * i128::from(month_ns);
        let (d, carry) = truncate_sum(
            d,
            d_frac * i128::from(NANOS_PER_SECOND * SECONDS_PER_DAY) + carry,
            unit(NANOS_PER_SECOND * SECONDS_PER_DAY),
        )?;
        let (s, carry) = truncate_sum(
            s,
            s_frac * i128::from(NANOS_PER_SECOND) + carry,
            unit(NANOS_PER_SECOND),
        )?;
        let (n, _) = truncate_sum(n, n_frac + carry, unit(1))?;
        Duration::new(m, d, s, i128::from(n))
    }

    pub(crate) fn checked_add(self, other: Duration) -> Result<Duration, CypherError> {
        let add = |a: i64, b: i64| a.checked_add(b).ok_or_else(overflow);
        Duration::new(
            add(self.months, other.months)?,
            add(self.days, other.days)?,
            add(self.seconds, other.seconds)?,
            i128::from(self.nanos) + i128::from(other.nanos),
        )
    }

    pub(crate) fn checked_neg(self) -> Result<Duration, CypherError> {
        let neg = |a: i64| a.checked_neg().ok_or_else(overflow);
        Duration::new(
            neg(self.months)?,
            neg(self.days)?,
            neg(self.seconds)?,
            -i128::from(self.nanos),
        )
    }

    pub(crate) fn checked_sub(self, other: Duration) -> Result<Duration, CypherError> {
        self.checked_add(other.checked_neg()?)
    }

    pub(crate) fn mul_int(self, factor: i64) -> Result<Duration, CypherError> {
        let mul = |a: i64| a.checked_mul(factor).ok_or_else(overflow);
        Duration::new(
            mul(self.months)?,
            mul(self.days)?,
            mul(self.seconds)?,
            i128::from(self.nanos) * i128::from(factor),
        )
    }

    pub(crate) fn mul_float(self, factor: f64) -> Result<Duration, CypherError> {
        Duration::approximate(
            self.months as f64 * factor,
            self.days as f64 * factor,
            self.seconds as f64 * factor,
            self.nanos as f64 * factor,
        )
    }

    /// `self / divisor` for a whole divisor: exact, each remainder carried down as in
    /// [`Duration::approximate`] (so `P1D / 3` is `PT8H`).
    pub(crate) fn div_int(self, divisor: i64) -> Result<Duration, CypherError> {
        if divisor == 0 {
            return Err(invalid("division of a duration by zero"));
        }
        let (d, n) = if divisor < 0 {
            (self.checked_neg()?, -i128::from(divisor))
        } else {
            (self, i128::from(divisor))
        };
        let (months, days, seconds, nanos) = (
            i128::from(d.months),
            i128::from(d.days),
            i128::from(d.seconds),
            i128::from(d.nanos),
        );
        let whole = |v: i128| i64::try_from(v / n).map_err(|_| overflow());
        // Remainders are in units of 1/n ns.
        let month_ns = i128::from(SECONDS_PER_MONTH * NANOS_PER_SECOND);
        let (day_ns, second_ns) = (
            i128::from(SECONDS_PER_DAY * NANOS_PER_SECOND),
            i128::from(NANOS_PER_SECOND),
        );
        let carry = months % n * month_ns;
        let (d, carry) = truncate_sum(whole(days)?, days % n * day_ns + carry, n * day_ns)?;
        let (s, carry) = truncate_sum(
            whole(seconds)?,
            seconds % n * second_ns + carry,
            n * second_ns,
        )?;
        let (ns, _) = truncate_sum(whole(nanos)?, nanos % n + carry, n)?;
        Duration::new(whole(months)?, d, s, i128::from(ns))
    }

    pub(crate) fn div(self, divisor: f64) -> Result<Duration, CypherError> {
        if divisor == 0.0 {
            return Err(invalid("division of a duration by zero"));
        }
        Duration::approximate(
            self.months as f64 / divisor,
            self.days as f64 / divisor,
            self.seconds as f64 / divisor,
            self.nanos as f64 / divisor,
        )
    }

    /// The whole time part in nanoseconds.
    pub(crate) fn time_nanos(self) -> i128 {
        i128::from(self.seconds) * i128::from(NANOS_PER_SECOND) + i128::from(self.nanos)
    }

    /// An approximate length, for sorting: months and days at their average length.
    pub(crate) fn sort_key(self) -> (i128, i64, i64) {
        let seconds = i128::from(self.months) * i128::from(SECONDS_PER_MONTH)
            + i128::from(self.days) * i128::from(SECONDS_PER_DAY)
            + i128::from(self.seconds);
        (
            seconds * i128::from(NANOS_PER_SECOND) + i128::from(self.nanos),
            self.months,
            self.days,
        )
    }

    /// A component (`d.days`, `d.minutesOfHour`, ...); `None` for an unknown name.
    pub(crate) fn field(self, name: &str) -> Option<i64> {
        let (m, d, s, n) = (self.months, self.days, self.seconds, self.nanos);
        Some(match name {
            "years" => m / 12,
            "quarters" => m / 3,
            "months" => m,
            "weeks" => d / 7,
            "days" => d,
            "hours" => s / 3600,
            "minutes" => s / 60,
            "seconds" => s,
            "milliseconds" => s.checked_mul(1000)?.checked_add(n / 1_000_000)?,
            "microseconds" => s.checked_mul(1_000_000)?.checked_add(n / 1000)?,
            "nanoseconds" => s.checked_mul(NANOS_PER_SECOND)?.checked_add(n)?,
            "quartersofyear" => m / 3 % 4,
            "monthsofquarter" => m % 3,
            "monthsofyear" => m % 12,
            "daysofweek" => d % 7,
            "minutesofhour" => s / 60 % 60,
            "secondsofminute" => s % 60,
            "millisecondsofsecond" => n / 1_000_000,
            "microsecondsofsecond" => n / 1000,
            "nanosecondsofsecond" => n,
            _ => return None,
        })
    }
}

/// The whole part of `x` (toward zero) and its fraction in units of 2^-60.
fn split(x: f64) -> Result<(i64, i128), CypherError> {
    if !x.is_finite() || x.abs() >= 9.2e18 {
        return Err(overflow());
    }
    let whole = x.trunc();
    // |fraction| < 1, so the scaled value fits easily; anything below 2^-60 is rounded off.
    let fraction = ((x - whole) * (1u64 << 60) as f64).round() as i128;
    // In range: checked above.
    Ok((whole as i64, fraction))
}

/// Truncates `whole + carry / unit` toward zero: the whole part and what is left (in the same
/// units as `carry`, with the sign of the total).
fn truncate_sum(whole: i64, carry: i128, unit: i128) -> Result<(i64, i128), CypherError> {
    let mut total = i128::from(whole) + carry / unit;
    let mut rest = carry % unit;
    if total > 0 && rest < 0 {
        total -= 1;
        rest += unit;
    } else if total < 0 && rest > 0 {
        total += 1;
        rest -= unit;
    }
    Ok((i64::try_from(total).map_err(|_| overflow())?, rest))
}

impl fmt::Display for Duration {
    /// ISO-8601 as openCypher writes it: `P12Y5M14DT16H13M10.000000001S`, `PT-1.999S`, `PT0S`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut out = String::from("P");
        let part = |v: i64, unit: char, out: &mut String| {
            if v != 0 {
                out.push_str(&format!("{v}{unit}"));
            }
        };
        part(self.months / 12, 'Y', &mut out);
        part(self.months % 12, 'M', &mut out);
        part(self.days, 'D', &mut out);
        if self.seconds != 0 || self.nanos != 0 {
            // Show the time part with one sign: -1.999 s, not -2 s + 0.001 s.
            let (mut s, mut n) = (self.seconds, self.nanos);
            if s < 0 && n != 0 {
                s += 1;
                n -= NANOS_PER_SECOND;
            }
            out.push('T');
            part(s / 3600, 'H', &mut out);
            part(s % 3600 / 60, 'M', &mut out);
            let s = s % 60;
            if s != 0 || n != 0 {
                if s == 0 && n < 0 {
                    out.push('-');
                }
                out.push_str(&s.to_string());
                if n != 0 {
                    let digits = format!("{:09}", n.unsigned_abs());
                    out.push('.');
                    out.push_str(digits.trim_end_matches('0'));
                }
                out.push('S');
            }
        }
        if out.len() == 1 {
            out.push_str("T0S");
        }
        f.write_str(&out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn exact(m: i64, d: i64, s: i64, n: i128) -> Result<String, CypherError> {
        Duration::new(m, d, s, n).map(|d| d.to_string())
    }

    #[test]
    fn durations_print_as_the_tck_expects() -> Result<(), CypherError> {
        assert_eq!(exact(149, 14, 58_390, 1)?, "P12Y5M14DT16H13M10.000000001S");
        assert_eq!(exact(149, -14, 57_600, 0)?, "P12Y5M-14DT16H");
        assert_eq!(exact(0, 0, 2, -1_000_000)?, "PT1.999S");
        assert_eq!(exact(0, 0, -2, 1_000_000)?, "PT-1.999S");
        assert_eq!(exact(0, 1, 0, -1_000_000)?, "P1DT-0.001S");
        assert_eq!(exact(0, 0, -60, -1_000_000)?, "PT-1M-0.001S");
        assert_eq!(exact(0, 0, 0, 0)?, "PT0S");
        assert_eq!(
            exact(-6, -15, -63_903, -500_000_002)?,
            "P-6M-15DT-17H-45M-3.500000002S"
        );
        Ok(())
    }

    #[test]
    fn fractions_carry_down_exactly() -> Result<(), CypherError> {
        let a = |m, d, s, n| Duration::approximate(m, d, s, n).map(|d| d.to_string());
        assert_eq!(a(0.75, 0.0, 0.0, 0.0)?, "P22DT19H51M49.5S");
        assert_eq!(a(5.0, 1.5, 0.0, 0.0)?, "P5M1DT12H");
        assert_eq!(a(0.0, 17.5, 0.0, 0.0)?, "P17DT12H");
        let d = Duration::new(149, 14, 58_390, 1)?;
        assert_eq!(d.mul_float(0.5)?.to_string(), "P6Y2M22DT13H21M8S");
        assert_eq!(d.div(0.5)?.to_string(), "P24Y10M28DT32H26M20.000000002S");
        assert_eq!(d.div_int(2)?.to_string(), "P6Y2M22DT13H21M8S");
        let day = Duration::new(0, 1, 14_400, 0)?;
        assert_eq!(day.div_int(3)?.to_string(), "PT9H20M");
        assert_eq!(day.div_int(-3)?.to_string(), "PT-9H-20M");
        assert_eq!(
            Duration::new(1, 0, 0, 0)?.div_int(2)?.to_string(),
            "P15DT5H14M33S"
        );
        assert!(day.div_int(0).is_err());
        assert!(Duration::new(i64::MIN, 0, 0, 0)?.div_int(-1).is_err());
        assert_eq!(a(-0.5, 0.0, 0.0, 0.0)?, "P-15DT-5H-14M-33S");
        assert!(a(f64::NAN, 0.0, 0.0, 0.0).is_err());
        assert!(a(1e300, 0.0, 0.0, 0.0).is_err());
        Ok(())
    }

    #[test]
    fn components_split_like_the_tck() -> Result<(), CypherError> {
        let d = Duration::new(16, 10, 3661, 111_111_111)?;
        let f = |n| d.field(n);
        assert_eq!(
            (f("years"), f("quarters"), f("weeks")),
            (Some(1), Some(5), Some(1))
        );
        assert_eq!(
            (f("minutes"), f("milliseconds")),
            (Some(61), Some(3_661_111))
        );
        assert_eq!((f("quartersofyear"), f("daysofweek")), (Some(1), Some(3)));
        assert_eq!(f("microsecondsofsecond"), Some(111_111));
        assert_eq!(f("fortnights"), None);
        Ok(())
    }
}
