//! Which executor drives this thread right now (std).
//!
//! While an executor runs `block_on` or polls tasks on a thread, it is the
//! current executor there: `current_executor()` returns it, so tasks spawned
//! from inside land on the executor that runs them (each `#[wrt::test]` gets
//! its own). Without std there are no threads to tell apart and these are
//! no-ops.

use crate::WrtExecutor;

#[cfg(feature = "std")]
mod imp {
    use core::cell::Cell;

    use crate::WrtExecutor;

    pub(super) const IS_FALLBACK: u8 = 1;
    pub(super) const IN_TASK: u8 = 2;

    /// Two cells rather than one `Cell` of a struct: saving and restoring
    /// them moves two words and a byte, where a 24-byte struct with padding
    /// is copied whole (this runs on every `block_on` and every task batch).
    pub(super) struct Driving {
        pub(super) executor: Cell<Option<&'static dyn WrtExecutor>>,
        pub(super) flags: Cell<u8>,
    }

    /// What a guard puts back.
    #[derive(Clone, Copy)]
    pub(super) struct Saved {
        pub(super) executor: Option<&'static dyn WrtExecutor>,
        pub(super) flags: u8,
    }

    impl Driving {
        #[inline]
        pub(super) fn save(&self) -> Saved {
            Saved {
                executor: self.executor.get(),
                flags: self.flags.get(),
            }
        }

        #[inline]
        pub(super) fn set(&self, executor: &'static dyn WrtExecutor, flags: u8) {
            self.executor.set(Some(executor));
            self.flags.set(flags);
        }

        #[inline]
        pub(super) fn restore(&self, saved: Saved) {
            self.executor.set(saved.executor);
            self.flags.set(saved.flags);
        }
    }

    #[cfg(not(loom))]
    std::thread_local! {
        pub(super) static DRIVING: Driving = const {
            Driving { executor: Cell::new(None), flags: Cell::new(0) }
        };
    }

    // Loom runs all its model threads on one OS thread, where a std
    // thread-local would be shared by them (and its macro takes no `const`).
    #[cfg(loom)]
    loom::thread_local! {
        pub(super) static DRIVING: Driving =
            Driving { executor: Cell::new(None), flags: Cell::new(0) };
    }
}

/// Makes `executor` the current executor of this thread until the guard is
/// dropped (std; a no-op without std). Adapters call it around their own
/// `block_on` so that code inside sees them; `#[wrt::executor]` does it for
/// you.
///
/// ```
/// use wrt_async_core::{current_executor, enter, FallbackExecutor, WrtExecutor};
///
/// static MINE: FallbackExecutor = FallbackExecutor::new();
/// let guard = enter(&MINE);
/// assert!(core::ptr::addr_eq(current_executor(), &MINE as &dyn WrtExecutor));
/// drop(guard);
/// assert!(!core::ptr::addr_eq(current_executor(), &MINE as &dyn WrtExecutor));
/// ```
pub fn enter(executor: &'static dyn WrtExecutor) -> EnterGuard {
    enter_as(executor, false)
}

pub(crate) fn enter_as(executor: &'static dyn WrtExecutor, is_fallback: bool) -> EnterGuard {
    #[cfg(feature = "std")]
    {
        imp::DRIVING.with(|d| {
            let prev = d.save();
            let flags = (prev.flags & imp::IN_TASK) | fallback_flag(is_fallback);
            d.set(executor, flags);
            EnterGuard { prev }
        })
    }
    #[cfg(not(feature = "std"))]
    {
        let _ = (executor, is_fallback);
        EnterGuard { _private: () }
    }
}

/// Like `enter_as`, but refuses (`None`) when this thread is inside a task's
/// poll: the fallback's `block_on` check for `WouldDeadlock` and its entry in
/// one thread-local access, which is most of the cost of a ready `block_on`.
/// Without std it never refuses (the fallback checks its driver flag).
#[inline]
pub(crate) fn enter_unless_in_task(
    executor: &'static dyn WrtExecutor,
    is_fallback: bool,
) -> Option<EnterGuard> {
    #[cfg(feature = "std")]
    {
        imp::DRIVING.with(|d| {
            let prev = d.save();
            if prev.flags & imp::IN_TASK != 0 {
                return None;
            }
            d.set(executor, fallback_flag(is_fallback));
            Some(EnterGuard { prev })
        })
    }
    #[cfg(not(feature = "std"))]
    {
        let _ = (executor, is_fallback);
        Some(EnterGuard { _private: () })
    }
}

/// Restores the previous current executor when dropped; see [`enter`].
///
/// ```
/// use wrt_async_core::{enter, current_executor, FallbackExecutor, WrtExecutor};
///
/// static MINE: FallbackExecutor<1> = FallbackExecutor::new();
/// let before = current_executor();
/// {
///     let _guard = enter(&MINE);
///     assert!(core::ptr::addr_eq(current_executor(), &MINE as &dyn WrtExecutor));
/// }
/// assert!(core::ptr::addr_eq(current_executor(), before));
/// ```
#[must_use = "the executor is current only while the guard lives"]
pub struct EnterGuard {
    #[cfg(feature = "std")]
    prev: imp::Saved,
    #[cfg(not(feature = "std"))]
    _private: (),
}

impl Drop for EnterGuard {
    #[inline]
    fn drop(&mut self) {
        #[cfg(feature = "std")]
        imp::DRIVING.with(|d| d.restore(self.prev));
    }
}

impl core::fmt::Debug for EnterGuard {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str("EnterGuard")
    }
}

/// Marks this thread as polling tasks while it lives (std), so a `block_on`
/// from inside a task can refuse instead of deadlocking.
pub(crate) struct TaskScope {
    #[cfg(feature = "std")]
    prev: imp::Saved,
}

impl TaskScope {
    #[inline]
    pub(crate) fn enter(executor: &'static dyn WrtExecutor, is_fallback: bool) -> Self {
        #[cfg(feature = "std")]
        {
            imp::DRIVING.with(|d| {
                let prev = d.save();
                d.set(executor, imp::IN_TASK | fallback_flag(is_fallback));
                Self { prev }
            })
        }
        #[cfg(not(feature = "std"))]
        {
            let _ = (executor, is_fallback);
            Self {}
        }
    }
}

impl Drop for TaskScope {
    #[inline]
    fn drop(&mut self) {
        #[cfg(feature = "std")]
        imp::DRIVING.with(|d| d.restore(self.prev));
    }
}

#[cfg(feature = "std")]
#[inline]
fn fallback_flag(is_fallback: bool) -> u8 {
    if is_fallback { imp::IS_FALLBACK } else { 0 }
}

/// The executor driving this thread, if any, and whether it is a fallback.
#[inline]
pub(crate) fn driving() -> Option<(&'static dyn WrtExecutor, bool)> {
    #[cfg(feature = "std")]
    {
        imp::DRIVING.with(|d| {
            d.executor
                .get()
                .map(|e| (e, d.flags.get() & imp::IS_FALLBACK != 0))
        })
    }
    #[cfg(not(feature = "std"))]
    {
        None
    }
}

/// Whether this thread is inside a task's poll (std; always `false` without
/// std, where the fallback checks its own driver flag instead). Only std
/// code asks (the fallback's `block_on` uses `enter_unless_in_task`).
#[inline]
#[cfg_attr(not(feature = "std"), allow(dead_code))]
pub(crate) fn in_task() -> bool {
    #[cfg(feature = "std")]
    {
        imp::DRIVING.with(|d| d.flags.get() & imp::IN_TASK != 0)
    }
    #[cfg(not(feature = "std"))]
    {
        false
    }
}
