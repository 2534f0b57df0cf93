//! `with_async` and `AsyncRuntime`: running async code from anywhere.

use core::future::Future;
use core::pin::Pin;
use core::task::{Context, Poll};

use crate::{ExecutorError, WrtExecutor, current_executor};

/// Runs `future` to completion on [`current_executor()`] and returns its
/// output: the bridge from sync code into async code.
///
/// Errors: `NotRunning` after shutdown, `NotSupported` on executors that
/// cannot block (Embassy), `WouldDeadlock` inside a task, and (std)
/// `TaskPanicked` if `future` panics.
///
/// ```
/// use wrt_async_core::{with_async, ExecutorError};
///
/// async fn hello_async() -> &'static str { "Hello from async!" }
///
/// assert_eq!(with_async(hello_async()), Ok("Hello from async!"));
/// assert_eq!(with_async(async { panic!("boom") }), Err::<(), _>(ExecutorError::TaskPanicked));
/// ```
pub fn with_async<F: Future>(future: F) -> Result<F::Output, ExecutorError> {
    let executor = current_executor();
    #[cfg(feature = "std")]
    {
        let run = core::panic::AssertUnwindSafe(|| executor.block_on(future));
        match std::panic::catch_unwind(run) {
            Ok(result) => result,
            Err(payload) => {
                drop_payload(payload);
                Err(ExecutorError::TaskPanicked)
            }
        }
    }
    #[cfg(not(feature = "std"))]
    {
        executor.block_on(future)
    }
}

/// A handle for running async operations with executor-level error
/// reporting, as in the original guide.
///
/// [`execute_async`](Self::execute_async) awaits a future inside async code
/// and reports, as `Result`, what would otherwise escape: the executor having
/// been shut down (`NotRunning`) and, on std, a panic of the future
/// (`TaskPanicked`). [`block_on`](Self::block_on) does the same from sync
/// code.
///
/// ```
/// use wrt_async_core::{with_async, AsyncRuntime, ExecutorError};
///
/// let answer = with_async(async {
///     let runtime = AsyncRuntime::new();
///     let value = runtime.execute_async(async { 42 }).await?;
///     let failed = runtime.execute_async(async { panic!("inner") }).await;
///     assert_eq!(failed, Err::<(), _>(ExecutorError::TaskPanicked));
///     Ok::<_, ExecutorError>(value)
/// });
/// assert_eq!(answer, Ok(Ok(42)));
/// ```
#[derive(Clone, Copy)]
pub struct AsyncRuntime {
    executor: Option<&'static dyn WrtExecutor>,
}

impl AsyncRuntime {
    /// A runtime that uses whatever [`current_executor()`] is when it runs.
    ///
    /// ```
    /// let runtime = wrt_async_core::AsyncRuntime::new();
    /// assert_eq!(runtime.block_on(async { 1 }), Ok(1));
    /// ```
    pub const fn new() -> Self {
        Self { executor: None }
    }

    /// A runtime bound to one executor.
    ///
    /// ```
    /// use wrt_async_core::{AsyncRuntime, FallbackExecutor};
    ///
    /// static EXEC: FallbackExecutor<4> = FallbackExecutor::new();
    /// let runtime = AsyncRuntime::with_executor(&EXEC);
    /// assert_eq!(runtime.block_on(async { 5 }), Ok(5));
    /// ```
    pub const fn with_executor(executor: &'static dyn WrtExecutor) -> Self {
        Self {
            executor: Some(executor),
        }
    }

    /// The executor this runtime uses.
    ///
    /// ```
    /// use wrt_async_core::{AsyncRuntime, FallbackExecutor, WrtExecutor};
    ///
    /// static EXEC: FallbackExecutor<1> = FallbackExecutor::new();
    /// let runtime = AsyncRuntime::with_executor(&EXEC);
    /// assert!(core::ptr::addr_eq(runtime.executor(), &EXEC as &dyn WrtExecutor));
    /// ```
    pub fn executor(&self) -> &'static dyn WrtExecutor {
        self.executor.unwrap_or_else(current_executor)
    }

    /// Awaits `future`, reporting a stopped executor or (std) a panic as an
    /// error instead of letting it escape.
    ///
    /// ```
    /// use wrt_async_core::{with_async, AsyncRuntime};
    ///
    /// let doubled = with_async(async { AsyncRuntime::new().execute_async(async { 21 * 2 }).await });
    /// assert_eq!(doubled, Ok(Ok(42)));
    /// ```
    pub fn execute_async<F: Future>(&self, future: F) -> ExecuteAsync<F> {
        ExecuteAsync {
            future,
            executor: self.executor(),
        }
    }

    /// Runs `future` to completion from sync code on this runtime's executor.
    ///
    /// ```
    /// let runtime = wrt_async_core::AsyncRuntime::new();
    /// assert_eq!(runtime.block_on(async { "done" }), Ok("done"));
    /// ```
    pub fn block_on<F: Future>(&self, future: F) -> Result<F::Output, ExecutorError> {
        self.executor().block_on(future)
    }
}

impl Default for AsyncRuntime {
    fn default() -> Self {
        Self::new()
    }
}

impl core::fmt::Debug for AsyncRuntime {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("AsyncRuntime")
            .field("bound", &self.executor.is_some())
            .finish()
    }
}

/// The future returned by [`AsyncRuntime::execute_async`].
///
/// ```
/// use wrt_async_core::{with_async, AsyncRuntime, ExecuteAsync};
///
/// let future: ExecuteAsync<_> = AsyncRuntime::new().execute_async(async { 1 });
/// assert_eq!(with_async(future), Ok(Ok(1)));
/// ```
#[must_use = "futures do nothing unless awaited"]
pub struct ExecuteAsync<F> {
    future: F,
    executor: &'static dyn WrtExecutor,
}

impl<F: Future> Future for ExecuteAsync<F> {
    type Output = Result<F::Output, ExecutorError>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        // SAFETY: `future` is structurally pinned (never moved out of self);
        // `executor` is a plain reference.
        let this = unsafe { self.get_unchecked_mut() };
        if !this.executor.is_running() {
            return Poll::Ready(Err(ExecutorError::NotRunning));
        }
        // SAFETY: see above.
        let future = unsafe { Pin::new_unchecked(&mut this.future) };
        #[cfg(feature = "std")]
        {
            let poll = core::panic::AssertUnwindSafe(|| future.poll(cx));
            match std::panic::catch_unwind(poll) {
                Ok(Poll::Ready(value)) => Poll::Ready(Ok(value)),
                Ok(Poll::Pending) => Poll::Pending,
                Err(payload) => {
                    drop_payload(payload);
                    Poll::Ready(Err(ExecutorError::TaskPanicked))
                }
            }
        }
        #[cfg(not(feature = "std"))]
        {
            future.poll(cx).map(Ok)
        }
    }
}

/// Drops a panic payload whose own destructor might panic.
#[cfg(feature = "std")]
pub(crate) fn drop_payload(payload: alloc::boxed::Box<dyn core::any::Any + Send>) {
    if let Err(inner) =
        std::panic::catch_unwind(core::panic::AssertUnwindSafe(move || drop(payload)))
    {
        core::mem::forget(inner);
    }
}
