//! The social model's rules for Cypher writes, named in one place. The API docs (the server's
//! OpenAPI description of `/v1/cypher` and the README's "Cypher" section) list the same rules;
//! every refusal says which rule it applies.

use std::collections::BTreeMap;

use pillion_cypher::{CypherError, Value};
use pillion_model::Props;
use serde_json::Value as Json;

use crate::cypher::{end_kinds, Kind, SOCIAL_TYPES, TYPES};

/// The labels of the social model: a node with one of them is a rider, post, comment or
/// interest, and has that label alone.
pub(super) const SOCIAL_LABELS: [&str; 4] = ["Rider", "Post", "Comment", "Interest"];

pub(super) fn refused(reason: impl Into<String>) -> CypherError {
    CypherError::Refused {
        reason: reason.into(),
    }
}

/// A model rule broken by a value (`Error::Invalid` names the field).
pub(super) fn invalid(what: &str, e: pillion_model::Error) -> CypherError {
    refused(format!("{what}: {e}"))
}

/// The social type number of a relationship `name` from a `start` to an `end` node. A
/// relationship of a social type's name between nodes of other kinds is graph-only (an import
/// has `(:Rider)-[:LIKES]->(:Comment)`).
pub(super) fn social_type(name: &str, start: Kind, end: Kind) -> Option<u32> {
    (0..SOCIAL_TYPES).find(|ty| TYPES[*ty as usize] == name && end_kinds(*ty) == Some((start, end)))
}

pub(super) fn type_name(ty: u32) -> &'static str {
    TYPES.get(ty as usize).copied().unwrap_or("")
}

/// What a node created with `labels` (sorted, without duplicates) is.
pub(super) fn new_node_kind(labels: &[String]) -> Result<Kind, CypherError> {
    if labels.iter().any(|l| l == "Rider") {
        return Err(refused(
            "a Rider is created by signing up (POST /v1/riders, which sets the password), not by Cypher",
        ));
    }
    let kind = match labels.iter().find(|l| SOCIAL_LABELS.contains(&l.as_str())) {
        None => return Ok(Kind::Other),
        Some(l) if l == "Post" => Kind::Post,
        Some(l) if l == "Comment" => Kind::Comment,
        Some(_) => Kind::Interest,
    };
    if labels.len() > 1 {
        return Err(refused(format!(
            "a {0} node has exactly one label, {0} (labels given: {1})",
            kind.label(),
            labels.join(", ")
        )));
    }
    Ok(kind)
}

/// Refuses writing property `key` of a node of `kind` where the model fixes it. `is_new`: the
/// node was created by this query (a new post's body may still be set).
pub(super) fn check_key(kind: Kind, key: &str, is_new: bool) -> Result<(), CypherError> {
    let reason = match (kind, key) {
        (Kind::Place, _) => "a post's place (the Place reached by AT) is part of the post; Cypher cannot change it",
        (Kind::Rider | Kind::Post | Kind::Comment, "id") => {
            "`id` is the API id the server gave; it cannot be set"
        }
        (Kind::Rider | Kind::Post | Kind::Comment, "created_at") => {
            "`created_at` is the time of the write; it cannot be set"
        }
        (Kind::Rider, "handle") => "a rider's handle cannot change",
        (Kind::Post, "body" | "visibility") if !is_new => {
            "a post cannot be edited (the API has no post edit); only new posts take a body and visibility"
        }
        (Kind::Comment, "body") if !is_new => "a comment cannot be edited",
        (Kind::Interest, "name") if !is_new => "an interest cannot be renamed",
        _ => return Ok(()),
    };
    Err(refused(format!(
        "{} property `{key}`: {reason}",
        kind.label()
    )))
}

/// A rider's `name`, or one of its `props` (flat: strings, numbers, booleans), as PATCH
/// /v1/riders/me checks them. `None` removes the property.
pub(super) fn check_rider_property(key: &str, value: Option<&Value>) -> Result<(), CypherError> {
    if key == "name" {
        return match value {
            Some(Value::String(s)) => pillion_model::RiderName::parse(s)
                .map(|_| ())
                .map_err(|e| invalid("Rider", e)),
            Some(other) => Err(refused(format!(
                "Rider property `name` must be a string, not {}",
                other.type_name()
            ))),
            None => Err(refused("Rider property `name`: a rider always has a name")),
        };
    }
    let Some(v) = value else {
        return Ok(());
    };
    let mut one = serde_json::Map::new();
    one.insert(key.to_owned(), to_json(v)?);
    Props::parse(&Json::Object(one))
        .map(|_| ())
        .map_err(|e| invalid("Rider", e))
}

/// A property value as JSON, as the store keeps it.
pub(super) fn to_json(v: &Value) -> Result<Json, CypherError> {
    Ok(match v {
        Value::Bool(b) => Json::Bool(*b),
        Value::Int(i) => Json::from(*i),
        Value::Float(f) => match serde_json::Number::from_f64(*f) {
            Some(n) => Json::Number(n),
            None => {
                return Err(refused(
                    "NaN and infinite floats cannot be stored as properties",
                ))
            }
        },
        Value::String(s) => Json::String(s.clone()),
        Value::List(items) => Json::Array(items.iter().map(to_json).collect::<Result<_, _>>()?),
        other => {
            return Err(refused(format!(
                "a {} cannot be stored as a property here (store it as a string, e.g. toString(x))",
                other.type_name()
            )))
        }
    })
}

/// Properties as a `Props` map (nulls are absent properties).
pub(super) fn to_props<'a>(
    props: impl IntoIterator<Item = (&'a String, &'a Value)>,
) -> Result<Props, CypherError> {
    let mut map = BTreeMap::new();
    for (k, v) in props {
        if !v.is_null() {
            map.insert(k.clone(), to_json(v)?);
        }
    }
    Ok(Props::from_trusted(map))
}
