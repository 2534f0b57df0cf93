//! Static task storage: a fixed number of task slots for one future type,
//! sized at compile time, no heap.
//!
//! Claiming a slot is O(1): the pool keeps a bitmap of its first 32 slots
//! (one compare-and-swap takes the lowest free one, as the fallback executor
//! claims its own slots); only a pool of more than 32 slots whose first 32
//! are all in use scans the rest. A slot ([`slot`]) is the task's stage
//! (its future, then its output) behind a header ([`header`]) that is the
//! same for every task type: the state word with the slot's owners (runner,
//! join handle), whether the result is there, whether a join waker is
//! published, and the slot's index, so the last owner can give the slot back
//! to the bitmap.

use core::future::Future;

use crate::ExecutorError;
use crate::atomic::{AtomicU32, Ordering};
use crate::join::SpawnToken;
use crate::trace::warning;

mod header;
mod slot;

use header::BITMAP_SLOTS;
use slot::PoolSlot;

/// A pool of `N` slots for tasks whose future type is `F`.
///
/// The memory of every slot is part of the pool, which is meant to be a
/// `static`: `size_of::<TaskPool<F, N>>()` bytes, fixed at compile time. A
/// claimed slot becomes a [`SpawnToken`]: a [`TaskRef`](crate::TaskRef) that any
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
    /// `make` is not called. If `make` panics, the slot is given back before
    /// the panic goes on.
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
        let future = {
            // A `make` that panics must not cost the pool its slot.
            let unclaim = Unclaim { pool: self, index };
            let future = make();
            core::mem::forget(unclaim);
            future
        };
        // SAFETY: the claim just gave this caller the slot, and its owners
        // are made only now.
        let (task, join) = unsafe { self.slots[index].start(&self.claimed, index, future) };
        SpawnToken::new(Ok((task, join)))
    }

    /// Gives back a claimed slot that never got a task.
    #[cold]
    fn unclaim(&self, index: usize) {
        if index < BITMAP_SLOTS {
            self.claimed.fetch_and(!(1u32 << index), Ordering::Release);
        } else {
            self.slots[index].header.unclaim();
        }
    }

    /// Takes the lowest free slot of the bitmap, or one past it.
    #[inline]
    fn claim_index(&self) -> Option<usize> {
        crate::bitmap::claim_lowest(&self.claimed, Self::BITMAP)
            .or_else(|| self.claim_past_bitmap())
    }

    /// Pools of more than 32 slots, with the first 32 in use: a slot past
    /// them is free when its state is 0.
    #[cold]
    fn claim_past_bitmap(&self) -> Option<usize> {
        (BITMAP_SLOTS..N).find(|&index| self.slots[index].header.claim_past_bitmap(index))
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
                .filter(|s| s.header.is_claimed())
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

/// Unclaims a slot when dropped: the claim's guard while `make` runs.
struct Unclaim<'a, F: Future + Send + 'static, const N: usize>
where
    F::Output: Send,
{
    pool: &'a TaskPool<F, N>,
    index: usize,
}

impl<F: Future + Send + 'static, const N: usize> Drop for Unclaim<'_, F, N>
where
    F::Output: Send,
{
    fn drop(&mut self) {
        self.pool.unclaim(self.index);
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
