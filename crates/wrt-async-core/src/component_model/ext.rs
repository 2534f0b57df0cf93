//! [`ComponentAsyncExt`]: component handles to Rust futures and streams.

use super::error::ComponentError;
use super::future_bridge::{ComponentFuture, ComponentFutureBridge};
use super::stream_bridge::{ComponentStream, ComponentStreamBridge};
use super::table::ComponentTable;
use super::value::ComponentType;

/// Converts component handles into Rust futures and streams, checking that
/// the handle's declared element type is `T`'s.
///
/// The handle leaves the table (the component gives its readable end to the
/// host), so the spec's guards on passing a `future` / `stream` apply: the
/// end must be idle and not in a waitable set. On error the handle stays in
/// the table.
///
/// ```
/// use wrt_async_core::component_model::{ComponentAsyncExt, ComponentError, ComponentTable, ComponentValue, ValueType};
///
/// let table = ComponentTable::new();
/// let (r, w) = table.future_new(ValueType::U32).unwrap();
/// assert_eq!(
///     table.take_future::<String>(r).err(),
///     Some(ComponentError::TypeMismatch { expected: ValueType::String, found: ValueType::U32 })
/// );
/// let value = table.take_future::<u32>(r).unwrap();
/// table.future_write(w, ComponentValue::U32(11)).unwrap();
/// assert_eq!(wrt_async_core::with_async(value).unwrap(), Ok(11));
/// ```
pub trait ComponentAsyncExt {
    /// Takes the readable future end `handle` out of the table, as a Rust
    /// future of its value.
    ///
    /// # Errors
    /// `TypeMismatch` if the future's element type is not `T`'s; the guards
    /// of [`ComponentFuture::new`].
    ///
    /// ```
    /// use wrt_async_core::component_model::{ComponentAsyncExt, ComponentTable, ValueType};
    ///
    /// let table = ComponentTable::new();
    /// let (r, _w) = table.future_new(ValueType::Bool).unwrap();
    /// let _flag = table.take_future::<bool>(r).unwrap();
    /// ```
    fn take_future<T: ComponentType>(
        &self,
        handle: u32,
    ) -> Result<ComponentFutureBridge<T>, ComponentError>;

    /// Takes the readable stream end `handle` out of the table, as a Rust
    /// stream of its elements.
    ///
    /// # Errors
    /// `TypeMismatch` if the stream's element type is not `T`'s; the guards
    /// of [`ComponentStream::new`].
    ///
    /// ```
    /// use wrt_async_core::component_model::{ComponentAsyncExt, ComponentTable, ValueType};
    ///
    /// let table = ComponentTable::new();
    /// let (r, _w) = table.stream_new(ValueType::ListU8).unwrap();
    /// let _chunks = table.take_stream::<Vec<u8>>(r).unwrap();
    /// ```
    fn take_stream<T: ComponentType>(
        &self,
        handle: u32,
    ) -> Result<ComponentStreamBridge<T>, ComponentError>;
}

impl ComponentAsyncExt for ComponentTable {
    fn take_future<T: ComponentType>(
        &self,
        handle: u32,
    ) -> Result<ComponentFutureBridge<T>, ComponentError> {
        ComponentFuture::new(self, handle, T::VALUE_TYPE).map(ComponentFutureBridge::new)
    }

    fn take_stream<T: ComponentType>(
        &self,
        handle: u32,
    ) -> Result<ComponentStreamBridge<T>, ComponentError> {
        ComponentStream::new(self, handle, T::VALUE_TYPE).map(ComponentStream::bridge)
    }
}
