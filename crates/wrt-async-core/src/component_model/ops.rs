//! The copy built-ins on table handles: `{future,stream}.{read,write}`,
//! `.cancel-{read,write}`, `.drop-{readable,writable}`, collecting a copy's
//! completion without a waitable set, and moving readable ends between
//! tables (the spec's lifting and lowering of `future` / `stream` values).

use alloc::vec::Vec;
use core::future::Future;
use core::pin::Pin;
use core::task::{Context, Poll};

use super::copy::{CopyDone, CopyStatus};
use super::error::ComponentError;
use super::host::HostEnd;
use super::pair::{Buffer, Side};
use super::table::{ComponentTable, EndEntry, Entry, HandleKind};
use super::value::{ComponentValue, ValueType};

impl ComponentTable {
    /// `future.read`: starts reading the one value of the future whose
    /// readable end is `handle`.
    ///
    /// Returns [`CopyStatus::Done`] if the writer was already waiting (the
    /// value is in [`CopyDone::values`]), else [`CopyStatus::Blocked`]: the
    /// completion comes as a `FUTURE_READ` event.
    ///
    /// # Errors
    /// `InvalidHandle`, `WrongHandleKind`, `CopyInProgress`, `AlreadyDone`.
    ///
    /// ```
    /// use wrt_async_core::component_model::{ComponentTable, CopyStatus, ValueType};
    ///
    /// let table = ComponentTable::new();
    /// let (r, _w) = table.future_new(ValueType::U32).unwrap();
    /// assert_eq!(table.future_read(r), Ok(CopyStatus::Blocked));
    /// ```
    pub fn future_read(&self, handle: u32) -> Result<CopyStatus, ComponentError> {
        self.copy(handle, HandleKind::ReadableFuture, |_| Buffer::read(1))
    }

    /// `future.write`: starts writing `value`, the future's one value.
    ///
    /// `COMPLETED` means the reader received it; `DROPPED` that the readable
    /// end was dropped first (the value comes back in
    /// [`CopyDone::values`]). Either way the end is then done: a second
    /// write is an error.
    ///
    /// # Errors
    /// `InvalidHandle`, `WrongHandleKind`, `CopyInProgress`, `AlreadyDone`,
    /// `TypeMismatch`.
    ///
    /// ```
    /// use wrt_async_core::component_model::{ComponentError, ComponentTable, ComponentValue, ValueType};
    ///
    /// let table = ComponentTable::new();
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
    ) -> Result<CopyStatus, ComponentError> {
        self.copy(handle, HandleKind::WritableFuture, |ty| {
            Buffer::write([value], ty)
        })
    }

    /// `stream.read`: starts reading up to `n` elements.
    ///
    /// Completes at once if a write is waiting (with as many elements as
    /// both buffers allow), else the completion comes as a `STREAM_READ`
    /// event, after the first write copied into the buffer. `n == 0` is a
    /// readiness probe: it completes (with 0 elements) once a writer waits.
    ///
    /// # Errors
    /// `InvalidHandle`, `WrongHandleKind`, `CopyInProgress`, `AlreadyDone`,
    /// `BufferTooLong`.
    ///
    /// ```
    /// use wrt_async_core::component_model::{ComponentTable, CopyStatus, ValueType};
    ///
    /// let table = ComponentTable::new();
    /// let (r, _w) = table.stream_new(ValueType::U32).unwrap();
    /// assert_eq!(table.stream_read(r, 16), Ok(CopyStatus::Blocked));
    /// ```
    pub fn stream_read(&self, handle: u32, n: usize) -> Result<CopyStatus, ComponentError> {
        self.copy(handle, HandleKind::ReadableStream, |_| Buffer::read(n))
    }

    /// `stream.write`: starts writing `values`.
    ///
    /// The write stays in progress until readers consumed some of it (it
    /// then completes with their count; the rest comes back in
    /// [`CopyDone::values`]) or the readable end is dropped (`DROPPED`). An
    /// empty `values` is a readiness probe.
    ///
    /// # Errors
    /// `InvalidHandle`, `WrongHandleKind`, `CopyInProgress`, `AlreadyDone`,
    /// `BufferTooLong`, `TypeMismatch`.
    ///
    /// ```
    /// use wrt_async_core::component_model::{ComponentTable, ComponentValue, CopyStatus, ValueType};
    ///
    /// let table = ComponentTable::new();
    /// let (_r, w) = table.stream_new(ValueType::U32).unwrap();
    /// let status = table.stream_write(w, vec![ComponentValue::U32(1)]).unwrap();
    /// assert_eq!(status, CopyStatus::Blocked, "no reader yet: backpressure");
    /// ```
    pub fn stream_write(
        &self,
        handle: u32,
        values: Vec<ComponentValue>,
    ) -> Result<CopyStatus, ComponentError> {
        self.copy(handle, HandleKind::WritableStream, |ty| {
            Buffer::write(values, ty)
        })
    }

    fn copy(
        &self,
        handle: u32,
        expected: HandleKind,
        buffer: impl FnOnce(ValueType) -> Result<Buffer, ComponentError>,
    ) -> Result<CopyStatus, ComponentError> {
        let entries = self.lock();
        let end = entries.end(handle, expected)?;
        let (side, ty) = (end.side, end.pair.ty);
        let (status, wakeup) = end
            .pair
            .with(|state| state.copy(side, handle, || buffer(ty)));
        drop(entries);
        wakeup.run();
        status.map(|status| status.map_values(Vec::from))
    }

    /// `future.cancel-read`: cancels the read in progress on `handle`.
    ///
    /// Returns the read's completion: `CANCELLED`, or the result it had
    /// reached already (then the value is there). Cancellation between two
    /// ends of this crate always finishes at once, so this never returns
    /// [`CopyStatus::Blocked`] in practice; the type keeps the spec's
    /// contract.
    ///
    /// # Errors
    /// `InvalidHandle`, `WrongHandleKind`, `NotCopying`.
    ///
    /// ```
    /// use wrt_async_core::component_model::{ComponentTable, CopyResult, CopyStatus, ValueType};
    ///
    /// let table = ComponentTable::new();
    /// let (r, _w) = table.future_new(ValueType::U32).unwrap();
    /// table.future_read(r).unwrap();
    /// let CopyStatus::Done(done) = table.future_cancel_read(r).unwrap() else { unreachable!() };
    /// assert_eq!(done.result, CopyResult::Cancelled);
    /// ```
    pub fn future_cancel_read(&self, handle: u32) -> Result<CopyStatus, ComponentError> {
        self.cancel(handle, HandleKind::ReadableFuture)
    }

    /// `future.cancel-write`: cancels the write in progress on `handle`; a
    /// `CANCELLED` write hands the value back and leaves the end idle (it
    /// must still write before it may be dropped).
    ///
    /// # Errors
    /// `InvalidHandle`, `WrongHandleKind`, `NotCopying`.
    ///
    /// ```
    /// use wrt_async_core::component_model::{ComponentTable, ComponentValue, CopyStatus, ValueType};
    ///
    /// let table = ComponentTable::new();
    /// let (_r, w) = table.future_new(ValueType::U32).unwrap();
    /// table.future_write(w, ComponentValue::U32(3)).unwrap();
    /// let CopyStatus::Done(done) = table.future_cancel_write(w).unwrap() else { unreachable!() };
    /// assert_eq!(done.values, [ComponentValue::U32(3)]);
    /// ```
    pub fn future_cancel_write(&self, handle: u32) -> Result<CopyStatus, ComponentError> {
        self.cancel(handle, HandleKind::WritableFuture)
    }

    /// `stream.cancel-read`: cancels the read in progress on `handle`.
    /// Elements already copied are kept: the result is then `COMPLETED` with
    /// their count, not `CANCELLED`.
    ///
    /// # Errors
    /// `InvalidHandle`, `WrongHandleKind`, `NotCopying`.
    ///
    /// ```
    /// use wrt_async_core::component_model::{ComponentTable, CopyResult, CopyStatus, ValueType};
    ///
    /// let table = ComponentTable::new();
    /// let (r, _w) = table.stream_new(ValueType::U32).unwrap();
    /// table.stream_read(r, 4).unwrap();
    /// let CopyStatus::Done(done) = table.stream_cancel_read(r).unwrap() else { unreachable!() };
    /// assert_eq!((done.result, done.progress), (CopyResult::Cancelled, 0));
    /// ```
    pub fn stream_cancel_read(&self, handle: u32) -> Result<CopyStatus, ComponentError> {
        self.cancel(handle, HandleKind::ReadableStream)
    }

    /// `stream.cancel-write`: cancels the write in progress on `handle`; the
    /// elements not consumed come back in [`CopyDone::values`].
    ///
    /// # Errors
    /// `InvalidHandle`, `WrongHandleKind`, `NotCopying`.
    ///
    /// ```
    /// use wrt_async_core::component_model::{ComponentTable, ComponentValue, CopyStatus, ValueType};
    ///
    /// let table = ComponentTable::new();
    /// let (_r, w) = table.stream_new(ValueType::U32).unwrap();
    /// table.stream_write(w, vec![ComponentValue::U32(1)]).unwrap();
    /// let CopyStatus::Done(done) = table.stream_cancel_write(w).unwrap() else { unreachable!() };
    /// assert_eq!(done.values, [ComponentValue::U32(1)]);
    /// ```
    pub fn stream_cancel_write(&self, handle: u32) -> Result<CopyStatus, ComponentError> {
        self.cancel(handle, HandleKind::WritableStream)
    }

    fn cancel(&self, handle: u32, expected: HandleKind) -> Result<CopyStatus, ComponentError> {
        let entries = self.lock();
        let end = entries.end(handle, expected)?;
        let side = end.side;
        let (status, wakeup) = end.pair.with(|state| state.cancel_checked(side, handle));
        drop(entries);
        wakeup.run();
        status.map(|status| status.map_values(Vec::from))
    }

    /// `future.drop-readable`: drops the readable end. A writer waiting (or
    /// writing later) completes with `DROPPED`.
    ///
    /// # Errors
    /// `InvalidHandle`, `WrongHandleKind`, `DropWhileCopying`.
    ///
    /// ```
    /// use wrt_async_core::component_model::{ComponentTable, ValueType};
    ///
    /// let table = ComponentTable::new();
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
    /// use wrt_async_core::component_model::{ComponentTable, ComponentValue, ValueType};
    ///
    /// let table = ComponentTable::new();
    /// let (r, w) = table.future_new(ValueType::U32).unwrap();
    /// table.future_drop_readable(r).unwrap();
    /// table.future_write(w, ComponentValue::U32(1)).unwrap(); // DROPPED: now done
    /// table.future_drop_writable(w).unwrap();
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
    /// use wrt_async_core::component_model::{ComponentTable, ValueType};
    ///
    /// let table = ComponentTable::new();
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
    /// use wrt_async_core::component_model::{ComponentTable, CopyResult, CopyStatus, ValueType};
    ///
    /// let table = ComponentTable::new();
    /// let (r, w) = table.stream_new(ValueType::U32).unwrap();
    /// table.stream_drop_writable(w).unwrap();
    /// let CopyStatus::Done(done) = table.stream_read(r, 1).unwrap() else { unreachable!() };
    /// assert_eq!(done.result, CopyResult::Dropped);
    /// ```
    pub fn stream_drop_writable(&self, handle: u32) -> Result<(), ComponentError> {
        self.drop_end(handle, HandleKind::WritableStream)
    }

    fn drop_end(&self, handle: u32, expected: HandleKind) -> Result<(), ComponentError> {
        let mut entries = self.lock();
        let end = entries.end(handle, expected)?;
        let (pair, side, set) = (end.pair.clone(), end.side, end.set);
        let (released, wakeup) = pair.with(|state| state.drop_checked(side, handle, expected));
        if released.is_ok() {
            entries.remove(handle);
            if let Some(set) = set.and_then(|set| entries.set_mut(set).ok()) {
                set.members.retain(|&member| member != handle);
            }
        }
        drop(entries);
        wakeup.run();
        // The set membership (if any) is released after every lock.
        released.map(drop)
    }

    /// Delivers the completion of the copy in progress on `handle` if it
    /// finished, without waiting: `Ok(None)` while it goes on.
    ///
    /// This is the host's way to collect a completion when the end is not
    /// in a waitable set (ends in a set deliver through the set).
    ///
    /// # Errors
    /// `InvalidHandle`, `NotWaitable` (a set), `NotCopying`,
    /// `InWaitableSet`.
    ///
    /// ```
    /// use wrt_async_core::component_model::{ComponentTable, ValueType};
    ///
    /// let table = ComponentTable::new();
    /// let (r, _w) = table.future_new(ValueType::U32).unwrap();
    /// table.future_read(r).unwrap();
    /// assert_eq!(table.copy_done_now(r), Ok(None));
    /// ```
    pub fn copy_done_now(&self, handle: u32) -> Result<Option<CopyDone>, ComponentError> {
        let entries = self.lock();
        let end = entries_get(&entries, handle)?;
        if end.set.is_some() {
            return Err(ComponentError::InWaitableSet { handle });
        }
        let side = end.side;
        let (done, wakeup) = end.pair.with(|state| state.copy_done_now(side, handle));
        drop(entries);
        wakeup.run();
        done.map(|done| done.map(|done| done.map_values(Vec::from)))
    }

    /// Polls for the completion of the copy in progress on `handle`: the
    /// task is woken when it finishes, from whatever thread or executor
    /// finishes it. See [`copy_done`](Self::copy_done).
    ///
    /// # Errors
    /// As [`copy_done_now`](Self::copy_done_now).
    ///
    /// ```
    /// use core::task::{Context, Poll, Waker};
    /// use wrt_async_core::component_model::{ComponentTable, ValueType};
    ///
    /// let table = ComponentTable::new();
    /// let (r, _w) = table.future_new(ValueType::U32).unwrap();
    /// table.future_read(r).unwrap();
    /// let mut cx = Context::from_waker(Waker::noop());
    /// assert!(table.poll_copy_done(r, &mut cx).is_pending());
    /// ```
    pub fn poll_copy_done(
        &self,
        handle: u32,
        cx: &mut Context<'_>,
    ) -> Poll<Result<CopyDone, ComponentError>> {
        loop {
            // Register first (outside the locks: cloning a waker is foreign
            // code), check second: a completion in between wakes the waker.
            let pair = {
                let entries = self.lock();
                match entries_get(&entries, handle) {
                    Ok(end) => (end.pair.clone(), end.side),
                    Err(e) => return Poll::Ready(Err(e)),
                }
            };
            pair.0.register(pair.1, cx.waker());
            let entries = self.lock();
            let end = match entries_get(&entries, handle) {
                Ok(end) => end,
                Err(e) => return Poll::Ready(Err(e)),
            };
            if !alloc::sync::Arc::ptr_eq(&end.pair, &pair.0) || end.side != pair.1 {
                // The handle was dropped and reused meanwhile: start over.
                continue;
            }
            drop(entries);
            return match self.copy_done_now(handle) {
                Ok(Some(done)) => Poll::Ready(Ok(done)),
                Ok(None) => Poll::Pending,
                Err(e) => Poll::Ready(Err(e)),
            };
        }
    }

    /// Waits for the completion of the copy in progress on `handle` (an
    /// end not in a waitable set).
    ///
    /// # Errors
    /// As [`copy_done_now`](Self::copy_done_now).
    ///
    /// ```
    /// use wrt_async_core::component_model::{ComponentTable, ComponentValue, CopyResult, ValueType};
    ///
    /// let table = ComponentTable::new();
    /// let (r, w) = table.future_new(ValueType::U32).unwrap();
    /// table.future_write(w, ComponentValue::U32(8)).unwrap(); // no reader yet
    /// table.future_read(r).unwrap(); // completes the write too
    /// let write = wrt_async_core::with_async(table.copy_done(w)).unwrap();
    /// assert_eq!(write.unwrap().result, CopyResult::Completed);
    /// ```
    pub fn copy_done(&self, handle: u32) -> CopyDoneFuture<'_> {
        CopyDoneFuture {
            table: self,
            handle,
        }
    }

    /// Moves the readable end of a future from this table to `to` (the
    /// spec's lifting of a `future<T>` value out of one component instance
    /// and lowering it into another); returns its index in `to`.
    ///
    /// The end must be idle and not in a waitable set. Writable ends never
    /// move: they stay with the instance that created them.
    ///
    /// # Errors
    /// `InvalidHandle`, `WrongHandleKind`, `CopyInProgress`, `AlreadyDone`,
    /// `InWaitableSet`; `TableFull` from `to` (the end is then dropped, as
    /// the trap would have destroyed it).
    ///
    /// ```
    /// use wrt_async_core::component_model::{ComponentTable, HandleKind, ValueType};
    ///
    /// let (a, b) = (ComponentTable::new(), ComponentTable::new());
    /// let (r, _w) = a.future_new(ValueType::U32).unwrap();
    /// let moved = a.transfer_future(r, &b).unwrap();
    /// assert_eq!(b.handle_kind(moved), Ok(HandleKind::ReadableFuture));
    /// assert!(a.handle_kind(r).is_err());
    /// ```
    pub fn transfer_future(&self, handle: u32, to: &ComponentTable) -> Result<u32, ComponentError> {
        let end = self.lift(handle, HandleKind::ReadableFuture, None)?;
        to.lower(end)
    }

    /// Moves the readable end of a stream from this table to `to`; see
    /// [`transfer_future`](Self::transfer_future).
    ///
    /// # Errors
    /// As [`transfer_future`](Self::transfer_future).
    ///
    /// ```
    /// use wrt_async_core::component_model::{ComponentTable, HandleKind, ValueType};
    ///
    /// let (a, b) = (ComponentTable::new(), ComponentTable::new());
    /// let (r, _w) = a.stream_new(ValueType::U32).unwrap();
    /// let moved = a.transfer_stream(r, &b).unwrap();
    /// assert_eq!(b.handle_kind(moved), Ok(HandleKind::ReadableStream));
    /// ```
    pub fn transfer_stream(&self, handle: u32, to: &ComponentTable) -> Result<u32, ComponentError> {
        let end = self.lift(handle, HandleKind::ReadableStream, None)?;
        to.lower(end)
    }

    /// Takes the readable end at `handle` out of the table (the spec's
    /// `lift_async_value`): it must be of kind `expected`, of element type
    /// `ty` (if given), idle and not in a waitable set.
    pub(crate) fn lift(
        &self,
        handle: u32,
        expected: HandleKind,
        ty: Option<ValueType>,
    ) -> Result<HostEnd, ComponentError> {
        let mut entries = self.lock();
        let end = entries.end(handle, expected)?;
        if let Some(ty) = ty.filter(|&ty| ty != end.pair.ty) {
            return Err(ComponentError::TypeMismatch {
                expected: ty,
                found: end.pair.ty,
            });
        }
        let side = end.side;
        let (idle, wakeup) = end.pair.with(|state| state.check_idle(side, handle));
        idle?;
        // `with` without state changes collects no wake-ups.
        drop(wakeup);
        if end.set.is_some() {
            return Err(ComponentError::InWaitableSet { handle });
        }
        match entries.remove(handle) {
            Some(Entry::End(end)) => Ok(HostEnd::new(end.pair, end.side)),
            _ => Err(ComponentError::InvalidHandle { handle }),
        }
    }

    /// Puts a host-owned readable end into the table (the spec's
    /// `lower_{future,stream}`).
    pub(crate) fn lower(&self, end: HostEnd) -> Result<u32, ComponentError> {
        if end.side() != Side::Readable {
            return Err(ComponentError::WrongHandleKind {
                handle: 0,
                expected: HandleKind::of_end(end.kind(), Side::Readable),
                found: HandleKind::of_end(end.kind(), end.side()),
            });
        }
        end.check_idle()?;
        let mut entries = self.lock();
        // Dropping `end` on failure (after the lock) drops the readable end.
        let (pair, side) = end.into_parts();
        match entries.add(Entry::End(EndEntry {
            pair: pair.clone(),
            side,
            set: None,
        })) {
            Ok(handle) => Ok(handle),
            Err(e) => {
                drop(entries);
                drop(HostEnd::new(pair, side));
                Err(e)
            }
        }
    }
}

/// The end at `handle`, whatever its kind.
fn entries_get(entries: &super::table::Entries, handle: u32) -> Result<&EndEntry, ComponentError> {
    match entries.get(handle)? {
        Entry::End(end) => Ok(end),
        Entry::Set(_) => Err(ComponentError::NotWaitable { handle }),
    }
}

/// Future of [`ComponentTable::copy_done`]: the completion of a copy.
///
/// ```
/// use wrt_async_core::component_model::{ComponentTable, ValueType};
///
/// let table = ComponentTable::new();
/// let (r, _w) = table.future_new(ValueType::U32).unwrap();
/// table.future_read(r).unwrap();
/// let _pending = table.copy_done(r); // resolves once a write arrives
/// ```
#[must_use = "futures do nothing unless polled"]
#[derive(Debug)]
pub struct CopyDoneFuture<'a> {
    table: &'a ComponentTable,
    handle: u32,
}

impl Future for CopyDoneFuture<'_> {
    type Output = Result<CopyDone, ComponentError>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        self.table.poll_copy_done(self.handle, cx)
    }
}
