//! The host's writable end of a `future<T>`: [`host_future`],
//! [`ComponentFutureWriter`] and its write as a Rust future.

use core::fmt;
use core::future::Future;
use core::pin::Pin;
use core::task::{Context, Poll};

use super::copy::CopyResult;
use super::error::ComponentError;
use super::future_bridge::ComponentFuture;
use super::host::HostEnd;
use super::pair::{Buffer, Done, Kind};
use super::value::ComponentType;

/// Creates a `future<T>` owned by the host (the spec's `future.new` done by
/// host code): the writer, and the readable end to await or to hand to a
/// component ([`ComponentFuture::lower_into`]).
///
/// A future carries exactly one value, so its writer may not go away
/// without writing one (for a component that is a trap). A Rust value can
/// always be dropped, so `default` is the value written in that case: the
/// reader still gets exactly one value, never a `DROPPED`.
///
/// ```
/// use wrt_async_core::component_model::host_future;
///
/// let (writer, future) = host_future::<u64>(|| 0);
/// drop(writer.write(99)); // finishes when the reader reads
/// assert_eq!(wrt_async_core::with_async(future).unwrap(), Ok(99));
/// ```
pub fn host_future<T: ComponentType>(
    default: fn() -> T,
) -> (ComponentFutureWriter<T>, ComponentFuture<T>) {
    let (readable, writable) = HostEnd::new_pair(Kind::Future, T::VALUE_TYPE);
    (
        ComponentFutureWriter {
            end: Some(writable),
            default,
        },
        ComponentFuture::from_end(readable),
    )
}

/// The writable end of a host-created `future<T>`; see [`host_future`].
///
/// [`write`](Self::write) consumes it: a future is written once. Dropping it
/// unwritten writes the default value given to [`host_future`].
///
/// ```
/// use wrt_async_core::component_model::{host_future, FutureWriteOutcome};
///
/// let (writer, future) = host_future::<char>(|| '?');
/// drop(future); // the reader goes away first
/// let outcome = wrt_async_core::with_async(writer.write('x')).unwrap();
/// assert_eq!(outcome, Ok(FutureWriteOutcome::ReaderDropped('x')));
/// ```
pub struct ComponentFutureWriter<T: ComponentType> {
    /// `None` once handed to a [`FutureWrite`].
    end: Option<HostEnd>,
    default: fn() -> T,
}

impl<T: ComponentType> ComponentFutureWriter<T> {
    /// Writes `value`: the returned future finishes when the reader has
    /// received it, or when the reader turns out to be dropped.
    ///
    /// ```
    /// use wrt_async_core::component_model::{host_future, ComponentTable, ComponentValue};
    ///
    /// let table = ComponentTable::new();
    /// let (writer, future) = host_future::<u32>(|| 0);
    /// let r = future.lower_into(&table).unwrap();
    /// table.future_read(r).unwrap(); // the component waits for the value
    /// wrt_async_core::with_async(writer.write(5)).unwrap().unwrap();
    /// let read = table.copy_done_now(r).unwrap().unwrap();
    /// assert_eq!(read.values, [ComponentValue::U32(5)]);
    /// ```
    pub fn write(mut self, value: T) -> FutureWrite<T> {
        FutureWrite {
            end: self.end.take(),
            value: Some(value),
            finished: false,
        }
    }
}

impl<T: ComponentType> Drop for ComponentFutureWriter<T> {
    fn drop(&mut self) {
        if let Some(end) = self.end.take() {
            end.detach_with_write((self.default)().into_value());
        }
    }
}

impl<T: ComponentType> fmt::Debug for ComponentFutureWriter<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ComponentFutureWriter")
            .field("value_type", &T::VALUE_TYPE)
            .finish_non_exhaustive()
    }
}

/// How a future's write finished.
///
/// ```
/// use wrt_async_core::component_model::FutureWriteOutcome;
///
/// let outcome: FutureWriteOutcome<u32> = FutureWriteOutcome::Delivered;
/// assert!(outcome.is_delivered());
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum FutureWriteOutcome<T> {
    /// The reader received the value (`COMPLETED`).
    Delivered,
    /// The readable end was dropped first (`DROPPED`); the value comes back.
    ReaderDropped(T),
}

impl<T> FutureWriteOutcome<T> {
    /// Whether the reader received the value.
    ///
    /// ```
    /// use wrt_async_core::component_model::FutureWriteOutcome;
    ///
    /// assert!(!FutureWriteOutcome::ReaderDropped(1u8).is_delivered());
    /// ```
    pub fn is_delivered(&self) -> bool {
        matches!(self, Self::Delivered)
    }
}

/// Future of [`ComponentFutureWriter::write`].
///
/// Dropping it before it finished does not take the value back: the write
/// goes on and completes whenever the reader reads (the end is then
/// dropped), so the reader still gets exactly this value.
///
/// ```
/// use wrt_async_core::component_model::host_future;
///
/// let (writer, future) = host_future::<bool>(|| false);
/// drop(writer.write(true)); // never polled: still delivered
/// assert_eq!(wrt_async_core::with_async(future).unwrap(), Ok(true));
/// ```
#[must_use = "futures do nothing unless polled; dropped, the value is still delivered"]
pub struct FutureWrite<T: ComponentType> {
    end: Option<HostEnd>,
    /// The value, until the write starts.
    value: Option<T>,
    finished: bool,
}

impl<T: ComponentType> FutureWrite<T> {
    fn finish(&mut self, done: Done) -> Result<FutureWriteOutcome<T>, ComponentError> {
        self.finished = true;
        match (done.result, done.values.into_iter().next()) {
            (CopyResult::Completed, _) => Ok(FutureWriteOutcome::Delivered),
            (CopyResult::Dropped, Some(value)) => {
                T::from_value(value).map(FutureWriteOutcome::ReaderDropped)
            }
            (result, _) => Err(ComponentError::NoValue { handle: 0, result }),
        }
    }
}

// No field is structurally pinned: the value is moved out by value, the end
// is only used through `&`.
impl<T: ComponentType> Unpin for FutureWrite<T> {}

impl<T: ComponentType> Future for FutureWrite<T> {
    type Output = Result<FutureWriteOutcome<T>, ComponentError>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = self.get_mut();
        if this.finished {
            return Poll::Pending;
        }
        let Some(end) = this.end.as_ref() else {
            return Poll::Pending;
        };
        if let Some(value) = this.value.take() {
            match end.start(|ty| Buffer::write([value.into_value()], ty)) {
                Ok(Some(done)) => return Poll::Ready(this.finish(done)),
                Ok(None) => {}
                Err(e) => {
                    this.finished = true;
                    return Poll::Ready(Err(e));
                }
            }
        }
        match end.poll_done(cx) {
            Poll::Ready(Ok(done)) => Poll::Ready(this.finish(done)),
            Poll::Ready(Err(e)) => {
                this.finished = true;
                Poll::Ready(Err(e))
            }
            Poll::Pending => Poll::Pending,
        }
    }
}

impl<T: ComponentType> Drop for FutureWrite<T> {
    fn drop(&mut self) {
        let Some(end) = self.end.take() else { return };
        match self.value.take() {
            // Never polled: write the value in the background.
            Some(value) => end.detach_with_write(value.into_value()),
            // Writing (or done): let the write finish in the background.
            None => end.detach(),
        }
    }
}

impl<T: ComponentType> fmt::Debug for FutureWrite<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("FutureWrite")
            .field("value_type", &T::VALUE_TYPE)
            .field("started", &self.value.is_none())
            .field("finished", &self.finished)
            .finish_non_exhaustive()
    }
}
