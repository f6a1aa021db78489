//! Write clauses: `MERGE`, `SET`, `REMOVE`, `DELETE` (`CREATE` is in [`super::create`]). Each
//! runs row by row, so a row sees what earlier rows wrote (a `MERGE` finds what the previous row
//! created). Every change goes through the helpers at the bottom, which record it for the
//! side-effect counts.

use super::eval::{eval, Env};
use super::plan::{plan, PartRef};
use super::stats::Entity;
use super::view::View;
use super::{compile_error, match_, runtime, Executor, Row, Table};
use crate::ast::{Expr, PatternPart, RemoveItem, SetItem};
use crate::error::ErrorKind;
use crate::graph::{Direction, GraphRead, NodeId, RelId};
use crate::value::Value;
use crate::CypherError;

impl Executor<'_, '_> {
    pub(super) fn merge(
        &mut self,
        table: Table,
        part: &PatternPart,
        on_create: &[SetItem],
        on_match: &[SetItem],
    ) -> Result<Table, CypherError> {
        let parts = [PartRef::from(part)];
        let plan = plan(&self.view(), &table.names, &parts, None)?;
        let n = plan.n_named;
        let names: Vec<String> = plan.names.get(..n).unwrap_or(&plan.names).to_vec();
        let n_in = table.names.len();
        let mut rows = Vec::new();
        for row in table.rows {
            let mut found: Vec<Row> = Vec::new();
            self.with_cx(|cx| {
                match_::run(cx, &plan, &row, &mut |v| {
                    found.push(v.get(..n).unwrap_or(v).to_vec());
                    cx.guard.check_rows(found.len())?;
                    Ok(true)
                })
            })?;
            if found.is_empty() {
                let mut new_row = row;
                new_row.resize(n, Value::Null);
                self.create_part(&names, n_in, &mut new_row, part, true)?;
                for item in on_create {
                    self.set_item(&names, &new_row, item)?;
                }
                rows.push(new_row);
            } else {
                for m in found {
                    for item in on_match {
                        self.set_item(&names, &m, item)?;
                    }
                    rows.push(m);
                }
            }
            self.guard.check_rows(rows.len())?;
        }
        Ok(Table { names, rows })
    }

    pub(super) fn set(&mut self, table: Table, items: &[SetItem]) -> Result<Table, CypherError> {
        for row in &table.rows {
            self.guard.tick()?;
            for item in items {
                self.set_item(&table.names, row, item)?;
            }
        }
        Ok(table)
    }

    pub(super) fn remove(
        &mut self,
        table: Table,
        items: &[RemoveItem],
    ) -> Result<Table, CypherError> {
        for row in &table.rows {
            self.guard.tick()?;
            for item in items {
                match item {
                    RemoveItem::Property { target, key } => {
                        let t = self.eval_in(&table.names, row, target)?;
                        if let Some(e) = entity(&t)? {
                            self.write_property(e, &key.name, None)?;
                        }
                    }
                    RemoveItem::Labels { var, labels } => {
                        if let Some(n) = self.node_var(&table.names, row, &var.name)? {
                            for l in labels {
                                self.write_label(n, &l.name, false)?;
                            }
                        }
                    }
                }
            }
        }
        Ok(table)
    }

    pub(super) fn delete(
        &mut self,
        table: Table,
        exprs: &[Expr],
        detach: bool,
    ) -> Result<Table, CypherError> {
        let mut nodes: Vec<NodeId> = Vec::new();
        let mut rels: Vec<RelId> = Vec::new();
        for row in &table.rows {
            self.guard.tick()?;
            for e in exprs {
                match self.eval_in(&table.names, row, e)? {
                    Value::Null => {}
                    Value::Node(n) => nodes.push(n),
                    Value::Rel(r) => rels.push(r),
                    Value::Path(p) => {
                        nodes.extend(p.nodes);
                        rels.extend(p.rels);
                    }
                    other => {
                        return Err(runtime(
                            ErrorKind::TypeError,
                            "InvalidArgumentType",
                            format!("DELETE cannot delete a {}", other.type_name()),
                        ))
                    }
                }
            }
        }
        for r in rels {
            if self.view().has_rel(r) {
                self.delete_rel(r)?;
            }
        }
        for n in nodes {
            if !self.view().has_node(n) {
                continue;
            }
            let mut attached = Vec::new();
            self.view().expand(n, Direction::Both, &[], &mut attached);
            if !attached.is_empty() && !detach {
                return Err(runtime(
                    ErrorKind::ConstraintVerificationFailed,
                    "DeleteConnectedNode",
                    "cannot delete a node that still has relationships; use DETACH DELETE",
                ));
            }
            for r in attached {
                self.delete_rel(r)?;
            }
            let (view, changes) = self.split();
            changes.before_delete(&view, Entity::Node(n));
            self.graph_mut()?.delete_node(n)?;
        }
        Ok(table)
    }

    /// Creates the nodes and relationship of one pattern part not yet bound in `row`.
    fn set_item(&mut self, names: &[String], row: &Row, item: &SetItem) -> Result<(), CypherError> {
        match item {
            SetItem::Property { target, key, value } => {
                let t = self.eval_in(names, row, target)?;
                let v = self.eval_in(names, row, value)?;
                if let Some(e) = entity(&t)? {
                    self.write_property(e, &key.name, Some(v))?;
                }
            }
            SetItem::Replace { var, value } | SetItem::Merge { var, value } => {
                let t = self.eval_in(
                    names,
                    row,
                    &Expr {
                        kind: crate::ast::ExprKind::Variable(var.name.clone()),
                        span: var.span,
                    },
                )?;
                let v = self.eval_in(names, row, value)?;
                let Some(e) = entity(&t)? else {
                    return Ok(());
                };
                let new: Vec<(String, Value)> = match &v {
                    Value::Map(m) => m.iter().map(|(k, v)| (k.clone(), v.clone())).collect(),
                    Value::Node(_) | Value::Rel(_) => {
                        self.with_cx(|cx| super::eval::all_properties(cx, &v))?
                    }
                    Value::Null => Vec::new(),
                    other => return Err(super::ops::type_error("SET", other)),
                };
                if matches!(item, SetItem::Replace { .. }) {
                    let old = match e {
                        Entity::Node(n) => self.view().node_properties(n),
                        Entity::Rel(r) => self.view().rel_properties(r),
                    };
                    for (k, _) in old {
                        if !new.iter().any(|(nk, _)| *nk == k) {
                            self.write_property(e, &k, None)?;
                        }
                    }
                }
                for (k, v) in new {
                    self.write_property(e, &k, Some(v))?;
                }
            }
            SetItem::Labels { var, labels } => {
                if let Some(n) = self.node_var(names, row, &var.name)? {
                    for l in labels {
                        self.write_label(n, &l.name, true)?;
                    }
                }
            }
        }
        Ok(())
    }

    pub(super) fn eval_in(
        &self,
        names: &[String],
        row: &Row,
        e: &Expr,
    ) -> Result<Value, CypherError> {
        self.with_cx(|cx| eval(cx, &Env::new(names, row), e))
    }

    pub(super) fn node_var(
        &self,
        names: &[String],
        row: &Row,
        var: &str,
    ) -> Result<Option<NodeId>, CypherError> {
        match slot(names, var).and_then(|s| row.get(s)) {
            Some(Value::Node(n)) => Ok(Some(*n)),
            Some(Value::Null) => Ok(None),
            Some(other) => Err(super::ops::type_error("a label update", other)),
            None => Err(compile_error(
                "UndefinedVariable",
                format!("variable `{var}` not defined"),
            )),
        }
    }

    pub(super) fn split(&mut self) -> (View<'_>, &mut super::stats::Changes) {
        let view = match &self.target {
            super::Target::Read(g) => View::Read(*g),
            super::Target::Write(g) => View::Write(&**g),
        };
        (view, &mut self.changes)
    }

    fn write_property(
        &mut self,
        e: Entity,
        key: &str,
        v: Option<Value>,
    ) -> Result<(), CypherError> {
        let v = v.filter(|v| !v.is_null());
        if let Some(v) = &v {
            check_storable(v)?;
        }
        let (view, changes) = self.split();
        let alive = match e {
            Entity::Node(n) => view.has_node(n),
            Entity::Rel(r) => view.has_rel(r),
        };
        if !alive {
            return Err(runtime(
                ErrorKind::EntityNotFound,
                "DeletedEntityAccess",
                "cannot set a property of a deleted entity",
            ));
        }
        changes.before_property(&view, e, key);
        let g = self.graph_mut()?;
        match e {
            Entity::Node(n) => g.set_node_property(n, key, v),
            Entity::Rel(r) => g.set_rel_property(r, key, v),
        }
    }

    fn write_label(&mut self, n: NodeId, label: &str, add: bool) -> Result<(), CypherError> {
        let (view, changes) = self.split();
        changes.before_label(&view, label);
        let g = self.graph_mut()?;
        if add {
            g.add_label(n, label)?;
        } else {
            g.remove_label(n, label)?;
        }
        Ok(())
    }

    fn delete_rel(&mut self, r: RelId) -> Result<(), CypherError> {
        let (view, changes) = self.split();
        changes.before_delete(&view, Entity::Rel(r));
        self.graph_mut()?.delete_rel(r)
    }
}

pub(super) fn slot(names: &[String], var: &str) -> Option<usize> {
    names.iter().rposition(|n| n == var)
}

/// The node or relationship a `SET` / `REMOVE` target names; `None` for null.
fn entity(v: &Value) -> Result<Option<Entity>, CypherError> {
    match v {
        Value::Null => Ok(None),
        Value::Node(n) => Ok(Some(Entity::Node(*n))),
        Value::Rel(r) => Ok(Some(Entity::Rel(*r))),
        other => Err(runtime(
            ErrorKind::TypeError,
            "InvalidArgumentType",
            format!("cannot set a property on a {}", other.type_name()),
        )),
    }
}

/// Property values are scalars (temporal values among them) or lists of scalars.
pub(super) fn check_storable(v: &Value) -> Result<(), CypherError> {
    let scalar = |v: &Value| {
        matches!(
            v,
            Value::Bool(_)
                | Value::Int(_)
                | Value::Float(_)
                | Value::String(_)
                | Value::Temporal(_)
        )
    };
    let ok = match v {
        Value::List(items) => items.iter().all(scalar),
        other => scalar(other),
    };
    if ok {
        Ok(())
    } else {
        Err(runtime(
            ErrorKind::TypeError,
            "InvalidPropertyType",
            format!("a {} cannot be stored as a property", v.type_name()),
        ))
    }
}
