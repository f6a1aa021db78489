//! The functions a query may call, which of them aggregate, and the argument types that are
//! wrong whatever the data (a path given to `labels()`, a node to `length()`).

use super::scope::Type;

/// Aggregating functions, lower case. `count(*)` is [`crate::ast::ExprKind::CountStar`].
const AGGREGATES: &[&str] = &[
    "avg",
    "collect",
    "count",
    "max",
    "min",
    "percentilecont",
    "percentiledisc",
    "stdev",
    "stdevp",
    "sum",
];

/// Every other function name the engine recognises, lower case. A call to a name missing here
/// (and from [`AGGREGATES`]) is refused at compile time as `UnknownFunction`.
const SCALARS: &[&str] = &[
    // graph elements and paths
    "id",
    "labels",
    "type",
    "properties",
    "keys",
    "nodes",
    "relationships",
    "rels",
    "startnode",
    "endnode",
    "length",
    "exists",
    // lists
    "size",
    "coalesce",
    "head",
    "last",
    "tail",
    "range",
    "reverse",
    // conversion
    "tointeger",
    "tofloat",
    "tostring",
    "toboolean",
    // strings
    "tolower",
    "toupper",
    "trim",
    "ltrim",
    "rtrim",
    "substring",
    "left",
    "right",
    "replace",
    "split",
    // numbers
    "abs",
    "ceil",
    "floor",
    "round",
    "sign",
    "sqrt",
    "exp",
    "log",
    "log10",
    "rand",
    "e",
    "pi",
    "sin",
    "cos",
    "tan",
    "asin",
    "acos",
    "atan",
    "atan2",
    "cot",
    "degrees",
    "radians",
    "haversin",
    // temporal constructors and their namespaced helpers
    "date",
    "datetime",
    "localdatetime",
    "time",
    "localtime",
    "duration",
    "date.truncate",
    "date.transaction",
    "date.statement",
    "date.realtime",
    "datetime.truncate",
    "datetime.fromepoch",
    "datetime.fromepochmillis",
    "datetime.transaction",
    "datetime.statement",
    "datetime.realtime",
    "localdatetime.truncate",
    "localdatetime.transaction",
    "localdatetime.statement",
    "localdatetime.realtime",
    "time.truncate",
    "time.transaction",
    "time.statement",
    "time.realtime",
    "localtime.truncate",
    "localtime.transaction",
    "localtime.statement",
    "localtime.realtime",
    "duration.between",
    "duration.inmonths",
    "duration.indays",
    "duration.inseconds",
];

pub(super) fn is_aggregate(name: &str) -> bool {
    AGGREGATES.contains(&name.to_ascii_lowercase().as_str())
}

pub(super) fn is_known(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    AGGREGATES.contains(&lower.as_str()) || SCALARS.contains(&lower.as_str())
}

/// Why `name(argument)` must fail when the argument has type `ty`, if it must.
pub(super) fn wrong_argument(name: &str, ty: &Type) -> Option<&'static str> {
    use Type::*;
    let refused: &[Type] = match name.to_ascii_lowercase().as_str() {
        "labels" => &[Bool, Int, Float, Str, Map, Rel, Path],
        "type" => &[Bool, Int, Float, Str, Map, Node, Path],
        "properties" => &[Bool, Int, Float, Str, Path],
        "length" => &[Bool, Int, Float, Map, Node, Rel],
        "size" => &[Bool, Int, Float, Node, Rel, Path],
        "nodes" | "relationships" => &[Bool, Int, Float, Str, Map, Node, Rel],
        _ => &[],
    };
    if matches!(ty, List(_)) {
        return matches!(
            name.to_ascii_lowercase().as_str(),
            "labels" | "type" | "properties"
        )
        .then_some("a list");
    }
    refused.contains(ty).then(|| ty.describe())
}

/// What a call returns, where that is certain and useful to later checks.
pub(super) fn result_type(name: &str, args: &[Type]) -> Type {
    match name.to_ascii_lowercase().as_str() {
        "count" => Type::Int,
        "exists" => Type::Bool,
        "startnode" | "endnode" => Type::Node,
        "nodes" => Type::list_of(Type::Node),
        "relationships" => Type::list_of(Type::Rel),
        "collect" => Type::list_of(args.first().cloned().unwrap_or(Type::Any)),
        _ => Type::Any,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_case_insensitive() {
        assert!(is_known("toUpper") && is_known("TOUPPER") && is_known("percentileDisc"));
        assert!(is_known("duration.inSeconds"));
        assert!(!is_known("foo"));
        assert!(is_aggregate("COLLECT") && !is_aggregate("size"));
    }

    #[test]
    fn only_certain_mistakes_are_refused() {
        assert!(wrong_argument("labels", &Type::Path).is_some());
        assert!(wrong_argument("labels", &Type::Node).is_none());
        assert!(wrong_argument("labels", &Type::Any).is_none());
        assert!(wrong_argument("size", &Type::list_of(Type::Any)).is_none());
        assert!(wrong_argument("properties", &Type::list_of(Type::Bool)).is_some());
        assert!(wrong_argument("length", &Type::Str).is_none());
        assert!(wrong_argument("toUpper", &Type::Int).is_none());
    }
}
