//! Sorted-vector sets: the adjacency and time-ordered lists of the engine. They are compact and
//! cache-friendly, and a page read is a binary search plus a slice walk.

/// A key with an unsigned integer image that orders like the key itself, so a list of them can
/// be radix sorted.
pub trait RadixKey: Ord + Copy {
    fn radix(self) -> u64;
}

impl RadixKey for u64 {
    fn radix(self) -> u64 {
        self
    }
}

impl RadixKey for pillion_model::RiderId {
    fn radix(self) -> u64 {
        self.0
    }
}

/// Walks the union of ascending `lists` in ascending order, calling `each` once per distinct
/// element with the number of lists holding it. Concatenating and sorting once beats both a
/// hash map (a random access per element) and a k-way heap merge (log2(k) per element) from
/// two lists up: 0.8 / 7 / 75 us against 1.4 / 18 / 285 us for the heap with 10 / 100 / 1,000
/// lists (47 us at 1,000 with the radix sort below; `cargo bench -p pillion-graph --bench engine -- suggestions`). Long concatenations
/// (a hub's friends' friends: 387k ids at scale 100) are radix sorted, see [`radix_sort`].
pub(crate) fn merge_counts<T: RadixKey>(lists: &[&[T]], mut each: impl FnMut(T, u32)) {
    if let [only] = lists {
        only.iter().for_each(|x| each(*x, 1));
        return;
    }
    let mut all: Vec<T> = Vec::with_capacity(lists.iter().map(|l| l.len()).sum());
    for l in lists {
        all.extend_from_slice(l);
    }
    radix_sort(&mut all);
    for same in all.chunk_by(|a, b| a == b) {
        each(same[0], same.len() as u32);
    }
}

/// Bits per radix digit: 2,048 counters (16 KiB) stay in L1 while the digit's pass streams.
const DIGIT_BITS: u32 = 11;
/// Below this length a comparison sort is as fast and needs no second buffer.
const RADIX_MIN_LEN: usize = 4_096;

/// Sorts `v` ascending. Long inputs take a least-significant-digit radix sort over only the
/// digits the largest key uses: ids below 2^22 (4M riders) are two passes of a histogram and a
/// scatter, O(n), where `sort_unstable` does about log2(n) comparisons per element. At 387k ids
/// that is 1.0 ms against 5.4 ms, at 10k 20 us against 69 us (`cargo bench -p pillion-graph --bench engine -- count_fof`).
pub fn radix_sort<T: RadixKey>(v: &mut Vec<T>) {
    if v.len() < RADIX_MIN_LEN {
        v.sort_unstable();
        return;
    }
    let used = v.iter().fold(0u64, |acc, x| acc | x.radix());
    let passes = (u64::BITS - used.leading_zeros()).div_ceil(DIGIT_BITS);
    let mask = (1u64 << DIGIT_BITS) - 1;
    let mut from = std::mem::take(v);
    let mut to = from.clone();
    for pass in 0..passes {
        let shift = pass * DIGIT_BITS;
        let digit = |x: &T| ((x.radix() >> shift) & mask) as usize;
        let mut starts = [0usize; 1 << DIGIT_BITS];
        for x in &from {
            starts[digit(x)] += 1;
        }
        let mut sum = 0;
        for s in starts.iter_mut() {
            let n = *s;
            *s = sum;
            sum += n;
        }
        for x in &from {
            let d = digit(x);
            to[starts[d]] = *x;
            starts[d] += 1;
        }
        std::mem::swap(&mut from, &mut to);
    }
    *v = from;
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
        let a = [1u64, 3, 5, 7];
        let b = [3u64, 4, 7];
        let c = [7u64, 9];
        let mut seen = Vec::new();
        merge_counts(&[&a[..], &b[..], &c[..], &[][..]], |x, n| seen.push((x, n)));
        assert_eq!(seen, vec![(1, 1), (3, 2), (4, 1), (5, 1), (7, 3), (9, 1)]);
        let many: Vec<&[u64]> = std::iter::repeat_n(&b[..], 60).chain([&a[..]]).collect();
        let mut counted = Vec::new();
        merge_counts(&many, |x, n| counted.push((x, n)));
        assert_eq!(counted, vec![(1, 1), (3, 61), (4, 60), (5, 1), (7, 61)]);
        let mut single = Vec::new();
        merge_counts(&[&a[..]], |x, n| single.push((x, n)));
        assert_eq!(single, vec![(1, 1), (3, 1), (5, 1), (7, 1)]);
        merge_counts::<u64>(&[], |_, _| panic!("nothing to count"));
    }

    /// SplitMix64, so the cases replay exactly.
    fn rng(seed: &mut u64) -> u64 {
        *seed = seed.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = *seed;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    #[test]
    fn radix_sort_equals_sort_unstable_for_every_key_width() {
        let mut seed = 7;
        // Lengths on both sides of the comparison-sort cut-off; key widths from one digit to
        // all 64 bits, including a width that is not a whole number of digits.
        for len in [0, 1, 100, super::RADIX_MIN_LEN, 50_000] {
            for bits in [1, 11, 12, 22, 40, 64] {
                let mask = if bits == 64 {
                    u64::MAX
                } else {
                    (1 << bits) - 1
                };
                let mut v: Vec<u64> = (0..len).map(|_| rng(&mut seed) & mask).collect();
                let mut expected = v.clone();
                expected.sort_unstable();
                super::radix_sort(&mut v);
                assert_eq!(v, expected, "len {len}, {bits} bits");
            }
        }
    }

    #[test]
    fn counts_match_a_map_on_long_lists() {
        let mut seed = 9;
        let lists: Vec<Vec<u64>> = (0..300)
            .map(|_| {
                let mut l: Vec<u64> = (0..60).map(|_| rng(&mut seed) % 5_000).collect();
                l.sort_unstable();
                l.dedup();
                l
            })
            .collect();
        let mut expected = std::collections::BTreeMap::new();
        for x in lists.iter().flatten() {
            *expected.entry(*x).or_insert(0u32) += 1;
        }
        let refs: Vec<&[u64]> = lists.iter().map(Vec::as_slice).collect();
        let mut counted = Vec::new();
        merge_counts(&refs, |x, n| counted.push((x, n)));
        assert_eq!(counted, expected.into_iter().collect::<Vec<_>>());
    }
}
