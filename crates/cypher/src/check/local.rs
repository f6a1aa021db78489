//! Expressions with variables of their own: list comprehensions, quantifiers, `reduce`,
//! pattern comprehensions, pattern predicates and `EXISTS` subqueries. Their variables are
//! visible only inside them, and aggregation is refused there.

use super::expr::Cx;
use super::patterns::{Env, PatternUse};
use super::scope::Type;
use super::{Checked, Checker};
use crate::ast::{Expr, ExprKind, Ident, PatternElement, PatternPart};

impl Checker<'_> {
    /// Checks one of the expressions above (any other kind is a caller's mistake and passes).
    pub(super) fn with_locals(&self, e: &Expr, cx: &mut Cx) -> Checked<Type> {
        match &e.kind {
            ExprKind::ListComprehension {
                var,
                list,
                filter,
                map,
            } => self.comprehension(var, list, filter.as_deref(), map.as_deref(), cx),
            ExprKind::Quantified {
                var, list, filter, ..
            } => {
                self.comprehension(var, list, filter.as_deref(), None, cx)?;
                Ok(Type::Bool)
            }
            ExprKind::Reduce {
                acc,
                init,
                var,
                list,
                expr,
            } => self.reduce(acc, init, var, list, expr, cx),
            ExprKind::PatternComprehension {
                var,
                pattern,
                filter,
                map,
            } => self.pattern_comprehension(var.as_ref(), pattern, filter.as_deref(), map, cx),
            ExprKind::PatternPredicate(element) => self.pattern_predicate(e, element, cx),
            ExprKind::ExistsSubquery { pattern, where_ } => {
                self.exists(pattern, where_.as_deref(), cx)
            }
            ExprKind::ExistsQuery(query) => {
                self.query(query, &cx.visible())?;
                Ok(Type::Bool)
            }
            _ => Ok(Type::Any),
        }
    }

    /// `[var IN list WHERE filter | map]`, and a quantifier's `var IN list WHERE filter`.
    fn comprehension(
        &self,
        var: &Ident,
        list: &Expr,
        filter: Option<&Expr>,
        map: Option<&Expr>,
        cx: &mut Cx,
    ) -> Checked<Type> {
        let list = self.expr(list, cx)?;
        let saved = cx.enter("a list comprehension or quantifier");
        cx.declare(&var.name, list.element());
        if let Some(filter) = filter {
            self.predicate(filter, cx)?;
        }
        let element = match map {
            Some(map) => self.expr(map, cx)?,
            None => list.element(),
        };
        cx.leave(saved);
        Ok(Type::list_of(element))
    }

    fn reduce(
        &self,
        acc: &Ident,
        init: &Expr,
        var: &Ident,
        list: &Expr,
        expr: &Expr,
        cx: &mut Cx,
    ) -> Checked<Type> {
        self.expr(init, cx)?;
        let list = self.expr(list, cx)?;
        let saved = cx.enter("reduce()");
        cx.declare(&acc.name, Type::Any);
        cx.declare(&var.name, list.element());
        self.expr(expr, cx)?;
        cx.leave(saved);
        Ok(Type::Any)
    }

    fn pattern_comprehension(
        &self,
        var: Option<&Ident>,
        pattern: &PatternElement,
        filter: Option<&Expr>,
        map: &Expr,
        cx: &mut Cx,
    ) -> Checked<Type> {
        let saved = cx.enter("a pattern comprehension");
        self.bind_element(pattern, PatternUse::Local, cx, &mut Default::default())?;
        if let Some(var) = var {
            cx.declare(&var.name, Type::Path);
        }
        self.element_props(pattern, PatternUse::Local, cx)?;
        if let Some(filter) = filter {
            self.predicate(filter, cx)?;
        }
        let element = self.expr(map, cx)?;
        cx.leave(saved);
        Ok(Type::list_of(element))
    }

    /// A pattern used as a boolean (the parser allows it only in `WHERE`): it binds nothing, so
    /// every variable in it must already be bound.
    fn pattern_predicate(&self, e: &Expr, element: &PatternElement, cx: &mut Cx) -> Checked<Type> {
        if element.chain.is_empty() {
            return Err(self.syntax(
                "InvalidArgumentType",
                e.span,
                "a single node is not a predicate",
            ));
        }
        self.bind_element(element, PatternUse::Predicate, cx, &mut Default::default())?;
        self.element_props(element, PatternUse::Predicate, cx)?;
        Ok(Type::Bool)
    }

    /// `EXISTS { [MATCH] pattern [WHERE ...] }`: the pattern may bind variables of its own.
    fn exists(&self, pattern: &[PatternPart], where_: Option<&Expr>, cx: &mut Cx) -> Checked<Type> {
        let saved = cx.enter("EXISTS");
        self.bind_pattern(pattern, PatternUse::Local, cx)?;
        self.pattern_props(pattern, PatternUse::Local, cx)?;
        if let Some(where_) = where_ {
            self.predicate(where_, cx)?;
        }
        cx.leave(saved);
        Ok(Type::Bool)
    }
}
