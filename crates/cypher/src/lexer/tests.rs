//! The lexer on its own: tokens, numbers, strings, operators and its errors.

use super::{tokenize, Tok};

fn toks(text: &str) -> Vec<Tok> {
    match tokenize(text) {
        Ok(tokens) => tokens.into_iter().map(|t| t.tok).collect(),
        Err(e) => panic!("{text:?} failed to lex: {e:?}"),
    }
}

fn lex_error(text: &str) -> (usize, &'static str) {
    match tokenize(text) {
        Ok(tokens) => panic!("{text:?} lexed: {tokens:?}"),
        Err(e) => (e.offset, e.detail),
    }
}

#[test]
fn words_names_and_parameters() {
    assert_eq!(
        toks("MATCH `a b` `x``y` $p $0 $`q r` ünï_1"),
        vec![
            Tok::Word("MATCH".into()),
            Tok::Quoted("a b".into()),
            Tok::Quoted("x`y".into()),
            Tok::Param("p".into()),
            Tok::Param("0".into()),
            Tok::Param("q r".into()),
            Tok::Word("ünï_1".into()),
            Tok::Eof,
        ]
    );
}

#[test]
fn numbers() {
    assert_eq!(
        toks("0 42 0x1F 0o17 1.5 .5 1e10 1.5E-3 9223372036854775808"),
        vec![
            Tok::Int(0),
            Tok::Int(42),
            Tok::Int(31),
            Tok::Int(15),
            Tok::Float(1.5),
            Tok::Float(0.5),
            Tok::Float(1e10),
            Tok::Float(1.5e-3),
            Tok::Int(9_223_372_036_854_775_808),
            Tok::Eof,
        ]
    );
    assert_eq!(
        toks("1..3"),
        vec![Tok::Int(1), Tok::DotDot, Tok::Int(3), Tok::Eof]
    );
    assert_eq!(
        toks("x[1].k"),
        vec![
            Tok::Word("x".into()),
            Tok::LBracket,
            Tok::Int(1),
            Tok::RBracket,
            Tok::Dot,
            Tok::Word("k".into()),
            Tok::Eof
        ]
    );
}

#[test]
fn bad_numbers() {
    assert_eq!(lex_error("RETURN 0x"), (7, "InvalidNumberLiteral"));
    assert_eq!(lex_error("RETURN 0x1A2b3j4"), (7, "InvalidNumberLiteral"));
    assert_eq!(lex_error("RETURN 9223372h5"), (7, "InvalidNumberLiteral"));
    assert_eq!(lex_error("{1B2c3e67:1}"), (1, "InvalidNumberLiteral"));
    assert_eq!(lex_error("RETURN 1.34E999"), (7, "FloatingPointOverflow"));
    assert_eq!(
        lex_error("RETURN 18446744073709551616"),
        (7, "IntegerOverflow")
    );
    assert_eq!(
        lex_error("RETURN 0x10000000000000000"),
        (7, "IntegerOverflow")
    );
    assert_eq!(lex_error("RETURN 0123"), (7, "InvalidNumberLiteral"));
}

#[test]
fn strings_and_escapes() {
    assert_eq!(
        toks(r#"'a\\b\'c\"d\n\t\r\b\f' "x'y" '\u00e9\U0001F600' '\uD83D\uDE00'"#),
        vec![
            Tok::Str("a\\b'c\"d\n\t\r\u{8}\u{c}".into()),
            Tok::Str("x'y".into()),
            Tok::Str("é😀".into()),
            Tok::Str("😀".into()),
            Tok::Eof,
        ]
    );
    assert_eq!(lex_error(r"RETURN '\uH'"), (8, "InvalidUnicodeLiteral"));
    assert_eq!(lex_error(r"RETURN '\q'"), (8, "UnexpectedSyntax"));
    assert_eq!(lex_error("RETURN 'abc"), (7, "UnexpectedSyntax"));
}

#[test]
fn operators_and_comments() {
    assert_eq!(
        toks("a=~b <> <= >= += .. -> <- | ^ % // line\n /* block */ ;"),
        vec![
            Tok::Word("a".into()),
            Tok::RegexMatch,
            Tok::Word("b".into()),
            Tok::Ne,
            Tok::Le,
            Tok::Ge,
            Tok::PlusEq,
            Tok::DotDot,
            Tok::Minus,
            Tok::Gt,
            Tok::Lt,
            Tok::Minus,
            Tok::Pipe,
            Tok::Caret,
            Tok::Percent,
            Tok::Semicolon,
            Tok::Eof,
        ]
    );
    assert_eq!(lex_error("a != b").0, 2);
    assert_eq!(lex_error("RETURN 42 — 41"), (10, "InvalidUnicodeCharacter"));
    assert_eq!(lex_error("RETURN 1 /* open").0, 9);
}
