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

    #[derive(Clone, Copy)]
    pub(super) struct Driving {
        pub(super) executor: Option<&'static dyn WrtExecutor>,
        pub(super) is_fallback: bool,
        pub(super) in_task: bool,
    }

    #[cfg(not(loom))]
    std::thread_local! {
        pub(super) static DRIVING: Cell<Driving> = const {
            Cell::new(Driving { executor: None, is_fallback: false, in_task: false })
        };
    }

    // Loom runs all its model threads on one OS thread, where a std
    // thread-local would be shared by them (and its macro takes no `const`).
    #[cfg(loom)]
    loom::thread_local! {
        pub(super) static DRIVING: Cell<Driving> =
            Cell::new(Driving { executor: None, is_fallback: false, in_task: false });
    }

    #[inline]
    pub(super) fn replace(next: Driving) -> Driving {
        DRIVING.with(|d| d.replace(next))
    }

    #[inline]
    pub(super) fn get() -> Driving {
        DRIVING.with(Cell::get)
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
        let prev = imp::get();
        imp::replace(imp::Driving {
            executor: Some(executor),
            is_fallback,
            in_task: prev.in_task,
        });
        EnterGuard { prev }
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
            let prev = d.get();
            if prev.in_task {
                return None;
            }
            d.set(imp::Driving {
                executor: Some(executor),
                is_fallback,
                in_task: false,
            });
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
    prev: imp::Driving,
    #[cfg(not(feature = "std"))]
    _private: (),
}

impl Drop for EnterGuard {
    #[inline]
    fn drop(&mut self) {
        #[cfg(feature = "std")]
        imp::replace(self.prev);
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
    prev: imp::Driving,
}

impl TaskScope {
    #[inline]
    pub(crate) fn enter(executor: &'static dyn WrtExecutor, is_fallback: bool) -> Self {
        #[cfg(feature = "std")]
        {
            let prev = imp::replace(imp::Driving {
                executor: Some(executor),
                is_fallback,
                in_task: true,
            });
            Self { prev }
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
        imp::replace(self.prev);
    }
}

/// The executor driving this thread, if any, and whether it is a fallback.
#[inline]
pub(crate) fn driving() -> Option<(&'static dyn WrtExecutor, bool)> {
    #[cfg(feature = "std")]
    {
        let d = imp::get();
        d.executor.map(|e| (e, d.is_fallback))
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
        imp::get().in_task
    }
    #[cfg(not(feature = "std"))]
    {
        false
    }
}
