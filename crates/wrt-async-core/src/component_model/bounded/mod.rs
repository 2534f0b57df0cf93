//! The no-heap tier: [`BoundedComponentTable`], a component instance's
//! handle table in fixed storage (usable in a `static`), running the same
//! state machine as the alloc tier, and its Rust side ([`BoundedFuture`],
//! [`BoundedStream`]).

mod chunk;
mod end;
mod future;
mod ops;
mod stream;
mod table;
mod waitable;

pub use chunk::Chunk;
pub use future::BoundedFuture;
pub use ops::BoundedCopyDoneFuture;
pub use stream::BoundedStream;
pub use table::BoundedComponentTable;
pub use waitable::BoundedSetWait;

use super::copy::{CopyDoneOf, CopyStatusOf};
use super::event::EventOf;

/// A finished copy of a bounded table: its values in a [`Chunk`] of at most
/// `BUF`.
///
/// ```
/// use wrt_async_core::component_model::{BoundedComponentTable, BoundedCopyDone, ComponentValue, CopyStatusOf, ValueType};
///
/// let table = BoundedComponentTable::<4, 1, 2>::new();
/// let (_r, w) = table.future_new(ValueType::U32).unwrap();
/// table.future_write(w, ComponentValue::U32(1)).unwrap();
/// let CopyStatusOf::Done(done) = table.future_cancel_write(w).unwrap() else { unreachable!() };
/// let done: BoundedCopyDone<2> = done;
/// assert_eq!(done.values, [ComponentValue::U32(1)]);
/// ```
pub type BoundedCopyDone<const BUF: usize> = CopyDoneOf<Chunk<BUF>>;

/// What a read, write or cancel of a bounded table returned.
///
/// ```
/// use wrt_async_core::component_model::{BoundedComponentTable, BoundedCopyStatus, ValueType};
///
/// let table = BoundedComponentTable::<4, 1, 1>::new();
/// let (r, _w) = table.future_new(ValueType::U32).unwrap();
/// let status: BoundedCopyStatus<1> = table.future_read(r).unwrap();
/// assert_eq!(status, BoundedCopyStatus::Blocked);
/// ```
pub type BoundedCopyStatus<const BUF: usize> = CopyStatusOf<Chunk<BUF>>;

/// An event of a bounded table's waitable set.
///
/// ```
/// use wrt_async_core::component_model::{BoundedComponentTable, BoundedEvent, EventCode, ValueType};
///
/// let table = BoundedComponentTable::<4, 1, 1>::new();
/// let (r, w) = table.stream_new(ValueType::U32).unwrap();
/// let set = table.waitable_set_new().unwrap();
/// table.waitable_join(r, Some(set)).unwrap();
/// table.stream_read(r, 1).unwrap();
/// table.stream_drop_writable(w).unwrap();
/// let event: BoundedEvent<1> = table.waitable_set_poll(set).unwrap().unwrap();
/// assert_eq!(event.code, EventCode::StreamRead);
/// assert_eq!(event.payload(), 1, "DROPPED after 0 elements");
/// ```
pub type BoundedEvent<const BUF: usize> = EventOf<Chunk<BUF>>;
