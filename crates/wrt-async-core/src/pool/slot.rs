//! One pool slot: the task's future, then its output (the stage), run by a
//! `TaskRef` and read by a `JoinHandle`. Only what needs the future's type
//! is here; the owners' protocol is the slot's [`SlotHeader`].

use core::future::Future;
use core::pin::Pin;
use core::ptr;
use core::task::{Context, Poll, Waker};

use super::header::{HANDLE, HandOver, Joiner, SlotHeader};
use crate::ExecutorError;
use crate::atomic::{AtomicU32, UnsafeCell};
use crate::join::JoinTarget;
use crate::task::{RunTask, TaskRef};

/// What a slot holds. The future is pinned in place from the first poll until
/// it is dropped in place; the output is an ordinary value.
enum Stage<F: Future> {
    Empty,
    Running(F),
    Finished(Result<F::Output, ExecutorError>),
}

pub(super) struct PoolSlot<F: Future> {
    pub(super) header: SlotHeader,
    stage: UnsafeCell<Stage<F>>,
}

// SAFETY: the stage is handed between threads under the header's state
// protocol (the runner's until DONE, then the join handle's or the last
// owner's), so only one thread at a time accesses it; F and its output must
// be Send for that hand-off. The header is Sync itself.
unsafe impl<F: Future + Send> Sync for PoolSlot<F> where F::Output: Send {}

impl<F: Future + Send + 'static> PoolSlot<F>
where
    F::Output: Send,
{
    crate::atomic::const_fn_unless_loom! {
        pub(super) const fn new() -> Self {
            Self {
                header: SlotHeader::new(),
                stage: UnsafeCell::new(Stage::Empty),
            }
        }
    }

    /// Stores the task's future in slot `index` of the pool whose bitmap is
    /// `bitmap`, and makes its two owners.
    ///
    /// # Safety
    /// The caller claimed the slot and no owner of it exists yet: nobody else
    /// reads or writes its cells.
    pub(super) unsafe fn start(
        &'static self,
        bitmap: &'static AtomicU32,
        index: usize,
        future: F,
    ) -> (TaskRef, crate::JoinHandle<F::Output>) {
        // SAFETY: exclusive access (caller). The stage is `Empty` (a slot is
        // freed only after its stage was cleared), so writing over it loses
        // nothing.
        unsafe {
            self.stage.get().write(Stage::Running(future));
            self.header.open(bitmap, index);
        }
        (TaskRef::new(self), crate::JoinHandle::new(self))
    }

    /// The runner's side of a completion, or of a cancellation: hands
    /// `result` to the join handle and leaves the slot, with no
    /// read-modify-write of the state at all when the handle is gone. The
    /// stage is `Empty` (the future was dropped in place). `runner` (the
    /// completing TaskRef; `None` for a cancellation, whose TaskRef is
    /// already gone) forgets the slot as soon as the runner has left.
    ///
    /// Whatever may unwind before the runner leaves (the result's
    /// destructor) runs while the runner still holds the slot and has not
    /// published, so that on a panic its `TaskRef` still releases the slot
    /// through `release_runner`. What runs after (a waker, the destructor
    /// of a result nobody took) runs once the runner forgot the slot.
    ///
    /// Inline up to the detached case (the common one, and the cheap one);
    /// the hand-over to a join handle is one out-of-line copy per task type.
    #[inline]
    fn publish(&self, result: Result<F::Output, ExecutorError>, runner: Option<&mut TaskRef>) {
        match self.header.joiner() {
            None => {
                drop(result);
                self.header.free();
                forget(runner);
            }
            Some(joiner) => self.hand_to_joiner(joiner, result, runner),
        }
    }

    /// `publish` when the join handle was there as the runner looked.
    fn hand_to_joiner(
        &self,
        joiner: Joiner,
        result: Result<F::Output, ExecutorError>,
        runner: Option<&mut TaskRef>,
    ) {
        // SAFETY: RUNNER is ours and DONE is clear: the stage is ours, and
        // `Empty`, so writing over it loses nothing.
        unsafe { self.stage.get().write(Stage::Finished(result)) };
        match self.header.hand_over(joiner) {
            HandOver::Left(waker) => {
                forget(runner);
                if let Some(waker) = waker {
                    waker.wake();
                }
            }
            HandOver::LeftLast(waker) => {
                forget(runner);
                drop(waker);
                self.recycle();
            }
            HandOver::Abandoned => {
                // SAFETY: RUNNER is ours and DONE clear: the stage is ours.
                drop(unsafe { ptr::replace(self.stage.get(), Stage::Empty) });
                self.header.free();
                forget(runner);
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

    /// Called by the last owner to leave: drops the result and frees the
    /// slot, also if that drop panics.
    fn recycle(&self) {
        struct Free<'a>(&'a SlotHeader);
        impl Drop for Free<'_> {
            fn drop(&mut self) {
                self.0.free();
            }
        }
        let _free = Free(&self.header);
        // SAFETY: only the last owner recycles, and it alone can reach the
        // stage (no runner, no handle, not claimable yet).
        unsafe { self.clear_stage() };
    }

    /// The runner gives up a task that has not completed: its future is
    /// dropped and the join handle sees `reason`.
    #[cold]
    fn cancel(&self, reason: ExecutorError) {
        /// Publishes `reason` even if dropping the future panics, so the
        /// join handle is never left waiting and the slot is never lost.
        struct Publish<'a, F: Future + Send + 'static>(&'a PoolSlot<F>, ExecutorError)
        where
            F::Output: Send;
        impl<F: Future + Send + 'static> Drop for Publish<'_, F>
        where
            F::Output: Send,
        {
            fn drop(&mut self) {
                // The TaskRef already forgot the slot (it is being dropped,
                // or `fail` replaced it).
                self.0.publish(Err(self.1), None);
            }
        }
        let publish = Publish(self, reason);
        // SAFETY: not DONE: the runner owns the stage.
        unsafe { self.clear_stage() };
        drop(publish);
    }
}

/// The runner has left its slot: the completing TaskRef (none for a
/// cancellation, whose TaskRef is already gone) must not reach it again.
#[inline]
fn forget(runner: Option<&mut TaskRef>) {
    if let Some(runner) = runner {
        runner.forget_slot();
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
    fn poll_task(&'static self, cx: &mut Context<'_>, runner: &mut TaskRef) -> Poll<()> {
        // SAFETY: the unique TaskRef (`runner`) is the only caller, and until
        // it leaves (in `publish`) it alone owns the stage.
        let stage = unsafe { &mut *self.stage.get() };
        let Stage::Running(future) = stage else {
            // The stage leaves `Running` only with the completion, after
            // which the TaskRef forgot the slot.
            debug_assert!(false, "a pool task polled after it completed");
            return Poll::Ready(());
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
                self.publish(Ok(output), Some(runner));
                Poll::Ready(())
            }
        }
    }

    fn release_runner(&'static self, reason: ExecutorError) {
        // A runner that published has left and forgotten the slot in the
        // same breath (no code that can unwind runs in between): one that
        // still holds it holds a task that has not completed.
        debug_assert!(!self.header.is_done());
        self.cancel(reason);
    }
}

impl<F: Future + Send + 'static> JoinTarget<F::Output> for PoolSlot<F>
where
    F::Output: Send,
{
    fn poll_join(&'static self, waker: &Waker) -> Poll<Result<F::Output, ExecutorError>> {
        if self.header.poll_done(waker).is_pending() {
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
        self.header.is_done()
    }

    fn release_handle(&'static self) {
        self.header.withdraw_join_waker();
        if self.header.leave(HANDLE) {
            self.recycle();
        }
    }
}
