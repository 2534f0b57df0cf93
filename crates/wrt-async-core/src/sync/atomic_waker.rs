//! Temporary AtomicWaker (to be replaced by the lock-free version).

use core::cell::UnsafeCell;
use core::task::Waker;

use crate::atomic::{AtomicBool, Ordering};

/// A slot for one waker that any thread may register or wake.
///
/// ```
/// let w = wrt_async_core::sync::AtomicWaker::new();
/// w.wake();
/// ```
pub struct AtomicWaker {
    locked: AtomicBool,
    waker: UnsafeCell<Option<Waker>>,
}

// SAFETY: `waker` is only accessed while `locked` is held.
unsafe impl Sync for AtomicWaker {}
// SAFETY: Waker is Send.
unsafe impl Send for AtomicWaker {}

impl AtomicWaker {
    /// Empty.
    pub const fn new() -> Self {
        Self { locked: AtomicBool::new(false), waker: UnsafeCell::new(None) }
    }

    fn with<R>(&self, f: impl FnOnce(&mut Option<Waker>) -> R) -> R {
        while self.locked.swap(true, Ordering::Acquire) {
            core::hint::spin_loop();
        }
        // SAFETY: lock held.
        let r = f(unsafe { &mut *self.waker.get() });
        self.locked.store(false, Ordering::Release);
        r
    }

    /// Stores a clone of `waker`.
    pub fn register(&self, waker: &Waker) {
        let old = self.with(|slot| slot.replace(waker.clone()));
        drop(old);
    }

    /// Takes the waker out.
    pub fn take(&self) -> Option<Waker> {
        self.with(Option::take)
    }

    /// Wakes the registered waker, if any.
    pub fn wake(&self) {
        if let Some(w) = self.take() {
            w.wake();
        }
    }
}

impl Default for AtomicWaker {
    fn default() -> Self {
        Self::new()
    }
}
