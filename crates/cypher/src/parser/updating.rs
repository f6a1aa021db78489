//! The updating clauses: `CREATE`, `MERGE` (with `ON CREATE SET` / `ON MATCH SET`), `SET`,
//! `REMOVE` and `[DETACH] DELETE`.

use super::expressions::BP_POSTFIX;
use super::{PResult, Parser};
use crate::ast::{Clause, Expr, ExprKind, Ident, RemoveItem, SetItem};
use crate::lexer::Tok;

impl Parser<'_> {
    pub(super) fn create(&mut self) -> PResult<Clause> {
        let start = self.start();
        self.advance();
        Ok(Clause::Create {
            pattern: self.pattern()?,
            span: self.span_from(start),
        })
    }

    pub(super) fn set(&mut self) -> PResult<Clause> {
        let start = self.start();
        self.advance();
        Ok(Clause::Set {
            items: self.set_items()?,
            span: self.span_from(start),
        })
    }

    /// `MERGE part` with any number of `ON CREATE SET` / `ON MATCH SET`, in any order.
    pub(super) fn merge(&mut self) -> PResult<Clause> {
        let start = self.start();
        self.advance();
        let part = self.pattern_part()?;
        let mut on_create = Vec::new();
        let mut on_match = Vec::new();
        while self.eat_kw("ON") {
            let target = if self.eat_kw("CREATE") {
                &mut on_create
            } else if self.eat_kw("MATCH") {
                &mut on_match
            } else {
                return Err(self.expected("CREATE or MATCH after ON"));
            };
            self.expect_kw("SET")?;
            target.extend(self.set_items()?);
        }
        Ok(Clause::Merge {
            part,
            on_create,
            on_match,
            span: self.span_from(start),
        })
    }

    fn set_items(&mut self) -> PResult<Vec<SetItem>> {
        let mut items = vec![self.set_item()?];
        while self.eat(&Tok::Comma) {
            items.push(self.set_item()?);
        }
        Ok(items)
    }

    /// `n.k = v`, `n = {map}`, `n += {map}`, `n:A:B`.
    fn set_item(&mut self) -> PResult<SetItem> {
        if self.is_name_at(0) {
            match self.peek_at(1) {
                Tok::Eq => {
                    let var = self.name("a variable")?;
                    self.advance();
                    return Ok(SetItem::Replace {
                        var,
                        value: self.expr()?,
                    });
                }
                Tok::PlusEq => {
                    let var = self.name("a variable")?;
                    self.advance();
                    return Ok(SetItem::Merge {
                        var,
                        value: self.expr()?,
                    });
                }
                Tok::Colon => {
                    let var = self.name("a variable")?;
                    return Ok(SetItem::Labels {
                        var,
                        labels: self.labels()?,
                    });
                }
                _ => {}
            }
        }
        let (target, key) = self.property_target("SET")?;
        if !self.eat(&Tok::Eq) {
            return Err(self.expected("'='"));
        }
        Ok(SetItem::Property {
            target,
            key,
            value: self.expr()?,
        })
    }

    /// `expr.key` in `SET` and `REMOVE`, split into the owner and the key.
    fn property_target(&mut self, clause: &str) -> PResult<(Expr, Ident)> {
        let start = self.start();
        let expr = self.expr_bp(BP_POSTFIX)?;
        match expr.kind {
            ExprKind::Property(target, key) => Ok((*target, key)),
            _ => Err(self.error_at(
                start,
                "UnexpectedSyntax",
                format!("expected a property such as n.key to {clause}"),
            )),
        }
    }

    pub(super) fn remove(&mut self) -> PResult<Clause> {
        let start = self.start();
        self.advance();
        let mut items = Vec::new();
        loop {
            if self.is_name_at(0) && matches!(self.peek_at(1), Tok::Colon) {
                let var = self.name("a variable")?;
                items.push(RemoveItem::Labels {
                    var,
                    labels: self.labels()?,
                });
            } else {
                let (target, key) = self.property_target("REMOVE")?;
                items.push(RemoveItem::Property { target, key });
            }
            if !self.eat(&Tok::Comma) {
                break;
            }
        }
        Ok(Clause::Remove {
            items,
            span: self.span_from(start),
        })
    }

    /// `[DETACH] DELETE expr, ...`
    pub(super) fn delete(&mut self) -> PResult<Clause> {
        let start = self.start();
        let detach = self.eat_kw("DETACH");
        self.expect_kw("DELETE")?;
        let mut exprs = vec![self.expr()?];
        while self.eat(&Tok::Comma) {
            exprs.push(self.expr()?);
        }
        Ok(Clause::Delete {
            detach,
            exprs,
            span: self.span_from(start),
        })
    }
}
