//! Test-only: a syntax tree as a compact S-expression, without spans, so that tests can state
//! the expected tree in one line (`(+ 1 (* 2 3))`).

use crate::ast::{
    BinaryOp, Clause, Expr, ExprKind, Literal, MapProjectionItem, NodePattern, PathKind,
    PatternElement, PatternPart, Projection, Quantifier, Query, RelDirection, RelPattern,
    RemoveItem, SetItem, UnaryOp,
};

fn join<T>(items: &[T], f: impl Fn(&T) -> String) -> String {
    items.iter().map(f).collect::<Vec<_>>().join(" ")
}

fn opt(e: &Option<Box<Expr>>) -> String {
    e.as_deref().map_or_else(|| "_".to_string(), expr)
}

fn binary(op: BinaryOp) -> &'static str {
    match op {
        BinaryOp::Or => "or",
        BinaryOp::Xor => "xor",
        BinaryOp::And => "and",
        BinaryOp::Eq => "=",
        BinaryOp::Ne => "<>",
        BinaryOp::Lt => "<",
        BinaryOp::Le => "<=",
        BinaryOp::Gt => ">",
        BinaryOp::Ge => ">=",
        BinaryOp::Add => "+",
        BinaryOp::Sub => "-",
        BinaryOp::Mul => "*",
        BinaryOp::Div => "/",
        BinaryOp::Mod => "%",
        BinaryOp::Pow => "^",
        BinaryOp::In => "in",
        BinaryOp::StartsWith => "starts-with",
        BinaryOp::EndsWith => "ends-with",
        BinaryOp::Contains => "contains",
        BinaryOp::Regex => "=~",
    }
}

pub(super) fn expr(e: &Expr) -> String {
    match &e.kind {
        ExprKind::Literal(Literal::Null) => "null".into(),
        ExprKind::Literal(Literal::Bool(b)) => b.to_string(),
        ExprKind::Literal(Literal::Int(i)) => i.to_string(),
        ExprKind::Literal(Literal::Float(x)) => format!("{x:?}"),
        ExprKind::Literal(Literal::String(s)) => format!("{s:?}"),
        ExprKind::Parameter(p) => format!("${p}"),
        ExprKind::Variable(v) => v.clone(),
        ExprKind::List(items) => format!("[{}]", join(items, expr)),
        ExprKind::Map(entries) => {
            let entries: Vec<String> = entries
                .iter()
                .map(|(k, v)| format!("{}: {}", k.name, expr(v)))
                .collect();
            format!("{{{}}}", entries.join(", "))
        }
        ExprKind::Property(e, k) => format!("(. {} {})", expr(e), k.name),
        ExprKind::Index(e, i) => format!("(index {} {})", expr(e), expr(i)),
        ExprKind::Slice(e, a, b) => format!("(slice {} {} {})", expr(e), opt(a), opt(b)),
        ExprKind::Unary(op, e) => {
            let op = match op {
                UnaryOp::Not => "not",
                UnaryOp::Neg => "neg",
                UnaryOp::Pos => "pos",
            };
            format!("({op} {})", expr(e))
        }
        ExprKind::Binary(op, a, b) => format!("({} {} {})", binary(*op), expr(a), expr(b)),
        ExprKind::Chain { operands, ops } => {
            let mut out = format!("(chain {}", expr(&operands[0]));
            for (op, operand) in ops.iter().zip(&operands[1..]) {
                out += &format!(" {} {}", binary(*op), expr(operand));
            }
            out + ")"
        }
        ExprKind::IsNull { expr: e, negated } => {
            let op = if *negated { "is-not-null" } else { "is-null" };
            format!("({op} {})", expr(e))
        }
        ExprKind::HasLabels(e, labels) => {
            format!("(labels {} {})", expr(e), join(labels, |l| l.name.clone()))
        }
        ExprKind::Function {
            name,
            distinct,
            args,
        } => {
            let distinct = if *distinct { " distinct" } else { "" };
            let args: String = args.iter().map(|a| format!(" {}", expr(a))).collect();
            format!("(call {name}{distinct}{args})")
        }
        ExprKind::CountStar => "(count-star)".into(),
        ExprKind::Case {
            operand,
            whens,
            else_,
        } => format!(
            "(case {} {} {})",
            opt(operand),
            join(whens, |(w, t)| format!("(when {} {})", expr(w), expr(t))),
            opt(else_)
        ),
        ExprKind::ListComprehension {
            var,
            list,
            filter,
            map,
        } => format!(
            "(list-comp {} {} {} {})",
            var.name,
            expr(list),
            opt(filter),
            opt(map)
        ),
        ExprKind::PatternComprehension {
            var,
            pattern,
            filter,
            map,
        } => format!(
            "(pattern-comp {} {} {} {})",
            var.as_ref().map_or("_", |v| v.name.as_str()),
            element(pattern),
            opt(filter),
            expr(map)
        ),
        ExprKind::Quantified {
            quantifier,
            var,
            list,
            filter,
        } => {
            let q = match quantifier {
                Quantifier::All => "all",
                Quantifier::Any => "any",
                Quantifier::None => "none",
                Quantifier::Single => "single",
            };
            format!("({q} {} {} {})", var.name, expr(list), opt(filter))
        }
        ExprKind::Reduce {
            acc,
            init,
            var,
            list,
            expr: e,
        } => format!(
            "(reduce {} {} {} {} {})",
            acc.name,
            expr(init),
            var.name,
            expr(list),
            expr(e)
        ),
        ExprKind::PatternPredicate(p) => format!("(pattern {})", element(p)),
        ExprKind::ExistsSubquery { pattern, where_ } => {
            format!("(exists {} {})", join(pattern, part), opt(where_))
        }
        ExprKind::ExistsQuery(q) => format!("(exists-query {})", query(q)),
        ExprKind::MapProjection { var, items } => {
            let items = join(items, |item| match item {
                MapProjectionItem::Property(k) => format!(".{}", k.name),
                MapProjectionItem::AllProperties => ".*".into(),
                MapProjectionItem::Literal(k, v) => format!("{}: {}", k.name, expr(v)),
                MapProjectionItem::Variable(v) => v.name.clone(),
            });
            format!("(map-projection {} {items})", var.name).replace(" )", ")")
        }
    }
}

fn node(n: &NodePattern) -> String {
    let mut out = String::from("(");
    if let Some(v) = &n.var {
        out += &v.name;
    }
    for l in &n.labels {
        out += &format!(":{}", l.name);
    }
    if let Some(p) = &n.props {
        out += &format!(" {}", expr(p));
    }
    out + ")"
}

fn rel(r: &RelPattern) -> String {
    let mut inner = r.var.as_ref().map_or_else(String::new, |v| v.name.clone());
    if !r.types.is_empty() {
        inner += &format!(":{}", join(&r.types, |t| t.name.clone()).replace(' ', "|"));
    }
    if let Some((min, max)) = r.length {
        let bound = |b: Option<u64>| b.map_or_else(String::new, |b| b.to_string());
        inner += &format!("*{}..{}", bound(min), bound(max));
    }
    if let Some(p) = &r.props {
        inner += &format!(" {}", expr(p));
    }
    match r.direction {
        RelDirection::Outgoing => format!("-[{inner}]->"),
        RelDirection::Incoming => format!("<-[{inner}]-"),
        RelDirection::Either => format!("-[{inner}]-"),
    }
}

pub(super) fn element(e: &PatternElement) -> String {
    let mut out = node(&e.start);
    for (r, n) in &e.chain {
        out += &rel(r);
        out += &node(n);
    }
    out
}

pub(super) fn part(p: &PatternPart) -> String {
    let var = p
        .var
        .as_ref()
        .map_or_else(String::new, |v| format!("{} = ", v.name));
    match p.kind {
        PathKind::Normal => format!("{var}{}", element(&p.element)),
        PathKind::ShortestPath => format!("{var}shortestPath({})", element(&p.element)),
        PathKind::AllShortestPaths => format!("{var}allShortestPaths({})", element(&p.element)),
    }
}

fn projection(p: &Projection) -> String {
    let mut out = String::new();
    if p.distinct {
        out += " distinct";
    }
    if p.star {
        out += " *";
    }
    for item in &p.items {
        out += &format!(" {}", expr(&item.expr));
        if let Some(a) = &item.alias {
            out += &format!(" as {}", a.name);
        }
    }
    for s in &p.order_by {
        out += &format!(
            " order {}{}",
            expr(&s.expr),
            if s.descending { " desc" } else { "" }
        );
    }
    if let Some(s) = &p.skip {
        out += &format!(" skip {}", expr(s));
    }
    if let Some(l) = &p.limit {
        out += &format!(" limit {}", expr(l));
    }
    if let Some(w) = &p.where_ {
        out += &format!(" where {}", expr(w));
    }
    out
}

fn set_item(item: &SetItem) -> String {
    match item {
        SetItem::Property { target, key, value } => {
            format!("{}.{} = {}", expr(target), key.name, expr(value))
        }
        SetItem::Replace { var, value } => format!("{} = {}", var.name, expr(value)),
        SetItem::Merge { var, value } => format!("{} += {}", var.name, expr(value)),
        SetItem::Labels { var, labels } => {
            format!(
                "{}:{}",
                var.name,
                join(labels, |l| l.name.clone()).replace(' ', ":")
            )
        }
    }
}

fn clause(c: &Clause) -> String {
    match c {
        Clause::Match {
            optional,
            pattern,
            where_,
            ..
        } => {
            let mut out = format!(
                "({}match {}",
                if *optional { "optional-" } else { "" },
                join(pattern, part)
            );
            if let Some(w) = where_ {
                out += &format!(" where {}", expr(w));
            }
            out + ")"
        }
        Clause::Unwind { expr: e, alias, .. } => format!("(unwind {} as {})", expr(e), alias.name),
        Clause::With(p) => format!("(with{})", projection(p)),
        Clause::Return(p) => format!("(return{})", projection(p)),
        Clause::Create { pattern, .. } => format!("(create {})", join(pattern, part)),
        Clause::Merge {
            part: p,
            on_create,
            on_match,
            ..
        } => format!(
            "(merge {} on-create [{}] on-match [{}])",
            part(p),
            join(on_create, set_item),
            join(on_match, set_item)
        ),
        Clause::Set { items, .. } => format!("(set {})", join(items, set_item)),
        Clause::Remove { items, .. } => format!(
            "(remove {})",
            join(items, |item| match item {
                RemoveItem::Property { target, key } => format!("{}.{}", expr(target), key.name),
                RemoveItem::Labels { var, labels } => {
                    format!(
                        "{}:{}",
                        var.name,
                        join(labels, |l| l.name.clone()).replace(' ', ":")
                    )
                }
            })
        ),
        Clause::Delete { detach, exprs, .. } => format!(
            "({}delete {})",
            if *detach { "detach-" } else { "" },
            join(exprs, expr)
        ),
        Clause::Call {
            procedure,
            args,
            yields,
            where_,
            ..
        } => {
            let args = args
                .as_ref()
                .map_or_else(|| "_".to_string(), |a| format!("({})", join(a, expr)));
            let yields = join(yields, |(f, a)| match a {
                Some(a) => format!("{} as {}", f.name, a.name),
                None => f.name.clone(),
            });
            let where_ = where_
                .as_ref()
                .map_or_else(String::new, |w| format!(" where {}", expr(w)));
            format!("(call {procedure} {args} yield [{yields}]{where_})")
        }
    }
}

pub(super) fn query(q: &Query) -> String {
    let mut out = join(&q.first.clauses, clause);
    for (all, single) in &q.unions {
        out += if *all { " union-all " } else { " union " };
        out += &join(&single.clauses, clause);
    }
    out
}
