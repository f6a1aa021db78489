//! Operators: ternary logic, comparison, arithmetic (checked: integer overflow is an error),
//! list and map access, string predicates.

use std::cell::{OnceCell, RefCell};
use std::cmp::Ordering;
use std::collections::HashMap;

use super::eval::{eval, Cx, Env};
use super::{eval::property, runtime};
use crate::ast::{BinaryOp, Expr};
use crate::error::ErrorKind;
use crate::value::{Comparison, Value};
use crate::CypherError;

/// What a query may reuse between rows: compiled regular expressions, and the statement's
/// clock reading (so that every `datetime()` of a statement tells the same time).
#[derive(Default)]
pub(crate) struct Cache {
    regexes: RefCell<HashMap<String, regex::Regex>>,
    now: OnceCell<i128>,
    /// Expansions between bound nodes, and node checks (see [`super::memo`]).
    pub between: super::memo::Between,
    pub nodes: super::memo::NodeChecks,
}

/// The most patterns one query keeps compiled.
const REGEX_CACHE_SIZE: usize = 64;

impl Cache {
    /// Nanoseconds since the epoch when the statement first asked.
    pub(crate) fn statement_time(&self) -> i128 {
        *self.now.get_or_init(|| {
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(0, |d| i128::try_from(d.as_nanos()).unwrap_or_default())
        })
    }

    /// `s =~ pattern`: the whole string must match.
    fn regex_match(&self, s: &str, pattern: &str) -> Result<bool, CypherError> {
        if let Some(re) = self.regexes.borrow().get(pattern) {
            return Ok(re.is_match(s));
        }
        let re = regex::Regex::new(&format!("^(?:{pattern})$")).map_err(|e| {
            runtime(
                ErrorKind::ArgumentError,
                "InvalidArgumentValue",
                format!("invalid regular expression: {e}"),
            )
        })?;
        let matched = re.is_match(s);
        let mut regexes = self.regexes.borrow_mut();
        if regexes.len() < REGEX_CACHE_SIZE {
            regexes.insert(pattern.to_string(), re);
        }
        Ok(matched)
    }
}

pub(crate) fn type_error(what: &str, v: &Value) -> CypherError {
    runtime(
        ErrorKind::TypeError,
        "InvalidArgumentType",
        format!("{what} cannot take a {}", v.type_name()),
    )
}

fn overflow() -> CypherError {
    runtime(
        ErrorKind::ArgumentError,
        "NumberOutOfRange",
        "integer overflow",
    )
}

/// A boolean operand: `None` for null.
pub(crate) fn as_bool3(v: &Value) -> Result<Option<bool>, CypherError> {
    match v {
        Value::Bool(b) => Ok(Some(*b)),
        Value::Null => Ok(None),
        other => Err(type_error("a boolean operator", other)),
    }
}

pub(crate) fn and3(a: Option<bool>, b: Option<bool>) -> Option<bool> {
    match (a, b) {
        (Some(false), _) | (_, Some(false)) => Some(false),
        (Some(true), Some(true)) => Some(true),
        _ => None,
    }
}

fn or3(a: Option<bool>, b: Option<bool>) -> Option<bool> {
    match (a, b) {
        (Some(true), _) | (_, Some(true)) => Some(true),
        (Some(false), Some(false)) => Some(false),
        _ => None,
    }
}

fn bool3(b: Option<bool>) -> Value {
    b.map_or(Value::Null, Value::Bool)
}

pub(crate) fn not(v: &Value) -> Result<Value, CypherError> {
    Ok(bool3(as_bool3(v)?.map(|b| !b)))
}

pub(crate) fn neg(v: &Value) -> Result<Value, CypherError> {
    match v {
        Value::Null => Ok(Value::Null),
        Value::Int(i) => i.checked_neg().map(Value::Int).ok_or_else(overflow),
        Value::Float(f) => Ok(Value::Float(-f)),
        Value::Temporal(t) => crate::temporal::negate(t),
        other => Err(type_error("unary -", other)),
    }
}

pub(crate) fn binary(
    cx: &Cx<'_>,
    env: &Env<'_>,
    op: BinaryOp,
    l: &Expr,
    r: &Expr,
) -> Result<Value, CypherError> {
    let lv = eval(cx, env, l)?;
    match op {
        BinaryOp::And => {
            let a = as_bool3(&lv)?;
            if a == Some(false) {
                return Ok(Value::Bool(false));
            }
            let b = as_bool3(&eval(cx, env, r)?)?;
            return Ok(bool3(and3(a, b)));
        }
        BinaryOp::Or => {
            let a = as_bool3(&lv)?;
            if a == Some(true) {
                return Ok(Value::Bool(true));
            }
            let b = as_bool3(&eval(cx, env, r)?)?;
            return Ok(bool3(or3(a, b)));
        }
        _ => {}
    }
    let rv = eval(cx, env, r)?;
    apply(cx.cache, op, &lv, &rv)
}

/// A binary operator on two values (not `AND` / `OR`, which short-circuit in [`binary`]).
pub(crate) fn apply(
    cache: &Cache,
    op: BinaryOp,
    l: &Value,
    r: &Value,
) -> Result<Value, CypherError> {
    match op {
        BinaryOp::And => Ok(bool3(and3(as_bool3(l)?, as_bool3(r)?))),
        BinaryOp::Or => Ok(bool3(or3(as_bool3(l)?, as_bool3(r)?))),
        BinaryOp::Xor => {
            let (a, b) = (as_bool3(l)?, as_bool3(r)?);
            Ok(bool3(a.zip(b).map(|(a, b)| a != b)))
        }
        BinaryOp::Eq | BinaryOp::Ne | BinaryOp::Lt | BinaryOp::Le | BinaryOp::Gt | BinaryOp::Ge => {
            compare(op, l, r)
        }
        BinaryOp::Add => add(l, r),
        BinaryOp::Sub | BinaryOp::Mul | BinaryOp::Div | BinaryOp::Mod | BinaryOp::Pow => {
            arithmetic(op, l, r)
        }
        BinaryOp::In => in_list(l, r),
        BinaryOp::StartsWith | BinaryOp::EndsWith | BinaryOp::Contains => Ok(match (l, r) {
            (Value::String(a), Value::String(b)) => Value::Bool(match op {
                BinaryOp::StartsWith => a.starts_with(b.as_str()),
                BinaryOp::EndsWith => a.ends_with(b.as_str()),
                _ => a.contains(b.as_str()),
            }),
            _ => Value::Null,
        }),
        BinaryOp::Regex => match (l, r) {
            (Value::String(s), Value::String(p)) => cache.regex_match(s, p).map(Value::Bool),
            _ => Ok(Value::Null),
        },
    }
}

/// `=`, `<>`, `<`, `<=`, `>`, `>=`.
pub(crate) fn compare(op: BinaryOp, l: &Value, r: &Value) -> Result<Value, CypherError> {
    Ok(match op {
        BinaryOp::Eq => bool3(l.cypher_eq(r)),
        BinaryOp::Ne => bool3(l.cypher_eq(r).map(|b| !b)),
        _ => match l.cypher_cmp(r) {
            Comparison::Null => Value::Null,
            Comparison::Unordered => Value::Bool(false),
            Comparison::Ordered(o) => Value::Bool(match op {
                BinaryOp::Lt => o == Ordering::Less,
                BinaryOp::Le => o != Ordering::Greater,
                BinaryOp::Gt => o == Ordering::Greater,
                BinaryOp::Ge => o != Ordering::Less,
                _ => false,
            }),
        },
    })
}

fn in_list(l: &Value, r: &Value) -> Result<Value, CypherError> {
    match r {
        Value::Null => Ok(Value::Null),
        Value::List(items) => {
            let mut unknown = false;
            for item in items {
                match l.cypher_eq(item) {
                    Some(true) => return Ok(Value::Bool(true)),
                    None => unknown = true,
                    Some(false) => {}
                }
            }
            Ok(if unknown {
                Value::Null
            } else {
                Value::Bool(false)
            })
        }
        other => Err(type_error("IN", other)),
    }
}

pub(crate) fn add(l: &Value, r: &Value) -> Result<Value, CypherError> {
    match (l, r) {
        (Value::Null, _) | (_, Value::Null) => Ok(Value::Null),
        (Value::List(a), Value::List(b)) => {
            Ok(Value::List(a.iter().chain(b.iter()).cloned().collect()))
        }
        (Value::List(a), x) => {
            let mut v = a.clone();
            v.push(x.clone());
            Ok(Value::List(v))
        }
        (x, Value::List(b)) => {
            let mut v = Vec::with_capacity(b.len() + 1);
            v.push(x.clone());
            v.extend(b.iter().cloned());
            Ok(Value::List(v))
        }
        (Value::String(a), Value::String(b)) => Ok(Value::String(format!("{a}{b}"))),
        (Value::String(a), n @ (Value::Int(_) | Value::Float(_))) => {
            Ok(Value::String(format!("{a}{}", number_text(n))))
        }
        (n @ (Value::Int(_) | Value::Float(_)), Value::String(b)) => {
            Ok(Value::String(format!("{}{b}", number_text(n))))
        }
        (Value::Temporal(_), _) | (_, Value::Temporal(_)) => {
            crate::temporal::arithmetic(BinaryOp::Add, l, r)
        }
        _ => arithmetic(BinaryOp::Add, l, r),
    }
}

fn arithmetic(op: BinaryOp, l: &Value, r: &Value) -> Result<Value, CypherError> {
    let (a, b) = match (l, r) {
        (Value::Null, _) | (_, Value::Null) => return Ok(Value::Null),
        (Value::Int(a), Value::Int(b)) => return int_arith(op, *a, *b),
        (Value::Int(a), Value::Float(b)) => (*a as f64, *b),
        (Value::Float(a), Value::Int(b)) => (*a, *b as f64),
        (Value::Float(a), Value::Float(b)) => (*a, *b),
        (Value::Temporal(_), _) | (_, Value::Temporal(_)) => {
            return crate::temporal::arithmetic(op, l, r)
        }
        (Value::Int(_) | Value::Float(_), other) | (other, _) => {
            return Err(type_error("arithmetic", other))
        }
    };
    Ok(Value::Float(match op {
        BinaryOp::Add => a + b,
        BinaryOp::Sub => a - b,
        BinaryOp::Mul => a * b,
        BinaryOp::Div => a / b,
        BinaryOp::Mod => a % b,
        _ => a.powf(b),
    }))
}

fn int_arith(op: BinaryOp, a: i64, b: i64) -> Result<Value, CypherError> {
    let division_by_zero = || runtime(ErrorKind::ArgumentError, "", "division by zero");
    let r = match op {
        BinaryOp::Add => a.checked_add(b),
        BinaryOp::Sub => a.checked_sub(b),
        BinaryOp::Mul => a.checked_mul(b),
        BinaryOp::Div => {
            if b == 0 {
                return Err(division_by_zero());
            }
            a.checked_div(b)
        }
        BinaryOp::Mod => {
            if b == 0 {
                return Err(division_by_zero());
            }
            a.checked_rem(b)
        }
        _ => return Ok(Value::Float((a as f64).powf(b as f64))),
    };
    r.map(Value::Int).ok_or_else(overflow)
}

/// A number as `toString` writes it (Java's notation for floats, as openCypher does).
pub(crate) fn number_text(v: &Value) -> String {
    match v {
        Value::Int(i) => i.to_string(),
        Value::Float(f) => float_text(*f),
        _ => String::new(),
    }
}

pub(crate) fn float_text(f: f64) -> String {
    if f.is_nan() {
        return "NaN".to_string();
    }
    if f.is_infinite() {
        return if f > 0.0 { "Infinity" } else { "-Infinity" }.to_string();
    }
    let a = f.abs();
    if a == 0.0 || (1e-3..1e7).contains(&a) {
        let s = format!("{f}");
        if s.contains('.') {
            s
        } else {
            format!("{s}.0")
        }
    } else {
        let s = format!("{f:e}");
        let (mantissa, exp) = s.split_once('e').unwrap_or((s.as_str(), "0"));
        let mantissa = if mantissa.contains('.') {
            mantissa.to_string()
        } else {
            format!("{mantissa}.0")
        };
        format!("{mantissa}E{exp}")
    }
}

/// An integer index or bound: `None` for null.
fn int_arg(v: &Value, what: &str) -> Result<Option<i64>, CypherError> {
    match v {
        Value::Null => Ok(None),
        Value::Int(i) => Ok(Some(*i)),
        other => Err(type_error(what, other)),
    }
}

/// `target[index]`.
pub(crate) fn index(cx: &Cx<'_>, target: &Value, idx: &Value) -> Result<Value, CypherError> {
    match target {
        Value::Null => Ok(Value::Null),
        Value::List(items) => {
            let Some(i) = int_arg(idx, "a list index")? else {
                return Ok(Value::Null);
            };
            let len = i64::try_from(items.len()).unwrap_or(i64::MAX);
            let at = if i < 0 { len.checked_add(i) } else { Some(i) };
            Ok(at
                .and_then(|a| usize::try_from(a).ok())
                .and_then(|a| items.get(a))
                .cloned()
                .unwrap_or(Value::Null))
        }
        Value::Map(_) | Value::Node(_) | Value::Rel(_) => match idx {
            Value::Null => Ok(Value::Null),
            Value::String(key) => property(cx, target, key),
            _ => Err(runtime(
                ErrorKind::TypeError,
                "MapElementAccessByNonString",
                "a map can only be indexed by a string",
            )),
        },
        other => Err(type_error("indexing", other)),
    }
}

/// `target[from..to]`.
pub(crate) fn slice(
    target: &Value,
    from: Option<Value>,
    to: Option<Value>,
) -> Result<Value, CypherError> {
    let items = match target {
        Value::Null => return Ok(Value::Null),
        Value::List(items) => items,
        other => return Err(type_error("slicing", other)),
    };
    let len = i64::try_from(items.len()).unwrap_or(i64::MAX);
    let bound = |v: Option<Value>, default: i64| -> Result<Option<i64>, CypherError> {
        match v {
            None => Ok(Some(default)),
            Some(v) => Ok(int_arg(&v, "a list slice")?.map(|i| {
                let i = if i < 0 { len.saturating_add(i) } else { i };
                i.clamp(0, len)
            })),
        }
    };
    let (Some(a), Some(b)) = (bound(from, 0)?, bound(to, len)?) else {
        return Ok(Value::Null);
    };
    if a >= b {
        return Ok(Value::List(Vec::new()));
    }
    let (a, b) = (
        usize::try_from(a).unwrap_or(0),
        usize::try_from(b).unwrap_or(0),
    );
    Ok(Value::List(items.get(a..b).unwrap_or(&[]).to_vec()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn integer_arithmetic_is_checked() {
        assert!(apply(
            &Cache::default(),
            BinaryOp::Add,
            &Value::Int(i64::MAX),
            &Value::Int(1)
        )
        .is_err());
        assert!(apply(
            &Cache::default(),
            BinaryOp::Div,
            &Value::Int(1),
            &Value::Int(0)
        )
        .is_err());
        assert_eq!(
            apply(
                &Cache::default(),
                BinaryOp::Div,
                &Value::Int(7),
                &Value::Int(-2)
            )
            .ok(),
            Some(Value::Int(-3))
        );
        assert_eq!(
            apply(
                &Cache::default(),
                BinaryOp::Mod,
                &Value::Int(-7),
                &Value::Int(2)
            )
            .ok(),
            Some(Value::Int(-1))
        );
        assert_eq!(
            apply(
                &Cache::default(),
                BinaryOp::Pow,
                &Value::Int(2),
                &Value::Int(3)
            )
            .ok(),
            Some(Value::Float(8.0))
        );
    }

    #[test]
    fn addition_concatenates_lists_and_strings() {
        let l = Value::List(vec![Value::Int(1)]);
        assert_eq!(
            apply(&Cache::default(), BinaryOp::Add, &l, &Value::Int(2)).ok(),
            Some(Value::List(vec![Value::Int(1), Value::Int(2)]))
        );
        assert_eq!(
            apply(
                &Cache::default(),
                BinaryOp::Add,
                &Value::String("a".into()),
                &Value::Float(1.0)
            )
            .ok(),
            Some(Value::String("a1.0".into()))
        );
        assert!(apply(
            &Cache::default(),
            BinaryOp::Add,
            &Value::Bool(true),
            &Value::Int(1)
        )
        .is_err());
    }

    #[test]
    fn floats_are_written_as_java_does() {
        assert_eq!(float_text(1.0), "1.0");
        assert_eq!(float_text(0.5), "0.5");
        assert_eq!(float_text(1e20), "1.0E20");
        assert_eq!(float_text(1.5e-7), "1.5E-7");
        assert_eq!(float_text(f64::NAN), "NaN");
    }

    #[test]
    fn slices_clamp_and_count_from_the_end() -> Result<(), CypherError> {
        let l = Value::List((0..5).map(Value::Int).collect());
        let s = slice(&l, Some(Value::Int(-2)), None)?;
        assert_eq!(s, Value::List(vec![Value::Int(3), Value::Int(4)]));
        let s = slice(&l, Some(Value::Int(3)), Some(Value::Int(1)))?;
        assert_eq!(s, Value::List(vec![]));
        assert_eq!(slice(&l, Some(Value::Null), None)?, Value::Null);
        Ok(())
    }
}
