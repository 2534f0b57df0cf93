//! Every case where the Component Model spec traps, as an error value.

use core::fmt;

use super::copy::CopyResult;
use super::handle::HandleKind;
use super::value::ValueType;

/// Why a Component Model operation was refused.
///
/// Each variant is one of the conditions under which the spec's Canonical ABI
/// *traps* (`trap_if` in `definitions.py`). An operation that returns an error
/// changed nothing: the table, the ends and the values are as before the call.
/// An embedding that follows the spec to the letter turns any of these into a
/// trap of the offending component instance.
///
/// `handle` is the table index the operation was given, or `0` for an end the
/// host owns directly (a bridge); `0` is never a valid table index.
///
/// ```
/// use wrt_async_core::component_model::{ComponentError, ComponentTable, ValueType};
///
/// let table = ComponentTable::new();
/// let (readable, writable) = table.future_new(ValueType::U32).unwrap();
/// // A future's writable end may only be dropped once it has written.
/// assert_eq!(
///     table.future_drop_writable(writable),
///     Err(ComponentError::FutureNotWritten { handle: writable })
/// );
/// assert_eq!(table.future_read(99), Err(ComponentError::InvalidHandle { handle: 99 }));
/// # let _ = readable;
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ComponentError {
    /// No live entry has this index (never allocated, or already dropped).
    InvalidHandle {
        /// The index given.
        handle: u32,
    },
    /// The entry is of another kind, e.g. `future.read` on a writable end,
    /// a stream operation on a future, `waitable.join` into a non-set.
    WrongHandleKind {
        /// The index given.
        handle: u32,
        /// What the operation needs.
        expected: HandleKind,
        /// What the entry is.
        found: HandleKind,
    },
    /// `waitable.join` was given a waitable set as the waitable: only future
    /// and stream ends can join a set.
    NotWaitable {
        /// The index given.
        handle: u32,
    },
    /// A value of the wrong type: written to a future or stream of another
    /// element type, or a bridge's Rust type does not match the handle's
    /// declared element type.
    TypeMismatch {
        /// The type required.
        expected: ValueType,
        /// The type given.
        found: ValueType,
    },
    /// A read, write or transfer of an end that has a copy in progress (the
    /// spec's "not `IDLE`" trap while `COPYING`).
    CopyInProgress {
        /// The index given.
        handle: u32,
    },
    /// A read, write or transfer of an end that is done: a future end that
    /// delivered its value, or an end whose other end was dropped (the
    /// spec's "not `IDLE`" trap in state `DONE`). Writing twice to a future
    /// lands here.
    AlreadyDone {
        /// The index given.
        handle: u32,
    },
    /// `cancel-read` / `cancel-write` without a copy in progress.
    NotCopying {
        /// The index given.
        handle: u32,
    },
    /// Dropping an end while its copy is in progress: cancel it first.
    DropWhileCopying {
        /// The index given.
        handle: u32,
    },
    /// Dropping a future's writable end before it wrote its value (or learnt
    /// that the readable end was dropped): a future carries exactly one value.
    FutureNotWritten {
        /// The index given.
        handle: u32,
    },
    /// A stream read or write longer than the spec's maximum buffer length
    /// (2^28 - 1 elements).
    BufferTooLong {
        /// The length given.
        len: usize,
    },
    /// The end is joined to a waitable set, so its events go to the set: it
    /// can be neither transferred nor awaited on its own.
    InWaitableSet {
        /// The index given.
        handle: u32,
    },
    /// `waitable-set.drop` of a set that still has members.
    WaitableSetNotEmpty {
        /// The index given.
        handle: u32,
    },
    /// `waitable-set.drop` while a task waits on the set; in a
    /// [`BoundedComponentTable`](super::BoundedComponentTable), also a second
    /// task starting `waitable-set.wait` on a set that has its one waiter.
    WaitableSetHasWaiters {
        /// The index given.
        handle: u32,
    },
    /// The table has no free index: it holds the spec's maximum of
    /// 2^28 - 1 entries, or a [`BoundedComponentTable`](super::BoundedComponentTable)
    /// holds its `HANDLES`.
    TableFull,
    /// A [`BoundedComponentTable`](super::BoundedComponentTable) has no room
    /// for another future or stream: its `PAIRS` are all in use (a pair is
    /// freed once both its ends are dropped).
    PairsExhausted,
    /// A type whose values need the heap (`string`, `list<u8>`) in a
    /// [`BoundedComponentTable`](super::BoundedComponentTable), which stores
    /// values inline.
    UnsupportedType {
        /// The type asked for.
        ty: ValueType,
    },
    /// A bridge's read of a future finished without a value (`result` is
    /// `DROPPED` or `CANCELLED`): the writer's whole table was dropped (the
    /// instance torn down) before it wrote. Within the spec's rules a
    /// future's reader never sees this.
    NoValue {
        /// The index given.
        handle: u32,
        /// How the read finished.
        result: CopyResult,
    },
}

impl fmt::Display for ComponentError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::InvalidHandle { handle } => write!(f, "handle {handle} is not in the table"),
            Self::WrongHandleKind {
                handle,
                expected,
                found,
            } => write!(f, "handle {handle} is a {found}, expected a {expected}"),
            Self::NotWaitable { handle } => {
                write!(f, "handle {handle} is a waitable set, not a waitable")
            }
            Self::TypeMismatch { expected, found } => {
                write!(f, "value of type {found} where {expected} is required")
            }
            Self::CopyInProgress { handle } => {
                write!(f, "handle {handle} already has a copy in progress")
            }
            Self::AlreadyDone { handle } => {
                write!(f, "handle {handle} is done: only dropping it is allowed")
            }
            Self::NotCopying { handle } => write!(f, "handle {handle} has no copy to cancel"),
            Self::DropWhileCopying { handle } => {
                write!(f, "handle {handle} dropped while its copy is in progress")
            }
            Self::FutureNotWritten { handle } => {
                write!(
                    f,
                    "future writable end {handle} dropped before writing its value"
                )
            }
            Self::BufferTooLong { len } => {
                write!(
                    f,
                    "buffer of {len} elements exceeds the maximum of 2^28 - 1"
                )
            }
            Self::InWaitableSet { handle } => {
                write!(f, "handle {handle} is joined to a waitable set")
            }
            Self::WaitableSetNotEmpty { handle } => {
                write!(f, "waitable set {handle} still has members")
            }
            Self::WaitableSetHasWaiters { handle } => {
                write!(f, "waitable set {handle} has waiting tasks")
            }
            Self::TableFull => f.write_str("the handle table is full"),
            Self::PairsExhausted => {
                f.write_str("every future/stream slot of the bounded table is in use")
            }
            Self::UnsupportedType { ty } => {
                write!(
                    f,
                    "values of type {ty} need the heap: not in a bounded table"
                )
            }
            Self::NoValue { handle, result } => {
                write!(
                    f,
                    "future read on {handle} finished ({result:?}) without a value"
                )
            }
        }
    }
}

impl core::error::Error for ComponentError {}
