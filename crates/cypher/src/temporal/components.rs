//! The components of a temporal value as a map gives them (`{year: 1984, week: 10}`,
//! `{date: d, hour: 12}`), and how they make a date or a time of day, over a base value or not.

use std::collections::BTreeMap;

use super::build::Kind;
use super::calendar::{month_length, Date};
use super::clock::LocalTime;
use super::zone::Zone;
use super::{invalid, wrong_type, CypherError, Temporal};
use crate::value::Value;

const DATE_KEYS: [&str; 8] = [
    "year",
    "month",
    "day",
    "week",
    "dayofweek",
    "ordinalday",
    "quarter",
    "dayofquarter",
];
const TIME_KEYS: [&str; 6] = [
    "hour",
    "minute",
    "second",
    "millisecond",
    "microsecond",
    "nanosecond",
];

/// The components a map gives, by lower-case name; bases and the zone apart.
#[derive(Debug, Default)]
pub(crate) struct Fields {
    ints: BTreeMap<&'static str, i64>,
    pub(crate) date: Option<Temporal>,
    pub(crate) time: Option<Temporal>,
    pub(crate) datetime: Option<Temporal>,
    pub(crate) timezone: Option<Zone>,
}

impl Fields {
    pub(crate) fn get(&self, key: &str) -> Option<i64> {
        self.ints.get(key).copied()
    }

    /// The names of the whole-number components given.
    pub(crate) fn int_keys(&self) -> impl Iterator<Item = &'static str> + '_ {
        self.ints.keys().copied()
    }

    pub(crate) fn set(&mut self, key: &'static str, value: i64) {
        self.ints.insert(key, value);
    }

    /// A time zone only goes with the components of a zoned kind.
    pub(crate) fn check_zone_allowed(&self, kind: Kind) -> Result<(), CypherError> {
        if self.timezone.is_some() && !kind.zoned() {
            Err(invalid(format!("a {} has no time zone", kind.name())))
        } else {
            Ok(())
        }
    }

    pub(crate) fn has(&self, key: &str) -> bool {
        self.ints.contains_key(key)
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.ints.is_empty()
            && self.date.is_none()
            && self.time.is_none()
            && self.datetime.is_none()
    }

    /// Reads `map` for `kind`; a key `kind` does not take is an error.
    pub(crate) fn read(kind: Kind, map: &BTreeMap<String, Value>) -> Result<Fields, CypherError> {
        let mut fields = Fields::default();
        for (key, value) in map {
            let lower = key.to_ascii_lowercase();
            let int_key = DATE_KEYS
                .iter()
                .filter(|_| kind.has_date())
                .chain(TIME_KEYS.iter().filter(|_| kind.has_time()))
                .chain(
                    ["epochseconds", "epochmillis"]
                        .iter()
                        .filter(|_| kind == Kind::DateTime),
                )
                .find(|k| **k == lower);
            if let Some(k) = int_key {
                match value {
                    Value::Int(i) => fields.set(k, *i),
                    other => {
                        return Err(wrong_type(&format!("the temporal component {key}"), other))
                    }
                }
                continue;
            }
            let base = |v: &Value| match v {
                Value::Temporal(t) => Ok(Some(*t)),
                other => Err(wrong_type(&format!("the temporal component {key}"), other)),
            };
            match lower.as_str() {
                "date" if kind.has_date() => fields.date = base(value)?,
                "time" if kind.has_time() => fields.time = base(value)?,
                "datetime" if matches!(kind, Kind::LocalDateTime | Kind::DateTime) => {
                    fields.datetime = base(value)?
                }
                // Alone, it asks any kind for the current time in that zone.
                "timezone" => fields.timezone = Some(zone_value(value)?),
                _ => {
                    return Err(invalid(format!(
                        "{} is not a component of a {}",
                        key,
                        kind.name()
                    )))
                }
            }
        }
        Ok(fields)
    }
}

/// A `timezone` value: an offset or a zone name.
pub(crate) fn zone_value(v: &Value) -> Result<Zone, CypherError> {
    match v {
        Value::String(s) => {
            Zone::parse(s).ok_or_else(|| invalid(format!("unknown time zone `{s}`")))
        }
        other => Err(wrong_type("a time zone", other)),
    }
}

/// The date the map describes over `base`; `None` when it gives no date at all.
pub(crate) fn assemble_date(f: &Fields, base: Option<Date>) -> Result<Option<Date>, CypherError> {
    let calendar = f.has("month") || f.has("day");
    let week = f.has("week") || f.has("dayofweek");
    let ordinal = f.has("ordinalday");
    let quarter = f.has("quarter") || f.has("dayofquarter");
    if [calendar, week, ordinal, quarter]
        .iter()
        .filter(|b| **b)
        .count()
        > 1
    {
        return Err(invalid(
            "a date cannot mix calendar, week, ordinal and quarter components",
        ));
    }
    let Some(year) = f
        .get("year")
        .or_else(|| base.map(|b| if week { b.iso_week().0 } else { b.year() }))
    else {
        if calendar || week || ordinal || quarter {
            return Err(invalid("a date needs a year"));
        }
        return Ok(None);
    };
    // Without a base, a smaller unit needs the larger one it counts in.
    let needs = |small: &str, large: &str| {
        if base.is_none() && f.has(small) && !f.has(large) {
            Err(invalid(format!("{small} cannot be given without {large}")))
        } else {
            Ok(())
        }
    };
    let date = if week {
        needs("dayofweek", "week")?;
        let w = f.get("week").or(base.map(|b| b.iso_week().1)).unwrap_or(1);
        let dow = f.get("dayofweek").or(base.map(Date::weekday)).unwrap_or(1);
        Date::from_week(year, w, dow)?
    } else if ordinal {
        Date::from_ordinal(year, f.get("ordinalday").unwrap_or(1))?
    } else if quarter {
        needs("dayofquarter", "quarter")?;
        let q = f.get("quarter").or(base.map(Date::quarter)).unwrap_or(1);
        let day = f
            .get("dayofquarter")
            .or(base.map(Date::day_of_quarter))
            .unwrap_or(1);
        Date::from_quarter(year, q, day)?
    } else {
        needs("day", "month")?;
        let month = f
            .get("month")
            .or(base.map(|b| i64::from(b.month())))
            .unwrap_or(1);
        let day = match (f.get("day"), base) {
            (Some(d), _) => d,
            // A day taken over from the base shrinks to fit a shorter month (Feb 29 -> 28).
            (None, Some(b)) if (1..=12).contains(&month) => {
                i64::from(b.day().min(month_length(year, month as u32)))
            }
            _ => 1,
        };
        Date::from_ymd(year, month, day)?
    };
    Ok(Some(date))
}

/// The time of day the map describes over `base`; `None` when it gives no time at all.
pub(crate) fn assemble_time(
    f: &Fields,
    base: Option<LocalTime>,
) -> Result<Option<LocalTime>, CypherError> {
    if base.is_none() && !TIME_KEYS.iter().any(|k| f.has(k)) {
        return Ok(None);
    }
    let subsecond = ["millisecond", "microsecond", "nanosecond"];
    if base.is_none() {
        let chain = [("minute", "hour"), ("second", "minute")];
        for (small, large) in chain {
            if f.has(small) && !f.has(large) {
                return Err(invalid(format!("{small} cannot be given without {large}")));
            }
        }
        if subsecond.iter().any(|k| f.has(k)) && !f.has("second") {
            return Err(invalid(
                "fractions of a second cannot be given without second",
            ));
        }
    }
    let part =
        |key: &str, of_base: fn(LocalTime) -> i64| f.get(key).or(base.map(of_base)).unwrap_or(0);
    let (h, m, s) = (
        part("hour", LocalTime::hour),
        part("minute", LocalTime::minute),
        part("second", LocalTime::second),
    );
    let nano = if subsecond.iter().any(|k| f.has(k)) {
        let ms = f.get("millisecond");
        let us = f.get("microsecond");
        let ns = f.get("nanosecond");
        let us_max = if ms.is_some() { 999 } else { 999_999 };
        let ns_max = if ms.is_some() || us.is_some() {
            999
        } else {
            999_999_999
        };
        for (name, v, max) in [
            ("millisecond", ms, 999),
            ("microsecond", us, us_max),
            ("nanosecond", ns, ns_max),
        ] {
            if let Some(v) = v {
                if !(0..=max).contains(&v) {
                    return Err(invalid(format!("{name} {v} is out of range (0 to {max})")));
                }
            }
        }
        ms.unwrap_or(0) * 1_000_000 + us.unwrap_or(0) * 1000 + ns.unwrap_or(0)
    } else {
        base.map_or(0, LocalTime::nano)
    };
    LocalTime::from_hms_nano(h, m, s, nano).map(Some)
}
