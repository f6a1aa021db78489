//! Properties of graph-only data as compact bytes.
//!
//! Scale 100 of the benchmark imports 12 million posts and comments, each with its LDBC columns
//! (~210 bytes of JSON text). Kept as JSON they would cost 2.5 GB; here a property is a key
//! number (the key's name is stored once, in [`Names`]), a one-byte tag and the value, and a
//! value that repeats the owner's own field — `content` equal to the body, `creationDate` equal to
//! the creation time, `visibility` equal to the post's — is the tag alone. A generated post's
//! columns take ~40 bytes.
//!
//! `blob := (varint key, value)*`; `value := tag payload` with the tags below. Integers are
//! zigzag varints, floats 8 little-endian bytes, strings a varint length and UTF-8.

use std::collections::BTreeMap;

use pillion_cypher::Value;
use serde::de::{self, DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};
use serde::Deserialize;
use serde_json::Value as Json;

use super::names::Names;

const FALSE: u8 = 0;
const TRUE: u8 = 1;
const INT: u8 = 2;
const FLOAT: u8 = 3;
const STRING: u8 = 4;
const LIST: u8 = 5;
/// A string equal to the owner's body.
const BODY: u8 = 6;
/// An integer equal to the owner's creation time in milliseconds.
const CREATED: u8 = 7;
/// A string equal to the owning post's visibility.
const VISIBILITY: u8 = 8;

/// The owner's own fields that a property may repeat (all `None` for graph-only nodes and
/// relationships).
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct Owner<'a> {
    pub body: Option<&'a str>,
    pub created_ms: Option<i64>,
    pub visibility: Option<&'a str>,
}

/// Encodes a property map; `None` when it is empty (nothing is stored then). JSON `null`s are
/// absent properties and are left out. (The engine encodes from text, [`encode_text`]; this is
/// the plain definition the tests hold it to.)
#[cfg(test)]
pub(crate) fn encode(
    props: &BTreeMap<String, Json>,
    names: &mut Names,
    owner: Owner<'_>,
) -> Option<Box<[u8]>> {
    let mut out = Vec::new();
    for (k, v) in props {
        if v.is_null() {
            continue;
        }
        varint(&mut out, u64::from(names.intern(k)));
        value(&mut out, v, owner, true);
    }
    (!out.is_empty()).then(|| out.into_boxed_slice())
}

/// [`encode`] straight from a property map's JSON text (what a load hands over for millions of
/// posts and comments), without building the map: keys are interned as they are read and values
/// written as they are parsed. Text that is not a JSON object encodes as no properties.
pub(crate) fn encode_text(text: &str, names: &mut Names, owner: Owner<'_>) -> Option<Box<[u8]>> {
    let mut out = Vec::with_capacity(text.len() / 3);
    let mut de = serde_json::Deserializer::from_str(text);
    let top = TopVisitor {
        out: &mut out,
        names,
        owner,
    };
    match de.deserialize_map(top) {
        Ok(()) if !out.is_empty() => Some(out.into_boxed_slice()),
        _ => None,
    }
}

struct TopVisitor<'a, 'o> {
    out: &'a mut Vec<u8>,
    names: &'a mut Names,
    owner: Owner<'o>,
}

impl<'de> Visitor<'de> for TopVisitor<'_, '_> {
    type Value = ();

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("a JSON object of properties")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        while let Some(key) = map.next_key_seed(KeySeed(&mut *self.names))? {
            let at = self.out.len();
            varint(self.out, u64::from(key));
            let written = map.next_value_seed(ValueSeed {
                out: &mut *self.out,
                owner: self.owner,
                top: true,
            })?;
            if !written {
                // A null: an absent property.
                self.out.truncate(at);
            }
        }
        Ok(())
    }
}

struct KeySeed<'a>(&'a mut Names);

impl<'de> DeserializeSeed<'de> for KeySeed<'_> {
    type Value = u32;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<u32, D::Error> {
        d.deserialize_str(self)
    }
}

impl<'de> Visitor<'de> for KeySeed<'_> {
    type Value = u32;

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("a property name")
    }

    fn visit_str<E: de::Error>(self, s: &str) -> Result<u32, E> {
        Ok(self.0.intern(s))
    }
}

/// Writes one value; `false` for a null (nothing written).
struct ValueSeed<'a, 'o> {
    out: &'a mut Vec<u8>,
    owner: Owner<'o>,
    top: bool,
}

impl<'de> DeserializeSeed<'de> for ValueSeed<'_, '_> {
    type Value = bool;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<bool, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for ValueSeed<'_, '_> {
    type Value = bool;

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("a property value")
    }

    fn visit_unit<E: de::Error>(self) -> Result<bool, E> {
        Ok(false)
    }

    fn visit_bool<E: de::Error>(self, b: bool) -> Result<bool, E> {
        value(self.out, &Json::Bool(b), self.owner, self.top);
        Ok(true)
    }

    fn visit_i64<E: de::Error>(self, i: i64) -> Result<bool, E> {
        value(self.out, &Json::from(i), self.owner, self.top);
        Ok(true)
    }

    fn visit_u64<E: de::Error>(self, u: u64) -> Result<bool, E> {
        value(self.out, &Json::from(u), self.owner, self.top);
        Ok(true)
    }

    fn visit_f64<E: de::Error>(self, f: f64) -> Result<bool, E> {
        let n = serde_json::Number::from_f64(f).map_or(Json::Null, Json::Number);
        value(self.out, &n, self.owner, self.top);
        Ok(true)
    }

    fn visit_str<E: de::Error>(self, s: &str) -> Result<bool, E> {
        match s {
            s if self.top && self.owner.body == Some(s) => self.out.push(BODY),
            s if self.top && self.owner.visibility == Some(s) => self.out.push(VISIBILITY),
            s => string(self.out, s),
        }
        Ok(true)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<bool, A::Error> {
        let items: Vec<Json> = Vec::deserialize(de::value::SeqAccessDeserializer::new(seq))?;
        value(self.out, &Json::Array(items), self.owner, false);
        Ok(true)
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<bool, A::Error> {
        let v = Json::deserialize(de::value::MapAccessDeserializer::new(map))?;
        value(self.out, &v, self.owner, false);
        Ok(true)
    }
}

fn value(out: &mut Vec<u8>, v: &Json, owner: Owner<'_>, top: bool) {
    match v {
        Json::Bool(false) | Json::Null => out.push(FALSE),
        Json::Bool(true) => out.push(TRUE),
        Json::Number(n) => match n.as_i64() {
            Some(i) if top && owner.created_ms == Some(i) => out.push(CREATED),
            Some(i) => {
                out.push(INT);
                varint(out, zigzag(i));
            }
            None => {
                out.push(FLOAT);
                out.extend_from_slice(&n.as_f64().unwrap_or(f64::NAN).to_le_bytes());
            }
        },
        Json::String(s) if top && owner.body == Some(s.as_str()) => out.push(BODY),
        Json::String(s) if top && owner.visibility == Some(s.as_str()) => out.push(VISIBILITY),
        Json::String(s) => string(out, s),
        Json::Array(items) => {
            out.push(LIST);
            varint(out, items.len() as u64);
            for item in items {
                value(out, item, owner, false);
            }
        }
        // No writer stores a nested object (Cypher cannot, an import does not); kept as its
        // text rather than lost.
        Json::Object(_) => string(out, &v.to_string()),
    }
}

fn string(out: &mut Vec<u8>, s: &str) {
    out.push(STRING);
    varint(out, s.len() as u64);
    out.extend_from_slice(s.as_bytes());
}

/// The value of key number `key`, if the blob has it.
pub(crate) fn get(blob: &[u8], key: u32, owner: Owner<'_>) -> Option<Value> {
    let mut r = Reader { bytes: blob, at: 0 };
    while !r.done() {
        let k = r.varint();
        if k == u64::from(key) {
            return Some(r.value(owner));
        }
        r.skip();
    }
    None
}

/// Every property, in stored order (by key name, as encoded from a sorted map).
pub(crate) fn all(blob: &[u8], names: &Names, owner: Owner<'_>) -> Vec<(String, Value)> {
    let mut r = Reader { bytes: blob, at: 0 };
    let mut props = Vec::new();
    while !r.done() {
        let k = r.varint();
        let v = r.value(owner);
        let name = u32::try_from(k).map_or("", |k| names.name(k));
        props.push((name.to_owned(), v));
    }
    props
}

/// Every property as JSON, for a change that rewrites the map as a whole.
pub(crate) fn to_json(blob: &[u8], names: &Names, owner: Owner<'_>) -> BTreeMap<String, Json> {
    all(blob, names, owner)
        .into_iter()
        .map(|(k, v)| (k, value_to_json(&v)))
        .collect()
}

/// A stored value as JSON (stored values are scalars and lists of scalars).
pub(crate) fn value_to_json(v: &Value) -> Json {
    match v {
        Value::Bool(b) => Json::Bool(*b),
        Value::Int(i) => Json::from(*i),
        Value::Float(f) => serde_json::Number::from_f64(*f).map_or(Json::Null, Json::Number),
        Value::String(s) => Json::String(s.clone()),
        Value::List(items) => Json::Array(items.iter().map(value_to_json).collect()),
        _ => Json::Null,
    }
}

struct Reader<'b> {
    bytes: &'b [u8],
    at: usize,
}

impl Reader<'_> {
    fn done(&self) -> bool {
        self.at >= self.bytes.len()
    }

    fn byte(&mut self) -> u8 {
        let b = self.bytes.get(self.at).copied().unwrap_or(0);
        self.at += 1;
        b
    }

    fn varint(&mut self) -> u64 {
        let mut v = 0u64;
        for shift in (0..64).step_by(7) {
            let b = self.byte();
            v |= u64::from(b & 0x7f) << shift;
            if b & 0x80 == 0 {
                break;
            }
        }
        v
    }

    fn take(&mut self, n: usize) -> &[u8] {
        let start = self.at.min(self.bytes.len());
        let end = self.at.saturating_add(n).min(self.bytes.len());
        self.at = self.at.saturating_add(n);
        &self.bytes[start..end]
    }

    fn value(&mut self, owner: Owner<'_>) -> Value {
        match self.byte() {
            TRUE => Value::Bool(true),
            INT => Value::Int(unzigzag(self.varint())),
            FLOAT => {
                let mut b = [0u8; 8];
                b.copy_from_slice(self.take(8).get(..8).unwrap_or(&[0; 8]));
                Value::Float(f64::from_le_bytes(b))
            }
            STRING => {
                let n = usize::try_from(self.varint()).unwrap_or(usize::MAX);
                Value::String(String::from_utf8_lossy(self.take(n)).into_owned())
            }
            LIST => {
                let n = self.varint();
                let mut items = Vec::new();
                for _ in 0..n {
                    if self.done() {
                        break;
                    }
                    items.push(self.value(owner));
                }
                Value::List(items)
            }
            BODY => Value::String(owner.body.unwrap_or_default().to_owned()),
            CREATED => Value::Int(owner.created_ms.unwrap_or_default()),
            VISIBILITY => Value::String(owner.visibility.unwrap_or_default().to_owned()),
            _ => Value::Bool(false),
        }
    }

    fn skip(&mut self) {
        match self.byte() {
            INT => {
                self.varint();
            }
            FLOAT => {
                self.take(8);
            }
            STRING => {
                let n = usize::try_from(self.varint()).unwrap_or(usize::MAX);
                self.take(n);
            }
            LIST => {
                for _ in 0..self.varint() {
                    if self.done() {
                        break;
                    }
                    self.skip();
                }
            }
            _ => {}
        }
    }
}

fn varint(out: &mut Vec<u8>, mut v: u64) {
    while v >= 0x80 {
        out.push((v as u8) | 0x80);
        v >>= 7;
    }
    out.push(v as u8);
}

fn zigzag(i: i64) -> u64 {
    ((i << 1) ^ (i >> 63)) as u64
}

fn unzigzag(u: u64) -> i64 {
    ((u >> 1) as i64) ^ -((u & 1) as i64)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn map(v: Json) -> BTreeMap<String, Json> {
        serde_json::from_value(v).unwrap()
    }

    #[test]
    fn round_trips_every_kind_of_value() {
        let mut names = Names::default();
        let props = map(json!({
            "b": true, "f": false, "i": -123_456_789_012_i64, "max": i64::MAX, "x": 2.5,
            "whole": 3.0, "s": "Grüße", "empty": "", "l": [1, "a", 2.5, true], "none": [],
        }));
        let blob = encode(&props, &mut names, Owner::default()).unwrap();
        let back = to_json(&blob, &names, Owner::default());
        assert_eq!(back, props);
        // A float with a whole value stays a float.
        let whole = names.get("whole").unwrap();
        assert_eq!(get(&blob, whole, Owner::default()), Some(Value::Float(3.0)));
        let absent = names.intern("absent");
        assert_eq!(get(&blob, absent, Owner::default()), None);
        assert!(encode(&BTreeMap::new(), &mut names, Owner::default()).is_none());
    }

    #[test]
    fn text_encodes_as_the_map_does() {
        let owner = Owner {
            body: Some("same"),
            created_ms: Some(7),
            visibility: Some("public"),
        };
        let props = json!({
            "a": "same", "b": 7, "c": "public", "d": [1, "x", [2]], "e": {"k": 1},
            "f": null, "g": 1.5, "h": u64::MAX, "i": "esc\"aped\u{e9}\n",
        });
        let (mut n1, mut n2) = (Names::default(), Names::default());
        let from_map = encode(&map(props.clone()), &mut n1, owner).unwrap();
        let from_text = encode_text(&props.to_string(), &mut n2, owner).unwrap();
        assert_eq!(from_map.len(), from_text.len(), "one byte per shared value");
        let decoded = to_json(&from_text, &n2, owner);
        assert_eq!(decoded, to_json(&from_map, &n1, owner));
        assert!(!decoded.contains_key("f"), "a null is an absent property");
        assert_eq!(
            decoded["e"],
            json!("{\"k\":1}"),
            "a nested object is kept as text"
        );
        assert_eq!(encode_text("{}", &mut n2, owner), None);
        assert_eq!(encode_text("not json", &mut n2, owner), None);
    }

    #[test]
    fn values_repeating_the_owner_are_one_byte() {
        let mut names = Names::default();
        let body = "Over the pass at dawn, then down to the lake for coffee.";
        let owner = Owner {
            body: Some(body),
            created_ms: Some(1_735_739_460_449),
            visibility: Some("public"),
        };
        let props = map(json!({
            "content": body, "creationDate": 1_735_739_460_449_i64, "visibility": "public",
            "browserUsed": "Chrome",
        }));
        let blob = encode(&props, &mut names, owner).unwrap();
        assert!(blob.len() < 20, "{} bytes", blob.len());
        assert_eq!(to_json(&blob, &names, owner), props);
        // Inside a list nothing is shared.
        let listed = map(json!({ "l": [body] }));
        let blob = encode(&listed, &mut names, owner).unwrap();
        assert_eq!(to_json(&blob, &names, Owner::default()), listed);
    }
}
