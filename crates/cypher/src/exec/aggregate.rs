//! Aggregate functions: `count`, `sum`, `avg`, `min`, `max`, `collect`, `percentileDisc`,
//! `percentileCont`, `stDev`, `stDevP`; each skips nulls, and `DISTINCT` drops repeats first.
//! `sum` and `avg` also take durations (all of them, or none).

use std::cmp::Ordering;
use std::collections::BTreeSet;

use super::eval::{eval, Cx, Env};
use super::{ops, runtime};
use crate::ast::{BinaryOp, Expr, ExprKind};
use crate::error::ErrorKind;
use crate::temporal::Temporal;
use crate::value::{GroupKey, Value};
use crate::CypherError;

pub(crate) fn is_aggregate(name: &str) -> bool {
    matches!(
        name.to_ascii_lowercase().as_str(),
        "count"
            | "sum"
            | "avg"
            | "min"
            | "max"
            | "collect"
            | "percentiledisc"
            | "percentilecont"
            | "stdev"
            | "stdevp"
    )
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    CountStar,
    Count,
    Sum,
    Avg,
    Min,
    Max,
    Collect,
    PercentileDisc,
    PercentileCont,
    StDev,
    StDevP,
}

/// The running state of one aggregate call over one group.
pub(crate) struct Aggregator<'q> {
    kind: Kind,
    arg: Option<&'q Expr>,
    percentile: Option<&'q Expr>,
    seen: Option<BTreeSet<GroupKey>>,
    values: Vec<Value>,
    count: i64,
    p: Option<f64>,
}

impl<'q> Aggregator<'q> {
    /// The aggregator for call `e` (an aggregate function or `count(*)`).
    pub fn new(e: &'q Expr) -> Result<Aggregator<'q>, CypherError> {
        let (kind, args, distinct) = match &e.kind {
            ExprKind::CountStar => (Kind::CountStar, &[][..], false),
            ExprKind::Function {
                name,
                distinct,
                args,
            } => {
                let kind = match name.to_ascii_lowercase().as_str() {
                    "count" => Kind::Count,
                    "sum" => Kind::Sum,
                    "avg" => Kind::Avg,
                    "min" => Kind::Min,
                    "max" => Kind::Max,
                    "collect" => Kind::Collect,
                    "percentiledisc" => Kind::PercentileDisc,
                    "percentilecont" => Kind::PercentileCont,
                    "stdev" => Kind::StDev,
                    "stdevp" => Kind::StDevP,
                    _ => return Err(CypherError::unsupported(format!("aggregate {name}"))),
                };
                (kind, args.as_slice(), *distinct)
            }
            _ => return Err(CypherError::unsupported("aggregate expression")),
        };
        let wants = match kind {
            Kind::CountStar => 0,
            Kind::PercentileDisc | Kind::PercentileCont => 2,
            _ => 1,
        };
        if args.len() != wants {
            return Err(super::compile_error(
                "InvalidNumberOfArguments",
                "wrong number of arguments for an aggregate function",
            ));
        }
        Ok(Aggregator {
            kind,
            arg: args.first(),
            percentile: args.get(1),
            seen: distinct.then(BTreeSet::new),
            values: Vec::new(),
            count: 0,
            p: None,
        })
    }

    /// Adds one row.
    pub fn feed(&mut self, cx: &Cx<'_>, env: &Env<'_>) -> Result<(), CypherError> {
        let Some(arg) = self.arg else {
            self.count += 1;
            return Ok(());
        };
        if let (Some(p), None) = (self.percentile, self.p) {
            self.p = Some(percentile_arg(&eval(cx, env, p)?)?);
        }
        let v = eval(cx, env, arg)?;
        if v.is_null() {
            return Ok(());
        }
        if let Some(seen) = &mut self.seen {
            if !seen.insert(GroupKey(v.clone())) {
                return Ok(());
            }
        }
        self.count += 1;
        match self.kind {
            Kind::Count | Kind::CountStar => {}
            Kind::Sum
            | Kind::Avg
            | Kind::PercentileDisc
            | Kind::PercentileCont
            | Kind::StDev
            | Kind::StDevP => {
                let duration = matches!(v, Value::Temporal(Temporal::Duration(_)))
                    && matches!(self.kind, Kind::Sum | Kind::Avg);
                if !matches!(v, Value::Int(_) | Value::Float(_)) && !duration {
                    return Err(ops::type_error("a numeric aggregate", &v));
                }
                self.values.push(v);
            }
            Kind::Min => {
                if self
                    .values
                    .first()
                    .is_none_or(|m| v.order_cmp(m) == Ordering::Less)
                {
                    self.values = vec![v];
                }
            }
            Kind::Max => {
                if self
                    .values
                    .first()
                    .is_none_or(|m| v.order_cmp(m) == Ordering::Greater)
                {
                    self.values = vec![v];
                }
            }
            Kind::Collect => self.values.push(v),
        }
        Ok(())
    }

    pub fn finish(self) -> Result<Value, CypherError> {
        let floats = || -> Vec<f64> {
            self.values
                .iter()
                .map(|v| match v {
                    Value::Int(i) => *i as f64,
                    Value::Float(f) => *f,
                    _ => 0.0,
                })
                .collect()
        };
        Ok(match self.kind {
            Kind::Count | Kind::CountStar => Value::Int(self.count),
            Kind::Sum => sum(&self.values)?,
            Kind::Avg => {
                if self.values.is_empty() {
                    Value::Null
                } else if self.values.iter().any(|v| matches!(v, Value::Temporal(_))) {
                    let n = i64::try_from(self.values.len()).unwrap_or(i64::MAX);
                    crate::temporal::arithmetic(BinaryOp::Div, &sum(&self.values)?, &Value::Int(n))?
                } else {
                    let f = floats();
                    Value::Float(f.iter().sum::<f64>() / f.len() as f64)
                }
            }
            Kind::Min | Kind::Max => self.values.into_iter().next().unwrap_or(Value::Null),
            Kind::Collect => Value::List(self.values),
            Kind::StDev | Kind::StDevP => {
                let f = floats();
                let n = f.len() as f64;
                let denominator = if self.kind == Kind::StDev { n - 1.0 } else { n };
                if denominator <= 0.0 {
                    Value::Float(0.0)
                } else {
                    let mean = f.iter().sum::<f64>() / n;
                    let sq: f64 = f.iter().map(|x| (x - mean) * (x - mean)).sum();
                    Value::Float((sq / denominator).sqrt())
                }
            }
            Kind::PercentileDisc | Kind::PercentileCont => {
                let p = self.p.unwrap_or(0.0);
                let mut sorted = self.values.clone();
                sorted.sort_by(|a, b| a.order_cmp(b));
                percentile(&sorted, p, self.kind == Kind::PercentileDisc)
            }
        })
    }
}

/// The sum of numbers (0 for none), or of durations: mixing the two is a type error.
fn sum(values: &[Value]) -> Result<Value, CypherError> {
    let mut items = values.iter();
    let mut acc = match values.first() {
        Some(first @ Value::Temporal(_)) => {
            items.next();
            first.clone()
        }
        _ => Value::Int(0),
    };
    for v in items {
        acc = ops::add(&acc, v)?;
    }
    Ok(acc)
}

fn percentile_arg(v: &Value) -> Result<f64, CypherError> {
    let p = match v {
        Value::Int(i) => *i as f64,
        Value::Float(f) => *f,
        other => return Err(ops::type_error("a percentile", other)),
    };
    if (0.0..=1.0).contains(&p) {
        Ok(p)
    } else {
        Err(runtime(
            ErrorKind::ArgumentError,
            "NumberOutOfRange",
            format!("a percentile must be between 0.0 and 1.0, not {p}"),
        ))
    }
}

fn percentile(sorted: &[Value], p: f64, discrete: bool) -> Value {
    let n = sorted.len();
    if n == 0 {
        return Value::Null;
    }
    let as_f = |v: &Value| match v {
        Value::Int(i) => *i as f64,
        Value::Float(f) => *f,
        _ => 0.0,
    };
    if discrete {
        let x = p * n as f64;
        let idx = if x == x.floor() && x > 0.0 {
            x - 1.0
        } else {
            x.floor()
        };
        let idx = (idx.max(0.0) as usize).min(n - 1);
        sorted.get(idx).cloned().unwrap_or(Value::Null)
    } else {
        let x = p * (n - 1) as f64;
        let (lo, hi) = (x.floor() as usize, x.ceil() as usize);
        match (sorted.get(lo), sorted.get(hi)) {
            (Some(a), Some(b)) => {
                let (a, b) = (as_f(a), as_f(b));
                Value::Float(a + (b - a) * (x - lo as f64))
            }
            _ => Value::Null,
        }
    }
}

/// The aggregate calls inside `e` (not inside nested aggregates), in order.
pub(crate) fn collect_aggregates<'q>(e: &'q Expr, out: &mut Vec<&'q Expr>) {
    match &e.kind {
        ExprKind::CountStar => out.push(e),
        ExprKind::Function { name, .. } if is_aggregate(name) => out.push(e),
        _ => super::walk::for_each_child(e, &mut |c| collect_aggregates(c, out)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentiles_follow_neo4j() {
        let v: Vec<Value> = [10, 20, 30].iter().map(|i| Value::Int(*i)).collect();
        assert_eq!(percentile(&v, 0.0, true), Value::Int(10));
        assert_eq!(percentile(&v, 0.5, true), Value::Int(20));
        assert_eq!(percentile(&v, 1.0, true), Value::Int(30));
        assert_eq!(percentile(&v, 0.5, false), Value::Float(20.0));
        assert_eq!(percentile(&v, 0.25, false), Value::Float(15.0));
    }
}
