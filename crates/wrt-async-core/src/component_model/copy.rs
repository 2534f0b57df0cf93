//! The outcome types of `{future,stream}.{read,write}` and their
//! cancellation: copy states, result codes, progress counts.
//!
//! [`CopyDoneOf`] and [`CopyStatusOf`] are generic over the container of
//! the values handed back, so both tiers share them: [`CopyDone`] /
//! [`CopyStatus`] hold a `Vec` (alloc tier), a bounded table hands back a
//! fixed [`Chunk`](super::Chunk).

#[cfg(feature = "alloc")]
use alloc::vec::Vec;

#[cfg(feature = "alloc")]
use super::value::ComponentValue;

/// The longest stream read or write the spec allows: 2^28 - 1 elements
/// (`Buffer.MAX_LENGTH`).
///
/// ```
/// assert_eq!(wrt_async_core::component_model::MAX_BUFFER_LEN, (1 << 28) - 1);
/// ```
pub const MAX_BUFFER_LEN: usize = (1 << 28) - 1;

/// What one end of a future or stream is doing (the spec's `CopyState`).
///
/// The spec's fourth state, `CANCELLING_COPY`, is never observable here:
/// cancelling a copy between two ends of this crate always finishes at once.
///
/// ```
/// use wrt_async_core::component_model::{ComponentTable, CopyState, ValueType};
///
/// let table = ComponentTable::new();
/// let (r, _w) = table.future_new(ValueType::U32).unwrap();
/// assert_eq!(table.copy_state(r), Ok(CopyState::Idle));
/// table.future_read(r).unwrap(); // Nobody wrote yet: the read waits.
/// assert_eq!(table.copy_state(r), Ok(CopyState::Copying));
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default)]
pub enum CopyState {
    /// No copy in progress: the end may read/write, or be dropped.
    #[default]
    Idle,
    /// A read or write was started and its completion has not been
    /// delivered yet (the copy may already be finished, with its event
    /// pending).
    Copying,
    /// Finished for good: a future end that delivered its value, or an end
    /// that learnt the other end was dropped. Only dropping is allowed.
    Done,
}

/// How a copy finished (the spec's `CopyResult`; the discriminant is the
/// code in the low 4 bits of the event payload).
///
/// ```
/// use wrt_async_core::component_model::CopyResult;
///
/// assert_eq!(CopyResult::Cancelled as u32, 2);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[repr(u32)]
pub enum CopyResult {
    /// The copy finished normally (for a stream: after copying `progress`
    /// elements).
    Completed = 0,
    /// The other end was dropped; no more copies are possible.
    Dropped = 1,
    /// This end cancelled the copy; its buffer is handed back.
    Cancelled = 2,
}

/// A finished copy: its result, how many elements it moved, and the buffer
/// handed back.
///
/// `values` is what the buffer holds when the copy is handed back: for a
/// read, the elements received (`progress` of them); for a write, the
/// elements *not* consumed by the reader, in order (the caller writes them
/// again or drops them).
///
/// ```
/// use wrt_async_core::component_model::{ComponentTable, ComponentValue, CopyResult, CopyStatus, ValueType};
///
/// let table = ComponentTable::new();
/// let (r, w) = table.stream_new(ValueType::U32).unwrap();
/// let values = vec![ComponentValue::U32(1), ComponentValue::U32(2), ComponentValue::U32(3)];
/// assert_eq!(table.stream_write(w, values).unwrap(), CopyStatus::Blocked);
/// let CopyStatus::Done(read) = table.stream_read(r, 2).unwrap() else { unreachable!() };
/// assert_eq!((read.result, read.progress), (CopyResult::Completed, 2));
/// assert_eq!(read.values, [ComponentValue::U32(1), ComponentValue::U32(2)]);
/// assert_eq!(read.stream_payload(), 2 << 4);
/// ```
#[derive(Clone, Debug, PartialEq)]
pub struct CopyDoneOf<V> {
    /// How the copy finished.
    pub result: CopyResult,
    /// Elements copied into (read) or out of (write) the buffer.
    pub progress: u32,
    /// The buffer handed back (see the type's documentation).
    pub values: V,
}

/// A finished copy of the alloc tier: its values in a `Vec` (see
/// [`CopyDoneOf`]).
#[cfg(feature = "alloc")]
pub type CopyDone = CopyDoneOf<Vec<ComponentValue>>;

impl<V> CopyDoneOf<V> {
    /// The same completion with its values converted by `f` (e.g. a bounded
    /// table's [`Chunk`](super::Chunk) into a `Vec`).
    ///
    /// ```
    /// use wrt_async_core::component_model::{CopyDoneOf, CopyResult};
    ///
    /// let done = CopyDoneOf { result: CopyResult::Completed, progress: 2, values: [1, 2] };
    /// assert_eq!(done.map_values(|v| v.len()).values, 2);
    /// ```
    pub fn map_values<W>(self, f: impl FnOnce(V) -> W) -> CopyDoneOf<W> {
        CopyDoneOf {
            result: self.result,
            progress: self.progress,
            values: f(self.values),
        }
    }

    /// The spec's payload of a stream event: `result | progress << 4`.
    ///
    /// ```
    /// use wrt_async_core::component_model::{CopyDone, CopyResult};
    ///
    /// let done = CopyDone { result: CopyResult::Dropped, progress: 3, values: vec![] };
    /// assert_eq!(done.stream_payload(), 1 | 3 << 4);
    /// ```
    #[must_use]
    pub fn stream_payload(&self) -> u32 {
        self.result as u32 | (self.progress << 4)
    }

    /// The spec's payload of a future event: the result code alone (a
    /// future's progress is implied by the result).
    ///
    /// ```
    /// use wrt_async_core::component_model::{CopyDone, CopyResult};
    ///
    /// let done = CopyDone { result: CopyResult::Completed, progress: 1, values: vec![] };
    /// assert_eq!(done.future_payload(), 0);
    /// ```
    #[must_use]
    pub fn future_payload(&self) -> u32 {
        self.result as u32
    }
}

/// What a read, write or cancel returned: finished at once, or `BLOCKED`
/// (the completion arrives later as an event).
///
/// ```
/// use wrt_async_core::component_model::{ComponentTable, CopyStatus, ValueType};
///
/// let table = ComponentTable::new();
/// let (r, _w) = table.future_new(ValueType::Bool).unwrap();
/// assert_eq!(table.future_read(r).unwrap(), CopyStatus::Blocked);
/// ```
#[derive(Clone, Debug, PartialEq)]
pub enum CopyStatusOf<V> {
    /// The copy finished during the call; its event was delivered as the
    /// return value.
    Done(CopyDoneOf<V>),
    /// The copy goes on concurrently; its completion is delivered through a
    /// waitable set or `copy_done` of the table.
    Blocked,
}

impl<V> CopyStatusOf<V> {
    /// The same status with the values of a finished copy converted by `f`.
    ///
    /// ```
    /// use wrt_async_core::component_model::{CopyDoneOf, CopyResult, CopyStatusOf};
    ///
    /// let done = CopyDoneOf { result: CopyResult::Completed, progress: 1, values: [7] };
    /// let status = CopyStatusOf::Done(done).map_values(|v| v[0]);
    /// assert!(matches!(status, CopyStatusOf::Done(CopyDoneOf { values: 7, .. })));
    /// assert_eq!(CopyStatusOf::<u8>::Blocked.map_values(|v| v + 1), CopyStatusOf::Blocked);
    /// ```
    pub fn map_values<W>(self, f: impl FnOnce(V) -> W) -> CopyStatusOf<W> {
        match self {
            Self::Done(done) => CopyStatusOf::Done(done.map_values(f)),
            Self::Blocked => CopyStatusOf::Blocked,
        }
    }
}

/// What a read, write or cancel of the alloc tier returned (see
/// [`CopyStatusOf`]).
#[cfg(feature = "alloc")]
pub type CopyStatus = CopyStatusOf<Vec<ComponentValue>>;
