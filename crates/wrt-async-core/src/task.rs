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
    /// Polls the task's future in place. Only the owning `TaskRef`
    /// (`runner`) calls this, never concurrently. When the task completes,
    /// the slot hands its result over, the runner leaves, and the slot calls
    /// [`TaskRef::forget_slot`] on `runner` at once, before anything that
    /// could unwind (waking the join handle): a TaskRef never lets go of a
    /// slot twice, even when a waker panics.
    fn poll_task(&'static self, cx: &mut Context<'_>, runner: &mut TaskRef) -> Poll<()>;

    /// Gives up the right to run a task that has not completed: its future
    /// is dropped and its join handle sees `reason`.
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
    /// The task's slot; [`SPENT`] once the task completed and its runner
    /// left the slot. A stand-in rather than an `Option`, which would
    /// take the reference's niche and so make every executor slot that holds
    /// a `TaskRef` one word larger on targets without `alloc`.
    task: &'static dyn RunTask,
}

/// What a [`TaskRef`] points at once its task completed: a `Ready` poll and
/// nothing to release. Not zero-sized, so no other object shares its address.
pub(crate) struct Spent {
    _not_zero_sized: u8,
}

pub(crate) static SPENT: Spent = Spent { _not_zero_sized: 0 };

impl RunTask for Spent {
    fn poll_task(&'static self, _: &mut Context<'_>, _: &mut TaskRef) -> Poll<()> {
        Poll::Ready(())
    }

    fn release_runner(&'static self, _: ExecutorError) {}
}

impl TaskRef {
    pub(crate) fn new(task: &'static dyn RunTask) -> Self {
        Self { task }
    }

    /// Drops the task's future, telling its join handle why. Used by
    /// executors that caught a panic from `poll`, where `Drop` could not tell.
    pub(crate) fn fail(mut self, reason: ExecutorError) {
        core::mem::replace(&mut self.task, &SPENT).release_runner(reason);
    }

    /// Called by the slot as the runner leaves it: the task completed, and
    /// the slot may be someone else's from now on.
    #[inline]
    pub(crate) fn forget_slot(&mut self) {
        self.task = &SPENT;
    }

    /// Whether the task completed (its runner has left the slot).
    #[inline]
    fn is_spent(&self) -> bool {
        core::ptr::addr_eq(self.task, &SPENT)
    }
}

impl Future for TaskRef {
    type Output = ();

    #[inline]
    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        let runner = self.get_mut();
        runner.task.poll_task(cx, runner)
    }
}

impl Drop for TaskRef {
    #[inline]
    fn drop(&mut self) {
        // A completed task whose runner left (the common case) has nothing
        // left to release.
        if !self.is_spent() {
            release(self.task);
        }
    }
}

/// Lets go of a slot a dropped TaskRef still holds: cancels its task, which
/// has not completed.
#[cold]
#[inline(never)]
fn release(task: &'static dyn RunTask) {
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
            .field("slot", &(self.task as *const dyn RunTask as *const ()))
            .field("completed", &self.is_spent())
            .finish()
    }
}
