//! [`BoundedFuture`]: the readable end of a bounded table's `future<T>` as
//! a Rust future.

use core::fmt;
use core::future::Future;
use core::marker::PhantomData;
use core::pin::Pin;
use core::task::{Context, Poll};

use super::super::error::ComponentError;
use super::super::handle::HandleKind;
use super::super::reader::FutureReader;
use super::super::value::ComponentType;
use super::end::BoundedEnd;
use super::table::BoundedComponentTable;

impl<const HANDLES: usize, const PAIRS: usize, const BUF: usize>
    BoundedComponentTable<HANDLES, PAIRS, BUF>
{
    /// Takes the readable future end `handle` out of the table (the spec's
    /// lifting of a `future` value to the host), as a Rust future of its
    /// value.
    ///
    /// # Errors
    /// `TypeMismatch` if the future's element type is not `T`'s, and the
    /// spec's guards on lifting: `InvalidHandle`, `WrongHandleKind`,
    /// `CopyInProgress`, `AlreadyDone`, `InWaitableSet`. On error the
    /// handle stays in the table.
    ///
    /// ```
    /// use wrt_async_core::component_model::{BoundedComponentTable, ComponentError, ComponentValue, ValueType};
    ///
    /// static TABLE: BoundedComponentTable<4, 2, 1> = BoundedComponentTable::new();
    /// let (r, w) = TABLE.future_new(ValueType::U32).unwrap();
    /// assert_eq!(
    ///     TABLE.take_future::<bool>(r).err(),
    ///     Some(ComponentError::TypeMismatch { expected: ValueType::Bool, found: ValueType::U32 })
    /// );
    /// let value = TABLE.take_future::<u32>(r).unwrap();
    /// TABLE.future_write(w, ComponentValue::U32(11)).unwrap();
    /// assert_eq!(wrt_async_core::with_async(value).unwrap(), Ok(11));
    /// ```
    pub fn take_future<T: ComponentType>(
        &self,
        handle: u32,
    ) -> Result<BoundedFuture<'_, T, HANDLES, PAIRS, BUF>, ComponentError> {
        let end = BoundedEnd::lift(self, handle, HandleKind::ReadableFuture, T::VALUE_TYPE)?;
        Ok(BoundedFuture {
            end,
            read: FutureReader::default(),
            _value: PhantomData,
        })
    }
}

/// The readable end of a bounded table's `future<T>`, owned by Rust code: a
/// `Future<Output = Result<T, ComponentError>>` that reads the value (the
/// read starts on the first poll; the task is woken when the writer writes,
/// from whatever thread or executor it runs on). Made by
/// [`BoundedComponentTable::take_future`].
///
/// Dropping it drops the readable end (cancelling a read in progress): the
/// writer then sees `DROPPED`. Polling it again after it returned its
/// output returns `Pending`.
///
/// ```
/// use wrt_async_core::component_model::{BoundedComponentTable, ComponentValue, CopyResult, CopyStatusOf, ValueType};
///
/// static TABLE: BoundedComponentTable<4, 2, 1> = BoundedComponentTable::new();
/// let (r, w) = TABLE.future_new(ValueType::Char).unwrap();
/// let value = TABLE.take_future::<char>(r).unwrap();
/// drop(value); // the reader goes away: the write gets its value back
/// let CopyStatusOf::Done(write) = TABLE.future_write(w, ComponentValue::Char('x')).unwrap() else {
///     unreachable!()
/// };
/// assert_eq!(write.result, CopyResult::Dropped);
/// ```
#[must_use = "futures do nothing unless polled; dropped, the readable end is dropped"]
pub struct BoundedFuture<'t, T, const HANDLES: usize, const PAIRS: usize, const BUF: usize> {
    end: BoundedEnd<'t, HANDLES, PAIRS, BUF>,
    read: FutureReader,
    _value: PhantomData<fn() -> T>,
}

impl<T: ComponentType, const HANDLES: usize, const PAIRS: usize, const BUF: usize> Future
    for BoundedFuture<'_, T, HANDLES, PAIRS, BUF>
{
    type Output = Result<T, ComponentError>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = self.get_mut();
        this.read.poll(&this.end, cx)
    }
}

impl<T, const HANDLES: usize, const PAIRS: usize, const BUF: usize> fmt::Debug
    for BoundedFuture<'_, T, HANDLES, PAIRS, BUF>
{
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("BoundedFuture")
            .field("value_type", &self.end.ty)
            .field("started", &self.read.started)
            .field("finished", &self.read.finished)
            .finish_non_exhaustive()
    }
}
