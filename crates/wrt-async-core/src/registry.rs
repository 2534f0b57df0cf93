//! The global executor registry: set once, read everywhere.
//!
//! Modelled on `log::set_logger`: a three-state atomic (unset, setting, set)
//! guards a plain slot. The first registration wins, later ones get
//! `Err(AlreadyRegistered)`, and readers never see a half-written slot. On
//! targets without compare-and-swap the state transition goes through
//! `portable-atomic`, which the application backs with a critical section.

use crate::atomic::{AtomicU8, Ordering, UnsafeCell, static_unless_loom};
use crate::{ExecutorError, FallbackExecutor, WrtExecutor, context};

const UNSET: u8 = 0;
const SETTING: u8 = 1;
const SET: u8 = 2;

static_unless_loom! {
    static STATE: AtomicU8 = AtomicU8::new(UNSET);
}

struct Slot(UnsafeCell<Option<&'static dyn WrtExecutor>>);

// SAFETY: written once, by the thread that moved STATE from UNSET to SETTING,
// before it stores SET with Release; read only after loading SET with Acquire.
unsafe impl Sync for Slot {}

static_unless_loom! {
    static REGISTERED: Slot = Slot(UnsafeCell::new(None));
}

static_unless_loom! {
    /// The process-wide fallback executor, used until another is registered.
    static DEFAULT: FallbackExecutor = FallbackExecutor::new();
}

/// Registers `executor` as the process-wide executor, without heap.
///
/// The first registration wins; every later one returns
/// `Err(AlreadyRegistered)`. Concurrent calls elect exactly one winner, and a
/// loser returns only once the winner is visible to
/// [`current_executor`].
///
/// ```
/// use wrt_async_core::{register_executor_static, current_executor, ExecutorError, FallbackExecutor, WrtExecutor};
///
/// static MINE: FallbackExecutor<8> = FallbackExecutor::new();
/// register_executor_static(&MINE).unwrap();
/// assert_eq!(register_executor_static(&MINE), Err(ExecutorError::AlreadyRegistered));
/// assert_eq!(current_executor().stats().unwrap().capacity, 8);
/// ```
pub fn register_executor_static(executor: &'static dyn WrtExecutor) -> Result<(), ExecutorError> {
    register_with(|| executor)
}

/// Registers a boxed executor as the process-wide executor (alloc). The box
/// is leaked only if this registration wins; otherwise it is dropped and
/// `Err(AlreadyRegistered)` returned.
///
/// ```
/// use wrt_async_core::{register_executor, is_using_fallback, FallbackExecutor};
///
/// assert!(is_using_fallback());
/// register_executor(Box::new(FallbackExecutor::<4>::new())).unwrap();
/// assert!(!is_using_fallback());
/// ```
#[cfg(feature = "alloc")]
pub fn register_executor(
    executor: alloc::boxed::Box<dyn WrtExecutor>,
) -> Result<(), ExecutorError> {
    register_with(|| alloc::boxed::Box::leak(executor))
}

fn register_with(make: impl FnOnce() -> &'static dyn WrtExecutor) -> Result<(), ExecutorError> {
    match STATE.compare_exchange(UNSET, SETTING, Ordering::Acquire, Ordering::Acquire) {
        Ok(_) => {
            // SAFETY: we won the UNSET -> SETTING transition, so we are the
            // only writer, and no reader looks before SET.
            unsafe { *REGISTERED.0.get() = Some(make()) };
            STATE.store(SET, Ordering::Release);
            Ok(())
        }
        Err(mut state) => {
            while state == SETTING {
                crate::atomic::spin_loop();
                state = STATE.load(Ordering::Acquire);
            }
            Err(ExecutorError::AlreadyRegistered)
        }
    }
}

/// The registered executor, if one was registered.
///
/// ```
/// // Nothing registered in this program:
/// assert!(wrt_async_core::registered_executor().is_none());
/// ```
#[inline]
pub fn registered_executor() -> Option<&'static dyn WrtExecutor> {
    if STATE.load(Ordering::Acquire) == SET {
        // SAFETY: SET was stored with Release after the slot was written, and
        // the slot is never written again.
        unsafe { crate::atomic::read_cell(&REGISTERED.0) }
    } else {
        None
    }
}

/// The executor to use here and now: the one driving this thread (std,
/// inside `block_on` or a task), else the registered one, else the built-in
/// fallback.
///
/// ```
/// let exec = wrt_async_core::current_executor();
/// assert!(exec.is_running());
/// assert_eq!(exec.block_on(async { 1 + 1 }), Ok(2));
/// ```
#[inline]
pub fn current_executor() -> &'static dyn WrtExecutor {
    if let Some((executor, _)) = context::driving() {
        return executor;
    }
    match registered_executor() {
        Some(executor) => executor,
        None => default_executor(),
    }
}

/// The built-in process-wide fallback executor (what
/// [`current_executor`] returns until something is registered).
///
/// ```
/// assert_eq!(wrt_async_core::default_executor().stats().capacity, 32);
/// ```
pub fn default_executor() -> &'static FallbackExecutor {
    &DEFAULT
}

/// `true` while the code here runs on a fallback executor: nothing was
/// registered and no other executor drives this thread.
///
/// ```
/// assert!(wrt_async_core::is_using_fallback());
/// ```
pub fn is_using_fallback() -> bool {
    match context::driving() {
        Some((_, is_fallback)) => is_fallback,
        None => registered_executor().is_none(),
    }
}
