//! The one error type every executor operation returns.

use core::fmt;

/// Why an executor operation failed.
///
/// Every method of [`WrtExecutor`](crate::WrtExecutor), the registry and the
/// join handles report failures with this type, so code written against one
/// executor handles the failures of every other the same way.
///
/// ```
/// use wrt_async_core::ExecutorError;
///
/// let e = ExecutorError::OutOfResources;
/// assert_eq!(e.to_string(), "executor is out of task slots");
/// let _as_error: &dyn core::error::Error = &e;
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ExecutorError {
    /// The executor was shut down (or never started): it accepts no more work.
    NotRunning,
    /// Every task slot (of the executor or of the task's static pool) is in use.
    OutOfResources,
    /// The executor cannot do this at all, e.g. `block_on` on Embassy.
    NotSupported,
    /// The task (or the future given to [`with_async`](crate::with_async)) panicked.
    TaskPanicked,
    /// An executor is already registered; the first registration wins.
    AlreadyRegistered,
    /// The task was dropped before it completed, e.g. by `shutdown`.
    Cancelled,
    /// `block_on` was called from inside a task of a running executor, where
    /// blocking would stop the very executor the awaited work needs.
    WouldDeadlock,
}

impl fmt::Display for ExecutorError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::NotRunning => "executor is not running",
            Self::OutOfResources => "executor is out of task slots",
            Self::NotSupported => "operation not supported by this executor",
            Self::TaskPanicked => "task panicked",
            Self::AlreadyRegistered => "an executor is already registered",
            Self::Cancelled => "task was cancelled before it completed",
            Self::WouldDeadlock => "block_on inside a task would deadlock the executor",
        })
    }
}

impl core::error::Error for ExecutorError {}
