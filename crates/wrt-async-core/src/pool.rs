//! Static task storage: a fixed number of task slots for one future type,
//! sized at compile time, no heap.

use core::cell::UnsafeCell;
use core::future::Future;
use core::pin::Pin;
use core::ptr;
use core::task::{Context, Poll, Waker};

use crate::ExecutorError;
use crate::atomic::{AtomicU8, Ordering};
use crate::join::{JoinTarget, SpawnToken};
use crate::sync::AtomicWaker;
use crate::task::{RunTask, TaskRef};
use crate::trace::warning;

/// The `TaskRef` exists (the task may still be polled).
const RUNNER: u8 = 1;
/// The `JoinHandle` exists (someone may still want the result).
const HANDLE: u8 = 2;
/// The result is in `stage`; the runner no longer touches it.
const DONE: u8 = 4;

/// A pool of `N` slots for tasks whose future type is `F`.
///
/// The memory of every slot is part of the pool, which is meant to be a
/// `static`: `size_of::<TaskPool<F, N>>()` bytes, fixed at compile time. A
/// claimed slot becomes a [`SpawnToken`]: a [`TaskRef`] that any
/// [`WrtExecutor`](crate::WrtExecutor) can run plus a
/// [`JoinHandle`](crate::JoinHandle) for the task's output. The slot is free
/// again once the task has finished (or was cancelled) and its join handle
/// was dropped or has delivered the output.
///
/// `#[wrt::task(pool = N)]` builds one of these for an `async fn`, whose
/// future type cannot be named; by hand it works for any nameable future.
///
/// ```
/// use core::future::Ready;
/// use wrt_async_core::{current_executor, ExecutorError, TaskPool};
///
/// static POOL: TaskPool<Ready<u32>, 2> = TaskPool::new();
///
/// let a = POOL.claim(|| core::future::ready(1)).spawn().unwrap();
/// let b = POOL.claim(|| core::future::ready(2)).spawn().unwrap();
/// // Both slots are taken until the join handles are done with them.
/// assert_eq!(POOL.claim(|| core::future::ready(3)).spawn().unwrap_err(), ExecutorError::OutOfResources);
/// let exec = current_executor();
/// assert_eq!(exec.block_on(a), Ok(Ok(1)));
/// assert_eq!(exec.block_on(b), Ok(Ok(2)));
/// assert!(POOL.claim(|| core::future::ready(3)).spawn().is_ok());
/// ```
pub struct TaskPool<F: Future, const N: usize> {
    slots: [PoolSlot<F>; N],
}

impl<F: Future + Send + 'static, const N: usize> TaskPool<F, N>
where
    F::Output: Send,
{
    /// An empty pool; `const`, so it can initialise a `static`.
    pub const fn new() -> Self {
        Self {
            slots: [const { PoolSlot::new() }; N],
        }
    }

    /// Claims a free slot and stores `make()` in it. If every slot is in use,
    /// the token carries `OutOfResources` (reported when it is spawned) and
    /// `make` is not called.
    pub fn claim(&'static self, make: impl FnOnce() -> F) -> SpawnToken<F::Output> {
        for slot in &self.slots {
            if slot.try_claim() {
                // SAFETY: `try_claim` just gave this caller the slot: nobody
                // else reads or writes its stage until the TaskRef and the
                // JoinHandle made below publish it.
                unsafe { *slot.stage.get() = Stage::Running(make()) };
                return SpawnToken::new(Ok((TaskRef::new(slot), slot.join_handle())));
            }
        }
        warning!("wrt task pool: all {} slots in use, spawn refused", N);
        SpawnToken::new(Err(ExecutorError::OutOfResources))
    }

    /// How many slots are in use (claimed and not yet recycled).
    pub fn in_use(&self) -> usize {
        self.slots
            .iter()
            .filter(|s| s.state.load(Ordering::Acquire) != 0)
            .count()
    }

    /// `N`.
    pub const fn capacity(&self) -> usize {
        N
    }
}

impl<F: Future + Send + 'static, const N: usize> Default for TaskPool<F, N>
where
    F::Output: Send,
{
    fn default() -> Self {
        Self::new()
    }
}

/// What a slot holds. The future is pinned in place from the first poll until
/// it is dropped in place; the output is an ordinary value.
enum Stage<F: Future> {
    Empty,
    Running(F),
    Finished(Result<F::Output, ExecutorError>),
}

struct PoolSlot<F: Future> {
    state: AtomicU8,
    join_waker: AtomicWaker,
    stage: UnsafeCell<Stage<F>>,
}

// SAFETY: the stage is handed between threads under the `state` protocol
// (runner until DONE, then the join handle or the last owner), so it is only
// ever accessed by one thread at a time; F and its output must be Send for
// that hand-off.
unsafe impl<F: Future + Send> Sync for PoolSlot<F> where F::Output: Send {}

impl<F: Future + Send + 'static> PoolSlot<F>
where
    F::Output: Send,
{
    const fn new() -> Self {
        Self {
            state: AtomicU8::new(0),
            join_waker: AtomicWaker::new(),
            stage: UnsafeCell::new(Stage::Empty),
        }
    }

    fn try_claim(&self) -> bool {
        self.state
            .compare_exchange(0, RUNNER | HANDLE, Ordering::Acquire, Ordering::Relaxed)
            .is_ok()
    }

    fn join_handle(&'static self) -> crate::JoinHandle<F::Output> {
        crate::JoinHandle::new(self)
    }

    /// Publishes the result written to `stage` and wakes the joiner.
    fn complete(&self) {
        self.state.fetch_or(DONE, Ordering::AcqRel);
        self.join_waker.wake();
    }

    /// Drops whatever the stage holds, in place, leaving `Empty` even if the
    /// drop panics (so nothing is ever dropped twice).
    ///
    /// # Safety
    /// The caller has exclusive access to the stage.
    unsafe fn clear_stage(&self) {
        let stage = self.stage.get();
        let reset = ResetStage(stage);
        // SAFETY: exclusive access (caller) to a stage holding a valid value;
        // `reset` writes `Empty` afterwards, also when this drop unwinds.
        unsafe { ptr::drop_in_place(stage) };
        drop(reset);
    }

    /// Called by the last owner to leave: drops the result and frees the slot.
    fn recycle(&self) {
        struct Free<'a>(&'a AtomicU8);
        impl Drop for Free<'_> {
            fn drop(&mut self) {
                self.0.store(0, Ordering::Release);
            }
        }
        let _free = Free(&self.state);
        // SAFETY: only the last owner recycles, and it alone can reach the
        // stage (the state is DONE-only: no runner, no handle, not claimable).
        unsafe { self.clear_stage() };
    }
}

/// Rewrites `Stage::Empty` when dropped; used around `drop_in_place` so a
/// panicking destructor cannot leave a dropped value behind.
struct ResetStage<F: Future>(*mut Stage<F>);

impl<F: Future> Drop for ResetStage<F> {
    fn drop(&mut self) {
        // SAFETY: the pointer is the stage the caller has exclusive access to,
        // whose old value has just been dropped in place.
        unsafe { ptr::write(self.0, Stage::Empty) };
    }
}

impl<F: Future + Send + 'static> RunTask for PoolSlot<F>
where
    F::Output: Send,
{
    fn poll_task(&'static self, cx: &mut Context<'_>) -> Poll<()> {
        // SAFETY: the unique TaskRef (held through `&mut`) is the only caller,
        // and until DONE is set the runner alone owns the stage.
        let stage = unsafe { &mut *self.stage.get() };
        let Stage::Running(future) = stage else {
            return Poll::Ready(());
        };
        // SAFETY: the future lives in static storage and is only ever dropped
        // in place (`clear_stage`), never moved: it stays pinned.
        let future = unsafe { Pin::new_unchecked(future) };
        match future.poll(cx) {
            Poll::Pending => Poll::Pending,
            Poll::Ready(output) => {
                // SAFETY: still the runner's stage; dropping the future in
                // place before the output is written keeps the pin promise.
                unsafe { self.clear_stage() };
                // SAFETY: as above; the stage is `Empty` now.
                unsafe { *self.stage.get() = Stage::Finished(Ok(output)) };
                self.complete();
                Poll::Ready(())
            }
        }
    }

    fn release_runner(&'static self, reason: ExecutorError) {
        /// Finishes the release even if dropping the future panics, so the
        /// join handle is never left waiting and the slot is never lost.
        struct Leave<F: Future + Send + 'static>(&'static PoolSlot<F>, ExecutorError)
        where
            F::Output: Send;
        impl<F: Future + Send + 'static> Drop for Leave<F>
        where
            F::Output: Send,
        {
            fn drop(&mut self) {
                let slot = self.0;
                if slot.state.load(Ordering::Acquire) & DONE == 0 {
                    // SAFETY: not DONE, so the runner (us) still owns the
                    // stage, which `clear_stage` left `Empty`.
                    unsafe { *slot.stage.get() = Stage::Finished(Err(self.1)) };
                    slot.complete();
                }
                let before = slot.state.fetch_and(!RUNNER, Ordering::AcqRel);
                if before & HANDLE == 0 {
                    slot.recycle();
                }
            }
        }
        let leave = Leave(self, reason);
        if self.state.load(Ordering::Acquire) & DONE == 0 {
            // SAFETY: not DONE: the runner owns the stage.
            unsafe { self.clear_stage() };
        }
        drop(leave);
    }
}

impl<F: Future + Send + 'static> JoinTarget<F::Output> for PoolSlot<F>
where
    F::Output: Send,
{
    fn poll_join(&'static self, waker: &Waker) -> Poll<Result<F::Output, ExecutorError>> {
        if self.state.load(Ordering::Acquire) & DONE == 0 {
            self.join_waker.register(waker);
            // Re-check: the task may have completed before the registration.
            if self.state.load(Ordering::Acquire) & DONE == 0 {
                return Poll::Pending;
            }
        }
        // SAFETY: DONE is set (Acquire), so the runner has published the
        // result and will not touch the stage again; the join handle (we, via
        // `&mut JoinHandle`) is the only other party until it is dropped.
        let stage = unsafe { &mut *self.stage.get() };
        match core::mem::replace(stage, Stage::Empty) {
            Stage::Finished(result) => Poll::Ready(result),
            // The output was already taken: polled after completion.
            _ => panic!("JoinHandle polled after it returned the task's output"),
        }
    }

    fn is_finished(&'static self) -> bool {
        self.state.load(Ordering::Acquire) & DONE != 0
    }

    fn release_handle(&'static self) {
        let before = self.state.fetch_and(!HANDLE, Ordering::AcqRel);
        if before & RUNNER == 0 {
            self.recycle();
        }
    }
}
