//! Values as the TCK writes them in expected results and parameter tables: `null`, `true`,
//! `-3`, `1.5e3`, `NaN`, `'it\'s'`, `[1, 'a']`, `{k: 1}`, `(:A {p: 1})`, `[:T {p: 1}]` and
//! `<(:A)-[:T]->()<-[:S]-()>`. Engine results are turned into the same structure (see
//! [`crate::compare`]) so that both sides compare by content.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

use pillion_cypher::Value;

#[derive(Debug, Clone, PartialEq)]
pub enum TckValue {
    Null,
    Bool(bool),
    Int(i64),
    Float(f64),
    String(String),
    List(Vec<TckValue>),
    Map(BTreeMap<String, TckValue>),
    Node(TckNode),
    Rel(TckRel),
    Path(TckPath),
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct TckNode {
    pub labels: BTreeSet<String>,
    pub props: BTreeMap<String, TckValue>,
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct TckRel {
    pub ty: String,
    pub props: BTreeMap<String, TckValue>,
}

/// Which way a path's relationship points, read left to right.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PathDir {
    /// `-[r]->`
    Forward,
    /// `<-[r]-`
    Backward,
    /// A self-loop in an engine result: written `->`, but either direction matches.
    Loop,
}

#[derive(Debug, Clone, PartialEq)]
pub struct TckPath {
    pub start: TckNode,
    pub steps: Vec<(PathDir, TckRel, TckNode)>,
}

/// Parses one cell of an expected-results or parameters table.
pub fn parse(text: &str) -> Result<TckValue, String> {
    let mut p = Parser {
        chars: text.chars().collect(),
        pos: 0,
    };
    let value = p.value()?;
    p.skip_ws();
    if p.pos < p.chars.len() {
        return Err(p.error("trailing text"));
    }
    Ok(value)
}

struct Parser {
    chars: Vec<char>,
    pos: usize,
}

impl Parser {
    fn error(&self, what: &str) -> String {
        let text: String = self.chars.iter().collect();
        format!("{what} at character {} of `{text}`", self.pos)
    }

    fn peek(&self) -> Option<char> {
        self.chars.get(self.pos).copied()
    }

    fn skip_ws(&mut self) {
        while self.peek().is_some_and(char::is_whitespace) {
            self.pos += 1;
        }
    }

    fn eat(&mut self, c: char) -> bool {
        self.skip_ws();
        if self.peek() == Some(c) {
            self.pos += 1;
            true
        } else {
            false
        }
    }

    fn expect(&mut self, c: char) -> Result<(), String> {
        if self.eat(c) {
            Ok(())
        } else {
            Err(self.error(&format!("expected `{c}`")))
        }
    }

    fn starts_with(&self, s: &str) -> bool {
        s.chars()
            .enumerate()
            .all(|(i, c)| self.chars.get(self.pos + i) == Some(&c))
    }

    fn value(&mut self) -> Result<TckValue, String> {
        self.skip_ws();
        match self.peek() {
            None => Err(self.error("expected a value")),
            Some('\'') => Ok(TckValue::String(self.string()?)),
            Some('[') => self.list_or_rel(),
            Some('{') => Ok(TckValue::Map(self.map()?)),
            Some('(') => Ok(TckValue::Node(self.node()?)),
            Some('<') => Ok(TckValue::Path(self.path()?)),
            Some(c) if c == '-' || c == '.' || c.is_ascii_digit() => self.number(),
            Some(_) => self.word(),
        }
    }

    fn word(&mut self) -> Result<TckValue, String> {
        for (word, value) in [
            ("null", TckValue::Null),
            ("true", TckValue::Bool(true)),
            ("false", TckValue::Bool(false)),
            ("NaN", TckValue::Float(f64::NAN)),
            ("Infinity", TckValue::Float(f64::INFINITY)),
            ("Inf", TckValue::Float(f64::INFINITY)),
        ] {
            if self.starts_with(word) {
                self.pos += word.chars().count();
                return Ok(value);
            }
        }
        Err(self.error("expected a value"))
    }

    fn number(&mut self) -> Result<TckValue, String> {
        let start = self.pos;
        if self.peek() == Some('-') {
            self.pos += 1;
            if self.starts_with("Inf") {
                return match self.word()? {
                    TckValue::Float(f) => Ok(TckValue::Float(-f)),
                    _ => Err(self.error("expected a number")),
                };
            }
        }
        let mut is_float = false;
        while let Some(c) = self.peek() {
            match c {
                '0'..='9' => {}
                '.' | 'e' | 'E' => is_float = true,
                '+' | '-' if matches!(self.chars.get(self.pos - 1), Some('e' | 'E')) => {}
                _ => break,
            }
            self.pos += 1;
        }
        let text: String = self.chars[start..self.pos].iter().collect();
        if is_float {
            text.parse::<f64>()
                .map(TckValue::Float)
                .map_err(|e| self.error(&format!("bad float `{text}` ({e})")))
        } else {
            text.parse::<i64>()
                .map(TckValue::Int)
                .map_err(|e| self.error(&format!("bad integer `{text}` ({e})")))
        }
    }

    /// A single-quoted string with backslash escapes.
    fn string(&mut self) -> Result<String, String> {
        self.expect('\'')?;
        let mut out = String::new();
        loop {
            let Some(c) = self.peek() else {
                return Err(self.error("unterminated string"));
            };
            self.pos += 1;
            match c {
                '\'' => return Ok(out),
                '\\' => {
                    let Some(e) = self.peek() else {
                        return Err(self.error("unterminated escape"));
                    };
                    self.pos += 1;
                    match e {
                        'n' => out.push('\n'),
                        't' => out.push('\t'),
                        'r' => out.push('\r'),
                        'b' => out.push('\u{8}'),
                        'f' => out.push('\u{c}'),
                        '0' => out.push('\0'),
                        'u' => out.push(self.unicode_escape()?),
                        // `\\`, `\'`, `\"` and anything else: the character itself.
                        other => out.push(other),
                    }
                }
                _ => out.push(c),
            }
        }
    }

    fn unicode_escape(&mut self) -> Result<char, String> {
        let digits: String = self.chars.iter().skip(self.pos).take(4).collect();
        let code = u32::from_str_radix(&digits, 16)
            .ok()
            .filter(|_| digits.len() == 4)
            .and_then(char::from_u32)
            .ok_or_else(|| self.error("bad \\u escape"))?;
        self.pos += 4;
        Ok(code)
    }

    /// A list `[a, b]`, or a relationship `[:T {p: 1}]` (which always has a type).
    fn list_or_rel(&mut self) -> Result<TckValue, String> {
        let save = self.pos;
        self.expect('[')?;
        if self.eat(':') {
            self.pos = save;
            return Ok(TckValue::Rel(self.rel()?));
        }
        let mut items = Vec::new();
        if self.eat(']') {
            return Ok(TckValue::List(items));
        }
        loop {
            items.push(self.value()?);
            if self.eat(']') {
                return Ok(TckValue::List(items));
            }
            self.expect(',')?;
        }
    }

    fn map(&mut self) -> Result<BTreeMap<String, TckValue>, String> {
        self.expect('{')?;
        let mut map = BTreeMap::new();
        if self.eat('}') {
            return Ok(map);
        }
        loop {
            let key = self.name()?;
            self.expect(':')?;
            let value = self.value()?;
            map.insert(key, value);
            if self.eat('}') {
                return Ok(map);
            }
            self.expect(',')?;
        }
    }

    /// A map key, label or type: a plain identifier or a backtick-quoted one (```` `` ```` is a
    /// backtick inside it).
    fn name(&mut self) -> Result<String, String> {
        self.skip_ws();
        let mut out = String::new();
        if self.eat('`') {
            loop {
                match self.peek() {
                    None => return Err(self.error("unterminated `name`")),
                    Some('`') if self.chars.get(self.pos + 1) == Some(&'`') => {
                        out.push('`');
                        self.pos += 2;
                    }
                    Some('`') => {
                        self.pos += 1;
                        return Ok(out);
                    }
                    Some(c) => {
                        out.push(c);
                        self.pos += 1;
                    }
                }
            }
        }
        while let Some(c) = self.peek().filter(|c| c.is_alphanumeric() || *c == '_') {
            out.push(c);
            self.pos += 1;
        }
        if out.is_empty() {
            return Err(self.error("expected a name"));
        }
        Ok(out)
    }

    fn props(&mut self) -> Result<BTreeMap<String, TckValue>, String> {
        self.skip_ws();
        if self.peek() == Some('{') {
            self.map()
        } else {
            Ok(BTreeMap::new())
        }
    }

    fn node(&mut self) -> Result<TckNode, String> {
        self.expect('(')?;
        let mut labels = BTreeSet::new();
        while self.eat(':') {
            labels.insert(self.name()?);
        }
        let props = self.props()?;
        self.expect(')')?;
        Ok(TckNode { labels, props })
    }

    fn rel(&mut self) -> Result<TckRel, String> {
        self.expect('[')?;
        self.expect(':')?;
        let ty = self.name()?;
        let props = self.props()?;
        self.expect(']')?;
        Ok(TckRel { ty, props })
    }

    /// `<(a)-[:T]->(b)<-[:S]-(c)>`
    fn path(&mut self) -> Result<TckPath, String> {
        self.expect('<')?;
        let start = self.node()?;
        let mut steps = Vec::new();
        loop {
            if self.eat('>') {
                return Ok(TckPath { start, steps });
            }
            let backward = self.eat('<');
            self.expect('-')?;
            let rel = self.rel()?;
            self.expect('-')?;
            let forward = self.eat('>');
            let dir = match (backward, forward) {
                (false, true) => PathDir::Forward,
                (true, false) => PathDir::Backward,
                _ => return Err(self.error("a path relationship needs one direction")),
            };
            steps.push((dir, rel, self.node()?));
        }
    }
}

impl TckValue {
    /// The engine value for a parameter; graph elements cannot be parameters.
    pub fn to_param(&self) -> Result<Value, String> {
        Ok(match self {
            TckValue::Null => Value::Null,
            TckValue::Bool(b) => Value::Bool(*b),
            TckValue::Int(i) => Value::Int(*i),
            TckValue::Float(f) => Value::Float(*f),
            TckValue::String(s) => Value::String(s.clone()),
            TckValue::List(items) => Value::List(
                items
                    .iter()
                    .map(TckValue::to_param)
                    .collect::<Result<_, _>>()?,
            ),
            TckValue::Map(map) => Value::Map(
                map.iter()
                    .map(|(k, v)| Ok((k.clone(), v.to_param()?)))
                    .collect::<Result<_, String>>()?,
            ),
            TckValue::Node(_) | TckValue::Rel(_) | TckValue::Path(_) => {
                return Err(format!("a graph element cannot be a parameter: {self}"))
            }
        })
    }
}

/// Writes values back in the TCK's syntax, for failure messages.
impl fmt::Display for TckValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TckValue::Null => f.write_str("null"),
            TckValue::Bool(b) => write!(f, "{b}"),
            TckValue::Int(i) => write!(f, "{i}"),
            TckValue::Float(x) if x.is_nan() => f.write_str("NaN"),
            TckValue::Float(x) if x.is_infinite() => {
                f.write_str(if *x > 0.0 { "Inf" } else { "-Inf" })
            }
            TckValue::Float(x) => write!(f, "{x:?}"),
            TckValue::String(s) => write!(f, "'{}'", s.replace('\\', "\\\\").replace('\'', "\\'")),
            TckValue::List(items) => {
                f.write_str("[")?;
                for (i, item) in items.iter().enumerate() {
                    if i > 0 {
                        f.write_str(", ")?;
                    }
                    write!(f, "{item}")?;
                }
                f.write_str("]")
            }
            TckValue::Map(map) => write_map(f, map),
            TckValue::Node(n) => write!(f, "{n}"),
            TckValue::Rel(r) => write!(f, "{r}"),
            TckValue::Path(p) => {
                write!(f, "<{}", p.start)?;
                for (dir, rel, node) in &p.steps {
                    match dir {
                        PathDir::Forward | PathDir::Loop => write!(f, "-{rel}->{node}")?,
                        PathDir::Backward => write!(f, "<-{rel}-{node}")?,
                    }
                }
                f.write_str(">")
            }
        }
    }
}

impl fmt::Display for TckNode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("(")?;
        for label in &self.labels {
            write!(f, ":{label}")?;
        }
        if !self.props.is_empty() {
            if !self.labels.is_empty() {
                f.write_str(" ")?;
            }
            write_map(f, &self.props)?;
        }
        f.write_str(")")
    }
}

impl fmt::Display for TckRel {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "[:{}", self.ty)?;
        if !self.props.is_empty() {
            f.write_str(" ")?;
            write_map(f, &self.props)?;
        }
        f.write_str("]")
    }
}

/// `{k: v, ...}`
fn write_map(f: &mut fmt::Formatter<'_>, map: &BTreeMap<String, TckValue>) -> fmt::Result {
    f.write_str("{")?;
    for (i, (k, v)) in map.iter().enumerate() {
        if i > 0 {
            f.write_str(", ")?;
        }
        write!(f, "{k}: {v}")?;
    }
    f.write_str("}")
}

#[cfg(test)]
mod tests;
