//! Static task storage: a fixed number of task slots for one future type,
//! sized at compile time, no heap.
//!
//! Claiming a slot is O(1): the pool keeps a bitmap of its first 32 slots
//! (one compare-and-swap takes the lowest free one, as the fallback executor
//! claims its own slots); only a pool of more than 32 slots whose first 32
//! are all in use scans the rest. Each slot's state word carries its owners
//! (runner, join handle), whether the result is there, whether a join waker
//! is published, and the slot's index, so the last owner can give the slot
//! back to the bitmap.

use core::future::Future;
use core::pin::Pin;
use core::ptr;
use core::task::{Context, Poll, Waker};

use crate::ExecutorError;
use crate::atomic::{AtomicU32, Ordering, UnsafeCell};
use crate::join::{JoinTarget, SpawnToken};
use crate::task::{Exit, RunTask, TaskRef};
use crate::trace::warning;

/// The `TaskRef` exists (the task may still be polled).
const RUNNER: u32 = 1;
/// The `JoinHandle` exists (someone may still want the result).
const HANDLE: u32 = 2;
/// The result is in `stage`; the runner no longer touches it.
const DONE: u32 = 4;
/// The join handle published a waker in `join_waker`. While it is set and
/// DONE is not, the cell is read-only for everyone; the handle takes it back
/// by clearing this bit (a compare-and-swap that fails once DONE is set),
/// and the runner takes the waker when it sets DONE and finds this bit.
const JOIN_WAKER: u32 = 8;
/// The slot's index sits above the flags (written when it is claimed).
const INDEX_SHIFT: u32 = 8;
/// Slots tracked by the pool's bitmap (one 32-bit word: every target has
/// 32-bit atomics).
const BITMAP_SLOTS: usize = 32;

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
    /// Bit i: slot i (of the first 32) is claimed.
    claimed: AtomicU32,
    slots: [PoolSlot<F>; N],
}

impl<F: Future + Send + 'static, const N: usize> TaskPool<F, N>
where
    F::Output: Send,
{
    /// The bits of `claimed` that stand for slots.
    const BITMAP: u32 = if N >= BITMAP_SLOTS {
        u32::MAX
    } else {
        (1u32 << N) - 1
    };

    crate::atomic::const_fn_unless_loom! {
        /// An empty pool; `const`, so it can initialise a `static`.
        ///
        /// ```
        /// use core::future::{ready, Ready};
        /// use wrt_async_core::TaskPool;
        ///
        /// static POOL: TaskPool<Ready<u8>, 2> = TaskPool::new();
        /// assert_eq!(POOL.in_use(), 0);
        /// ```
        pub const fn new() -> Self {
            Self {
                claimed: AtomicU32::new(0),
                slots: crate::atomic::const_array![PoolSlot::new(); N],
            }
        }
    }

    /// Claims a free slot and stores `make()` in it. If every slot is in use,
    /// the token carries `OutOfResources` (reported when it is spawned) and
    /// `make` is not called.
    ///
    /// ```
    /// use core::future::{ready, Ready};
    /// use wrt_async_core::TaskPool;
    ///
    /// static POOL: TaskPool<Ready<u8>, 2> = TaskPool::new();
    /// let join = POOL.claim(|| ready(3)).spawn().unwrap();
    /// assert_eq!(wrt_async_core::with_async(join), Ok(Ok(3)));
    /// ```
    pub fn claim(&'static self, make: impl FnOnce() -> F) -> SpawnToken<F::Output> {
        let Some(index) = self.claim_index() else {
            warning!("wrt task pool: all {} slots in use, spawn refused", N);
            return SpawnToken::new(Err(ExecutorError::OutOfResources));
        };
        let slot = &self.slots[index];
        // SAFETY: the claim just gave this caller the slot: nobody else reads
        // or writes its cells until the TaskRef and the JoinHandle made below
        // publish it. The stage is `Empty` (a slot is freed only after its
        // stage was cleared), so writing over it loses nothing.
        unsafe {
            slot.bitmap.get().write(&self.claimed);
            slot.stage.get().write(Stage::Running(make()));
        }
        if index < BITMAP_SLOTS {
            // (Slots past the bitmap got their state from the claim itself.)
            slot.state.store(
                RUNNER | HANDLE | ((index as u32) << INDEX_SHIFT),
                Ordering::Release,
            );
        }
        SpawnToken::new(Ok((TaskRef::new(slot), slot.join_handle())))
    }

    /// Takes the lowest free slot of the bitmap: one compare-and-swap unless
    /// contended.
    #[inline]
    fn claim_index(&self) -> Option<usize> {
        let mut claimed = self.claimed.load(Ordering::Relaxed);
        loop {
            let free = !claimed & Self::BITMAP;
            if free == 0 {
                return self.claim_past_bitmap();
            }
            let bit = free & free.wrapping_neg();
            // Acquire: pairs with the Release of the last owner's `free`, so
            // the cleared stage is visible.
            match self.claimed.compare_exchange_weak(
                claimed,
                claimed | bit,
                Ordering::Acquire,
                Ordering::Relaxed,
            ) {
                Ok(_) => return Some(bit.trailing_zeros() as usize),
                Err(now) => claimed = now,
            }
        }
    }

    /// Pools of more than 32 slots, with the first 32 in use: a slot past
    /// them is free when its state is 0.
    #[cold]
    fn claim_past_bitmap(&self) -> Option<usize> {
        (BITMAP_SLOTS..N).find(|&index| {
            let claimed = RUNNER | HANDLE | ((index as u32) << INDEX_SHIFT);
            self.slots[index]
                .state
                .compare_exchange(0, claimed, Ordering::Acquire, Ordering::Relaxed)
                .is_ok()
        })
    }

    /// How many slots are in use (claimed and not yet recycled).
    ///
    /// ```
    /// use core::future::{ready, Ready};
    /// use wrt_async_core::TaskPool;
    ///
    /// static POOL: TaskPool<Ready<u8>, 2> = TaskPool::new();
    /// let token = POOL.claim(|| ready(1));
    /// assert_eq!(POOL.in_use(), 1);
    /// drop(token); // frees the slot
    /// assert_eq!(POOL.in_use(), 0);
    /// ```
    pub fn in_use(&self) -> usize {
        let bitmap = (self.claimed.load(Ordering::Acquire) & Self::BITMAP).count_ones() as usize;
        bitmap
            + self
                .slots
                .iter()
                .skip(BITMAP_SLOTS)
                .filter(|s| s.state.load(Ordering::Acquire) != 0)
                .count()
    }

    /// `N`.
    ///
    /// ```
    /// use core::future::{ready, Ready};
    /// use wrt_async_core::TaskPool;
    ///
    /// static POOL: TaskPool<Ready<u8>, 2> = TaskPool::new();
    /// assert_eq!(POOL.capacity(), 2);
    /// ```
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
    /// RUNNER | HANDLE | DONE | JOIN_WAKER, and the index above them; 0 when
    /// the slot is free.
    state: AtomicU32,
    /// The pool's bitmap, written when the slot is claimed, so that the last
    /// owner can free the slot there.
    bitmap: UnsafeCell<*const AtomicU32>,
    /// The join handle's waker (see JOIN_WAKER). A plain cell guarded by the
    /// state word: one word less than an `AtomicWaker`, and no atomic
    /// operation at all when nobody joins.
    join_waker: UnsafeCell<Option<Waker>>,
    stage: UnsafeCell<Stage<F>>,
}

// SAFETY: the stage and the waker cell are handed between threads under the
// `state` protocol (runner until DONE, then the join handle or the last
// owner; the waker cell as described at JOIN_WAKER), so each is only ever
// accessed by one thread at a time; F and its output must be Send for that
// hand-off. `bitmap` points to the pool's `AtomicU32`, which is Sync.
unsafe impl<F: Future + Send> Sync for PoolSlot<F> where F::Output: Send {}

impl<F: Future + Send + 'static> PoolSlot<F>
where
    F::Output: Send,
{
    crate::atomic::const_fn_unless_loom! {
        const fn new() -> Self {
            Self {
                state: AtomicU32::new(0),
                bitmap: UnsafeCell::new(ptr::null()),
                join_waker: UnsafeCell::new(None),
                stage: UnsafeCell::new(Stage::Empty),
            }
        }
    }

    fn join_handle(&'static self) -> crate::JoinHandle<F::Output> {
        crate::JoinHandle::new(self)
    }

    /// Publishes the result written to `stage` and wakes the joiner, if one
    /// published a waker.
    #[inline]
    fn complete(&self) {
        let before = self.state.fetch_or(DONE, Ordering::AcqRel);
        if before & JOIN_WAKER != 0 {
            // SAFETY: JOIN_WAKER was set when we set DONE, so the handle can
            // no longer withdraw the waker (its compare-and-swap expects DONE
            // clear): the cell is ours alone.
            if let Some(waker) = unsafe { (*self.join_waker.get()).take() } {
                waker.wake();
            }
        }
    }

    /// The runner's side of a completion: hands `output` to the join handle,
    /// leaving the slot in one compare-and-swap (RUNNER -> DONE) when nobody
    /// waits, and with no read-modify-write of the state at all when the
    /// handle is gone. The stage is `Empty` (the future was dropped in place).
    ///
    /// Whatever may unwind here (the output's destructor, a join waker)
    /// runs while the runner still holds the slot, so that on a panic the
    /// TaskRef, which then has not seen `Ready`, still releases it through
    /// `release_runner`.
    #[inline]
    fn finish(&self, output: F::Output) -> Exit {
        let mut state = self.state.load(Ordering::Acquire);
        if state & HANDLE == 0 {
            // Detached: no handle can come back, so nobody will read the
            // output and the runner is the last owner (Acquire: the handle's
            // last accesses to the slot happened before).
            drop(output);
            self.free();
            return Exit::Left;
        }
        // SAFETY: RUNNER is ours and DONE is clear: the stage is ours, and
        // `Empty`, so writing over it loses nothing.
        unsafe { self.stage.get().write(Stage::Finished(Ok(output))) };
        loop {
            if state & JOIN_WAKER != 0 {
                // Publish and wake while RUNNER keeps the slot from being
                // recycled under us; the runner leaves afterwards, through
                // `release_runner`.
                self.complete();
                return Exit::Stays;
            }
            if state & HANDLE == 0 {
                // The handle left since: take the output back and drop it,
                // then free the slot, as above.
                // SAFETY: RUNNER is ours and DONE clear: the stage is ours.
                drop(unsafe { ptr::replace(self.stage.get(), Stage::Empty) });
                self.free();
                return Exit::Left;
            }
            // RUNNER and HANDLE are set and DONE is clear in `state`: the
            // exchange publishes the output (Release) and leaves in one
            // step; the handle will recycle the slot.
            match self.state.compare_exchange_weak(
                state,
                (state | DONE) & !RUNNER,
                Ordering::AcqRel,
                Ordering::Acquire,
            ) {
                Ok(_) => return Exit::Left,
                Err(now) => state = now,
            }
        }
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
        struct Free<'a, F: Future + Send + 'static>(&'a PoolSlot<F>)
        where
            F::Output: Send;
        impl<F: Future + Send + 'static> Drop for Free<'_, F>
        where
            F::Output: Send,
        {
            fn drop(&mut self) {
                self.0.free();
            }
        }
        let _free = Free(self);
        // SAFETY: only the last owner recycles, and it alone can reach the
        // stage (no runner, no handle, not claimable yet).
        unsafe { self.clear_stage() };
    }

    /// Gives the slot back: to the bitmap, or (past it) by zeroing `state`.
    fn free(&self) {
        // SAFETY: the last owner has exclusive access to the cells. The waker
        // cell is normally empty by now; a waker left behind by a join whose
        // `clone` panicked is dropped here rather than leaked.
        let (waker, bitmap) = unsafe {
            (
                (*self.join_waker.get()).take(),
                crate::atomic::read_cell(&self.bitmap),
            )
        };
        drop(waker);
        let index = (self.state.load(Ordering::Relaxed) >> INDEX_SHIFT) as usize;
        if index < BITMAP_SLOTS {
            self.state.store(0, Ordering::Relaxed);
            // SAFETY: `bitmap` was written at the claim from `&'static` pool
            // memory.
            let bitmap = unsafe { &*bitmap };
            // Release: the next claimer (Acquire) sees the cleared stage.
            bitmap.fetch_and(!(1u32 << index), Ordering::Release);
        } else {
            self.state.store(0, Ordering::Release);
        }
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
    fn poll_task(&'static self, cx: &mut Context<'_>) -> Poll<Exit> {
        // SAFETY: the unique TaskRef (held through `&mut`) is the only caller,
        // and until it leaves (in `finish` or `release_runner`) the runner
        // alone owns the stage.
        let stage = unsafe { &mut *self.stage.get() };
        let Stage::Running(future) = stage else {
            // The stage leaves `Running` only with the completion, after
            // which an executor keeping the `Future` contract polls no more.
            debug_assert!(false, "a pool task polled after it completed");
            return Poll::Ready(Exit::Stays);
        };
        // SAFETY: the future lives in static storage and is only ever dropped
        // in place (`clear_stage`), never moved: it stays pinned.
        let future = unsafe { Pin::new_unchecked(future) };
        match future.poll(cx) {
            Poll::Pending => Poll::Pending,
            Poll::Ready(output) => {
                // SAFETY: still the runner's stage; dropping the future in
                // place before the output is stored keeps the pin promise.
                unsafe { self.clear_stage() };
                Poll::Ready(self.finish(output))
            }
        }
    }

    fn release_runner(&'static self, reason: ExecutorError) {
        if self.state.load(Ordering::Acquire) & DONE == 0 {
            self.cancel(reason);
        } else {
            // Completed, and the runner stayed to wake the joiner (see
            // `finish`): it only has to leave.
            self.leave_as_runner();
        }
    }
}

impl<F: Future + Send + 'static> PoolSlot<F>
where
    F::Output: Send,
{
    /// The runner leaves; the last owner to leave recycles the slot.
    #[inline]
    fn leave_as_runner(&self) {
        let before = self.state.fetch_and(!RUNNER, Ordering::AcqRel);
        if before & HANDLE == 0 {
            self.recycle();
        }
    }

    /// The runner gives up a task that has not completed: its future is
    /// dropped and the join handle sees `reason`.
    #[cold]
    fn cancel(&self, reason: ExecutorError) {
        /// Finishes the release even if dropping the future panics, so the
        /// join handle is never left waiting and the slot is never lost.
        struct Leave<'a, F: Future + Send + 'static>(&'a PoolSlot<F>, ExecutorError)
        where
            F::Output: Send;
        impl<F: Future + Send + 'static> Drop for Leave<'_, F>
        where
            F::Output: Send,
        {
            fn drop(&mut self) {
                let slot = self.0;
                // SAFETY: not DONE, so the runner (us) still owns the stage,
                // which `clear_stage` left `Empty`.
                unsafe { slot.stage.get().write(Stage::Finished(Err(self.1))) };
                slot.complete();
                slot.leave_as_runner();
            }
        }
        let leave = Leave(self, reason);
        // SAFETY: not DONE: the runner owns the stage.
        unsafe { self.clear_stage() };
        drop(leave);
    }
}

impl<F: Future + Send + 'static> JoinTarget<F::Output> for PoolSlot<F>
where
    F::Output: Send,
{
    fn poll_join(&'static self, waker: &Waker) -> Poll<Result<F::Output, ExecutorError>> {
        let state = self.state.load(Ordering::Acquire);
        if state & DONE == 0 && self.register_join_waker(state, waker).is_pending() {
            return Poll::Pending;
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
        // Withdraw a published waker while HANDLE still keeps the slot ours.
        let mut state = self.state.load(Ordering::Acquire);
        while state & (JOIN_WAKER | DONE) == JOIN_WAKER {
            match self.state.compare_exchange_weak(
                state,
                state & !JOIN_WAKER,
                Ordering::AcqRel,
                Ordering::Acquire,
            ) {
                Ok(_) => {
                    // SAFETY: we cleared JOIN_WAKER before DONE was set: the
                    // runner will not touch the cell, it is ours.
                    drop(unsafe { (*self.join_waker.get()).take() });
                    break;
                }
                Err(now) => state = now,
            }
        }
        let before = self.state.fetch_and(!HANDLE, Ordering::AcqRel);
        if before & RUNNER == 0 {
            self.recycle();
        }
    }
}

impl<F: Future + Send + 'static> PoolSlot<F>
where
    F::Output: Send,
{
    /// Publishes `waker` for the task's completion (the join handle's side
    /// of JOIN_WAKER). `Ready` if the task completed meanwhile.
    fn register_join_waker(&self, mut state: u32, waker: &Waker) -> Poll<()> {
        // Take a published waker back, so that the cell is ours.
        while state & JOIN_WAKER != 0 {
            if state & DONE != 0 {
                return Poll::Ready(());
            }
            match self.state.compare_exchange_weak(
                state,
                state & !JOIN_WAKER,
                Ordering::Acquire,
                Ordering::Acquire,
            ) {
                Ok(_) => break,
                Err(now) => state = now,
            }
        }
        // SAFETY: JOIN_WAKER is clear, so the runner will not touch the cell
        // (it only takes a waker it finds published when it sets DONE).
        let cell = unsafe { &mut *self.join_waker.get() };
        match cell {
            Some(old) if old.will_wake(waker) => {}
            _ => *cell = Some(waker.clone()),
        }
        // Release: the runner (Acquire in `complete`) sees the waker.
        let before = self.state.fetch_or(JOIN_WAKER, Ordering::AcqRel);
        if before & DONE != 0 {
            // The runner completed before the waker was published and did
            // not look at the cell: it is still ours, and needed no more.
            // SAFETY: as above.
            drop(unsafe { (*self.join_waker.get()).take() });
            return Poll::Ready(());
        }
        Poll::Pending
    }
}
