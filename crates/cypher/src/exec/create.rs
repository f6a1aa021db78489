//! `CREATE`, and the creating half of `MERGE`: new nodes and relationships for the parts of a
//! pattern that are not bound yet.

use std::collections::BTreeMap;

use super::stats::Entity;
use super::write::{check_storable, slot};
use super::{compile_error, runtime, Executor, Row, Table};
use crate::ast::{Expr, NodePattern, PatternPart, RelDirection, RelPattern};
use crate::error::ErrorKind;
use crate::graph::{NodeId, RelId};
use crate::value::{Path, Value};
use crate::CypherError;

impl Executor<'_, '_> {
    pub(super) fn create(
        &mut self,
        table: Table,
        pattern: &[PatternPart],
    ) -> Result<Table, CypherError> {
        let names = names_with(&table.names, pattern.iter());
        let n_in = table.names.len();
        let mut rows = Vec::with_capacity(table.rows.len());
        for mut row in table.rows {
            self.guard.tick()?;
            row.resize(names.len(), Value::Null);
            for part in pattern {
                self.create_part(&names, n_in, &mut row, part, false)?;
            }
            rows.push(row);
        }
        Ok(Table { names, rows })
    }

    pub(super) fn create_part(
        &mut self,
        names: &[String],
        n_in: usize,
        row: &mut Row,
        part: &PatternPart,
        merging: bool,
    ) -> Result<(), CypherError> {
        let el = &part.element;
        let mut at = self.create_node(names, n_in, row, &el.start, merging)?;
        let mut path = Path {
            nodes: vec![at],
            rels: Vec::new(),
        };
        for (rel, node) in &el.chain {
            let next = self.create_node(names, n_in, row, node, merging)?;
            let r = self.create_rel(names, row, rel, at, next, merging)?;
            path.rels.push(r);
            path.nodes.push(next);
            at = next;
        }
        if let Some(v) = &part.var {
            if let Some(s) = slot(names, &v.name) {
                put(row, s, Value::Path(path));
            }
        }
        Ok(())
    }

    fn create_node(
        &mut self,
        names: &[String],
        n_in: usize,
        row: &mut Row,
        node: &NodePattern,
        merging: bool,
    ) -> Result<NodeId, CypherError> {
        let s = node.var.as_ref().and_then(|v| slot(names, &v.name));
        if let Some(s) = s {
            match row.get(s) {
                Some(Value::Node(n)) => return Ok(*n),
                Some(Value::Null) | None if s >= n_in => {}
                Some(other) => {
                    return Err(runtime(
                        ErrorKind::TypeError,
                        if other.is_null() {
                            ""
                        } else {
                            "VariableTypeConflict"
                        },
                        format!("cannot create a relationship to a {}", other.type_name()),
                    ))
                }
                None => {}
            }
        }
        let props = self.pattern_props(names, row, node.props.as_ref(), merging)?;
        let labels: Vec<String> = node.labels.iter().map(|l| l.name.clone()).collect();
        let (view, changes) = self.split();
        for l in &labels {
            changes.before_label(&view, l);
        }
        let keys: Vec<String> = props.iter().map(|(k, _)| k.clone()).collect();
        let n = self.graph_mut()?.create_node(&labels, props)?;
        self.changes.created(Entity::Node(n), keys.into_iter());
        if let Some(s) = s {
            put(row, s, Value::Node(n));
        }
        Ok(n)
    }

    fn create_rel(
        &mut self,
        names: &[String],
        row: &mut Row,
        rel: &RelPattern,
        left: NodeId,
        right: NodeId,
        merging: bool,
    ) -> Result<RelId, CypherError> {
        if rel.length.is_some() {
            return Err(compile_error(
                "CreatingVarLength",
                "cannot create a variable-length relationship",
            ));
        }
        let [ty] = rel.types.as_slice() else {
            return Err(compile_error(
                "NoSingleRelationshipType",
                "a created relationship needs exactly one type",
            ));
        };
        let (start, end) = match rel.direction {
            RelDirection::Outgoing => (left, right),
            RelDirection::Incoming => (right, left),
            RelDirection::Either if merging => (left, right),
            RelDirection::Either => {
                return Err(compile_error(
                    "RequiresDirectedRelationship",
                    "a created relationship needs a direction",
                ))
            }
        };
        let props = self.pattern_props(names, row, rel.props.as_ref(), merging)?;
        let keys: Vec<String> = props.iter().map(|(k, _)| k.clone()).collect();
        let r = self.graph_mut()?.create_rel(start, end, &ty.name, props)?;
        self.changes.created(Entity::Rel(r), keys.into_iter());
        if let Some(s) = rel.var.as_ref().and_then(|v| slot(names, &v.name)) {
            put(row, s, Value::Rel(r));
        }
        Ok(r)
    }

    /// The properties of a node or relationship pattern being created (nulls left out; `MERGE`
    /// refuses them).
    fn pattern_props(
        &self,
        names: &[String],
        row: &Row,
        props: Option<&Expr>,
        merging: bool,
    ) -> Result<Vec<(String, Value)>, CypherError> {
        let Some(props) = props else {
            return Ok(Vec::new());
        };
        let map = match self.eval_in(names, row, props)? {
            Value::Map(m) => m,
            Value::Null => BTreeMap::new(),
            other => return Err(super::ops::type_error("a property map", &other)),
        };
        let mut out = Vec::with_capacity(map.len());
        for (k, v) in map {
            if v.is_null() {
                if merging {
                    return Err(runtime(
                        ErrorKind::SemanticError,
                        "MergeReadOwnWrites",
                        format!("cannot merge with a null property value for `{k}`"),
                    ));
                }
                continue;
            }
            check_storable(&v)?;
            out.push((k, v));
        }
        Ok(out)
    }
}

/// The table's names followed by the new variables of `pattern`, in order of appearance.
fn names_with<'a>(names: &[String], pattern: impl Iterator<Item = &'a PatternPart>) -> Vec<String> {
    let mut out = names.to_vec();
    let mut add = |v: Option<&crate::ast::Ident>| {
        if let Some(v) = v {
            if !out.contains(&v.name) {
                out.push(v.name.clone());
            }
        }
    };
    for part in pattern {
        add(part.var.as_ref());
        add(part.element.start.var.as_ref());
        for (rel, node) in &part.element.chain {
            add(rel.var.as_ref());
            add(node.var.as_ref());
        }
    }
    out
}

fn put(row: &mut Row, s: usize, v: Value) {
    if let Some(x) = row.get_mut(s) {
        *x = v;
    }
}
