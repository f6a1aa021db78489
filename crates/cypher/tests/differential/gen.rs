//! Random small graphs and random pattern queries, from a seeded generator so that a failing
//! case is named by its seed.

use super::model::{
    Chain, CmpOp, Dir, Expr, GraphSpec, MatchClause, NodePat, NodeSpec, PatProps, Props, Query,
    RelPat, RelSpec, Val, With,
};

/// SplitMix64: small, seedable, good enough to pick shapes.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed ^ 0x5DEE_CE66_D1CE_4E5B)
    }

    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in `0..n` (`n > 0`).
    pub fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    /// True with probability `percent` / 100.
    pub fn chance(&mut self, percent: usize) -> bool {
        self.below(100) < percent
    }

    pub fn pick<T: Clone>(&mut self, items: &[T]) -> T {
        items[self.below(items.len())].clone()
    }
}

const LABELS: [&str; 3] = ["A", "B", "C"];
const TYPES: [&str; 3] = ["T", "U", "V"];
const STRINGS: [&str; 2] = ["p", "q"];

fn int_val(rng: &mut Rng) -> Val {
    Val::Int(rng.below(3) as i64)
}

/// A value of node property `x`: mostly small integers, sometimes another type.
fn x_val(rng: &mut Rng) -> Val {
    match rng.below(20) {
        0 => Val::Str(rng.pick(&STRINGS).to_string()),
        1 => Val::Float(1.5),
        _ => int_val(rng),
    }
}

fn str_val(rng: &mut Rng) -> Val {
    Val::Str(rng.pick(&STRINGS).to_string())
}

pub fn graph(rng: &mut Rng) -> GraphSpec {
    let n = 6 + rng.below(5);
    let mut g = GraphSpec::default();
    for _ in 0..n {
        let labels = LABELS
            .iter()
            .zip([50, 40, 25])
            .filter(|(_, p)| rng.chance(*p))
            .map(|(l, _)| *l)
            .collect();
        let mut props = Props::new();
        if rng.chance(70) {
            props.push(("x", x_val(rng)));
        }
        if rng.chance(50) {
            props.push(("s", str_val(rng)));
        }
        g.nodes.push(NodeSpec { labels, props });
    }
    let m = 8 + rng.below(16);
    for _ in 0..m {
        let (start, end) = match (rng.below(100), g.rels.last()) {
            // Self-loops and parallel relationships (either way round) on purpose.
            (0..=9, _) => {
                let a = rng.below(n);
                (a, a)
            }
            (10..=24, Some(prev)) if rng.chance(50) => (prev.start, prev.end),
            (10..=24, Some(prev)) => (prev.end, prev.start),
            _ => (rng.below(n), rng.below(n)),
        };
        let ty = TYPES[[0, 0, 0, 1, 1, 1, 2, 2][rng.below(8)]];
        let mut props = Props::new();
        if rng.chance(50) {
            props.push(("w", int_val(rng)));
        }
        g.rels.push(RelSpec {
            start,
            end,
            ty,
            props,
        });
    }
    g
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    Node,
    Rel,
    RelList,
    Path,
}

/// The variables a query has bound so far.
#[derive(Default, Clone)]
struct Scope {
    vars: Vec<(String, Kind)>,
    /// Inside `EXISTS { ... }`, which does not nest here.
    in_exists: bool,
    next_node: usize,
    next_rel: usize,
    next_path: usize,
}

impl Scope {
    fn of(&self, kind: Kind) -> Vec<String> {
        self.vars
            .iter()
            .filter(|(_, k)| *k == kind)
            .map(|(v, _)| v.clone())
            .collect()
    }

    fn add(&mut self, v: &str, kind: Kind) {
        if !self.vars.iter().any(|(x, _)| x == v) {
            self.vars.push((v.to_string(), kind));
        }
    }
}

const NODE_VARS: [&str; 6] = ["a", "b", "c", "d", "e", "f"];

fn labels(rng: &mut Rng) -> Vec<&'static str> {
    match rng.below(20) {
        0..=15 => Vec::new(),
        16..=18 => vec![rng.pick(&LABELS)],
        _ => vec!["A", "B"],
    }
}

fn node_props(rng: &mut Rng) -> PatProps {
    let lit = Expr::Lit;
    match rng.below(100) {
        0..=4 => vec![("x", lit(int_val(rng)))],
        5..=6 => vec![("s", lit(str_val(rng)))],
        7 => vec![("x", lit(Val::Null))],
        _ => Vec::new(),
    }
}

/// `prev`: the node pattern just before this one in its chain, whose variable would make a
/// self-loop (too rare a match to try often).
fn node_pat(rng: &mut Rng, scope: &mut Scope, prev: Option<&NodePat>) -> NodePat {
    let mut bound = scope.of(Kind::Node);
    if rng.chance(80) {
        bound.retain(|v| prev.and_then(|p| p.var.as_ref()) != Some(v));
    }
    let var = match rng.below(20) {
        0..=3 => None,
        4..=6 if !bound.is_empty() => Some(rng.pick(&bound)),
        _ => match NODE_VARS.get(scope.next_node) {
            Some(v) => {
                scope.next_node += 1;
                Some(v.to_string())
            }
            None => None,
        },
    };
    if let Some(v) = &var {
        scope.add(v, Kind::Node);
    }
    NodePat {
        var,
        labels: labels(rng),
        props: node_props(rng),
    }
}

fn rel_types(rng: &mut Rng) -> Vec<&'static str> {
    match rng.below(10) {
        0..=4 => Vec::new(),
        5..=7 => vec![rng.pick(&TYPES)],
        _ => {
            let a = rng.below(3);
            vec![TYPES[a], TYPES[(a + 1 + rng.below(2)) % 3]]
        }
    }
}

/// `reuse`: bound relationship variables this clause may still use (each at most once).
fn rel_pat(rng: &mut Rng, scope: &mut Scope, reuse: &mut Vec<String>) -> RelPat {
    let len = rng
        .chance(25)
        .then(|| rng.pick(&[(0, 2), (1, 3), (1, 2), (2, 2), (0, 1), (1, 1)]));
    let var = if len.is_none() && !reuse.is_empty() && rng.chance(10) {
        Some(reuse.swap_remove(rng.below(reuse.len())))
    } else if rng.chance(if len.is_some() { 30 } else { 50 }) {
        scope.next_rel += 1;
        Some(format!("r{}", scope.next_rel))
    } else {
        None
    };
    if let Some(v) = &var {
        scope.add(
            v,
            if len.is_some() {
                Kind::RelList
            } else {
                Kind::Rel
            },
        );
    }
    RelPat {
        var,
        types: rel_types(rng),
        dir: rng.pick(&[Dir::Out, Dir::In, Dir::Both, Dir::Both]),
        len,
        props: if rng.chance(10) {
            vec![("w", Expr::Lit(int_val(rng)))]
        } else {
            Vec::new()
        },
    }
}

fn chain(rng: &mut Rng, scope: &mut Scope, hops: usize, reuse: &mut Vec<String>) -> Chain {
    let path = rng.chance(10).then(|| {
        scope.next_path += 1;
        format!("p{}", scope.next_path)
    });
    let mut chain = Chain {
        path,
        start: node_pat(rng, scope, None),
        hops: Vec::new(),
    };
    for _ in 0..hops {
        let rel = rel_pat(rng, scope, reuse);
        let prev = chain.hops.last().map_or(&chain.start, |(_, n)| n);
        let node = node_pat(rng, scope, Some(prev));
        chain.hops.push((rel, node));
    }
    if let Some(p) = &chain.path {
        scope.add(p, Kind::Path);
    }
    chain
}

/// Now and then, an inline property map that refers to a node of the clause (before, after or
/// at the element itself) or of an earlier one.
fn refer_back(rng: &mut Rng, scope: &Scope, parts: &mut [Chain]) {
    let nodes = scope.of(Kind::Node);
    if nodes.is_empty() {
        return;
    }
    for part in parts {
        let refer = |rng: &mut Rng, props: &mut PatProps, key: &'static str| {
            if rng.chance(5) {
                *props = vec![(key, Expr::Prop(rng.pick(&nodes), "x"))];
            }
        };
        refer(rng, &mut part.start.props, "x");
        for (rel, node) in &mut part.hops {
            refer(rng, &mut rel.props, "w");
            refer(rng, &mut node.props, "x");
        }
    }
}

fn match_clause(rng: &mut Rng, scope: &mut Scope, optional: bool) -> MatchClause {
    // Relationship variables of earlier clauses may be reused; those of this one may not.
    let mut reuse = scope.of(Kind::Rel);
    let n_parts = [1, 1, 1, 2, 2, 3][rng.below(6)];
    let mut parts: Vec<Chain> = (0..n_parts)
        .map(|i| {
            let hops = match rng.below(10) {
                0 if i > 0 => 0,
                0..=4 => 1,
                5..=7 => 2,
                _ => 3,
            };
            chain(rng, scope, hops, &mut reuse)
        })
        .collect();
    refer_back(rng, scope, &mut parts);
    let where_ = rng.chance(50).then(|| predicate(rng, scope, 3));
    MatchClause {
        optional,
        parts,
        where_,
    }
}

/// Something a comparison can compare.
fn operand(rng: &mut Rng, scope: &Scope) -> Expr {
    let nodes = scope.of(Kind::Node);
    let rels = scope.of(Kind::Rel);
    match rng.below(10) {
        0..=4 if !nodes.is_empty() => Expr::Prop(rng.pick(&nodes), rng.pick(&["x", "x", "s"])),
        5 if !rels.is_empty() => Expr::Prop(rng.pick(&rels), "w"),
        6 if !nodes.is_empty() => Expr::Id(rng.pick(&nodes)),
        7 => Expr::Lit(str_val(rng)),
        8 if rng.chance(20) => Expr::Lit(Val::Null),
        _ => Expr::Lit(int_val(rng)),
    }
}

fn cmp_op(rng: &mut Rng) -> CmpOp {
    rng.pick(&[
        CmpOp::Eq,
        CmpOp::Eq,
        CmpOp::Ne,
        CmpOp::Lt,
        CmpOp::Le,
        CmpOp::Gt,
        CmpOp::Ge,
    ])
}

fn predicate(rng: &mut Rng, scope: &Scope, depth: usize) -> Expr {
    let b = |e: Expr| Box::new(e);
    if depth > 0 && rng.chance(35) {
        return match rng.below(10) {
            0..=2 => Expr::And(
                b(predicate(rng, scope, depth - 1)),
                b(predicate(rng, scope, depth - 1)),
            ),
            3..=6 => Expr::Or(
                b(predicate(rng, scope, depth - 1)),
                b(predicate(rng, scope, depth - 1)),
            ),
            7 => Expr::Xor(
                b(predicate(rng, scope, depth - 1)),
                b(predicate(rng, scope, depth - 1)),
            ),
            _ => Expr::Not(b(predicate(rng, scope, depth - 1))),
        };
    }
    let nodes = scope.of(Kind::Node);
    match rng.below(20) {
        0..=3 => Expr::Cmp(cmp_op(rng), b(operand(rng, scope)), b(operand(rng, scope))),
        4..=7 => Expr::Cmp(
            cmp_op(rng),
            b(operand(rng, scope)),
            b(Expr::Lit(int_val(rng))),
        ),
        8 => Expr::Range(
            b(operand(rng, scope)),
            rng.pick(&[CmpOp::Lt, CmpOp::Le]),
            b(operand(rng, scope)),
            rng.pick(&[CmpOp::Lt, CmpOp::Le]),
            b(operand(rng, scope)),
        ),
        9..=10 => Expr::IsNull(b(operand(rng, scope)), rng.chance(50)),
        11 if !nodes.is_empty() => Expr::HasLabel(rng.pick(&nodes), rng.pick(&LABELS)),
        12 if nodes.len() > 1 => Expr::Cmp(
            rng.pick(&[CmpOp::Eq, CmpOp::Ne]),
            b(Expr::Var(rng.pick(&nodes))),
            b(Expr::Var(rng.pick(&nodes))),
        ),
        13 if !nodes.is_empty() => {
            let ids: Vec<Val> = (0..rng.below(4))
                .map(|_| Val::Int(rng.below(8) as i64))
                .collect();
            Expr::In(b(Expr::Id(rng.pick(&nodes))), ids)
        }
        14..=17 if !nodes.is_empty() => Expr::Pattern(pattern_predicate(rng, scope)),
        18 if !nodes.is_empty() && !scope.in_exists => exists(rng, scope),
        _ => Expr::Cmp(
            CmpOp::Eq,
            b(operand(rng, scope)),
            b(Expr::Lit(int_val(rng))),
        ),
    }
}

/// A pattern that binds nothing: bound variables and anonymous elements only, at least one
/// bound node.
fn pattern_predicate(rng: &mut Rng, scope: &Scope) -> Chain {
    let nodes = scope.of(Kind::Node);
    let mut rels = scope.of(Kind::Rel);
    let hops = 1 + rng.below(2);
    let anchor = rng.below(hops + 1);
    let node = |rng: &mut Rng, k: usize| NodePat {
        var: (k == anchor || rng.chance(40)).then(|| rng.pick(&nodes)),
        labels: if rng.chance(20) {
            vec![rng.pick(&LABELS)]
        } else {
            Vec::new()
        },
        props: Vec::new(),
    };
    let start = node(rng, 0);
    let mut chain = Chain {
        path: None,
        start,
        hops: Vec::new(),
    };
    for k in 1..=hops {
        let len = rng.chance(20).then(|| rng.pick(&[(0, 2), (1, 2), (1, 3)]));
        let var = (len.is_none() && !rels.is_empty() && rng.chance(15))
            .then(|| rels.swap_remove(rng.below(rels.len())));
        let rel = RelPat {
            var,
            types: rel_types(rng),
            dir: rng.pick(&[Dir::Out, Dir::In, Dir::Both]),
            len,
            props: Vec::new(),
        };
        chain.hops.push((rel, node(rng, k)));
    }
    chain
}

/// `EXISTS { chain WHERE ... }`: a pattern predicate whose anonymous nodes may become variables
/// of its own (`x1`, ...), for its `WHERE` to use.
fn exists(rng: &mut Rng, scope: &Scope) -> Expr {
    let mut chain = pattern_predicate(rng, scope);
    let mut inner = scope.clone();
    inner.in_exists = true;
    let nodes = std::iter::once(&mut chain.start).chain(chain.hops.iter_mut().map(|(_, n)| n));
    for (k, node) in nodes.enumerate() {
        if node.var.is_none() && rng.chance(60) {
            let v = format!("x{k}");
            inner.add(&v, Kind::Node);
            node.var = Some(v);
        }
    }
    let where_ = rng.chance(70).then(|| Box::new(predicate(rng, &inner, 1)));
    Expr::Exists(chain, where_)
}

pub fn query(rng: &mut Rng) -> Query {
    let mut scope = Scope::default();
    let mut clauses = vec![match_clause(rng, &mut scope, false)];
    let with = (rng.chance(20) && !scope.vars.is_empty()).then(|| with(rng, &mut scope));
    if rng.chance(25) {
        let optional = rng.chance(50);
        clauses.push(match_clause(rng, &mut scope, optional));
    }
    let (mut items, mut count, mut distinct) = (Vec::new(), false, false);
    let (mut skip, mut limit) = (None, None);
    match rng.below(20) {
        _ if scope.vars.is_empty() => count = true,
        0..=3 => count = true,
        4..=6 => {
            count = true;
            items.push(return_item(rng, &scope));
        }
        n => {
            distinct = n < 10;
            for _ in 0..1 + rng.below(3) {
                items.push(return_item(rng, &scope));
            }
            if rng.chance(15) {
                limit = Some(rng.below(5));
                skip = rng.chance(30).then(|| rng.below(3));
            }
        }
    }
    Query {
        clauses,
        with,
        distinct,
        items,
        count,
        skip,
        limit,
    }
}

/// A `WITH` that keeps some of the variables (at least one), sometimes with `DISTINCT` or a
/// `WHERE` over what it keeps.
fn with(rng: &mut Rng, scope: &mut Scope) -> With {
    let keep = scope.vars.len() - rng.below(scope.vars.len());
    while scope.vars.len() > keep {
        scope.vars.swap_remove(rng.below(scope.vars.len()));
    }
    With {
        vars: scope.vars.iter().map(|(v, _)| v.clone()).collect(),
        distinct: rng.chance(25),
        where_: rng.chance(30).then(|| predicate(rng, scope, 1)),
    }
}

fn return_item(rng: &mut Rng, scope: &Scope) -> Expr {
    let (v, kind) = rng.pick(&scope.vars);
    match (kind, rng.below(4)) {
        (Kind::Node, 0) => Expr::Var(v),
        (Kind::Node, 1) => Expr::Id(v),
        (Kind::Node, 2) => Expr::Prop(v, "x"),
        (Kind::Node, _) => Expr::Prop(v, "s"),
        (Kind::Rel, 0) => Expr::Prop(v, "w"),
        _ => Expr::Var(v),
    }
}
