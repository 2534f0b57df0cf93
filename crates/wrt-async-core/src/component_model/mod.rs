//! WebAssembly Component Model async values (feature
//! `component-model-async`): futures, streams and waitable sets with the
//! semantics of the spec's Canonical ABI (`design/mvp/CanonicalABI.md`,
//! `Concurrency.md`), and bridges that make them ordinary Rust futures and
//! streams.
//!
//! Two layers:
//!
//! - **The built-ins**, on a [`ComponentTable`] (one per component instance,
//!   `u32` handles): `future.new` / `stream.new`, `read`, `write`,
//!   `cancel-read`, `cancel-write`, `drop-readable`, `drop-writable`,
//!   `waitable-set.{new,wait,poll,drop}`, `waitable.join`, and moving a
//!   readable end to another table. Every case where the spec traps is an
//!   [`Err`] with a precise [`ComponentError`], and changes nothing.
//! - **The Rust side**: [`ComponentFuture`] / [`ComponentFutureBridge`] (a
//!   `Future<Output = Result<T, _>>`), [`ComponentStreamBridge`] (a
//!   `futures_core::Stream`), [`host_future`] / [`host_stream`] with async
//!   writers that respect backpressure, and [`ComponentAsyncExt`] to turn a
//!   component's handle into one of these after checking its element type.
//!
//! Wakers are always registered before a condition is checked, and woken
//! after every lock is released, so the other end may live on any thread and
//! any executor.
//!
//! The above is the alloc tier (with the `alloc` feature). Without `alloc`,
//! the **no-heap tier** remains: [`BoundedComponentTable`] (`HANDLES`
//! indices, `PAIRS` futures/streams, `BUF` values per copy; `const fn new`,
//! so it can be a `static`) with the same built-ins and waitable sets on
//! fixed-size value types, and [`BoundedFuture`] / [`BoundedStream`] as its
//! Rust side. Both tiers run one state machine (`state.rs`); see
//! `docs/component-model.md`, "No-heap tier".
//!
//! ```
//! use wrt_async_core::component_model::{host_future, ComponentAsyncExt, ComponentTable, ComponentValue, CopyStatus, ValueType};
//!
//! // A component (its table) creates a stream and writes to it; the host
//! // reads it as a Rust stream.
//! let component = ComponentTable::new();
//! let (r, w) = component.stream_new(ValueType::U32).unwrap();
//! let mut numbers = component.take_stream::<u32>(r).unwrap();
//! let values = (1..=3).map(ComponentValue::U32).collect();
//! assert_eq!(component.stream_write(w, values).unwrap(), CopyStatus::Blocked);
//!
//! let sum = wrt_async_core::with_async(async {
//!     let mut sum = 0;
//!     for _ in 0..3 {
//!         sum += numbers.next().await.unwrap().unwrap();
//!     }
//!     sum
//! });
//! assert_eq!(sum.unwrap(), 6);
//!
//! // The host hands a future to the component and writes it later.
//! let (writer, future) = host_future::<String>(String::new);
//! let fr = future.lower_into(&component).unwrap();
//! drop(writer.write("hello".into()));
//! let CopyStatus::Done(read) = component.future_read(fr).unwrap() else { unreachable!() };
//! assert_eq!(read.values, [ComponentValue::String("hello".into())]);
//! ```

#[cfg(all(feature = "alloc", not(target_has_atomic = "ptr")))]
compile_error!(
    "the alloc tier of feature `component-model-async` needs `alloc::sync::Arc`, which \
     targets without pointer-sized atomics (thumbv6m) do not have; without the `alloc` \
     feature the no-heap tier (`BoundedComponentTable`) builds there"
);

/// The no-heap tier: [`BoundedComponentTable`] and its bridges.
mod bounded;
mod copy;
mod error;
mod event;
#[cfg(feature = "alloc")]
mod ext;
mod future;
#[cfg(feature = "alloc")]
mod future_bridge;
#[cfg(feature = "alloc")]
mod future_writer;
mod handle;
#[cfg(feature = "alloc")]
mod host;
#[cfg(feature = "alloc")]
mod ops;
#[cfg(feature = "alloc")]
mod pair;
/// The crate's spin lock, shared with `sync`.
use crate::sync::raw_mutex;
mod reader;
mod state;
mod stream;
#[cfg(feature = "alloc")]
mod stream_bridge;
#[cfg(feature = "alloc")]
mod stream_writer;
#[cfg(feature = "alloc")]
mod table;
mod value;
#[cfg(feature = "alloc")]
mod waitable;

pub use bounded::{
    BoundedComponentTable, BoundedCopyDone, BoundedCopyDoneFuture, BoundedCopyStatus, BoundedEvent,
    BoundedFuture, BoundedSetWait, BoundedStream, Chunk,
};
#[cfg(feature = "alloc")]
pub use copy::{CopyDone, CopyStatus};
pub use copy::{CopyDoneOf, CopyResult, CopyState, CopyStatusOf, MAX_BUFFER_LEN};
pub use error::ComponentError;
#[cfg(feature = "alloc")]
pub use event::Event;
pub use event::{EventCode, EventOf};
#[cfg(feature = "alloc")]
pub use ext::ComponentAsyncExt;
#[cfg(feature = "alloc")]
pub use future_bridge::{ComponentFuture, ComponentFutureBridge};
#[cfg(feature = "alloc")]
pub use future_writer::{ComponentFutureWriter, FutureWrite, FutureWriteOutcome, host_future};
pub use handle::HandleKind;
#[cfg(feature = "alloc")]
pub use ops::CopyDoneFuture;
#[cfg(feature = "alloc")]
pub use stream_bridge::{ComponentStream, ComponentStreamBridge, DEFAULT_CHUNK, Next};
#[cfg(feature = "alloc")]
pub use stream_writer::{ComponentStreamWriter, StreamWrite, StreamWriteOutcome, host_stream};
#[cfg(feature = "alloc")]
pub use table::ComponentTable;
pub use value::{ComponentType, ComponentValue, ValueType};
#[cfg(feature = "alloc")]
pub use waitable::WaitableSetWait;
