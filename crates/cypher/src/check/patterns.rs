//! Patterns: which variables a pattern binds and which it reuses, and what each use may do
//! with a variable that is already bound (`MATCH` filters on it, `CREATE` and `MERGE` may only
//! connect it, a predicate may only reuse).

use std::collections::HashSet;

use super::expr::Cx;
use super::scope::{Scope, Type};
use super::{Checked, Checker};
use crate::ast::{
    Expr, ExprKind, Ident, NodePattern, PatternElement, PatternPart, RelDirection, RelPattern,
};

/// Where variables live while a pattern binds them: a clause's scope, or the local scope of a
/// pattern comprehension or `EXISTS`.
pub(super) trait Env {
    fn lookup_var(&self, name: &str) -> Option<Type>;
    fn declare(&mut self, name: &str, ty: Type);
}

impl Env for Scope {
    fn lookup_var(&self, name: &str) -> Option<Type> {
        self.get(name).cloned()
    }

    fn declare(&mut self, name: &str, ty: Type) {
        self.insert(name, ty);
    }
}

/// The place a pattern is written, which decides what it may do with its variables.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum PatternUse {
    /// `MATCH` / `OPTIONAL MATCH`: binds new variables, filters on bound ones.
    Match,
    /// `CREATE`: bound nodes may only be connected, relationships are always new.
    Create,
    /// `MERGE`: as `CREATE`, but a relationship may be undirected.
    Merge,
    /// A pattern predicate in `WHERE`: binds nothing.
    Predicate,
    /// A pattern comprehension or `EXISTS`: binds local variables.
    Local,
}

impl PatternUse {
    fn creates(self) -> bool {
        matches!(self, PatternUse::Create | PatternUse::Merge)
    }
}

impl Checker<'_> {
    /// Binds the variables of a clause's pattern into `env`, part by part and left to right.
    pub(super) fn bind_pattern(
        &self,
        parts: &[PatternPart],
        how: PatternUse,
        env: &mut dyn Env,
    ) -> Checked {
        let mut rels = HashSet::new();
        for part in parts {
            self.bind_element(&part.element, how, env, &mut rels)?;
            if let Some(var) = &part.var {
                if env.lookup_var(&var.name).is_some() {
                    return Err(self.already_bound(var, "a path"));
                }
                env.declare(&var.name, Type::Path);
            }
        }
        Ok(())
    }

    /// Binds one chain; `rels` holds the relationship variables the pattern has used so far.
    pub(super) fn bind_element(
        &self,
        element: &PatternElement,
        how: PatternUse,
        env: &mut dyn Env,
        rels: &mut HashSet<String>,
    ) -> Checked {
        self.bind_node(&element.start, element.chain.is_empty(), how, env)?;
        for (rel, node) in &element.chain {
            self.bind_rel(rel, how, env, rels)?;
            self.bind_node(node, false, how, env)?;
        }
        Ok(())
    }

    /// `lone`: the node is a whole pattern part on its own, e.g. `CREATE (a)`.
    fn bind_node(
        &self,
        node: &NodePattern,
        lone: bool,
        how: PatternUse,
        env: &mut dyn Env,
    ) -> Checked {
        let Some(var) = &node.var else {
            return Ok(());
        };
        match env.lookup_var(&var.name) {
            None if how == PatternUse::Predicate => Err(self.undefined_in_predicate(var)),
            None => {
                env.declare(&var.name, Type::Node);
                Ok(())
            }
            Some(ty) if !ty.fits_node() => Err(self.type_conflict(var, &ty, "a node")),
            Some(_)
                if how.creates() && (lone || !node.labels.is_empty() || node.props.is_some()) =>
            {
                Err(self.already_bound(var, "a node"))
            }
            Some(_) => Ok(()),
        }
    }

    fn bind_rel(
        &self,
        rel: &RelPattern,
        how: PatternUse,
        env: &mut dyn Env,
        rels: &mut HashSet<String>,
    ) -> Checked {
        let bound = rel.var.as_ref().map(|var| (var, env.lookup_var(&var.name)));
        if how.creates() {
            if let Some((var, Some(_))) = bound {
                return Err(self.already_bound(var, "a relationship"));
            }
            self.creatable_rel(rel, how)?;
        }
        let Some((var, bound)) = bound else {
            return Ok(());
        };
        let var_length = rel.length.is_some();
        match bound {
            None if how == PatternUse::Predicate => return Err(self.undefined_in_predicate(var)),
            None => {
                let ty = if var_length {
                    Type::list_of(Type::Rel)
                } else {
                    Type::Rel
                };
                env.declare(&var.name, ty);
            }
            Some(ty) if !ty.fits_rel(var_length) => {
                return Err(self.type_conflict(var, &ty, "a relationship"))
            }
            Some(_) if rels.contains(&var.name) => {
                return Err(self.syntax(
                    "RelationshipUniquenessViolation",
                    var.span,
                    format!(
                        "relationship `{}` cannot stand for two relationships of one pattern",
                        var.name
                    ),
                ))
            }
            Some(_) => {}
        }
        rels.insert(var.name.clone());
        Ok(())
    }

    /// What `CREATE` and `MERGE` need of a relationship: one type, one length, and for
    /// `CREATE` one direction.
    fn creatable_rel(&self, rel: &RelPattern, how: PatternUse) -> Checked {
        let clause = if how == PatternUse::Create {
            "CREATE"
        } else {
            "MERGE"
        };
        if how == PatternUse::Create && rel.direction == RelDirection::Either {
            return Err(self.syntax(
                "RequiresDirectedRelationship",
                rel.span,
                "CREATE needs a direction for each relationship (-> or <-)",
            ));
        }
        if rel.length.is_some() {
            return Err(self.syntax(
                "CreatingVarLength",
                rel.span,
                format!("{clause} cannot make a variable-length relationship"),
            ));
        }
        if rel.types.len() != 1 {
            return Err(self.syntax(
                "NoSingleRelationshipType",
                rel.span,
                format!("{clause} needs exactly one type for each relationship"),
            ));
        }
        Ok(())
    }

    /// Checks the property maps of every element of `parts`.
    pub(super) fn pattern_props(
        &self,
        parts: &[PatternPart],
        how: PatternUse,
        cx: &mut Cx,
    ) -> Checked {
        parts
            .iter()
            .try_for_each(|part| self.element_props(&part.element, how, cx))
    }

    pub(super) fn element_props(
        &self,
        element: &PatternElement,
        how: PatternUse,
        cx: &mut Cx,
    ) -> Checked {
        let nodes = std::iter::once(&element.start).chain(element.chain.iter().map(|(_, n)| n));
        let props = nodes
            .map(|n| &n.props)
            .chain(element.chain.iter().map(|(r, _)| &r.props));
        for p in props.flatten() {
            self.props(p, how, cx)?;
        }
        Ok(())
    }

    fn props(&self, props: &Expr, how: PatternUse, cx: &mut Cx) -> Checked {
        if matches!(props.kind, ExprKind::Parameter(_))
            && matches!(how, PatternUse::Match | PatternUse::Merge)
        {
            return Err(self.syntax(
                "InvalidParameterUse",
                props.span,
                "a parameter cannot stand for the properties of a pattern to match; write \
                 {key: $param.key}",
            ));
        }
        self.expr(props, cx).map(drop)
    }

    pub(super) fn already_bound(&self, var: &Ident, what: &str) -> crate::CypherError {
        self.syntax(
            "VariableAlreadyBound",
            var.span,
            format!(
                "variable `{}` is already bound and cannot be declared again as {what}",
                var.name
            ),
        )
    }

    fn type_conflict(&self, var: &Ident, ty: &Type, wanted: &str) -> crate::CypherError {
        self.syntax(
            "VariableTypeConflict",
            var.span,
            format!(
                "variable `{}` is {} and cannot be used as {wanted}",
                var.name,
                ty.describe()
            ),
        )
    }

    fn undefined_in_predicate(&self, var: &Ident) -> crate::CypherError {
        self.syntax(
            "UndefinedVariable",
            var.span,
            format!(
                "variable `{}` is not defined (a pattern predicate cannot introduce variables)",
                var.name
            ),
        )
    }
}
