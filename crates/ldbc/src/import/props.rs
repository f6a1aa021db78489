//! LDBC columns as properties: numbers where LDBC's schema has numbers, strings otherwise.
//! Empty fields are absent properties (LDBC writes an empty field for "none").

use std::collections::BTreeMap;

use pillion_model::Props;
use serde_json::Value;

use super::csv::CsvFile;
use super::ImportError;

/// Integer columns of the LDBC SNB schema (ids and epoch-millisecond dates included).
const INTEGER_COLUMNS: &[&str] = &[
    "id",
    "creationDate",
    "birthday",
    "length",
    "classYear",
    "workFrom",
    "joinDate",
];

/// Pillion's extension columns with decimal degrees.
const DECIMAL_COLUMNS: &[&str] = &["lat", "lon"];

/// The current row's columns as properties, leaving out the columns at `skip`.
pub(crate) fn row_props(csv: &CsvFile, skip: &[usize]) -> Result<Props, ImportError> {
    let mut map = BTreeMap::new();
    for (i, column) in csv.header().iter().enumerate() {
        if skip.contains(&i) {
            continue;
        }
        let raw = csv.get(i);
        if raw.is_empty() {
            continue;
        }
        let value = if INTEGER_COLUMNS.contains(&column.as_str()) {
            Value::from(csv.int(i)?)
        } else if DECIMAL_COLUMNS.contains(&column.as_str()) {
            let v = decimal(csv, i)?;
            serde_json::Number::from_f64(v).map_or(Value::Null, Value::Number)
        } else {
            Value::from(raw)
        };
        map.insert(column.clone(), value);
    }
    Ok(Props::from_trusted(map))
}

/// Field `i` as a finite decimal number.
pub(crate) fn decimal(csv: &CsvFile, i: usize) -> Result<f64, ImportError> {
    let raw = csv.get(i);
    raw.parse::<f64>()
        .ok()
        .filter(|v| v.is_finite())
        .ok_or_else(|| {
            csv.error(format!(
                "`{}` must be a decimal number, found {raw:?}",
                csv.header()[i]
            ))
        })
}
