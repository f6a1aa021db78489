//! Sorted-vector sets: the adjacency and time-ordered lists of the engine. They are compact and
//! cache-friendly, and a page read is a binary search plus a slice walk.

/// Walks the union of ascending `lists` in ascending order, calling `each` once per distinct
/// element with the number of lists holding it. Concatenating and sorting once beats both a
/// hash map (a random access per element) and a k-way heap merge (log2(k) per element) from
/// two lists up: 0.8 / 7 / 75 us against 1.4 / 18 / 285 us for the heap with 10 / 100 / 1,000
/// lists (`cargo bench -p pillion-graph --bench engine -- suggestions`).
pub(crate) fn merge_counts<T: Ord + Copy>(lists: &[&[T]], mut each: impl FnMut(T, u32)) {
    if let [only] = lists {
        only.iter().for_each(|x| each(*x, 1));
        return;
    }
    let mut all: Vec<T> = Vec::with_capacity(lists.iter().map(|l| l.len()).sum());
    for l in lists {
        all.extend_from_slice(l);
    }
    all.sort_unstable();
    for same in all.chunk_by(|a, b| a == b) {
        each(same[0], same.len() as u32);
    }
}

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

/// Inserts `x` keeping `v` sorted, appending when it is the greatest (the common case: live
/// writes are the newest); false if it was already there.
pub(crate) fn push<T: Ord>(v: &mut Vec<T>, x: T) -> bool {
    if v.last().is_none_or(|last| *last < x) {
        v.push(x);
        true
    } else {
        insert(v, x)
    }
}

/// Merges ascending `add` into ascending `v`; the two must share no element. Works from the back
/// in place: each element of `add` finds its place by binary search and the elements of `v`
/// above it move up in one block, so the elements below `add`'s smallest do not move at all.
pub(crate) fn merge_disjoint<T: Ord + Copy>(v: &mut Vec<T>, add: &[T]) {
    // `v[..end]` holds the elements of `v` not yet moved, `v[dst..]` the merged tail.
    let mut end = v.len();
    // Grows `v`; the new tail is overwritten below.
    v.extend_from_slice(add);
    let mut dst = v.len();
    for x in add.iter().rev() {
        let pos = v[..end].partition_point(|y| y < x);
        debug_assert!(pos == end || v[pos] != *x, "merge_disjoint: shared element");
        let above = end - pos;
        v.copy_within(pos..end, dst - above);
        dst -= above + 1;
        v[dst] = *x;
        end = pos;
    }
}

/// Removes from ascending `v` every element of ascending `gone` (absent ones are skipped): each
/// is found by binary search and the elements between two removed ones move down in one block.
/// Returns how many were removed.
pub(crate) fn remove_all<T: Ord + Copy>(v: &mut Vec<T>, gone: &[T]) -> usize {
    // `v[..write]` is final; `v[read..]` is still to be looked at.
    let (mut read, mut write) = (0, 0);
    for x in gone {
        let Ok(i) = v[read..].binary_search(x) else {
            continue;
        };
        let pos = read + i;
        if write != read {
            v.copy_within(read..pos, write);
        }
        write += pos - read;
        read = pos + 1;
    }
    let len = v.len();
    if write != read {
        v.copy_within(read..len, write);
    }
    v.truncate(write + len - read);
    len - v.len()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// SplitMix64, so the cases replay exactly.
    fn rng(seed: &mut u64) -> u64 {
        *seed = seed.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = *seed;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Splits 0..n at random into two ascending, disjoint lists, the first of a random share.
    fn split(seed: &mut u64, n: u64) -> (Vec<u64>, Vec<u64>) {
        let percent = rng(seed) % 101;
        (0..n).partition(|_| rng(seed) % 100 < percent)
    }

    #[test]
    fn merge_disjoint_equals_sorting_the_union() {
        let mut seed = 1;
        for case in 0..500 {
            let n = rng(&mut seed) % 40;
            let (mut v, add) = split(&mut seed, n);
            let mut expected: Vec<u64> = v.iter().chain(&add).copied().collect();
            expected.sort_unstable();
            merge_disjoint(&mut v, &add);
            assert_eq!(v, expected, "case {case}");
        }
    }

    #[test]
    fn remove_all_removes_exactly_the_present_elements() {
        let mut seed = 2;
        for case in 0..500 {
            let n = rng(&mut seed) % 40;
            let (keep, gone) = split(&mut seed, n);
            // Some of `gone` is not in `v` at all: those are skipped.
            let absent: Vec<u64> = gone.iter().copied().filter(|x| x % 3 == 0).collect();
            let mut v: Vec<u64> = keep.iter().chain(&gone).copied().collect();
            v.retain(|x| !absent.contains(x));
            v.sort_unstable();
            let removed = remove_all(&mut v, &gone);
            assert_eq!(v, keep, "case {case}");
            assert_eq!(removed, gone.len() - absent.len(), "case {case}");
        }
    }

    #[test]
    fn push_appends_or_inserts_once() {
        let mut v = vec![2, 4];
        assert!(push(&mut v, 5));
        assert!(push(&mut v, 3));
        assert!(!push(&mut v, 5));
        assert!(!push(&mut v, 3));
        assert_eq!(v, vec![2, 3, 4, 5]);
    }
}

#[cfg(test)]
mod merge_tests {
    use super::merge_counts;

    #[test]
    fn counts_each_element_once_in_order() {
        let a = [1, 3, 5, 7];
        let b = [3, 4, 7];
        let c = [7, 9];
        let mut seen = Vec::new();
        merge_counts(&[&a[..], &b[..], &c[..], &[][..]], |x, n| seen.push((x, n)));
        assert_eq!(seen, vec![(1, 1), (3, 2), (4, 1), (5, 1), (7, 3), (9, 1)]);
        let many: Vec<&[i32]> = std::iter::repeat_n(&b[..], 60).chain([&a[..]]).collect();
        let mut counted = Vec::new();
        merge_counts(&many, |x, n| counted.push((x, n)));
        assert_eq!(counted, vec![(1, 1), (3, 61), (4, 60), (5, 1), (7, 61)]);
        let mut single = Vec::new();
        merge_counts(&[&a[..]], |x, n| single.push((x, n)));
        assert_eq!(single, vec![(1, 1), (3, 1), (5, 1), (7, 1)]);
        merge_counts::<u32>(&[], |_, _| panic!("nothing to count"));
    }
}
