//! State every executor adapter needs and the guide's adapters got wrong:
//! unique task ids and a running flag that shutdown really turns off.

use crate::ExecutorError;
use crate::atomic::{AtomicBool, IdCounter, Ordering};

/// Running flag and task-id counter for an executor adapter.
///
/// Put one in your adapter struct; `#[wrt::executor]` finds it (field
/// `state` by default) and derives `is_running`, `shutdown` and task ids
/// from it.
///
/// ```
/// use wrt_async_core::{ExecutorError, ExecutorState};
///
/// let state = ExecutorState::new();
/// assert_eq!(state.next_id(), 1);
/// assert_eq!(state.next_id(), 2);
/// assert!(state.check_running().is_ok());
/// assert!(state.stop());
/// assert!(!state.stop(), "only the first stop reports true");
/// assert_eq!(state.check_running(), Err(ExecutorError::NotRunning));
/// ```
#[derive(Debug)]
pub struct ExecutorState {
    running: AtomicBool,
    next_id: IdCounter,
}

impl ExecutorState {
    crate::atomic::const_fn_unless_loom! {
        /// Running, next id 1.
        ///
        /// ```
        /// let state = wrt_async_core::ExecutorState::new();
        /// assert!(state.is_running());
        /// assert_eq!(state.next_id(), 1);
        /// ```
        pub const fn new() -> Self {
            Self {
                running: AtomicBool::new(true),
                next_id: IdCounter::new(1),
            }
        }
    }

    /// A fresh id, unique for this state (never 0).
    ///
    /// ```
    /// let state = wrt_async_core::ExecutorState::new();
    /// let (a, b) = (state.next_id(), state.next_id());
    /// assert!(a != 0 && a != b);
    /// ```
    pub fn next_id(&self) -> u64 {
        crate::atomic::take_id(&self.next_id)
    }

    /// `false` after [`stop`](Self::stop).
    ///
    /// ```
    /// let state = wrt_async_core::ExecutorState::new();
    /// state.stop();
    /// assert!(!state.is_running());
    /// ```
    pub fn is_running(&self) -> bool {
        self.running.load(Ordering::Acquire)
    }

    /// `Err(NotRunning)` after [`stop`](Self::stop).
    ///
    /// ```
    /// use wrt_async_core::{ExecutorError, ExecutorState};
    /// let state = ExecutorState::new();
    /// assert_eq!(state.check_running(), Ok(()));
    /// state.stop();
    /// assert_eq!(state.check_running(), Err(ExecutorError::NotRunning));
    /// ```
    pub fn check_running(&self) -> Result<(), ExecutorError> {
        if self.is_running() {
            Ok(())
        } else {
            Err(ExecutorError::NotRunning)
        }
    }

    /// Stops; returns `true` only for the call that did it.
    ///
    /// ```
    /// let state = wrt_async_core::ExecutorState::new();
    /// assert!(state.stop());
    /// assert!(!state.stop());
    /// ```
    pub fn stop(&self) -> bool {
        self.running.swap(false, Ordering::AcqRel)
    }
}

impl Default for ExecutorState {
    fn default() -> Self {
        Self::new()
    }
}
