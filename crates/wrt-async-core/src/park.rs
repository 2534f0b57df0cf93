//! How a `block_on` caller waits for work without spinning: a condition
//! variable on std, the executor's idle hook elsewhere.
//!
//! Every wake bumps `epoch`. A waiter reads the epoch *before* it looks for
//! work, and sleeps only if the epoch is still the same afterwards, so a wake
//! between the look and the sleep is never lost.

use crate::atomic::{AtomicU32, Ordering};

pub(crate) struct Parker {
    epoch: AtomicU32,
    #[cfg(feature = "std")]
    sleepers: AtomicU32,
    #[cfg(feature = "std")]
    lock: std::sync::Mutex<()>,
    #[cfg(feature = "std")]
    condvar: std::sync::Condvar,
}

impl Parker {
    pub(crate) const fn new() -> Self {
        Self {
            epoch: AtomicU32::new(0),
            #[cfg(feature = "std")]
            sleepers: AtomicU32::new(0),
            #[cfg(feature = "std")]
            lock: std::sync::Mutex::new(()),
            #[cfg(feature = "std")]
            condvar: std::sync::Condvar::new(),
        }
    }

    /// The epoch to pass to [`sleep`](Self::sleep); read it before looking
    /// for work.
    #[inline]
    pub(crate) fn epoch(&self) -> u32 {
        self.epoch.load(Ordering::SeqCst)
    }

    /// Tells waiters that something changed.
    #[inline]
    pub(crate) fn notify(&self) {
        self.epoch.fetch_add(1, Ordering::SeqCst);
        #[cfg(feature = "std")]
        if self.sleepers.load(Ordering::SeqCst) != 0 {
            // Taking the lock orders this notify after a waiter's check of the
            // epoch (done under the lock) or before it: either it saw the new
            // epoch or it is inside `wait` and gets the notification.
            drop(
                self.lock
                    .lock()
                    .unwrap_or_else(std::sync::PoisonError::into_inner),
            );
            self.condvar.notify_all();
        }
    }

    /// Waits until the epoch moves past `seen`, unless `has_work` says there
    /// is something to do already. `idle` is what no_std does meanwhile.
    pub(crate) fn sleep(&self, seen: u32, idle: fn(), has_work: impl Fn() -> bool) {
        #[cfg(feature = "std")]
        {
            let _ = idle;
            // SeqCst pairs with the SeqCst load in `notify` (and with the
            // driver's release in the fallback): one of the two sides sees
            // the other.
            self.sleepers.fetch_add(1, Ordering::SeqCst);
            let mut guard = self
                .lock
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner);
            while self.epoch.load(Ordering::SeqCst) == seen && !has_work() {
                guard = self
                    .condvar
                    .wait(guard)
                    .unwrap_or_else(std::sync::PoisonError::into_inner);
            }
            drop(guard);
            self.sleepers.fetch_sub(1, Ordering::SeqCst);
        }
        #[cfg(not(feature = "std"))]
        if self.epoch.load(Ordering::SeqCst) == seen && !has_work() {
            idle();
        }
    }

    /// Whether some thread sleeps here (std); the driver uses it to decide
    /// whether a hand-off notification is needed.
    #[inline]
    pub(crate) fn has_sleepers(&self) -> bool {
        #[cfg(feature = "std")]
        {
            self.sleepers.load(Ordering::SeqCst) != 0
        }
        #[cfg(not(feature = "std"))]
        {
            false
        }
    }
}
