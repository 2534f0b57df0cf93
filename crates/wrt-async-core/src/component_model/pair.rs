//! The state the two ends of one future or stream share (the spec's
//! `SharedFutureImpl` / `SharedStreamImpl` plus each end's `CopyEnd` state),
//! and event delivery.
//!
//! A [`Pair`] is reference counted: its ends may sit in different tables (a
//! readable end transferred to another component) or be owned by host code.
//! All its mutable state is behind one spin lock, taken after the table lock
//! (if any) and never held across a waker call: operations collect a
//! [`Wakeup`] that the caller runs once every lock is released.

use alloc::collections::VecDeque;
use alloc::sync::Arc;
use core::mem;

use super::copy::{CopyDone, CopyResult, CopyState, CopyStatus, MAX_BUFFER_LEN};
use super::error::ComponentError;
use super::raw_mutex::{SpinMutex, SpinMutexGuard};
use super::value::{ComponentValue, ValueType};
use super::waitable::SetSignal;
use super::{future, stream};
use crate::sync::AtomicWaker;

/// Which end.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Side {
    Readable = 0,
    Writable = 1,
}

/// Future or stream.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Kind {
    Future,
    Stream,
}

/// The buffer of one read or write (the spec's `Buffer`): `length` slots,
/// `progress` of them copied so far.
#[derive(Default, Debug)]
pub(crate) struct Buffer {
    length: u32,
    pub(crate) progress: u32,
    /// Read: the elements received. Write: the elements not yet consumed.
    pub(crate) values: VecDeque<ComponentValue>,
}

impl Buffer {
    /// A read buffer of `length` slots.
    pub(crate) fn read(length: usize) -> Result<Self, ComponentError> {
        Ok(Self {
            length: checked_len(length)?,
            progress: 0,
            values: VecDeque::new(),
        })
    }

    /// A write buffer holding `values`, each of which must be of type `ty`.
    pub(crate) fn write(
        values: impl Into<VecDeque<ComponentValue>>,
        ty: ValueType,
    ) -> Result<Self, ComponentError> {
        let values = values.into();
        let length = checked_len(values.len())?;
        if let Some(bad) = values.iter().find(|v| v.value_type() != ty) {
            return Err(ComponentError::TypeMismatch {
                expected: ty,
                found: bad.value_type(),
            });
        }
        Ok(Self {
            length,
            progress: 0,
            values,
        })
    }

    /// Slots (read) or elements (write) left.
    pub(crate) fn remain(&self) -> u32 {
        self.length - self.progress
    }

    /// The spec's `is_zero_length`: created with no slots at all.
    pub(crate) fn is_zero_length(&self) -> bool {
        self.length == 0
    }
}

fn checked_len(len: usize) -> Result<u32, ComponentError> {
    if len > MAX_BUFFER_LEN {
        return Err(ComponentError::BufferTooLong { len });
    }
    u32::try_from(len).map_err(|_| ComponentError::BufferTooLong { len })
}

/// An event set on an end but not delivered yet (the spec's
/// `pending_event` closure).
#[derive(Clone, Copy, Debug)]
struct PendingEvent {
    result: CopyResult,
    /// Delivering it reclaims the end's buffer from the shared `pending`
    /// slot (the spec's `ReclaimBuffer`): until then the other end may go
    /// on copying into or out of it.
    reclaim: bool,
}

/// One end's state.
#[derive(Default)]
pub(crate) struct EndState {
    pub(crate) copy: CopyState,
    pub(crate) buffer: Buffer,
    event: Option<PendingEvent>,
    /// Set (its task must be woken) since the last [`Wakeup`] was collected.
    notify: bool,
    /// The waitable set this end is joined to, if any.
    pub(crate) set: Option<Arc<SetSignal>>,
    /// Owned by nobody any more: host code let go of it with a write still
    /// to finish; the end is delivered and dropped as soon as that happens.
    detached: bool,
    /// Dropped (no table entry or host owner refers to it any more).
    pub(crate) gone: bool,
}

/// The mutable state of a pair.
pub(crate) struct PairState {
    pub(crate) kind: Kind,
    /// One of the ends was dropped (the spec's `shared.dropped`).
    pub(crate) dropped: bool,
    /// Whose buffer waits for a rendezvous (the spec's `pending_buffer`).
    pub(crate) pending: Option<Side>,
    ends: [EndState; 2],
}

impl PairState {
    pub(crate) fn end(&self, side: Side) -> &EndState {
        &self.ends[side as usize]
    }

    pub(crate) fn end_mut(&mut self, side: Side) -> &mut EndState {
        &mut self.ends[side as usize]
    }

    /// Whether `side` has an undelivered event.
    pub(crate) fn has_event(&self, side: Side) -> bool {
        self.end(side).event.is_some()
    }

    /// The spec's `trap_if(e.state != CopyState.IDLE)` of reads, writes and
    /// transfers.
    pub(crate) fn check_idle(&self, side: Side, handle: u32) -> Result<(), ComponentError> {
        match self.end(side).copy {
            CopyState::Idle => Ok(()),
            CopyState::Copying => Err(ComponentError::CopyInProgress { handle }),
            CopyState::Done => Err(ComponentError::AlreadyDone { handle }),
        }
    }

    /// Sets `side`'s pending event, replacing an earlier one (as the spec's
    /// `set_pending_event` does).
    pub(crate) fn set_event(&mut self, side: Side, result: CopyResult, reclaim: bool) {
        let end = self.end_mut(side);
        end.event = Some(PendingEvent { result, reclaim });
        end.notify = true;
    }

    /// The spec's `reset_and_notify_pending`: the pending buffer's owner
    /// finishes with `result`.
    pub(crate) fn notify_pending(&mut self, result: CopyResult) {
        if let Some(side) = self.pending.take() {
            self.set_event(side, result, false);
        }
    }

    /// Moves `n` elements from the writable end's buffer to the readable
    /// end's.
    pub(crate) fn move_values(&mut self, n: u32) {
        let [readable, writable] = &mut self.ends;
        for _ in 0..n {
            if let Some(value) = writable.buffer.values.pop_front() {
                readable.buffer.values.push_back(value);
            }
        }
        readable.buffer.progress += n;
        writable.buffer.progress += n;
    }

    /// Starts a read (`side` readable) or write with `buffer`. The caller
    /// checked that the end is idle.
    pub(crate) fn start(&mut self, side: Side, buffer: Buffer) {
        let end = self.end_mut(side);
        end.copy = CopyState::Copying;
        end.buffer = buffer;
        match (self.kind, side) {
            (Kind::Future, Side::Readable) => future::read(self),
            (Kind::Future, Side::Writable) => future::write(self),
            (Kind::Stream, Side::Readable) => stream::read(self),
            (Kind::Stream, Side::Writable) => stream::write(self),
        }
    }

    /// Delivers `side`'s pending event, if any (the spec's
    /// `get_pending_event` calling `stream_event` / `future_event`): hands
    /// the buffer back and moves the end to `IDLE` or `DONE`.
    pub(crate) fn take_event(&mut self, side: Side) -> Option<CopyDone> {
        let kind = self.kind;
        let pending = &mut self.pending;
        let end = &mut self.ends[side as usize];
        let event = end.event.take()?;
        end.notify = false;
        if event.reclaim && *pending == Some(side) {
            *pending = None;
        }
        end.copy = match (kind, event.result) {
            (_, CopyResult::Dropped) | (Kind::Future, CopyResult::Completed) => CopyState::Done,
            _ => CopyState::Idle,
        };
        let buffer = mem::take(&mut end.buffer);
        Some(CopyDone {
            result: event.result,
            progress: buffer.progress,
            values: buffer.values.into(),
        })
    }

    /// The spec's `cancel_copy` after its guards: the end is copying. The
    /// copy finishes at once with `CANCELLED`, unless it already finished
    /// (then that result is delivered).
    pub(crate) fn cancel(&mut self, side: Side) -> CopyStatus {
        if !self.has_event(side) && self.pending == Some(side) {
            self.notify_pending(CopyResult::Cancelled);
        }
        self.take_event(side)
            .map_or(CopyStatus::Blocked, CopyStatus::Done)
    }

    /// The spec's `CopyEnd.drop` after its guards: the end is not copying.
    /// Returns the set membership to release outside the lock.
    pub(crate) fn drop_end(&mut self, side: Side) -> Option<Arc<SetSignal>> {
        if !self.dropped {
            self.dropped = true;
            self.notify_pending(CopyResult::Dropped);
        }
        let end = self.end_mut(side);
        end.gone = true;
        end.detached = false;
        end.set.take()
    }

    /// Lets go of a host-owned end (host code dropped its bridge):
    /// a copy in progress keeps going to completion, after which the end is
    /// dropped; otherwise the end is dropped now.
    pub(crate) fn detach(&mut self, side: Side) {
        if self.end(side).copy == CopyState::Copying {
            self.end_mut(side).detached = true;
        } else {
            self.drop_end(side);
        }
    }

    /// Finishes detached ends whose copy completed.
    fn settle_detached(&mut self) {
        for side in [Side::Readable, Side::Writable] {
            if self.end(side).detached && self.has_event(side) {
                // The buffer handed back has no owner left: dropped here.
                let _finished = self.take_event(side);
                self.drop_end(side);
            }
        }
    }

    /// Collects the wake-ups owed to ends whose event was set.
    fn collect(&mut self, pair: &Arc<Pair>) -> Wakeup {
        let mut wakeup = Wakeup {
            pair: None,
            sides: [false; 2],
            sets: [None, None],
        };
        for (i, end) in self.ends.iter_mut().enumerate() {
            if mem::take(&mut end.notify) {
                wakeup.sides[i] = true;
                wakeup.sets[i].clone_from(&end.set);
                wakeup.pair = Some(pair.clone());
            }
        }
        wakeup
    }
}

/// The shared part of one future or stream.
pub(crate) struct Pair {
    pub(crate) kind: Kind,
    pub(crate) ty: ValueType,
    /// The task waiting on each end directly (not through a set).
    wakers: [AtomicWaker; 2],
    state: SpinMutex<PairState>,
}

impl Pair {
    pub(crate) fn new(kind: Kind, ty: ValueType) -> Arc<Self> {
        Arc::new(Self {
            kind,
            ty,
            wakers: [AtomicWaker::new(), AtomicWaker::new()],
            state: SpinMutex::new(PairState {
                kind,
                dropped: false,
                pending: None,
                ends: [EndState::default(), EndState::default()],
            }),
        })
    }

    /// Runs `f` on the locked state, then settles detached ends and
    /// collects the wake-ups `f` caused; the caller runs them after
    /// releasing its own locks.
    pub(crate) fn with<R>(self: &Arc<Self>, f: impl FnOnce(&mut PairState) -> R) -> (R, Wakeup) {
        let mut state = self.lock();
        let out = f(&mut state);
        state.settle_detached();
        let wakeup = state.collect(self);
        (out, wakeup)
    }

    /// Registers `waker` to be woken when `side` gets an event.
    pub(crate) fn register(&self, side: Side, waker: &core::task::Waker) {
        self.wakers[side as usize].register(waker);
    }

    /// Wakes the task waiting on `side` directly.
    pub(crate) fn wake(&self, side: Side) {
        self.wakers[side as usize].wake();
    }

    fn lock(&self) -> SpinMutexGuard<'_, PairState> {
        self.state.lock()
    }
}

/// Wake-ups owed after an operation, run once every lock is released.
#[must_use = "run the wake-ups after releasing the locks"]
pub(crate) struct Wakeup {
    pair: Option<Arc<Pair>>,
    sides: [bool; 2],
    sets: [Option<Arc<SetSignal>>; 2],
}

impl Wakeup {
    /// No wake-ups.
    pub(crate) const fn none() -> Self {
        Self {
            pair: None,
            sides: [false; 2],
            sets: [None, None],
        }
    }

    /// Wakes the direct waiters and the waitable sets of the ends that got
    /// an event.
    pub(crate) fn run(self) {
        let Some(pair) = self.pair else { return };
        for (i, woken) in self.sides.iter().enumerate() {
            if *woken {
                pair.wakers[i].wake();
            }
        }
        for set in self.sets.iter().flatten() {
            set.notify();
        }
    }
}
