//! Queries and the reading clauses: `UNION`, `MATCH`, `UNWIND`, `WITH`, `RETURN`, `CALL`, and
//! the grammar's rules on how clauses may follow each other (the updating clauses are in
//! `updating`).

use super::{PResult, Parser};
use crate::ast::{
    BinaryOp, Clause, Expr, ExprKind, Projection, ProjectionItem, Query, SingleQuery, SortItem,
    UnaryOp,
};
use crate::lexer::Tok;

/// The keywords that begin a clause.
const CLAUSE_KEYWORDS: &[&str] = &[
    "MATCH", "OPTIONAL", "UNWIND", "WITH", "RETURN", "CREATE", "MERGE", "SET", "REMOVE", "DELETE",
    "DETACH", "CALL",
];

fn is_updating(clause: &Clause) -> bool {
    matches!(
        clause,
        Clause::Create { .. }
            | Clause::Merge { .. }
            | Clause::Set { .. }
            | Clause::Remove { .. }
            | Clause::Delete { .. }
    )
}

fn is_reading(clause: &Clause) -> bool {
    matches!(
        clause,
        Clause::Match { .. } | Clause::Unwind { .. } | Clause::Call { .. }
    )
}

fn clause_name(clause: &Clause) -> &'static str {
    match clause {
        Clause::Match { optional: true, .. } => "OPTIONAL MATCH",
        Clause::Match { .. } => "MATCH",
        Clause::Unwind { .. } => "UNWIND",
        Clause::With(_) => "WITH",
        Clause::Return(_) => "RETURN",
        Clause::Create { .. } => "CREATE",
        Clause::Merge { .. } => "MERGE",
        Clause::Set { .. } => "SET",
        Clause::Remove { .. } => "REMOVE",
        Clause::Delete { detach: true, .. } => "DETACH DELETE",
        Clause::Delete { .. } => "DELETE",
        Clause::Call { .. } => "CALL",
    }
}

impl Parser<'_> {
    /// The whole query text.
    pub(super) fn query(&mut self) -> PResult<crate::ast::Query> {
        let query = self.union_query(false)?;
        self.eat(&Tok::Semicolon);
        if !self.at(&Tok::Eof) {
            return Err(self.expected("a clause, UNION or the end of the query"));
        }
        let mut allowed = self.allowed_predicates.clone();
        allowed.sort_unstable();
        if let Some(&at) = self
            .predicates
            .iter()
            .find(|at| allowed.binary_search(at).is_err())
        {
            return Err(self.error_at(
                at,
                "UnexpectedSyntax",
                "a pattern can only be a predicate in WHERE; elsewhere use EXISTS { ... } or a \
                 pattern comprehension [(a)-->(b) | ...]",
            ));
        }
        Ok(query)
    }

    pub(super) fn at_clause_start(&self) -> bool {
        CLAUSE_KEYWORDS.iter().any(|kw| self.at_kw(kw))
    }

    /// Single queries joined by `UNION [ALL]`. Inside `EXISTS { }` (`nested`), updating clauses
    /// are refused and the query need not end with `RETURN`.
    pub(super) fn union_query(&mut self, nested: bool) -> PResult<Query> {
        let first = self.single_query(nested)?;
        let mut unions: Vec<(bool, SingleQuery)> = Vec::new();
        while self.at_kw("UNION") {
            let at = self.start();
            self.advance();
            let all = self.eat_kw("ALL");
            if unions
                .first()
                .is_some_and(|(first_all, _)| *first_all != all)
            {
                return Err(self.error_at(
                    at,
                    "InvalidClauseComposition",
                    "UNION and UNION ALL cannot be mixed in one query",
                ));
            }
            unions.push((all, self.single_query(nested)?));
        }
        Ok(Query { first, unions })
    }

    fn single_query(&mut self, nested: bool) -> PResult<SingleQuery> {
        let start = self.start();
        if !self.at_clause_start() {
            return Err(self.expected("a clause such as MATCH, CREATE or RETURN"));
        }
        let mut clauses: Vec<Clause> = Vec::new();
        let outer_yield_star = self.yield_star.take();
        while self.at_clause_start() {
            let clause_start = self.start();
            let clause = self.clause()?;
            self.check_follows(&clauses, &clause, clause_start, nested)?;
            clauses.push(clause);
        }
        let yield_star = std::mem::replace(&mut self.yield_star, outer_yield_star);
        if let (Some(at), true) = (yield_star, clauses.len() > 1) {
            return Err(self.error_at(
                at,
                "UnexpectedSyntax",
                "YIELD * is only allowed in a query that is nothing but the CALL",
            ));
        }
        let at_end = matches!(self.peek(), Tok::Eof | Tok::Semicolon)
            || self.at_kw("UNION")
            || (nested && self.at(&Tok::RBrace));
        if !at_end {
            let what = if nested {
                "a clause, UNION or '}'"
            } else {
                "a clause, UNION or the end of the query"
            };
            return Err(self.expected(what));
        }
        if !nested {
            self.check_ending(&clauses)?;
        }
        Ok(SingleQuery {
            clauses,
            span: self.span_from(start),
        })
    }

    /// The grammar's order of clauses: nothing after `RETURN`, and a `WITH` between an updating
    /// clause and a reading one.
    fn check_follows(
        &self,
        before: &[Clause],
        clause: &Clause,
        at: usize,
        nested: bool,
    ) -> PResult<()> {
        let composition =
            |message: String| Err(self.error_at(at, "InvalidClauseComposition", message));
        if nested && is_updating(clause) {
            return composition(format!(
                "{} is not allowed in an EXISTS subquery, which may only read",
                clause_name(clause)
            ));
        }
        let Some(previous) = before.last() else {
            return Ok(());
        };
        if matches!(previous, Clause::Return(_)) {
            return composition(format!(
                "RETURN must be the last clause of a query, but {} follows it",
                clause_name(clause)
            ));
        }
        if is_reading(clause) && is_updating(previous) {
            return composition(format!(
                "WITH is required between {} and {}",
                clause_name(previous),
                clause_name(clause)
            ));
        }
        Ok(())
    }

    /// A query ends with `RETURN`, an updating clause or a procedure call.
    fn check_ending(&self, clauses: &[Clause]) -> PResult<()> {
        match clauses.last() {
            Some(last @ (Clause::Match { .. } | Clause::Unwind { .. } | Clause::With(_))) => {
                Err(self.error_at(
                    self.start(),
                    "InvalidClauseComposition",
                    format!(
                        "a query cannot end with {}; it must end with RETURN, an updating \
                         clause or a procedure call",
                        clause_name(last)
                    ),
                ))
            }
            _ => Ok(()),
        }
    }

    /// One clause. (One call site, so that this frame on the recursive path of `EXISTS { }`
    /// holds one clause.)
    fn clause(&mut self) -> PResult<Clause> {
        let word = match self.peek() {
            Tok::Word(w) => w.to_ascii_uppercase(),
            _ => String::new(),
        };
        let parse: fn(&mut Self) -> PResult<Clause> = match word.as_str() {
            "OPTIONAL" | "MATCH" => Self::match_clause,
            "UNWIND" => Self::unwind,
            "WITH" => Self::with,
            "RETURN" => Self::return_clause,
            "CREATE" => Self::create,
            "MERGE" => Self::merge,
            "SET" => Self::set,
            "REMOVE" => Self::remove,
            "DETACH" | "DELETE" => Self::delete,
            _ => Self::call,
        };
        parse(self)
    }

    fn unwind(&mut self) -> PResult<Clause> {
        let start = self.start();
        self.advance();
        let expr = self.expr()?;
        self.expect_kw("AS")?;
        let alias = self.name("a variable")?;
        Ok(Clause::Unwind {
            expr,
            alias,
            span: self.span_from(start),
        })
    }

    fn with(&mut self) -> PResult<Clause> {
        let start = self.start();
        self.advance();
        Ok(Clause::With(self.projection(start, true)?))
    }

    fn return_clause(&mut self) -> PResult<Clause> {
        let start = self.start();
        self.advance();
        Ok(Clause::Return(self.projection(start, false)?))
    }

    /// `[OPTIONAL] MATCH pattern [WHERE pred]`
    fn match_clause(&mut self) -> PResult<Clause> {
        let start = self.start();
        let optional = self.eat_kw("OPTIONAL");
        self.expect_kw("MATCH")?;
        let pattern = self.pattern()?;
        let where_ = self.where_clause()?;
        Ok(Clause::Match {
            optional,
            pattern,
            where_,
            span: self.span_from(start),
        })
    }

    /// `WHERE pred`, if there; pattern predicates in its boolean structure are allowed.
    pub(super) fn where_clause(&mut self) -> PResult<Option<Expr>> {
        if !self.eat_kw("WHERE") {
            return Ok(None);
        }
        let predicate = self.expr()?;
        let mut stack = vec![&predicate];
        while let Some(e) = stack.pop() {
            match &e.kind {
                ExprKind::PatternPredicate(_) => self.allowed_predicates.push(e.span.start),
                ExprKind::Unary(UnaryOp::Not, operand) => stack.push(&**operand),
                ExprKind::Binary(BinaryOp::And | BinaryOp::Or | BinaryOp::Xor, lhs, rhs) => {
                    stack.push(&**lhs);
                    stack.push(&**rhs);
                }
                _ => {}
            }
        }
        Ok(Some(predicate))
    }

    /// The body of `WITH` (`with_where`) or `RETURN`.
    fn projection(&mut self, start: usize, with_where: bool) -> PResult<Projection> {
        let distinct = self.eat_kw("DISTINCT");
        let star = self.eat(&Tok::Star);
        let mut items = Vec::new();
        if !star || self.eat(&Tok::Comma) {
            items.push(self.projection_item()?);
            while self.eat(&Tok::Comma) {
                items.push(self.projection_item()?);
            }
        }
        let mut order_by = Vec::new();
        if self.eat_kw("ORDER") {
            self.expect_kw("BY")?;
            order_by.push(self.sort_item()?);
            while self.eat(&Tok::Comma) {
                order_by.push(self.sort_item()?);
            }
        }
        let skip = if self.eat_kw("SKIP") {
            Some(self.expr()?)
        } else {
            None
        };
        let limit = if self.eat_kw("LIMIT") {
            Some(self.expr()?)
        } else {
            None
        };
        let where_ = if with_where {
            self.where_clause()?
        } else {
            None
        };
        Ok(Projection {
            distinct,
            star,
            items,
            order_by,
            skip,
            limit,
            where_,
            span: self.span_from(start),
        })
    }

    fn projection_item(&mut self) -> PResult<ProjectionItem> {
        let start = self.start();
        let expr = self.expr()?;
        let end = self.prev_end();
        let text = self.text.get(start..end).unwrap_or_default().to_string();
        let alias = if self.eat_kw("AS") {
            Some(self.name("an alias")?)
        } else {
            None
        };
        Ok(ProjectionItem { expr, alias, text })
    }

    fn sort_item(&mut self) -> PResult<SortItem> {
        let expr = self.expr()?;
        let descending = self.eat_kw("DESC") || self.eat_kw("DESCENDING");
        if !descending && !self.eat_kw("ASC") {
            self.eat_kw("ASCENDING");
        }
        Ok(SortItem { expr, descending })
    }

    /// `CALL ns.proc(args) YIELD a, b AS c WHERE ...`, also `CALL ns.proc` and `YIELD *`.
    fn call(&mut self) -> PResult<Clause> {
        let start = self.start();
        self.expect_kw("CALL")?;
        let mut procedure = self.any_name("a procedure name")?.name;
        while self.eat(&Tok::Dot) {
            procedure.push('.');
            procedure.push_str(&self.any_name("a procedure name")?.name);
        }
        let args = if self.eat(&Tok::LParen) {
            let mut args = Vec::new();
            if !self.eat(&Tok::RParen) {
                args.push(self.expr()?);
                while self.eat(&Tok::Comma) {
                    args.push(self.expr()?);
                }
                self.expect(&Tok::RParen)?;
            }
            Some(args)
        } else {
            None
        };
        let mut yields = Vec::new();
        let mut where_ = None;
        if self.eat_kw("YIELD") {
            if self.at(&Tok::Star) {
                self.yield_star = Some(self.start());
                self.advance();
            } else {
                loop {
                    let field = self.name("a procedure output name or '*'")?;
                    let alias = if self.eat_kw("AS") {
                        Some(self.name("an alias")?)
                    } else {
                        None
                    };
                    yields.push((field, alias));
                    if !self.eat(&Tok::Comma) {
                        break;
                    }
                }
                where_ = self.where_clause()?;
            }
        }
        // A standalone call is the whole query; only it may leave out the parentheses.
        let standalone = start == self.toks.first().map_or(0, |t| t.span.start)
            && (self.at(&Tok::Eof) || self.at(&Tok::Semicolon));
        if args.is_none() && !standalone {
            return Err(self.error_at(
                start,
                "InvalidArgumentPassingMode",
                format!(
                    "a CALL inside a larger query must give its arguments in parentheses, as in \
                     CALL {procedure}()"
                ),
            ));
        }
        Ok(Clause::Call {
            procedure,
            args,
            yields,
            where_,
            span: self.span_from(start),
        })
    }
}
