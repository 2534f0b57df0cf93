//! The copy built-ins on a bounded table's handles:
//! `{future,stream}.{read,write}`, `.cancel-{read,write}`,
//! `.drop-{readable,writable}`, and collecting a copy's completion without a
//! waitable set.

use core::future::Future;
use core::pin::Pin;
use core::task::{Context, Poll};

use super::super::error::ComponentError;
use super::super::handle::HandleKind;
use super::super::raw_mutex::SpinMutexGuard;
use super::super::state::{Buffer, Side, check_types, checked_len};
use super::super::value::{ComponentValue, ValueType};
use super::chunk::Chunk;
use super::table::{BoundedComponentTable, Inner, State};
use super::{BoundedCopyDone, BoundedCopyStatus};

/// A read buffer of `n` slots, of which at most `BUF` are kept.
pub(super) fn read_buffer<const BUF: usize>(
    n: usize,
) -> Result<Buffer<Chunk<BUF>>, ComponentError> {
    checked_len(n)?;
    Buffer::read(n.min(BUF))
}

/// A write buffer of the first `BUF` of `values`, which must all be of type
/// `ty`.
pub(super) fn write_buffer<const BUF: usize>(
    values: &[ComponentValue],
    ty: ValueType,
) -> Result<Buffer<Chunk<BUF>>, ComponentError> {
    checked_len(values.len())?;
    check_types(values, ty)?;
    Buffer::filled(Chunk::from_prefix(values))
}

impl<const HANDLES: usize, const PAIRS: usize, const BUF: usize>
    BoundedComponentTable<HANDLES, PAIRS, BUF>
{
    /// `future.read`: starts reading the one value of the future whose
    /// readable end is `handle`; [`BoundedCopyStatus::Done`] if the writer
    /// was waiting, else `Blocked` (the completion comes as an event).
    ///
    /// # Errors
    /// `InvalidHandle`, `WrongHandleKind`, `CopyInProgress`, `AlreadyDone`.
    ///
    /// ```
    /// use wrt_async_core::component_model::{BoundedComponentTable, CopyStatusOf, ValueType};
    ///
    /// let table = BoundedComponentTable::<4, 1, 1>::new();
    /// let (r, _w) = table.future_new(ValueType::U32).unwrap();
    /// assert_eq!(table.future_read(r), Ok(CopyStatusOf::Blocked));
    /// ```
    pub fn future_read(&self, handle: u32) -> Result<BoundedCopyStatus<BUF>, ComponentError> {
        self.copy(handle, HandleKind::ReadableFuture, |_| read_buffer(1))
    }

    /// `future.write`: starts writing `value`, the future's one value.
    /// `COMPLETED`: the reader got it; `DROPPED`: the reader was dropped
    /// first (the value comes back). Either way the end is then done.
    ///
    /// # Errors
    /// `InvalidHandle`, `WrongHandleKind`, `CopyInProgress`, `AlreadyDone`,
    /// `TypeMismatch`.
    ///
    /// ```
    /// use wrt_async_core::component_model::{BoundedComponentTable, ComponentError, ComponentValue, ValueType};
    ///
    /// let table = BoundedComponentTable::<4, 1, 1>::new();
    /// let (_r, w) = table.future_new(ValueType::U32).unwrap();
    /// assert_eq!(
    ///     table.future_write(w, ComponentValue::Bool(true)),
    ///     Err(ComponentError::TypeMismatch { expected: ValueType::U32, found: ValueType::Bool })
    /// );
    /// ```
    pub fn future_write(
        &self,
        handle: u32,
        value: ComponentValue,
    ) -> Result<BoundedCopyStatus<BUF>, ComponentError> {
        self.copy(handle, HandleKind::WritableFuture, |ty| {
            write_buffer(core::slice::from_ref(&value), ty)
        })
    }

    /// `stream.read`: starts reading up to `n` elements — at most `BUF`,
    /// the room of the table's buffer. `n == 0` is a readiness probe.
    ///
    /// # Errors
    /// `InvalidHandle`, `WrongHandleKind`, `CopyInProgress`, `AlreadyDone`,
    /// `BufferTooLong` (more than 2^28 - 1).
    ///
    /// ```
    /// use wrt_async_core::component_model::{BoundedComponentTable, ComponentValue, CopyStatusOf, ValueType};
    ///
    /// let table = BoundedComponentTable::<4, 1, 2>::new();
    /// let (r, w) = table.stream_new(ValueType::U32).unwrap();
    /// let values = [1, 2, 3].map(ComponentValue::U32);
    /// table.stream_write(w, &values[..2]).unwrap();
    /// // Asks for 16, gets at most BUF = 2.
    /// let CopyStatusOf::Done(read) = table.stream_read(r, 16).unwrap() else { unreachable!() };
    /// assert_eq!(read.progress, 2);
    /// ```
    pub fn stream_read(
        &self,
        handle: u32,
        n: usize,
    ) -> Result<BoundedCopyStatus<BUF>, ComponentError> {
        self.copy(handle, HandleKind::ReadableStream, |_| read_buffer(n))
    }

    /// `stream.write`: starts writing `values` — the first `BUF` of them,
    /// the room of the table's buffer; `progress` of the completion says
    /// how many were consumed, so the caller writes
    /// `&values[progress..]` next. An empty `values` is a readiness probe.
    ///
    /// # Errors
    /// `InvalidHandle`, `WrongHandleKind`, `CopyInProgress`, `AlreadyDone`,
    /// `BufferTooLong`, `TypeMismatch` (any of `values`).
    ///
    /// ```
    /// use wrt_async_core::component_model::{BoundedComponentTable, ComponentValue, CopyStatusOf, ValueType};
    ///
    /// let table = BoundedComponentTable::<4, 1, 4>::new();
    /// let (_r, w) = table.stream_new(ValueType::U32).unwrap();
    /// let status = table.stream_write(w, &[ComponentValue::U32(1)]).unwrap();
    /// assert_eq!(status, CopyStatusOf::Blocked, "no reader yet: backpressure");
    /// ```
    pub fn stream_write(
        &self,
        handle: u32,
        values: &[ComponentValue],
    ) -> Result<BoundedCopyStatus<BUF>, ComponentError> {
        self.copy(handle, HandleKind::WritableStream, |ty| {
            write_buffer(values, ty)
        })
    }

    fn copy(
        &self,
        handle: u32,
        expected: HandleKind,
        buffer: impl FnOnce(ValueType) -> Result<Buffer<Chunk<BUF>>, ComponentError>,
    ) -> Result<BoundedCopyStatus<BUF>, ComponentError> {
        self.on_end(handle, Some(expected), |state, side, ty| {
            state.copy(side, handle, || buffer(ty))
        })
    }

    /// Runs `f` on the state of the end at `handle` (of kind `expected`, or
    /// any end), then settles and wakes.
    fn on_end<R>(
        &self,
        handle: u32,
        expected: Option<HandleKind>,
        f: impl FnOnce(&mut State<BUF>, Side, ValueType) -> Result<R, ComponentError>,
    ) -> Result<R, ComponentError> {
        let inner = self.lock();
        let (pair, side) = match expected {
            Some(expected) => inner.end(handle, expected)?,
            None => inner.any_end(handle)?,
        };
        let ty = inner.pair(pair).ty;
        self.with_pair(inner, pair, |inner| f(inner.state(pair), side, ty))
    }

    /// `future.cancel-read`: cancels the read in progress on `handle`; its
    /// completion: `CANCELLED`, or the result it had already reached.
    ///
    /// # Errors
    /// `InvalidHandle`, `WrongHandleKind`, `NotCopying`.
    ///
    /// ```
    /// use wrt_async_core::component_model::{BoundedComponentTable, CopyResult, CopyStatusOf, ValueType};
    ///
    /// let table = BoundedComponentTable::<4, 1, 1>::new();
    /// let (r, _w) = table.future_new(ValueType::U32).unwrap();
    /// table.future_read(r).unwrap();
    /// let CopyStatusOf::Done(done) = table.future_cancel_read(r).unwrap() else { unreachable!() };
    /// assert_eq!(done.result, CopyResult::Cancelled);
    /// ```
    pub fn future_cancel_read(
        &self,
        handle: u32,
    ) -> Result<BoundedCopyStatus<BUF>, ComponentError> {
        self.cancel(handle, HandleKind::ReadableFuture)
    }

    /// `future.cancel-write`: cancels the write in progress on `handle`; a
    /// `CANCELLED` write hands the value back and leaves the end idle.
    ///
    /// # Errors
    /// `InvalidHandle`, `WrongHandleKind`, `NotCopying`.
    ///
    /// ```
    /// use wrt_async_core::component_model::{BoundedComponentTable, ComponentValue, CopyStatusOf, ValueType};
    ///
    /// let table = BoundedComponentTable::<4, 1, 1>::new();
    /// let (_r, w) = table.future_new(ValueType::U32).unwrap();
    /// table.future_write(w, ComponentValue::U32(3)).unwrap();
    /// let CopyStatusOf::Done(done) = table.future_cancel_write(w).unwrap() else { unreachable!() };
    /// assert_eq!(done.values, [ComponentValue::U32(3)]);
    /// ```
    pub fn future_cancel_write(
        &self,
        handle: u32,
    ) -> Result<BoundedCopyStatus<BUF>, ComponentError> {
        self.cancel(handle, HandleKind::WritableFuture)
    }

    /// `stream.cancel-read`: cancels the read in progress on `handle`;
    /// elements already copied are kept (`COMPLETED` with their count).
    ///
    /// # Errors
    /// `InvalidHandle`, `WrongHandleKind`, `NotCopying`.
    ///
    /// ```
    /// use wrt_async_core::component_model::{BoundedComponentTable, CopyResult, CopyStatusOf, ValueType};
    ///
    /// let table = BoundedComponentTable::<4, 1, 4>::new();
    /// let (r, _w) = table.stream_new(ValueType::U32).unwrap();
    /// table.stream_read(r, 4).unwrap();
    /// let CopyStatusOf::Done(done) = table.stream_cancel_read(r).unwrap() else { unreachable!() };
    /// assert_eq!((done.result, done.progress), (CopyResult::Cancelled, 0));
    /// ```
    pub fn stream_cancel_read(
        &self,
        handle: u32,
    ) -> Result<BoundedCopyStatus<BUF>, ComponentError> {
        self.cancel(handle, HandleKind::ReadableStream)
    }

    /// `stream.cancel-write`: cancels the write in progress on `handle`;
    /// the elements not consumed come back.
    ///
    /// # Errors
    /// `InvalidHandle`, `WrongHandleKind`, `NotCopying`.
    ///
    /// ```
    /// use wrt_async_core::component_model::{BoundedComponentTable, ComponentValue, CopyStatusOf, ValueType};
    ///
    /// let table = BoundedComponentTable::<4, 1, 4>::new();
    /// let (_r, w) = table.stream_new(ValueType::U32).unwrap();
    /// table.stream_write(w, &[ComponentValue::U32(1)]).unwrap();
    /// let CopyStatusOf::Done(done) = table.stream_cancel_write(w).unwrap() else { unreachable!() };
    /// assert_eq!(done.values, [ComponentValue::U32(1)]);
    /// ```
    pub fn stream_cancel_write(
        &self,
        handle: u32,
    ) -> Result<BoundedCopyStatus<BUF>, ComponentError> {
        self.cancel(handle, HandleKind::WritableStream)
    }

    fn cancel(
        &self,
        handle: u32,
        expected: HandleKind,
    ) -> Result<BoundedCopyStatus<BUF>, ComponentError> {
        self.on_end(handle, Some(expected), |state, side, _| {
            state.cancel_checked(side, handle)
        })
    }

    /// `future.drop-readable`: drops the readable end; the writer's write
    /// completes with `DROPPED`.
    ///
    /// # Errors
    /// `InvalidHandle`, `WrongHandleKind`, `DropWhileCopying`.
    ///
    /// ```
    /// use wrt_async_core::component_model::{BoundedComponentTable, ValueType};
    ///
    /// let table = BoundedComponentTable::<4, 1, 1>::new();
    /// let (r, _w) = table.future_new(ValueType::U32).unwrap();
    /// table.future_drop_readable(r).unwrap();
    /// assert_eq!(table.len(), 1);
    /// ```
    pub fn future_drop_readable(&self, handle: u32) -> Result<(), ComponentError> {
        self.drop_end(handle, HandleKind::ReadableFuture)
    }

    /// `future.drop-writable`: drops the writable end, which must be done
    /// (wrote its value, or saw the reader drop).
    ///
    /// # Errors
    /// `InvalidHandle`, `WrongHandleKind`, `DropWhileCopying`,
    /// `FutureNotWritten`.
    ///
    /// ```
    /// use wrt_async_core::component_model::{BoundedComponentTable, ComponentError, ValueType};
    ///
    /// let table = BoundedComponentTable::<4, 1, 1>::new();
    /// let (_r, w) = table.future_new(ValueType::U32).unwrap();
    /// assert_eq!(table.future_drop_writable(w), Err(ComponentError::FutureNotWritten { handle: w }));
    /// ```
    pub fn future_drop_writable(&self, handle: u32) -> Result<(), ComponentError> {
        self.drop_end(handle, HandleKind::WritableFuture)
    }

    /// `stream.drop-readable`: drops the readable end; the writer's pending
    /// or next write completes with `DROPPED`.
    ///
    /// # Errors
    /// `InvalidHandle`, `WrongHandleKind`, `DropWhileCopying`.
    ///
    /// ```
    /// use wrt_async_core::component_model::{BoundedComponentTable, ValueType};
    ///
    /// let table = BoundedComponentTable::<4, 1, 1>::new();
    /// let (r, _w) = table.stream_new(ValueType::U32).unwrap();
    /// table.stream_drop_readable(r).unwrap();
    /// ```
    pub fn stream_drop_readable(&self, handle: u32) -> Result<(), ComponentError> {
        self.drop_end(handle, HandleKind::ReadableStream)
    }

    /// `stream.drop-writable`: drops the writable end (the end of the
    /// stream); the reader's pending or next read completes with `DROPPED`.
    ///
    /// # Errors
    /// `InvalidHandle`, `WrongHandleKind`, `DropWhileCopying`.
    ///
    /// ```
    /// use wrt_async_core::component_model::{BoundedComponentTable, CopyResult, CopyStatusOf, ValueType};
    ///
    /// let table = BoundedComponentTable::<4, 1, 1>::new();
    /// let (r, w) = table.stream_new(ValueType::U32).unwrap();
    /// table.stream_drop_writable(w).unwrap();
    /// let CopyStatusOf::Done(done) = table.stream_read(r, 1).unwrap() else { unreachable!() };
    /// assert_eq!(done.result, CopyResult::Dropped);
    /// ```
    pub fn stream_drop_writable(&self, handle: u32) -> Result<(), ComponentError> {
        self.drop_end(handle, HandleKind::WritableStream)
    }

    fn drop_end(&self, handle: u32, expected: HandleKind) -> Result<(), ComponentError> {
        let inner = self.lock();
        let (pair, side) = inner.end(handle, expected)?;
        self.with_pair(inner, pair, |inner| {
            inner.state(pair).drop_checked(side, handle, expected)?;
            inner.remove(handle);
            Ok(())
        })
    }

    /// Delivers the completion of the copy in progress on `handle` if it
    /// finished, without waiting: `Ok(None)` while it goes on.
    ///
    /// # Errors
    /// `InvalidHandle`, `NotWaitable` (a set), `NotCopying`,
    /// `InWaitableSet`.
    ///
    /// ```
    /// use wrt_async_core::component_model::{BoundedComponentTable, ValueType};
    ///
    /// let table = BoundedComponentTable::<4, 1, 1>::new();
    /// let (r, _w) = table.future_new(ValueType::U32).unwrap();
    /// table.future_read(r).unwrap();
    /// assert_eq!(table.copy_done_now(r), Ok(None));
    /// ```
    pub fn copy_done_now(
        &self,
        handle: u32,
    ) -> Result<Option<BoundedCopyDone<BUF>>, ComponentError> {
        let inner = self.lock();
        let end = inner.any_end(handle)?;
        self.done_now(inner, end, handle)
    }

    /// [`copy_done_now`](Self::copy_done_now) on the end `(pair, side)`
    /// that `handle` was looked up as.
    fn done_now(
        &self,
        inner: SpinMutexGuard<'_, Inner<HANDLES, PAIRS, BUF>>,
        (pair, side): (usize, Side),
        handle: u32,
    ) -> Result<Option<BoundedCopyDone<BUF>>, ComponentError> {
        self.with_pair(inner, pair, |inner| {
            let state = inner.state(pair);
            if state.end(side).set.is_some() {
                return Err(ComponentError::InWaitableSet { handle });
            }
            state.copy_done_now(side, handle)
        })
    }

    /// Polls for the completion of the copy in progress on `handle`; the
    /// task is woken when it finishes, from whatever thread finishes it.
    ///
    /// # Errors
    /// As [`copy_done_now`](Self::copy_done_now).
    ///
    /// ```
    /// use core::task::{Context, Waker};
    /// use wrt_async_core::component_model::{BoundedComponentTable, ValueType};
    ///
    /// let table = BoundedComponentTable::<4, 1, 1>::new();
    /// let (r, _w) = table.future_new(ValueType::U32).unwrap();
    /// table.future_read(r).unwrap();
    /// let mut cx = Context::from_waker(Waker::noop());
    /// assert!(table.poll_copy_done(r, &mut cx).is_pending());
    /// ```
    pub fn poll_copy_done(
        &self,
        handle: u32,
        cx: &mut Context<'_>,
    ) -> Poll<Result<BoundedCopyDone<BUF>, ComponentError>> {
        // Register first (outside the lock: cloning a waker is foreign
        // code), check second: a completion in between wakes the waker. The
        // waker slot belongs to the pair slot and side, so if the handle was
        // dropped and reused meanwhile by another end, start over.
        loop {
            let end = match self.lock().any_end(handle) {
                Ok(end) => end,
                Err(e) => return Poll::Ready(Err(e)),
            };
            self.end_waker(end.0, end.1).register(cx.waker());
            let inner = self.lock();
            match inner.any_end(handle) {
                Ok(now) if now == end => {}
                Ok(_) => continue,
                Err(e) => return Poll::Ready(Err(e)),
            }
            return match self.done_now(inner, end, handle) {
                Ok(Some(done)) => Poll::Ready(Ok(done)),
                Ok(None) => Poll::Pending,
                Err(e) => Poll::Ready(Err(e)),
            };
        }
    }

    /// Waits for the completion of the copy in progress on `handle` (an end
    /// not in a waitable set).
    ///
    /// # Errors
    /// As [`copy_done_now`](Self::copy_done_now).
    ///
    /// ```
    /// use wrt_async_core::component_model::{BoundedComponentTable, ComponentValue, CopyResult, ValueType};
    ///
    /// let table = BoundedComponentTable::<4, 1, 1>::new();
    /// let (r, w) = table.future_new(ValueType::U32).unwrap();
    /// table.future_write(w, ComponentValue::U32(8)).unwrap(); // no reader yet
    /// table.future_read(r).unwrap(); // completes the write too
    /// let write = wrt_async_core::with_async(table.copy_done(w)).unwrap();
    /// assert_eq!(write.unwrap().result, CopyResult::Completed);
    /// ```
    pub fn copy_done(&self, handle: u32) -> BoundedCopyDoneFuture<'_, HANDLES, PAIRS, BUF> {
        BoundedCopyDoneFuture {
            table: self,
            handle,
        }
    }
}

/// Future of [`BoundedComponentTable::copy_done`]: the completion of a copy.
///
/// ```
/// use wrt_async_core::component_model::{BoundedComponentTable, ValueType};
///
/// let table = BoundedComponentTable::<4, 1, 1>::new();
/// let (r, _w) = table.future_new(ValueType::U32).unwrap();
/// table.future_read(r).unwrap();
/// let _pending = table.copy_done(r); // resolves once a write arrives
/// ```
#[must_use = "futures do nothing unless polled"]
#[derive(Debug)]
pub struct BoundedCopyDoneFuture<'t, const HANDLES: usize, const PAIRS: usize, const BUF: usize> {
    table: &'t BoundedComponentTable<HANDLES, PAIRS, BUF>,
    handle: u32,
}

impl<const HANDLES: usize, const PAIRS: usize, const BUF: usize> Future
    for BoundedCopyDoneFuture<'_, HANDLES, PAIRS, BUF>
{
    type Output = Result<BoundedCopyDone<BUF>, ComponentError>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        self.table.poll_copy_done(self.handle, cx)
    }
}
