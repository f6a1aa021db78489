//! Reading temporal values from their ISO-8601 strings, in every form the openCypher TCK uses:
//! calendar (`2015-07-21`, `20150721`, `2015-07`), week (`2015-W30-2`, `2015W302`), ordinal
//! (`2015-202`) and year-only dates; times with or without separators and fractions; offsets
//! (`Z`, `+01`, `+0100`, `+01:00`) and zone names in brackets; durations
//! (`P12Y5M14DT16H12M70S`, fractions and signs in any unit, and `P2012-02-02T14:37:21.545`).

use super::calendar::Date;
use super::clock::{LocalDateTime, LocalTime};
use super::duration::Duration;
use super::zone::{parse_offset, Zone};
use super::{invalid, CypherError};

fn bad(what: &str, text: &str) -> CypherError {
    invalid(format!("cannot parse `{text}` as a {what}"))
}

fn all_digits(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit())
}

fn num(s: &str) -> Option<i64> {
    if all_digits(s) {
        s.parse().ok()
    } else {
        None
    }
}

/// A date: `YYYY`, `YYYY-MM`, `YYYYMM`, `YYYY-MM-DD`, `YYYYMMDD`, `YYYY-Www`, `YYYYWww`,
/// `YYYY-Www-D`, `YYYYWwwD`, `YYYY-DDD`, `YYYYDDD`; a year beyond four digits needs a sign.
pub(crate) fn date(text: &str) -> Result<Date, CypherError> {
    date_parts(text).ok_or_else(|| bad("date", text))?
}

fn date_parts(text: &str) -> Option<Result<Date, CypherError>> {
    // Every form is ASCII; slicing below relies on it.
    if !text.is_ascii() {
        return None;
    }
    let signed = text.starts_with(['+', '-']);
    let (year, rest) = if signed {
        let end = text[1..]
            .find(|c: char| !c.is_ascii_digit())
            .map_or(text.len(), |i| i + 1);
        let digits = &text[1..end];
        if digits.is_empty() || digits.len() > 9 {
            return None;
        }
        let y = num(digits)?;
        (if text.starts_with('-') { -y } else { y }, &text[end..])
    } else {
        (num(text.get(..4)?)?, text.get(4..)?)
    };
    if rest.is_empty() {
        return Some(Date::from_ymd(year, 1, 1));
    }
    let (dashed, rest) = match rest.strip_prefix('-') {
        Some(r) => (true, r),
        None if signed => return None,
        None => (false, rest),
    };
    if let Some(week) = rest.strip_prefix('W') {
        let (w, dow) = match (dashed, week.len()) {
            (_, 2) => (week, None),
            (false, 3) => (&week[..2], Some(&week[2..])),
            (true, 4) if week.as_bytes().get(2) == Some(&b'-') => (&week[..2], Some(&week[3..])),
            _ => return None,
        };
        let dow = match dow {
            Some(d) => num(d)?,
            None => 1,
        };
        return Some(Date::from_week(year, num(w)?, dow));
    }
    match (dashed, rest.len()) {
        (_, 3) => Some(Date::from_ordinal(year, num(rest)?)),
        (_, 2) => Some(Date::from_ymd(year, num(rest)?, 1)),
        (false, 4) => Some(Date::from_ymd(year, num(&rest[..2])?, num(&rest[2..])?)),
        (true, 5) if rest.as_bytes().get(2) == Some(&b'-') => {
            Some(Date::from_ymd(year, num(&rest[..2])?, num(&rest[3..])?))
        }
        _ => None,
    }
}

/// A time of day: `HH`, `HH:MM`, `HH:MM:SS`, `HHMM`, `HHMMSS`, each with an optional fraction
/// of a second (`.` or `,`, up to nine digits).
pub(crate) fn local_time(text: &str) -> Result<LocalTime, CypherError> {
    time_parts(text).ok_or_else(|| bad("time", text))?
}

fn time_parts(text: &str) -> Option<Result<LocalTime, CypherError>> {
    let (main, fraction) = match text.find(['.', ',']) {
        Some(i) => (&text[..i], Some(&text[i + 1..])),
        None => (text, None),
    };
    let fields: Vec<&str> = if main.contains(':') {
        main.split(':').collect()
    } else {
        let mut v = Vec::new();
        let mut rest = main;
        while !rest.is_empty() {
            v.push(rest.get(..2)?);
            rest = rest.get(2..)?;
        }
        v
    };
    if fields.is_empty() || fields.len() > 3 || fields.iter().any(|f| f.len() != 2) {
        return None;
    }
    let field = |i: usize| fields.get(i).map_or(Some(0), |f| num(f));
    let nano = match fraction {
        None => 0,
        Some(f) if fields.len() == 3 && f.len() <= 9 => num(f)? * 10_i64.pow(9 - f.len() as u32),
        Some(_) => return None,
    };
    Some(LocalTime::from_hms_nano(
        field(0)?,
        field(1)?,
        field(2)?,
        nano,
    ))
}

/// Splits a time (or date-time) text where its zone starts: at `Z`, `+`, `-` or `[`.
fn split_zone(text: &str) -> (&str, &str) {
    let i = text.find(['Z', 'z', '+', '-', '[']).unwrap_or(text.len());
    (&text[..i], &text[i..])
}

/// The zone part of a text: an offset, a bracketed name, or both (`+01:00[Europe/Paris]`).
/// `None` when there is none; the offset given alongside a name comes back too.
pub(crate) fn zone(text: &str) -> Result<Option<ZoneText>, CypherError> {
    if text.is_empty() {
        return Ok(None);
    }
    let (offset, name) = match text.find('[') {
        Some(i) => {
            let name = text[i + 1..]
                .strip_suffix(']')
                .ok_or_else(|| bad("time zone", text))?;
            (&text[..i], Some(name))
        }
        None => (text, None),
    };
    let offset = if offset.is_empty() {
        None
    } else {
        Some(parse_offset(offset).ok_or_else(|| bad("time zone", text))?)
    };
    match (name, offset) {
        (Some(n), o) => {
            let zone = match Zone::parse(n) {
                Some(z @ Zone::Named(_)) => z,
                _ => return Err(bad("time zone", text)),
            };
            Ok(Some((zone, o)))
        }
        (None, Some(o)) => Ok(Some((Zone::Offset(o), None))),
        (None, None) => Err(bad("time zone", text)),
    }
}

/// A time with an optional zone (which `time()` then defaults to UTC).
pub(crate) fn time(text: &str) -> Result<(LocalTime, Option<Zone>), CypherError> {
    let (t, z) = split_zone(text);
    Ok((local_time(t)?, zone(z)?.map(|(zone, _)| zone)))
}

/// A zone read from text, with the offset written beside a zone name (if any).
pub(crate) type ZoneText = (Zone, Option<i32>);

/// A date, optionally followed by `T` and a time; then an optional zone.
pub(crate) fn date_time(text: &str) -> Result<(LocalDateTime, Option<ZoneText>), CypherError> {
    let (d, rest) = match text.find(['T', 't']) {
        Some(i) => (&text[..i], &text[i + 1..]),
        None => (text, ""),
    };
    let date = date(d)?;
    let (t, z) = split_zone(rest);
    let time = if t.is_empty() {
        if !rest.is_empty() && text.contains(['T', 't']) {
            return Err(bad("date-time", text));
        }
        LocalTime::MIDNIGHT
    } else {
        local_time(t)?
    };
    if text.ends_with(['T', 't']) {
        return Err(bad("date-time", text));
    }
    Ok((LocalDateTime::new(date, time), zone(z)?))
}

/// A number in a duration: its integer part, and its fraction (if any) as a float.
struct Amount {
    whole: i64,
    /// Nanoseconds of fraction, when it has at most nine digits (only seconds need this).
    nanos: i64,
    float: f64,
    fractional: bool,
    /// How many digits the fraction has.
    digits: usize,
}

fn amount(text: &str) -> Option<Amount> {
    let negative = text.starts_with('-');
    let unsigned = text.strip_prefix(['-', '+']).unwrap_or(text);
    let (int, frac) = match unsigned.find(['.', ',']) {
        Some(i) => (&unsigned[..i], Some(&unsigned[i + 1..])),
        None => (unsigned, None),
    };
    let whole = num(int)?;
    let (nanos, fractional) = match frac {
        None => (0, false),
        Some(f) if all_digits(f) => {
            let nine: String = f.chars().chain(std::iter::repeat('0')).take(9).collect();
            (nine.parse::<i64>().ok()?, true)
        }
        Some(_) => return None,
    };
    let float: f64 = format!("{int}.{}", frac.unwrap_or("0")).parse().ok()?;
    let sign: i32 = if negative { -1 } else { 1 };
    Some(Amount {
        whole: i64::from(sign) * whole,
        nanos: i64::from(sign) * nanos,
        float: f64::from(sign) * float,
        fractional,
        digits: frac.map_or(0, str::len),
    })
}

/// A duration: `P[nY][nM][nW][nD][T[nH][nM][nS]]` (each `n` may be signed or fractional), with
/// an optional sign before the `P`, or `PYYYY-MM-DDTHH:MM:SS[.fff]`.
pub(crate) fn duration(text: &str) -> Result<Duration, CypherError> {
    duration_parts(text).ok_or_else(|| bad("duration", text))?
}

fn duration_parts(text: &str) -> Option<Result<Duration, CypherError>> {
    let (negate, body) = match text.as_bytes().first()? {
        b'-' => (true, &text[1..]),
        b'+' => (false, &text[1..]),
        _ => (false, text),
    };
    let body = body.strip_prefix(['P', 'p'])?;
    let d = if body.get(..4).is_some_and(all_digits) && body.as_bytes().get(4) == Some(&b'-') {
        alternative_duration(body)?
    } else {
        designated_duration(body)?
    };
    Some(d.and_then(|d| if negate { d.checked_neg() } else { Ok(d) }))
}

fn alternative_duration(body: &str) -> Option<Result<Duration, CypherError>> {
    let (date, time) = body.split_once(['T', 't'])?;
    let mut parts = date.split('-');
    let (y, m, d) = (parts.next()?, parts.next()?, parts.next()?);
    if parts.next().is_some() || y.len() != 4 || m.len() != 2 || d.len() != 2 {
        return None;
    }
    let t = time_parts(time)?.ok()?;
    let months = num(y)? * 12 + num(m)?;
    Some(Duration::new(months, num(d)?, 0, i128::from(t.nanos())))
}

fn designated_duration(body: &str) -> Option<Result<Duration, CypherError>> {
    let (date, time) = match body.find(['T', 't']) {
        Some(i) => (&body[..i], Some(&body[i + 1..])),
        None => (body, None),
    };
    let date_units = components(date, &['Y', 'M', 'W', 'D'])?;
    let time_units = match time {
        Some("") => return None,
        Some(t) => components(t, &['H', 'M', 'S'])?,
        None => Vec::new(),
    };
    if date_units.is_empty() && time_units.is_empty() {
        return None;
    }
    let (years, months, weeks, days) = (
        get(&date_units, 'Y'),
        get(&date_units, 'M'),
        get(&date_units, 'W'),
        get(&date_units, 'D'),
    );
    let (hours, minutes, seconds) = (
        get(&time_units, 'H'),
        get(&time_units, 'M'),
        get(&time_units, 'S'),
    );
    // Only the last unit given may have a fraction (seconds up to nine digits of one).
    let given: Vec<&Amount> = [years, months, weeks, days, hours, minutes, seconds]
        .into_iter()
        .flatten()
        .collect();
    if let Some((_, earlier)) = given.split_last() {
        if earlier.iter().any(|a| a.fractional) {
            return None;
        }
    }
    if seconds.is_some_and(|s| s.digits > 9) {
        return None;
    }
    let coarse = [years, months, weeks, days, hours, minutes];
    if coarse.iter().flatten().any(|a| a.fractional) {
        let f = |a: Option<&Amount>| a.map_or(0.0, |a| a.float);
        return Some(Duration::approximate(
            f(years) * 12.0 + f(months),
            f(weeks) * 7.0 + f(days),
            f(hours) * 3600.0 + f(minutes) * 60.0 + f(seconds),
            0.0,
        ));
    }
    let i = |a: Option<&Amount>| a.map_or(0, |a| a.whole);
    let total = (|| {
        let m = i(years).checked_mul(12)?.checked_add(i(months))?;
        let d = i(weeks).checked_mul(7)?.checked_add(i(days))?;
        let s = i(hours)
            .checked_mul(3600)?
            .checked_add(i(minutes).checked_mul(60)?)?
            .checked_add(i(seconds))?;
        Some((m, d, s))
    })();
    let nanos = seconds.map_or(0, |a| a.nanos);
    Some(match total {
        Some((m, d, s)) => Duration::new(m, d, s, i128::from(nanos)),
        None => Err(invalid("duration is out of range")),
    })
}

fn get(units: &[(char, Amount)], unit: char) -> Option<&Amount> {
    units.iter().find(|(c, _)| *c == unit).map(|(_, a)| a)
}

/// `12Y5M` -> [('Y', 12), ('M', 5)], each unit at most once and in the given order.
fn components(text: &str, units: &[char]) -> Option<Vec<(char, Amount)>> {
    let mut out = Vec::new();
    let mut rest = text;
    let mut next_unit = 0;
    while !rest.is_empty() {
        let end = rest.find(|c: char| c.is_ascii_alphabetic())?;
        let unit = rest[end..].chars().next()?.to_ascii_uppercase();
        let at = units.iter().skip(next_unit).position(|u| *u == unit)? + next_unit;
        next_unit = at + 1;
        out.push((unit, amount(&rest[..end])?));
        rest = &rest[end + 1..];
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        /// Any text at all, multi-byte characters included, is read or refused without a panic.
        #[test]
        fn parsers_never_panic(text in "\\PC{0,24}", iso in "[-+0-9TWZP:.,é]{0,16}") {
            for t in [text.as_str(), iso.as_str()] {
                let _ = (date(t), local_time(t), time(t), date_time(t), duration(t), zone(t));
            }
        }
    }

    #[test]
    fn dates_parse_in_every_form() -> Result<(), CypherError> {
        for (text, want) in [
            ("2015-07-21", "2015-07-21"),
            ("20150721", "2015-07-21"),
            ("2015-07", "2015-07-01"),
            ("201507", "2015-07-01"),
            ("2015-W30-2", "2015-07-21"),
            ("2015W302", "2015-07-21"),
            ("2015-W30", "2015-07-20"),
            ("2015W30", "2015-07-20"),
            ("2015-202", "2015-07-21"),
            ("2015202", "2015-07-21"),
            ("2015", "2015-01-01"),
            ("-999999999-01-01", "-999999999-01-01"),
            ("+999999999-12-31", "+999999999-12-31"),
        ] {
            assert_eq!(date(text)?.to_string(), want, "{text}");
        }
        for text in [
            "",
            "15",
            "20151é2",
            "2015W3é",
            "2015-7-21",
            "2015-13-01",
            "2015-02-30",
            "20150",
            "2015-W54",
        ] {
            assert!(date(text).is_err(), "{text}");
        }
        Ok(())
    }

    #[test]
    fn times_and_zones_parse() -> Result<(), CypherError> {
        for (text, want) in [
            ("21:40:32.142", "21:40:32.142"),
            ("214032.142", "21:40:32.142"),
            ("2140", "21:40"),
            ("21", "21:00"),
            ("21:40:32,5", "21:40:32.500"),
        ] {
            assert_eq!(local_time(text)?.to_string(), want, "{text}");
        }
        assert!(local_time("21:4").is_err());
        assert!(local_time("21.5").is_err());
        assert_eq!(time("2140-02")?.1, Some(Zone::Offset(-7200)));
        assert_eq!(time("21:40")?.1, None);
        let (ldt, z) = date_time("2015-07-21T21:40:32.142-04[America/New_York]")?;
        assert_eq!(ldt.to_string(), "2015-07-21T21:40:32.142");
        assert!(matches!(z, Some((Zone::Named(_), Some(-14_400)))));
        assert_eq!(date_time("2015202T21")?.0.to_string(), "2015-07-21T21:00");
        assert!(date_time("2015-07-21T").is_err());
        assert!(date_time("2015-07-21T10:00[Nowhere/Atlantis]").is_err());
        Ok(())
    }

    #[test]
    fn durations_parse_with_signs_and_fractions() -> Result<(), CypherError> {
        for (text, want) in [
            ("P14DT16H12M", "P14DT16H12M"),
            ("P5M1.5D", "P5M1DT12H"),
            ("P0.75M", "P22DT19H51M49.5S"),
            ("PT0.75M", "PT45S"),
            ("P2.5W", "P17DT12H"),
            ("P12Y5M14DT16H12M70S", "P12Y5M14DT16H13M10S"),
            ("P2012-02-02T14:37:21.545", "P2012Y2M2DT14H37M21.545S"),
            ("PT-1.999S", "PT-1.999S"),
            ("PT-0.001S", "PT-0.001S"),
            ("PT-1M-0.001S", "PT-1M-0.001S"),
            (
                "P-6M-15DT-17H-45M-3.500000002S",
                "P-6M-15DT-17H-45M-3.500000002S",
            ),
            ("-P1D", "P-1D"),
        ] {
            assert_eq!(duration(text)?.to_string(), want, "{text}");
        }
        for text in [
            "P",
            "PT",
            "P1H",
            "PT1D",
            "P1M1Y",
            "P1.2.3D",
            "1D",
            "P1Y2",
            "P1.5Y2M",
            "P1.5DT1H",
            "PT1.5H1S",
            "PT1.0000000001S",
        ] {
            assert!(duration(text).is_err(), "{text}");
        }
        Ok(())
    }
}
