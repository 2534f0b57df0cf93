//! The object-safe executor interface.

use core::future::Future;
use core::pin::Pin;
use core::task::{Context, Poll, Waker};

use crate::{ExecutorError, TaskRef};

/// A heap-allocated, type-erased future that can be sent to another thread.
///
/// Spawned futures must be `'static`: an executor may keep polling them after
/// the spawning function returned (the original guide allowed `'_` here, which
/// no real executor can honour soundly).
///
/// ```
/// use wrt_async_core::BoxedFuture;
///
/// let fut: BoxedFuture<'static, u32> = Box::pin(async { 7 });
/// # let _ = fut;
/// ```
#[cfg(feature = "alloc")]
pub type BoxedFuture<'a, T> = Pin<alloc::boxed::Box<dyn Future<Output = T> + Send + 'a>>;

/// What `spawn` hands back: the task's id, unique per executor, and if the
/// executor can give one, a waker that schedules the task.
///
/// ```
/// use wrt_async_core::current_executor;
///
/// let exec = current_executor();
/// let a = exec.spawn(Box::pin(async {})).unwrap();
/// let b = exec.spawn(Box::pin(async {})).unwrap();
/// assert_ne!(a.id, b.id);
/// # exec.block_on(async {}).unwrap();
/// ```
#[derive(Clone, Debug)]
pub struct TaskHandle {
    /// Unique among the tasks this executor has spawned; never 0.
    pub id: u64,
    /// Wakes the task, where the executor exposes one.
    pub waker: Option<Waker>,
}

/// Counters an executor may report for monitoring (see
/// [`WrtExecutor::stats`]). Counters wrap on overflow.
///
/// ```
/// use wrt_async_core::FallbackExecutor;
///
/// static EXEC: FallbackExecutor = FallbackExecutor::new();
/// EXEC.block_on(async {}).unwrap();
/// let stats = EXEC.stats();
/// assert_eq!(stats.capacity, 32);
/// assert_eq!(stats.live, 0);
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ExecutorStats {
    /// Tasks spawned and not yet finished.
    pub live: usize,
    /// How many tasks may be live at once.
    pub capacity: usize,
    /// Tasks ever spawned.
    pub spawned: usize,
    /// Tasks that ran to completion.
    pub completed: usize,
    /// Tasks that panicked (std only; isolated from the others).
    pub panicked: usize,
    /// Times a spawned task was polled.
    pub polls: usize,
}

/// An async executor that wrt code can run on.
///
/// The trait is object-safe: the registry hands out `&'static dyn WrtExecutor`
/// and every method, including a generic `block_on` (an inherent method of
/// `dyn WrtExecutor` built on [`block_on_dyn`](Self::block_on_dyn)), works
/// through it. (A generic method on the trait itself would make it
/// non-object-safe, the original guide's mistake; the typed future is erased
/// into `block_on_dyn` with its output written to the caller's stack.)
///
/// Methods that start or schedule work take `&'static self`: the executor's
/// wakers may be stored anywhere and woken at any time, so the executor must
/// outlive them all. Put it in a `static`, leak it, or register it.
///
/// # Implementing it by hand
/// The minimum is [`spawn`](Self::spawn) (alloc) or
/// [`spawn_task`](Self::spawn_task) (no heap), plus
/// [`is_running`](Self::is_running) and [`shutdown`](Self::shutdown). Override
/// [`block_on_dyn`](Self::block_on_dyn) if the backend can block; the
/// `#[wrt::executor]` macro writes all of this from a few plain methods.
///
/// ```
/// use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
/// use wrt_async_core::{BoxedFuture, ExecutorError, FallbackExecutor, TaskHandle, WrtExecutor};
///
/// /// Runs every spawned future on a thread of its own.
/// struct ThreadPerTask { running: AtomicBool, next_id: AtomicU64 }
///
/// impl WrtExecutor for ThreadPerTask {
///     fn spawn(&'static self, fut: BoxedFuture<'static, ()>) -> Result<TaskHandle, ExecutorError> {
///         if !self.is_running() {
///             return Err(ExecutorError::NotRunning);
///         }
///         std::thread::spawn(move || RUNNER.block_on(fut));
///         Ok(TaskHandle { id: self.next_id.fetch_add(1, Ordering::Relaxed), waker: None })
///     }
///     fn is_running(&self) -> bool { self.running.load(Ordering::Acquire) }
///     fn shutdown(&self) -> Result<(), ExecutorError> {
///         self.running.store(false, Ordering::Release);
///         Ok(())
///     }
/// }
///
/// static RUNNER: FallbackExecutor = FallbackExecutor::new();
/// static EXEC: ThreadPerTask = ThreadPerTask { running: AtomicBool::new(true), next_id: AtomicU64::new(1) };
/// let exec: &'static dyn WrtExecutor = &EXEC;
/// assert!(exec.spawn(Box::pin(async {})).is_ok());
/// assert_eq!(exec.block_on(async { 1 }), Err(ExecutorError::NotSupported));
/// exec.shutdown().unwrap();
/// assert_eq!(exec.spawn(Box::pin(async {})).unwrap_err(), ExecutorError::NotRunning);
/// ```
pub trait WrtExecutor: Send + Sync {
    /// Spawns a boxed future. The default returns `NotSupported`, for
    /// executors that only run static tasks.
    #[cfg(feature = "alloc")]
    fn spawn(&'static self, future: BoxedFuture<'static, ()>) -> Result<TaskHandle, ExecutorError> {
        drop(future);
        Err(ExecutorError::NotSupported)
    }

    /// Spawns a task that lives in a static [`TaskPool`](crate::TaskPool): no
    /// heap. The default boxes the task into [`spawn`](Self::spawn) (alloc) or
    /// returns `NotSupported` (no alloc).
    fn spawn_task(&'static self, task: TaskRef) -> Result<TaskHandle, ExecutorError> {
        #[cfg(feature = "alloc")]
        {
            self.spawn(alloc::boxed::Box::pin(task))
        }
        #[cfg(not(feature = "alloc"))]
        {
            drop(task);
            Err(ExecutorError::NotSupported)
        }
    }

    /// Drives `future` to completion on the calling thread, running spawned
    /// tasks meanwhile if the executor does that. This is the object-safe half
    /// of `block_on`; call the generic [`block_on`](#method.block_on) instead.
    /// The default returns `NotSupported`.
    fn block_on_dyn(
        &'static self,
        _future: Pin<&mut (dyn Future<Output = ()> + '_)>,
    ) -> Result<(), ExecutorError> {
        Err(ExecutorError::NotSupported)
    }

    /// Polls every task that is ready, once. Executors that drive themselves
    /// (Tokio, Embassy) have nothing to do here: the default returns `Ok(())`.
    fn poll_once(&'static self) -> Result<(), ExecutorError> {
        Ok(())
    }

    /// `false` once [`shutdown`](Self::shutdown) was called.
    fn is_running(&self) -> bool;

    /// Stops accepting work; after it, `spawn` and `block_on` return
    /// `Err(NotRunning)` and `is_running()` is `false`.
    fn shutdown(&self) -> Result<(), ExecutorError>;

    /// Monitoring counters, where the executor keeps them.
    fn stats(&self) -> Option<ExecutorStats> {
        None
    }
}

impl dyn WrtExecutor {
    /// Drives `future` to completion on this executor and returns its output.
    ///
    /// ```
    /// let exec = wrt_async_core::current_executor();
    /// assert_eq!(exec.block_on(async { 6 * 7 }), Ok(42));
    /// ```
    pub fn block_on<F: Future>(&'static self, future: F) -> Result<F::Output, ExecutorError> {
        // The built-in default executor, what `current_executor()` returns
        // when nothing is registered, is a known type: its typed `block_on`
        // needs no type erasure, no output slot and no virtual calls, and
        // behaves the same. One address comparison buys that.
        let default = crate::registry::default_executor();
        if core::ptr::addr_eq(self, default) {
            return default.block_on_outlined(future);
        }
        block_on_via_dyn(self, future)
    }
}

/// Runs a typed future through the type-erased `block_on_dyn` and hands the
/// output back. The output travels through a slot on this stack frame, so no
/// heap is needed.
fn block_on_via_dyn<F: Future>(
    exec: &'static dyn WrtExecutor,
    future: F,
) -> Result<F::Output, ExecutorError> {
    let mut output = None;
    {
        let mut erased = core::pin::pin!(StoreOutput {
            future,
            output: &mut output
        });
        exec.block_on_dyn(erased.as_mut())?;
    }
    // An executor that returned Ok without finishing the future broke the
    // contract; report it rather than inventing a value.
    output.ok_or(ExecutorError::Cancelled)
}

/// Turns `Future<Output = T>` into `Future<Output = ()>` by writing the output
/// into a slot the caller owns.
struct StoreOutput<'a, F: Future> {
    future: F,
    output: &'a mut Option<F::Output>,
}

impl<F: Future> Future for StoreOutput<'_, F> {
    type Output = ();

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        // SAFETY: `future` is structurally pinned: it is never moved out of
        // `self`, and `output` (a plain `&mut`) is never pinned.
        let this = unsafe { self.get_unchecked_mut() };
        // SAFETY: see above; `this.future` stays where the pin put it.
        let future = unsafe { Pin::new_unchecked(&mut this.future) };
        match future.poll(cx) {
            Poll::Ready(value) => {
                *this.output = Some(value);
                Poll::Ready(())
            }
            Poll::Pending => Poll::Pending,
        }
    }
}

/// Forwards every method to the executor behind a pointer, so that
/// `&'static T` and `Box<T>` (e.g. `#[wrt::main(executor = &MY_EXEC)]`) are
/// executors too.
macro_rules! forward_executor {
    ($(#[$attr:meta])* $ptr:ty) => {
        $(#[$attr])*
        impl<T: WrtExecutor + ?Sized> WrtExecutor for $ptr {
            #[cfg(feature = "alloc")]
            fn spawn(&'static self, future: BoxedFuture<'static, ()>) -> Result<TaskHandle, ExecutorError> {
                (**self).spawn(future)
            }
            fn spawn_task(&'static self, task: TaskRef) -> Result<TaskHandle, ExecutorError> {
                (**self).spawn_task(task)
            }
            fn block_on_dyn(
                &'static self,
                future: Pin<&mut (dyn Future<Output = ()> + '_)>,
            ) -> Result<(), ExecutorError> {
                (**self).block_on_dyn(future)
            }
            fn poll_once(&'static self) -> Result<(), ExecutorError> {
                (**self).poll_once()
            }
            fn is_running(&self) -> bool {
                (**self).is_running()
            }
            fn shutdown(&self) -> Result<(), ExecutorError> {
                (**self).shutdown()
            }
            fn stats(&self) -> Option<ExecutorStats> {
                (**self).stats()
            }
        }
    };
}

forward_executor!(&'static T);
forward_executor!(#[cfg(feature = "alloc")] alloc::boxed::Box<T>);
