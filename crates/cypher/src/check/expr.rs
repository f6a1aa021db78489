//! Expressions: every variable must be in scope (the clause's, or the local one of a
//! comprehension), aggregation only where the clause allows it, and operands of a type that can
//! never work are refused.

use super::aggregation::Grouping;
use super::functions;
use super::patterns::Env;
use super::scope::{Scope, Type};
use super::{Checked, Checker};
use crate::ast::{BinaryOp, Expr, ExprKind, Ident, Literal, MapProjectionItem, Span, UnaryOp};
use crate::ErrorKind;

/// A projected expression that a later `ORDER BY` or `WHERE` may repeat instead of naming its
/// column, as in `RETURN DISTINCT a.name ORDER BY a.name`.
pub(super) struct Cover {
    /// The expression's text without whitespace.
    pub(super) text: String,
    pub(super) ty: Type,
    /// Whether it may stand for itself inside an expression that aggregates: only aggregates,
    /// variables and properties of variables can.
    pub(super) in_aggregation: bool,
}

/// What an expression may see and use where it is written.
pub(super) struct Cx<'a> {
    scope: &'a Scope,
    /// Variables of enclosing comprehensions, innermost last.
    locals: Vec<(String, Type)>,
    /// Where aggregation is refused, the place (for the message); `None` where it is allowed.
    pub(super) no_aggregation: Option<&'static str>,
    in_aggregate: bool,
    pub(super) covers: &'a [Cover],
    /// Set while checking an expression that aggregates: what it may use outside aggregates.
    pub(super) grouping: Option<&'a Grouping>,
}

impl<'a> Cx<'a> {
    pub(super) fn new(scope: &'a Scope) -> Cx<'a> {
        Cx {
            scope,
            locals: Vec::new(),
            no_aggregation: None,
            in_aggregate: false,
            covers: &[],
            grouping: None,
        }
    }

    /// A context where aggregation is refused, naming the place in messages.
    pub(super) fn without_aggregation(scope: &'a Scope, place: &'static str) -> Cx<'a> {
        Cx {
            no_aggregation: Some(place),
            ..Cx::new(scope)
        }
    }

    /// The variable's type and whether it is local to a comprehension.
    fn resolve(&self, name: &str) -> Option<(Type, bool)> {
        if let Some((_, ty)) = self.locals.iter().rev().find(|(n, _)| n == name) {
            return Some((ty.clone(), true));
        }
        self.scope.get(name).map(|ty| (ty.clone(), false))
    }

    fn is_local(&self, name: &str) -> bool {
        self.locals.iter().any(|(n, _)| n == name)
    }

    /// Every variable visible here, for a subquery that sees them all.
    pub(super) fn visible(&self) -> Scope {
        let mut scope = self.scope.clone();
        for (name, ty) in &self.locals {
            scope.insert(name, ty.clone());
        }
        scope
    }

    /// Opens a nested scope (a comprehension): aggregation is refused inside it.
    pub(super) fn enter(&mut self, place: &'static str) -> Saved {
        let saved = Saved {
            locals: self.locals.len(),
            no_aggregation: self.no_aggregation,
        };
        self.no_aggregation = Some(place);
        saved
    }

    pub(super) fn leave(&mut self, saved: Saved) {
        self.locals.truncate(saved.locals);
        self.no_aggregation = saved.no_aggregation;
    }
}

/// What [`Cx::enter`] changed, for [`Cx::leave`] to restore.
pub(super) struct Saved {
    locals: usize,
    no_aggregation: Option<&'static str>,
}

impl Env for Cx<'_> {
    fn lookup_var(&self, name: &str) -> Option<Type> {
        self.resolve(name).map(|(ty, _)| ty)
    }

    fn declare(&mut self, name: &str, ty: Type) {
        self.locals.push((name.to_owned(), ty));
    }
}

impl Checker<'_> {
    /// Checks `e` and returns its type as far as the text shows it.
    ///
    /// Each kind of expression is checked by its own function: this one recurses as deep as
    /// the tree, so its stack frame must stay small.
    pub(super) fn expr(&self, e: &Expr, cx: &mut Cx) -> Checked<Type> {
        if let Some(ty) = self.covered(e, cx) {
            return Ok(ty);
        }
        match &e.kind {
            ExprKind::Literal(literal) => Ok(literal_type(literal)),
            ExprKind::Parameter(_) => Ok(Type::Any),
            ExprKind::Variable(name) => self.variable(name, e.span, cx),
            ExprKind::List(items) => self.list(items, cx),
            ExprKind::Map(entries) => {
                for (_, value) in entries {
                    self.expr(value, cx)?;
                }
                Ok(Type::Map)
            }
            ExprKind::Property(base, key) => self.property(base, key, cx),
            ExprKind::Index(base, index) => {
                self.expr(base, cx)?;
                self.expr(index, cx)?;
                Ok(Type::Any)
            }
            ExprKind::Slice(base, from, to) => self.slice(base, from.as_deref(), to.as_deref(), cx),
            ExprKind::Unary(op, operand) => self.unary(*op, operand, cx),
            ExprKind::Binary(op, left, right) => self.binary(*op, left, right, cx),
            ExprKind::Chain { operands, .. } => {
                for operand in operands {
                    self.expr(operand, cx)?;
                }
                Ok(Type::Bool)
            }
            ExprKind::IsNull { expr, .. } | ExprKind::HasLabels(expr, _) => {
                self.expr(expr, cx)?;
                Ok(Type::Bool)
            }
            ExprKind::Function { name, args, .. } => self.function(e, name, args, cx),
            ExprKind::CountStar => {
                self.allow_aggregate(e.span, "count(*)", cx)?;
                Ok(Type::Int)
            }
            ExprKind::Case {
                operand,
                whens,
                else_,
            } => self.case(operand.as_deref(), whens, else_.as_deref(), cx),
            ExprKind::MapProjection { var, items } => self.map_projection(var, items, cx),
            ExprKind::ListComprehension { .. }
            | ExprKind::Quantified { .. }
            | ExprKind::Reduce { .. }
            | ExprKind::PatternComprehension { .. }
            | ExprKind::PatternPredicate(_)
            | ExprKind::ExistsSubquery { .. }
            | ExprKind::ExistsQuery(_) => self.with_locals(e, cx),
        }
    }

    fn list(&self, items: &[Expr], cx: &mut Cx) -> Checked<Type> {
        let mut element = None;
        for item in items {
            let ty = self.expr(item, cx)?;
            element = Some(match element {
                None => ty,
                Some(previous) => ty.unify(previous),
            });
        }
        Ok(Type::list_of(element.unwrap_or(Type::Any)))
    }

    fn slice(
        &self,
        base: &Expr,
        from: Option<&Expr>,
        to: Option<&Expr>,
        cx: &mut Cx,
    ) -> Checked<Type> {
        let ty = self.expr(base, cx)?;
        for bound in [from, to].into_iter().flatten() {
            self.expr(bound, cx)?;
        }
        Ok(if matches!(ty, Type::List(_)) {
            ty
        } else {
            Type::Any
        })
    }

    fn unary(&self, op: UnaryOp, operand: &Expr, cx: &mut Cx) -> Checked<Type> {
        if op == UnaryOp::Not {
            let ty = self.expr(operand, cx)?;
            self.expect_boolean(operand, &ty, "NOT")?;
            return Ok(Type::Bool);
        }
        Ok(match self.expr(operand, cx)? {
            ty @ (Type::Int | Type::Float) => ty,
            _ => Type::Any,
        })
    }

    fn case(
        &self,
        operand: Option<&Expr>,
        whens: &[(Expr, Expr)],
        else_: Option<&Expr>,
        cx: &mut Cx,
    ) -> Checked<Type> {
        if let Some(operand) = operand {
            self.expr(operand, cx)?;
        }
        for (when, then) in whens {
            self.expr(when, cx)?;
            self.expr(then, cx)?;
        }
        if let Some(else_) = else_ {
            self.expr(else_, cx)?;
        }
        Ok(Type::Any)
    }

    fn map_projection(
        &self,
        var: &Ident,
        items: &[MapProjectionItem],
        cx: &mut Cx,
    ) -> Checked<Type> {
        self.bound(var, cx)?;
        for item in items {
            match item {
                MapProjectionItem::Literal(_, value) => {
                    self.expr(value, cx)?;
                }
                MapProjectionItem::Variable(name) => {
                    self.bound(name, cx)?;
                }
                MapProjectionItem::Property(_) | MapProjectionItem::AllProperties => {}
            }
        }
        Ok(Type::Map)
    }

    /// Checks a predicate (`WHERE`, a filter): its value must be able to be a boolean.
    pub(super) fn predicate(&self, e: &Expr, cx: &mut Cx) -> Checked {
        let ty = self.expr(e, cx)?;
        self.expect_boolean(e, &ty, "a predicate")
    }

    /// The type of a projected expression repeated in `ORDER BY` / `WHERE`, if `e` is one.
    fn covered(&self, e: &Expr, cx: &Cx) -> Option<Type> {
        if cx.covers.is_empty() {
            return None;
        }
        let text = self.normalized(e.span);
        cx.covers
            .iter()
            .find(|c| c.text == text && (cx.grouping.is_none() || c.in_aggregation))
            .map(|c| c.ty.clone())
    }

    fn variable(&self, name: &str, span: Span, cx: &Cx) -> Checked<Type> {
        let found = cx.resolve(name);
        if let (Some(grouping), false) = (cx.grouping, cx.in_aggregate) {
            let local = matches!(found, Some((_, true)));
            if !local
                && !grouping.key_vars.contains(name)
                && (found.is_some() || grouping.key_free_vars.contains(name))
            {
                return Err(self.syntax(
                    "AmbiguousAggregationExpression",
                    span,
                    format!(
                        "`{name}` is used next to an aggregate without being a grouping key; \
                         project it on its own (or move it into the aggregate)"
                    ),
                ));
            }
        }
        match found {
            Some((ty, _)) => Ok(ty),
            None => Err(self.undefined(name, span)),
        }
    }

    /// The type of a variable written as a name (`SET n:L`, `n {.a}`), which must be in scope.
    pub(super) fn bound(&self, var: &Ident, cx: &Cx) -> Checked<Type> {
        cx.resolve(&var.name)
            .map(|(ty, _)| ty)
            .ok_or_else(|| self.undefined(&var.name, var.span))
    }

    pub(super) fn undefined(&self, name: &str, span: Span) -> crate::CypherError {
        self.syntax(
            "UndefinedVariable",
            span,
            format!("variable `{name}` is not defined"),
        )
    }

    fn property(&self, base: &Expr, key: &Ident, cx: &mut Cx) -> Checked<Type> {
        if let (Some(grouping), false, ExprKind::Variable(var)) =
            (cx.grouping, cx.in_aggregate, &base.kind)
        {
            if !cx.is_local(var)
                && grouping
                    .key_props
                    .contains(&(var.clone(), key.name.clone()))
            {
                return Ok(Type::Any);
            }
        }
        let ty = self.expr(base, cx)?;
        let message = format!("cannot read property `{}` of {}", key.name, ty.describe());
        match ty {
            Type::Path => Err(self.syntax("InvalidArgumentType", base.span, message)),
            Type::Bool | Type::Int | Type::Float | Type::Str | Type::List(_) => Err(self.error(
                ErrorKind::TypeError,
                "InvalidArgumentType",
                base.span,
                message,
            )),
            _ => Ok(Type::Any),
        }
    }

    fn binary(&self, op: BinaryOp, left: &Expr, right: &Expr, cx: &mut Cx) -> Checked<Type> {
        if let Some(name) = match op {
            BinaryOp::And => Some("AND"),
            BinaryOp::Or => Some("OR"),
            BinaryOp::Xor => Some("XOR"),
            _ => None,
        } {
            for operand in [left, right] {
                let ty = self.expr(operand, cx)?;
                self.expect_boolean(operand, &ty, name)?;
            }
            return Ok(Type::Bool);
        }
        let l = self.expr(left, cx)?;
        let r = self.expr(right, cx)?;
        Ok(match op {
            BinaryOp::And | BinaryOp::Or | BinaryOp::Xor => Type::Bool,
            BinaryOp::Sub | BinaryOp::Mul | BinaryOp::Div | BinaryOp::Mod | BinaryOp::Pow => {
                for (operand, ty) in [(left, &l), (right, &r)] {
                    if ty.is_certainly_not_numeric() {
                        return Err(self.syntax(
                            "InvalidArgumentType",
                            operand.span,
                            format!("arithmetic needs numbers, but got {}", ty.describe()),
                        ));
                    }
                }
                match (l, r) {
                    (Type::Int, Type::Int) if op != BinaryOp::Pow => Type::Int,
                    (Type::Int | Type::Float, Type::Int | Type::Float) => Type::Float,
                    _ => Type::Any,
                }
            }
            BinaryOp::Add => match (l, r) {
                (Type::Int, Type::Int) => Type::Int,
                (Type::Int | Type::Float, Type::Int | Type::Float) => Type::Float,
                (Type::Str, Type::Str) => Type::Str,
                (Type::List(a), Type::List(b)) => Type::list_of((*a).unify(*b)),
                (Type::List(_), _) | (_, Type::List(_)) => Type::list_of(Type::Any),
                _ => Type::Any,
            },
            BinaryOp::In => {
                if !matches!(r, Type::Any | Type::Null | Type::List(_)) {
                    return Err(self.syntax(
                        "InvalidArgumentType",
                        right.span,
                        format!("IN needs a list on its right, but got {}", r.describe()),
                    ));
                }
                Type::Bool
            }
            BinaryOp::Eq
            | BinaryOp::Ne
            | BinaryOp::Lt
            | BinaryOp::Le
            | BinaryOp::Gt
            | BinaryOp::Ge
            | BinaryOp::StartsWith
            | BinaryOp::EndsWith
            | BinaryOp::Contains
            | BinaryOp::Regex => Type::Bool,
        })
    }

    fn function(&self, e: &Expr, name: &str, args: &[Expr], cx: &mut Cx) -> Checked<Type> {
        if !functions::is_known(name) {
            return Err(self.syntax(
                "UnknownFunction",
                e.span,
                format!("unknown function `{name}`"),
            ));
        }
        let lower = name.to_ascii_lowercase();
        let aggregate = functions::is_aggregate(name);
        if aggregate {
            self.allow_aggregate(e.span, name, cx)?;
        }
        if lower == "rand" && cx.in_aggregate {
            return Err(self.syntax(
                "NonConstantExpression",
                e.span,
                "rand() cannot be aggregated",
            ));
        }
        let outer = cx.in_aggregate;
        cx.in_aggregate |= aggregate;
        let mut types = Vec::with_capacity(args.len());
        for arg in args {
            if lower == "size" && matches!(arg.kind, ExprKind::PatternPredicate(_)) {
                return Err(self.syntax(
                    "UnexpectedSyntax",
                    arg.span,
                    "size() of a pattern is not allowed; use a pattern comprehension",
                ));
            }
            types.push(self.expr(arg, cx)?);
        }
        cx.in_aggregate = outer;
        if let (Some(arg), Some(ty)) = (args.first(), types.first()) {
            if let Some(what) = functions::wrong_argument(name, ty) {
                return Err(self.syntax(
                    "InvalidArgumentType",
                    arg.span,
                    format!("{name}() cannot take {what}"),
                ));
            }
        }
        Ok(functions::result_type(name, &types))
    }

    fn allow_aggregate(&self, span: Span, name: &str, cx: &Cx) -> Checked {
        if cx.in_aggregate {
            return Err(self.syntax(
                "NestedAggregation",
                span,
                format!("aggregation `{name}` cannot be nested in another aggregation"),
            ));
        }
        if let Some(place) = cx.no_aggregation {
            return Err(self.syntax(
                "InvalidAggregation",
                span,
                format!("aggregation `{name}` is not allowed in {place}"),
            ));
        }
        Ok(())
    }

    /// Refuses a value that can never be a boolean where one is needed.
    fn expect_boolean(&self, e: &Expr, ty: &Type, place: &str) -> Checked {
        if ty.is_certainly_not_boolean() {
            return Err(self.syntax(
                "InvalidArgumentType",
                e.span,
                format!("{place} needs a boolean, but got {}", ty.describe()),
            ));
        }
        Ok(())
    }
}

fn literal_type(literal: &Literal) -> Type {
    match literal {
        Literal::Null => Type::Null,
        Literal::Bool(_) => Type::Bool,
        Literal::Int(_) => Type::Int,
        Literal::Float(_) => Type::Float,
        Literal::String(_) => Type::Str,
    }
}
