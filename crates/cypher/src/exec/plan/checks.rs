//! Where the plan checks what is not matching proper: each `WHERE` conjunct, as soon as the
//! variables it mentions are bound (a pattern predicate planned once, as a subplan), and each
//! inline property map that mentions a variable bound after its own element.

use std::collections::BTreeSet;

use super::{plan_knowing, PartRef, Planner, Step};
use crate::ast::{Expr, ExprKind, PathKind, UnaryOp};
use crate::exec::walk::{mentioned_vars, ANY_VARIABLE};

impl<'q> Planner<'q, '_> {
    /// Places every pending conjunct and deferred property map whose slots are now bound.
    pub(super) fn place_ready(&mut self) {
        let bound = &self.bound;
        let ready = |needs: &Vec<usize>| {
            needs
                .iter()
                .all(|s| bound.get(*s).copied().unwrap_or(false))
        };
        let (now, rest): (Vec<_>, Vec<_>) = std::mem::take(&mut self.pending)
            .into_iter()
            .partition(|(_, needs)| ready(needs));
        self.pending = rest;
        for (c, _) in now {
            let step = self.conjunct_step(c);
            self.steps.push(step);
        }
        let (now, rest): (Vec<_>, Vec<_>) = std::mem::take(&mut self.deferred)
            .into_iter()
            .partition(|(_, _, needs)| ready(needs));
        self.deferred = rest;
        self.steps.extend(
            now.into_iter()
                .map(|(slot, props, _)| Step::Props { slot, props }),
        );
    }

    /// The step that checks conjunct `c`. A pattern predicate (or its negation) would otherwise
    /// be planned again for every row it filters.
    pub(super) fn conjunct_step(&self, c: &'q Expr) -> Step<'q> {
        let (negated, inner): (bool, &'q Expr) = match &c.kind {
            ExprKind::Unary(UnaryOp::Not, inner) => (true, inner),
            _ => (false, c),
        };
        let planned = match &inner.kind {
            ExprKind::PatternPredicate(element) => {
                let part = PartRef {
                    var: None,
                    kind: PathKind::Normal,
                    element,
                };
                plan_knowing(self.graph, &self.names, &self.known, &[part], None)
            }
            ExprKind::ExistsSubquery { pattern, where_ } => {
                let parts: Vec<PartRef<'q>> = pattern.iter().map(PartRef::from).collect();
                let where_ = where_.as_deref();
                plan_knowing(self.graph, &self.names, &self.known, &parts, where_)
            }
            _ => return Step::Filter(c),
        };
        match planned {
            Ok(plan) => Step::Exists {
                plan: Box::new(plan),
                negated,
            },
            // Refused only if it ever runs, as the expression would be.
            Err(_) => Step::Filter(c),
        }
    }

    /// Whether the property map of the element in `slot` can be checked as the element is
    /// bound; if it mentions a variable of the pattern not bound yet (or the element itself), it
    /// is deferred until they are.
    pub(super) fn props_now(&mut self, slot: usize, props: Option<&'q Expr>) -> bool {
        let Some(props) = props else {
            return true;
        };
        let mut vars = BTreeSet::new();
        mentioned_vars(props, &mut vars);
        let mut needs: Vec<usize> = if vars.contains(ANY_VARIABLE) {
            (self.n_in..self.n_named).collect()
        } else {
            vars.iter()
                .filter_map(|v| self.names.iter().rposition(|n| n == v))
                .filter(|s| *s >= self.n_in)
                .collect()
        };
        if needs.iter().all(|s| self.is_bound(*s)) {
            return true;
        }
        needs.push(slot);
        self.deferred.push((slot, props, needs));
        false
    }
}
