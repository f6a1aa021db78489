//! Values under openCypher's rules, for the reference: three-valued logic, equality and the
//! order comparisons see, and inline property maps.

use std::cmp::Ordering;

use super::model::{CmpOp, Expr, PatProps, Val};

pub fn lookup<'a>(props: &'a [(&'static str, Val)], key: &str) -> Option<&'a Val> {
    props.iter().find(|(k, _)| *k == key).map(|(_, v)| v)
}

/// The literal entries of an inline property map hold: a shortcut, as every map is checked
/// again once the whole pattern is bound.
pub fn literals_fit(wanted: &PatProps, has: &[(&'static str, Val)]) -> bool {
    let literals: Vec<(&'static str, Val)> = wanted
        .iter()
        .filter_map(|(k, e)| match e {
            Expr::Lit(v) => Some((*k, v.clone())),
            _ => None,
        })
        .collect();
    props_fit(&literals, has)
}

/// An inline property map matches when every entry's property exists and equals its value.
pub fn props_fit(wanted: &[(&'static str, Val)], has: &[(&'static str, Val)]) -> bool {
    wanted
        .iter()
        .all(|(k, v)| lookup(has, k).is_some_and(|p| eq3(p, v) == Some(true)))
}

pub fn bool3(b: Option<bool>) -> Val {
    b.map_or(Val::Null, Val::Bool)
}

pub fn and3(a: Option<bool>, b: Option<bool>) -> Option<bool> {
    match (a, b) {
        (Some(false), _) | (_, Some(false)) => Some(false),
        (Some(true), Some(true)) => Some(true),
        _ => None,
    }
}

/// `a = b`: `None` is null.
pub fn eq3(a: &Val, b: &Val) -> Option<bool> {
    match (a, b) {
        (Val::Null, _) | (_, Val::Null) => None,
        (Val::Int(x), Val::Float(y)) | (Val::Float(y), Val::Int(x)) => Some(*x as f64 == *y),
        (Val::List(x), Val::List(y)) if x.len() == y.len() => {
            let each: Vec<Option<bool>> = x.iter().zip(y).map(|(a, b)| eq3(a, b)).collect();
            if each.contains(&Some(false)) {
                Some(false)
            } else if each.contains(&None) {
                None
            } else {
                Some(true)
            }
        }
        (Val::List(_), Val::List(_)) => Some(false),
        _ => Some(a == b),
    }
}

/// The order `<` and friends see: numbers with numbers, strings with strings, booleans with
/// booleans; nothing else is comparable.
pub fn order3(a: &Val, b: &Val) -> Option<Ordering> {
    match (a, b) {
        (Val::Int(x), Val::Int(y)) => Some(x.cmp(y)),
        (Val::Int(x), Val::Float(y)) => (*x as f64).partial_cmp(y),
        (Val::Float(x), Val::Int(y)) => x.partial_cmp(&(*y as f64)),
        (Val::Float(x), Val::Float(y)) => x.partial_cmp(y),
        (Val::Str(x), Val::Str(y)) => Some(x.cmp(y)),
        (Val::Bool(x), Val::Bool(y)) => Some(x.cmp(y)),
        _ => None,
    }
}

pub fn compare(op: CmpOp, a: &Val, b: &Val) -> Option<bool> {
    match op {
        CmpOp::Eq => eq3(a, b),
        CmpOp::Ne => eq3(a, b).map(|x| !x),
        CmpOp::Lt => order3(a, b).map(Ordering::is_lt),
        CmpOp::Le => order3(a, b).map(Ordering::is_le),
        CmpOp::Gt => order3(a, b).map(Ordering::is_gt),
        CmpOp::Ge => order3(a, b).map(Ordering::is_ge),
    }
}
