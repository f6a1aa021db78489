//! Expression evaluation over one row.

use std::collections::{BTreeMap, HashMap};

use super::{aggregate, compile_error, functions, match_, ops, runtime, Guard};
use crate::ast::{Expr, ExprKind, Literal, MapProjectionItem, Quantifier, UnaryOp};
use crate::error::ErrorKind;
use crate::graph::GraphRead;
use crate::value::Value;
use crate::{CypherError, Params};

/// Values of the aggregate calls of a projection for one group, keyed by the address of the
/// call's [`Expr`] node.
pub(crate) type AggValues = HashMap<usize, Value>;

/// What an expression may consult besides its row.
pub(crate) struct Cx<'a> {
    pub graph: &'a dyn GraphRead,
    pub params: &'a Params,
    pub guard: &'a Guard,
    pub cache: &'a ops::Cache,
    pub aggs: Option<&'a AggValues>,
}

impl<'a> Cx<'a> {
    /// The same context with the aggregate values of one group.
    pub fn with_aggs<'b>(&'b self, aggs: &'b AggValues) -> Cx<'b> {
        Cx {
            graph: self.graph,
            params: self.params,
            guard: self.guard,
            cache: self.cache,
            aggs: Some(aggs),
        }
    }
}

/// The variables visible to an expression: a row's names and values, over an outer scope.
/// Later names shadow earlier ones; an empty name is a hidden slot.
#[derive(Clone, Copy)]
pub(crate) struct Env<'a> {
    names: &'a [String],
    values: &'a [Value],
    parent: Option<&'a Env<'a>>,
}

impl<'a> Env<'a> {
    pub fn new(names: &'a [String], values: &'a [Value]) -> Env<'a> {
        Env {
            names,
            values,
            parent: None,
        }
    }

    pub fn empty() -> Env<'static> {
        Env {
            names: &[],
            values: &[],
            parent: None,
        }
    }

    pub fn child(&'a self, names: &'a [String], values: &'a [Value]) -> Env<'a> {
        Env {
            names,
            values,
            parent: Some(self),
        }
    }

    pub fn get(&self, name: &str) -> Option<&'a Value> {
        let own = self
            .names
            .iter()
            .rposition(|n| n == name)
            .and_then(|i| self.values.get(i));
        own.or_else(|| self.parent.and_then(|p| p.get(name)))
    }

    /// Every visible variable once, innermost binding winning.
    pub fn flatten(&self) -> (Vec<String>, Vec<Value>) {
        let mut names: Vec<String> = Vec::new();
        let mut values = Vec::new();
        let mut env = Some(self);
        while let Some(e) = env {
            for (n, v) in e.names.iter().zip(e.values.iter()).rev() {
                if !n.is_empty() && !names.contains(n) {
                    names.push(n.clone());
                    values.push(v.clone());
                }
            }
            env = e.parent;
        }
        (names, values)
    }
}

pub(crate) fn eval(cx: &Cx<'_>, env: &Env<'_>, e: &Expr) -> Result<Value, CypherError> {
    match &e.kind {
        ExprKind::Literal(l) => Ok(match l {
            Literal::Null => Value::Null,
            Literal::Bool(b) => Value::Bool(*b),
            Literal::Int(i) => Value::Int(*i),
            Literal::Float(f) => Value::Float(*f),
            Literal::String(s) => Value::String(s.clone()),
        }),
        ExprKind::Parameter(name) => cx.params.get(name).cloned().ok_or_else(|| {
            runtime(
                ErrorKind::ParameterMissing,
                "MissingParameter",
                format!("expected a parameter named {name}"),
            )
        }),
        ExprKind::Variable(name) => env.get(name).cloned().ok_or_else(|| {
            compile_error(
                "UndefinedVariable",
                format!("variable `{name}` not defined"),
            )
        }),
        ExprKind::List(items) => items
            .iter()
            .map(|i| eval(cx, env, i))
            .collect::<Result<Vec<_>, _>>()
            .map(Value::List),
        ExprKind::Map(entries) => {
            let mut map = BTreeMap::new();
            for (k, v) in entries {
                map.insert(k.name.clone(), eval(cx, env, v)?);
            }
            Ok(Value::Map(map))
        }
        ExprKind::Property(target, key) => {
            let t = eval(cx, env, target)?;
            property(cx, &t, &key.name)
        }
        ExprKind::Index(target, index) => {
            let t = eval(cx, env, target)?;
            let i = eval(cx, env, index)?;
            ops::index(cx, &t, &i)
        }
        ExprKind::Slice(target, from, to) => {
            let t = eval(cx, env, target)?;
            let from = from.as_ref().map(|f| eval(cx, env, f)).transpose()?;
            let to = to.as_ref().map(|t| eval(cx, env, t)).transpose()?;
            ops::slice(&t, from, to)
        }
        ExprKind::Unary(op, operand) => {
            let v = eval(cx, env, operand)?;
            match op {
                UnaryOp::Not => ops::not(&v),
                UnaryOp::Neg => ops::neg(&v),
                UnaryOp::Pos => match v {
                    Value::Int(_) | Value::Float(_) | Value::Null => Ok(v),
                    other => Err(ops::type_error("unary +", &other)),
                },
            }
        }
        ExprKind::Binary(op, l, r) => ops::binary(cx, env, *op, l, r),
        ExprKind::Chain {
            operands,
            ops: chain,
        } => {
            let values = operands
                .iter()
                .map(|o| eval(cx, env, o))
                .collect::<Result<Vec<_>, _>>()?;
            let mut result = Some(true);
            for (pair, op) in values.windows(2).zip(chain.iter()) {
                if let [a, b] = pair {
                    let v = ops::compare(*op, a, b)?;
                    result = ops::and3(result, ops::as_bool3(&v)?);
                }
            }
            Ok(result.map_or(Value::Null, Value::Bool))
        }
        ExprKind::IsNull { expr, negated } => {
            let v = eval(cx, env, expr)?;
            Ok(Value::Bool(v.is_null() != *negated))
        }
        ExprKind::HasLabels(target, labels) => match eval(cx, env, target)? {
            Value::Null => Ok(Value::Null),
            Value::Node(n) => {
                check_node(cx, n)?;
                Ok(Value::Bool(
                    labels.iter().all(|l| cx.graph.has_label(n, &l.name)),
                ))
            }
            other => Err(ops::type_error("a label predicate", &other)),
        },
        ExprKind::Function {
            name,
            distinct,
            args,
        } => {
            if aggregate::is_aggregate(name) {
                return aggregate_value(cx, e);
            }
            if *distinct {
                return Err(compile_error(
                    "InvalidAggregation",
                    format!("DISTINCT is only allowed in aggregate functions, not {name}"),
                ));
            }
            functions::call(cx, env, name, args)
        }
        ExprKind::CountStar => aggregate_value(cx, e),
        ExprKind::Case {
            operand,
            whens,
            else_,
        } => {
            let subject = operand.as_ref().map(|o| eval(cx, env, o)).transpose()?;
            for (when, then) in whens {
                let w = eval(cx, env, when)?;
                let hit = match &subject {
                    Some(s) => s.cypher_eq(&w) == Some(true),
                    None => matches!(w, Value::Bool(true)),
                };
                if hit {
                    return eval(cx, env, then);
                }
            }
            else_.as_ref().map_or(Ok(Value::Null), |e| eval(cx, env, e))
        }
        ExprKind::ListComprehension {
            var,
            list,
            filter,
            map,
        } => {
            let Some(items) = list_operand(eval(cx, env, list)?)? else {
                return Ok(Value::Null);
            };
            let names = [var.name.clone()];
            let mut out = Vec::new();
            for item in items {
                cx.guard.tick()?;
                let values = [item];
                let inner = env.child(&names, &values);
                if let Some(f) = filter {
                    if !is_true(&eval(cx, &inner, f)?)? {
                        continue;
                    }
                }
                out.push(match map {
                    Some(m) => eval(cx, &inner, m)?,
                    None => values.into_iter().next().unwrap_or(Value::Null),
                });
            }
            Ok(Value::List(out))
        }
        ExprKind::Quantified {
            quantifier,
            var,
            list,
            filter,
        } => quantified(cx, env, *quantifier, &var.name, list, filter.as_deref()),
        ExprKind::Reduce {
            acc,
            init,
            var,
            list,
            expr,
        } => {
            let mut value = eval(cx, env, init)?;
            let Some(items) = list_operand(eval(cx, env, list)?)? else {
                return Ok(Value::Null);
            };
            let names = [acc.name.clone(), var.name.clone()];
            for item in items {
                cx.guard.tick()?;
                let values = [value, item];
                value = eval(cx, &env.child(&names, &values), expr)?;
                // Each step may wrap the accumulator once more; a value nested without bound
                // would overflow the stack of whatever walks (or drops) it.
                if nested_deeper_than(&value, MAX_NESTING) {
                    return Err(CypherError::unsupported(format!(
                        "values nested more than {MAX_NESTING} deep"
                    )));
                }
            }
            Ok(value)
        }
        ExprKind::PatternPredicate(element) => {
            match_::pattern_exists(cx, env, element).map(Value::Bool)
        }
        ExprKind::PatternComprehension {
            var,
            pattern,
            filter,
            map,
        } => match_::pattern_comprehension(cx, env, var.as_ref(), pattern, filter.as_deref(), map),
        ExprKind::ExistsSubquery { pattern, where_ } => {
            match_::exists_subquery(cx, env, pattern, where_.as_deref()).map(Value::Bool)
        }
        ExprKind::ExistsQuery(query) => exists_query(cx, env, query).map(Value::Bool),
        ExprKind::MapProjection { var, items } => {
            let subject = env.get(&var.name).cloned().ok_or_else(|| {
                compile_error(
                    "UndefinedVariable",
                    format!("variable `{}` not defined", var.name),
                )
            })?;
            map_projection(cx, env, &subject, items)
        }
    }
}

/// `EXISTS { ... }` over a whole (read-only) query, starting from the enclosing row.
fn exists_query(
    cx: &Cx<'_>,
    env: &Env<'_>,
    query: &crate::ast::Query,
) -> Result<bool, CypherError> {
    let (names, values) = env.flatten();
    let singles = std::iter::once(&query.first).chain(query.unions.iter().map(|(_, q)| q));
    for single in singles {
        let mut table = super::Table {
            names: names.clone(),
            rows: vec![values.clone()],
        };
        for clause in &single.clauses {
            table = super::read_clause(cx, table, clause, None)?;
        }
        if !table.rows.is_empty() {
            return Ok(true);
        }
    }
    Ok(false)
}

/// The deepest lists and maps may nest when built by iteration.
const MAX_NESTING: usize = 1000;

fn nested_deeper_than(v: &Value, limit: usize) -> bool {
    let deeper = |i: &Value| {
        matches!(i, Value::List(_) | Value::Map(_))
            && (limit == 0 || nested_deeper_than(i, limit - 1))
    };
    match v {
        Value::List(items) => items.iter().any(deeper),
        Value::Map(m) => m.values().any(deeper),
        _ => false,
    }
}

fn aggregate_value(cx: &Cx<'_>, e: &Expr) -> Result<Value, CypherError> {
    let key = e as *const Expr as usize;
    cx.aggs
        .and_then(|a| a.get(&key))
        .cloned()
        .ok_or_else(|| compile_error("InvalidAggregation", "aggregation is not allowed here"))
}

/// Whether a predicate's value keeps a row: only `true` does.
pub(crate) fn is_true(v: &Value) -> Result<bool, CypherError> {
    Ok(ops::as_bool3(v)? == Some(true))
}

/// A list operand of a comprehension, quantifier or `reduce`; `None` for null.
fn list_operand(v: Value) -> Result<Option<Vec<Value>>, CypherError> {
    match v {
        Value::Null => Ok(None),
        Value::List(items) => Ok(Some(items)),
        other => Err(ops::type_error("a list iteration", &other)),
    }
}

fn quantified(
    cx: &Cx<'_>,
    env: &Env<'_>,
    quantifier: Quantifier,
    var: &str,
    list: &Expr,
    filter: Option<&Expr>,
) -> Result<Value, CypherError> {
    let Some(items) = list_operand(eval(cx, env, list)?)? else {
        return Ok(Value::Null);
    };
    let names = [var.to_string()];
    let (mut trues, mut nulls, mut falses) = (0usize, 0usize, 0usize);
    for item in items {
        cx.guard.tick()?;
        let values = [item];
        let v = match filter {
            Some(f) => eval(cx, &env.child(&names, &values), f)?,
            None => values.into_iter().next().unwrap_or(Value::Null),
        };
        match ops::as_bool3(&v)? {
            Some(true) => trues += 1,
            Some(false) => falses += 1,
            None => nulls += 1,
        }
    }
    let b = |x: Option<bool>| x.map_or(Value::Null, Value::Bool);
    Ok(match quantifier {
        Quantifier::All => b(if falses > 0 {
            Some(false)
        } else if nulls > 0 {
            None
        } else {
            Some(true)
        }),
        Quantifier::Any => b(if trues > 0 {
            Some(true)
        } else if nulls > 0 {
            None
        } else {
            Some(false)
        }),
        Quantifier::None => b(if trues > 0 {
            Some(false)
        } else if nulls > 0 {
            None
        } else {
            Some(true)
        }),
        Quantifier::Single => b(if trues > 1 {
            Some(false)
        } else if nulls > 0 {
            None
        } else {
            Some(trues == 1)
        }),
    })
}

fn map_projection(
    cx: &Cx<'_>,
    env: &Env<'_>,
    subject: &Value,
    items: &[MapProjectionItem],
) -> Result<Value, CypherError> {
    if subject.is_null() {
        return Ok(Value::Null);
    }
    let mut map = BTreeMap::new();
    for item in items {
        match item {
            MapProjectionItem::Property(key) => {
                map.insert(key.name.clone(), property(cx, subject, &key.name)?);
            }
            MapProjectionItem::AllProperties => {
                for (k, v) in all_properties(cx, subject)? {
                    map.insert(k, v);
                }
            }
            MapProjectionItem::Literal(key, e) => {
                map.insert(key.name.clone(), eval(cx, env, e)?);
            }
            MapProjectionItem::Variable(var) => {
                let v = env.get(&var.name).cloned().ok_or_else(|| {
                    compile_error(
                        "UndefinedVariable",
                        format!("variable `{}` not defined", var.name),
                    )
                })?;
                map.insert(var.name.clone(), v);
            }
        }
    }
    Ok(Value::Map(map))
}

fn deleted() -> CypherError {
    runtime(
        ErrorKind::EntityNotFound,
        "DeletedEntityAccess",
        "the entity was deleted earlier in this query",
    )
}

pub(crate) fn check_node(cx: &Cx<'_>, n: u64) -> Result<(), CypherError> {
    if cx.graph.has_node(n) {
        Ok(())
    } else {
        Err(deleted())
    }
}

/// `subject.key`.
pub(crate) fn property(cx: &Cx<'_>, subject: &Value, key: &str) -> Result<Value, CypherError> {
    match subject {
        Value::Null => Ok(Value::Null),
        Value::Node(n) => {
            check_node(cx, *n)?;
            Ok(cx.graph.node_property(*n, key).unwrap_or(Value::Null))
        }
        Value::Rel(r) => {
            if !cx.graph.has_rel(*r) {
                return Err(deleted());
            }
            Ok(cx.graph.rel_property(*r, key).unwrap_or(Value::Null))
        }
        Value::Map(m) => Ok(m.get(key).cloned().unwrap_or(Value::Null)),
        Value::Temporal(t) => crate::temporal::field(t, key),
        other => Err(runtime(
            ErrorKind::TypeError,
            "PropertyAccessOnNonMap",
            format!("cannot read property `{key}` of a {}", other.type_name()),
        )),
    }
}

/// The properties of a node, relationship or map, sorted by key.
pub(crate) fn all_properties(
    cx: &Cx<'_>,
    subject: &Value,
) -> Result<Vec<(String, Value)>, CypherError> {
    match subject {
        Value::Node(n) => {
            check_node(cx, *n)?;
            Ok(cx.graph.node_properties(*n))
        }
        Value::Rel(r) => {
            if !cx.graph.has_rel(*r) {
                return Err(deleted());
            }
            Ok(cx.graph.rel_properties(*r))
        }
        Value::Map(m) => Ok(m.iter().map(|(k, v)| (k.clone(), v.clone())).collect()),
        other => Err(runtime(
            ErrorKind::TypeError,
            "InvalidArgumentValue",
            format!("a {} has no properties", other.type_name()),
        )),
    }
}
