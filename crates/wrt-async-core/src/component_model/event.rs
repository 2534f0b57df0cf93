//! The events waitable sets deliver, for both tiers: [`EventCode`] and
//! [`EventOf`].

#[cfg(feature = "alloc")]
use alloc::vec::Vec;

use super::copy::CopyDoneOf;
use super::state::{Kind, Side};
#[cfg(feature = "alloc")]
use super::value::ComponentValue;

/// The spec's event codes (`EventCode`); the discriminant is the code.
///
/// This crate produces the four copy events; `Subtask` and `TaskCancelled`
/// exist for embeddings that add subtasks and task cancellation.
///
/// ```
/// use wrt_async_core::component_model::EventCode;
///
/// assert_eq!(EventCode::StreamRead as u32, 2);
/// assert_eq!(EventCode::FutureWrite as u32, 5);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[repr(u32)]
pub enum EventCode {
    /// No event (`waitable-set.poll` found none).
    None = 0,
    /// A subtask changed state (not produced by this crate).
    Subtask = 1,
    /// A `stream.read` finished.
    StreamRead = 2,
    /// A `stream.write` finished.
    StreamWrite = 3,
    /// A `future.read` finished.
    FutureRead = 4,
    /// A `future.write` finished.
    FutureWrite = 5,
    /// The current task was cancelled (not produced by this crate).
    TaskCancelled = 6,
}

impl EventCode {
    pub(crate) const fn of_end(kind: Kind, side: Side) -> Self {
        match (kind, side) {
            (Kind::Future, Side::Readable) => Self::FutureRead,
            (Kind::Future, Side::Writable) => Self::FutureWrite,
            (Kind::Stream, Side::Readable) => Self::StreamRead,
            (Kind::Stream, Side::Writable) => Self::StreamWrite,
        }
    }
}

/// An event delivered by a waitable set (generic over the container of the
/// values, as [`CopyDoneOf`]): which end (`handle`) finished
/// which copy (`code`), and how (`done`).
///
/// ```
/// use wrt_async_core::component_model::{ComponentTable, ComponentValue, EventCode, ValueType};
///
/// let table = ComponentTable::new();
/// let (r, w) = table.stream_new(ValueType::U32).unwrap();
/// let set = table.waitable_set_new().unwrap();
/// table.waitable_join(w, Some(set)).unwrap();
/// table.stream_write(w, vec![ComponentValue::U32(1), ComponentValue::U32(2)]).unwrap();
/// table.stream_read(r, 1).unwrap();
/// let event = table.waitable_set_poll(set).unwrap().expect("the write progressed");
/// assert_eq!((event.code, event.handle), (EventCode::StreamWrite, w));
/// assert_eq!(event.payload(), 1 << 4, "COMPLETED after 1 element");
/// assert_eq!(event.done.values, [ComponentValue::U32(2)], "the rest comes back");
/// ```
#[derive(Clone, Debug, PartialEq)]
pub struct EventOf<V> {
    /// What finished.
    pub code: EventCode,
    /// The end's index (the spec's first payload word).
    pub handle: u32,
    /// The copy's completion.
    pub done: CopyDoneOf<V>,
}

/// An event of the alloc tier's waitable sets (see [`EventOf`]).
#[cfg(feature = "alloc")]
pub type Event = EventOf<Vec<ComponentValue>>;

impl<V> EventOf<V> {
    /// The spec's second payload word: `result | progress << 4` for streams,
    /// the result alone for futures.
    ///
    /// ```
    /// use wrt_async_core::component_model::{CopyDone, CopyResult, Event, EventCode};
    ///
    /// let done = CopyDone { result: CopyResult::Completed, progress: 1, values: vec![] };
    /// let event = Event { code: EventCode::FutureRead, handle: 1, done };
    /// assert_eq!(event.payload(), 0);
    /// ```
    #[must_use]
    pub fn payload(&self) -> u32 {
        match self.code {
            EventCode::StreamRead | EventCode::StreamWrite => self.done.stream_payload(),
            _ => self.done.future_payload(),
        }
    }
}
