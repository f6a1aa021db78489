//! The reference: openCypher's matching semantics written as plainly as possible, with no
//! planning, no indexes and no use of the engine's graph interface.
//!
//! A `MATCH` is answered by trying every node for each part's first node and, hop by hop, every
//! relationship of the whole graph (keeping those that touch the current node in the written
//! direction); a relationship already used anywhere in the same `MATCH` is skipped
//! (relationship uniqueness), so variable-length relationships are trails. Every element is
//! bound to a variable (anonymous ones to hidden `#` names), so that once the whole pattern is
//! bound its inline property maps are checked as the predicates they are, whatever variables they
//! mention; then named paths are built, `WHERE` filters under three-valued logic, and `RETURN`
//! projects.

use std::collections::BTreeMap;

use super::logic::{and3, bool3, compare, eq3, literals_fit, lookup, props_fit};
use super::model::{
    Chain, Dir, Expr, GraphSpec, MatchClause, NodePat, PatProps, Query, RelPat, Val, With,
};

pub type Row = BTreeMap<String, Val>;

#[derive(Debug)]
pub enum RefError {
    /// More work than a small case should take: the case is skipped.
    OverBudget,
    /// Not a valid query (only shrinking makes these).
    Invalid(String),
}

pub struct Reference<'g> {
    g: &'g GraphSpec,
    steps: usize,
    budget: usize,
    /// How many bindings reached `RETURN` in the last run.
    pub matched: usize,
}

/// The rest of a `MATCH` after the current hop: hops left in this part, then further parts.
struct Rest<'q> {
    hops: &'q [(RelPat, NodePat)],
    parts: &'q [Chain],
}

impl<'g> Reference<'g> {
    pub fn new(g: &'g GraphSpec, budget: usize) -> Self {
        Reference {
            g,
            steps: 0,
            budget,
            matched: 0,
        }
    }

    /// The rows of `RETURN`, in no particular order.
    pub fn run(&mut self, q: &Query) -> Result<Vec<Vec<Val>>, RefError> {
        let mut rows = vec![Row::new()];
        for (k, c) in q.clauses.iter().enumerate() {
            rows = self.clause(c, rows)?;
            if let (0, Some(w)) = (k, &q.with) {
                rows = self.with(w, rows)?;
            }
        }
        self.matched = rows.len();
        self.project(q, &rows)
    }

    /// Keeps the listed variables of each row, then `DISTINCT` and `WHERE`.
    fn with(&mut self, w: &With, rows: Vec<Row>) -> Result<Vec<Row>, RefError> {
        let mut out: Vec<Row> = Vec::new();
        let mut seen = Vec::new();
        for row in rows {
            let mut kept = Row::new();
            for v in &w.vars {
                let value = row
                    .get(v)
                    .cloned()
                    .ok_or_else(|| RefError::Invalid(format!("WITH {v}")))?;
                kept.insert(v.clone(), value);
            }
            if w.distinct {
                let spelled: Vec<String> = kept.values().map(|v| v.to_string()).collect();
                if seen.contains(&spelled) {
                    continue;
                }
                seen.push(spelled);
            }
            let keep = match &w.where_ {
                None => true,
                Some(e) => self.eval(e, &kept)? == Val::Bool(true),
            };
            if keep {
                out.push(kept);
            }
        }
        Ok(out)
    }

    fn tick(&mut self) -> Result<(), RefError> {
        self.steps += 1;
        if self.steps > self.budget {
            Err(RefError::OverBudget)
        } else {
            Ok(())
        }
    }

    fn clause(&mut self, c: &MatchClause, rows: Vec<Row>) -> Result<Vec<Row>, RefError> {
        let mut out = Vec::new();
        let parts = named(&c.parts, "m");
        for row in rows {
            let mut kept = 0;
            for mut b in self.bindings(&parts, &row)? {
                let keep = match &c.where_ {
                    None => true,
                    Some(w) => self.eval(w, &b)? == Val::Bool(true),
                };
                if keep {
                    b.retain(|k, _| !k.starts_with('#'));
                    out.push(b);
                    kept += 1;
                }
            }
            if kept == 0 && c.optional {
                let mut r = row.clone();
                for v in clause_vars(c) {
                    r.entry(v).or_insert(Val::Null);
                }
                out.push(r);
            }
        }
        Ok(out)
    }

    /// Every binding of the (fully named) `parts` that extends `row`, their property maps
    /// checked and their paths built.
    fn bindings(&mut self, parts: &[Chain], row: &Row) -> Result<Vec<Row>, RefError> {
        let mut found = Vec::new();
        self.parts(parts, row, &mut Vec::new(), &mut found)?;
        let mut out = Vec::new();
        for mut b in found {
            if !self.maps_fit(parts, &b)? {
                continue;
            }
            for p in parts {
                if let Some(var) = &p.path {
                    let path = self.path(p, &b);
                    b.insert(var.clone(), path);
                }
            }
            out.push(b);
        }
        Ok(out)
    }

    /// Whether every inline property map of `parts` holds in `row`.
    fn maps_fit(&mut self, parts: &[Chain], row: &Row) -> Result<bool, RefError> {
        let mut checks: Vec<(&PatProps, &Option<String>)> = Vec::new();
        for p in parts {
            checks.push((&p.start.props, &p.start.var));
            for (r, n) in &p.hops {
                checks.push((&r.props, &r.var));
                checks.push((&n.props, &n.var));
            }
        }
        for (props, var) in checks {
            let mut wanted = Vec::new();
            for (k, e) in props {
                wanted.push((*k, self.eval(e, row)?));
            }
            let value = var.as_ref().and_then(|v| row.get(v));
            let fits = match value {
                Some(Val::Node(n)) => props_fit(&wanted, &self.g.nodes[*n].props),
                Some(Val::Rel(r)) => props_fit(&wanted, &self.g.rels[*r].props),
                Some(Val::List(rels)) => rels.iter().all(|r| match r {
                    Val::Rel(r) => props_fit(&wanted, &self.g.rels[*r].props),
                    _ => false,
                }),
                _ => false,
            };
            if !fits {
                return Ok(false);
            }
        }
        Ok(true)
    }

    /// The path a fully bound part walked: from its first node, each relationship leads to its
    /// other end.
    fn path(&self, part: &Chain, row: &Row) -> Val {
        let get = |v: &Option<String>| v.as_ref().and_then(|v| row.get(v)).cloned();
        let Some(Val::Node(mut at)) = get(&part.start.var) else {
            return Val::Null;
        };
        let mut items = vec![Val::Node(at)];
        for (rel, _) in &part.hops {
            let rels = match get(&rel.var) {
                Some(Val::Rel(r)) => vec![Val::Rel(r)],
                Some(Val::List(rels)) => rels,
                _ => return Val::Null,
            };
            for r in rels {
                let Val::Rel(r) = r else { return Val::Null };
                let spec = &self.g.rels[r];
                at = if spec.start == at {
                    spec.end
                } else {
                    spec.start
                };
                items.push(Val::Rel(r));
                items.push(Val::Node(at));
            }
        }
        Val::Path(items)
    }

    /// Every binding of `parts` that extends `row` without reusing a relationship in `used`;
    /// inline property maps are only checked here when they are literals.
    fn parts(
        &mut self,
        parts: &[Chain],
        row: &Row,
        used: &mut Vec<usize>,
        out: &mut Vec<Row>,
    ) -> Result<(), RefError> {
        let Some((first, parts)) = parts.split_first() else {
            out.push(row.clone());
            return Ok(());
        };
        for n in 0..self.g.nodes.len() {
            self.tick()?;
            if let Some(row) = self.bind_node(&first.start, n, row) {
                let rest = Rest {
                    hops: &first.hops,
                    parts,
                };
                self.hops(&rest, n, &row, used, out)?;
            }
        }
        Ok(())
    }

    fn hops(
        &mut self,
        rest: &Rest<'_>,
        at: usize,
        row: &Row,
        used: &mut Vec<usize>,
        out: &mut Vec<Row>,
    ) -> Result<(), RefError> {
        let Some(((rel, node), hops)) = rest.hops.split_first() else {
            return self.parts(rest.parts, row, used, out);
        };
        let rest = Rest {
            hops,
            parts: rest.parts,
        };
        self.trails(rel, node, &rest, at, &mut Vec::new(), row, used, out)
    }

    /// Extends `trail` (which has led to `at`) one relationship at a time; every trail of an
    /// allowed length binds the hop and goes on with the rest.
    #[allow(clippy::too_many_arguments)]
    fn trails(
        &mut self,
        rel: &RelPat,
        node: &NodePat,
        rest: &Rest<'_>,
        at: usize,
        trail: &mut Vec<usize>,
        row: &Row,
        used: &mut Vec<usize>,
        out: &mut Vec<Row>,
    ) -> Result<(), RefError> {
        let (min, max) = rel.len.unwrap_or((1, 1));
        if trail.len() >= min {
            let value = match (rel.len, trail.first()) {
                (Some(_), _) => Val::List(trail.iter().map(|r| Val::Rel(*r)).collect()),
                (None, Some(r)) => Val::Rel(*r),
                (None, None) => return Ok(()),
            };
            if let Some(row) = bind_var(rel.var.as_ref(), value, row) {
                if let Some(row) = self.bind_node(node, at, &row) {
                    self.hops(rest, at, &row, used, out)?;
                }
            }
        }
        if trail.len() == max {
            return Ok(());
        }
        for (j, r) in self.g.rels.iter().enumerate() {
            self.tick()?;
            let next = match rel.dir {
                Dir::Out => (r.start == at).then_some(r.end),
                Dir::In => (r.end == at).then_some(r.start),
                // One way across a relationship, even a self-loop.
                Dir::Both if r.start == at => Some(r.end),
                Dir::Both => (r.end == at).then_some(r.start),
            };
            let fits = (rel.types.is_empty() || rel.types.contains(&r.ty))
                && literals_fit(&rel.props, &r.props);
            let Some(next) = next.filter(|_| fits && !used.contains(&j)) else {
                continue;
            };
            used.push(j);
            trail.push(j);
            self.trails(rel, node, rest, next, trail, row, used, out)?;
            trail.pop();
            used.pop();
        }
        Ok(())
    }

    fn bind_node(&self, pat: &NodePat, n: usize, row: &Row) -> Option<Row> {
        let spec = self.g.nodes.get(n)?;
        let fits = pat.labels.iter().all(|l| spec.labels.contains(l))
            && literals_fit(&pat.props, &spec.props);
        if fits {
            bind_var(pat.var.as_ref(), Val::Node(n), row)
        } else {
            None
        }
    }

    fn eval(&mut self, e: &Expr, row: &Row) -> Result<Val, RefError> {
        let var = |v: &str| {
            row.get(v)
                .cloned()
                .ok_or_else(|| RefError::Invalid(format!("unbound {v}")))
        };
        Ok(match e {
            Expr::Lit(v) => v.clone(),
            Expr::Var(v) => var(v)?,
            Expr::Prop(v, k) => {
                let props = match var(v)? {
                    Val::Null => return Ok(Val::Null),
                    Val::Node(n) => &self.g.nodes[n].props,
                    Val::Rel(r) => &self.g.rels[r].props,
                    other => return Err(RefError::Invalid(format!("{other}.{k}"))),
                };
                lookup(props, k).cloned().unwrap_or(Val::Null)
            }
            Expr::Id(v) => match var(v)? {
                Val::Node(n) | Val::Rel(n) => Val::Int(n as i64),
                Val::Null => Val::Null,
                other => return Err(RefError::Invalid(format!("id({other})"))),
            },
            Expr::Cmp(op, a, b) => {
                let (a, b) = (self.eval(a, row)?, self.eval(b, row)?);
                bool3(compare(*op, &a, &b))
            }
            Expr::Range(a, op1, b, op2, c) => {
                let (a, b, c) = (self.eval(a, row)?, self.eval(b, row)?, self.eval(c, row)?);
                bool3(and3(compare(*op1, &a, &b), compare(*op2, &b, &c)))
            }
            Expr::In(a, list) => {
                let a = self.eval(a, row)?;
                let each: Vec<Option<bool>> = list.iter().map(|x| eq3(&a, x)).collect();
                bool3(if each.contains(&Some(true)) {
                    Some(true)
                } else if each.contains(&None) {
                    None
                } else {
                    Some(false)
                })
            }
            Expr::And(a, b) => bool3(and3(self.truth(a, row)?, self.truth(b, row)?)),
            Expr::Or(a, b) => {
                let (a, b) = (self.truth(a, row)?, self.truth(b, row)?);
                bool3(and3(a.map(|x| !x), b.map(|x| !x)).map(|x| !x))
            }
            Expr::Xor(a, b) => {
                let (a, b) = (self.truth(a, row)?, self.truth(b, row)?);
                bool3(a.zip(b).map(|(a, b)| a != b))
            }
            Expr::Not(a) => bool3(self.truth(a, row)?.map(|x| !x)),
            Expr::IsNull(a, negated) => Val::Bool((self.eval(a, row)? == Val::Null) != *negated),
            Expr::HasLabel(v, l) => match var(v)? {
                Val::Node(n) => Val::Bool(self.g.nodes[n].labels.contains(l)),
                _ => Val::Null,
            },
            Expr::Pattern(chain) => {
                let parts = named(std::slice::from_ref(chain), "p");
                Val::Bool(!self.bindings(&parts, row)?.is_empty())
            }
            Expr::Exists(chain, where_) => {
                let parts = named(std::slice::from_ref(chain), "e");
                let mut any = false;
                for b in self.bindings(&parts, row)? {
                    any = match where_ {
                        None => true,
                        Some(w) => self.eval(w, &b)? == Val::Bool(true),
                    };
                    if any {
                        break;
                    }
                }
                Val::Bool(any)
            }
        })
    }

    /// A boolean operand: `None` for null.
    fn truth(&mut self, e: &Expr, row: &Row) -> Result<Option<bool>, RefError> {
        match self.eval(e, row)? {
            Val::Bool(b) => Ok(Some(b)),
            Val::Null => Ok(None),
            other => Err(RefError::Invalid(format!("{other} is not a boolean"))),
        }
    }

    fn project(&mut self, q: &Query, rows: &[Row]) -> Result<Vec<Vec<Val>>, RefError> {
        let mut out: Vec<Vec<Val>> = Vec::new();
        for row in rows {
            let mut values = Vec::new();
            for e in &q.items {
                values.push(self.eval(e, row)?);
            }
            out.push(values);
        }
        if q.count {
            // Group by the items' spelling (which is value identity here), keeping first-seen order.
            let mut groups: Vec<(String, Vec<Val>, i64)> = Vec::new();
            for keys in out {
                let spelled = format!("{}", Val::List(keys.clone()));
                match groups.iter_mut().find(|(s, _, _)| *s == spelled) {
                    Some((_, _, n)) => *n += 1,
                    None => groups.push((spelled, keys, 1)),
                }
            }
            if groups.is_empty() && q.items.is_empty() {
                groups.push((String::new(), Vec::new(), 0));
            }
            out = groups
                .into_iter()
                .map(|(_, mut keys, n)| {
                    keys.push(Val::Int(n));
                    keys
                })
                .collect();
        } else if q.distinct {
            let mut seen = Vec::new();
            out.retain(|r| {
                let spelled = format!("{}", Val::List(r.clone()));
                let new = !seen.contains(&spelled);
                seen.push(spelled);
                new
            });
        }
        Ok(out)
    }
}

/// Binds `var` to `value` in a copy of `row`; `None` if it is bound to something else.
fn bind_var(var: Option<&String>, value: Val, row: &Row) -> Option<Row> {
    let Some(var) = var else {
        return Some(row.clone());
    };
    match row.get(var) {
        Some(bound) => (*bound == value).then(|| row.clone()),
        None => {
            let mut row = row.clone();
            row.insert(var.clone(), value);
            Some(row)
        }
    }
}

/// The parts with a hidden name (`#{prefix}{k}`) for each anonymous element.
fn named(parts: &[Chain], prefix: &str) -> Vec<Chain> {
    let mut k = 0;
    let mut name = |v: &mut Option<String>| {
        if v.is_none() {
            *v = Some(format!("#{prefix}{k}"));
            k += 1;
        }
    };
    let mut parts = parts.to_vec();
    for p in &mut parts {
        name(&mut p.start.var);
        for (r, n) in &mut p.hops {
            name(&mut r.var);
            name(&mut n.var);
        }
    }
    parts
}

/// Every variable a `MATCH` clause names.
fn clause_vars(c: &MatchClause) -> Vec<String> {
    let mut vars = Vec::new();
    for p in &c.parts {
        vars.extend(p.path.clone());
        vars.extend(p.start.var.clone());
        for (r, n) in &p.hops {
            vars.extend(r.var.clone());
            vars.extend(n.var.clone());
        }
    }
    vars
}
