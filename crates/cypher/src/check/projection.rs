//! `WITH` and `RETURN`: the columns they project, what their `ORDER BY` and `WHERE` can see,
//! grouping around aggregates, and constant `SKIP` / `LIMIT`.
//!
//! After a projection only its columns are in scope. Its `ORDER BY` (and `WITH`'s `WHERE`) sees
//! the columns and, unless the projection is `DISTINCT` or aggregates, the variables before it;
//! after `DISTINCT` or aggregation it may still repeat a projected expression
//! (`RETURN DISTINCT a.name ORDER BY a.name`).

use std::collections::HashSet;

use super::aggregation::{contains_aggregate, is_simple_key, Grouping};
use super::expr::{Cover, Cx};
use super::scope::{Scope, Type};
use super::{Checked, Checker};
use crate::ast::{Expr, ExprKind, Literal, Projection, ProjectionItem, UnaryOp};
use crate::CypherError;

impl Checker<'_> {
    /// Checks a `WITH` (`is_return` false) or `RETURN` over `scope`; returns the scope after it
    /// and its column names.
    pub(super) fn projection(
        &self,
        p: &Projection,
        scope: &Scope,
        is_return: bool,
    ) -> Checked<(Scope, Vec<String>)> {
        let clause = if is_return { "RETURN" } else { "WITH" };
        if is_return && p.star && p.items.is_empty() && scope.is_empty() {
            return Err(self.syntax(
                "NoVariablesInScope",
                p.span,
                "RETURN * needs at least one variable in scope",
            ));
        }
        let star_vars = scope.iter().filter(|_| p.star).map(|(name, _)| name);
        let keys = p
            .items
            .iter()
            .filter(|item| !contains_aggregate(&item.expr));
        let grouping = Grouping::of(keys, star_vars);

        let mut types = Vec::with_capacity(p.items.len());
        for item in &p.items {
            let mut cx = Cx::new(scope);
            if contains_aggregate(&item.expr) {
                cx.grouping = Some(&grouping);
            }
            types.push(self.expr(&item.expr, &mut cx)?);
        }
        let (projected, columns) = self.columns(p, scope, &types, clause)?;
        self.after_projection(p, scope, &projected, &types, grouping)?;
        if !is_return {
            self.aliases(p)?;
        }
        Ok((projected, columns))
    }

    /// The scope a projection leaves (its columns, with the types of their expressions) and
    /// its column names, which must differ.
    fn columns(
        &self,
        p: &Projection,
        scope: &Scope,
        types: &[Type],
        clause: &str,
    ) -> Checked<(Scope, Vec<String>)> {
        let mut projected = if p.star {
            scope.clone()
        } else {
            Scope::default()
        };
        let mut columns: Vec<String> = projected.iter().map(|(name, _)| name.clone()).collect();
        let mut seen = HashSet::new();
        for (item, ty) in p.items.iter().zip(types) {
            let name = column_name(item);
            if !seen.insert(name) {
                let span = item.alias.as_ref().map_or(item.expr.span, |a| a.span);
                return Err(self.syntax(
                    "ColumnNameConflict",
                    span,
                    format!("{clause} has two columns named `{name}`"),
                ));
            }
            projected.insert(name, ty.clone());
            columns.push(name.to_owned());
        }
        Ok((projected, columns))
    }

    /// `ORDER BY`, `SKIP`, `LIMIT` and `WHERE` of a projection that turned `scope` into
    /// `projected`; `grouping` holds its keys if it aggregates.
    fn after_projection(
        &self,
        p: &Projection,
        scope: &Scope,
        projected: &Scope,
        types: &[Type],
        grouping: Grouping,
    ) -> Checked {
        let aggregating = p.items.iter().any(|item| contains_aggregate(&item.expr));
        let restricted = aggregating || p.distinct;
        let covers: Vec<Cover> = if restricted {
            p.items
                .iter()
                .zip(types)
                .map(|(item, ty)| Cover {
                    text: self.normalized(item.expr.span),
                    ty: ty.clone(),
                    in_aggregation: is_simple_key(&item.expr) || contains_aggregate(&item.expr),
                })
                .collect()
        } else {
            Vec::new()
        };
        let visible = if restricted {
            projected.clone()
        } else {
            let mut both = scope.clone();
            for (name, ty) in projected.iter() {
                both.insert(name, ty.clone());
            }
            both
        };
        // In ORDER BY every column is a key, whatever it holds.
        let grouping = Grouping {
            key_vars: projected.iter().map(|(name, _)| name.clone()).collect(),
            ..grouping
        };
        for sort in &p.order_by {
            let mut cx = Cx::new(&visible);
            cx.covers = &covers;
            if !aggregating {
                cx.no_aggregation = Some(if p.distinct {
                    "ORDER BY after DISTINCT"
                } else {
                    "ORDER BY after a projection that does not aggregate"
                });
            } else if contains_aggregate(&sort.expr) {
                cx.grouping = Some(&grouping);
            }
            self.expr(&sort.expr, &mut cx)?;
        }
        for (bound, name) in [(&p.skip, "SKIP"), (&p.limit, "LIMIT")] {
            if let Some(bound) = bound {
                self.skip_limit(bound, name)?;
            }
        }
        if let Some(where_) = &p.where_ {
            let mut cx = Cx::without_aggregation(&visible, "WHERE");
            cx.covers = &covers;
            self.predicate(where_, &mut cx)?;
        }
        Ok(())
    }

    /// `WITH` names its columns: an item other than a plain variable needs `AS`.
    fn aliases(&self, p: &Projection) -> Checked {
        match p
            .items
            .iter()
            .find(|item| item.alias.is_none() && !matches!(item.expr.kind, ExprKind::Variable(_)))
        {
            Some(item) => Err(self.syntax(
                "NoExpressionAlias",
                item.expr.span,
                format!(
                    "expression `{}` in WITH must be aliased (use AS)",
                    item.text
                ),
            )),
            None => Ok(()),
        }
    }

    /// `SKIP` and `LIMIT` take a constant, non-negative integer.
    fn skip_limit(&self, e: &Expr, clause: &'static str) -> Checked {
        let nothing = Scope::default();
        let ty = match self.expr(e, &mut Cx::without_aggregation(&nothing, clause)) {
            Err(CypherError::Compile {
                detail: "UndefinedVariable",
                ..
            }) => {
                return Err(self.syntax(
                    "NonConstantExpression",
                    e.span,
                    format!("{clause} cannot depend on variables; use a literal or a parameter"),
                ))
            }
            other => other?,
        };
        let negative = match &e.kind {
            ExprKind::Literal(Literal::Int(n)) => *n < 0,
            ExprKind::Unary(UnaryOp::Neg, inner) => {
                matches!(inner.kind, ExprKind::Literal(Literal::Int(n)) if n > 0)
            }
            _ => false,
        };
        if negative {
            return Err(self.syntax(
                "NegativeIntegerArgument",
                e.span,
                format!("{clause} cannot be negative"),
            ));
        }
        if !matches!(ty, Type::Any | Type::Null | Type::Int) {
            return Err(self.syntax(
                "InvalidArgumentType",
                e.span,
                format!("{clause} needs an integer, but got {}", ty.describe()),
            ));
        }
        Ok(())
    }
}

/// The name of a projected column: its alias, else the variable, else the text as written.
fn column_name(item: &ProjectionItem) -> &str {
    match (&item.alias, &item.expr.kind) {
        (Some(alias), _) => &alias.name,
        (None, ExprKind::Variable(name)) => name,
        (None, _) => &item.text,
    }
}
