//! Sorted-vector sets: the adjacency and time-ordered lists of the engine. They are compact and
//! cache-friendly, and a page read is a binary search plus a slice walk.

/// Inserts `x` keeping `v` sorted; false if it was already there.
pub(crate) fn insert<T: Ord>(v: &mut Vec<T>, x: T) -> bool {
    match v.binary_search(&x) {
        Ok(_) => false,
        Err(i) => {
            v.insert(i, x);
            true
        }
    }
}

/// Removes `x` from sorted `v`; false if it was not there.
pub(crate) fn remove<T: Ord>(v: &mut Vec<T>, x: &T) -> bool {
    match v.binary_search(x) {
        Ok(i) => {
            v.remove(i);
            true
        }
        Err(_) => false,
    }
}

pub(crate) fn contains<T: Ord>(v: &[T], x: &T) -> bool {
    v.binary_search(x).is_ok()
}

/// The part of ascending `v` strictly below `bound` (all of it without a bound).
pub(crate) fn below<'a, T: Ord>(v: &'a [T], bound: Option<&T>) -> &'a [T] {
    match bound {
        Some(b) => &v[..v.partition_point(|x| x < b)],
        None => v,
    }
}

/// The part of ascending `v` strictly above `bound` (all of it without a bound).
pub(crate) fn above<'a, T: Ord>(v: &'a [T], bound: Option<&T>) -> &'a [T] {
    match bound {
        Some(b) => &v[v.partition_point(|x| x <= b)..],
        None => v,
    }
}
