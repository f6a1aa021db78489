//! Arithmetic with temporal values: an instant plus or minus a duration, durations added,
//! subtracted, multiplied and divided by numbers.

use super::calendar::Date;
use super::clock::{DateTime, LocalDateTime, LocalTime, Time, NANOS_PER_SECOND, SECONDS_PER_DAY};
use super::duration::Duration;
use super::{wrong_type, CypherError, Temporal};
use crate::ast::BinaryOp;
use crate::value::Value;

/// `l op r` where at least one side is a temporal value and neither is null.
pub(crate) fn arithmetic(op: BinaryOp, l: &Value, r: &Value) -> Result<Value, CypherError> {
    use Temporal::Duration as Dur;
    let t = |t: Temporal| Ok(Value::Temporal(t));
    match (op, l, r) {
        (BinaryOp::Add, Value::Temporal(Dur(a)), Value::Temporal(Dur(b))) => {
            t(Dur(a.checked_add(*b)?))
        }
        (BinaryOp::Sub, Value::Temporal(Dur(a)), Value::Temporal(Dur(b))) => {
            t(Dur(a.checked_sub(*b)?))
        }
        (BinaryOp::Add, Value::Temporal(x), Value::Temporal(Dur(d)))
        | (BinaryOp::Add, Value::Temporal(Dur(d)), Value::Temporal(x)) => t(plus(x, *d, 1)?),
        (BinaryOp::Sub, Value::Temporal(x), Value::Temporal(Dur(d))) => t(plus(x, *d, -1)?),
        (BinaryOp::Mul, Value::Temporal(Dur(d)), n)
        | (BinaryOp::Mul, n, Value::Temporal(Dur(d))) => match n {
            Value::Int(i) => t(Dur(d.mul_int(*i)?)),
            Value::Float(f) => t(Dur(d.mul_float(*f)?)),
            other => Err(wrong_type("duration multiplication", other)),
        },
        (BinaryOp::Div, Value::Temporal(Dur(d)), n) => match n {
            Value::Int(i) => t(Dur(d.div_int(*i)?)),
            Value::Float(f) => t(Dur(d.div(*f)?)),
            other => Err(wrong_type("duration division", other)),
        },
        (_, Value::Temporal(_), other) | (_, other, _) => {
            Err(wrong_type("temporal arithmetic", other))
        }
    }
}

/// `-d` for a duration.
pub(crate) fn negate(t: &Temporal) -> Result<Value, CypherError> {
    match t {
        Temporal::Duration(d) => Ok(Value::Temporal(Temporal::Duration(d.checked_neg()?))),
        other => Err(wrong_type("unary -", &Value::Temporal(*other))),
    }
}

/// `x + sign * d` (`sign` is 1 or -1) for a value that is not itself a duration: months, then
/// days, then the time part, each as far as the value's kind holds it (a date takes the whole
/// days of the time part's seconds).
pub(crate) fn plus(x: &Temporal, d: Duration, sign: i64) -> Result<Temporal, CypherError> {
    let time_nanos = d.time_nanos() * i128::from(sign);
    let whole_days = d.seconds / SECONDS_PER_DAY;
    let signed = |v: i64| {
        v.checked_mul(sign)
            .ok_or_else(|| super::invalid("duration is out of range"))
    };
    let d = Duration {
        months: signed(d.months)?,
        days: signed(d.days)?,
        ..d
    };
    Ok(match x {
        Temporal::Date(date) => {
            let date = date.plus_months(d.months)?.plus_days(d.days)?;
            Temporal::Date(date.plus_days(signed(whole_days)?)?)
        }
        Temporal::LocalTime(t) => Temporal::LocalTime(shift_time(*t, time_nanos)),
        Temporal::Time(t) => Temporal::Time(Time {
            time: shift_time(t.time, time_nanos),
            offset: t.offset,
        }),
        Temporal::LocalDateTime(ldt) => {
            let moved = shift_dates(*ldt, d)?;
            Temporal::LocalDateTime(LocalDateTime::from_epoch_nanos(
                moved.epoch_nanos() + time_nanos,
            )?)
        }
        Temporal::DateTime(dt) => {
            let moved = DateTime::in_zone(shift_dates(dt.local, d)?, dt.zone(), Some(dt.offset))?;
            Temporal::DateTime(DateTime::at_instant(
                moved.instant_nanos() + time_nanos,
                dt.zone(),
            )?)
        }
        Temporal::Duration(a) => {
            let b = Duration::new(d.months, d.days, 0, time_nanos)?;
            Temporal::Duration(a.checked_add(b)?)
        }
    })
}

fn shift_dates(ldt: LocalDateTime, d: Duration) -> Result<LocalDateTime, CypherError> {
    let date: Date = ldt.date.plus_months(d.months)?.plus_days(d.days)?;
    Ok(LocalDateTime::new(date, ldt.time))
}

fn shift_time(t: LocalTime, nanos: i128) -> LocalTime {
    LocalTime::wrapping(i128::from(t.nanos()) + nanos % (i128::from(NANOS_PER_SECOND) * 86_400))
}
