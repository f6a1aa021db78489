//! What both sides of the differential test share: the small graph (a plain list of nodes and
//! relationships), the query (a tiny syntax tree that renders itself as Cypher) and values.

use std::fmt::{self, Display, Formatter, Write as _};

/// A value as the reference knows it. Nodes and relationships are indexes into [`GraphSpec`],
/// which are also their ids in the [`pillion_cypher::MemGraph`] built from it.
#[derive(Debug, Clone, PartialEq)]
pub enum Val {
    Null,
    Bool(bool),
    Int(i64),
    Float(f64),
    Str(String),
    Node(usize),
    Rel(usize),
    List(Vec<Val>),
    /// Nodes and relationships alternately, starting and ending with a node.
    Path(Vec<Val>),
}

impl Display for Val {
    /// A canonical spelling: equal spellings are equal values (floats are never integral here,
    /// so `1` and `1.0` never meet).
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        match self {
            Val::Null => f.write_str("null"),
            Val::Bool(b) => write!(f, "{b}"),
            Val::Int(i) => write!(f, "{i}"),
            Val::Float(x) => write!(f, "{x:?}"),
            Val::Str(s) => write!(f, "'{s}'"),
            Val::Node(n) => write!(f, "n{n}"),
            Val::Rel(r) => write!(f, "r{r}"),
            Val::List(items) => write_list(f, "[", items, "]"),
            Val::Path(items) => write_list(f, "<", items, ">"),
        }
    }
}

fn write_list(f: &mut Formatter<'_>, open: &str, items: &[Val], close: &str) -> fmt::Result {
    f.write_str(open)?;
    for (i, v) in items.iter().enumerate() {
        if i > 0 {
            f.write_str(", ")?;
        }
        write!(f, "{v}")?;
    }
    f.write_str(close)
}

/// A node's or relationship's properties.
pub type Props = Vec<(&'static str, Val)>;

/// An inline property map of a pattern: values are literals or properties of variables.
pub type PatProps = Vec<(&'static str, Expr)>;

#[derive(Debug, Clone)]
pub struct NodeSpec {
    pub labels: Vec<&'static str>,
    pub props: Props,
}

#[derive(Debug, Clone)]
pub struct RelSpec {
    pub start: usize,
    pub end: usize,
    pub ty: &'static str,
    pub props: Props,
}

#[derive(Debug, Clone, Default)]
pub struct GraphSpec {
    pub nodes: Vec<NodeSpec>,
    pub rels: Vec<RelSpec>,
}

fn write_props<T: Display>(f: &mut Formatter<'_>, props: &[(&'static str, T)]) -> fmt::Result {
    if props.is_empty() {
        return Ok(());
    }
    f.write_str(" {")?;
    for (i, (k, v)) in props.iter().enumerate() {
        if i > 0 {
            f.write_str(", ")?;
        }
        write!(f, "{k}: {v}")?;
    }
    f.write_char('}')
}

impl Display for GraphSpec {
    /// The graph as one `CREATE` statement (node `n{i}` has id `i`, relationship `r{j}` id `j`).
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        f.write_str("CREATE ")?;
        for (i, n) in self.nodes.iter().enumerate() {
            if i > 0 {
                f.write_str(",\n       ")?;
            }
            write!(f, "(n{i}")?;
            for l in &n.labels {
                write!(f, ":{l}")?;
            }
            write_props(f, &n.props)?;
            f.write_char(')')?;
        }
        for (j, r) in self.rels.iter().enumerate() {
            write!(f, ",\n       (n{})-[r{j}:{}", r.start, r.ty)?;
            write_props(f, &r.props)?;
            write!(f, "]->(n{})", r.end)?;
        }
        Ok(())
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dir {
    Out,
    In,
    Both,
}

#[derive(Debug, Clone)]
pub struct NodePat {
    pub var: Option<String>,
    pub labels: Vec<&'static str>,
    pub props: PatProps,
}

#[derive(Debug, Clone)]
pub struct RelPat {
    pub var: Option<String>,
    /// Alternatives; empty for any type.
    pub types: Vec<&'static str>,
    pub dir: Dir,
    /// `Some((min, max))` for a variable-length relationship.
    pub len: Option<(usize, usize)>,
    pub props: PatProps,
}

#[derive(Debug, Clone)]
pub struct Chain {
    /// `p = ...`
    pub path: Option<String>,
    pub start: NodePat,
    pub hops: Vec<(RelPat, NodePat)>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CmpOp {
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
}

impl CmpOp {
    fn text(self) -> &'static str {
        match self {
            CmpOp::Eq => "=",
            CmpOp::Ne => "<>",
            CmpOp::Lt => "<",
            CmpOp::Le => "<=",
            CmpOp::Gt => ">",
            CmpOp::Ge => ">=",
        }
    }
}

#[derive(Debug, Clone)]
pub enum Expr {
    Lit(Val),
    Var(String),
    Prop(String, &'static str),
    Id(String),
    Cmp(CmpOp, Box<Expr>, Box<Expr>),
    /// `a < b <= c`: each neighbouring pair compared, the results AND-ed.
    Range(Box<Expr>, CmpOp, Box<Expr>, CmpOp, Box<Expr>),
    In(Box<Expr>, Vec<Val>),
    And(Box<Expr>, Box<Expr>),
    Or(Box<Expr>, Box<Expr>),
    Xor(Box<Expr>, Box<Expr>),
    Not(Box<Expr>),
    IsNull(Box<Expr>, bool),
    HasLabel(String, &'static str),
    Pattern(Chain),
    /// `EXISTS { chain WHERE ... }`, whose chain may bind variables of its own.
    Exists(Chain, Option<Box<Expr>>),
}

#[derive(Debug, Clone)]
pub struct MatchClause {
    pub optional: bool,
    pub parts: Vec<Chain>,
    pub where_: Option<Expr>,
}

/// `WITH v1, v2 [WHERE ...]` after the first `MATCH`: only the listed variables go on.
#[derive(Debug, Clone)]
pub struct With {
    pub vars: Vec<String>,
    pub distinct: bool,
    pub where_: Option<Expr>,
}

#[derive(Debug, Clone)]
pub struct Query {
    pub clauses: Vec<MatchClause>,
    /// Between the first `MATCH` and what follows it.
    pub with: Option<With>,
    pub distinct: bool,
    /// Plain items; with `count`, they are the grouping keys.
    pub items: Vec<Expr>,
    pub count: bool,
    pub skip: Option<usize>,
    pub limit: Option<usize>,
}

impl Display for NodePat {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        f.write_char('(')?;
        if let Some(v) = &self.var {
            f.write_str(v)?;
        }
        for l in &self.labels {
            write!(f, ":{l}")?;
        }
        write_props(f, &self.props)?;
        f.write_char(')')
    }
}

impl Display for RelPat {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        f.write_str(if self.dir == Dir::In { "<-[" } else { "-[" })?;
        if let Some(v) = &self.var {
            f.write_str(v)?;
        }
        for (i, t) in self.types.iter().enumerate() {
            f.write_str(if i == 0 { ":" } else { "|" })?;
            f.write_str(t)?;
        }
        match self.len {
            None => {}
            Some((1, max)) if max > 1 => write!(f, "*..{max}")?,
            Some((min, max)) if min == max => write!(f, "*{min}")?,
            Some((min, max)) => write!(f, "*{min}..{max}")?,
        }
        write_props(f, &self.props)?;
        f.write_str(if self.dir == Dir::Out { "]->" } else { "]-" })
    }
}

impl Display for Chain {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        if let Some(p) = &self.path {
            write!(f, "{p} = ")?;
        }
        write!(f, "{}", self.start)?;
        for (r, n) in &self.hops {
            write!(f, "{r}{n}")?;
        }
        Ok(())
    }
}

impl Display for Expr {
    /// Fully parenthesised, so precedence never decides anything.
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        match self {
            Expr::Lit(v) => write!(f, "{v}"),
            Expr::Var(v) => f.write_str(v),
            Expr::Prop(v, k) => write!(f, "{v}.{k}"),
            Expr::Id(v) => write!(f, "id({v})"),
            Expr::Cmp(op, a, b) => write!(f, "({a} {} {b})", op.text()),
            Expr::Range(a, op1, b, op2, c) => {
                write!(f, "({a} {} {b} {} {c})", op1.text(), op2.text())
            }
            Expr::In(a, list) => write!(f, "({a} IN {})", Val::List(list.clone())),
            Expr::And(a, b) => write!(f, "({a} AND {b})"),
            Expr::Or(a, b) => write!(f, "({a} OR {b})"),
            Expr::Xor(a, b) => write!(f, "({a} XOR {b})"),
            Expr::Not(a) => write!(f, "(NOT {a})"),
            Expr::IsNull(a, false) => write!(f, "({a} IS NULL)"),
            Expr::IsNull(a, true) => write!(f, "({a} IS NOT NULL)"),
            Expr::HasLabel(v, l) => write!(f, "({v}:{l})"),
            Expr::Pattern(c) => write!(f, "{c}"),
            Expr::Exists(c, None) => write!(f, "EXISTS {{ {c} }}"),
            Expr::Exists(c, Some(w)) => write!(f, "EXISTS {{ {c} WHERE {w} }}"),
        }
    }
}

impl Display for With {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        f.write_str(if self.distinct {
            "WITH DISTINCT "
        } else {
            "WITH "
        })?;
        f.write_str(&self.vars.join(", "))?;
        if let Some(w) = &self.where_ {
            write!(f, " WHERE {w}")?;
        }
        Ok(())
    }
}

impl Display for Query {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        for (k, c) in self.clauses.iter().enumerate() {
            if let (1, Some(w)) = (k, &self.with) {
                write!(f, "{w} ")?;
            }
            f.write_str(if c.optional {
                "OPTIONAL MATCH "
            } else {
                "MATCH "
            })?;
            for (i, p) in c.parts.iter().enumerate() {
                if i > 0 {
                    f.write_str(", ")?;
                }
                write!(f, "{p}")?;
            }
            if let Some(w) = &c.where_ {
                write!(f, " WHERE {w}")?;
            }
            f.write_char(' ')?;
        }
        if let (1, Some(w)) = (self.clauses.len(), &self.with) {
            write!(f, "{w} ")?;
        }
        f.write_str(if self.distinct {
            "RETURN DISTINCT "
        } else {
            "RETURN "
        })?;
        for (i, e) in self.items.iter().enumerate() {
            if i > 0 {
                f.write_str(", ")?;
            }
            write!(f, "{e} AS c{i}")?;
        }
        if self.count {
            if !self.items.is_empty() {
                f.write_str(", ")?;
            }
            f.write_str("count(*) AS n")?;
        }
        if let Some(s) = self.skip {
            write!(f, " SKIP {s}")?;
        }
        if let Some(l) = self.limit {
            write!(f, " LIMIT {l}")?;
        }
        Ok(())
    }
}
