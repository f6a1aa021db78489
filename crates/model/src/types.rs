//! Validated input types. Each `parse` checks a rule of the contract once; after that the type
//! carries the guarantee. Lengths are counted in Unicode scalar values ("characters").

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;
use serde_json::Value;

use crate::Error;

pub const MAX_PHOTOS: usize = 10;
pub const MAX_INTERESTS_PER_POST: usize = 10;
const MAX_PROPS: usize = 64;
const MAX_PROP_KEY: usize = 64;
const MAX_PROP_STRING: usize = 1_000;
const MAX_URL: usize = 2_048;
const MAX_PLACE_NAME: usize = 200;
const MAX_PASSWORD: usize = 1_024;
const MAX_PHOTO_SIDE: u32 = 100_000;

fn check_len(field: &str, s: &str, min: usize, max: usize) -> Result<(), Error> {
    let n = s.chars().count();
    if n < min || n > max {
        return Err(Error::invalid(
            field,
            format!("must be {min} to {max} characters long (got {n})"),
        ));
    }
    Ok(())
}

fn no_control_chars(field: &str, s: &str) -> Result<(), Error> {
    if s.chars()
        .any(|c| c.is_control() && c != '\n' && c != '\r' && c != '\t')
    {
        return Err(Error::invalid(field, "must not contain control characters"));
    }
    Ok(())
}

macro_rules! string_newtype {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
        #[serde(transparent)]
        pub struct $name(String);

        impl $name {
            pub fn as_str(&self) -> &str {
                &self.0
            }

            pub fn into_string(self) -> String {
                self.0
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(&self.0)
            }
        }
    };
}

string_newtype!(
    /// 3-30 characters of `[a-z0-9_]`, unique among riders.
    Handle
);

impl Handle {
    pub fn parse(s: &str) -> Result<Self, Error> {
        check_len("handle", s, 3, 30)?;
        if !s
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
        {
            return Err(Error::invalid(
                "handle",
                "may contain only lowercase letters a-z, digits and '_'",
            ));
        }
        Ok(Handle(s.to_owned()))
    }

    /// For data that was valid when written (the store, an import): no checks.
    pub fn from_trusted(s: String) -> Self {
        Handle(s)
    }
}

string_newtype!(
    /// A rider's display name: 1-100 characters.
    RiderName
);

impl RiderName {
    pub fn parse(s: &str) -> Result<Self, Error> {
        check_len("name", s, 1, 100)?;
        no_control_chars("name", s)?;
        if s.trim().is_empty() {
            return Err(Error::invalid("name", "must not be blank"));
        }
        Ok(RiderName(s.to_owned()))
    }

    pub fn from_trusted(s: String) -> Self {
        RiderName(s)
    }
}

/// A password as typed: 8 or more characters (at most 1,024, to bound hashing work).
/// Never stored; only its argon2 hash is.
#[derive(Clone)]
pub struct Password(String);

impl Password {
    pub fn parse(s: &str) -> Result<Self, Error> {
        check_len("password", s, 8, MAX_PASSWORD)?;
        Ok(Password(s.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for Password {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Password(..)")
    }
}

string_newtype!(
    /// A post's text: 1-10,000 characters.
    PostBody
);

impl PostBody {
    pub fn parse(s: &str) -> Result<Self, Error> {
        check_len("body", s, 1, 10_000)?;
        no_control_chars("body", s)?;
        Ok(PostBody(s.to_owned()))
    }

    pub fn from_trusted(s: String) -> Self {
        PostBody(s)
    }
}

string_newtype!(
    /// A comment's text: 1-10,000 characters.
    CommentBody
);

impl CommentBody {
    pub fn parse(s: &str) -> Result<Self, Error> {
        check_len("body", s, 1, 10_000)?;
        no_control_chars("body", s)?;
        Ok(CommentBody(s.to_owned()))
    }

    pub fn from_trusted(s: String) -> Self {
        CommentBody(s)
    }
}

string_newtype!(
    /// A free-form interest name: 1-80 characters, any Unicode, `/` included. Two names that differ
    /// only in case name the same interest: see [`InterestName::key`].
    InterestName
);

impl InterestName {
    pub fn parse(s: &str) -> Result<Self, Error> {
        Self::parse_field("interest", s)
    }

    pub fn parse_field(field: &str, s: &str) -> Result<Self, Error> {
        check_len(field, s, 1, 80)?;
        if s.chars().any(char::is_control) {
            return Err(Error::invalid(field, "must not contain control characters"));
        }
        if s.trim().is_empty() {
            return Err(Error::invalid(field, "must not be blank"));
        }
        Ok(InterestName(s.to_owned()))
    }

    pub fn from_trusted(s: String) -> Self {
        InterestName(s)
    }

    /// The case-insensitive identity of the name: Unicode canonical caseless matching
    /// (NFD, full case folding, NFD), so `Großglockner` and `GROSSGLOCKNER` are one interest
    /// (lowercasing alone keeps `ß` and `ss` apart), and so are a composed `Ö` and `O` + `¨`.
    pub fn key(&self) -> String {
        Self::key_of(&self.0)
    }

    pub fn key_of(s: &str) -> String {
        use caseless::Caseless;
        use unicode_normalization::UnicodeNormalization;
        s.nfd().default_case_fold().nfd().collect()
    }
}

/// Who may see a post besides its author.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Visibility {
    /// The author's friends (the default).
    #[default]
    Friends,
    /// Everyone.
    Public,
}

impl Visibility {
    pub fn parse(s: &str) -> Result<Self, Error> {
        match s {
            "friends" => Ok(Visibility::Friends),
            "public" => Ok(Visibility::Public),
            _ => Err(Error::invalid(
                "visibility",
                "must be \"friends\" or \"public\"",
            )),
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Visibility::Friends => "friends",
            Visibility::Public => "public",
        }
    }
}

/// A photo attached to a post.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Photo {
    pub url: String,
    pub width: u32,
    pub height: u32,
}

impl Photo {
    pub fn parse(index: usize, url: &str, width: i64, height: i64) -> Result<Self, Error> {
        let field = format!("photos[{index}]");
        check_len(&format!("{field}.url"), url, 1, MAX_URL)?;
        no_control_chars(&format!("{field}.url"), url)?;
        let side = |name: &str, v: i64| -> Result<u32, Error> {
            if v < 1 || v > i64::from(MAX_PHOTO_SIDE) {
                return Err(Error::invalid(
                    format!("{field}.{name}"),
                    format!("must be an integer from 1 to {MAX_PHOTO_SIDE}"),
                ));
            }
            Ok(v as u32)
        };
        Ok(Photo {
            url: url.to_owned(),
            width: side("width", width)?,
            height: side("height", height)?,
        })
    }
}

/// Where a post was made.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Place {
    pub name: String,
    pub lat: f64,
    pub lon: f64,
}

impl Place {
    pub fn parse(name: &str, lat: f64, lon: f64) -> Result<Self, Error> {
        check_len("place.name", name, 1, MAX_PLACE_NAME)?;
        no_control_chars("place.name", name)?;
        if !(-90.0..=90.0).contains(&lat) {
            return Err(Error::invalid("place.lat", "must be from -90 to 90"));
        }
        if !(-180.0..=180.0).contains(&lon) {
            return Err(Error::invalid("place.lon", "must be from -180 to 180"));
        }
        Ok(Place {
            name: name.to_owned(),
            lat,
            lon,
        })
    }
}

/// Schema-free rider properties: a flat JSON object whose values are strings, numbers or booleans.
///
/// Kept as compact JSON text with keys in order, not as a map: an imported rider's ten LDBC
/// columns took ~1.1 KB as a `BTreeMap` and take ~250 B as text, and every rider holds its props in
/// memory for the whole life of the server. Reading a key parses the text (profile updates only);
/// a response embeds the text as it is.
#[derive(Debug, Clone)]
pub struct Props(Box<RawValue>);

impl Default for Props {
    fn default() -> Self {
        Props::from_map(&BTreeMap::new())
    }
}

impl PartialEq for Props {
    fn eq(&self, other: &Self) -> bool {
        self.0.get() == other.0.get()
    }
}

impl Serialize for Props {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.0.serialize(s)
    }
}

impl Props {
    /// Checks a JSON value as a whole `props` object.
    pub fn parse(v: &Value) -> Result<Self, Error> {
        let Value::Object(map) = v else {
            return Err(Error::invalid("props", "must be a JSON object"));
        };
        let mut props = BTreeMap::new();
        for (k, v) in map {
            if v.is_null() {
                return Err(Error::invalid(
                    format!("props.{k}"),
                    "must be a string, number or boolean",
                ));
            }
            set(&mut props, k, v)?;
        }
        Ok(Props::from_map(&props))
    }

    /// Merges a patch: a `null` value removes the key, any other value sets it.
    pub fn merged(&self, patch: &Value) -> Result<Self, Error> {
        let Value::Object(map) = patch else {
            return Err(Error::invalid("props", "must be a JSON object"));
        };
        let mut props = self.map();
        for (k, v) in map {
            if v.is_null() {
                props.remove(k);
            } else {
                set(&mut props, k, v)?;
            }
        }
        if props.len() > MAX_PROPS {
            return Err(Error::invalid("props", format!("at most {MAX_PROPS} keys")));
        }
        Ok(Props::from_map(&props))
    }

    /// For data that was valid when written (the store, an import).
    pub fn from_trusted(map: BTreeMap<String, Value>) -> Self {
        Props::from_map(&map)
    }

    fn from_map(map: &BTreeMap<String, Value>) -> Self {
        // A map of JSON values always serializes, and its text is valid JSON.
        let text = serde_json::to_string(map).unwrap_or_else(|_| "{}".to_owned());
        match RawValue::from_string(text) {
            Ok(raw) => Props(raw),
            Err(_) => Props(RawValue::from_string("{}".to_owned()).unwrap_or_default()),
        }
    }

    /// The properties as a map (parses the text).
    pub fn map(&self) -> BTreeMap<String, Value> {
        serde_json::from_str(self.0.get()).unwrap_or_default()
    }

    /// One property's value (parses the text).
    pub fn get(&self, key: &str) -> Option<Value> {
        self.map().remove(key)
    }

    pub fn len(&self) -> usize {
        self.map().len()
    }

    pub fn is_empty(&self) -> bool {
        self.0.get() == "{}"
    }

    pub fn to_json(&self) -> Value {
        serde_json::from_str(self.0.get()).unwrap_or(Value::Object(Default::default()))
    }
}

fn set(props: &mut BTreeMap<String, Value>, k: &str, v: &Value) -> Result<(), Error> {
    let field = format!("props.{k}");
    check_len("props key", k, 1, MAX_PROP_KEY)?;
    no_control_chars("props key", k)?;
    match v {
        Value::String(s) => check_len(&field, s, 0, MAX_PROP_STRING)?,
        Value::Number(_) | Value::Bool(_) => {}
        _ => return Err(Error::invalid(field, "must be a string, number or boolean")),
    }
    props.insert(k.to_owned(), v.clone());
    if props.len() > MAX_PROPS {
        return Err(Error::invalid("props", format!("at most {MAX_PROPS} keys")));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn handle_rules() {
        assert!(Handle::parse("bob_42").is_ok());
        assert!(Handle::parse("ab").is_err());
        assert!(Handle::parse("Bob").is_err());
        assert!(Handle::parse(&"a".repeat(31)).is_err());
        assert!(Handle::parse("bö b").is_err());
    }

    #[test]
    fn interest_names_are_case_insensitive_and_unicode() {
        let a = InterestName::parse("BMW R 1200 GS/Adventure").unwrap();
        let b = InterestName::parse("bmw r 1200 gs/ADVENTURE").unwrap();
        assert_eq!(a.key(), b.key());
        assert!(InterestName::parse("Ölpest 🏍").is_ok());
        let sharp = InterestName::parse("Großglockner").unwrap();
        let upper = InterestName::parse("GROSSGLOCKNER").unwrap();
        assert_eq!(sharp.key(), upper.key());
        let composed = InterestName::parse("\u{d6}lpest").unwrap();
        let decomposed = InterestName::parse("O\u{308}lpest").unwrap();
        assert_eq!(composed.key(), decomposed.key());
        assert!(InterestName::parse("").is_err());
        assert!(InterestName::parse(&"é".repeat(81)).is_err());
        assert!(InterestName::parse(&"é".repeat(80)).is_ok());
    }

    #[test]
    fn props_are_flat_and_merge_with_null_removal() {
        let p = Props::parse(&json!({"bike": "R1200GS", "cc": 1170, "abs": true})).unwrap();
        assert_eq!(p.len(), 3);
        assert!(Props::parse(&json!({"nested": {"a": 1}})).is_err());
        assert!(Props::parse(&json!({"list": [1]})).is_err());
        assert!(Props::parse(&json!([1])).is_err());
        let q = p.merged(&json!({"bike": null, "city": "Lyon"})).unwrap();
        assert_eq!(q.get("bike"), None);
        assert_eq!(q.get("city"), Some(json!("Lyon")));
        // Kept as compact text with keys in order, and written out as it is.
        assert_eq!(
            serde_json::to_string(&q).unwrap(),
            r#"{"abs":true,"cc":1170,"city":"Lyon"}"#
        );
        assert!(Props::default().is_empty());
    }

    #[test]
    fn lengths_count_characters_not_bytes() {
        assert!(PostBody::parse(&"ü".repeat(10_000)).is_ok());
        assert!(PostBody::parse(&"ü".repeat(10_001)).is_err());
        assert!(PostBody::parse("").is_err());
    }
}
