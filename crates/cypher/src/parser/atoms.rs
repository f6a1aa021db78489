//! The atoms of expressions: literals, parameters, variables, lists, maps, function calls,
//! `CASE`, comprehensions, quantifiers, `reduce`, `EXISTS { ... }`, map projections, pattern
//! predicates and parenthesised expressions.

use super::{further, Attempt, PResult, Parser};
use crate::ast::{Clause, Expr, ExprKind, Ident, Literal, MapProjectionItem, Quantifier, Query};
use crate::lexer::Tok;

impl Parser<'_> {
    pub(super) fn atom(&mut self) -> PResult<Expr> {
        // One call site, so that this frame on the recursive path holds one result.
        let parse: fn(&mut Self) -> PResult<Expr> = match self.peek() {
            Tok::LParen => Self::parenthesised_or_pattern,
            Tok::LBracket => Self::bracketed,
            Tok::LBrace => Self::map_literal,
            Tok::Word(_) | Tok::Quoted(_) => Self::word_atom,
            _ => Self::literal,
        };
        parse(self)
    }

    /// A number, string or parameter.
    #[inline(never)]
    fn literal(&mut self) -> PResult<Expr> {
        let start = self.start();
        let kind = match self.peek() {
            Tok::Int(magnitude) => {
                let value = i64::try_from(*magnitude).map_err(|_| self.integer_overflow(start))?;
                ExprKind::Literal(Literal::Int(value))
            }
            Tok::Float(x) => ExprKind::Literal(Literal::Float(*x)),
            Tok::Str(s) => ExprKind::Literal(Literal::String(s.clone())),
            Tok::Param(name) => ExprKind::Parameter(name.clone()),
            _ => return Err(self.expected("an expression")),
        };
        self.advance();
        Ok(self.expr_at(start, kind))
    }

    /// An atom that starts with a word: a keyword literal, `CASE`, `EXISTS { }`, `count(*)`, a
    /// quantifier, `reduce`, a function call, a variable or a map projection.
    fn word_atom(&mut self) -> PResult<Expr> {
        let word = match self.peek() {
            Tok::Word(w) => w.to_ascii_uppercase(),
            _ => String::new(),
        };
        let open = matches!(self.peek_at(1), Tok::LParen);
        let parse: fn(&mut Self) -> PResult<Expr> = match word.as_str() {
            "NULL" | "TRUE" | "FALSE" => Self::keyword_literal,
            "CASE" => Self::case,
            "EXISTS" if matches!(self.peek_at(1), Tok::LBrace) => Self::exists_subquery,
            "COUNT" if open && matches!(self.peek_at(2), Tok::Star) => Self::count_star,
            "ALL" | "ANY" | "NONE" | "SINGLE"
                if open && self.is_name_at(2) && self.at_kw_at(3, "IN") =>
            {
                Self::quantified
            }
            "REDUCE" if open && self.is_name_at(2) && matches!(self.peek_at(3), Tok::Eq) => {
                Self::reduce
            }
            _ if self.is_function_call() => Self::function_call,
            _ => Self::variable_or_projection,
        };
        parse(self)
    }

    #[inline(never)]
    fn keyword_literal(&mut self) -> PResult<Expr> {
        let start = self.start();
        let literal = if self.at_kw("TRUE") {
            Literal::Bool(true)
        } else if self.at_kw("FALSE") {
            Literal::Bool(false)
        } else {
            Literal::Null
        };
        self.advance();
        Ok(self.expr_at(start, ExprKind::Literal(literal)))
    }

    #[inline(never)]
    fn count_star(&mut self) -> PResult<Expr> {
        let start = self.start();
        self.advance();
        self.expect(&Tok::LParen)?;
        self.expect(&Tok::Star)?;
        self.expect(&Tok::RParen)?;
        Ok(self.expr_at(start, ExprKind::CountStar))
    }

    fn variable_or_projection(&mut self) -> PResult<Expr> {
        let start = self.start();
        let var = self.name("an expression")?;
        if self.at(&Tok::LBrace) {
            return self.map_projection(start, var);
        }
        Ok(self.expr_at(start, ExprKind::Variable(var.name)))
    }

    /// `name(` or `a.b.name(`, where the first name is no reserved word (`exists` aside).
    #[inline(never)]
    fn is_function_call(&self) -> bool {
        if !self.is_name_at(0) && !self.at_kw("EXISTS") {
            return false;
        }
        let mut ahead = 1;
        while matches!(self.peek_at(ahead), Tok::Dot)
            && matches!(self.peek_at(ahead + 1), Tok::Word(_) | Tok::Quoted(_))
        {
            ahead += 2;
        }
        matches!(self.peek_at(ahead), Tok::LParen)
    }

    /// `name(args)`, `ns.name(DISTINCT args)`.
    fn function_call(&mut self) -> PResult<Expr> {
        let start = self.start();
        let mut name = self.any_name("a function name")?.name;
        while self.eat(&Tok::Dot) {
            name.push('.');
            name.push_str(&self.any_name("a function name")?.name);
        }
        self.expect(&Tok::LParen)?;
        let distinct = self.eat_kw("DISTINCT");
        let mut args = self.comma_list(&Tok::RParen, "an argument or ')'")?;
        // `exists((a)-->(b))` is the pattern predicate itself, allowed wherever it stands.
        let pattern_exists = name.eq_ignore_ascii_case("exists")
            && !distinct
            && matches!(
                args.as_slice(),
                [Expr {
                    kind: ExprKind::PatternPredicate(_),
                    ..
                }]
            );
        if pattern_exists {
            if let Some(mut predicate) = args.pop() {
                self.allowed_predicates.push(predicate.span.start);
                predicate.span = self.span_from(start);
                return Ok(predicate);
            }
        }
        Ok(self.expr_at(
            start,
            ExprKind::Function {
                name,
                distinct,
                args,
            },
        ))
    }

    /// Expressions separated by commas up to `close` (consumed); possibly none.
    fn comma_list(&mut self, close: &Tok, what: &str) -> PResult<Vec<Expr>> {
        let mut items = Vec::new();
        if self.eat(close) {
            return Ok(items);
        }
        loop {
            items.push(self.expr()?);
            if self.eat(close) {
                return Ok(items);
            }
            if !self.eat(&Tok::Comma) {
                return Err(self.expected(&format!("',' or {close}")));
            }
            if self.at(close) {
                return Err(self.expected(what));
            }
        }
    }

    /// `CASE [operand] WHEN a THEN b ... [ELSE c] END`
    fn case(&mut self) -> PResult<Expr> {
        let start = self.start();
        self.advance();
        let operand = if self.at_kw("WHEN") {
            None
        } else {
            Some(Box::new(self.expr()?))
        };
        let mut whens = Vec::new();
        while self.eat_kw("WHEN") {
            let when = self.expr()?;
            self.expect_kw("THEN")?;
            whens.push((when, self.expr()?));
        }
        if whens.is_empty() {
            return Err(self.expected("WHEN"));
        }
        let else_ = if self.eat_kw("ELSE") {
            Some(Box::new(self.expr()?))
        } else {
            None
        };
        self.expect_kw("END")?;
        Ok(self.expr_at(
            start,
            ExprKind::Case {
                operand,
                whens,
                else_,
            },
        ))
    }

    /// `var IN list`, the head of comprehensions and quantifiers.
    fn id_in_list(&mut self) -> PResult<(Ident, Expr)> {
        let var = self.name("a variable")?;
        self.expect_kw("IN")?;
        Ok((var, self.expr()?))
    }

    fn optional_where(&mut self) -> PResult<Option<Box<Expr>>> {
        Ok(self.where_clause()?.map(Box::new))
    }

    /// `all(x IN list WHERE pred)` and `any`, `none`, `single`.
    fn quantified(&mut self) -> PResult<Expr> {
        let start = self.start();
        let quantifier = if self.at_kw("ALL") {
            Quantifier::All
        } else if self.at_kw("ANY") {
            Quantifier::Any
        } else if self.at_kw("NONE") {
            Quantifier::None
        } else {
            Quantifier::Single
        };
        self.advance();
        self.expect(&Tok::LParen)?;
        let (var, list) = self.id_in_list()?;
        let filter = self.optional_where()?;
        self.expect(&Tok::RParen)?;
        Ok(self.expr_at(
            start,
            ExprKind::Quantified {
                quantifier,
                var,
                list: Box::new(list),
                filter,
            },
        ))
    }

    /// `reduce(acc = init, x IN list | expr)`
    fn reduce(&mut self) -> PResult<Expr> {
        let start = self.start();
        self.advance();
        self.expect(&Tok::LParen)?;
        let acc = self.name("an accumulator variable")?;
        self.expect(&Tok::Eq)?;
        let init = self.expr()?;
        self.expect(&Tok::Comma)?;
        let (var, list) = self.id_in_list()?;
        self.expect(&Tok::Pipe)?;
        let expr = self.expr()?;
        self.expect(&Tok::RParen)?;
        Ok(self.expr_at(
            start,
            ExprKind::Reduce {
                acc,
                init: Box::new(init),
                var,
                list: Box::new(list),
                expr: Box::new(expr),
            },
        ))
    }

    /// `( expr )`, or a pattern predicate `(a)-[:R]->(b)` when the look-ahead allows one and
    /// it parses.
    fn parenthesised_or_pattern(&mut self) -> PResult<Expr> {
        if self.may_be_relationship_pattern() {
            self.pattern_predicate_or_parenthesised()
        } else {
            self.parenthesised()
        }
    }

    fn pattern_predicate_or_parenthesised(&mut self) -> PResult<Expr> {
        let start = self.start();
        let pattern_error = match self.attempt(Attempt::PatternPredicate, |p| {
            p.relationship_chain("a relationship")
        }) {
            Ok(element) => {
                self.predicates.push(start);
                return Ok(self.expr_at(start, ExprKind::PatternPredicate(Box::new(element))));
            }
            Err(e) => e,
        };
        self.parenthesised().map_err(|e| further(pattern_error, e))
    }

    fn parenthesised(&mut self) -> PResult<Expr> {
        self.expect(&Tok::LParen)?;
        let inner = self.expr()?;
        self.expect(&Tok::RParen)?;
        Ok(inner)
    }

    /// Whether the `(` here closes on a `)` followed by `-[`, `--` or `<-`: only then can it
    /// start a relationship pattern.
    #[inline(never)]
    fn may_be_relationship_pattern(&self) -> bool {
        let mut open = 0usize;
        let mut ahead = 0;
        loop {
            match self.peek_at(ahead) {
                Tok::LParen => open += 1,
                Tok::RParen => {
                    open = open.saturating_sub(1);
                    if open == 0 {
                        break;
                    }
                }
                Tok::Eof => return false,
                _ => {}
            }
            ahead += 1;
        }
        matches!(
            (self.peek_at(ahead + 1), self.peek_at(ahead + 2)),
            (Tok::Minus, Tok::LBracket | Tok::Minus) | (Tok::Lt, Tok::Minus)
        )
    }

    /// `[...]`: a list comprehension, a pattern comprehension or a list literal.
    fn bracketed(&mut self) -> PResult<Expr> {
        if self.is_name_at(1) && self.at_kw_at(2, "IN") {
            return self.list_comprehension();
        }
        let may_be_pattern = matches!(self.peek_at(1), Tok::LParen)
            || (self.is_name_at(1)
                && matches!(self.peek_at(2), Tok::Eq)
                && matches!(self.peek_at(3), Tok::LParen));
        if may_be_pattern {
            self.pattern_comprehension_or_list()
        } else {
            self.list_literal()
        }
    }

    fn pattern_comprehension_or_list(&mut self) -> PResult<Expr> {
        let comprehension_error =
            match self.attempt(Attempt::PatternComprehension, Self::pattern_comprehension) {
                Ok(e) => return Ok(e),
                Err(e) => e,
            };
        self.list_literal()
            .map_err(|e| further(comprehension_error, e))
    }

    fn list_literal(&mut self) -> PResult<Expr> {
        let start = self.start();
        self.expect(&Tok::LBracket)?;
        let items = self.comma_list(&Tok::RBracket, "an expression")?;
        Ok(self.expr_at(start, ExprKind::List(items)))
    }

    /// `[x IN list WHERE pred | expr]`
    fn list_comprehension(&mut self) -> PResult<Expr> {
        let start = self.start();
        self.advance();
        let (var, list) = self.id_in_list()?;
        let filter = self.optional_where()?;
        let map = if self.eat(&Tok::Pipe) {
            Some(Box::new(self.expr()?))
        } else {
            None
        };
        self.expect(&Tok::RBracket)?;
        Ok(self.expr_at(
            start,
            ExprKind::ListComprehension {
                var,
                list: Box::new(list),
                filter,
                map,
            },
        ))
    }

    /// `[p = (a)-->(b) WHERE pred | expr]`
    fn pattern_comprehension(&mut self) -> PResult<Expr> {
        let start = self.start();
        self.advance();
        let var = if self.is_name_at(0) && matches!(self.peek_at(1), Tok::Eq) {
            let var = self.name("a variable")?;
            self.advance();
            Some(var)
        } else {
            None
        };
        let pattern = self.relationship_chain("a relationship")?;
        let filter = self.optional_where()?;
        self.expect(&Tok::Pipe)?;
        let map = self.expr()?;
        self.expect(&Tok::RBracket)?;
        Ok(self.expr_at(
            start,
            ExprKind::PatternComprehension {
                var,
                pattern: Box::new(pattern),
                filter,
                map: Box::new(map),
            },
        ))
    }

    /// `{key: value, ...}`
    pub(super) fn map_literal(&mut self) -> PResult<Expr> {
        let start = self.start();
        self.expect(&Tok::LBrace)?;
        let mut entries = Vec::new();
        if !self.eat(&Tok::RBrace) {
            loop {
                let key = self.any_name("a property key name")?;
                self.expect(&Tok::Colon)?;
                entries.push((key, self.expr()?));
                if self.eat(&Tok::RBrace) {
                    break;
                }
                if !self.eat(&Tok::Comma) {
                    return Err(self.expected("',' or '}'"));
                }
            }
        }
        Ok(self.expr_at(start, ExprKind::Map(entries)))
    }

    /// `var {.key, .*, key: expr, other}`
    fn map_projection(&mut self, start: usize, var: Ident) -> PResult<Expr> {
        self.expect(&Tok::LBrace)?;
        let mut items = Vec::new();
        if !self.eat(&Tok::RBrace) {
            loop {
                items.push(self.map_projection_item()?);
                if self.eat(&Tok::RBrace) {
                    break;
                }
                if !self.eat(&Tok::Comma) {
                    return Err(self.expected("',' or '}'"));
                }
            }
        }
        Ok(self.expr_at(start, ExprKind::MapProjection { var, items }))
    }

    fn map_projection_item(&mut self) -> PResult<MapProjectionItem> {
        if self.eat(&Tok::Dot) {
            if self.eat(&Tok::Star) {
                return Ok(MapProjectionItem::AllProperties);
            }
            return Ok(MapProjectionItem::Property(
                self.any_name("a property name or '*'")?,
            ));
        }
        if matches!(self.peek_at(1), Tok::Colon) {
            let key = self.any_name("a property key name")?;
            self.advance();
            return Ok(MapProjectionItem::Literal(key, self.expr()?));
        }
        Ok(MapProjectionItem::Variable(
            self.name("'.key', '.*', 'key: value' or a variable")?,
        ))
    }

    /// `EXISTS { MATCH ... }` or `EXISTS { (a)-->(b) WHERE ... }`.
    fn exists_subquery(&mut self) -> PResult<Expr> {
        let start = self.start();
        self.advance();
        self.expect(&Tok::LBrace)?;
        let kind = if self.at_clause_start() {
            exists_kind(self.nested(|p| p.union_query(true))?)
        } else {
            let pattern = self.nested(Self::pattern)?;
            let where_ = self.optional_where()?;
            ExprKind::ExistsSubquery { pattern, where_ }
        };
        self.expect(&Tok::RBrace)?;
        Ok(self.expr_at(start, kind))
    }
}

/// One plain `MATCH` is an [`ExprKind::ExistsSubquery`]; anything more an
/// [`ExprKind::ExistsQuery`].
fn exists_kind(mut query: Query) -> ExprKind {
    let one_plain_match = query.unions.is_empty()
        && matches!(
            query.first.clauses.as_slice(),
            [Clause::Match {
                optional: false,
                ..
            }]
        );
    if one_plain_match {
        if let Some(Clause::Match {
            pattern, where_, ..
        }) = query.first.clauses.pop()
        {
            return ExprKind::ExistsSubquery {
                pattern,
                where_: where_.map(Box::new),
            };
        }
    }
    ExprKind::ExistsQuery(Box::new(query))
}
