//! The handle table of one component instance (the spec's `inst.handles`):
//! future and stream ends and waitable sets under `u32` indices, creation,
//! inspection and transfer of readable ends between tables.

use alloc::sync::Arc;
use alloc::vec::Vec;
use core::fmt;

use super::copy::CopyState;
use super::error::ComponentError;
pub(crate) use super::handle::HandleKind;
use super::pair::{Kind, Pair, Side};
use super::raw_mutex::{SpinMutex, SpinMutexGuard};
use super::value::ValueType;
use super::waitable::SetEntry;

/// The spec's `Table.MAX_LENGTH`: indices are below 2^28.
const MAX_LENGTH: usize = (1 << 28) - 1;

/// A future or stream end in a table.
pub(crate) struct EndEntry {
    pub(crate) pair: Arc<Pair>,
    pub(crate) side: Side,
    /// The waitable set (its index) this end is joined to.
    pub(crate) set: Option<u32>,
}

impl EndEntry {
    pub(crate) fn kind(&self) -> HandleKind {
        HandleKind::of_end(self.pair.kind, self.side)
    }
}

/// A table entry.
pub(crate) enum Entry {
    End(EndEntry),
    Set(SetEntry),
}

impl Entry {
    fn kind(&self) -> HandleKind {
        match self {
            Self::End(end) => end.kind(),
            Self::Set(_) => HandleKind::WaitableSet,
        }
    }
}

/// The entries; index 0 is never used (as in the spec), freed indices are
/// reused last-freed first.
pub(crate) struct Entries {
    slots: Vec<Option<Entry>>,
    free: Vec<u32>,
}

impl Entries {
    pub(crate) fn get(&self, handle: u32) -> Result<&Entry, ComponentError> {
        self.slots
            .get(handle as usize)
            .and_then(Option::as_ref)
            .ok_or(ComponentError::InvalidHandle { handle })
    }

    pub(crate) fn get_mut(&mut self, handle: u32) -> Result<&mut Entry, ComponentError> {
        self.slots
            .get_mut(handle as usize)
            .and_then(Option::as_mut)
            .ok_or(ComponentError::InvalidHandle { handle })
    }

    /// The end at `handle`, which must be of kind `expected`.
    pub(crate) fn end(
        &self,
        handle: u32,
        expected: HandleKind,
    ) -> Result<&EndEntry, ComponentError> {
        match self.get(handle)? {
            Entry::End(end) if end.kind() == expected => Ok(end),
            other => Err(ComponentError::WrongHandleKind {
                handle,
                expected,
                found: other.kind(),
            }),
        }
    }

    /// The waitable set at `handle`.
    pub(crate) fn set(&self, handle: u32) -> Result<&SetEntry, ComponentError> {
        match self.get(handle)? {
            Entry::Set(set) => Ok(set),
            Entry::End(end) => Err(ComponentError::WrongHandleKind {
                handle,
                expected: HandleKind::WaitableSet,
                found: end.kind(),
            }),
        }
    }

    pub(crate) fn set_mut(&mut self, handle: u32) -> Result<&mut SetEntry, ComponentError> {
        match self.get_mut(handle)? {
            Entry::Set(set) => Ok(set),
            Entry::End(end) => Err(ComponentError::WrongHandleKind {
                handle,
                expected: HandleKind::WaitableSet,
                found: end.kind(),
            }),
        }
    }

    /// Index the next [`add`](Self::add) will use, if there is room.
    fn next_free(&self) -> Result<u32, ComponentError> {
        match self.free.last() {
            Some(&i) => Ok(i),
            None if self.slots.len() <= MAX_LENGTH => {
                u32::try_from(self.slots.len()).map_err(|_| ComponentError::TableFull)
            }
            None => Err(ComponentError::TableFull),
        }
    }

    pub(crate) fn add(&mut self, entry: Entry) -> Result<u32, ComponentError> {
        let i = self.next_free()?;
        if self.free.pop().is_none() {
            self.slots.push(Some(entry));
        } else {
            self.slots[i as usize] = Some(entry);
        }
        Ok(i)
    }

    /// Removes the entry at `handle` (which the caller looked up already).
    pub(crate) fn remove(&mut self, handle: u32) -> Option<Entry> {
        let entry = self.slots.get_mut(handle as usize)?.take()?;
        self.free.push(handle);
        Some(entry)
    }

    /// Live entries.
    fn len(&self) -> usize {
        self.slots.len() - 1 - self.free.len()
    }
}

/// The handle table of one component instance: every future end, stream
/// end and waitable set the instance holds, under `u32` indices.
///
/// All operations take `&self` and may be called from any thread; share the
/// table with `Arc`. Each is one short critical section (plus one on the
/// future's or stream's shared state); wakers run after the locks are
/// released. Indices start at 1; a freed index is reused (last freed first),
/// as in the spec.
///
/// ```
/// use wrt_async_core::component_model::{ComponentTable, ComponentValue, CopyResult, CopyStatus, ValueType};
///
/// let table = ComponentTable::new();
/// let (r, w) = table.future_new(ValueType::U32).unwrap();
/// assert_eq!((r, w), (1, 2));
/// assert_eq!(table.future_read(r).unwrap(), CopyStatus::Blocked);
/// let CopyStatus::Done(write) = table.future_write(w, ComponentValue::U32(5)).unwrap() else {
///     unreachable!("the reader was waiting")
/// };
/// assert_eq!(write.result, CopyResult::Completed);
/// let read = table.copy_done_now(r).unwrap().expect("the read completed too");
/// assert_eq!(read.values, [ComponentValue::U32(5)]);
/// table.future_drop_readable(r).unwrap();
/// table.future_drop_writable(w).unwrap();
/// assert!(table.is_empty());
/// ```
pub struct ComponentTable {
    entries: SpinMutex<Entries>,
}

impl ComponentTable {
    /// An empty table.
    ///
    /// ```
    /// let table = wrt_async_core::component_model::ComponentTable::new();
    /// assert_eq!(table.len(), 0);
    /// ```
    #[must_use]
    pub fn new() -> Self {
        Self {
            entries: SpinMutex::new(Entries {
                slots: alloc::vec![None],
                free: Vec::new(),
            }),
        }
    }

    pub(crate) fn lock(&self) -> SpinMutexGuard<'_, Entries> {
        self.entries.lock()
    }

    /// `future.new`: a new `future<ty>`; returns `(readable, writable)`.
    ///
    /// # Errors
    /// [`ComponentError::TableFull`].
    ///
    /// ```
    /// use wrt_async_core::component_model::{ComponentTable, HandleKind, ValueType};
    ///
    /// let table = ComponentTable::new();
    /// let (r, w) = table.future_new(ValueType::String).unwrap();
    /// assert_eq!(table.handle_kind(r), Ok(HandleKind::ReadableFuture));
    /// assert_eq!(table.handle_kind(w), Ok(HandleKind::WritableFuture));
    /// ```
    pub fn future_new(&self, ty: ValueType) -> Result<(u32, u32), ComponentError> {
        self.new_pair(Kind::Future, ty)
    }

    /// `stream.new`: a new `stream<ty>`; returns `(readable, writable)`.
    ///
    /// # Errors
    /// [`ComponentError::TableFull`].
    ///
    /// ```
    /// use wrt_async_core::component_model::{ComponentTable, HandleKind, ValueType};
    ///
    /// let table = ComponentTable::new();
    /// let (r, w) = table.stream_new(ValueType::U64).unwrap();
    /// assert_eq!(table.handle_kind(r), Ok(HandleKind::ReadableStream));
    /// assert_eq!(table.handle_kind(w), Ok(HandleKind::WritableStream));
    /// ```
    pub fn stream_new(&self, ty: ValueType) -> Result<(u32, u32), ComponentError> {
        self.new_pair(Kind::Stream, ty)
    }

    fn new_pair(&self, kind: Kind, ty: ValueType) -> Result<(u32, u32), ComponentError> {
        let pair = Pair::new(kind, ty);
        let mut entries = self.lock();
        let readable = entries.add(Entry::End(EndEntry {
            pair: pair.clone(),
            side: Side::Readable,
            set: None,
        }))?;
        let writable = entries.add(Entry::End(EndEntry {
            pair,
            side: Side::Writable,
            set: None,
        }));
        match writable {
            Ok(writable) => Ok((readable, writable)),
            Err(e) => {
                // No room for the second end: undo the first.
                entries.remove(readable);
                Err(e)
            }
        }
    }

    /// What the entry at `handle` is.
    ///
    /// # Errors
    /// [`ComponentError::InvalidHandle`].
    ///
    /// ```
    /// use wrt_async_core::component_model::{ComponentTable, HandleKind};
    ///
    /// let table = ComponentTable::new();
    /// let set = table.waitable_set_new().unwrap();
    /// assert_eq!(table.handle_kind(set), Ok(HandleKind::WaitableSet));
    /// ```
    pub fn handle_kind(&self, handle: u32) -> Result<HandleKind, ComponentError> {
        Ok(self.lock().get(handle)?.kind())
    }

    /// The declared element type of the future or stream end at `handle`.
    ///
    /// # Errors
    /// [`ComponentError::InvalidHandle`], or
    /// [`ComponentError::NotWaitable`] for a waitable set.
    ///
    /// ```
    /// use wrt_async_core::component_model::{ComponentTable, ValueType};
    ///
    /// let table = ComponentTable::new();
    /// let (r, _w) = table.stream_new(ValueType::Char).unwrap();
    /// assert_eq!(table.value_type(r), Ok(ValueType::Char));
    /// ```
    pub fn value_type(&self, handle: u32) -> Result<ValueType, ComponentError> {
        match self.lock().get(handle)? {
            Entry::End(end) => Ok(end.pair.ty),
            Entry::Set(_) => Err(ComponentError::NotWaitable { handle }),
        }
    }

    /// The copy state of the future or stream end at `handle`.
    ///
    /// # Errors
    /// [`ComponentError::InvalidHandle`], or
    /// [`ComponentError::NotWaitable`] for a waitable set.
    ///
    /// ```
    /// use wrt_async_core::component_model::{ComponentTable, CopyState, ValueType};
    ///
    /// let table = ComponentTable::new();
    /// let (_r, w) = table.future_new(ValueType::Unit).unwrap();
    /// assert_eq!(table.copy_state(w), Ok(CopyState::Idle));
    /// ```
    pub fn copy_state(&self, handle: u32) -> Result<CopyState, ComponentError> {
        let entries = self.lock();
        match entries.get(handle)? {
            Entry::End(end) => {
                let (state, wakeup) = end.pair.with(|st| st.end(end.side).copy);
                drop(entries);
                wakeup.run();
                Ok(state)
            }
            Entry::Set(_) => Err(ComponentError::NotWaitable { handle }),
        }
    }

    /// The waitable set the end at `handle` is joined to, if any.
    ///
    /// # Errors
    /// [`ComponentError::InvalidHandle`], or
    /// [`ComponentError::NotWaitable`] for a waitable set.
    ///
    /// ```
    /// use wrt_async_core::component_model::{ComponentTable, ValueType};
    ///
    /// let table = ComponentTable::new();
    /// let (r, _w) = table.future_new(ValueType::U32).unwrap();
    /// let set = table.waitable_set_new().unwrap();
    /// table.waitable_join(r, Some(set)).unwrap();
    /// assert_eq!(table.joined_set(r), Ok(Some(set)));
    /// ```
    pub fn joined_set(&self, handle: u32) -> Result<Option<u32>, ComponentError> {
        match self.lock().get(handle)? {
            Entry::End(end) => Ok(end.set),
            Entry::Set(_) => Err(ComponentError::NotWaitable { handle }),
        }
    }

    /// Number of live entries.
    ///
    /// ```
    /// use wrt_async_core::component_model::{ComponentTable, ValueType};
    ///
    /// let table = ComponentTable::new();
    /// table.stream_new(ValueType::U32).unwrap();
    /// assert_eq!(table.len(), 2);
    /// ```
    #[must_use]
    pub fn len(&self) -> usize {
        self.lock().len()
    }

    /// Whether the table has no live entries.
    ///
    /// ```
    /// assert!(wrt_async_core::component_model::ComponentTable::new().is_empty());
    /// ```
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

impl Drop for ComponentTable {
    /// Tears the instance's ends down: a copy in progress is cancelled, then
    /// each end is dropped, so the other ends (in other tables or in Rust
    /// bridges) see `DROPPED` instead of waiting forever. A reader of a
    /// future whose writer went away this way gets
    /// [`ComponentError::NoValue`] from a bridge.
    fn drop(&mut self) {
        let slots = core::mem::take(&mut self.lock().slots);
        for entry in slots.into_iter().flatten() {
            if let Entry::End(end) = entry {
                let side = end.side;
                let ((), wakeup) = end.pair.with(|state| state.release(side));
                wakeup.run();
            }
        }
    }
}

impl Default for ComponentTable {
    /// Same as [`ComponentTable::new`].
    fn default() -> Self {
        Self::new()
    }
}

impl fmt::Debug for ComponentTable {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ComponentTable")
            .field("len", &self.len())
            .finish_non_exhaustive()
    }
}
