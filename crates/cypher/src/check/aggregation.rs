//! Aggregation: which expressions aggregate, and what an aggregating expression may use
//! outside its aggregates (only grouping keys: projected variables and properties of them).

use std::collections::HashSet;

use super::functions;
use crate::ast::{Expr, ExprKind, MapProjectionItem, PatternElement, ProjectionItem};

/// The grouping keys of an aggregating projection, as seen by its aggregating expressions.
#[derive(Debug, Default)]
pub(super) struct Grouping {
    /// Variables that are keys (projected as themselves, or every variable under `*`).
    pub(super) key_vars: HashSet<String>,
    /// `(variable, property)` pairs projected as keys, e.g. `me.age`.
    pub(super) key_props: HashSet<(String, String)>,
    /// Every variable a key mentions: one of them used elsewhere is ambiguous, not undefined.
    pub(super) key_free_vars: HashSet<String>,
}

impl Grouping {
    /// The keys of a projection whose non-aggregating items are `keys`; `star` adds all of
    /// `star_vars`.
    pub(super) fn of<'a>(
        keys: impl Iterator<Item = &'a ProjectionItem>,
        star_vars: impl Iterator<Item = &'a String>,
    ) -> Grouping {
        let mut grouping = Grouping::default();
        for item in keys {
            match &item.expr.kind {
                ExprKind::Variable(name) => {
                    grouping.key_vars.insert(name.clone());
                }
                ExprKind::Property(base, key) => {
                    if let ExprKind::Variable(name) = &base.kind {
                        grouping.key_props.insert((name.clone(), key.name.clone()));
                    }
                }
                _ => {}
            }
            variables_in(&item.expr, &mut grouping.key_free_vars);
        }
        grouping.key_vars.extend(star_vars.cloned());
        grouping
    }
}

/// True when `e` is a variable or a property of a variable: a key an aggregating expression
/// may use next to its aggregates.
pub(super) fn is_simple_key(e: &Expr) -> bool {
    match &e.kind {
        ExprKind::Variable(_) => true,
        ExprKind::Property(base, _) => matches!(base.kind, ExprKind::Variable(_)),
        _ => false,
    }
}

/// True when `e` contains an aggregate outside any subquery.
pub(super) fn contains_aggregate(e: &Expr) -> bool {
    let mut found = false;
    visit(e, &mut |sub| {
        found |= match &sub.kind {
            ExprKind::CountStar => true,
            ExprKind::Function { name, .. } => functions::is_aggregate(name),
            _ => false,
        };
        !found
    });
    found
}

/// Adds every variable name `e` mentions (local ones included: this only decides between two
/// errors, never whether there is one).
fn variables_in(e: &Expr, out: &mut HashSet<String>) {
    visit(e, &mut |sub| {
        if let ExprKind::Variable(name) = &sub.kind {
            out.insert(name.clone());
        }
        true
    });
}

/// Calls `f` on `e` and, while `f` returns true, on its subexpressions (not into subqueries).
fn visit(e: &Expr, f: &mut dyn FnMut(&Expr) -> bool) {
    if !f(e) {
        return;
    }
    let mut each = |x: &Expr| visit(x, f);
    match &e.kind {
        ExprKind::Literal(_)
        | ExprKind::Parameter(_)
        | ExprKind::Variable(_)
        | ExprKind::CountStar
        | ExprKind::ExistsQuery(_) => {}
        ExprKind::List(items) => items.iter().for_each(each),
        ExprKind::Chain { operands, .. } => operands.iter().for_each(each),
        ExprKind::Function { args, .. } => args.iter().for_each(each),
        ExprKind::Map(entries) => entries.iter().for_each(|(_, v)| each(v)),
        ExprKind::Property(base, _)
        | ExprKind::Unary(_, base)
        | ExprKind::IsNull { expr: base, .. }
        | ExprKind::HasLabels(base, _) => each(base),
        ExprKind::Index(a, b) | ExprKind::Binary(_, a, b) => {
            each(a);
            each(b);
        }
        ExprKind::Slice(base, from, to) => {
            each(base);
            [from, to].into_iter().flatten().for_each(|x| each(x));
        }
        ExprKind::Case {
            operand,
            whens,
            else_,
        } => {
            operand.iter().for_each(|x| each(x));
            whens.iter().for_each(|(w, t)| {
                each(w);
                each(t);
            });
            else_.iter().for_each(|x| each(x));
        }
        ExprKind::ListComprehension {
            list, filter, map, ..
        } => {
            each(list);
            [filter, map].into_iter().flatten().for_each(|x| each(x));
        }
        ExprKind::Quantified { list, filter, .. } => {
            each(list);
            filter.iter().for_each(|x| each(x));
        }
        ExprKind::Reduce {
            init, list, expr, ..
        } => {
            each(init);
            each(list);
            each(expr);
        }
        ExprKind::PatternComprehension {
            pattern,
            filter,
            map,
            ..
        } => {
            element_props(pattern).for_each(&mut each);
            filter.iter().for_each(|x| each(x));
            each(map);
        }
        ExprKind::PatternPredicate(pattern) => element_props(pattern).for_each(each),
        ExprKind::ExistsSubquery { pattern, where_ } => {
            pattern
                .iter()
                .flat_map(|part| element_props(&part.element))
                .for_each(&mut each);
            where_.iter().for_each(|x| each(x));
        }
        ExprKind::MapProjection { items, .. } => items.iter().for_each(|item| {
            if let MapProjectionItem::Literal(_, value) = item {
                each(value);
            }
        }),
    }
}

/// The property maps written in a chain's nodes and relationships.
fn element_props(element: &PatternElement) -> impl Iterator<Item = &Expr> {
    std::iter::once(&element.start.props)
        .chain(element.chain.iter().flat_map(|(r, n)| [&r.props, &n.props]))
        .flatten()
}
