//! Walking expressions: their sub-expressions, and the variables they mention.

use std::collections::BTreeSet;

use crate::ast::{Expr, ExprKind, MapProjectionItem, PatternElement, PatternPart};

/// Calls `f` on each direct sub-expression of `e`, including the property maps of patterns.
pub(crate) fn for_each_child<'q>(e: &'q Expr, f: &mut dyn FnMut(&'q Expr)) {
    match &e.kind {
        ExprKind::Literal(_)
        | ExprKind::Parameter(_)
        | ExprKind::Variable(_)
        | ExprKind::CountStar
        | ExprKind::ExistsQuery(_) => {}
        ExprKind::List(items) => items.iter().for_each(f),
        ExprKind::Map(entries) => entries.iter().for_each(|(_, v)| f(v)),
        ExprKind::Property(t, _) | ExprKind::Unary(_, t) | ExprKind::HasLabels(t, _) => f(t),
        ExprKind::IsNull { expr, .. } => f(expr),
        ExprKind::Index(a, b) | ExprKind::Binary(_, a, b) => {
            f(a);
            f(b);
        }
        ExprKind::Slice(a, b, c) => {
            f(a);
            b.iter().chain(c.iter()).for_each(|x| f(x));
        }
        ExprKind::Chain { operands, .. } => operands.iter().for_each(f),
        ExprKind::Function { args, .. } => args.iter().for_each(f),
        ExprKind::Case {
            operand,
            whens,
            else_,
        } => {
            operand.iter().for_each(|x| f(x));
            for (w, t) in whens {
                f(w);
                f(t);
            }
            else_.iter().for_each(|x| f(x));
        }
        ExprKind::ListComprehension {
            list, filter, map, ..
        } => {
            f(list);
            filter.iter().chain(map.iter()).for_each(|x| f(x));
        }
        ExprKind::PatternComprehension {
            pattern,
            filter,
            map,
            ..
        } => {
            element_exprs(pattern, f);
            filter.iter().for_each(|x| f(x));
            f(map);
        }
        ExprKind::Quantified { list, filter, .. } => {
            f(list);
            filter.iter().for_each(|x| f(x));
        }
        ExprKind::Reduce {
            init, list, expr, ..
        } => {
            f(init);
            f(list);
            f(expr);
        }
        ExprKind::PatternPredicate(element) => element_exprs(element, f),
        ExprKind::ExistsSubquery { pattern, where_ } => {
            for part in pattern {
                element_exprs(&part.element, f);
            }
            where_.iter().for_each(|x| f(x));
        }
        ExprKind::MapProjection { items, .. } => {
            for item in items {
                if let MapProjectionItem::Literal(_, e) = item {
                    f(e);
                }
            }
        }
    }
}

fn element_exprs<'q>(element: &'q PatternElement, f: &mut dyn FnMut(&'q Expr)) {
    element.start.props.iter().for_each(&mut *f);
    for (rel, node) in &element.chain {
        rel.props.iter().chain(node.props.iter()).for_each(&mut *f);
    }
}

/// Stands for "every variable" in [`mentioned_vars`] (not a valid identifier).
pub(crate) const ANY_VARIABLE: &str = "*";

/// Every variable name `e` mentions, including ones it binds itself (an over-estimate of its
/// free variables, which is what a planner deciding when a predicate can run needs).
pub(crate) fn mentioned_vars(e: &Expr, out: &mut BTreeSet<String>) {
    match &e.kind {
        ExprKind::Variable(name) => {
            out.insert(name.clone());
        }
        ExprKind::MapProjection { var, items } => {
            out.insert(var.name.clone());
            for item in items {
                if let MapProjectionItem::Variable(v) = item {
                    out.insert(v.name.clone());
                }
            }
        }
        ExprKind::PatternPredicate(element) => element_vars(element, out),
        ExprKind::PatternComprehension { pattern, .. } => element_vars(pattern, out),
        ExprKind::ExistsSubquery { pattern, .. } => pattern.iter().for_each(|p| part_vars(p, out)),
        // A whole subquery may read any variable in scope.
        ExprKind::ExistsQuery(_) => {
            out.insert(ANY_VARIABLE.to_string());
        }
        _ => {}
    }
    for_each_child(e, &mut |c| mentioned_vars(c, out));
}

fn part_vars(part: &PatternPart, out: &mut BTreeSet<String>) {
    if let Some(v) = &part.var {
        out.insert(v.name.clone());
    }
    element_vars(&part.element, out);
}

fn element_vars(element: &PatternElement, out: &mut BTreeSet<String>) {
    let nodes = std::iter::once(&element.start).chain(element.chain.iter().map(|(_, n)| n));
    for n in nodes {
        if let Some(v) = &n.var {
            out.insert(v.name.clone());
        }
    }
    for (r, _) in &element.chain {
        if let Some(v) = &r.var {
            out.insert(v.name.clone());
        }
    }
}

/// Whether `e` contains an aggregate call.
pub(crate) fn has_aggregate(e: &Expr) -> bool {
    let mut found = Vec::new();
    super::aggregate::collect_aggregates(e, &mut found);
    !found.is_empty()
}

/// The conjuncts of a predicate: `a AND b AND c` -> `[a, b, c]`.
pub(crate) fn conjuncts<'q>(e: &'q Expr, out: &mut Vec<&'q Expr>) {
    match &e.kind {
        ExprKind::Binary(crate::ast::BinaryOp::And, a, b) => {
            conjuncts(a, out);
            conjuncts(b, out);
        }
        _ => out.push(e),
    }
}
