//! Recursive-descent parser: query text -> [`crate::ast::Query`].
//!
//! Clauses and patterns are parsed by plain recursive descent ([`clauses`], [`patterns`]),
//! expressions by precedence climbing ([`expressions`], [`atoms`]). Two places need
//! backtracking: a `(` in an expression may open a pattern predicate, and a `[` a pattern
//! comprehension. Each is tried only when a cheap look-ahead says it may be one, and a failed try
//! is remembered by position, so that nested tries cannot take exponential time.
//!
//! It must never panic and never recurse without bound: expressions nest at most [`MAX_DEPTH`]
//! levels deep, counting both the parser's recursion and the height of the expression trees it
//! builds (a chain `a + b + c ...` is a tree as deep as it is long), so the phases that walk the
//! tree recursively are bounded too.

mod atoms;
mod clauses;
mod expressions;
mod patterns;
#[cfg(test)]
mod prop_tests;
#[cfg(test)]
mod sexpr;
#[cfg(test)]
mod tests;
#[cfg(test)]
mod tree_tests;
mod updating;

use std::collections::HashMap;

use crate::ast::{Ident, Query, Span};
use crate::lexer::{tokenize, SyntaxError, Tok, Token};
use crate::CypherError;

/// The deepest an expression (or a parenthesised pattern) may nest.
pub(crate) const MAX_DEPTH: usize = 200;

type PResult<T> = Result<T, SyntaxError>;

/// Parses one query (an optional trailing `;` allowed).
pub(crate) fn parse(query: &str) -> Result<Query, CypherError> {
    let tokens = tokenize(query).map_err(|e| to_cypher_error(query, e))?;
    let mut parser = Parser::new(query, tokens);
    parser.query().map_err(|e| {
        // A failed attempt that got further (e.g. into a malformed pattern predicate) explains
        // the error better than the alternative that was taken instead.
        let e = match parser.furthest_attempt.take() {
            Some(attempt) => further(attempt, e),
            None => e,
        };
        to_cypher_error(query, e)
    })
}

fn to_cypher_error(text: &str, e: SyntaxError) -> CypherError {
    let mut error = CypherError::syntax(text, e.offset, e.message);
    if let CypherError::Compile { detail, .. } = &mut error {
        *detail = e.detail;
    }
    error
}

/// Words that cannot name a variable (openCypher's reserved words). Most may still be labels,
/// relationship types, property keys and map keys.
#[rustfmt::skip]
const RESERVED: &[&str] = &[
    "ALL", "ASC", "ASCENDING", "BY", "CREATE", "DELETE", "DESC", "DESCENDING", "DETACH",
    "EXISTS", "LIMIT", "MATCH", "MERGE", "ON", "OPTIONAL", "ORDER", "REMOVE", "RETURN", "SET",
    "SKIP", "WHERE", "WITH", "UNION", "UNWIND", "AND", "AS", "CONTAINS", "DISTINCT", "ENDS", "IN",
    "IS", "NOT", "OR", "STARTS", "XOR", "CASE", "ELSE", "END", "THEN", "WHEN", "NULL", "TRUE",
    "FALSE", "CONSTRAINT", "DO", "FOR", "REQUIRE", "UNIQUE", "MANDATORY", "SCALAR", "OF", "ADD",
    "DROP",
];

fn is_reserved(word: &str) -> bool {
    RESERVED.iter().any(|r| r.eq_ignore_ascii_case(word))
}

/// The kinds of speculative parse whose failures are remembered.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Attempt {
    PatternPredicate,
    PatternComprehension,
}

/// A position to return to after a failed attempt.
#[derive(Clone, Copy)]
struct Mark {
    pos: usize,
    peak: usize,
    predicates: usize,
    allowed_predicates: usize,
}

static EOF: Tok = Tok::Eof;

struct Parser<'a> {
    text: &'a str,
    toks: Vec<Token>,
    pos: usize,
    /// How many expressions (or parenthesised patterns) enclose the current position.
    depth: usize,
    /// The deepest level the expression being built reaches (see `expressions`).
    peak: usize,
    failed: HashMap<(Attempt, usize), SyntaxError>,
    /// The failed attempt that got furthest into the text.
    furthest_attempt: Option<SyntaxError>,
    /// Where each pattern predicate starts, and those that stand where a predicate may: in the
    /// boolean structure (`NOT`, `AND`, `OR`, `XOR`) of a `WHERE`.
    predicates: Vec<usize>,
    allowed_predicates: Vec<usize>,
    /// Where the current single query's `CALL ... YIELD *` is (allowed only in a standalone
    /// call).
    yield_star: Option<usize>,
}

impl<'a> Parser<'a> {
    fn new(text: &'a str, toks: Vec<Token>) -> Parser<'a> {
        Parser {
            text,
            toks,
            pos: 0,
            depth: 0,
            peak: 0,
            failed: HashMap::new(),
            furthest_attempt: None,
            predicates: Vec::new(),
            allowed_predicates: Vec::new(),
            yield_star: None,
        }
    }

    // ---- tokens ----

    fn peek(&self) -> &Tok {
        self.peek_at(0)
    }

    fn peek_at(&self, ahead: usize) -> &Tok {
        self.toks.get(self.pos + ahead).map_or(&EOF, |t| &t.tok)
    }

    /// Byte offset where the current token starts.
    fn start(&self) -> usize {
        self.toks
            .get(self.pos)
            .map_or(self.text.len(), |t| t.span.start)
    }

    /// Byte offset where the previous token ends.
    fn prev_end(&self) -> usize {
        self.pos
            .checked_sub(1)
            .and_then(|i| self.toks.get(i))
            .map_or(0, |t| t.span.end)
    }

    fn span_from(&self, start: usize) -> Span {
        Span {
            start,
            end: self.prev_end().max(start),
        }
    }

    fn advance(&mut self) {
        if self.pos + 1 < self.toks.len() {
            self.pos += 1;
        }
    }

    fn at(&self, tok: &Tok) -> bool {
        self.peek() == tok
    }

    fn eat(&mut self, tok: &Tok) -> bool {
        let found = self.at(tok);
        if found {
            self.advance();
        }
        found
    }

    fn expect(&mut self, tok: &Tok) -> PResult<()> {
        if self.eat(tok) {
            Ok(())
        } else {
            Err(self.expected(&tok.to_string()))
        }
    }

    fn is_kw(tok: &Tok, kw: &str) -> bool {
        matches!(tok, Tok::Word(w) if w.eq_ignore_ascii_case(kw))
    }

    fn at_kw(&self, kw: &str) -> bool {
        Self::is_kw(self.peek(), kw)
    }

    fn at_kw_at(&self, ahead: usize, kw: &str) -> bool {
        Self::is_kw(self.peek_at(ahead), kw)
    }

    fn eat_kw(&mut self, kw: &str) -> bool {
        let found = self.at_kw(kw);
        if found {
            self.advance();
        }
        found
    }

    fn expect_kw(&mut self, kw: &str) -> PResult<()> {
        if self.eat_kw(kw) {
            Ok(())
        } else {
            Err(self.expected(kw))
        }
    }

    // ---- errors ----

    /// "expected X, found Y" at the current token.
    fn expected(&self, what: &str) -> SyntaxError {
        SyntaxError::new(
            self.start(),
            "UnexpectedSyntax",
            format!("expected {what}, found {}", self.peek()),
        )
    }

    fn error_at(
        &self,
        offset: usize,
        detail: &'static str,
        message: impl Into<String>,
    ) -> SyntaxError {
        SyntaxError::new(offset, detail, message)
    }

    // ---- names ----

    /// Whether the token `ahead` can name a variable.
    fn is_name_at(&self, ahead: usize) -> bool {
        match self.peek_at(ahead) {
            Tok::Word(w) => !is_reserved(w),
            Tok::Quoted(_) => true,
            _ => false,
        }
    }

    /// A variable, alias or other symbolic name: an unreserved word or a quoted name.
    fn name(&mut self, what: &str) -> PResult<Ident> {
        if !self.is_name_at(0) {
            return Err(self.expected(what));
        }
        self.any_name(what)
    }

    /// A label, relationship type, property key or map key: any word or quoted name.
    fn any_name(&mut self, what: &str) -> PResult<Ident> {
        let name = match self.peek() {
            Tok::Word(w) | Tok::Quoted(w) => w.clone(),
            _ => return Err(self.expected(what)),
        };
        let span = self
            .toks
            .get(self.pos)
            .map_or_else(Span::default, |t| t.span);
        self.advance();
        Ok(Ident { name, span })
    }

    // ---- nesting and backtracking ----

    /// Runs `f` one nesting level deeper, failing once [`MAX_DEPTH`] is reached.
    fn nested<T>(&mut self, f: impl FnOnce(&mut Self) -> PResult<T>) -> PResult<T> {
        if self.depth >= MAX_DEPTH {
            return Err(self.too_deep());
        }
        self.depth += 1;
        let result = f(self);
        self.depth -= 1;
        result
    }

    fn too_deep(&self) -> SyntaxError {
        self.error_at(
            self.start(),
            "UnexpectedSyntax",
            format!("the query nests too deeply (more than {MAX_DEPTH} levels)"),
        )
    }

    fn mark(&self) -> Mark {
        Mark {
            pos: self.pos,
            peak: self.peak,
            predicates: self.predicates.len(),
            allowed_predicates: self.allowed_predicates.len(),
        }
    }

    fn reset(&mut self, mark: Mark) {
        self.pos = mark.pos;
        self.peak = mark.peak;
        self.predicates.truncate(mark.predicates);
        self.allowed_predicates.truncate(mark.allowed_predicates);
    }

    /// Tries `f` here; on failure returns to this position and remembers the failure, so the
    /// same attempt at the same place fails at once next time.
    fn attempt<T>(&mut self, kind: Attempt, f: impl FnOnce(&mut Self) -> PResult<T>) -> PResult<T> {
        let key = (kind, self.pos);
        if let Some(error) = self.failed.get(&key) {
            return Err(error.clone());
        }
        let mark = self.mark();
        f(self).inspect_err(|error| {
            self.reset(mark);
            self.failed.insert(key, error.clone());
            self.furthest_attempt = Some(match self.furthest_attempt.take() {
                Some(other) => further(other, error.clone()),
                None => error.clone(),
            });
        })
    }
}

/// Of two errors from alternative parses, the one that got further into the text.
fn further(a: SyntaxError, b: SyntaxError) -> SyntaxError {
    if a.offset > b.offset {
        a
    } else {
        b
    }
}
