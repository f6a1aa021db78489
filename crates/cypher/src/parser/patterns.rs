//! Patterns: `p = (a:A {k: 1})-[r:T|U *1..3]->(b)`, `shortestPath(...)`, and the label lists
//! shared with expressions and `SET` / `REMOVE`.

use super::{PResult, Parser};
use crate::ast::{
    Ident, NodePattern, PathKind, PatternElement, PatternPart, RelDirection, RelPattern,
};
use crate::lexer::Tok;

type Length = Option<(Option<u64>, Option<u64>)>;

impl Parser<'_> {
    /// Comma-separated pattern parts.
    pub(super) fn pattern(&mut self) -> PResult<Vec<PatternPart>> {
        let mut parts = vec![self.pattern_part()?];
        while self.eat(&Tok::Comma) {
            parts.push(self.pattern_part()?);
        }
        Ok(parts)
    }

    /// `[var =] element`, `[var =] shortestPath(element)`, `allShortestPaths(element)`.
    pub(super) fn pattern_part(&mut self) -> PResult<PatternPart> {
        let start = self.start();
        let var = if self.is_name_at(0) && matches!(self.peek_at(1), Tok::Eq) {
            let var = self.name("a path variable")?;
            self.advance();
            Some(var)
        } else {
            None
        };
        let kind = if matches!(self.peek_at(1), Tok::LParen) && self.at_kw("shortestPath") {
            PathKind::ShortestPath
        } else if matches!(self.peek_at(1), Tok::LParen) && self.at_kw("allShortestPaths") {
            PathKind::AllShortestPaths
        } else {
            PathKind::Normal
        };
        let element = if kind == PathKind::Normal {
            self.pattern_element()?
        } else {
            self.advance();
            self.advance();
            let element = self.pattern_element()?;
            self.expect(&Tok::RParen)?;
            element
        };
        Ok(PatternPart {
            var,
            kind,
            element,
            span: self.span_from(start),
        })
    }

    /// `(a)-[r]->(b)...`, possibly in parentheses.
    pub(super) fn pattern_element(&mut self) -> PResult<PatternElement> {
        if matches!(self.peek(), Tok::LParen) && matches!(self.peek_at(1), Tok::LParen) {
            return self.nested(|p| {
                p.advance();
                let element = p.pattern_element()?;
                p.expect(&Tok::RParen)?;
                Ok(element)
            });
        }
        let start = self.node_pattern()?;
        let mut chain = Vec::new();
        while self.at_relationship() {
            let rel = self.relationship_pattern()?;
            chain.push((rel, self.node_pattern()?));
        }
        Ok(PatternElement { start, chain })
    }

    /// A pattern element with at least one relationship (a pattern predicate, or the pattern of
    /// a pattern comprehension).
    pub(super) fn relationship_chain(&mut self, what: &str) -> PResult<PatternElement> {
        let start = self.node_pattern()?;
        if !self.at_relationship() {
            return Err(self.expected(what));
        }
        let mut chain = Vec::new();
        while self.at_relationship() {
            let rel = self.relationship_pattern()?;
            chain.push((rel, self.node_pattern()?));
        }
        Ok(PatternElement { start, chain })
    }

    fn at_relationship(&self) -> bool {
        match self.peek() {
            Tok::Minus => true,
            Tok::Lt => matches!(self.peek_at(1), Tok::Minus),
            _ => false,
        }
    }

    /// `(var:Label:Other {props})`, `(var $props)`, `()`.
    fn node_pattern(&mut self) -> PResult<NodePattern> {
        let start = self.start();
        self.expect(&Tok::LParen)?;
        let var = if self.is_name_at(0) {
            Some(self.name("a variable")?)
        } else {
            None
        };
        let labels = if self.at(&Tok::Colon) {
            self.labels()?
        } else {
            Vec::new()
        };
        let props = self.pattern_properties()?;
        if !self.eat(&Tok::RParen) {
            let what = match (&var, labels.is_empty(), &props) {
                (_, _, Some(_)) => "')'",
                (_, false, None) => "a label, properties or ')'",
                (Some(_), true, None) => "':', properties or ')'",
                (None, true, None) => "a variable, ':', properties or ')'",
            };
            return Err(self.expected(what));
        }
        Ok(NodePattern {
            var,
            labels,
            props,
            span: self.span_from(start),
        })
    }

    /// `{map}` or `$param` in a node or relationship pattern.
    fn pattern_properties(&mut self) -> PResult<Option<crate::ast::Expr>> {
        match self.peek() {
            Tok::LBrace => Ok(Some(self.nested(Self::map_literal)?)),
            Tok::Param(name) => {
                let name = name.clone();
                let start = self.start();
                self.advance();
                Ok(Some(
                    self.expr_at(start, crate::ast::ExprKind::Parameter(name)),
                ))
            }
            _ => Ok(None),
        }
    }

    /// `:A:B` (also `:A :B`).
    pub(super) fn labels(&mut self) -> PResult<Vec<Ident>> {
        let mut labels = Vec::new();
        while self.eat(&Tok::Colon) {
            labels.push(self.any_name("a label name")?);
        }
        Ok(labels)
    }

    /// `-[...]->`, `<-[...]-`, `-[...]-`, `-->`, `<--`, `--`.
    fn relationship_pattern(&mut self) -> PResult<RelPattern> {
        let start = self.start();
        let incoming = self.eat(&Tok::Lt);
        self.expect(&Tok::Minus)?;
        let (var, types, length, props) = if self.eat(&Tok::LBracket) {
            self.relationship_detail()?
        } else {
            (None, Vec::new(), None, None)
        };
        if !self.eat(&Tok::Minus) {
            return Err(self.expected("'-' to close the relationship pattern"));
        }
        let outgoing = self.eat(&Tok::Gt);
        let direction = match (incoming, outgoing) {
            (true, false) => RelDirection::Incoming,
            (false, true) => RelDirection::Outgoing,
            _ => RelDirection::Either,
        };
        Ok(RelPattern {
            var,
            types,
            direction,
            length,
            props,
            span: self.span_from(start),
        })
    }

    /// The inside of `[...]` (after `[`, through `]`): `r:T|:U*1..3 {props}`.
    #[allow(clippy::type_complexity)]
    fn relationship_detail(
        &mut self,
    ) -> PResult<(Option<Ident>, Vec<Ident>, Length, Option<crate::ast::Expr>)> {
        let var = if self.is_name_at(0) {
            Some(self.name("a variable")?)
        } else {
            None
        };
        let mut types = Vec::new();
        if self.eat(&Tok::Colon) {
            types.push(self.any_name("a relationship type")?);
            while self.eat(&Tok::Pipe) {
                self.eat(&Tok::Colon);
                types.push(self.any_name("a relationship type")?);
            }
        }
        let length = if self.eat(&Tok::Star) {
            Some(self.length_range()?)
        } else {
            None
        };
        if self.at(&Tok::DotDot) {
            return Err(self.error_at(
                self.start(),
                "InvalidRelationshipPattern",
                "a length range needs a '*' before it, as in [:T*1..3]",
            ));
        }
        let props = self.pattern_properties()?;
        if !self.eat(&Tok::RBracket) {
            let what = match (&props, &length, types.is_empty(), &var) {
                (Some(_), ..) => "']'",
                (None, Some(_), ..) => "properties or ']'",
                (None, None, false, _) => "'|', '*', properties or ']'",
                (None, None, true, Some(_)) => "':', '*', properties or ']'",
                (None, None, true, None) => "a variable, ':', '*', properties or ']'",
            };
            return Err(self.expected(what));
        }
        Ok((var, types, length, props))
    }

    /// After `*`: `2`, `1..3`, `..3`, `2..`, `..` or nothing.
    fn length_range(&mut self) -> PResult<(Option<u64>, Option<u64>)> {
        let min = self.range_bound()?;
        if self.eat(&Tok::DotDot) {
            let max = self.range_bound()?;
            return Ok((min, max));
        }
        Ok((min, min))
    }

    fn range_bound(&mut self) -> PResult<Option<u64>> {
        match self.peek() {
            Tok::Int(n) => {
                let n = *n;
                self.advance();
                Ok(Some(n))
            }
            Tok::Minus | Tok::Float(_) => Err(self.error_at(
                self.start(),
                "InvalidRelationshipPattern",
                format!(
                    "a relationship length must be a non-negative integer, found {}",
                    self.peek()
                ),
            )),
            _ => Ok(None),
        }
    }
}
