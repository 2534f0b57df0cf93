//! The fallback executor's machinery, independent of its capacity: the slot
//! bitmaps, spawning, polling, draining and the wakers.
//!
//! [`FallbackExecutor<N>`](super::FallbackExecutor) is this [`Engine`] followed
//! by its `N` slots. Everything here takes the slots as a slice, so a program
//! with executors of several capacities carries this code once, not once per
//! `N` (it is most of the executor's code, and flash is what a bare-metal
//! program runs out of).

use core::future::Future;
use core::mem::ManuallyDrop;
use core::pin::Pin;
use core::task::{Context, Poll, RawWaker, RawWakerVTable, Waker};

use crate::atomic::{AtomicBool, AtomicU32, AtomicUsize, IdCounter, Ordering, UnsafeCell};
use crate::context::{self, TaskScope};
use crate::park::Parker;
use crate::trace::{event, warning};
use crate::{ExecutorError, ExecutorStats, TaskRef, WrtExecutor};

/// Low bits of a task waker's data pointer that carry the slot index; the
/// engine is aligned so that these bits of its address are zero.
const INDEX_BITS: usize = 63;
/// `root_wakes` bit 0: the executor was shut down. Folding it into the word
/// `block_on` loads after every poll anyway saves a load per root wake.
pub(super) const STOPPED: u32 = 1;
/// What a root wake adds to `root_wakes` (bit 0 stays untouched).
const ROOT_WAKE: u32 = 2;

/// One task slot: `None` when free.
pub(super) type Slot = UnsafeCell<Option<Task>>;

/// A spawned task: a static pool task, or (alloc) a boxed future.
pub(super) enum Task {
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

    /// Drops a task that completed. A static task's runner left its slot
    /// with the completion, so that drop does nothing; a boxed future's
    /// destructor may panic, which must not take the executor down.
    #[inline]
    fn retire(self) {
        let _ = isolate(move || drop(self));
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

/// The executor's state besides its slots. Aligned to 64 so that a waker can
/// carry a slot index (< 32) in the low bits of the engine's address.
#[repr(align(64))]
pub(super) struct Engine {
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

/// The wakers of spawned tasks: data is the engine's address plus the slot.
/// `const`, not `static`: a crate that polls a future through one of these
/// wakers sees the functions behind it and can inline the wake.
const TASK_VTABLE: RawWakerVTable = RawWakerVTable::new(
    task_waker_clone,
    task_waker_wake,
    task_waker_wake,
    waker_drop,
);

/// The waker of `block_on` futures: data is the engine's address. A vtable of
/// its own spares the index decoding on the hottest path.
const ROOT_VTABLE: RawWakerVTable = RawWakerVTable::new(
    root_waker_clone,
    root_waker_wake,
    root_waker_wake,
    waker_drop,
);

impl Engine {
    crate::atomic::const_fn_unless_loom! {
        pub(super) const fn new(idle: fn()) -> Self {
            Self {
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

    /// The root-wake count and the STOPPED bit, as `block_on` starts.
    #[inline]
    pub(super) fn root_wakes(&self) -> u32 {
        self.root_wakes.load(Ordering::Acquire)
    }

    /// Makes this executor current for a `block_on`, unless that would
    /// deadlock (called from inside a task it runs).
    #[inline]
    pub(super) fn enter_root(&self, exec: &'static dyn WrtExecutor) -> Option<context::EnterGuard> {
        if cfg!(feature = "std") {
            context::enter_unless_in_task(exec, true)
        } else if self.driver.load(Ordering::Relaxed) {
            // One thread of execution: if the driver flag is up, we are
            // inside one of its polls.
            None
        } else {
            context::enter_unless_in_task(exec, true)
        }
    }

    /// `block_on` after a first `Pending`: run tasks and re-poll the root
    /// whenever it is woken, sleep when nothing is to be done.
    #[inline]
    pub(super) fn drive_root<F: Future + ?Sized>(
        &'static self,
        slots: &[Slot],
        exec: &'static dyn WrtExecutor,
        mut future: Pin<&mut F>,
        cx: &mut Context<'_>,
        mut root_seen: u32,
    ) -> Result<F::Output, ExecutorError> {
        loop {
            loop {
                // Tasks get a round between two polls of the root, so a
                // root that keeps waking itself cannot starve them. Nothing
                // woken costs one load.
                let polled = self.run_ready(slots, exec);
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

    /// `drive_root`, never inlined: for the type-erased `block_on_dyn` and
    /// `block_on` on `dyn WrtExecutor`, whose many call sites want the wait
    /// loop out of line.
    #[inline(never)]
    pub(super) fn drive_root_outlined<F: Future + ?Sized>(
        &'static self,
        slots: &[Slot],
        exec: &'static dyn WrtExecutor,
        future: Pin<&mut F>,
        cx: &mut Context<'_>,
        root_seen: u32,
    ) -> Result<F::Output, ExecutorError> {
        self.drive_root(slots, exec, future, cx, root_seen)
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

    /// Monitoring counters; `capacity` is the number of slots.
    #[inline]
    pub(super) fn stats(&self, capacity: usize) -> ExecutorStats {
        ExecutorStats {
            live: self.occupied.load(Ordering::Relaxed).count_ones() as usize,
            capacity,
            spawned: (self.next_id.load(Ordering::Relaxed) - 1) as usize,
            completed: self.completed.load(Ordering::Relaxed),
            panicked: self.panicked.load(Ordering::Relaxed),
            polls: self.polls.load(Ordering::Relaxed),
        }
    }

    #[inline]
    pub(super) fn is_running(&self) -> bool {
        self.running.load(Ordering::Acquire)
    }

    /// Stores `task` in a free slot and schedules it; returns its id and
    /// slot. The caller makes the `TaskHandle`: inlined there, a handle whose
    /// waker nobody uses costs nothing.
    #[inline]
    pub(super) fn spawn(
        &'static self,
        slots: &[Slot],
        task: Task,
    ) -> Result<(u64, usize), ExecutorError> {
        if !self.running.load(Ordering::Acquire) {
            return Err(ExecutorError::NotRunning);
        }
        let index = match self.claim_slot(slots.len()) {
            Ok(index) => index,
            Err(error) => {
                warning!(
                    "wrt fallback: spawn refused, all {} task slots are live",
                    slots.len()
                );
                return Err(error);
            }
        };
        // SAFETY: `claim_slot` gave us this slot: no other thread touches it
        // until it is published through `live` below. It is `None` (its last
        // task was taken out before the slot was freed), so writing without
        // dropping the old value loses nothing.
        unsafe { slots[index].get().write(Some(task)) };
        let id = crate::atomic::take_id(&self.next_id);
        let bit = 1u32 << index;
        self.live.fetch_or(bit, Ordering::SeqCst);
        // Pairs with `shutdown` (store running, then drain the live slots):
        // either it sees this slot live and drops the task, or we see it
        // stopped and drain ourselves.
        if !self.running.load(Ordering::SeqCst) {
            self.drain_if_stopped(slots);
            return Err(ExecutorError::NotRunning);
        }
        self.wake_task(index);
        event!("wrt fallback: spawned task {} in slot {}", id, index);
        Ok((id, index))
    }

    /// Takes the lowest of the `capacity` slots that is free.
    #[inline]
    fn claim_slot(&self, capacity: usize) -> Result<usize, ExecutorError> {
        let all = if capacity >= 32 {
            u32::MAX
        } else {
            (1u32 << capacity) - 1
        };
        crate::bitmap::claim_lowest(&self.occupied, all).ok_or(ExecutorError::OutOfResources)
    }

    /// Frees a slot whose task has been taken out.
    #[inline]
    fn free_slot(&self, index: usize) {
        let bit = 1u32 << index;
        self.live.fetch_and(!bit, Ordering::Relaxed);
        self.occupied.fetch_and(!bit, Ordering::Release);
    }

    /// Some woken task could be polled by a thread that takes the driver role.
    #[inline]
    fn tasks_waiting(&self) -> bool {
        self.ready.load(Ordering::SeqCst) & self.live.load(Ordering::SeqCst) != 0
            && !self.driver.load(Ordering::SeqCst)
    }

    /// Polls every woken task once. Returns whether it polled anything;
    /// `false` also when another thread is polling tasks right now.
    #[inline]
    ///
    /// `exec` is the executor this engine belongs to: `current_executor()`
    /// inside its tasks returns it.
    pub(super) fn run_ready(&'static self, slots: &[Slot], exec: &'static dyn WrtExecutor) -> bool {
        // The common case, nothing woken, costs one load.
        if self.ready.load(Ordering::Relaxed) == 0 {
            return false;
        }
        self.run_woken(slots, exec)
    }

    /// `run_ready` with something woken. Never inlined: callers stay small
    /// (the nothing-woken check is all they need inline).
    #[inline(never)]
    fn run_woken(&'static self, slots: &[Slot], exec: &'static dyn WrtExecutor) -> bool {
        if self.driver.swap(true, Ordering::Acquire) {
            return false;
        }
        let mut polled = false;
        {
            let _scope = TaskScope::enter(exec, true);
            let mut batch =
                self.ready.swap(0, Ordering::AcqRel) & self.live.load(Ordering::Acquire);
            while batch != 0 {
                polled = true;
                let index = batch.trailing_zeros() as usize;
                batch &= batch - 1;
                self.poll_slot(slots, index);
                if !self.running.load(Ordering::Relaxed) {
                    break;
                }
            }
        }
        self.driver.store(false, Ordering::SeqCst);
        if !self.running.load(Ordering::SeqCst) {
            self.drain_if_stopped(slots);
        } else if self.parker.has_sleepers() && self.tasks_waiting() {
            // Another thread may have gone to sleep while we held the driver
            // role; it sleeps only after checking `tasks_waiting` itself, so
            // this SeqCst pair cannot miss it.
            self.parker.notify();
        }
        polled
    }

    /// Polls the task in slot `index`. Caller holds the driver role.
    fn poll_slot(&'static self, slots: &[Slot], index: usize) {
        // SAFETY: the slot is live and we hold the driver role: no other
        // thread accesses it (see the `Sync` impl of `FallbackExecutor`).
        let slot = unsafe { &mut *slots[index].get() };
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
                if let Some(task) = task {
                    task.retire();
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
    fn drain_if_stopped(&self, slots: &[Slot]) {
        loop {
            if self.driver.swap(true, Ordering::Acquire) {
                return;
            }
            let mut live = self.live.load(Ordering::Acquire);
            while live != 0 {
                let index = live.trailing_zeros() as usize;
                live &= live - 1;
                // SAFETY: driver role held; the slot is live.
                let task = unsafe { (*slots[index].get()).take() };
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
    pub(super) fn hand_off(&self) {
        if self.parker.has_sleepers() && self.tasks_waiting() {
            self.parker.notify();
        }
    }

    #[inline]
    pub(super) fn poll_once(
        &'static self,
        slots: &[Slot],
        exec: &'static dyn WrtExecutor,
    ) -> Result<(), ExecutorError> {
        if !self.running.load(Ordering::Acquire) {
            return Err(ExecutorError::NotRunning);
        }
        self.run_ready(slots, exec);
        Ok(())
    }

    pub(super) fn shutdown(&self, slots: &[Slot]) {
        // STOPPED in `root_wakes` is what a `block_on` in progress sees.
        self.root_wakes.fetch_or(STOPPED, Ordering::SeqCst);
        if self.running.swap(false, Ordering::SeqCst) {
            event!(
                "wrt fallback: shutdown, dropping {} live tasks",
                self.live.load(Ordering::Relaxed).count_ones()
            );
        }
        self.drain_if_stopped(slots);
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
            self.drain_if_stopped(slots);
        }
        self.parker.notify();
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

    /// A waker for slot `index`: the engine's address with the index in its
    /// low bits. No reference count: the engine is `'static`.
    #[inline]
    pub(super) fn task_waker(&'static self, index: usize) -> Waker {
        let data = (self as *const Self)
            .cast::<u8>()
            .wrapping_add(index)
            .cast::<()>();
        // SAFETY: the vtable functions below only decode `data` back into
        // `&'static Engine` (valid forever) and an index; they are thread-safe.
        unsafe { Waker::from_raw(RawWaker::new(data, &TASK_VTABLE)) }
    }

    /// The waker of `block_on` futures: the engine's address.
    #[inline]
    pub(super) fn root_waker(&'static self) -> Waker {
        let data = (self as *const Self).cast::<()>();
        // SAFETY: the root vtable only turns `data` back into `&'static Engine`.
        unsafe { Waker::from_raw(RawWaker::new(data, &ROOT_VTABLE)) }
    }
}

/// # Safety
/// `data` was made by [`Engine::task_waker`].
#[inline]
unsafe fn decode(data: *const ()) -> (&'static Engine, usize) {
    let index = data as usize & INDEX_BITS;
    let base = data.cast::<u8>().wrapping_sub(index).cast::<Engine>();
    // SAFETY: `base` is the address of a `&'static Engine` (aligned to 64, so
    // the low bits held only the index), with the provenance of that
    // reference.
    (unsafe { &*base }, index)
}

#[inline]
unsafe fn task_waker_clone(data: *const ()) -> RawWaker {
    RawWaker::new(data, &TASK_VTABLE)
}

#[inline]
unsafe fn task_waker_wake(data: *const ()) {
    // SAFETY: only task wakers use this vtable.
    let (engine, index) = unsafe { decode(data) };
    engine.wake_task(index);
}

#[inline]
unsafe fn root_waker_clone(data: *const ()) -> RawWaker {
    RawWaker::new(data, &ROOT_VTABLE)
}

#[inline]
unsafe fn root_waker_wake(data: *const ()) {
    // SAFETY: only `Engine::root_waker` uses this vtable; `data` is the address
    // of a `&'static Engine`, with its provenance.
    let engine = unsafe { &*data.cast::<Engine>() };
    engine.wake_root();
}

#[inline]
unsafe fn waker_drop(_: *const ()) {}

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
