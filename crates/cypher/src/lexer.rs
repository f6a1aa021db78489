//! Tokens of the query text, each with its byte span.
//!
//! Words are not sorted into keywords and names here: Cypher lets most keywords be used as
//! labels, property keys and map keys, so the parser decides from the context (matching keywords
//! case-insensitively). Number literals keep their magnitude as `u64` so that the parser can
//! accept `-9223372036854775808`, whose magnitude does not fit an `i64`.

use std::fmt;

use crate::ast::Span;

/// A syntax error before it is placed in the text: the parser turns it into a
/// [`crate::CypherError`] with line and column.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct SyntaxError {
    /// Byte offset of the offending token.
    pub offset: usize,
    /// The openCypher TCK's detail code (`UnexpectedSyntax`, `IntegerOverflow`, ...).
    pub detail: &'static str,
    pub message: String,
}

impl SyntaxError {
    pub fn new(offset: usize, detail: &'static str, message: impl Into<String>) -> SyntaxError {
        SyntaxError {
            offset,
            detail,
            message: message.into(),
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Tok {
    /// An unquoted word: a name or a keyword.
    Word(String),
    /// A backtick-quoted name; never a keyword.
    Quoted(String),
    Str(String),
    /// An integer's magnitude (the sign is a separate `-`).
    Int(u64),
    Float(f64),
    /// `$name` or `$0`, without the `$`.
    Param(String),
    LParen,
    RParen,
    LBracket,
    RBracket,
    LBrace,
    RBrace,
    Comma,
    Dot,
    DotDot,
    Colon,
    Semicolon,
    Pipe,
    Plus,
    PlusEq,
    Minus,
    Star,
    Slash,
    Percent,
    Caret,
    Eq,
    /// `=~`
    RegexMatch,
    /// `<>`
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
    Eof,
}

impl fmt::Display for Tok {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let symbol = match self {
            Tok::Word(w) => return write!(f, "'{w}'"),
            Tok::Quoted(w) => return write!(f, "`{}`", w.replace('`', "``")),
            Tok::Str(_) => "a string literal",
            Tok::Int(i) => return write!(f, "'{i}'"),
            Tok::Float(x) => return write!(f, "'{x}'"),
            Tok::Param(p) => return write!(f, "'${p}'"),
            Tok::LParen => "'('",
            Tok::RParen => "')'",
            Tok::LBracket => "'['",
            Tok::RBracket => "']'",
            Tok::LBrace => "'{'",
            Tok::RBrace => "'}'",
            Tok::Comma => "','",
            Tok::Dot => "'.'",
            Tok::DotDot => "'..'",
            Tok::Colon => "':'",
            Tok::Semicolon => "';'",
            Tok::Pipe => "'|'",
            Tok::Plus => "'+'",
            Tok::PlusEq => "'+='",
            Tok::Minus => "'-'",
            Tok::Star => "'*'",
            Tok::Slash => "'/'",
            Tok::Percent => "'%'",
            Tok::Caret => "'^'",
            Tok::Eq => "'='",
            Tok::RegexMatch => "'=~'",
            Tok::Ne => "'<>'",
            Tok::Lt => "'<'",
            Tok::Le => "'<='",
            Tok::Gt => "'>'",
            Tok::Ge => "'>='",
            Tok::Eof => "the end of the query",
        };
        f.write_str(symbol)
    }
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Token {
    pub tok: Tok,
    pub span: Span,
}

/// Splits `text` into tokens, ending with one [`Tok::Eof`] at `text.len()`.
pub(crate) fn tokenize(text: &str) -> Result<Vec<Token>, SyntaxError> {
    let mut lexer = Lexer {
        text,
        pos: 0,
        tokens: Vec::new(),
    };
    lexer.run()?;
    Ok(lexer.tokens)
}

struct Lexer<'a> {
    text: &'a str,
    pos: usize,
    tokens: Vec<Token>,
}

fn is_word_start(c: char) -> bool {
    c.is_alphabetic() || c == '_'
}

fn is_word_char(c: char) -> bool {
    c.is_alphanumeric() || c == '_'
}

impl Lexer<'_> {
    fn peek(&self) -> Option<char> {
        self.text[self.pos..].chars().next()
    }

    fn peek_at(&self, skip: usize) -> Option<char> {
        self.text[self.pos..].chars().nth(skip)
    }

    fn bump(&mut self) -> Option<char> {
        let c = self.peek()?;
        self.pos += c.len_utf8();
        Some(c)
    }

    fn push(&mut self, tok: Tok, start: usize) {
        self.tokens.push(Token {
            tok,
            span: Span {
                start,
                end: self.pos,
            },
        });
    }

    fn run(&mut self) -> Result<(), SyntaxError> {
        loop {
            self.skip_space_and_comments()?;
            let start = self.pos;
            let Some(c) = self.peek() else {
                self.push(Tok::Eof, start);
                return Ok(());
            };
            let tok = match c {
                '\'' | '"' => self.string()?,
                '`' => Tok::Quoted(self.quoted()?),
                '$' => self.parameter()?,
                '0'..='9' => self.number()?,
                '.' if self.peek_at(1).is_some_and(|d| d.is_ascii_digit()) => self.number()?,
                c if is_word_start(c) => Tok::Word(self.word()),
                _ => self.symbol(c)?,
            };
            self.push(tok, start);
        }
    }

    fn skip_space_and_comments(&mut self) -> Result<(), SyntaxError> {
        loop {
            let rest = &self.text[self.pos..];
            if rest.starts_with("//") {
                self.pos += rest.find('\n').unwrap_or(rest.len());
            } else if let Some(body) = rest.strip_prefix("/*") {
                match body.find("*/") {
                    Some(end) => self.pos += 2 + end + 2,
                    None => {
                        return Err(SyntaxError::new(
                            self.pos,
                            "UnexpectedSyntax",
                            "unterminated comment: '/*' without a closing '*/'",
                        ))
                    }
                }
            } else if self.peek().is_some_and(char::is_whitespace) {
                self.bump();
            } else {
                return Ok(());
            }
        }
    }

    fn word(&mut self) -> String {
        let start = self.pos;
        while self.peek().is_some_and(is_word_char) {
            self.bump();
        }
        self.text[start..self.pos].to_string()
    }

    /// A backtick-quoted name; a doubled backtick stands for one.
    fn quoted(&mut self) -> Result<String, SyntaxError> {
        let start = self.pos;
        self.bump();
        let mut name = String::new();
        loop {
            match self.bump() {
                Some('`') if self.peek() == Some('`') => {
                    self.bump();
                    name.push('`');
                }
                Some('`') => break,
                Some(c) => name.push(c),
                None => {
                    return Err(SyntaxError::new(
                        start,
                        "UnexpectedSyntax",
                        "unterminated quoted name: '`' without a closing '`'",
                    ))
                }
            }
        }
        if name.is_empty() {
            return Err(SyntaxError::new(
                start,
                "UnexpectedSyntax",
                "a quoted name must not be empty",
            ));
        }
        Ok(name)
    }

    fn parameter(&mut self) -> Result<Tok, SyntaxError> {
        let start = self.pos;
        self.bump();
        match self.peek() {
            Some('`') => Ok(Tok::Param(self.quoted()?)),
            Some(c) if is_word_char(c) => Ok(Tok::Param(self.word())),
            _ => Err(SyntaxError::new(
                start,
                "UnexpectedSyntax",
                "expected a parameter name after '$'",
            )),
        }
    }

    fn string(&mut self) -> Result<Tok, SyntaxError> {
        let start = self.pos;
        let Some(quote) = self.bump() else {
            return Err(SyntaxError::new(
                start,
                "UnexpectedSyntax",
                "expected a string",
            ));
        };
        let mut value = String::new();
        loop {
            let escape_at = self.pos;
            match self.bump() {
                None => {
                    return Err(SyntaxError::new(
                        start,
                        "UnexpectedSyntax",
                        format!("unterminated string literal: {quote} without a closing {quote}"),
                    ))
                }
                Some(c) if c == quote => return Ok(Tok::Str(value)),
                Some('\\') => {
                    let c = self.escape(escape_at)?;
                    value.push(c);
                }
                Some(c) => value.push(c),
            }
        }
    }

    /// The character of the escape sequence whose backslash was at `at` (already consumed).
    fn escape(&mut self, at: usize) -> Result<char, SyntaxError> {
        let c = match self.bump() {
            Some('\\') => '\\',
            Some('\'') => '\'',
            Some('"') => '"',
            Some('n' | 'N') => '\n',
            Some('t' | 'T') => '\t',
            Some('r' | 'R') => '\r',
            Some('b' | 'B') => '\u{8}',
            Some('f' | 'F') => '\u{c}',
            Some('u') => return self.unicode_escape(at, 4),
            Some('U') => return self.unicode_escape(at, 8),
            Some(other) => {
                return Err(SyntaxError::new(
                    at,
                    "UnexpectedSyntax",
                    format!("unknown escape sequence '\\{other}' in a string literal"),
                ))
            }
            None => {
                return Err(SyntaxError::new(
                    at,
                    "UnexpectedSyntax",
                    "unterminated string literal",
                ))
            }
        };
        Ok(c)
    }

    /// `\uXXXX` or `\UXXXXXXXX`; a UTF-16 surrogate pair written as two `\u` escapes is joined.
    fn unicode_escape(&mut self, at: usize, digits: usize) -> Result<char, SyntaxError> {
        let code = self.hex_digits(at, digits)?;
        if (0xD800..0xDC00).contains(&code) && self.text[self.pos..].starts_with("\\u") {
            let save = self.pos;
            self.pos += 2;
            let low = self.hex_digits(at, 4)?;
            if (0xDC00..0xE000).contains(&low) {
                let joined = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00);
                if let Some(c) = char::from_u32(joined) {
                    return Ok(c);
                }
            }
            self.pos = save;
        }
        char::from_u32(code).ok_or_else(|| {
            SyntaxError::new(
                at,
                "InvalidUnicodeLiteral",
                format!("invalid Unicode escape: U+{code:X} is not a character"),
            )
        })
    }

    fn hex_digits(&mut self, at: usize, digits: usize) -> Result<u32, SyntaxError> {
        let mut code: u32 = 0;
        for _ in 0..digits {
            match self.peek().and_then(|c| c.to_digit(16)) {
                Some(d) => {
                    self.bump();
                    code = code.wrapping_mul(16).wrapping_add(d);
                }
                None => {
                    return Err(SyntaxError::new(
                        at,
                        "InvalidUnicodeLiteral",
                        format!("invalid Unicode escape: expected {digits} hexadecimal digits"),
                    ))
                }
            }
        }
        Ok(code)
    }

    fn number(&mut self) -> Result<Tok, SyntaxError> {
        let start = self.pos;
        let rest = &self.text[start..];
        let tok = if rest.starts_with("0x") || rest.starts_with("0X") {
            self.pos += 2;
            self.radix_integer(start, 16)?
        } else if rest.starts_with("0o") || rest.starts_with("0O") {
            self.pos += 2;
            self.radix_integer(start, 8)?
        } else {
            self.decimal(start)?
        };
        if self.peek().is_some_and(is_word_char) {
            let rest = &self.text[self.pos..];
            let end = self.pos + rest.find(|c: char| !is_word_char(c)).unwrap_or(rest.len());
            return Err(SyntaxError::new(
                start,
                "InvalidNumberLiteral",
                format!("invalid number literal '{}'", &self.text[start..end]),
            ));
        }
        Ok(tok)
    }

    fn radix_integer(&mut self, start: usize, radix: u32) -> Result<Tok, SyntaxError> {
        let digits_start = self.pos;
        let mut value: Option<u64> = Some(0);
        while let Some(d) = self.peek().and_then(|c| c.to_digit(radix)) {
            self.bump();
            value = value
                .and_then(|v| v.checked_mul(u64::from(radix)))
                .and_then(|v| v.checked_add(u64::from(d)));
        }
        if self.pos == digits_start {
            let what = if radix == 16 { "hexadecimal" } else { "octal" };
            return Err(SyntaxError::new(
                start,
                "InvalidNumberLiteral",
                format!("invalid number literal: {what} digits expected"),
            ));
        }
        value.map(Tok::Int).ok_or_else(|| overflow(start))
    }

    fn skip_digits(&mut self) -> usize {
        let start = self.pos;
        while self.peek().is_some_and(|c| c.is_ascii_digit()) {
            self.bump();
        }
        self.pos - start
    }

    /// `123`, `1.5`, `.5`, `1e10`, `1.5E-3`. A `.` not followed by a digit ends the number, so
    /// that `1..3` is a range and `x[1].k` a lookup.
    fn decimal(&mut self, start: usize) -> Result<Tok, SyntaxError> {
        let int_digits = self.skip_digits();
        let mut is_float = false;
        if self.peek() == Some('.') && self.peek_at(1).is_some_and(|c| c.is_ascii_digit()) {
            self.bump();
            self.skip_digits();
            is_float = true;
        }
        if matches!(self.peek(), Some('e' | 'E')) {
            let sign = usize::from(matches!(self.peek_at(1), Some('+' | '-')));
            if self.peek_at(1 + sign).is_some_and(|c| c.is_ascii_digit()) {
                self.pos += 1 + sign;
                self.skip_digits();
                is_float = true;
            }
        }
        let literal = &self.text[start..self.pos];
        if is_float {
            let value: f64 = literal.parse().map_err(|_| {
                SyntaxError::new(
                    start,
                    "InvalidNumberLiteral",
                    format!("invalid number literal '{literal}'"),
                )
            })?;
            if value.is_infinite() {
                return Err(SyntaxError::new(
                    start,
                    "FloatingPointOverflow",
                    format!("floating point number '{literal}' is too large"),
                ));
            }
            return Ok(Tok::Float(value));
        }
        if int_digits > 1 && literal.starts_with('0') {
            return Err(SyntaxError::new(
                start,
                "InvalidNumberLiteral",
                format!("invalid number literal '{literal}': leading zeros are not allowed (write 0o17 for an octal number)"),
            ));
        }
        literal
            .parse::<u64>()
            .map(Tok::Int)
            .map_err(|_| overflow(start))
    }

    fn symbol(&mut self, c: char) -> Result<Tok, SyntaxError> {
        let start = self.pos;
        let next = self.peek_at(1);
        let (tok, len) = match (c, next) {
            ('(', _) => (Tok::LParen, 1),
            (')', _) => (Tok::RParen, 1),
            ('[', _) => (Tok::LBracket, 1),
            (']', _) => (Tok::RBracket, 1),
            ('{', _) => (Tok::LBrace, 1),
            ('}', _) => (Tok::RBrace, 1),
            (',', _) => (Tok::Comma, 1),
            ('.', Some('.')) => (Tok::DotDot, 2),
            ('.', _) => (Tok::Dot, 1),
            (':', _) => (Tok::Colon, 1),
            (';', _) => (Tok::Semicolon, 1),
            ('|', _) => (Tok::Pipe, 1),
            ('+', Some('=')) => (Tok::PlusEq, 2),
            ('+', _) => (Tok::Plus, 1),
            ('-', _) => (Tok::Minus, 1),
            ('*', _) => (Tok::Star, 1),
            ('/', _) => (Tok::Slash, 1),
            ('%', _) => (Tok::Percent, 1),
            ('^', _) => (Tok::Caret, 1),
            ('=', Some('~')) => (Tok::RegexMatch, 2),
            ('=', _) => (Tok::Eq, 1),
            ('<', Some('>')) => (Tok::Ne, 2),
            ('<', Some('=')) => (Tok::Le, 2),
            ('<', _) => (Tok::Lt, 1),
            ('>', Some('=')) => (Tok::Ge, 2),
            ('>', _) => (Tok::Gt, 1),
            ('!', Some('=')) => {
                return Err(SyntaxError::new(
                    start,
                    "UnexpectedSyntax",
                    "'!=' is not a Cypher operator; write '<>' for inequality",
                ))
            }
            (other, _) => {
                let detail = if other.is_ascii() {
                    "UnexpectedSyntax"
                } else {
                    "InvalidUnicodeCharacter"
                };
                return Err(SyntaxError::new(
                    start,
                    detail,
                    format!(
                        "unexpected character '{other}' (U+{:04X})",
                        u32::from(other)
                    ),
                ));
            }
        };
        self.pos += len;
        Ok(tok)
    }
}

fn overflow(start: usize) -> SyntaxError {
    SyntaxError::new(
        start,
        "IntegerOverflow",
        "integer literal is too large for a 64-bit integer",
    )
}

#[cfg(test)]
mod tests;
