//! The half of a pool slot that does not depend on the task's future type:
//! the state word with the slot's owners, the join handle's waker, and the
//! way back to the pool's bitmap.
//!
//! Every `TaskPool<F, N>` shares this code, so a program with many task
//! types carries the join and completion protocol once, not once per task
//! type (flash is what a bare-metal program runs out of). What needs the
//! future or output type (the stage) stays in `slot.rs`.

use core::ptr;
use core::task::{Poll, Waker};

use crate::atomic::{AtomicU32, Ordering, UnsafeCell};

/// The `TaskRef` exists (the task may still be polled).
pub(super) const RUNNER: u32 = 1;
/// The `JoinHandle` exists (someone may still want the result).
pub(super) const HANDLE: u32 = 2;
/// The result is in the stage; the runner no longer touches it.
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
pub(super) const BITMAP_SLOTS: usize = 32;

/// The state a completing runner found with the join handle present: where
/// [`SlotHeader::hand_over`] starts (saves it a second load).
pub(super) struct Joiner(u32);

/// What [`SlotHeader::hand_over`] did with a completed task's result.
pub(super) enum HandOver {
    /// Published, and the runner left the slot. It still has to wake the
    /// join handle's waker, if the handle was waiting: only once it has
    /// forgotten the slot, so that the woken joiner finds the slot without
    /// a runner and a waker that panics cannot make the runner let go twice.
    Left(Option<Waker>),
    /// Published, and the runner left last: the join handle let go between
    /// the two. The runner recycles the slot once it has forgotten it (and
    /// drops the waker the handle no longer needs).
    LeftLast(Option<Waker>),
    /// The join handle left before the result was published: nobody will
    /// read it. The runner, still the slot's only owner, takes it back,
    /// drops it and frees the slot.
    Abandoned,
}

/// The part of every pool slot that is the same for all task types.
pub(super) struct SlotHeader {
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
}

// SAFETY: the waker cell is handed between threads under the `state`
// protocol described at JOIN_WAKER (and is the last owner's alone in
// `free`), so only one thread at a time accesses it; `Waker` is Send. The
// bitmap pointer is written once, by the claimer, before the slot's owners
// exist, and points to the pool's `AtomicU32`, which is Sync.
unsafe impl Sync for SlotHeader {}

impl SlotHeader {
    crate::atomic::const_fn_unless_loom! {
        pub(super) const fn new() -> Self {
            Self {
                state: AtomicU32::new(0),
                bitmap: UnsafeCell::new(ptr::null()),
                join_waker: UnsafeCell::new(None),
            }
        }
    }

    /// Both owners, and the index, of a slot just claimed.
    fn claimed(index: usize) -> u32 {
        RUNNER | HANDLE | ((index as u32) << INDEX_SHIFT)
    }

    /// Claims a slot past the pool's bitmap, which is free when its state is
    /// 0. Acquire: pairs with the Release of the last owner's `free`.
    pub(super) fn claim_past_bitmap(&self, index: usize) -> bool {
        self.state
            .compare_exchange(
                0,
                Self::claimed(index),
                Ordering::Acquire,
                Ordering::Relaxed,
            )
            .is_ok()
    }

    /// Undoes `claim_past_bitmap` for a slot that never got a task.
    pub(super) fn unclaim(&self) {
        self.state.store(0, Ordering::Release);
    }

    /// Gives a claimed slot its two owners (the `TaskRef` and the
    /// `JoinHandle` about to be made) and the way back to `bitmap`.
    ///
    /// # Safety
    /// The caller claimed slot `index` of the pool whose bitmap is `bitmap`
    /// and no owner of it exists yet, so nobody else accesses its cells.
    #[inline]
    pub(super) unsafe fn open(&self, bitmap: &'static AtomicU32, index: usize) {
        // SAFETY: exclusive access (caller).
        unsafe { self.bitmap.get().write(bitmap) };
        if index < BITMAP_SLOTS {
            // (Slots past the bitmap got their state from the claim itself.)
            self.state.store(Self::claimed(index), Ordering::Release);
        }
    }

    /// Whether the slot is claimed; only meaningful past the bitmap.
    pub(super) fn is_claimed(&self) -> bool {
        self.state.load(Ordering::Acquire) != 0
    }

    /// Whether the result is in the stage (Acquire: then it is visible).
    #[inline]
    pub(super) fn is_done(&self) -> bool {
        self.state.load(Ordering::Acquire) & DONE != 0
    }

    /// The runner's first look as its task completes: `None` when the join
    /// handle is gone. Then no handle can come back, nobody will read the
    /// output and the runner is the last owner (Acquire: the handle's last
    /// accesses to the slot happened before).
    #[inline]
    pub(super) fn joiner(&self) -> Option<Joiner> {
        let state = self.state.load(Ordering::Acquire);
        (state & HANDLE != 0).then_some(Joiner(state))
    }

    /// The runner's side of a completion whose result it wrote to the stage,
    /// after [`joiner`](Self::joiner) found the handle: publishes the result
    /// and leaves the slot, in one compare-and-swap (RUNNER -> DONE) when
    /// nobody waits.
    pub(super) fn hand_over(&self, seen: Joiner) -> HandOver {
        let Joiner(mut state) = seen;
        loop {
            if state & HANDLE == 0 {
                return HandOver::Abandoned;
            }
            if state & JOIN_WAKER != 0 {
                return self.take_join_waker_and_leave();
            }
            // RUNNER and HANDLE are set and DONE is clear in `state`: the
            // exchange publishes the result (Release) and leaves in one
            // step.
            match self.state.compare_exchange_weak(
                state,
                (state | DONE) & !RUNNER,
                Ordering::AcqRel,
                Ordering::Acquire,
            ) {
                Ok(_) => return HandOver::Left(None),
                Err(now) => state = now,
            }
        }
    }

    /// `hand_over` when the join handle waits: setting DONE makes the waker
    /// cell the runner's (the handle can no longer withdraw its waker), so
    /// the runner takes the waker before it leaves. Two steps, where a
    /// handle nobody waits on takes one: a handle polled between them (not
    /// woken: the wake comes after both) sees the result while the runner
    /// still holds the slot for these few instructions.
    fn take_join_waker_and_leave(&self) -> HandOver {
        // AcqRel: publishes the result, and (Acquire) sees the waker the
        // handle wrote before it set JOIN_WAKER.
        let before = self.state.fetch_or(DONE, Ordering::AcqRel);
        let waker = if before & JOIN_WAKER != 0 {
            // SAFETY: JOIN_WAKER was set when we set DONE, so the handle can
            // no longer withdraw the waker (its compare-and-swap expects DONE
            // clear) nor touch the cell: it is ours alone until we leave.
            unsafe { (*self.join_waker.get()).take() }
        } else {
            // The handle withdrew its waker since we looked, and may have
            // left: then `leave` finds us last.
            None
        };
        if self.leave(RUNNER) {
            HandOver::LeftLast(waker)
        } else {
            HandOver::Left(waker)
        }
    }

    /// `owner` (RUNNER or HANDLE) leaves. Returns whether it was the last
    /// owner, which must then recycle the slot.
    #[inline]
    pub(super) fn leave(&self, owner: u32) -> bool {
        let before = self.state.fetch_and(!owner, Ordering::AcqRel);
        before & (RUNNER | HANDLE) & !owner == 0
    }

    /// The join handle's poll: `Ready` once the result is in the stage (and
    /// visible: Acquire), else publishes `waker` for the completion.
    pub(super) fn poll_done(&self, waker: &Waker) -> Poll<()> {
        let mut state = self.state.load(Ordering::Acquire);
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
        if state & DONE != 0 {
            return Poll::Ready(());
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

    /// The join handle, about to leave, withdraws a published waker while
    /// HANDLE still keeps the slot from being recycled. Inline: a handle
    /// that never waited (a detached task's) only loads the state.
    #[inline]
    pub(super) fn withdraw_join_waker(&self) {
        let state = self.state.load(Ordering::Acquire);
        if state & JOIN_WAKER != 0 {
            self.withdraw_published_waker(state);
        }
    }

    #[cold]
    fn withdraw_published_waker(&self, mut state: u32) {
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
                    return;
                }
                Err(now) => state = now,
            }
        }
    }

    /// Gives the slot back: to the bitmap, or (past it) by zeroing `state`.
    /// Called by the last owner, after the stage was emptied. Not inlined:
    /// a task's poll stays smaller for it, which its `Pending` polls (the
    /// many) gain more than its one completion loses (measured on the
    /// benchmark's W2t and W3).
    pub(super) fn free(&self) {
        // SAFETY: the last owner has exclusive access to the cells. The waker
        // cell is normally empty by now; a waker left behind by a join whose
        // `clone` panicked is dropped, after the slot is given back (its
        // destructor is foreign code that may panic), rather than leaked.
        let (waker, bitmap) = unsafe {
            (
                (*self.join_waker.get()).take(),
                crate::atomic::read_cell(&self.bitmap),
            )
        };
        let index = (self.state.load(Ordering::Relaxed) >> INDEX_SHIFT) as usize;
        if index < BITMAP_SLOTS {
            self.state.store(0, Ordering::Relaxed);
            // SAFETY: `bitmap` was written at the claim (`open`) from
            // `&'static` pool memory.
            let bitmap = unsafe { &*bitmap };
            // Release: the next claimer (Acquire) sees the cleared stage.
            bitmap.fetch_and(!(1u32 << index), Ordering::Release);
        } else {
            self.state.store(0, Ordering::Release);
        }
        drop(waker);
    }
}
