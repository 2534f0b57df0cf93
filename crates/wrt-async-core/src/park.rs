//! How a `block_on` caller waits for work without spinning: a condition
//! variable on std, the executor's idle hook elsewhere.
//!
//! A waiter sleeps only while its `has_work` check, re-run under the lock,
//! finds nothing to do. Every change that can give a waiter work is a
//! sequentially consistent read-modify-write followed by [`Parker::notify`],
//! which loads `sleepers` (SeqCst); a waiter increments `sleepers` (SeqCst)
//! before its check. In the single total order of those operations either
//! the notifier sees the sleeper (and wakes it under the lock) or the
//! sleeper's check sees the change, so no wake is lost. `notify` therefore
//! costs one load when nobody sleeps, which is the hot path of every wake.
//!
//! `epoch` is bumped whenever sleepers are notified, so a waiter also wakes
//! for changes its `has_work` does not look at.

use crate::atomic::{AtomicU32, Ordering};

pub(crate) struct Parker {
    epoch: AtomicU32,
    #[cfg(feature = "std")]
    sleepers: AtomicU32,
    #[cfg(feature = "std")]
    lock: crate::atomic::Mutex<()>,
    #[cfg(feature = "std")]
    condvar: crate::atomic::Condvar,
}

impl Parker {
    crate::atomic::const_fn_unless_loom! {
        pub(crate) const fn new() -> Self {
            Self {
                epoch: AtomicU32::new(0),
                #[cfg(feature = "std")]
                sleepers: AtomicU32::new(0),
                #[cfg(feature = "std")]
                lock: crate::atomic::Mutex::new(()),
                #[cfg(feature = "std")]
                condvar: crate::atomic::Condvar::new(),
            }
        }
    }

    /// The epoch to pass to [`sleep`](Self::sleep).
    #[inline]
    pub(crate) fn epoch(&self) -> u32 {
        self.epoch.load(Ordering::SeqCst)
    }

    /// Tells waiters that something changed. Call it after the change, which
    /// must be a SeqCst read-modify-write (see the module docs).
    #[inline]
    pub(crate) fn notify(&self) {
        #[cfg(feature = "std")]
        if self.sleepers.load(Ordering::SeqCst) != 0 {
            self.notify_sleepers();
        }
    }

    /// The slow half of `notify`: someone sleeps (std).
    #[cfg(feature = "std")]
    #[cold]
    #[inline(never)]
    fn notify_sleepers(&self) {
        self.epoch.fetch_add(1, Ordering::SeqCst);
        // Taking the lock orders this notify after a waiter's check (done
        // under the lock) or before it: either it saw the change or it is
        // inside `wait` and gets the notification.
        drop(
            self.lock
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner),
        );
        self.condvar.notify_all();
    }

    /// Waits until the epoch moves past `seen` or `has_work` says there is
    /// something to do. `has_work` must cover every change whose notifier
    /// follows the protocol of the module docs. `idle` is what no_std does
    /// meanwhile (there, nothing sleeps and `notify` is free).
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
