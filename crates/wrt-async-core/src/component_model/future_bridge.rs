//! The readable end of a `future<T>` as a Rust future:
//! [`ComponentFuture`] (the typed end) and [`ComponentFutureBridge`] (the
//! read in progress).

use core::fmt;
use core::future::Future;
use core::marker::PhantomData;
use core::pin::Pin;
use core::task::{Context, Poll};

use super::error::ComponentError;
use super::host::HostEnd;
use super::reader::FutureReader;
use super::table::{ComponentTable, HandleKind};
use super::value::{ComponentType, ValueType};

/// The readable end of a `future<T>`, owned by Rust code and checked to
/// carry `T` values.
///
/// Take it out of a component's table with [`new`](Self::new) (the spec's
/// lifting of a `future` value: the component gives the end up), create one
/// with [`host_future`](super::host_future), hand it to a component with
/// [`lower_into`](Self::lower_into), or await it: it is a
/// `Future<Output = Result<T, ComponentError>>` that reads the value (the
/// read starts on the first poll, `future.read`; the task is woken when the
/// writer writes, from whatever thread or executor it runs on).
/// [`ComponentFutureBridge::new`] wraps it as in the original guide.
///
/// Dropping it drops the readable end (cancelling a read in progress): the
/// writer then sees `DROPPED`. Polling it again after it returned its
/// output returns `Pending`.
///
/// ```
/// use wrt_async_core::component_model::{ComponentFuture, ComponentTable, ComponentValue, ValueType};
///
/// let table = ComponentTable::new();
/// let (r, w) = table.future_new(ValueType::U32).unwrap();
/// let future = ComponentFuture::<u32>::new(&table, r, ValueType::U32).unwrap();
/// table.future_write(w, ComponentValue::U32(42)).unwrap();
/// assert_eq!(wrt_async_core::with_async(future).unwrap(), Ok(42));
/// ```
#[must_use = "futures do nothing unless polled; dropped, the readable end is dropped"]
pub struct ComponentFuture<T> {
    end: HostEnd,
    read: FutureReader,
    _value: PhantomData<fn() -> T>,
}

impl<T: ComponentType> ComponentFuture<T> {
    /// Takes the readable future end `handle` out of `table`, checking that
    /// its declared element type is `value_type` and that `value_type` is
    /// `T`'s.
    ///
    /// # Errors
    /// `TypeMismatch`, and the spec's guards on lifting a `future`:
    /// `InvalidHandle`, `WrongHandleKind`, `CopyInProgress`, `AlreadyDone`,
    /// `InWaitableSet`. On error the handle stays in the table.
    ///
    /// ```
    /// use wrt_async_core::component_model::{ComponentError, ComponentFuture, ComponentTable, ValueType};
    ///
    /// let table = ComponentTable::new();
    /// let (r, _w) = table.future_new(ValueType::String).unwrap();
    /// let wrong = ComponentFuture::<u32>::new(&table, r, ValueType::String);
    /// assert_eq!(
    ///     wrong.err(),
    ///     Some(ComponentError::TypeMismatch { expected: ValueType::U32, found: ValueType::String })
    /// );
    /// assert!(ComponentFuture::<String>::new(&table, r, ValueType::String).is_ok());
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
        let end = table.lift(handle, HandleKind::ReadableFuture, Some(value_type))?;
        Ok(Self::from_end(end))
    }

    pub(crate) fn from_end(end: HostEnd) -> Self {
        Self {
            end,
            read: FutureReader::default(),
            _value: PhantomData,
        }
    }

    /// The element type, `T::VALUE_TYPE`.
    ///
    /// ```
    /// use wrt_async_core::component_model::{host_future, ValueType};
    ///
    /// let (_writer, future) = host_future::<bool>(|| false);
    /// assert_eq!(future.value_type(), ValueType::Bool);
    /// ```
    #[must_use]
    pub fn value_type(&self) -> ValueType {
        self.end.value_type()
    }

    /// Hands the end to a component: puts it into `table` (the spec's
    /// lowering of a `future` value) and returns its index there.
    ///
    /// # Errors
    /// `CopyInProgress` / `AlreadyDone` once it was polled; `TableFull` (the
    /// end is then dropped).
    ///
    /// ```
    /// use wrt_async_core::component_model::{host_future, ComponentTable, HandleKind};
    ///
    /// let table = ComponentTable::new();
    /// let (_writer, future) = host_future::<u32>(|| 0);
    /// let r = future.lower_into(&table).unwrap();
    /// assert_eq!(table.handle_kind(r), Ok(HandleKind::ReadableFuture));
    /// ```
    pub fn lower_into(self, table: &ComponentTable) -> Result<u32, ComponentError> {
        table.lower(self.end)
    }
}

impl<T: ComponentType> Future for ComponentFuture<T> {
    type Output = Result<T, ComponentError>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = self.get_mut();
        this.read.poll(&this.end, cx)
    }
}

impl<T> fmt::Debug for ComponentFuture<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ComponentFuture")
            .field("value_type", &self.end.value_type())
            .field("started", &self.read.started)
            .field("finished", &self.read.finished)
            .finish_non_exhaustive()
    }
}

/// The original guide's bridge: a [`ComponentFuture`] as a
/// `Future<Output = Result<T, ComponentError>>`, with the same behaviour
/// (the read starts on the first poll; dropping it cancels the read and
/// drops the readable end).
///
/// ```
/// use wrt_async_core::component_model::{host_future, ComponentFutureBridge};
///
/// let (writer, future) = host_future::<String>(String::new);
/// let read = ComponentFutureBridge::new(future);
/// // A write future dropped unfinished still delivers its value.
/// drop(writer.write("done".to_string()));
/// assert_eq!(wrt_async_core::with_async(read).unwrap(), Ok("done".to_string()));
/// ```
#[must_use = "futures do nothing unless polled"]
pub struct ComponentFutureBridge<T> {
    future: ComponentFuture<T>,
}

impl<T: ComponentType> ComponentFutureBridge<T> {
    /// Bridges `future` (the guide's
    /// `ComponentFutureBridge::new(component_future).await`).
    ///
    /// ```
    /// use wrt_async_core::component_model::{host_future, ComponentFutureBridge};
    ///
    /// let (writer, future) = host_future::<u32>(|| 0);
    /// drop(writer); // writes the default value, 0
    /// let value = wrt_async_core::with_async(ComponentFutureBridge::new(future));
    /// assert_eq!(value.unwrap(), Ok(0));
    /// ```
    pub fn new(future: ComponentFuture<T>) -> Self {
        Self { future }
    }

    /// The bridged future back.
    ///
    /// ```
    /// use wrt_async_core::component_model::{host_future, ComponentFutureBridge, ValueType};
    ///
    /// let (_writer, future) = host_future::<u32>(|| 0);
    /// let future = ComponentFutureBridge::new(future).into_inner();
    /// assert_eq!(future.value_type(), ValueType::U32);
    /// ```
    pub fn into_inner(self) -> ComponentFuture<T> {
        self.future
    }
}

impl<T: ComponentType> Future for ComponentFutureBridge<T> {
    type Output = Result<T, ComponentError>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        Pin::new(&mut self.get_mut().future).poll(cx)
    }
}

impl<T> fmt::Debug for ComponentFutureBridge<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("ComponentFutureBridge")
            .field(&self.future)
            .finish()
    }
}
