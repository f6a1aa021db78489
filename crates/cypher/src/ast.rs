//! The syntax tree of a Cypher query, as the parser builds it and the executor walks it.
//!
//! Every expression and pattern element keeps the [`Span`] of its source text, so an error found
//! after parsing (an unknown function, a type error in a literal) can still point at it.
//! Identifiers keep their case; keywords and function names are matched case-insensitively by
//! the parser and executor.

/// Byte offsets `start..end` into the query text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Span {
    pub start: usize,
    pub end: usize,
}

/// A whole query: one or more single queries joined by `UNION` / `UNION ALL`.
#[derive(Debug, Clone, PartialEq)]
pub struct Query {
    pub first: SingleQuery,
    /// Each later part with whether it was joined by `UNION ALL` (true) or `UNION` (false).
    pub unions: Vec<(bool, SingleQuery)>,
}

/// A sequence of clauses, e.g. `MATCH ... WITH ... RETURN ...`.
#[derive(Debug, Clone, PartialEq)]
pub struct SingleQuery {
    pub clauses: Vec<Clause>,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Clause {
    Match {
        optional: bool,
        pattern: Vec<PatternPart>,
        where_: Option<Expr>,
        span: Span,
    },
    Unwind {
        expr: Expr,
        alias: Ident,
        span: Span,
    },
    With(Projection),
    Return(Projection),
    Create {
        pattern: Vec<PatternPart>,
        span: Span,
    },
    Merge {
        part: PatternPart,
        on_create: Vec<SetItem>,
        on_match: Vec<SetItem>,
        span: Span,
    },
    Set {
        items: Vec<SetItem>,
        span: Span,
    },
    Remove {
        items: Vec<RemoveItem>,
        span: Span,
    },
    Delete {
        detach: bool,
        exprs: Vec<Expr>,
        span: Span,
    },
    /// `CALL proc(args) YIELD ...`: parsed so that it can be refused by name.
    Call {
        procedure: String,
        args: Option<Vec<Expr>>,
        yields: Vec<(Ident, Option<Ident>)>,
        where_: Option<Expr>,
        span: Span,
    },
}

/// The body of `WITH` and `RETURN`.
#[derive(Debug, Clone, PartialEq)]
pub struct Projection {
    pub distinct: bool,
    /// `*`: every variable in scope, before the listed items.
    pub star: bool,
    pub items: Vec<ProjectionItem>,
    pub order_by: Vec<SortItem>,
    pub skip: Option<Expr>,
    pub limit: Option<Expr>,
    /// Only on `WITH`.
    pub where_: Option<Expr>,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub struct ProjectionItem {
    pub expr: Expr,
    /// `AS alias`; without one the column is named by the expression's source text.
    pub alias: Option<Ident>,
    /// The expression's source text exactly as written (the column name when there is no alias).
    pub text: String,
}

#[derive(Debug, Clone, PartialEq)]
pub struct SortItem {
    pub expr: Expr,
    pub descending: bool,
}

/// A variable or name, with where it was written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ident {
    pub name: String,
    pub span: Span,
}

/// One comma-separated part of a pattern: `p = (a)-[:R]->(b)`.
#[derive(Debug, Clone, PartialEq)]
pub struct PatternPart {
    pub var: Option<Ident>,
    pub kind: PathKind,
    pub element: PatternElement,
    pub span: Span,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PathKind {
    Normal,
    ShortestPath,
    AllShortestPaths,
}

/// A chain `(n0)-[r1]-(n1)-[r2]-(n2)...`.
#[derive(Debug, Clone, PartialEq)]
pub struct PatternElement {
    pub start: NodePattern,
    pub chain: Vec<(RelPattern, NodePattern)>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct NodePattern {
    pub var: Option<Ident>,
    pub labels: Vec<Ident>,
    /// A map literal or a parameter.
    pub props: Option<Expr>,
    pub span: Span,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RelDirection {
    /// `-[]->`
    Outgoing,
    /// `<-[]-`
    Incoming,
    /// `-[]-` (or `<-[]->`, which openCypher also reads as either direction)
    Either,
}

#[derive(Debug, Clone, PartialEq)]
pub struct RelPattern {
    pub var: Option<Ident>,
    /// `:A|B` (also `:A|:B`); empty for any type.
    pub types: Vec<Ident>,
    pub direction: RelDirection,
    /// `*`, `*2`, `*1..3`, `*..3`, `*2..`: `Some((min, max))` with `None` for an open bound.
    /// A bare `*` is `Some((None, None))`.
    pub length: Option<(Option<u64>, Option<u64>)>,
    pub props: Option<Expr>,
    pub span: Span,
}

/// An item of `SET`, and of `ON CREATE SET` / `ON MATCH SET`.
#[derive(Debug, Clone, PartialEq)]
pub enum SetItem {
    /// `n.key = value` (the target may be any expression yielding a node, relationship or map
    /// owner, e.g. `(n).key` or `n.a.b` is refused by the executor).
    Property {
        target: Expr,
        key: Ident,
        value: Expr,
    },
    /// `n = {map}`: replaces all properties.
    Replace { var: Ident, value: Expr },
    /// `n += {map}`: adds and overwrites properties.
    Merge { var: Ident, value: Expr },
    /// `n:A:B`
    Labels { var: Ident, labels: Vec<Ident> },
}

#[derive(Debug, Clone, PartialEq)]
pub enum RemoveItem {
    Property { target: Expr, key: Ident },
    Labels { var: Ident, labels: Vec<Ident> },
}

#[derive(Debug, Clone, PartialEq)]
pub struct Expr {
    pub kind: ExprKind,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Literal {
    Null,
    Bool(bool),
    Int(i64),
    Float(f64),
    String(String),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UnaryOp {
    Not,
    Neg,
    Pos,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BinaryOp {
    Or,
    Xor,
    And,
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
    Add,
    Sub,
    Mul,
    Div,
    Mod,
    Pow,
    In,
    StartsWith,
    EndsWith,
    Contains,
    /// `=~`
    Regex,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Quantifier {
    All,
    Any,
    None,
    Single,
}

#[derive(Debug, Clone, PartialEq)]
pub enum MapProjectionItem {
    /// `.key`
    Property(Ident),
    /// `.*`
    AllProperties,
    /// `key: expr`
    Literal(Ident, Expr),
    /// `var` (the variable's value under its own name)
    Variable(Ident),
}

#[derive(Debug, Clone, PartialEq)]
pub enum ExprKind {
    Literal(Literal),
    /// `$name` (or `$0`)
    Parameter(String),
    Variable(String),
    List(Vec<Expr>),
    Map(Vec<(Ident, Expr)>),
    /// `expr.key`
    Property(Box<Expr>, Ident),
    /// `expr[index]`
    Index(Box<Expr>, Box<Expr>),
    /// `expr[from..to]`, either bound optional.
    Slice(Box<Expr>, Option<Box<Expr>>, Option<Box<Expr>>),
    Unary(UnaryOp, Box<Expr>),
    Binary(BinaryOp, Box<Expr>, Box<Expr>),
    /// `a < b <= c`: openCypher's chained comparison, true when each adjacent pair holds.
    /// `ops.len() == operands.len() - 1`, at least two operators.
    Chain {
        operands: Vec<Expr>,
        ops: Vec<BinaryOp>,
    },
    /// `expr IS NULL` (false) / `expr IS NOT NULL` (true).
    IsNull {
        expr: Box<Expr>,
        negated: bool,
    },
    /// `n:A:B` used as a predicate.
    HasLabels(Box<Expr>, Vec<Ident>),
    /// `name(args)`, `name(DISTINCT args)`, also namespaced `a.b.c(args)`. Name as written.
    Function {
        name: String,
        distinct: bool,
        args: Vec<Expr>,
    },
    /// `count(*)`
    CountStar,
    /// `CASE [operand] WHEN .. THEN .. [ELSE ..] END`
    Case {
        operand: Option<Box<Expr>>,
        whens: Vec<(Expr, Expr)>,
        else_: Option<Box<Expr>>,
    },
    /// `[x IN list WHERE pred | map]`
    ListComprehension {
        var: Ident,
        list: Box<Expr>,
        filter: Option<Box<Expr>>,
        map: Option<Box<Expr>>,
    },
    /// `[p = (a)-->(b) WHERE pred | map]`
    PatternComprehension {
        var: Option<Ident>,
        pattern: Box<PatternElement>,
        filter: Option<Box<Expr>>,
        map: Box<Expr>,
    },
    /// `all(x IN list WHERE pred)` and `any`, `none`, `single`.
    Quantified {
        quantifier: Quantifier,
        var: Ident,
        list: Box<Expr>,
        filter: Option<Box<Expr>>,
    },
    /// `reduce(acc = init, x IN list | expr)`
    Reduce {
        acc: Ident,
        init: Box<Expr>,
        var: Ident,
        list: Box<Expr>,
        expr: Box<Expr>,
    },
    /// A relationship pattern used as a boolean: `(a)-[:R]->(b)` in `WHERE`.
    PatternPredicate(Box<PatternElement>),
    /// `EXISTS { MATCH ... [WHERE ...] }` or `EXISTS { (a)-->(b) [WHERE ...] }`.
    ExistsSubquery {
        pattern: Vec<PatternPart>,
        where_: Option<Box<Expr>>,
    },
    /// `EXISTS { MATCH ... WITH ... RETURN ... }`: any subquery that is more than one plain
    /// `MATCH` with an optional `WHERE` (those become [`ExprKind::ExistsSubquery`]). True when the
    /// subquery yields at least one row; the enclosing row's variables are visible inside. The
    /// parser refuses updating clauses in it. The last clause need not be `RETURN`.
    ExistsQuery(Box<Query>),
    /// `n {.a, .b, c: 1, .*}`
    MapProjection {
        var: Ident,
        items: Vec<MapProjectionItem>,
    },
}
