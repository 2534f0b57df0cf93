//! [`BoundedComponentTable`]: a component instance's handle table in fixed
//! storage — `HANDLES` indices, `PAIRS` futures/streams, `BUF` values per
//! buffer — its slots, and creation and inspection of entries.

use core::fmt;

use super::super::copy::CopyState;
use super::super::error::ComponentError;
use super::super::handle::HandleKind;
use super::super::raw_mutex::{SpinMutex, SpinMutexGuard};
use super::super::state::{Kind, PairState, Side};
use super::super::value::ValueType;
use super::chunk::Chunk;
use crate::sync::AtomicWaker;

/// A future's or stream's state in a bounded table: values in [`Chunk`]s,
/// set membership as the set's index.
pub(super) type State<const BUF: usize> = PairState<Chunk<BUF>, u32>;

/// One future or stream.
pub(super) struct PairSlot<const BUF: usize> {
    pub(super) ty: ValueType,
    pub(super) state: State<BUF>,
}

/// What one index of the table holds.
#[derive(Clone, Copy, Debug)]
pub(super) enum Slot {
    /// Never handed out.
    Unused,
    /// Freed; `next` is the index freed before it (0: none), so freed
    /// indices are reused last-freed first, as in the spec.
    Free { next: u32 },
    /// A future or stream end: `pair` indexes the pair slots.
    End { pair: usize, side: Side },
    /// A waitable set; `waiting`: a task is in `waitable-set.wait` on it;
    /// `cursor`: where the next search for an event starts.
    Set { waiting: bool, cursor: usize },
}

/// Everything behind the table's lock.
pub(super) struct Inner<const HANDLES: usize, const PAIRS: usize, const BUF: usize> {
    /// `slots[i]` is handle `i + 1`: handle 0 is never valid.
    pub(super) slots: [Slot; HANDLES],
    /// The last freed index (0: none).
    free_head: u32,
    /// Indices handed out so far: the next fresh one is `used + 1`.
    pub(super) used: usize,
    live: usize,
    pub(super) pairs: [Option<PairSlot<BUF>>; PAIRS],
}

/// Wake-ups owed after an operation, run once the lock is released.
#[must_use = "run the wake-ups after releasing the lock"]
pub(super) struct Wakeup {
    pair: usize,
    sides: [bool; 2],
    sets: [Option<u32>; 2],
}

impl Wakeup {
    pub(super) const NONE: Self = Self {
        pair: 0,
        sides: [false; 2],
        sets: [None; 2],
    };
}

impl<const HANDLES: usize, const PAIRS: usize, const BUF: usize> Inner<HANDLES, PAIRS, BUF> {
    /// The entry at `handle`.
    pub(super) fn get(&self, handle: u32) -> Result<Slot, ComponentError> {
        let slot = (handle as usize)
            .checked_sub(1)
            .and_then(|i| self.slots.get(i));
        match slot {
            Some(slot @ (Slot::End { .. } | Slot::Set { .. })) => Ok(*slot),
            _ => Err(ComponentError::InvalidHandle { handle }),
        }
    }

    fn kind(&self, slot: Slot) -> HandleKind {
        match slot {
            Slot::End { pair, side } => HandleKind::of_end(self.pair(pair).state.kind, side),
            _ => HandleKind::WaitableSet,
        }
    }

    /// The end at `handle`, which must be of kind `expected`.
    pub(super) fn end(
        &self,
        handle: u32,
        expected: HandleKind,
    ) -> Result<(usize, Side), ComponentError> {
        let slot = self.get(handle)?;
        match slot {
            Slot::End { pair, side } if self.kind(slot) == expected => Ok((pair, side)),
            _ => Err(ComponentError::WrongHandleKind {
                handle,
                expected,
                found: self.kind(slot),
            }),
        }
    }

    /// The end at `handle`, whatever its kind.
    pub(super) fn any_end(&self, handle: u32) -> Result<(usize, Side), ComponentError> {
        match self.get(handle)? {
            Slot::End { pair, side } => Ok((pair, side)),
            _ => Err(ComponentError::NotWaitable { handle }),
        }
    }

    /// The waitable set at `handle`: `(waiting, cursor)`.
    pub(super) fn set_mut(
        &mut self,
        handle: u32,
    ) -> Result<(&mut bool, &mut usize), ComponentError> {
        let slot = self.get(handle)?;
        let found = self.kind(slot);
        match &mut self.slots[handle as usize - 1] {
            Slot::Set { waiting, cursor } => Ok((waiting, cursor)),
            _ => Err(ComponentError::WrongHandleKind {
                handle,
                expected: HandleKind::WaitableSet,
                found,
            }),
        }
    }

    pub(super) fn pair(&self, pair: usize) -> &PairSlot<BUF> {
        match &self.pairs[pair] {
            Some(slot) => slot,
            // Slots only refer to live pairs: a pair is freed once both of
            // its ends are gone, and ends leave their slots first.
            None => unreachable!("a table slot refers to a freed pair"),
        }
    }

    pub(super) fn state(&mut self, pair: usize) -> &mut State<BUF> {
        match &mut self.pairs[pair] {
            Some(slot) => &mut slot.state,
            None => unreachable!("a table slot refers to a freed pair"),
        }
    }

    /// Puts `slot` at the last freed index, or the next fresh one.
    pub(super) fn add(&mut self, slot: Slot) -> Result<u32, ComponentError> {
        let handle = if self.free_head != 0 {
            let handle = self.free_head;
            if let Slot::Free { next } = self.slots[handle as usize - 1] {
                self.free_head = next;
            }
            handle
        } else if self.used < HANDLES {
            self.used += 1;
            // `new` checked that `HANDLES` fits the spec's index range.
            u32::try_from(self.used).map_err(|_| ComponentError::TableFull)?
        } else {
            return Err(ComponentError::TableFull);
        };
        self.slots[handle as usize - 1] = slot;
        self.live += 1;
        Ok(handle)
    }

    /// Frees `handle` (the caller looked it up).
    pub(super) fn remove(&mut self, handle: u32) {
        self.slots[handle as usize - 1] = Slot::Free {
            next: self.free_head,
        };
        self.free_head = handle;
        self.live -= 1;
    }

    /// Takes back the `handle` that [`add`](Self::add) just returned, as if
    /// it never happened.
    fn unadd(&mut self, handle: u32, was_fresh: bool) {
        if was_fresh {
            self.slots[handle as usize - 1] = Slot::Unused;
            self.used -= 1;
            self.live -= 1;
        } else {
            self.remove(handle);
        }
    }

    /// After an operation on `pair`: finishes detached ends, frees the pair
    /// once both ends are gone, and collects the wake-ups owed.
    pub(super) fn settle(&mut self, pair: usize) -> Wakeup {
        let Some(slot) = &mut self.pairs[pair] else {
            return Wakeup::NONE;
        };
        let state = &mut slot.state;
        state.settle_detached();
        let sides = state.take_notified();
        let sets = Side::BOTH.map(|side| state.end(side).set);
        if state.both_gone() {
            self.pairs[pair] = None;
        }
        Wakeup { pair, sides, sets }
    }
}

/// A component instance's handle table in fixed storage: up to `HANDLES`
/// entries (future and stream ends and waitable sets under `u32` indices),
/// `PAIRS` futures and streams at once, and buffers of `BUF` values. No heap:
/// it can be a `static` (`new` is `const`), and every operation takes `&self`
/// behind one spin lock.
///
/// It follows the same spec state machine as the alloc tier's
/// `ComponentTable` (the same code: only the storage differs), with these
/// limits:
///
/// - Element types must be fixed-size ([`ValueType::is_fixed_size`]);
///   `string` and `list<u8>` are [`ComponentError::UnsupportedType`].
/// - A full table is [`ComponentError::TableFull`]; no free pair slot is
///   [`ComponentError::PairsExhausted`] (a pair is freed when both ends are
///   dropped).
/// - A read or write of more than `BUF` elements copies at most `BUF` of
///   them (a partial copy, which the spec allows; `progress` says how many).
/// - Completions hand their values back in a [`Chunk<BUF>`](Chunk).
/// - One task at a time may wait on a waitable set.
/// - Ends move out of the table only to the Rust side ([`take_future`],
///   [`take_stream`]), not to another table.
///
/// [`take_future`]: Self::take_future
/// [`take_stream`]: Self::take_stream
///
/// ```
/// use wrt_async_core::component_model::{BoundedComponentTable, ComponentValue, CopyResult, CopyStatusOf, ValueType};
///
/// static TABLE: BoundedComponentTable<8, 4, 4> = BoundedComponentTable::new();
///
/// let (r, w) = TABLE.future_new(ValueType::U32).unwrap();
/// assert_eq!((r, w), (1, 2));
/// assert_eq!(TABLE.future_read(r), Ok(CopyStatusOf::Blocked));
/// let CopyStatusOf::Done(write) = TABLE.future_write(w, ComponentValue::U32(5)).unwrap() else {
///     unreachable!("the reader was waiting")
/// };
/// assert_eq!(write.result, CopyResult::Completed);
/// let read = TABLE.copy_done_now(r).unwrap().expect("the read completed too");
/// assert_eq!(read.values, [ComponentValue::U32(5)]);
/// TABLE.future_drop_readable(r).unwrap();
/// TABLE.future_drop_writable(w).unwrap();
/// assert!(TABLE.is_empty());
/// ```
pub struct BoundedComponentTable<const HANDLES: usize, const PAIRS: usize, const BUF: usize> {
    inner: SpinMutex<Inner<HANDLES, PAIRS, BUF>>,
    /// Per pair and side: the task waiting on that end directly.
    end_wakers: [[AtomicWaker; 2]; PAIRS],
    /// Per index: the task waiting on the waitable set there.
    set_wakers: [AtomicWaker; HANDLES],
}

impl<const HANDLES: usize, const PAIRS: usize, const BUF: usize>
    BoundedComponentTable<HANDLES, PAIRS, BUF>
{
    /// An empty table.
    ///
    /// `BUF` must be at least 1 (a future's value needs a slot) and
    /// `HANDLES` below 2^28 (the spec's index range); other values fail to
    /// compile.
    ///
    /// ```
    /// use wrt_async_core::component_model::BoundedComponentTable;
    ///
    /// static TABLE: BoundedComponentTable<16, 8, 4> = BoundedComponentTable::new();
    /// assert_eq!(TABLE.len(), 0);
    /// ```
    #[must_use]
    pub const fn new() -> Self {
        const {
            assert!(
                BUF >= 1,
                "BUF must be at least 1: a future's value needs a slot"
            );
            assert!(
                HANDLES < 1 << 28,
                "HANDLES must be below 2^28, the spec's index range"
            );
        }
        Self {
            inner: SpinMutex::new(Inner {
                slots: [Slot::Unused; HANDLES],
                free_head: 0,
                used: 0,
                live: 0,
                pairs: [const { None }; PAIRS],
            }),
            end_wakers: [const { [AtomicWaker::new(), AtomicWaker::new()] }; PAIRS],
            set_wakers: [const { AtomicWaker::new() }; HANDLES],
        }
    }

    pub(super) fn lock(&self) -> SpinMutexGuard<'_, Inner<HANDLES, PAIRS, BUF>> {
        self.inner.lock()
    }

    /// The waker slot of the end `side` of `pair`.
    pub(super) fn end_waker(&self, pair: usize, side: Side) -> &AtomicWaker {
        &self.end_wakers[pair][side as usize]
    }

    /// The waker slot of the waitable set at `handle`, if in range.
    pub(super) fn set_waker(&self, handle: u32) -> Option<&AtomicWaker> {
        self.set_wakers.get((handle as usize).checked_sub(1)?)
    }

    /// Runs wake-ups collected under the lock (which must be released).
    pub(super) fn wake(&self, wakeup: Wakeup) {
        for side in Side::BOTH {
            if wakeup.sides[side as usize] {
                self.end_waker(wakeup.pair, side).wake();
                if let Some(waker) = wakeup.sets[side as usize].and_then(|s| self.set_waker(s)) {
                    waker.wake();
                }
            }
        }
    }

    /// Runs `f` on the state of `pair` under the lock, then settles the
    /// pair and runs the wake-ups once the lock is released.
    pub(super) fn with_pair<R>(
        &self,
        mut inner: SpinMutexGuard<'_, Inner<HANDLES, PAIRS, BUF>>,
        pair: usize,
        f: impl FnOnce(&mut Inner<HANDLES, PAIRS, BUF>) -> R,
    ) -> R {
        let out = f(&mut inner);
        let wakeup = inner.settle(pair);
        drop(inner);
        self.wake(wakeup);
        out
    }

    /// `future.new`: a new `future<ty>`; returns `(readable, writable)`.
    ///
    /// # Errors
    /// [`ComponentError::UnsupportedType`] for `string` / `list<u8>`,
    /// [`ComponentError::PairsExhausted`], [`ComponentError::TableFull`].
    ///
    /// ```
    /// use wrt_async_core::component_model::{BoundedComponentTable, ComponentError, HandleKind, ValueType};
    ///
    /// let table = BoundedComponentTable::<4, 2, 1>::new();
    /// let (r, w) = table.future_new(ValueType::Char).unwrap();
    /// assert_eq!(table.handle_kind(r), Ok(HandleKind::ReadableFuture));
    /// assert_eq!(table.handle_kind(w), Ok(HandleKind::WritableFuture));
    /// assert_eq!(
    ///     table.future_new(ValueType::String),
    ///     Err(ComponentError::UnsupportedType { ty: ValueType::String })
    /// );
    /// ```
    pub fn future_new(&self, ty: ValueType) -> Result<(u32, u32), ComponentError> {
        self.new_pair(Kind::Future, ty)
    }

    /// `stream.new`: a new `stream<ty>`; returns `(readable, writable)`.
    ///
    /// # Errors
    /// As [`future_new`](Self::future_new).
    ///
    /// ```
    /// use wrt_async_core::component_model::{BoundedComponentTable, ComponentError, ValueType};
    ///
    /// let table = BoundedComponentTable::<8, 1, 4>::new();
    /// table.stream_new(ValueType::U64).unwrap();
    /// assert_eq!(table.stream_new(ValueType::U64), Err(ComponentError::PairsExhausted));
    /// ```
    pub fn stream_new(&self, ty: ValueType) -> Result<(u32, u32), ComponentError> {
        self.new_pair(Kind::Stream, ty)
    }

    fn new_pair(&self, kind: Kind, ty: ValueType) -> Result<(u32, u32), ComponentError> {
        if !ty.is_fixed_size() {
            return Err(ComponentError::UnsupportedType { ty });
        }
        let mut inner = self.lock();
        let pair = inner
            .pairs
            .iter()
            .position(Option::is_none)
            .ok_or(ComponentError::PairsExhausted)?;
        let was_fresh = inner.free_head == 0;
        let side = Side::Readable;
        let readable = inner.add(Slot::End { pair, side })?;
        let side = Side::Writable;
        let writable = match inner.add(Slot::End { pair, side }) {
            Ok(writable) => writable,
            Err(e) => {
                // No room for the second end: undo the first.
                inner.unadd(readable, was_fresh);
                return Err(e);
            }
        };
        inner.pairs[pair] = Some(PairSlot {
            ty,
            state: State::new(kind),
        });
        Ok((readable, writable))
    }

    /// What the entry at `handle` is.
    ///
    /// # Errors
    /// [`ComponentError::InvalidHandle`].
    ///
    /// ```
    /// use wrt_async_core::component_model::{BoundedComponentTable, ComponentError, HandleKind};
    ///
    /// let table = BoundedComponentTable::<4, 1, 1>::new();
    /// let set = table.waitable_set_new().unwrap();
    /// assert_eq!(table.handle_kind(set), Ok(HandleKind::WaitableSet));
    /// assert_eq!(table.handle_kind(0), Err(ComponentError::InvalidHandle { handle: 0 }));
    /// ```
    pub fn handle_kind(&self, handle: u32) -> Result<HandleKind, ComponentError> {
        let inner = self.lock();
        let slot = inner.get(handle)?;
        Ok(inner.kind(slot))
    }

    /// The declared element type of the future or stream end at `handle`.
    ///
    /// # Errors
    /// [`ComponentError::InvalidHandle`], or
    /// [`ComponentError::NotWaitable`] for a waitable set.
    ///
    /// ```
    /// use wrt_async_core::component_model::{BoundedComponentTable, ValueType};
    ///
    /// let table = BoundedComponentTable::<4, 1, 1>::new();
    /// let (r, _w) = table.stream_new(ValueType::F32).unwrap();
    /// assert_eq!(table.value_type(r), Ok(ValueType::F32));
    /// ```
    pub fn value_type(&self, handle: u32) -> Result<ValueType, ComponentError> {
        let inner = self.lock();
        let (pair, _) = inner.any_end(handle)?;
        Ok(inner.pair(pair).ty)
    }

    /// The copy state of the future or stream end at `handle`.
    ///
    /// # Errors
    /// [`ComponentError::InvalidHandle`], or
    /// [`ComponentError::NotWaitable`] for a waitable set.
    ///
    /// ```
    /// use wrt_async_core::component_model::{BoundedComponentTable, CopyState, ValueType};
    ///
    /// let table = BoundedComponentTable::<4, 1, 1>::new();
    /// let (r, _w) = table.future_new(ValueType::Unit).unwrap();
    /// assert_eq!(table.copy_state(r), Ok(CopyState::Idle));
    /// table.future_read(r).unwrap();
    /// assert_eq!(table.copy_state(r), Ok(CopyState::Copying));
    /// ```
    pub fn copy_state(&self, handle: u32) -> Result<CopyState, ComponentError> {
        let inner = self.lock();
        let (pair, side) = inner.any_end(handle)?;
        Ok(inner.pair(pair).state.end(side).copy)
    }

    /// The waitable set the end at `handle` is joined to, if any.
    ///
    /// # Errors
    /// [`ComponentError::InvalidHandle`], or
    /// [`ComponentError::NotWaitable`] for a waitable set.
    ///
    /// ```
    /// use wrt_async_core::component_model::{BoundedComponentTable, ValueType};
    ///
    /// let table = BoundedComponentTable::<4, 1, 1>::new();
    /// let (r, _w) = table.future_new(ValueType::U32).unwrap();
    /// let set = table.waitable_set_new().unwrap();
    /// table.waitable_join(r, Some(set)).unwrap();
    /// assert_eq!(table.joined_set(r), Ok(Some(set)));
    /// ```
    pub fn joined_set(&self, handle: u32) -> Result<Option<u32>, ComponentError> {
        let inner = self.lock();
        let (pair, side) = inner.any_end(handle)?;
        Ok(inner.pair(pair).state.end(side).set)
    }

    /// Number of live entries.
    ///
    /// ```
    /// use wrt_async_core::component_model::{BoundedComponentTable, ValueType};
    ///
    /// let table = BoundedComponentTable::<4, 1, 1>::new();
    /// table.stream_new(ValueType::U32).unwrap();
    /// assert_eq!(table.len(), 2);
    /// ```
    #[must_use]
    pub fn len(&self) -> usize {
        self.lock().live
    }

    /// Whether the table has no live entries.
    ///
    /// ```
    /// use wrt_async_core::component_model::BoundedComponentTable;
    ///
    /// assert!(BoundedComponentTable::<4, 1, 1>::new().is_empty());
    /// ```
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Futures and streams alive (at most `PAIRS`): each is freed once
    /// both its ends are dropped.
    ///
    /// ```
    /// use wrt_async_core::component_model::{BoundedComponentTable, ValueType};
    ///
    /// let table = BoundedComponentTable::<4, 2, 1>::new();
    /// let (r, _w) = table.stream_new(ValueType::U32).unwrap();
    /// table.stream_drop_readable(r).unwrap();
    /// assert_eq!(table.pairs_in_use(), 1, "the writable end is still there");
    /// ```
    #[must_use]
    pub fn pairs_in_use(&self) -> usize {
        self.lock().pairs.iter().filter(|p| p.is_some()).count()
    }
}

impl<const HANDLES: usize, const PAIRS: usize, const BUF: usize> Default
    for BoundedComponentTable<HANDLES, PAIRS, BUF>
{
    /// Same as [`BoundedComponentTable::new`].
    fn default() -> Self {
        Self::new()
    }
}

impl<const HANDLES: usize, const PAIRS: usize, const BUF: usize> fmt::Debug
    for BoundedComponentTable<HANDLES, PAIRS, BUF>
{
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("BoundedComponentTable")
            .field("len", &self.len())
            .field("capacity", &HANDLES)
            .finish_non_exhaustive()
    }
}
