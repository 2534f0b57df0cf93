//! wrt on Tokio.

use core::future::Future;

use tokio::runtime::{Handle, Runtime};
use wrt_async_core::{BoxedFuture, ExecutorError, ExecutorState, TaskRef};

/// A [`WrtExecutor`](wrt_async_core::WrtExecutor) that runs wrt tasks on a
/// Tokio runtime.
///
/// - `spawn` (boxed futures) and `spawn_task` (static pool tasks, spawned on
///   Tokio as they are, without another box) go to `Handle::spawn`;
/// - `block_on` uses `Runtime::block_on` when the adapter owns the runtime
///   (so current-thread runtimes work), else `Handle::block_on`; called from
///   inside the runtime it returns `Err(WouldDeadlock)` instead of Tokio's
///   panic;
/// - `shutdown` stops accepting work: `is_running()` turns false, `spawn` and
///   `block_on` return `Err(NotRunning)`. Tasks already on Tokio run on; the
///   runtime itself shuts down when the adapter is dropped.
///
/// ```
/// use wrt_async_core::{ExecutorError, WrtExecutor};
/// use wrt_async_adapters::TokioExecutor;
///
/// #[wrt_async_core::task(pool = 2)]
/// async fn add(a: u32, b: u32) -> u32 { a + b }
///
/// let exec: &'static TokioExecutor = Box::leak(Box::new(TokioExecutor::current_thread().unwrap()));
/// let as_dyn: &'static dyn WrtExecutor = exec;
/// let sum = as_dyn.block_on(async { add(2, 3).spawn()?.await }).unwrap();
/// assert_eq!(sum, Ok(5));
/// exec.shutdown().unwrap();
/// assert!(!exec.is_running());
/// assert_eq!(add(1, 1).spawn_on(exec).unwrap_err(), ExecutorError::NotRunning);
/// ```
#[derive(Debug)]
pub struct TokioExecutor {
    runtime: Option<Runtime>,
    handle: Handle,
    state: ExecutorState,
}

impl TokioExecutor {
    /// Wraps a runtime the adapter owns.
    pub fn new(runtime: Runtime) -> Self {
        Self {
            handle: runtime.handle().clone(),
            runtime: Some(runtime),
            state: ExecutorState::new(),
        }
    }

    /// Wraps a handle to a runtime owned elsewhere (multi-thread runtimes:
    /// `Handle::block_on` cannot drive a current-thread runtime's tasks).
    pub fn from_handle(handle: Handle) -> Self {
        Self {
            runtime: None,
            handle,
            state: ExecutorState::new(),
        }
    }

    /// A new multi-thread runtime, with every Tokio driver this build has
    /// (I/O, timers) enabled.
    pub fn multi_thread() -> std::io::Result<Self> {
        tokio::runtime::Builder::new_multi_thread()
            .enable_all()
            .build()
            .map(Self::new)
    }

    /// A new current-thread runtime (tasks run while a thread is inside
    /// `block_on`).
    pub fn current_thread() -> std::io::Result<Self> {
        tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map(Self::new)
    }

    /// The Tokio handle, for Tokio-specific work.
    pub fn handle(&self) -> &Handle {
        &self.handle
    }
}

#[wrt_async_core::executor(crate = wrt_async_core)]
impl TokioExecutor {
    fn spawn(&self, future: BoxedFuture<'static, ()>) -> Result<(), ExecutorError> {
        drop(self.handle.spawn(future));
        Ok(())
    }

    fn spawn_task(&self, task: TaskRef) -> Result<(), ExecutorError> {
        drop(self.handle.spawn(task));
        Ok(())
    }

    fn block_on<F: Future>(&self, future: F) -> Result<F::Output, ExecutorError> {
        // Tokio panics when a thread inside a runtime blocks on one.
        if Handle::try_current().is_ok() {
            return Err(ExecutorError::WouldDeadlock);
        }
        Ok(match &self.runtime {
            Some(runtime) => runtime.block_on(future),
            None => self.handle.block_on(future),
        })
    }
}
