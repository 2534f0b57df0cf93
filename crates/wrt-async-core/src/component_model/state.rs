//! The spec's per-future/stream state machine (`SharedFutureImpl` /
//! `SharedStreamImpl` plus each end's `CopyEnd` state) and its guards, for
//! both tiers.
//!
//! Generic over where a buffer's values live (`V`: a `VecDeque` in the
//! alloc tier, a fixed [`Chunk`](super::Chunk) in the no-heap tier) and over
//! how an end remembers its waitable set (`M`: the set's signal in the alloc
//! tier, its index in a bounded table), so both tiers run this one copy of
//! the rules. No locking and no waking here: the tiers wrap it.

use core::mem;

use super::copy::{CopyDoneOf, CopyResult, CopyState, CopyStatusOf, MAX_BUFFER_LEN};
use super::error::ComponentError;
use super::handle::HandleKind;
use super::value::{ComponentValue, ValueType};
use super::{future, stream};

/// Which end.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Side {
    Readable = 0,
    Writable = 1,
}

impl Side {
    /// Both ends, in the order of their index.
    pub(crate) const BOTH: [Self; 2] = [Self::Readable, Self::Writable];
}

/// Future or stream.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Kind {
    Future,
    Stream,
}

/// Where a buffer keeps its values. Elements only ever enter at the back (a
/// read receiving) and leave at the front (a write being consumed).
pub(crate) trait Values {
    /// No values; a constant so that bounded tables can be `static`.
    const EMPTY: Self;

    /// Appends `value`. Callers never exceed the buffer's length, which the
    /// storage was sized for.
    fn push_back(&mut self, value: ComponentValue);

    /// Removes the first value.
    fn pop_front(&mut self) -> Option<ComponentValue>;

    /// Number of values held.
    fn len(&self) -> usize;
}

/// The buffer of one read or write (the spec's `Buffer`): `length` slots,
/// `progress` of them copied so far.
#[derive(Debug)]
pub(crate) struct Buffer<V> {
    length: u32,
    pub(crate) progress: u32,
    /// Read: the elements received. Write: the elements not yet consumed.
    pub(crate) values: V,
}

impl<V: Values> Buffer<V> {
    const EMPTY: Self = Self {
        length: 0,
        progress: 0,
        values: V::EMPTY,
    };

    /// A read buffer of `length` slots.
    pub(crate) fn read(length: usize) -> Result<Self, ComponentError> {
        Ok(Self {
            length: checked_len(length)?,
            ..Self::EMPTY
        })
    }

    /// A write buffer holding `values`, which the caller checked with
    /// [`check_types`].
    pub(crate) fn filled(values: V) -> Result<Self, ComponentError> {
        Ok(Self {
            length: checked_len(values.len())?,
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

/// The spec's `trap_if(length > Buffer.MAX_LENGTH)`.
pub(crate) fn checked_len(len: usize) -> Result<u32, ComponentError> {
    if len > MAX_BUFFER_LEN {
        return Err(ComponentError::BufferTooLong { len });
    }
    u32::try_from(len).map_err(|_| ComponentError::BufferTooLong { len })
}

/// Every value to write must be of the element type `ty`.
pub(crate) fn check_types<'a>(
    values: impl IntoIterator<Item = &'a ComponentValue>,
    ty: ValueType,
) -> Result<(), ComponentError> {
    match values.into_iter().find(|v| v.value_type() != ty) {
        Some(bad) => Err(ComponentError::TypeMismatch {
            expected: ty,
            found: bad.value_type(),
        }),
        None => Ok(()),
    }
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
pub(crate) struct EndState<V, M> {
    pub(crate) copy: CopyState,
    pub(crate) buffer: Buffer<V>,
    event: Option<PendingEvent>,
    /// Set (its task must be woken) since the last wake-up was collected.
    notify: bool,
    /// The waitable set this end is joined to, if any.
    pub(crate) set: Option<M>,
    /// Owned by nobody any more: host code let go of it with a write still
    /// to finish; the end is delivered and dropped as soon as that happens.
    detached: bool,
    /// Dropped (no table entry or host owner refers to it any more).
    pub(crate) gone: bool,
}

impl<V: Values, M> EndState<V, M> {
    const fn new() -> Self {
        Self {
            copy: CopyState::Idle,
            buffer: Buffer::EMPTY,
            event: None,
            notify: false,
            set: None,
            detached: false,
            gone: false,
        }
    }
}

/// The mutable state of a future or stream.
pub(crate) struct PairState<V, M> {
    pub(crate) kind: Kind,
    /// One of the ends was dropped (the spec's `shared.dropped`).
    pub(crate) dropped: bool,
    /// Whose buffer waits for a rendezvous (the spec's `pending_buffer`).
    pub(crate) pending: Option<Side>,
    ends: [EndState<V, M>; 2],
}

impl<V: Values, M> PairState<V, M> {
    /// A new future or stream: both ends idle.
    pub(crate) const fn new(kind: Kind) -> Self {
        Self {
            kind,
            dropped: false,
            pending: None,
            ends: [EndState::new(), EndState::new()],
        }
    }

    pub(crate) fn end(&self, side: Side) -> &EndState<V, M> {
        &self.ends[side as usize]
    }

    pub(crate) fn end_mut(&mut self, side: Side) -> &mut EndState<V, M> {
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

    /// The spec's `stream_copy` / `future_copy` on an end: the guard that
    /// it is idle, then the read (`side` readable) or write with the buffer
    /// `make` builds, then the completion if it finished at once.
    pub(crate) fn copy(
        &mut self,
        side: Side,
        handle: u32,
        make: impl FnOnce() -> Result<Buffer<V>, ComponentError>,
    ) -> Result<CopyStatusOf<V>, ComponentError> {
        self.check_idle(side, handle)?;
        self.start(side, make()?);
        Ok(self
            .take_event(side)
            .map_or(CopyStatusOf::Blocked, CopyStatusOf::Done))
    }

    /// Starts a read or write with `buffer`. The caller checked that the
    /// end is idle.
    pub(crate) fn start(&mut self, side: Side, buffer: Buffer<V>) {
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
    pub(crate) fn take_event(&mut self, side: Side) -> Option<CopyDoneOf<V>> {
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
        let buffer = mem::replace(&mut end.buffer, Buffer::EMPTY);
        Some(CopyDoneOf {
            result: event.result,
            progress: buffer.progress,
            values: buffer.values,
        })
    }

    /// The completion of `side`'s copy if it finished (`None` while it goes
    /// on); `NotCopying` without a copy.
    pub(crate) fn copy_done_now(
        &mut self,
        side: Side,
        handle: u32,
    ) -> Result<Option<CopyDoneOf<V>>, ComponentError> {
        self.check_copying(side, handle)?;
        Ok(self.take_event(side))
    }

    fn check_copying(&self, side: Side, handle: u32) -> Result<(), ComponentError> {
        if self.end(side).copy == CopyState::Copying {
            Ok(())
        } else {
            Err(ComponentError::NotCopying { handle })
        }
    }

    /// The spec's `cancel_copy`: the guard that a copy is in progress, then
    /// the cancellation.
    pub(crate) fn cancel_checked(
        &mut self,
        side: Side,
        handle: u32,
    ) -> Result<CopyStatusOf<V>, ComponentError> {
        self.check_copying(side, handle)?;
        Ok(self.cancel(side))
    }

    /// The spec's `cancel_copy` after its guards: the end is copying. The
    /// copy finishes at once with `CANCELLED`, unless it already finished
    /// (then that result is delivered).
    pub(crate) fn cancel(&mut self, side: Side) -> CopyStatusOf<V> {
        if !self.has_event(side) && self.pending == Some(side) {
            self.notify_pending(CopyResult::Cancelled);
        }
        self.take_event(side)
            .map_or(CopyStatusOf::Blocked, CopyStatusOf::Done)
    }

    /// The spec's `drop` of a table end of kind `expected`: the guards
    /// (not copying; a future's writable end only once done), then
    /// [`drop_end`](Self::drop_end).
    pub(crate) fn drop_checked(
        &mut self,
        side: Side,
        handle: u32,
        expected: HandleKind,
    ) -> Result<Option<M>, ComponentError> {
        match self.end(side).copy {
            CopyState::Copying => Err(ComponentError::DropWhileCopying { handle }),
            CopyState::Idle if expected == HandleKind::WritableFuture => {
                Err(ComponentError::FutureNotWritten { handle })
            }
            _ => Ok(self.drop_end(side)),
        }
    }

    /// The spec's `CopyEnd.drop` after its guards: the end is not copying.
    /// Returns the set membership to release outside the lock.
    pub(crate) fn drop_end(&mut self, side: Side) -> Option<M> {
        if !self.dropped {
            self.dropped = true;
            self.notify_pending(CopyResult::Dropped);
        }
        let end = self.end_mut(side);
        end.gone = true;
        end.detached = false;
        end.set.take()
    }

    /// Lets go of an end without trapping: a copy in progress is cancelled
    /// first (the buffer handed back has no owner left), then the end is
    /// dropped (or detached, should the cancellation not finish at once).
    pub(crate) fn release(&mut self, side: Side) {
        if self.end(side).copy == CopyState::Copying {
            let _cancelled = self.cancel(side);
        }
        self.detach(side);
    }

    /// Whether both ends were dropped: nothing refers to the state any more.
    pub(crate) fn both_gone(&self) -> bool {
        self.ends.iter().all(|end| end.gone)
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
    pub(crate) fn settle_detached(&mut self) {
        for side in Side::BOTH {
            if self.end(side).detached && self.has_event(side) {
                // The buffer handed back has no owner left: dropped here.
                let _finished = self.take_event(side);
                self.drop_end(side);
            }
        }
    }

    /// Which ends got an event (and so must be woken) since the last call.
    pub(crate) fn take_notified(&mut self) -> [bool; 2] {
        self.ends.each_mut().map(|end| mem::take(&mut end.notify))
    }
}
