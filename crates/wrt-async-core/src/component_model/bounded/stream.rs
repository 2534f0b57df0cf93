//! [`BoundedStream`]: the readable end of a bounded table's `stream<T>` as
//! a Rust [`Stream`].

use core::fmt;
use core::marker::PhantomData;
use core::pin::Pin;
use core::task::{Context, Poll};

use futures_core::Stream;

use super::super::error::ComponentError;
use super::super::handle::HandleKind;
use super::super::reader::StreamReader;
use super::super::state::Values;
use super::super::value::ComponentType;
use super::chunk::Chunk;
use super::end::BoundedEnd;
use super::table::BoundedComponentTable;

impl<const HANDLES: usize, const PAIRS: usize, const BUF: usize>
    BoundedComponentTable<HANDLES, PAIRS, BUF>
{
    /// Takes the readable stream end `handle` out of the table, as a Rust
    /// [`Stream`] of its elements, read up to `BUF` at a time.
    ///
    /// # Errors
    /// As [`take_future`](Self::take_future).
    ///
    /// ```
    /// use wrt_async_core::component_model::{BoundedComponentTable, ComponentValue, ValueType};
    ///
    /// static TABLE: BoundedComponentTable<4, 2, 2> = BoundedComponentTable::new();
    /// let (r, w) = TABLE.stream_new(ValueType::U32).unwrap();
    /// let mut numbers = TABLE.take_stream::<u32>(r).unwrap();
    /// TABLE.stream_write(w, &[ComponentValue::U32(1), ComponentValue::U32(2)]).unwrap();
    /// let first = wrt_async_core::with_async(numbers.next()).unwrap();
    /// assert_eq!(first, Some(Ok(1)));
    /// ```
    pub fn take_stream<T: ComponentType>(
        &self,
        handle: u32,
    ) -> Result<BoundedStream<'_, T, HANDLES, PAIRS, BUF>, ComponentError> {
        let end = BoundedEnd::lift(self, handle, HandleKind::ReadableStream, T::VALUE_TYPE)?;
        Ok(BoundedStream {
            end,
            read: StreamReader::new(),
            _value: PhantomData,
        })
    }
}

/// The readable end of a bounded table's `stream<T>`, owned by Rust code: a
/// [`Stream`] of `Result<T, ComponentError>` that ends (`None`) once the
/// writable end is dropped. Made by [`BoundedComponentTable::take_stream`].
///
/// Each `stream.read` asks for up to `BUF` elements, and the next read only
/// starts once they were handed out, so the writer is held back by a slow
/// reader. Dropping it cancels the read in progress and drops the readable
/// end.
///
/// ```
/// use wrt_async_core::component_model::{BoundedComponentTable, ValueType};
///
/// static TABLE: BoundedComponentTable<4, 2, 2> = BoundedComponentTable::new();
/// let (r, w) = TABLE.stream_new(ValueType::U32).unwrap();
/// let mut numbers = TABLE.take_stream::<u32>(r).unwrap();
/// TABLE.stream_drop_writable(w).unwrap(); // end of stream
/// assert_eq!(wrt_async_core::with_async(numbers.next()).unwrap(), None);
/// ```
pub struct BoundedStream<'t, T, const HANDLES: usize, const PAIRS: usize, const BUF: usize> {
    end: BoundedEnd<'t, HANDLES, PAIRS, BUF>,
    read: StreamReader<Chunk<BUF>>,
    _value: PhantomData<fn() -> T>,
}

impl<T: ComponentType, const HANDLES: usize, const PAIRS: usize, const BUF: usize>
    BoundedStream<'_, T, HANDLES, PAIRS, BUF>
{
    /// The next element: `Some(Ok(value))`, `None` at the end of the
    /// stream. The same as `StreamExt::next` without needing that trait.
    ///
    /// ```
    /// use wrt_async_core::component_model::{BoundedComponentTable, ComponentValue, ValueType};
    ///
    /// static TABLE: BoundedComponentTable<4, 2, 4> = BoundedComponentTable::new();
    /// let (r, w) = TABLE.stream_new(ValueType::Bool).unwrap();
    /// let mut flags = TABLE.take_stream::<bool>(r).unwrap();
    /// TABLE.stream_write(w, &[ComponentValue::Bool(true)]).unwrap();
    /// assert_eq!(wrt_async_core::with_async(flags.next()).unwrap(), Some(Ok(true)));
    /// ```
    #[allow(
        clippy::should_implement_trait,
        reason = "the async counterpart of `Iterator::next`, as `StreamExt::next` is"
    )]
    pub fn next(&mut self) -> impl Future<Output = Option<Result<T, ComponentError>>> + '_ {
        core::future::poll_fn(|cx| Pin::new(&mut *self).poll_next(cx))
    }
}

impl<T: ComponentType, const HANDLES: usize, const PAIRS: usize, const BUF: usize> Stream
    for BoundedStream<'_, T, HANDLES, PAIRS, BUF>
{
    type Item = Result<T, ComponentError>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = self.get_mut();
        this.read.poll_next(&this.end, BUF, cx)
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        self.read.size_hint()
    }
}

impl<T, const HANDLES: usize, const PAIRS: usize, const BUF: usize> fmt::Debug
    for BoundedStream<'_, T, HANDLES, PAIRS, BUF>
{
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("BoundedStream")
            .field("value_type", &self.end.ty)
            .field("buffered", &self.read.received.len())
            .field("ended", &self.read.ended)
            .finish_non_exhaustive()
    }
}
