//! Scalar functions. Names are matched case-insensitively; a null argument gives null unless
//! the function says otherwise.

use super::eval::{all_properties, check_node, eval, Cx, Env};
use super::ops::number_text;
use super::{compile_error, runtime};
use crate::ast::{Expr, ExprKind};
use crate::error::ErrorKind;
use crate::temporal;
use crate::value::Value;
use crate::CypherError;

pub(crate) fn call(
    cx: &Cx<'_>,
    env: &Env<'_>,
    name: &str,
    args: &[Expr],
) -> Result<Value, CypherError> {
    let lower = name.to_ascii_lowercase();
    if temporal::is_temporal_function(&lower) {
        let values = args
            .iter()
            .map(|a| eval(cx, env, a))
            .collect::<Result<Vec<_>, _>>()?;
        return temporal::call(&lower, &values, cx.cache.statement_time());
    }
    if lower == "exists" {
        return exists(cx, env, args);
    }
    let values = args
        .iter()
        .map(|a| eval(cx, env, a))
        .collect::<Result<Vec<_>, _>>()?;
    scalar(cx, &lower, values)
}

/// `exists(n.prop)`: whether the value is there; `exists((a)-->())`: the pattern's answer.
fn exists(cx: &Cx<'_>, env: &Env<'_>, args: &[Expr]) -> Result<Value, CypherError> {
    let [arg] = args else {
        return Err(arity("exists"));
    };
    let v = eval(cx, env, arg)?;
    Ok(match arg.kind {
        ExprKind::PatternPredicate(_) => v,
        _ => Value::Bool(!v.is_null()),
    })
}

fn arity(name: &str) -> CypherError {
    compile_error(
        "InvalidNumberOfArguments",
        format!("wrong number of arguments for {name}()"),
    )
}

fn bad_arg(name: &str, v: &Value) -> CypherError {
    runtime(
        ErrorKind::TypeError,
        "InvalidArgumentValue",
        format!("{name}() cannot take a {}", v.type_name()),
    )
}

fn scalar(cx: &Cx<'_>, name: &str, args: Vec<Value>) -> Result<Value, CypherError> {
    match (name, args.as_slice()) {
        ("coalesce", _) => Ok(args
            .into_iter()
            .find(|a| !a.is_null())
            .unwrap_or(Value::Null)),
        ("rand", []) => Ok(Value::Float(pseudo_random())),
        ("pi", []) => Ok(Value::Float(std::f64::consts::PI)),
        ("e", []) => Ok(Value::Float(std::f64::consts::E)),
        ("range", [start, end]) => range(cx, start, end, &Value::Int(1)),
        ("range", [start, end, step]) => range(cx, start, end, step),
        (_, [Value::Null, ..]) if !matches!(name, "tostring" | "size") => {
            if accepts(name, args.len()) {
                Ok(Value::Null)
            } else {
                Err(unknown_or_arity(name))
            }
        }
        (_, [one]) => unary(cx, name, one),
        (_, [a, b]) => binary(name, a, b),
        (_, [a, b, c]) => ternary(name, a, b, c),
        _ => Err(unknown_or_arity(name)),
    }
}

/// Whether `name` is a known function taking `n` arguments.
fn accepts(name: &str, n: usize) -> bool {
    match name {
        "left" | "right" | "split" | "atan2" => n == 2,
        "replace" => n == 3,
        "substring" => n == 2 || n == 3,
        _ => is_unary(name) && n == 1,
    }
}

fn known(name: &str) -> bool {
    (1..=3).any(|n| accepts(name, n)) || matches!(name, "range" | "coalesce" | "rand" | "pi" | "e")
}

fn is_unary(name: &str) -> bool {
    matches!(
        name,
        "id" | "labels"
            | "type"
            | "properties"
            | "keys"
            | "size"
            | "length"
            | "nodes"
            | "relationships"
            | "rels"
            | "startnode"
            | "endnode"
            | "head"
            | "last"
            | "tail"
            | "reverse"
            | "tointeger"
            | "tofloat"
            | "tostring"
            | "toboolean"
            | "tolower"
            | "toupper"
            | "trim"
            | "ltrim"
            | "rtrim"
            | "abs"
            | "ceil"
            | "floor"
            | "round"
            | "sign"
            | "sqrt"
            | "exp"
            | "log"
            | "log10"
            | "sin"
            | "cos"
            | "tan"
            | "cot"
            | "asin"
            | "acos"
            | "atan"
            | "degrees"
            | "radians"
            | "haversin"
    )
}

fn unknown_or_arity(name: &str) -> CypherError {
    if known(name) {
        arity(name)
    } else {
        compile_error("UnknownFunction", format!("unknown function {name}()"))
    }
}

fn unary(cx: &Cx<'_>, name: &str, v: &Value) -> Result<Value, CypherError> {
    let g = cx.graph;
    let s = |s: &str| Value::String(s.to_string());
    Ok(match (name, v) {
        ("id", Value::Node(n)) => Value::Int(*n as i64),
        ("id", Value::Rel(r)) => Value::Int(r.id as i64),
        ("labels", Value::Node(n)) => {
            check_node(cx, *n)?;
            Value::List(g.labels(*n).into_iter().map(Value::String).collect())
        }
        ("type", Value::Rel(r)) => s(g.rel_type(r.ty)),
        ("properties", Value::Node(_) | Value::Rel(_) | Value::Map(_)) => {
            Value::Map(all_properties(cx, v)?.into_iter().collect())
        }
        ("keys", Value::Node(_) | Value::Rel(_) | Value::Map(_)) => Value::List(
            all_properties(cx, v)?
                .into_iter()
                .map(|(k, _)| Value::String(k))
                .collect(),
        ),
        ("size", Value::Null) | ("tostring", Value::Null) => Value::Null,
        ("size", Value::List(l)) => Value::Int(l.len() as i64),
        ("size", Value::String(t)) => Value::Int(t.chars().count() as i64),
        ("length", Value::Path(p)) => Value::Int(p.rels.len() as i64),
        ("length", Value::List(l)) => Value::Int(l.len() as i64),
        ("length", Value::String(t)) => Value::Int(t.chars().count() as i64),
        ("nodes", Value::Path(p)) => Value::List(p.nodes.iter().map(|n| Value::Node(*n)).collect()),
        ("relationships" | "rels", Value::Path(p)) => {
            Value::List(p.rels.iter().map(|r| Value::Rel(*r)).collect())
        }
        ("startnode", Value::Rel(r)) => Value::Node(r.start),
        ("endnode", Value::Rel(r)) => Value::Node(r.end),
        ("head", Value::List(l)) => l.first().cloned().unwrap_or(Value::Null),
        ("last", Value::List(l)) => l.last().cloned().unwrap_or(Value::Null),
        ("tail", Value::List(l)) => Value::List(l.iter().skip(1).cloned().collect()),
        ("reverse", Value::List(l)) => Value::List(l.iter().rev().cloned().collect()),
        ("reverse", Value::String(t)) => Value::String(t.chars().rev().collect()),
        ("tointeger", _) => to_integer(v)?,
        ("tofloat", _) => to_float(v)?,
        ("tostring", Value::Int(_) | Value::Float(_)) => Value::String(number_text(v)),
        ("tostring", Value::String(_)) => v.clone(),
        ("tostring", Value::Bool(b)) => s(if *b { "true" } else { "false" }),
        ("tostring", Value::Temporal(t)) => Value::String(t.to_string()),
        ("toboolean", Value::Bool(_)) => v.clone(),
        ("toboolean", Value::Int(i)) => Value::Bool(*i != 0),
        ("toboolean", Value::String(t)) => match t.trim().to_ascii_lowercase().as_str() {
            "true" => Value::Bool(true),
            "false" => Value::Bool(false),
            _ => Value::Null,
        },
        ("tolower", Value::String(t)) => Value::String(t.to_lowercase()),
        ("toupper", Value::String(t)) => Value::String(t.to_uppercase()),
        ("trim", Value::String(t)) => s(t.trim()),
        ("ltrim", Value::String(t)) => s(t.trim_start()),
        ("rtrim", Value::String(t)) => s(t.trim_end()),
        ("abs", Value::Int(i)) => Value::Int(i.checked_abs().ok_or_else(|| {
            runtime(
                ErrorKind::ArgumentError,
                "NumberOutOfRange",
                "integer overflow",
            )
        })?),
        ("sign", Value::Int(i)) => Value::Int(i.signum()),
        ("sign", Value::Float(f)) => Value::Int(if *f > 0.0 {
            1
        } else if *f < 0.0 {
            -1
        } else {
            0
        }),
        (_, Value::Int(_) | Value::Float(_)) if is_math(name) => {
            let f = match v {
                Value::Int(i) => *i as f64,
                Value::Float(f) => *f,
                _ => 0.0,
            };
            math(name, f)
        }
        _ if is_unary(name) => return Err(bad_arg(name, v)),
        _ => return Err(unknown_or_arity(name)),
    })
}

fn is_math(name: &str) -> bool {
    matches!(
        name,
        "abs"
            | "ceil"
            | "floor"
            | "round"
            | "sqrt"
            | "exp"
            | "log"
            | "log10"
            | "sin"
            | "cos"
            | "tan"
            | "cot"
            | "asin"
            | "acos"
            | "atan"
            | "degrees"
            | "radians"
            | "haversin"
    )
}

fn math(name: &str, f: f64) -> Value {
    Value::Float(match name {
        "abs" => f.abs(),
        "ceil" => f.ceil(),
        "floor" => f.floor(),
        // Java's Math.round: half up.
        "round" => (f + 0.5).floor(),
        "sqrt" => f.sqrt(),
        "exp" => f.exp(),
        "log" => f.ln(),
        "log10" => f.log10(),
        "sin" => f.sin(),
        "cos" => f.cos(),
        "tan" => f.tan(),
        "cot" => 1.0 / f.tan(),
        "asin" => f.asin(),
        "acos" => f.acos(),
        "atan" => f.atan(),
        "degrees" => f.to_degrees(),
        "radians" => f.to_radians(),
        _ => (1.0 - f.cos()) / 2.0,
    })
}

fn to_integer(v: &Value) -> Result<Value, CypherError> {
    Ok(match v {
        Value::Int(_) => v.clone(),
        Value::Bool(b) => Value::Int(i64::from(*b)),
        Value::Float(f) => float_to_int(*f),
        Value::String(t) => {
            let t = t.trim();
            match t.parse::<i64>() {
                Ok(i) => Value::Int(i),
                Err(_) => t.parse::<f64>().map_or(Value::Null, float_to_int),
            }
        }
        other => return Err(bad_arg("toInteger", other)),
    })
}

fn float_to_int(f: f64) -> Value {
    if f.is_finite() && f.abs() < 9.2e18 {
        Value::Int(f.trunc() as i64)
    } else {
        Value::Null
    }
}

fn to_float(v: &Value) -> Result<Value, CypherError> {
    Ok(match v {
        Value::Float(_) => v.clone(),
        Value::Int(i) => Value::Float(*i as f64),
        Value::String(t) => t.trim().parse::<f64>().map_or(Value::Null, Value::Float),
        other => return Err(bad_arg("toFloat", other)),
    })
}

fn int_arg(name: &str, v: &Value) -> Result<i64, CypherError> {
    match v {
        Value::Int(i) => Ok(*i),
        other => Err(bad_arg(name, other)),
    }
}

fn char_count(i: i64) -> usize {
    usize::try_from(i.max(0)).unwrap_or(usize::MAX)
}

fn binary(name: &str, a: &Value, b: &Value) -> Result<Value, CypherError> {
    if b.is_null() && accepts(name, 2) {
        return Ok(Value::Null);
    }
    Ok(match (name, a, b) {
        ("left", Value::String(s), n) => {
            let n = int_arg(name, n)?;
            if n < 0 {
                return Err(negative(name));
            }
            Value::String(s.chars().take(char_count(n)).collect())
        }
        ("right", Value::String(s), n) => {
            let n = int_arg(name, n)?;
            if n < 0 {
                return Err(negative(name));
            }
            let len = s.chars().count();
            Value::String(s.chars().skip(len.saturating_sub(char_count(n))).collect())
        }
        ("substring", Value::String(s), start) => {
            let start = int_arg(name, start)?;
            if start < 0 {
                return Err(negative(name));
            }
            Value::String(s.chars().skip(char_count(start)).collect())
        }
        ("split", Value::String(s), Value::String(d)) => {
            let parts: Vec<Value> = if d.is_empty() {
                s.chars().map(|c| Value::String(c.to_string())).collect()
            } else {
                s.split(d.as_str())
                    .map(|p| Value::String(p.to_string()))
                    .collect()
            };
            Value::List(parts)
        }
        ("atan2", y, x) => match (num(y), num(x)) {
            (Some(y), Some(x)) => Value::Float(y.atan2(x)),
            _ => return Err(bad_arg(name, if num(y).is_none() { y } else { x })),
        },
        _ if accepts(name, 2) => return Err(bad_arg(name, a)),
        _ => return Err(unknown_or_arity(name)),
    })
}

fn num(v: &Value) -> Option<f64> {
    match v {
        Value::Int(i) => Some(*i as f64),
        Value::Float(f) => Some(*f),
        _ => None,
    }
}

fn negative(name: &str) -> CypherError {
    runtime(
        ErrorKind::ArgumentError,
        "NegativeIntegerArgument",
        format!("{name}() needs a non-negative length"),
    )
}

fn ternary(name: &str, a: &Value, b: &Value, c: &Value) -> Result<Value, CypherError> {
    if b.is_null() || c.is_null() {
        return Ok(Value::Null);
    }
    Ok(match (name, a, b, c) {
        ("substring", Value::String(s), start, len) => {
            let (start, len) = (int_arg(name, start)?, int_arg(name, len)?);
            if start < 0 || len < 0 {
                return Err(negative(name));
            }
            Value::String(
                s.chars()
                    .skip(char_count(start))
                    .take(char_count(len))
                    .collect(),
            )
        }
        ("replace", Value::String(s), Value::String(from), Value::String(to)) => {
            if from.is_empty() {
                // Java's String.replace inserts at every boundary.
                let mut out = to.clone();
                for ch in s.chars() {
                    out.push(ch);
                    out.push_str(to);
                }
                Value::String(out)
            } else {
                Value::String(s.replace(from.as_str(), to))
            }
        }
        ("substring" | "replace", ..) => return Err(bad_arg(name, a)),
        _ => return Err(unknown_or_arity(name)),
    })
}

fn range(cx: &Cx<'_>, start: &Value, end: &Value, step: &Value) -> Result<Value, CypherError> {
    let int = |v: &Value| match v {
        Value::Int(i) => Ok(*i),
        other => Err(runtime(
            ErrorKind::ArgumentError,
            "InvalidArgumentType",
            format!("range() needs integers, not a {}", other.type_name()),
        )),
    };
    let (start, end, step) = (int(start)?, int(end)?, int(step)?);
    if step == 0 {
        return Err(runtime(
            ErrorKind::ArgumentError,
            "NumberOutOfRange",
            "range() step must not be zero",
        ));
    }
    let (start_w, end_w, step_w) = (i128::from(start), i128::from(end), i128::from(step));
    let count = if (step > 0 && end < start) || (step < 0 && end > start) {
        0
    } else {
        (end_w - start_w) / step_w + 1
    };
    // A list is not rows, but it must not run away either: allow a few times the row limit.
    let size = usize::try_from(count).unwrap_or(usize::MAX);
    cx.guard.check_rows(size / 4)?;
    let mut out = Vec::new();
    let mut i = start_w;
    for _ in 0..count {
        out.push(Value::Int(i64::try_from(i).unwrap_or_default()));
        i += step_w;
    }
    Ok(Value::List(out))
}

/// `rand()`: uniform in [0, 1). Not for anything that needs real randomness.
fn pseudo_random() -> f64 {
    use std::collections::hash_map::RandomState;
    use std::hash::{BuildHasher, Hasher};
    let mut h = RandomState::new().build_hasher();
    h.write_u64(
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos() as u64),
    );
    (h.finish() >> 11) as f64 / (1u64 << 53) as f64
}
