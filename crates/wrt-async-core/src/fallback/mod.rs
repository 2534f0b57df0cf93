//! The built-in executor: bounded, wake-driven, no heap.
//!
//! `FallbackExecutor<N>` is an [`Engine`](engine::Engine) (the bitmaps, spawning,
//! polling, wakers: code shared by every capacity) followed by its `N` task
//! slots.

mod engine;

use core::future::Future;
use core::mem::ManuallyDrop;
use core::pin::{Pin, pin};
use core::task::{Context, Poll};

use self::engine::{Engine, STOPPED, Slot, Task};
use crate::atomic::UnsafeCell;
use crate::{ExecutorError, ExecutorStats, TaskHandle, TaskRef, WrtExecutor};

/// How many tasks the default fallback executor runs at once.
///
/// ```
/// assert_eq!(wrt_async_core::MAX_TASKS, 32);
/// ```
pub const MAX_TASKS: usize = 32;

/// The built-in executor: up to `N` (at most 32, by default [`MAX_TASKS`])
/// live tasks in slots inside the executor itself, so it allocates nothing.
///
/// - `spawn` takes a free slot in O(1) and returns `Err(OutOfResources)` when
///   all `N` are live; a slot is free again as soon as its task finishes.
/// - Wake-driven: [`poll_once`](WrtExecutor::poll_once) polls only the tasks
///   woken since their last poll, each at most once per call, lowest slot
///   first; a task woken during a call waits for the next, so none starves.
/// - `block_on` drives its future and the spawned tasks; with nothing ready
///   it sleeps (std: the thread blocks until a waker fires, on any thread;
///   no_std: the idle hook runs, by default a spin hint, e.g. `wfe` on
///   Cortex-M, see [`with_idle_hook`](Self::with_idle_hook)).
/// - Several threads may `block_on` at once: each drives its own future, and
///   one at a time polls the spawned tasks.
/// - std: a panicking task is isolated (its slot is freed, its join handle
///   sees `TaskPanicked`, the others go on) and counted in [`stats`](Self::stats).
///
/// Its methods that run or schedule work take `&'static self`: keep it in a
/// `static`.
///
/// ```
/// use wrt_async_core::{FallbackExecutor, WrtExecutor};
///
/// static EXEC: FallbackExecutor = FallbackExecutor::new();
///
/// EXEC.spawn(Box::pin(async { println!("spawned task ran") })).unwrap();
/// EXEC.poll_once().unwrap(); // polls every woken task once
/// assert_eq!(EXEC.stats().completed, 1);
/// // block_on drives its future (and the tasks) until the future completes.
/// assert_eq!(EXEC.block_on(async { 42 }), Ok(42));
/// ```
#[repr(C, align(64))]
pub struct FallbackExecutor<const N: usize = MAX_TASKS> {
    /// First, so that the engine sits at the executor's 64-aligned address.
    engine: Engine,
    /// Task storage; a slot is touched only by the spawner that claimed it
    /// (before it is live) and by the thread holding the driver role (after).
    slots: [Slot; N],
}

// SAFETY: the slots are the only non-Sync state. A slot is written by the one
// spawner that claimed its `occupied` bit, before it publishes the slot with
// `live` (Release), and afterwards accessed only by the thread that holds
// `driver` (Acquire), which frees it with Release before the next claim
// (Acquire). Tasks are `Send`, so moving them between those threads is fine.
unsafe impl<const N: usize> Sync for FallbackExecutor<N> {}

impl<const N: usize> FallbackExecutor<N> {
    const CAPACITY_CHECK: () = assert!(
        N >= 1 && N <= 32,
        "a FallbackExecutor holds 1 to 32 tasks (its ready set is one 32-bit atomic word)"
    );

    crate::atomic::const_fn_unless_loom! {
        /// A running executor with no tasks. `const`, so it can be a `static`.
        ///
        /// ```
        /// use wrt_async_core::{FallbackExecutor, WrtExecutor};
        ///
        /// static EXEC: FallbackExecutor = FallbackExecutor::new();
        /// assert!(EXEC.is_running());
        /// assert_eq!(EXEC.stats().live, 0);
        /// ```
        pub const fn new() -> Self {
            Self::with_idle_hook(core::hint::spin_loop)
        }
    }

    crate::atomic::const_fn_unless_loom! {
        /// Like [`new`](Self::new), with `idle` called when `block_on` has nothing
        /// to do (no_std only; std blocks the thread instead). It may return
        /// early; it must not block past the next interrupt. On Cortex-M, `wfe`
        /// is race-free: an interrupt that wakes a task sets the event register,
        /// so a `wfe` after the check returns at once.
        ///
        /// ```
        /// use wrt_async_core::FallbackExecutor;
        ///
        /// fn wait_for_interrupt() { core::hint::spin_loop() /* cortex_m::asm::wfe() */ }
        /// static EXEC: FallbackExecutor = FallbackExecutor::with_idle_hook(wait_for_interrupt);
        /// assert_eq!(EXEC.block_on(async { 3 }), Ok(3));
        /// ```
        pub const fn with_idle_hook(idle: fn()) -> Self {
            let () = Self::CAPACITY_CHECK;
            Self {
                engine: Engine::new(idle),
                slots: crate::atomic::const_array![UnsafeCell::new(None); N],
            }
        }
    }

    /// Drives `future` to completion, running the spawned tasks meanwhile.
    ///
    /// Returns `Err(NotRunning)` after [`shutdown`](WrtExecutor::shutdown)
    /// (also if it happens meanwhile) and `Err(WouldDeadlock)` when called
    /// from inside a task of a running executor. A panic of `future` itself
    /// propagates to the caller, as with any function call;
    /// [`with_async`](crate::with_async) turns it into `Err(TaskPanicked)`.
    ///
    /// ```
    /// use wrt_async_core::FallbackExecutor;
    ///
    /// static EXEC: FallbackExecutor = FallbackExecutor::new();
    /// assert_eq!(EXEC.block_on(async { "done" }), Ok("done"));
    /// ```
    #[inline]
    pub fn block_on<F: Future>(&'static self, future: F) -> Result<F::Output, ExecutorError> {
        self.block_on_pinned(pin!(future), false)
    }

    /// `block_on` with the wait loop out of line: for `block_on` on
    /// `dyn WrtExecutor` when it is this executor, where call sites are
    /// many and small code matters more than the loop's registers.
    #[inline]
    pub(crate) fn block_on_outlined<F: Future>(
        &'static self,
        future: F,
    ) -> Result<F::Output, ExecutorError> {
        self.block_on_pinned(pin!(future), true)
    }

    /// `block_on` of a pinned future. `outline` keeps the wait loop out of
    /// line, for the type-erased `block_on_dyn`: there the future's poll is
    /// an indirect call anyway, and a small function with few registers to
    /// save makes the ready case cheaper. Callers pass a constant.
    #[inline(always)]
    fn block_on_pinned<F: Future + ?Sized>(
        &'static self,
        mut future: Pin<&mut F>,
        outline: bool,
    ) -> Result<F::Output, ExecutorError> {
        let engine = &self.engine;
        let root_seen = engine.root_wakes();
        if root_seen & STOPPED != 0 {
            return Err(ExecutorError::NotRunning);
        }
        let Some(_current) = engine.enter_root(self) else {
            return Err(ExecutorError::WouldDeadlock);
        };
        // Dropping our wakers does nothing: skipping the drop spares an
        // indirect call through the vtable.
        let waker = ManuallyDrop::new(engine.root_waker());
        let mut cx = Context::from_waker(&waker);
        // The first poll inline, the loop out of line: a future that is
        // ready at once (the common `block_on(async { .. })`) pays for no
        // more than it uses.
        if let Poll::Ready(output) = future.as_mut().poll(&mut cx) {
            engine.hand_off();
            return Ok(output);
        }
        if outline {
            engine.drive_root_outlined(&self.slots, self, future, &mut cx, root_seen)
        } else {
            engine.drive_root(&self.slots, self, future, &mut cx, root_seen)
        }
    }

    /// Spawns a static pool task without any heap.
    ///
    /// ```
    /// use wrt_async_core::FallbackExecutor;
    ///
    /// #[wrt_async_core::task]
    /// async fn one() -> u8 { 1 }
    ///
    /// static EXEC: FallbackExecutor<4> = FallbackExecutor::new();
    /// let (task, join) = one().into_parts().unwrap();
    /// EXEC.spawn_static(task).unwrap();
    /// assert_eq!(EXEC.block_on(join), Ok(Ok(1)));
    /// ```
    pub fn spawn_static(&'static self, task: TaskRef) -> Result<TaskHandle, ExecutorError> {
        self.spawn_inner(Task::Static(task))
    }

    #[inline]
    fn spawn_inner(&'static self, task: Task) -> Result<TaskHandle, ExecutorError> {
        let (id, index) = self.engine.spawn(&self.slots, task)?;
        Ok(TaskHandle {
            id,
            waker: Some(self.engine.task_waker(index)),
        })
    }

    /// Monitoring counters: live tasks, capacity, spawned, completed,
    /// panicked, polls.
    ///
    /// ```
    /// use wrt_async_core::{FallbackExecutor, WrtExecutor};
    ///
    /// static EXEC: FallbackExecutor<4> = FallbackExecutor::new();
    /// EXEC.spawn(Box::pin(async {})).unwrap();
    /// assert_eq!(EXEC.stats().live, 1);
    /// EXEC.poll_once().unwrap();
    /// let stats = EXEC.stats();
    /// assert_eq!((stats.live, stats.capacity, stats.spawned, stats.completed), (0, 4, 1, 1));
    /// ```
    pub fn stats(&self) -> ExecutorStats {
        self.engine.stats(N)
    }
}

impl<const N: usize> Default for FallbackExecutor<N> {
    fn default() -> Self {
        Self::new()
    }
}

impl<const N: usize> Drop for FallbackExecutor<N> {
    fn drop(&mut self) {
        for slot in &mut self.slots {
            drop(slot.get_mut().take());
        }
    }
}

impl<const N: usize> core::fmt::Debug for FallbackExecutor<N> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("FallbackExecutor")
            .field("running", &self.engine.is_running())
            .field("stats", &self.stats())
            .finish()
    }
}

impl<const N: usize> WrtExecutor for FallbackExecutor<N> {
    #[cfg(feature = "alloc")]
    fn spawn(
        &'static self,
        future: crate::BoxedFuture<'static, ()>,
    ) -> Result<TaskHandle, ExecutorError> {
        self.spawn_inner(Task::Boxed(future))
    }

    fn spawn_task(&'static self, task: TaskRef) -> Result<TaskHandle, ExecutorError> {
        self.spawn_inner(Task::Static(task))
    }

    fn block_on_dyn(
        &'static self,
        future: Pin<&mut (dyn Future<Output = ()> + '_)>,
    ) -> Result<(), ExecutorError> {
        self.block_on_pinned(future, true)
    }

    fn poll_once(&'static self) -> Result<(), ExecutorError> {
        self.engine.poll_once(&self.slots, self)
    }

    fn is_running(&self) -> bool {
        self.engine.is_running()
    }

    fn shutdown(&self) -> Result<(), ExecutorError> {
        self.engine.shutdown(&self.slots);
        Ok(())
    }

    fn stats(&self) -> Option<ExecutorStats> {
        Some(FallbackExecutor::stats(self))
    }
}
