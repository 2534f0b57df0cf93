//! Slots claimed through a bitmap word: the fallback executor's task slots
//! and the first 32 slots of every task pool.

use crate::atomic::{AtomicU32, Ordering};

/// Sets the lowest bit of `mask` that is clear in `word` and returns its
/// index: one compare-and-swap unless contended. `None` when every bit of
/// `mask` is set.
///
/// Acquire: pairs with the Release of whoever cleared the bit last, so
/// what it left in the slot is visible to the claimer.
#[inline]
pub(crate) fn claim_lowest(word: &AtomicU32, mask: u32) -> Option<usize> {
    let mut current = word.load(Ordering::Relaxed);
    loop {
        let free = !current & mask;
        if free == 0 {
            return None;
        }
        let bit = free & free.wrapping_neg();
        match word.compare_exchange_weak(
            current,
            current | bit,
            Ordering::Acquire,
            Ordering::Relaxed,
        ) {
            Ok(_) => return Some(bit.trailing_zeros() as usize),
            Err(now) => current = now,
        }
    }
}
