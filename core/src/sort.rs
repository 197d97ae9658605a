//! One sort for the whole console: every list the console orders is ordered through here.
//!
//! Why not `slice::sort_by` at each place: the standard library's sort is generic over the element
//! and the comparison, so every call with its own closure or element type compiles its own copy of
//! the sort (driftsort, its quicksort and its small-sort: 1.5 to 2.5 KB of wasm a copy; the console
//! had 126 such functions, 61 KB before optimisation, measured by function size on the linked
//! wasm). Here the sorting itself is compiled once: it orders the items' indices, comparing them
//! through a `dyn` reference. What stays generic at each call is collecting the keys and moving the
//! items into their new order, a few hundred bytes. All three functions are stable, as the
//! standard library's `sort`, `sort_by` and `sort_by_cached_key` are.

use std::cmp::Ordering;

/// Sorts `items` (stable), as `slice::sort` does.
pub fn sort<T: Ord>(items: &mut [T]) {
    sort_by(items, T::cmp);
}

/// Sorts `items` by `compare` (stable), as `slice::sort_by` does.
pub fn sort_by<T>(items: &mut [T], compare: impl Fn(&T, &T) -> Ordering) {
    let mut order = sorted_indices(items.len(), &|a, b| compare(&items[*a], &items[*b]).then(a.cmp(b)));
    reorder(items, &mut order);
}

/// Sorts `items` by the key `key` gives (stable), each item's key computed once, as
/// `slice::sort_by_cached_key` does: for keys that cost something to make (a lower-cased name).
pub fn sort_by_cached_key<T, K: Ord>(items: &mut [T], key: impl Fn(&T) -> K) {
    let keys: Vec<K> = items.iter().map(key).collect();
    let mut order = sorted_indices(keys.len(), &|a, b| keys[*a].cmp(&keys[*b]).then(a.cmp(b)));
    reorder(items, &mut order);
}

/// `0..len` in the order `compare` puts them: the one sort the console's wasm holds (not inlined,
/// so that each caller shares it, and `compare` a `dyn` call, so that the sort's code does not
/// repeat it at each place it compares). The callers break ties by index, and indices are all
/// different, so the unstable sort keeps equal items in order; its code is the smaller of the two
/// (no scratch buffer, no merging), as `slice::sort_by_cached_key` does it too.
#[inline(never)]
fn sorted_indices(len: usize, compare: &dyn Fn(&usize, &usize) -> Ordering) -> Vec<usize> {
    let mut order: Vec<usize> = (0..len).collect();
    order.sort_unstable_by(compare);
    order
}

/// Puts `items` in `order` (a permutation of their indices: the item at `i` becomes the one that was
/// at `order[i]`), in place, one cycle of the permutation at a time; `order` is used up (each place
/// done is marked by pointing at itself).
fn reorder<T>(items: &mut [T], order: &mut [usize]) {
    for start in 0..order.len() {
        let mut at = start;
        // Along the cycle through `start`: `items[start]`'s first item moves on at each swap, and
        // lands in the last place of the cycle, the one whose item it is.
        while order[at] != start && order[at] != at {
            let from = order[at];
            items.swap(at, from);
            order[at] = at;
            at = from;
        }
        order[at] = at;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        /// The same order as the standard library's stable sorts, equal keys included: each item
        /// carries its original place, so a change in the order of equal keys would show.
        #[test]
        fn orders_as_the_standard_library_does(keys in proptest::collection::vec(0u8..6, 0..200)) {
            let items: Vec<(u8, usize)> = keys.iter().copied().zip(0..).collect();

            let mut ours = items.clone();
            sort_by(&mut ours, |a, b| a.0.cmp(&b.0));
            let mut std_order = items.clone();
            std_order.sort_by_key(|a| a.0);
            prop_assert_eq!(&ours, &std_order);

            let mut ours = items.clone();
            sort_by_cached_key(&mut ours, |item| std::cmp::Reverse(item.0));
            let mut std_order = items.clone();
            std_order.sort_by_cached_key(|item| std::cmp::Reverse(item.0));
            prop_assert_eq!(&ours, &std_order);

            let mut ours = keys.clone();
            sort(&mut ours);
            let mut std_order = keys;
            std_order.sort();
            prop_assert_eq!(ours, std_order);
        }
    }

    proptest! {
        /// Any permutation, not only those a sort of few distinct keys makes: every item ends where
        /// `order` says, none lost or repeated.
        #[test]
        fn reorder_puts_every_item_where_the_order_says(order in Just((0..120).collect::<Vec<usize>>()).prop_shuffle()) {
            let mut items: Vec<usize> = (0..order.len()).map(|i| i * 10).collect();
            let expected: Vec<usize> = order.iter().map(|&i| i * 10).collect();
            let mut used = order.clone();
            reorder(&mut items, &mut used);
            prop_assert_eq!(items, expected);
        }
    }

    #[test]
    fn strings_move_without_copies_lost() {
        let mut names = vec!["wave 3".to_owned(), "wave 1".to_owned(), "wave 2".to_owned(), "wave 1".to_owned()];
        sort(&mut names);
        assert_eq!(names, ["wave 1", "wave 1", "wave 2", "wave 3"]);
    }
}
