//! The atomics the crate uses. `portable-atomic` maps to `core` atomics where
//! the target has them and, on targets without compare-and-swap (thumbv6m),
//! to a critical section the application provides (feature
//! `critical-section`): the application chooses, never this library.

pub(crate) use portable_atomic::{AtomicBool, AtomicU8, AtomicU32, AtomicUsize, Ordering};

/// Task ids: 64 bits where the target has 64-bit atomics, else 32 bits
/// (unique for the first 2^32 spawns of an executor).
#[cfg(target_has_atomic = "64")]
pub(crate) type IdCounter = portable_atomic::AtomicU64;
#[cfg(not(target_has_atomic = "64"))]
pub(crate) type IdCounter = portable_atomic::AtomicU32;

/// Takes the next id from `counter`.
#[inline]
pub(crate) fn take_id(counter: &IdCounter) -> u64 {
    #[cfg(target_has_atomic = "64")]
    {
        counter.fetch_add(1, Ordering::Relaxed)
    }
    #[cfg(not(target_has_atomic = "64"))]
    {
        u64::from(counter.fetch_add(1, Ordering::Relaxed))
    }
}
