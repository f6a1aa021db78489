//! Expressions by precedence climbing, with openCypher's precedence (lowest first):
//! `OR`, `XOR`, `AND`, `NOT`, comparisons (chained: `a < b <= c`), the string, list and null
//! predicates (`STARTS WITH`, `ENDS WITH`, `CONTAINS`, `IN`, `=~`, `IS [NOT] NULL`), `+ -`,
//! `* / %`, `^`, unary `+ -`, then the postfix forms (`.key`, `[i]`, `[a..b]`, `:Label`).
//! Every binary operator is left-associative, `^` included.
//!
//! Depth accounting: `depth` is the level of the expression being parsed (1 for a top-level
//! one) and `peak` the deepest level the tree built so far reaches. Folding `lhs op rhs` moves
//! `lhs` one level down, so the peak becomes `max(peak(lhs) + 1, peak(rhs))`; a tree deeper
//! than [`MAX_DEPTH`] is refused.

use super::{PResult, Parser, MAX_DEPTH};
use crate::ast::{BinaryOp, Expr, ExprKind, Literal, UnaryOp};
use crate::lexer::Tok;

// Binding powers: an operator is taken when its power is at least the caller's minimum.
const BP_OR: u8 = 1;
const BP_XOR: u8 = 2;
const BP_AND: u8 = 3;
const BP_NOT: u8 = 4;
const BP_COMPARISON: u8 = 5;
const BP_PREDICATE: u8 = 6;
const BP_ADD: u8 = 7;
const BP_MUL: u8 = 8;
const BP_POW: u8 = 9;
const BP_UNARY: u8 = 10;
/// Only an atom with its postfix lookups: no operators at all.
pub(super) const BP_POSTFIX: u8 = 11;

/// What follows an operand, as seen without consuming it.
enum Infix {
    /// A binary operator written with `tokens` tokens.
    Binary(BinaryOp, u8, usize),
    Comparison,
    IsNull,
}

fn comparison_op(tok: &Tok) -> Option<BinaryOp> {
    Some(match tok {
        Tok::Eq => BinaryOp::Eq,
        Tok::Ne => BinaryOp::Ne,
        Tok::Lt => BinaryOp::Lt,
        Tok::Le => BinaryOp::Le,
        Tok::Gt => BinaryOp::Gt,
        Tok::Ge => BinaryOp::Ge,
        _ => return None,
    })
}

impl Parser<'_> {
    /// A whole expression.
    pub(super) fn expr(&mut self) -> PResult<Expr> {
        self.expr_bp(BP_OR)
    }

    /// An expression whose operators all bind at least as tightly as `min`, one level deeper.
    ///
    /// The functions on the recursive path (`expr_bp`, `climb`, `prefix`, `postfix`, `atom`)
    /// keep few locals, so that the deepest allowed nesting needs little stack (under 512 KiB
    /// in a release build); the work with many temporaries is done in helpers that return
    /// before recursing again, kept out of line (`#[inline(never)]`) so that their temporaries
    /// do not widen the recursive frames.
    pub(super) fn expr_bp(&mut self, min: u8) -> PResult<Expr> {
        if self.depth >= MAX_DEPTH {
            return Err(self.too_deep());
        }
        self.depth += 1;
        let outer_peak = self.peak;
        self.peak = self.depth;
        let result = self.climb(min);
        self.peak = self.peak.max(outer_peak);
        self.depth -= 1;
        result
    }

    fn climb(&mut self, min: u8) -> PResult<Expr> {
        let start = self.start();
        let mut lhs = self.prefix(min)?;
        while let Some(infix) = self.infix() {
            let power = match infix {
                Infix::Binary(_, power, _) => power,
                Infix::Comparison => BP_COMPARISON,
                Infix::IsNull => BP_PREDICATE,
            };
            if power < min {
                break;
            }
            lhs = self.apply_infix(start, lhs, infix)?;
        }
        Ok(lhs)
    }

    #[inline(never)]
    fn apply_infix(&mut self, start: usize, lhs: Expr, infix: Infix) -> PResult<Expr> {
        match infix {
            Infix::Binary(op, power, tokens) => {
                for _ in 0..tokens {
                    self.advance();
                }
                let rhs = self.fold_operand(power + 1)?;
                Ok(self.expr_at(start, ExprKind::Binary(op, Box::new(lhs), Box::new(rhs))))
            }
            Infix::Comparison => self.comparison_chain(start, lhs),
            Infix::IsNull => {
                self.advance();
                let negated = self.eat_kw("NOT");
                self.expect_kw("NULL")?;
                self.deepen()?;
                let expr = Box::new(lhs);
                Ok(self.expr_at(start, ExprKind::IsNull { expr, negated }))
            }
        }
    }

    #[inline(never)]
    fn infix(&self) -> Option<Infix> {
        let binary = |op, power| Some(Infix::Binary(op, power, 1));
        match self.peek() {
            Tok::Word(w) => {
                let w = w.to_ascii_uppercase();
                match w.as_str() {
                    "OR" => binary(BinaryOp::Or, BP_OR),
                    "XOR" => binary(BinaryOp::Xor, BP_XOR),
                    "AND" => binary(BinaryOp::And, BP_AND),
                    "IN" => binary(BinaryOp::In, BP_PREDICATE),
                    "CONTAINS" => binary(BinaryOp::Contains, BP_PREDICATE),
                    "STARTS" if self.at_kw_at(1, "WITH") => {
                        Some(Infix::Binary(BinaryOp::StartsWith, BP_PREDICATE, 2))
                    }
                    "ENDS" if self.at_kw_at(1, "WITH") => {
                        Some(Infix::Binary(BinaryOp::EndsWith, BP_PREDICATE, 2))
                    }
                    "IS" => Some(Infix::IsNull),
                    _ => None,
                }
            }
            Tok::RegexMatch => binary(BinaryOp::Regex, BP_PREDICATE),
            Tok::Plus => binary(BinaryOp::Add, BP_ADD),
            Tok::Minus => binary(BinaryOp::Sub, BP_ADD),
            Tok::Star => binary(BinaryOp::Mul, BP_MUL),
            Tok::Slash => binary(BinaryOp::Div, BP_MUL),
            Tok::Percent => binary(BinaryOp::Mod, BP_MUL),
            Tok::Caret => binary(BinaryOp::Pow, BP_POW),
            tok if comparison_op(tok).is_some() => Some(Infix::Comparison),
            _ => None,
        }
    }

    /// `lhs < b <= c ...`: one comparison is a [`ExprKind::Binary`], more a [`ExprKind::Chain`].
    #[inline(never)]
    fn comparison_chain(&mut self, start: usize, lhs: Expr) -> PResult<Expr> {
        let mut operands = vec![lhs];
        let mut ops = Vec::new();
        while let Some(op) = comparison_op(self.peek()) {
            self.advance();
            let operand = if ops.is_empty() {
                self.fold_operand(BP_PREDICATE)?
            } else {
                self.expr_bp(BP_PREDICATE)?
            };
            ops.push(op);
            operands.push(operand);
        }
        if let [op] = ops[..] {
            if let (Some(rhs), Some(lhs)) = (operands.pop(), operands.pop()) {
                return Ok(self.expr_at(start, ExprKind::Binary(op, Box::new(lhs), Box::new(rhs))));
            }
        }
        Ok(self.expr_at(start, ExprKind::Chain { operands, ops }))
    }

    /// The right operand of a fold: the left one moves a level down.
    pub(super) fn fold_operand(&mut self, min: u8) -> PResult<Expr> {
        let lhs_peak = self.peak;
        self.peak = self.depth;
        let rhs = self.expr_bp(min)?;
        self.peak = self.peak.max(lhs_peak + 1);
        self.check_peak()?;
        Ok(rhs)
    }

    /// A postfix fold without a new operand (`.key`, `:Label`, `IS NULL`).
    pub(super) fn deepen(&mut self) -> PResult<()> {
        self.peak += 1;
        self.check_peak()
    }

    fn check_peak(&self) -> PResult<()> {
        if self.peak > MAX_DEPTH {
            Err(self.error_at(
                self.start(),
                "UnexpectedSyntax",
                format!("the expression nests too deeply (more than {MAX_DEPTH} levels)"),
            ))
        } else {
            Ok(())
        }
    }

    pub(super) fn expr_at(&self, start: usize, kind: ExprKind) -> Expr {
        Expr {
            kind,
            span: self.span_from(start),
        }
    }

    /// `NOT x`, `-x`, `+x` (where `min` allows them) or a postfix expression.
    fn prefix(&mut self, min: u8) -> PResult<Expr> {
        let op = match self.peek() {
            Tok::Word(w) if min <= BP_NOT && w.eq_ignore_ascii_case("NOT") => UnaryOp::Not,
            Tok::Minus if min <= BP_UNARY => UnaryOp::Neg,
            Tok::Plus if min <= BP_UNARY => UnaryOp::Pos,
            _ => return self.postfix(),
        };
        self.unary(op)
    }

    fn unary(&mut self, op: UnaryOp) -> PResult<Expr> {
        let start = self.start();
        if op == UnaryOp::Neg {
            if let Some(literal) = self.negative_number()? {
                return Ok(literal);
            }
        }
        self.advance();
        let operand = self.expr_bp(if op == UnaryOp::Not { BP_NOT } else { BP_UNARY })?;
        Ok(self.expr_at(start, ExprKind::Unary(op, Box::new(operand))))
    }

    /// `-` directly before a number literal is the literal's sign, so that
    /// `-9223372036854775808` (whose magnitude is no `i64`) can be written.
    #[inline(never)]
    fn negative_number(&mut self) -> PResult<Option<Expr>> {
        let start = self.start();
        let literal = match self.peek_at(1) {
            Tok::Int(magnitude) => {
                let magnitude = *magnitude;
                let value = if magnitude == i64::MIN.unsigned_abs() {
                    i64::MIN
                } else {
                    match i64::try_from(magnitude) {
                        Ok(v) => -v,
                        Err(_) => return Err(self.integer_overflow(start)),
                    }
                };
                Literal::Int(value)
            }
            Tok::Float(x) => Literal::Float(-*x),
            _ => return Ok(None),
        };
        // `-1.k` or `-x[0]`: the sign applies to the whole postfix expression.
        if matches!(
            self.peek_at(2),
            Tok::Dot | Tok::LBracket | Tok::Colon | Tok::LBrace
        ) {
            return Ok(None);
        }
        self.advance();
        self.advance();
        Ok(Some(self.expr_at(start, ExprKind::Literal(literal))))
    }

    pub(super) fn integer_overflow(&self, offset: usize) -> crate::lexer::SyntaxError {
        self.error_at(
            offset,
            "IntegerOverflow",
            "integer literal is too large for a 64-bit integer",
        )
    }

    /// An atom followed by property lookups, indexes, slices and at most one label test.
    fn postfix(&mut self) -> PResult<Expr> {
        let start = self.start();
        let mut expr = self.atom()?;
        while matches!(self.peek(), Tok::Dot | Tok::LBracket | Tok::Colon) {
            let labels = matches!(self.peek(), Tok::Colon);
            expr = self.apply_postfix(start, expr)?;
            if labels {
                break;
            }
        }
        Ok(expr)
    }

    #[inline(never)]
    fn apply_postfix(&mut self, start: usize, base: Expr) -> PResult<Expr> {
        let kind = match self.peek() {
            Tok::Dot => {
                self.advance();
                let key = self.any_name("a property name")?;
                self.deepen()?;
                ExprKind::Property(Box::new(base), key)
            }
            Tok::Colon => {
                let labels = self.labels()?;
                self.deepen()?;
                ExprKind::HasLabels(Box::new(base), labels)
            }
            _ => {
                self.advance();
                return self.index_or_slice(start, base);
            }
        };
        Ok(self.expr_at(start, kind))
    }

    /// After `[`: `i]`, `from..to]`, `..to]`, `from..]` or `..]`.
    #[inline(never)]
    fn index_or_slice(&mut self, start: usize, base: Expr) -> PResult<Expr> {
        let base_peak = self.peak;
        self.peak = self.depth;
        let from = if self.at(&Tok::DotDot) {
            None
        } else {
            Some(Box::new(self.expr()?))
        };
        let kind = if self.eat(&Tok::DotDot) {
            let to = if self.at(&Tok::RBracket) {
                None
            } else {
                Some(Box::new(self.expr()?))
            };
            ExprKind::Slice(Box::new(base), from, to)
        } else {
            match from {
                Some(index) => ExprKind::Index(Box::new(base), index),
                None => return Err(self.expected("an index or '..'")),
            }
        };
        self.expect(&Tok::RBracket)?;
        self.peak = self.peak.max(base_peak + 1);
        self.check_peak()?;
        Ok(self.expr_at(start, kind))
    }
}
