//! Cypher values. Nodes and relationships are references into the graph; their labels, types
//! and properties are read through [`crate::GraphRead`] when needed.
//!
//! Three relations over values, as openCypher defines them:
//! - equality ([`Value::cypher_eq`]): ternary, `null` when either side is (or holds) `null`;
//! - comparability ([`Value::cypher_cmp`]): what `<`, `<=`, `>`, `>=` answer, `null` across types;
//! - the global sort order ([`Value::order_cmp`]): total, used by `ORDER BY`, and — through
//!   [`GroupKey`] — by `DISTINCT` and grouping, where `null` equals `null` and `1` equals `1.0`.
//!
//! Temporal values ([`Temporal`]) take part in all three; values of different temporal kinds are
//! never equal and not comparable.

use std::cmp::Ordering;
use std::collections::BTreeMap;

use crate::graph::{NodeId, RelId};
use crate::temporal::Temporal;

#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Null,
    Bool(bool),
    Int(i64),
    Float(f64),
    String(String),
    List(Vec<Value>),
    Map(BTreeMap<String, Value>),
    Node(NodeId),
    Rel(RelId),
    Path(Path),
    Temporal(Temporal),
}

/// `nodes.len() == rels.len() + 1`; `rels[i]` joins `nodes[i]` and `nodes[i + 1]` (in either
/// direction).
#[derive(Debug, Clone, PartialEq)]
pub struct Path {
    pub nodes: Vec<NodeId>,
    pub rels: Vec<RelId>,
}

/// The answer of a comparison operator: ordered, unordered (`NaN`: every comparison is false),
/// or unknown (`null`: the operands are not comparable or one of them is null).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Comparison {
    Ordered(Ordering),
    Unordered,
    Null,
}

impl Value {
    pub fn is_null(&self) -> bool {
        matches!(self, Value::Null)
    }

    /// The type's name as error messages and `valueType`-like answers spell it.
    pub fn type_name(&self) -> &'static str {
        match self {
            Value::Null => "NULL",
            Value::Bool(_) => "BOOLEAN",
            Value::Int(_) => "INTEGER",
            Value::Float(_) => "FLOAT",
            Value::String(_) => "STRING",
            Value::List(_) => "LIST",
            Value::Map(_) => "MAP",
            Value::Node(_) => "NODE",
            Value::Rel(_) => "RELATIONSHIP",
            Value::Path(_) => "PATH",
            Value::Temporal(t) => t.type_name(),
        }
    }

    /// `self = other`: `None` is `null`.
    pub fn cypher_eq(&self, other: &Value) -> Option<bool> {
        match (self, other) {
            (Value::Null, _) | (_, Value::Null) => None,
            (Value::Int(a), Value::Int(b)) => Some(a == b),
            (Value::Float(a), Value::Float(b)) => Some(a == b),
            (Value::Int(i), Value::Float(f)) | (Value::Float(f), Value::Int(i)) => {
                Some(cmp_int_float(*i, *f) == Some(Ordering::Equal))
            }
            (Value::Bool(a), Value::Bool(b)) => Some(a == b),
            (Value::String(a), Value::String(b)) => Some(a == b),
            (Value::Node(a), Value::Node(b)) => Some(a == b),
            (Value::Rel(a), Value::Rel(b)) => Some(a.id == b.id && a.ty == b.ty),
            (Value::Path(a), Value::Path(b)) => Some(a == b),
            (Value::Temporal(a), Value::Temporal(b)) => Some(a.equals(b)),
            (Value::List(a), Value::List(b)) => {
                if a.len() != b.len() {
                    return Some(false);
                }
                all_eq(a.iter().zip(b.iter()))
            }
            (Value::Map(a), Value::Map(b)) => {
                if a.len() != b.len() || a.keys().zip(b.keys()).any(|(x, y)| x != y) {
                    return Some(false);
                }
                all_eq(a.values().zip(b.values()))
            }
            _ => Some(false),
        }
    }

    /// What `<` and friends make of `self` against `other`.
    pub fn cypher_cmp(&self, other: &Value) -> Comparison {
        match (self, other) {
            (Value::Null, _) | (_, Value::Null) => Comparison::Null,
            (Value::Int(a), Value::Int(b)) => Comparison::Ordered(a.cmp(b)),
            (Value::Float(a), Value::Float(b)) => float_cmp(a.partial_cmp(b)),
            (Value::Int(i), Value::Float(f)) => float_cmp(cmp_int_float(*i, *f)),
            (Value::Float(f), Value::Int(i)) => {
                float_cmp(cmp_int_float(*i, *f).map(Ordering::reverse))
            }
            (Value::Bool(a), Value::Bool(b)) => Comparison::Ordered(a.cmp(b)),
            (Value::String(a), Value::String(b)) => Comparison::Ordered(a.cmp(b)),
            (Value::Temporal(a), Value::Temporal(b)) => {
                a.compare(b).map_or(Comparison::Null, Comparison::Ordered)
            }
            (Value::List(a), Value::List(b)) => {
                for (x, y) in a.iter().zip(b.iter()) {
                    match x.cypher_cmp(y) {
                        Comparison::Ordered(Ordering::Equal) => {}
                        other => return other,
                    }
                }
                Comparison::Ordered(a.len().cmp(&b.len()))
            }
            _ => Comparison::Null,
        }
    }

    /// The global sort order of `ORDER BY` (ascending): maps, nodes, relationships, lists,
    /// paths, temporal values (date-times, local date-times, dates, times, local times,
    /// durations), strings, booleans, numbers (`NaN` after all others), then `null`.
    pub fn order_cmp(&self, other: &Value) -> Ordering {
        let (ra, rb) = (self.order_rank(), other.order_rank());
        if ra != rb {
            return ra.cmp(&rb);
        }
        match (self, other) {
            (Value::Map(a), Value::Map(b)) => {
                for ((ka, va), (kb, vb)) in a.iter().zip(b.iter()) {
                    let o = ka.cmp(kb).then_with(|| va.order_cmp(vb));
                    if o != Ordering::Equal {
                        return o;
                    }
                }
                a.len().cmp(&b.len())
            }
            (Value::Node(a), Value::Node(b)) => a.cmp(b),
            (Value::Rel(a), Value::Rel(b)) => (a.id, a.ty).cmp(&(b.id, b.ty)),
            (Value::List(a), Value::List(b)) => list_order(a, b),
            (Value::Path(a), Value::Path(b)) => a.nodes.cmp(&b.nodes).then_with(|| {
                a.rels
                    .iter()
                    .map(|r| (r.id, r.ty))
                    .cmp(b.rels.iter().map(|r| (r.id, r.ty)))
            }),
            (Value::Temporal(a), Value::Temporal(b)) => a.order(b),
            (Value::String(a), Value::String(b)) => a.cmp(b),
            (Value::Bool(a), Value::Bool(b)) => a.cmp(b),
            (Value::Int(a), Value::Int(b)) => a.cmp(b),
            (Value::Float(a), Value::Float(b)) => a.partial_cmp(b).unwrap_or(Ordering::Equal),
            (Value::Int(i), Value::Float(f)) => cmp_int_float(*i, *f).unwrap_or(Ordering::Equal),
            (Value::Float(f), Value::Int(i)) => cmp_int_float(*i, *f)
                .map(Ordering::reverse)
                .unwrap_or(Ordering::Equal),
            _ => Ordering::Equal,
        }
    }

    fn order_rank(&self) -> u8 {
        match self {
            Value::Map(_) => 0,
            Value::Node(_) => 1,
            Value::Rel(_) => 2,
            Value::List(_) => 3,
            Value::Path(_) => 4,
            // Ordered among themselves by kind in `Temporal::order`.
            Value::Temporal(_) => 5,
            Value::String(_) => 6,
            Value::Bool(_) => 7,
            Value::Float(f) if f.is_nan() => 9,
            Value::Int(_) | Value::Float(_) => 8,
            Value::Null => 10,
        }
    }
}

fn list_order(a: &[Value], b: &[Value]) -> Ordering {
    for (x, y) in a.iter().zip(b.iter()) {
        let o = x.order_cmp(y);
        if o != Ordering::Equal {
            return o;
        }
    }
    a.len().cmp(&b.len())
}

fn float_cmp(o: Option<Ordering>) -> Comparison {
    o.map_or(Comparison::Unordered, Comparison::Ordered)
}

/// Ternary conjunction of element equalities: false wins over null, null over true.
fn all_eq<'a>(pairs: impl Iterator<Item = (&'a Value, &'a Value)>) -> Option<bool> {
    let mut unknown = false;
    for (x, y) in pairs {
        match x.cypher_eq(y) {
            Some(false) => return Some(false),
            None => unknown = true,
            Some(true) => {}
        }
    }
    if unknown {
        None
    } else {
        Some(true)
    }
}

/// Exact comparison of an integer with a float (no rounding of large integers); `None` for NaN.
pub(crate) fn cmp_int_float(i: i64, f: f64) -> Option<Ordering> {
    const TWO_63: f64 = 9_223_372_036_854_775_808.0;
    if f.is_nan() {
        return None;
    }
    if f >= TWO_63 {
        return Some(Ordering::Less);
    }
    if f < -TWO_63 {
        return Some(Ordering::Greater);
    }
    let whole = f.trunc();
    // In range, so the cast is exact.
    let t = whole as i64;
    match i.cmp(&t) {
        Ordering::Equal => 0.0_f64.partial_cmp(&(f - whole)),
        o => Some(o),
    }
}

/// A value as a key for `DISTINCT` and grouping: equal when openCypher calls the values
/// equivalent (equality where `null` equals `null` and `NaN` equals `NaN`).
#[derive(Debug, Clone)]
pub(crate) struct GroupKey(pub Value);

impl PartialEq for GroupKey {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}

impl Eq for GroupKey {}

impl PartialOrd for GroupKey {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for GroupKey {
    fn cmp(&self, other: &Self) -> Ordering {
        self.0.order_cmp(&other.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn list(v: Vec<Value>) -> Value {
        Value::List(v)
    }

    fn map(pairs: &[(&str, Value)]) -> Value {
        Value::Map(
            pairs
                .iter()
                .map(|(k, v)| ((*k).to_string(), v.clone()))
                .collect(),
        )
    }

    #[test]
    fn equality_is_ternary_through_lists_and_maps() {
        use Value::{Int, Null, String as S};
        assert_eq!(Int(1).cypher_eq(&Value::Float(1.0)), Some(true));
        assert_eq!(S("1".into()).cypher_eq(&Int(1)), Some(false));
        assert_eq!(Null.cypher_eq(&Null), None);
        assert_eq!(
            list(vec![Int(1), Int(2)]).cypher_eq(&list(vec![Int(1)])),
            Some(false)
        );
        assert_eq!(list(vec![Null]).cypher_eq(&list(vec![Int(1)])), None);
        let a = list(vec![list(vec![Int(1)]), list(vec![Int(2), Int(3)])]);
        let b = list(vec![list(vec![Int(1)]), list(vec![Null])]);
        assert_eq!(a.cypher_eq(&b), Some(false));
        assert_eq!(map(&[]).cypher_eq(&map(&[("k", Null)])), Some(false));
        assert_eq!(map(&[("k", Null)]).cypher_eq(&map(&[("k", Null)])), None);
        assert_eq!(
            map(&[("k", Int(1)), ("l", Null)]).cypher_eq(&map(&[("k", Null), ("l", Int(1))])),
            None
        );
        let nan = Value::Float(f64::NAN);
        assert_eq!(nan.cypher_eq(&nan), Some(false));
    }

    #[test]
    fn comparison_follows_the_tck() {
        use Value::{Int, Null, String as S};
        let ge = |a: Value, b: Value| match a.cypher_cmp(&b) {
            Comparison::Ordered(o) => Some(o != Ordering::Less),
            Comparison::Unordered => Some(false),
            Comparison::Null => None,
        };
        assert_eq!(
            ge(list(vec![Int(1), Int(0)]), list(vec![Int(1)])),
            Some(true)
        );
        assert_eq!(ge(list(vec![Int(1), Null]), list(vec![Int(1)])), Some(true));
        assert_eq!(
            ge(list(vec![Int(1), Int(2)]), list(vec![Int(1), Null])),
            None
        );
        assert_eq!(
            ge(list(vec![Int(1), S("a".into())]), list(vec![Int(1), Null])),
            None
        );
        assert_eq!(
            ge(list(vec![Int(1), Int(2)]), list(vec![Int(3), Null])),
            Some(false)
        );
        assert_eq!(
            Value::Float(f64::NAN).cypher_cmp(&Int(1)),
            Comparison::Unordered
        );
        assert_eq!(
            Value::Float(f64::NAN).cypher_cmp(&S("a".into())),
            Comparison::Null
        );
        assert_eq!(S("1".into()).cypher_cmp(&Int(1)), Comparison::Null);
    }

    #[test]
    fn large_integers_compare_exactly_with_floats() {
        let big = 4_611_686_018_427_387_905_i64;
        assert_eq!(cmp_int_float(big, big as f64), Some(Ordering::Greater));
        assert_eq!(cmp_int_float(i64::MAX, 9.3e18), Some(Ordering::Less));
        assert_eq!(cmp_int_float(-3, -2.5), Some(Ordering::Less));
        assert_eq!(cmp_int_float(2, 2.0), Some(Ordering::Equal));
    }

    #[test]
    fn global_sort_order_matches_the_tck() {
        use Value::*;
        let path = Path(super::Path {
            nodes: vec![1],
            rels: vec![],
        });
        let rel = Rel(RelId {
            id: 0,
            ty: 0,
            start: 1,
            end: 2,
        });
        let expected = vec![
            map(&[("a", String("map".into()))]),
            Node(1),
            rel,
            list(vec![String("list".into())]),
            path,
            String("text".into()),
            Bool(false),
            Float(1.5),
            Float(f64::NAN),
            Null,
        ];
        let mut shuffled = expected.clone();
        shuffled.reverse();
        shuffled.sort_by(|a, b| a.order_cmp(b));
        assert_eq!(format!("{shuffled:?}"), format!("{expected:?}"));

        let lists = vec![
            list(vec![]),
            list(vec![String("a".into())]),
            list(vec![String("a".into()), Int(1)]),
            list(vec![Int(1)]),
            list(vec![Int(1), String("a".into())]),
            list(vec![Int(1), Null]),
            list(vec![Null, Int(1)]),
            list(vec![Null, Int(2)]),
        ];
        let mut sorted = lists.clone();
        sorted.reverse();
        sorted.sort_by(|a, b| a.order_cmp(b));
        assert_eq!(sorted, lists);
    }

    #[test]
    fn group_keys_treat_null_and_nan_as_equal() {
        assert_eq!(GroupKey(Value::Null), GroupKey(Value::Null));
        assert_eq!(GroupKey(Value::Int(1)), GroupKey(Value::Float(1.0)));
        assert_eq!(
            GroupKey(Value::Float(f64::NAN)),
            GroupKey(Value::Float(f64::NAN))
        );
        assert_ne!(GroupKey(Value::Int(1)), GroupKey(Value::String("1".into())));
    }
}
