//! The built-in executor: bounded, wake-driven, no heap.

use core::future::Future;
use core::mem::ManuallyDrop;
use core::pin::{Pin, pin};
use core::task::{Context, Poll, RawWaker, RawWakerVTable, Waker};

use crate::atomic::{AtomicBool, AtomicU32, AtomicUsize, IdCounter, Ordering, UnsafeCell};
use crate::context::{self, TaskScope};
use crate::park::Parker;
use crate::trace::{event, warning};
use crate::{ExecutorError, ExecutorStats, TaskHandle, TaskRef, WrtExecutor};

/// How many tasks the default fallback executor runs at once.
///
/// ```
/// assert_eq!(wrt_async_core::MAX_TASKS, 32);
/// ```
pub const MAX_TASKS: usize = 32;

/// Low bits of a task waker's data pointer that carry the slot index; the
/// executor is aligned so that these bits of its address are zero.
const INDEX_BITS: usize = 63;
/// `root_wakes` bit 0: the executor was shut down. Folding it into the word
/// `block_on` loads after every poll anyway saves a load per root wake.
const STOPPED: u32 = 1;
/// What a root wake adds to `root_wakes` (bit 0 stays untouched).
const ROOT_WAKE: u32 = 2;

/// A spawned task: a static pool task, or (alloc) a boxed future.
enum Task {
    Static(TaskRef),
    #[cfg(feature = "alloc")]
    Boxed(crate::BoxedFuture<'static, ()>),
}

impl Task {
    #[inline]
    fn poll(&mut self, cx: &mut Context<'_>) -> Poll<()> {
        match self {
            Task::Static(task) => Pin::new(task).poll(cx),
            #[cfg(feature = "alloc")]
            Task::Boxed(future) => future.as_mut().poll(cx),
        }
    }

    /// Drops a task that completed. A static task is released through
    /// `TaskRef::fail`, which skips the `thread::panicking()` query of
    /// `TaskRef`'s `Drop`; the reason is ignored, the task has its result.
    #[inline]
    fn retire(self) {
        match self {
            Task::Static(task) => task.fail(ExecutorError::Cancelled),
            #[cfg(feature = "alloc")]
            Task::Boxed(future) => drop(future),
        }
    }

    /// Drops a task whose poll panicked, telling its join handle so.
    fn fail(self) {
        match self {
            Task::Static(task) => task.fail(ExecutorError::TaskPanicked),
            #[cfg(feature = "alloc")]
            Task::Boxed(future) => drop(future),
        }
    }
}

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
    /// Task storage; a slot is touched only by the spawner that claimed it
    /// (before it is live) and by the thread holding `driver` (after).
    slots: [UnsafeCell<Option<Task>>; N],
    /// Slots claimed by a spawner (bit i = slot i).
    occupied: AtomicU32,
    /// Slots whose task is stored and may be polled.
    live: AtomicU32,
    /// Slots woken since their last poll.
    ready: AtomicU32,
    /// Held by the one thread polling tasks.
    driver: AtomicBool,
    running: AtomicBool,
    /// Bumped by [`ROOT_WAKE`] by the waker of `block_on` futures; bit 0 is
    /// [`STOPPED`].
    root_wakes: AtomicU32,
    next_id: IdCounter,
    completed: AtomicUsize,
    panicked: AtomicUsize,
    polls: AtomicUsize,
    idle: fn(),
    parker: Parker,
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
    const ALL_SLOTS: u32 = if N >= 32 { u32::MAX } else { (1u32 << N) - 1 };

    /// Wakers of spawned tasks: data is the executor's address plus the slot.
    const TASK_VTABLE: RawWakerVTable = RawWakerVTable::new(
        Self::task_waker_clone,
        Self::task_waker_wake,
        Self::task_waker_wake,
        Self::waker_drop,
    );

    /// The waker of `block_on` futures: data is the executor's address. A
    /// vtable of its own spares the index decoding on the hottest path.
    const ROOT_VTABLE: RawWakerVTable = RawWakerVTable::new(
        Self::root_waker_clone,
        Self::root_waker_wake,
        Self::root_waker_wake,
        Self::waker_drop,
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
                slots: crate::atomic::const_array![UnsafeCell::new(None); N],
                occupied: AtomicU32::new(0),
                live: AtomicU32::new(0),
                ready: AtomicU32::new(0),
                driver: AtomicBool::new(false),
                running: AtomicBool::new(true),
                root_wakes: AtomicU32::new(0),
                next_id: IdCounter::new(1),
                completed: AtomicUsize::new(0),
                panicked: AtomicUsize::new(0),
                polls: AtomicUsize::new(0),
                idle,
                parker: Parker::new(),
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
    pub fn block_on<F: Future>(&'static self, future: F) -> Result<F::Output, ExecutorError> {
        self.block_on_pinned(pin!(future), false)
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
        let root_seen = self.root_wakes.load(Ordering::Acquire);
        if root_seen & STOPPED != 0 {
            return Err(ExecutorError::NotRunning);
        }
        let Some(_current) = self.enter_root() else {
            return Err(ExecutorError::WouldDeadlock);
        };
        // Dropping our wakers does nothing: skipping the drop spares an
        // indirect call through the vtable.
        let waker = ManuallyDrop::new(self.root_waker());
        let mut cx = Context::from_waker(&waker);
        // The first poll inline, the loop out of line: a future that is
        // ready at once (the common `block_on(async { .. })`) pays for no
        // more than it uses.
        if let Poll::Ready(output) = future.as_mut().poll(&mut cx) {
            self.hand_off();
            return Ok(output);
        }
        if outline {
            self.drive_root_outlined(future, &mut cx, root_seen)
        } else {
            self.drive_root(future, &mut cx, root_seen)
        }
    }

    #[inline(never)]
    fn drive_root_outlined<F: Future + ?Sized>(
        &'static self,
        future: Pin<&mut F>,
        cx: &mut Context<'_>,
        root_seen: u32,
    ) -> Result<F::Output, ExecutorError> {
        self.drive_root(future, cx, root_seen)
    }

    /// `block_on` after a first `Pending`: run tasks and re-poll the root
    /// whenever it is woken, sleep when nothing is to be done.
    #[inline]
    fn drive_root<F: Future + ?Sized>(
        &'static self,
        mut future: Pin<&mut F>,
        cx: &mut Context<'_>,
        mut root_seen: u32,
    ) -> Result<F::Output, ExecutorError> {
        loop {
            loop {
                // Tasks get a round between two polls of the root, so a
                // root that keeps waking itself cannot starve them. Nothing
                // woken costs one load.
                let polled = self.run_ready();
                let root_now = self.root_wakes.load(Ordering::Acquire);
                if root_now != root_seen {
                    if root_now & STOPPED != 0 {
                        return Err(ExecutorError::NotRunning);
                    }
                    root_seen = root_now;
                    break;
                }
                if polled {
                    continue;
                }
                self.wait(root_seen);
            }
            if let Poll::Ready(output) = future.as_mut().poll(cx) {
                self.hand_off();
                return Ok(output);
            }
        }
    }

    /// Makes this executor current for a `block_on`, unless that would
    /// deadlock (called from inside a task it runs).
    #[inline]
    fn enter_root(&'static self) -> Option<context::EnterGuard> {
        if cfg!(feature = "std") {
            context::enter_unless_in_task(self, true)
        } else if self.driver.load(Ordering::Relaxed) {
            // One thread of execution: if the driver flag is up, we are
            // inside one of its polls.
            None
        } else {
            context::enter_unless_in_task(self, true)
        }
    }

    /// `block_on` found nothing to do: sleep until a wake or a task is
    /// waiting (std), or run the idle hook once (no_std).
    #[cold]
    #[inline(never)]
    fn wait(&self, root_seen: u32) {
        let seen = self.parker.epoch();
        self.parker.sleep(seen, self.idle, || {
            self.root_wakes.load(Ordering::SeqCst) != root_seen || self.tasks_waiting()
        });
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
        ExecutorStats {
            live: self.occupied.load(Ordering::Relaxed).count_ones() as usize,
            capacity: N,
            spawned: (self.next_id.load(Ordering::Relaxed) - 1) as usize,
            completed: self.completed.load(Ordering::Relaxed),
            panicked: self.panicked.load(Ordering::Relaxed),
            polls: self.polls.load(Ordering::Relaxed),
        }
    }

    #[inline]
    fn spawn_inner(&'static self, task: Task) -> Result<TaskHandle, ExecutorError> {
        if !self.running.load(Ordering::Acquire) {
            return Err(ExecutorError::NotRunning);
        }
        let index = match self.claim_slot() {
            Ok(index) => index,
            Err(error) => {
                warning!("wrt fallback: spawn refused, all {} task slots are live", N);
                return Err(error);
            }
        };
        // SAFETY: `claim_slot` gave us this slot: no other thread touches it
        // until it is published through `live` below. It is `None` (its last
        // task was taken out before the slot was freed), so writing without
        // dropping the old value loses nothing.
        unsafe { self.slots[index].get().write(Some(task)) };
        let id = crate::atomic::take_id(&self.next_id);
        let bit = 1u32 << index;
        self.live.fetch_or(bit, Ordering::SeqCst);
        // Pairs with `shutdown` (store running, then drain the live slots):
        // either it sees this slot live and drops the task, or we see it
        // stopped and drain ourselves.
        if !self.running.load(Ordering::SeqCst) {
            self.drain_if_stopped();
            return Err(ExecutorError::NotRunning);
        }
        self.wake_task(index);
        event!("wrt fallback: spawned task {} in slot {}", id, index);
        Ok(TaskHandle {
            id,
            waker: Some(self.task_waker(index)),
        })
    }

    /// Takes the lowest free slot: one compare-and-swap unless contended.
    fn claim_slot(&self) -> Result<usize, ExecutorError> {
        let mut occupied = self.occupied.load(Ordering::Relaxed);
        loop {
            let free = !occupied & Self::ALL_SLOTS;
            if free == 0 {
                return Err(ExecutorError::OutOfResources);
            }
            let bit = free & free.wrapping_neg();
            match self.occupied.compare_exchange_weak(
                occupied,
                occupied | bit,
                Ordering::Acquire,
                Ordering::Relaxed,
            ) {
                Ok(_) => return Ok(bit.trailing_zeros() as usize),
                Err(now) => occupied = now,
            }
        }
    }

    /// Frees a slot whose task has been taken out.
    fn free_slot(&self, index: usize) {
        let bit = 1u32 << index;
        self.live.fetch_and(!bit, Ordering::Relaxed);
        self.occupied.fetch_and(!bit, Ordering::Release);
    }

    /// Some woken task could be polled by a thread that takes the driver role.
    fn tasks_waiting(&self) -> bool {
        self.ready.load(Ordering::SeqCst) & self.live.load(Ordering::SeqCst) != 0
            && !self.driver.load(Ordering::SeqCst)
    }

    /// Polls every woken task once. Returns whether it polled anything;
    /// `false` also when another thread is polling tasks right now.
    #[inline]
    fn run_ready(&'static self) -> bool {
        // The common case, nothing woken, costs one load.
        if self.ready.load(Ordering::Relaxed) == 0 {
            return false;
        }
        self.run_woken()
    }

    /// `run_ready` with something woken. Never inlined: callers stay small
    /// (the nothing-woken check is all they need inline), and there is one
    /// copy of this loop per executor type, which matters on flash.
    #[inline(never)]
    fn run_woken(&'static self) -> bool {
        if self.driver.swap(true, Ordering::Acquire) {
            return false;
        }
        let mut polled = false;
        {
            let _scope = TaskScope::enter(self, true);
            let mut batch =
                self.ready.swap(0, Ordering::AcqRel) & self.live.load(Ordering::Acquire);
            while batch != 0 {
                polled = true;
                let index = batch.trailing_zeros() as usize;
                batch &= batch - 1;
                self.poll_slot(index);
                if !self.running.load(Ordering::Relaxed) {
                    break;
                }
            }
        }
        self.driver.store(false, Ordering::SeqCst);
        if !self.running.load(Ordering::SeqCst) {
            self.drain_if_stopped();
        } else if self.parker.has_sleepers() && self.tasks_waiting() {
            // Another thread may have gone to sleep while we held the driver
            // role; it sleeps only after checking `tasks_waiting` itself, so
            // this SeqCst pair cannot miss it.
            self.parker.notify();
        }
        polled
    }

    /// Polls the task in slot `index`. Caller holds the driver role.
    fn poll_slot(&'static self, index: usize) {
        // SAFETY: the slot is live and we hold the driver role: no other
        // thread accesses it (see the `Sync` impl).
        let slot = unsafe { &mut *self.slots[index].get() };
        let Some(task) = slot.as_mut() else { return };
        // Dropping it would do nothing (see `block_on`).
        let waker = ManuallyDrop::new(self.task_waker(index));
        let mut cx = Context::from_waker(&waker);
        // Only the driver writes this counter: a plain load + store suffices.
        self.polls.store(
            self.polls.load(Ordering::Relaxed).wrapping_add(1),
            Ordering::Relaxed,
        );
        match isolate(|| task.poll(&mut cx)) {
            Ok(Poll::Pending) => {}
            Ok(Poll::Ready(())) => {
                event!("wrt fallback: task in slot {} completed", index);
                let task = slot.take();
                self.completed.store(
                    self.completed.load(Ordering::Relaxed).wrapping_add(1),
                    Ordering::Relaxed,
                );
                // A destructor that panics must not take the executor down.
                if let Some(task) = task {
                    let _ = isolate(move || task.retire());
                }
                self.free_slot(index);
            }
            Err(()) => {
                warning!("wrt fallback: task in slot {} panicked; slot freed", index);
                self.panicked.store(
                    self.panicked.load(Ordering::Relaxed).wrapping_add(1),
                    Ordering::Relaxed,
                );
                if let Some(task) = slot.take() {
                    let _ = isolate(move || task.fail());
                }
                self.free_slot(index);
            }
        }
    }

    /// After shutdown: drops every live task exactly once. Whoever holds the
    /// driver role does it; if another thread holds it, that thread will
    /// (it checks `running` after releasing the role).
    #[cold]
    fn drain_if_stopped(&self) {
        loop {
            if self.driver.swap(true, Ordering::Acquire) {
                return;
            }
            let mut live = self.live.load(Ordering::Acquire);
            while live != 0 {
                let index = live.trailing_zeros() as usize;
                live &= live - 1;
                // SAFETY: driver role held; the slot is live.
                let task = unsafe { (*self.slots[index].get()).take() };
                let _ = isolate(move || drop(task));
                self.free_slot(index);
            }
            self.driver.store(false, Ordering::SeqCst);
            // A spawn that raced with the drain re-checks `running` after
            // publishing its slot; this re-check covers the other order.
            if self.live.load(Ordering::SeqCst) == 0 {
                return;
            }
        }
    }

    /// Leaving `block_on`: if tasks are waiting and another thread sleeps,
    /// let it take over.
    #[inline]
    fn hand_off(&self) {
        if self.parker.has_sleepers() && self.tasks_waiting() {
            self.parker.notify();
        }
    }

    #[inline]
    fn wake_task(&self, index: usize) {
        let bit = 1u32 << index;
        // SeqCst: the change half of the parker's protocol (park.rs).
        if self.ready.fetch_or(bit, Ordering::SeqCst) & bit == 0 {
            self.parker.notify();
        }
    }

    #[inline]
    fn wake_root(&self) {
        // SeqCst: the change half of the parker's protocol (park.rs).
        self.root_wakes.fetch_add(ROOT_WAKE, Ordering::SeqCst);
        self.parker.notify();
    }

    /// A waker for slot `index`: the executor's address with the index in
    /// its low bits. No reference count: the executor is `'static`.
    #[inline]
    fn task_waker(&'static self, index: usize) -> Waker {
        let data = (self as *const Self)
            .cast::<u8>()
            .wrapping_add(index)
            .cast::<()>();
        // SAFETY: the vtable functions below only decode `data` back into
        // `&'static Self` (valid forever) and an index; they are thread-safe.
        unsafe { Waker::from_raw(RawWaker::new(data, &Self::TASK_VTABLE)) }
    }

    /// The waker of `block_on` futures: the executor's address.
    #[inline]
    fn root_waker(&'static self) -> Waker {
        let data = (self as *const Self).cast::<()>();
        // SAFETY: the root vtable only turns `data` back into `&'static Self`.
        unsafe { Waker::from_raw(RawWaker::new(data, &Self::ROOT_VTABLE)) }
    }

    /// # Safety
    /// `data` was made by [`task_waker`](Self::task_waker).
    #[inline]
    unsafe fn decode(data: *const ()) -> (&'static Self, usize) {
        let index = data as usize & INDEX_BITS;
        let base = data.cast::<u8>().wrapping_sub(index).cast::<Self>();
        // SAFETY: `base` is the address of a `&'static Self` (the executor is
        // aligned to 64, so the low bits held only the index), with the
        // provenance of that reference.
        (unsafe { &*base }, index)
    }

    unsafe fn task_waker_clone(data: *const ()) -> RawWaker {
        RawWaker::new(data, &Self::TASK_VTABLE)
    }

    unsafe fn task_waker_wake(data: *const ()) {
        // SAFETY: only task wakers use this vtable.
        let (exec, index) = unsafe { Self::decode(data) };
        exec.wake_task(index);
    }

    unsafe fn root_waker_clone(data: *const ()) -> RawWaker {
        RawWaker::new(data, &Self::ROOT_VTABLE)
    }

    unsafe fn root_waker_wake(data: *const ()) {
        // SAFETY: only `root_waker` uses this vtable; `data` is the address
        // of a `&'static Self`, with its provenance.
        let exec = unsafe { &*data.cast::<Self>() };
        exec.wake_root();
    }

    unsafe fn waker_drop(_: *const ()) {}
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
            .field("running", &self.running.load(Ordering::Relaxed))
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
        if !self.running.load(Ordering::Acquire) {
            return Err(ExecutorError::NotRunning);
        }
        self.run_ready();
        Ok(())
    }

    fn is_running(&self) -> bool {
        self.running.load(Ordering::Acquire)
    }

    fn shutdown(&self) -> Result<(), ExecutorError> {
        // STOPPED in `root_wakes` is what a `block_on` in progress sees.
        self.root_wakes.fetch_or(STOPPED, Ordering::SeqCst);
        if self.running.swap(false, Ordering::SeqCst) {
            event!(
                "wrt fallback: shutdown, dropping {} live tasks",
                self.live.load(Ordering::Relaxed).count_ones()
            );
        }
        self.drain_if_stopped();
        // From another thread than the driver's, return only once every
        // future is dropped. A thread polling a task when the executor
        // stopped drains when it lets go of the driver role, and may still
        // be at it after our drain found the role taken, so wait for the
        // slots, not for the role (tests/loom_fallback.rs found both a
        // return while the driver was still dropping futures and one before
        // it had started). Acquire pairs with `free_slot`'s Release, which
        // follows the drop. From inside a task, this thread is the driver
        // and drains when the task's poll returns.
        #[cfg(feature = "std")]
        while !context::in_task() && self.occupied.load(Ordering::Acquire) != 0 {
            crate::atomic::yield_now();
            self.drain_if_stopped();
        }
        self.parker.notify();
        Ok(())
    }

    fn stats(&self) -> Option<ExecutorStats> {
        Some(FallbackExecutor::stats(self))
    }
}

/// Runs `f`, catching a panic (std). Without std a panic is not caught
/// (`panic = "abort"` or a halting handler is the norm there).
#[inline]
fn isolate<R>(f: impl FnOnce() -> R) -> Result<R, ()> {
    #[cfg(feature = "std")]
    {
        std::panic::catch_unwind(core::panic::AssertUnwindSafe(f))
            .map_err(crate::runtime::drop_payload)
    }
    #[cfg(not(feature = "std"))]
    {
        Ok(f())
    }
}
