//! The readable end of a `stream<T>` as a Rust [`Stream`]:
//! [`ComponentStream`] (the typed end) and [`ComponentStreamBridge`] (the
//! reads in progress).

use alloc::collections::VecDeque;
use core::fmt;
use core::future::Future;
use core::marker::PhantomData;
use core::pin::Pin;
use core::task::{Context, Poll};

use futures_core::Stream;

use super::error::ComponentError;
use super::host::HostEnd;
use super::reader::StreamReader;
use super::table::{ComponentTable, HandleKind};
use super::value::{ComponentType, ComponentValue, ValueType};

/// Elements a [`ComponentStreamBridge`] reads at most per `stream.read`
/// unless told otherwise.
pub const DEFAULT_CHUNK: usize = 64;

/// The readable end of a `stream<T>`, owned by Rust code and checked to
/// carry `T` values.
///
/// Take it out of a component's table with [`new`](Self::new), create one
/// with [`host_stream`](super::host_stream), hand it to a component with
/// [`lower_into`](Self::lower_into), or read it as a Rust stream with
/// [`bridge`](Self::bridge). Dropping it drops the readable end: the writer
/// sees `DROPPED`.
///
/// ```
/// use wrt_async_core::component_model::{ComponentStream, ComponentTable, ComponentValue, ValueType};
///
/// let table = ComponentTable::new();
/// let (r, w) = table.stream_new(ValueType::U32).unwrap();
/// let stream = ComponentStream::<u32>::new(&table, r, ValueType::U32).unwrap();
/// table.stream_write(w, vec![ComponentValue::U32(1), ComponentValue::U32(2)]).unwrap();
/// let mut bridge = stream.bridge();
/// let first = wrt_async_core::with_async(bridge.next()).unwrap();
/// assert_eq!(first, Some(Ok(1)));
/// ```
pub struct ComponentStream<T> {
    end: HostEnd,
    _value: PhantomData<fn() -> T>,
}

impl<T: ComponentType> ComponentStream<T> {
    /// Takes the readable stream end `handle` out of `table`, checking that
    /// its declared element type is `value_type` and that `value_type` is
    /// `T`'s.
    ///
    /// # Errors
    /// `TypeMismatch`, and the spec's guards on lifting a `stream`:
    /// `InvalidHandle`, `WrongHandleKind`, `CopyInProgress`, `AlreadyDone`,
    /// `InWaitableSet`. On error the handle stays in the table.
    ///
    /// ```
    /// use wrt_async_core::component_model::{ComponentError, ComponentStream, ComponentTable, HandleKind, ValueType};
    ///
    /// let table = ComponentTable::new();
    /// let (_r, w) = table.stream_new(ValueType::U32).unwrap();
    /// assert_eq!(
    ///     ComponentStream::<u32>::new(&table, w, ValueType::U32).err(),
    ///     Some(ComponentError::WrongHandleKind {
    ///         handle: w,
    ///         expected: HandleKind::ReadableStream,
    ///         found: HandleKind::WritableStream,
    ///     })
    /// );
    /// ```
    pub fn new(
        table: &ComponentTable,
        handle: u32,
        value_type: ValueType,
    ) -> Result<Self, ComponentError> {
        if value_type != T::VALUE_TYPE {
            return Err(ComponentError::TypeMismatch {
                expected: T::VALUE_TYPE,
                found: value_type,
            });
        }
        let end = table.lift(handle, HandleKind::ReadableStream, Some(value_type))?;
        Ok(Self::from_end(end))
    }

    pub(crate) fn from_end(end: HostEnd) -> Self {
        Self {
            end,
            _value: PhantomData,
        }
    }

    /// The element type, `T::VALUE_TYPE`.
    ///
    /// ```
    /// use wrt_async_core::component_model::{host_stream, ValueType};
    ///
    /// let (_writer, stream) = host_stream::<String>();
    /// assert_eq!(stream.value_type(), ValueType::String);
    /// ```
    #[must_use]
    pub fn value_type(&self) -> ValueType {
        self.end.value_type()
    }

    /// Hands the end to a component: puts it into `table` and returns its
    /// index there.
    ///
    /// # Errors
    /// `TableFull` (the end is then dropped).
    ///
    /// ```
    /// use wrt_async_core::component_model::{host_stream, ComponentTable, HandleKind};
    ///
    /// let table = ComponentTable::new();
    /// let (_writer, stream) = host_stream::<u32>();
    /// let r = stream.lower_into(&table).unwrap();
    /// assert_eq!(table.handle_kind(r), Ok(HandleKind::ReadableStream));
    /// ```
    pub fn lower_into(self, table: &ComponentTable) -> Result<u32, ComponentError> {
        table.lower(self.end)
    }

    /// Reads the stream as a Rust [`Stream`], [`DEFAULT_CHUNK`] elements per
    /// read at most.
    ///
    /// ```
    /// use wrt_async_core::component_model::host_stream;
    ///
    /// let (writer, stream) = host_stream::<u32>();
    /// drop(writer); // end of stream
    /// let mut bridge = stream.bridge();
    /// assert_eq!(wrt_async_core::with_async(bridge.next()).unwrap(), None);
    /// ```
    pub fn bridge(self) -> ComponentStreamBridge<T> {
        ComponentStreamBridge::new(self, DEFAULT_CHUNK)
    }
}

impl<T> fmt::Debug for ComponentStream<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ComponentStream")
            .field("value_type", &self.end.value_type())
            .finish_non_exhaustive()
    }
}

/// A [`ComponentStream`] read as a Rust [`Stream`] of `Result<T, _>`.
///
/// Each `stream.read` asks for at most `chunk` elements: that bounds what
/// the bridge holds, and the writer is held back until the elements are
/// consumed (a read only starts when the previous chunk was handed out).
/// The stream ends (`None`) when the writable end is dropped. Dropping the
/// bridge cancels the read in progress and drops the readable end.
///
/// ```
/// use wrt_async_core::component_model::{ComponentStreamBridge, ComponentTable, ComponentAsyncExt, ComponentValue, ValueType};
///
/// let table = ComponentTable::new();
/// let (r, w) = table.stream_new(ValueType::String).unwrap();
/// let mut lines: ComponentStreamBridge<String> = table.take_stream(r).unwrap();
/// table.stream_write(w, vec![ComponentValue::String("a".into())]).unwrap();
/// let first = wrt_async_core::with_async(lines.next()).unwrap();
/// assert_eq!(first, Some(Ok("a".to_string())));
/// ```
pub struct ComponentStreamBridge<T> {
    end: HostEnd,
    chunk: usize,
    read: StreamReader<VecDeque<ComponentValue>>,
    _value: PhantomData<fn() -> T>,
}

impl<T: ComponentType> ComponentStreamBridge<T> {
    /// Reads `stream` at most `chunk` elements at a time (at least 1).
    ///
    /// ```
    /// use wrt_async_core::component_model::{host_stream, ComponentStreamBridge};
    ///
    /// let (_writer, stream) = host_stream::<u32>();
    /// let bridge = ComponentStreamBridge::new(stream, 4);
    /// assert_eq!(bridge.chunk(), 4);
    /// ```
    pub fn new(stream: ComponentStream<T>, chunk: usize) -> Self {
        Self {
            end: stream.end,
            chunk: chunk.max(1),
            read: StreamReader::new(),
            _value: PhantomData,
        }
    }

    /// The most elements one read asks for.
    ///
    /// ```
    /// use wrt_async_core::component_model::{host_stream, DEFAULT_CHUNK};
    ///
    /// let (_writer, stream) = host_stream::<u32>();
    /// assert_eq!(stream.bridge().chunk(), DEFAULT_CHUNK);
    /// ```
    #[must_use]
    pub fn chunk(&self) -> usize {
        self.chunk
    }

    /// The next element: `Some(Ok(value))`, `None` at the end of the
    /// stream. The same as `StreamExt::next` without needing that trait.
    ///
    /// ```
    /// use wrt_async_core::component_model::host_stream;
    ///
    /// let (mut writer, stream) = host_stream::<u32>();
    /// let mut bridge = stream.bridge();
    /// drop(writer.send(3)); // cancelled before it ran: nothing written
    /// drop(writer);
    /// assert_eq!(wrt_async_core::with_async(bridge.next()).unwrap(), None);
    /// ```
    #[allow(
        clippy::should_implement_trait,
        reason = "the async counterpart of `Iterator::next`, as `StreamExt::next` is"
    )]
    pub fn next(&mut self) -> Next<'_, T> {
        Next { bridge: self }
    }
}

impl<T: ComponentType> Stream for ComponentStreamBridge<T> {
    type Item = Result<T, ComponentError>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = self.get_mut();
        this.read.poll_next(&this.end, this.chunk, cx)
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        self.read.size_hint()
    }
}

impl<T> fmt::Debug for ComponentStreamBridge<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ComponentStreamBridge")
            .field("value_type", &self.end.value_type())
            .field("chunk", &self.chunk)
            .field("buffered", &self.read.received.len())
            .field("ended", &self.read.ended)
            .finish_non_exhaustive()
    }
}

/// Future of [`ComponentStreamBridge::next`].
///
/// ```
/// use wrt_async_core::component_model::host_stream;
///
/// let (_writer, stream) = host_stream::<u32>();
/// let mut bridge = stream.bridge();
/// let _next = bridge.next(); // resolves with the next element
/// ```
#[must_use = "futures do nothing unless polled"]
#[derive(Debug)]
pub struct Next<'a, T> {
    bridge: &'a mut ComponentStreamBridge<T>,
}

impl<T: ComponentType> Future for Next<'_, T> {
    type Output = Option<Result<T, ComponentError>>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        Pin::new(&mut *self.get_mut().bridge).poll_next(cx)
    }
}
