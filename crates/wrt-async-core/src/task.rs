//! `TaskRef`: a task that lives in static storage, as a future any executor
//! can run.

use core::fmt;
use core::future::Future;
use core::pin::Pin;
use core::task::{Context, Poll};

use crate::ExecutorError;

/// What a static task slot offers the one `TaskRef` that runs it.
///
/// Implemented by the slots of [`TaskPool`](crate::TaskPool); the methods take
/// `&'static self` because slots live in statics.
pub(crate) trait RunTask: Sync {
    /// Polls the task's future in place. Only the owning `TaskRef` calls this,
    /// never concurrently (it needs `&mut TaskRef`), passing its own `task`
    /// field as `runner`. When the task completes, the runner leaves the slot
    /// as part of the completion, and the slot sets `*runner` to `None` at
    /// that moment, before anything that may unwind (the output's drop, a
    /// join waker), so that a TaskRef never calls into a slot it has left.
    fn poll_task(
        &'static self,
        cx: &mut Context<'_>,
        runner: &mut Option<&'static dyn RunTask>,
    ) -> Poll<()>;

    /// Gives up the right to run the task. If it has not completed, its
    /// future is dropped and its join handle sees `reason`.
    fn release_runner(&'static self, reason: ExecutorError);
}

/// A task in a static [`TaskPool`](crate::TaskPool) slot, ready to be spawned.
///
/// It is an ordinary `Future<Output = ()> + Send + Unpin + 'static` that polls
/// the task in place, so any executor can run it: the fallback stores it in
/// one of its slots without boxing, Tokio can `spawn` it directly, Embassy can
/// await it in a runner task. Dropping it before the task completed cancels
/// the task: the future is dropped in place and the join handle reports
/// [`ExecutorError::Cancelled`] (or `TaskPanicked` if dropped while unwinding).
///
/// ```
/// use wrt_async_core::TaskPool;
///
/// struct Ready;
/// impl core::future::Future for Ready {
///     type Output = u8;
///     fn poll(self: core::pin::Pin<&mut Self>, _: &mut core::task::Context<'_>) -> core::task::Poll<u8> {
///         core::task::Poll::Ready(5)
///     }
/// }
///
/// static POOL: TaskPool<Ready, 1> = TaskPool::new();
/// let (task, join) = POOL.claim(|| Ready).into_parts().unwrap();
/// let exec = wrt_async_core::current_executor();
/// exec.spawn_task(task).unwrap();
/// assert_eq!(exec.block_on(join), Ok(Ok(5)));
/// ```
#[must_use = "a TaskRef does nothing unless spawned; dropping it cancels the task"]
pub struct TaskRef {
    /// `None` once the task completed: its runner left the slot as it did.
    task: Option<&'static dyn RunTask>,
}

impl TaskRef {
    pub(crate) fn new(task: &'static dyn RunTask) -> Self {
        Self { task: Some(task) }
    }

    /// Drops the task's future, telling its join handle why. Used by
    /// executors that caught a panic from `poll`, where `Drop` could not tell.
    pub(crate) fn fail(mut self, reason: ExecutorError) {
        if let Some(task) = self.task.take() {
            task.release_runner(reason);
        }
    }
}

impl Future for TaskRef {
    type Output = ();

    #[inline]
    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        match self.task {
            // On completion the slot sets `self.task` to `None`.
            Some(task) => task.poll_task(cx, &mut self.task),
            None => Poll::Ready(()),
        }
    }
}

impl Drop for TaskRef {
    #[inline]
    fn drop(&mut self) {
        // A completed task (the common case) has nothing left to release.
        if let Some(task) = self.task {
            cancel(task);
        }
    }
}

/// Drops a task that has not completed (its TaskRef was dropped).
#[cold]
#[inline(never)]
fn cancel(task: &'static dyn RunTask) {
    // An executor that unwinds through a panicking task (Tokio does) drops
    // the task during the unwind: that is a panic, not a cancellation.
    #[cfg(feature = "std")]
    let reason = if std::thread::panicking() {
        ExecutorError::TaskPanicked
    } else {
        ExecutorError::Cancelled
    };
    #[cfg(not(feature = "std"))]
    let reason = ExecutorError::Cancelled;
    task.release_runner(reason);
}

impl fmt::Debug for TaskRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TaskRef")
            .field(
                "slot",
                &self.task.map(|t| t as *const dyn RunTask as *const ()),
            )
            .finish()
    }
}
