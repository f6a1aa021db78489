//! Whether what a match binds fits its pattern: a node's labels, a relationship's type, and
//! inline property maps (checked as their element is bound, or later by
//! [`super::plan::Step::Props`] when they mention a variable bound after it).

use super::eval::eval;
use super::match_::{set, slot, Matcher, State};
use super::plan::Hop;
use crate::ast::{Expr, NodePattern};
use crate::graph::{NodeId, RelId};
use crate::value::Value;
use crate::CypherError;

impl Matcher<'_, '_> {
    /// Whether node `n` exists and has the pattern's labels, and its properties unless `props`
    /// is false (they are checked later).
    pub(super) fn node_fits(
        &self,
        st: &State,
        node: &NodePattern,
        n: NodeId,
        props: bool,
    ) -> Result<bool, CypherError> {
        let exists = self.cx.cache.nodes.has_node(self.cx.graph, n);
        Ok(exists && self.pattern_fits(st, node, n, props, false)?)
    }

    /// [`Self::node_fits`] for a node known to exist (the end of a relationship); its labels
    /// are not looked at when `labels_known` (see [`Self::labels_implied`]).
    pub(super) fn pattern_fits(
        &self,
        st: &State,
        node: &NodePattern,
        n: NodeId,
        props: bool,
        labels_known: bool,
    ) -> Result<bool, CypherError> {
        let (g, nodes) = (self.cx.graph, &self.cx.cache.nodes);
        if !labels_known && !node.labels.iter().all(|l| nodes.has_label(g, n, &l.name)) {
            return Ok(false);
        }
        let props = node.props.as_ref().filter(|_| props);
        self.props_fit(st, props, |k| g.node_property(n, k))
    }

    /// Whether `r` has a type and (unless the hop checks them later) the properties of the
    /// hop's relationship pattern. `typed`: `r` comes from [`Self::rels_from`], which asked the
    /// graph for those types only.
    pub(super) fn rel_fits(
        &self,
        st: &State,
        hop: &Hop<'_>,
        r: &RelId,
        typed: bool,
    ) -> Result<bool, CypherError> {
        let (g, rel) = (self.cx.graph, hop.rel);
        if !typed && !rel.types.is_empty() {
            let ty = g.rel_type(r.ty);
            if !rel.types.iter().any(|t| t.name == ty) {
                return Ok(false);
            }
        }
        let props = rel.props.as_ref().filter(|_| hop.rel_props);
        self.props_fit(st, props, |k| g.rel_property(*r, k))
    }

    /// A deferred property map: the node, relationship or each relationship of a list in
    /// `slot` must have its properties.
    pub(super) fn slot_has_props(
        &self,
        st: &State,
        s: usize,
        props: &Expr,
    ) -> Result<bool, CypherError> {
        let g = self.cx.graph;
        let rel_has = |r: &Value| match r {
            Value::Rel(r) => self.props_fit(st, Some(props), |k| g.rel_property(*r, k)),
            _ => Ok(false),
        };
        match slot(st, s) {
            Value::Node(n) => self.props_fit(st, Some(props), |k| g.node_property(*n, k)),
            Value::List(rels) => {
                for r in rels {
                    if !rel_has(r)? {
                        return Ok(false);
                    }
                }
                Ok(true)
            }
            r => rel_has(r),
        }
    }

    /// Whether the element whose properties `get` reads has those of the map `props` (no map:
    /// true, the case of nearly every row, decided without a call).
    #[inline]
    fn props_fit(
        &self,
        st: &State,
        props: Option<&Expr>,
        get: impl Fn(&str) -> Option<Value>,
    ) -> Result<bool, CypherError> {
        match props {
            None => Ok(true),
            Some(props) => self.map_fits(st, props, get),
        }
    }

    fn map_fits(
        &self,
        st: &State,
        props: &Expr,
        get: impl Fn(&str) -> Option<Value>,
    ) -> Result<bool, CypherError> {
        match eval(self.cx, &self.env(st), props)? {
            Value::Map(m) => Ok(m
                .iter()
                .all(|(k, v)| get(k).is_some_and(|p| p.cypher_eq(v) == Some(true)))),
            Value::Null => Ok(false),
            other => Err(super::ops::type_error("a property map", &other)),
        }
    }

    /// Whether relationship `r`'s type already promises its end `n` every label the hop's end
    /// pattern asks for ([`crate::GraphRead::end_labels`]): one call and a string compare
    /// instead of a node lookup per row.
    pub(super) fn labels_implied(&self, hop: &Hop<'_>, r: &RelId, n: NodeId) -> bool {
        let (start, end) = self.implied_ends(hop, r.ty);
        if n == r.end {
            end
        } else {
            start
        }
    }

    /// For relationships of type number `ty`: whether the type's promise covers the labels the
    /// hop's end pattern asks for, at the relationship's start and at its end.
    pub(super) fn implied_ends(&self, hop: &Hop<'_>, ty: u32) -> (bool, bool) {
        let wanted = &hop.to_node.labels;
        if wanted.is_empty() {
            return (true, true);
        }
        let Some((start, end)) = self.cx.graph.end_labels(ty) else {
            return (false, false);
        };
        let covers = |has: &str| wanted.iter().all(|l| l.name == has);
        (covers(start), covers(end))
    }

    /// Binds (or checks) the node at the end of a hop; returns false if it does not fit.
    /// `labels_known`: the node's labels are known to fit.
    pub(super) fn bind_to(
        &self,
        st: &mut State,
        hop: &Hop<'_>,
        n: NodeId,
        labels_known: bool,
    ) -> Result<bool, CypherError> {
        if hop.to_bound {
            let same = matches!(slot(st, hop.to), Value::Node(b) if *b == n);
            return Ok(same && self.pattern_fits(st, hop.to_node, n, hop.to_props, labels_known)?);
        }
        if !self.pattern_fits(st, hop.to_node, n, hop.to_props, labels_known)? {
            return Ok(false);
        }
        set(st, hop.to, Value::Node(n));
        Ok(true)
    }

    pub(super) fn unbind_to(&self, st: &mut State, hop: &Hop<'_>) {
        if !hop.to_bound {
            set(st, hop.to, Value::Null);
        }
    }
}
