//! What the checker knows about a variable: only what the query text makes certain. A variable
//! bound to a literal, a pattern element or a path has a known [`Type`]; anything else (a
//! property, a parameter, most function results) is [`Type::Any`] and never raises an error.

use std::collections::BTreeMap;

/// The type of a value as far as the query text shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Type {
    /// Unknown until the query runs.
    Any,
    /// The `null` literal: fits wherever any type does.
    Null,
    Bool,
    Int,
    Float,
    Str,
    /// A list whose elements have the given type (`Any` when they differ or are unknown).
    List(Box<Type>),
    Map,
    Node,
    Rel,
    Path,
}

impl Type {
    /// A list of `element`s.
    pub(super) fn list_of(element: Type) -> Type {
        Type::List(Box::new(element))
    }

    /// The common type of two values, `Any` when they differ.
    pub(super) fn unify(self, other: Type) -> Type {
        if self == other {
            self
        } else {
            Type::Any
        }
    }

    /// The type of the elements of a list of this type (`Any` when unknown).
    pub(super) fn element(&self) -> Type {
        match self {
            Type::List(element) => (**element).clone(),
            _ => Type::Any,
        }
    }

    /// True when the value is certainly not usable where a boolean is expected.
    pub(super) fn is_certainly_not_boolean(&self) -> bool {
        !matches!(self, Type::Any | Type::Null | Type::Bool)
    }

    /// True when the value is certainly not a number (nor a temporal value, which only
    /// function calls produce), so arithmetic other than `+` on it must fail.
    pub(super) fn is_certainly_not_numeric(&self) -> bool {
        !matches!(self, Type::Any | Type::Null | Type::Int | Type::Float)
    }

    /// True when a variable of this type may be used as a node in a pattern.
    pub(super) fn fits_node(&self) -> bool {
        matches!(self, Type::Any | Type::Null | Type::Node)
    }

    /// True when a variable of this type may be used as a relationship in a pattern; a
    /// variable-length relationship may also reuse a list (of relationships).
    pub(super) fn fits_rel(&self, var_length: bool) -> bool {
        match self {
            Type::Any | Type::Null | Type::Rel => true,
            Type::List(_) => var_length,
            _ => false,
        }
    }

    /// The name used in messages.
    pub(super) fn describe(&self) -> &'static str {
        match self {
            Type::Any => "a value",
            Type::Null => "null",
            Type::Bool => "a boolean",
            Type::Int => "an integer",
            Type::Float => "a float",
            Type::Str => "a string",
            Type::List(_) => "a list",
            Type::Map => "a map",
            Type::Node => "a node",
            Type::Rel => "a relationship",
            Type::Path => "a path",
        }
    }
}

/// The variables visible to a clause, with their types. Ordered by name, which is the column
/// order of `RETURN *`.
#[derive(Debug, Clone, Default)]
pub(super) struct Scope {
    vars: BTreeMap<String, Type>,
}

impl Scope {
    pub(super) fn get(&self, name: &str) -> Option<&Type> {
        self.vars.get(name)
    }

    pub(super) fn contains(&self, name: &str) -> bool {
        self.vars.contains_key(name)
    }

    pub(super) fn insert(&mut self, name: &str, ty: Type) {
        self.vars.insert(name.to_owned(), ty);
    }

    pub(super) fn is_empty(&self) -> bool {
        self.vars.is_empty()
    }

    /// Names and types, ordered by name.
    pub(super) fn iter(&self) -> impl Iterator<Item = (&String, &Type)> {
        self.vars.iter()
    }
}

#[cfg(test)]
mod tests {
    use super::Type;

    #[test]
    fn unknown_types_never_conflict() {
        for ty in [Type::Any, Type::Null] {
            assert!(ty.fits_node() && ty.fits_rel(false));
            assert!(!ty.is_certainly_not_boolean() && !ty.is_certainly_not_numeric());
        }
        assert!(!Type::Path.fits_node());
        assert!(!Type::Node.fits_rel(true));
        assert!(Type::list_of(Type::Rel).fits_rel(true));
        assert!(!Type::list_of(Type::Rel).fits_rel(false));
    }

    #[test]
    fn mixed_lists_have_unknown_elements() {
        assert_eq!(Type::Int.unify(Type::Int), Type::Int);
        assert_eq!(Type::Int.unify(Type::Null), Type::Any);
        assert_eq!(Type::list_of(Type::Str).element(), Type::Str);
        assert_eq!(Type::Map.element(), Type::Any);
    }
}
