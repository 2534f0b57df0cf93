//! [`HandleKind`]: what a table entry is, in either tier.

use core::fmt;

use super::state::{Kind, Side};

/// What a table entry is.
///
/// ```
/// use wrt_async_core::component_model::{ComponentTable, HandleKind, ValueType};
///
/// let table = ComponentTable::new();
/// let (r, w) = table.stream_new(ValueType::ListU8).unwrap();
/// assert_eq!(table.handle_kind(r), Ok(HandleKind::ReadableStream));
/// assert_eq!(table.handle_kind(w), Ok(HandleKind::WritableStream));
/// assert_eq!(HandleKind::WaitableSet.to_string(), "waitable set");
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum HandleKind {
    /// The readable end of a `future<T>`.
    ReadableFuture,
    /// The writable end of a `future<T>`.
    WritableFuture,
    /// The readable end of a `stream<T>`.
    ReadableStream,
    /// The writable end of a `stream<T>`.
    WritableStream,
    /// A waitable set.
    WaitableSet,
}

impl HandleKind {
    pub(crate) const fn of_end(kind: Kind, side: Side) -> Self {
        match (kind, side) {
            (Kind::Future, Side::Readable) => Self::ReadableFuture,
            (Kind::Future, Side::Writable) => Self::WritableFuture,
            (Kind::Stream, Side::Readable) => Self::ReadableStream,
            (Kind::Stream, Side::Writable) => Self::WritableStream,
        }
    }
}

impl fmt::Display for HandleKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::ReadableFuture => "readable future end",
            Self::WritableFuture => "writable future end",
            Self::ReadableStream => "readable stream end",
            Self::WritableStream => "writable stream end",
            Self::WaitableSet => "waitable set",
        })
    }
}
