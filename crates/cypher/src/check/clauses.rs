//! The clauses other than `WITH` / `RETURN`: what each binds into the scope and what its
//! expressions may use.

use std::slice;

use super::expr::Cx;
use super::patterns::PatternUse;
use super::scope::{Scope, Type};
use super::{Checked, Checker};
use crate::ast::{Clause, Expr, ExprKind, Ident, RemoveItem, SetItem};

impl Checker<'_> {
    /// Checks `clause` (not `WITH` or `RETURN`) and adds what it binds to `scope`.
    pub(super) fn clause(&self, clause: &Clause, scope: &mut Scope) -> Checked {
        match clause {
            Clause::Match {
                pattern, where_, ..
            } => {
                self.bind_pattern(pattern, PatternUse::Match, scope)?;
                let mut cx = Cx::without_aggregation(scope, "a MATCH pattern");
                self.pattern_props(pattern, PatternUse::Match, &mut cx)?;
                if let Some(where_) = where_ {
                    cx.no_aggregation = Some("WHERE");
                    self.predicate(where_, &mut cx)?;
                }
            }
            Clause::Unwind { expr, alias, .. } => {
                let list = self.expr(expr, &mut Cx::without_aggregation(scope, "UNWIND"))?;
                if scope.contains(&alias.name) {
                    return Err(self.already_bound(alias, "the variable of UNWIND"));
                }
                scope.insert(&alias.name, list.element());
            }
            Clause::Create { pattern, .. } => {
                self.bind_pattern(pattern, PatternUse::Create, scope)?;
                let mut cx = Cx::without_aggregation(scope, "CREATE");
                self.pattern_props(pattern, PatternUse::Create, &mut cx)?;
            }
            Clause::Merge {
                part,
                on_create,
                on_match,
                ..
            } => {
                let parts = slice::from_ref(part);
                self.bind_pattern(parts, PatternUse::Merge, scope)?;
                let mut cx = Cx::without_aggregation(scope, "MERGE");
                self.pattern_props(parts, PatternUse::Merge, &mut cx)?;
                for item in on_create.iter().chain(on_match) {
                    self.set_item(item, scope)?;
                }
            }
            Clause::Set { items, .. } => {
                for item in items {
                    self.set_item(item, scope)?;
                }
            }
            Clause::Remove { items, .. } => {
                for item in items {
                    let mut cx = Cx::without_aggregation(scope, "REMOVE");
                    match item {
                        RemoveItem::Property { target, .. } => {
                            self.expr(target, &mut cx)?;
                        }
                        RemoveItem::Labels { var, .. } => {
                            self.bound(var, &cx)?;
                        }
                    }
                }
            }
            Clause::Delete { exprs, .. } => {
                for e in exprs {
                    self.deleted(e, scope)?;
                }
            }
            Clause::Call {
                args,
                yields,
                where_,
                ..
            } => {
                let mut cx = Cx::without_aggregation(scope, "the arguments of a procedure call");
                for arg in args.iter().flatten() {
                    self.expr(arg, &mut cx)?;
                }
                for (name, alias) in yields {
                    let var: &Ident = alias.as_ref().unwrap_or(name);
                    if scope.contains(&var.name) {
                        return Err(self.already_bound(var, "an output of the procedure"));
                    }
                    scope.insert(&var.name, Type::Any);
                }
                if let Some(where_) = where_ {
                    self.predicate(where_, &mut Cx::without_aggregation(scope, "WHERE"))?;
                }
            }
            Clause::With(_) | Clause::Return(_) => {}
        }
        Ok(())
    }

    fn set_item(&self, item: &SetItem, scope: &Scope) -> Checked {
        let mut cx = Cx::without_aggregation(scope, "SET");
        match item {
            SetItem::Property { target, value, .. } => {
                self.expr(target, &mut cx)?;
                self.expr(value, &mut cx)?;
            }
            SetItem::Replace { var, value } | SetItem::Merge { var, value } => {
                self.bound(var, &cx)?;
                self.expr(value, &mut cx)?;
            }
            SetItem::Labels { var, .. } => {
                self.bound(var, &cx)?;
            }
        }
        Ok(())
    }

    /// `DELETE` takes nodes, relationships and paths (or lists of them), never a label.
    fn deleted(&self, e: &Expr, scope: &Scope) -> Checked {
        if let ExprKind::HasLabels(..) = e.kind {
            return Err(self.syntax(
                "InvalidDelete",
                e.span,
                "DELETE removes nodes and relationships; use REMOVE to remove a label",
            ));
        }
        let ty = self.expr(e, &mut Cx::without_aggregation(scope, "DELETE"))?;
        if matches!(
            ty,
            Type::Bool | Type::Int | Type::Float | Type::Str | Type::Map
        ) {
            return Err(self.syntax(
                "InvalidArgumentType",
                e.span,
                format!(
                    "DELETE takes nodes, relationships or paths, but got {}",
                    ty.describe()
                ),
            ));
        }
        Ok(())
    }
}
