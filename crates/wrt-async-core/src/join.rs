//! Join handles and spawn tokens for static pool tasks.

use core::fmt;
use core::future::Future;
use core::marker::PhantomData;
use core::pin::Pin;
use core::task::{Context, Poll, Waker};

use crate::{ExecutorError, TaskRef, WrtExecutor};

/// The result side of a task slot, as seen by its join handle.
pub(crate) trait JoinTarget<T>: Sync {
    fn poll_join(&'static self, waker: &Waker) -> Poll<Result<T, ExecutorError>>;
    fn is_finished(&'static self) -> bool;
    fn release_handle(&'static self);
}

/// Awaits the output of a task from a static pool.
///
/// Resolves to `Ok(output)` when the task completed, `Err(Cancelled)` if it
/// was dropped first (e.g. by `shutdown`) and `Err(TaskPanicked)` if it
/// panicked. Dropping the handle detaches the task: it keeps running and its
/// output is dropped when it completes. No heap is involved: the output waits
/// in the task's own slot.
///
/// ```
/// #[wrt_async_core::task(pool = 2)]
/// async fn double(x: u32) -> u32 { x * 2 }
///
/// let exec = wrt_async_core::current_executor();
/// let join = double(21).spawn().unwrap();
/// assert_eq!(exec.block_on(join), Ok(Ok(42)));
/// ```
#[must_use = "dropping a JoinHandle detaches the task"]
pub struct JoinHandle<T: 'static> {
    target: &'static dyn JoinTarget<T>,
    id: u64,
    _owns: PhantomData<T>,
}

impl<T: 'static> JoinHandle<T> {
    pub(crate) fn new(target: &'static dyn JoinTarget<T>) -> Self {
        Self {
            target,
            id: 0,
            _owns: PhantomData,
        }
    }

    /// The id the executor gave the task when it was spawned.
    ///
    /// ```
    /// #[wrt_async_core::task]
    /// async fn job() {}
    ///
    /// let join = job().spawn().unwrap();
    /// assert_ne!(join.id(), 0);
    /// # wrt_async_core::current_executor().block_on(join).unwrap().unwrap();
    /// ```
    pub fn id(&self) -> u64 {
        self.id
    }

    /// `true` once the task completed, was cancelled or panicked.
    ///
    /// ```
    /// #[wrt_async_core::task]
    /// async fn job() {}
    ///
    /// let join = job().spawn().unwrap();
    /// assert!(!join.is_finished());
    /// wrt_async_core::current_executor().poll_once().unwrap();
    /// assert!(join.is_finished());
    /// ```
    pub fn is_finished(&self) -> bool {
        self.target.is_finished()
    }
}

impl<T: 'static> Future for JoinHandle<T> {
    type Output = Result<T, ExecutorError>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        self.target.poll_join(cx.waker())
    }
}

impl<T: 'static> Drop for JoinHandle<T> {
    fn drop(&mut self) {
        self.target.release_handle();
    }
}

impl<T: 'static> fmt::Debug for JoinHandle<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("JoinHandle")
            .field("id", &self.id)
            .field("finished", &self.is_finished())
            .finish()
    }
}

/// A task claimed from a static pool, not yet spawned: what a
/// `#[wrt::task]` function returns.
///
/// [`spawn`](Self::spawn) puts it on the current executor,
/// [`spawn_on`](Self::spawn_on) on a given one; both hand back the task's
/// [`JoinHandle`]. If the pool had no free slot, both return
/// `Err(OutOfResources)`. Dropping the token frees the slot.
///
/// ```
/// #[wrt_async_core::task]
/// async fn hello() -> &'static str { "hi" }
///
/// let exec = wrt_async_core::current_executor();
/// let first = hello().spawn_on(exec).unwrap();
/// // pool = 1 by default: the slot is busy until `first` is joined.
/// assert_eq!(hello().spawn().unwrap_err(), wrt_async_core::ExecutorError::OutOfResources);
/// assert_eq!(exec.block_on(first), Ok(Ok("hi")));
/// ```
#[must_use = "a SpawnToken does nothing unless spawned"]
pub struct SpawnToken<T: 'static> {
    claimed: Result<(TaskRef, JoinHandle<T>), ExecutorError>,
}

impl<T: 'static> SpawnToken<T> {
    pub(crate) fn new(claimed: Result<(TaskRef, JoinHandle<T>), ExecutorError>) -> Self {
        Self { claimed }
    }

    /// Spawns the task on [`current_executor()`](crate::current_executor).
    ///
    /// ```
    /// #[wrt_async_core::task]
    /// async fn seven() -> u8 { 7 }
    ///
    /// let join = seven().spawn().unwrap();
    /// assert_eq!(wrt_async_core::with_async(join), Ok(Ok(7)));
    /// ```
    pub fn spawn(self) -> Result<JoinHandle<T>, ExecutorError> {
        self.spawn_on(crate::current_executor())
    }

    /// Spawns the task on `executor`.
    ///
    /// ```
    /// use wrt_async_core::FallbackExecutor;
    ///
    /// #[wrt_async_core::task]
    /// async fn seven() -> u8 { 7 }
    ///
    /// static EXEC: FallbackExecutor<2> = FallbackExecutor::new();
    /// let join = seven().spawn_on(&EXEC).unwrap();
    /// assert_eq!(EXEC.block_on(join), Ok(Ok(7)));
    /// ```
    pub fn spawn_on<E: WrtExecutor + ?Sized>(
        self,
        executor: &'static E,
    ) -> Result<JoinHandle<T>, ExecutorError> {
        let (task, mut join) = self.claimed?;
        join.id = executor.spawn_task(task)?.id;
        Ok(join)
    }

    /// The raw parts: the task to hand to an executor yourself, and its join
    /// handle. `Err(OutOfResources)` if the pool was full.
    ///
    /// ```
    /// #[wrt_async_core::task]
    /// async fn seven() -> u8 { 7 }
    ///
    /// let (task, join) = seven().into_parts().unwrap();
    /// // A TaskRef is an ordinary `Future + Send + Unpin + 'static`.
    /// let exec = wrt_async_core::current_executor();
    /// exec.spawn(Box::pin(task)).unwrap();
    /// assert_eq!(exec.block_on(join), Ok(Ok(7)));
    /// ```
    pub fn into_parts(self) -> Result<(TaskRef, JoinHandle<T>), ExecutorError> {
        self.claimed
    }
}

impl<T: 'static> fmt::Debug for SpawnToken<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SpawnToken")
            .field("claimed", &self.claimed.is_ok())
            .finish()
    }
}
