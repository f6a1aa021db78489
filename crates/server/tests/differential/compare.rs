//! Comparing the server's JSON with the model's, and saying where they differ in one line.

use serde_json::Value;

/// `actual` cut down to the keys `expected` has, recursively: the server may add keys, it must not
/// leave out or change documented ones. A key the server left out stays missing, so it shows up
/// as a difference.
pub fn project(actual: &Value, expected: &Value) -> Value {
    match (actual, expected) {
        (Value::Object(a), Value::Object(e)) => Value::Object(
            e.iter()
                .filter_map(|(k, ev)| a.get(k).map(|av| (k.clone(), project(av, ev))))
                .collect(),
        ),
        (Value::Array(a), Value::Array(e)) if a.len() == e.len() => {
            Value::Array(a.iter().zip(e).map(|(av, ev)| project(av, ev)).collect())
        }
        _ => actual.clone(),
    }
}

/// The first place where the two differ, as `path: expected X, got Y`.
pub fn first_difference(expected: &Value, actual: &Value) -> Option<String> {
    difference_at("$", expected, actual)
}

fn difference_at(path: &str, e: &Value, a: &Value) -> Option<String> {
    match (e, a) {
        (Value::Object(eo), Value::Object(ao)) => {
            for (k, ev) in eo {
                match ao.get(k) {
                    None => return Some(format!("{path}.{k}: missing (expected {ev})")),
                    Some(av) => {
                        if let Some(d) = difference_at(&format!("{path}.{k}"), ev, av) {
                            return Some(d);
                        }
                    }
                }
            }
            ao.keys()
                .find(|k| !eo.contains_key(*k))
                .map(|k| format!("{path}.{k}: unexpected key"))
        }
        (Value::Array(ea), Value::Array(aa)) => {
            if ea.len() != aa.len() {
                return Some(format!(
                    "{path}: expected {} items {}, got {} items {}",
                    ea.len(),
                    ids(e),
                    aa.len(),
                    ids(a)
                ));
            }
            ea.iter()
                .zip(aa)
                .enumerate()
                .find_map(|(i, (ev, av))| difference_at(&format!("{path}[{i}]"), ev, av))
        }
        _ if e == a => None,
        _ => Some(format!("{path}: expected {e}, got {a}")),
    }
}

/// The `id`s of a list of objects (or of their `rider`), to show which items a list holds.
pub fn ids(list: &Value) -> String {
    let Some(items) = list.as_array() else {
        return String::new();
    };
    let ids: Vec<String> = items
        .iter()
        .map(|i| {
            i.get("id")
                .or_else(|| i.pointer("/rider/id"))
                .map_or_else(|| "?".to_owned(), Value::to_string)
        })
        .collect();
    format!("(ids [{}])", ids.join(", "))
}
