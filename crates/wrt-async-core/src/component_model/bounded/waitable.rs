//! Waitable sets of a bounded table: `waitable-set.{new,wait,poll,drop}`
//! and `waitable.join`.
//!
//! A set stores no member list: an end remembers its set, and a poll scans
//! the table's ends (at most `HANDLES`) round-robin from after the last
//! delivered one. One waker slot per set, so one waiter at a time.

use core::fmt;
use core::future::Future;
use core::pin::Pin;
use core::task::{Context, Poll};

use super::super::error::ComponentError;
use super::super::event::{EventCode, EventOf};
use super::BoundedEvent;
use super::table::{BoundedComponentTable, Inner, Slot, Wakeup};

impl<const HANDLES: usize, const PAIRS: usize, const BUF: usize>
    BoundedComponentTable<HANDLES, PAIRS, BUF>
{
    /// `waitable-set.new`: a new, empty waitable set.
    ///
    /// # Errors
    /// [`ComponentError::TableFull`].
    ///
    /// ```
    /// use wrt_async_core::component_model::{BoundedComponentTable, ComponentError};
    ///
    /// let table = BoundedComponentTable::<1, 1, 1>::new();
    /// let set = table.waitable_set_new().unwrap();
    /// assert_eq!(table.waitable_set_poll(set), Ok(None));
    /// assert_eq!(table.waitable_set_new(), Err(ComponentError::TableFull));
    /// ```
    pub fn waitable_set_new(&self) -> Result<u32, ComponentError> {
        self.lock().add(Slot::Set {
            waiting: false,
            cursor: 0,
        })
    }

    /// `waitable.join`: moves the future or stream end `waitable` into `set`
    /// (from the set it was in, if any), or out of any set with `None`. A
    /// completion already pending is delivered by the new set.
    ///
    /// # Errors
    /// `InvalidHandle`, `NotWaitable` (`waitable` is a set),
    /// `WrongHandleKind` (`set` is not a set).
    ///
    /// ```
    /// use wrt_async_core::component_model::{BoundedComponentTable, ValueType};
    ///
    /// let table = BoundedComponentTable::<4, 1, 1>::new();
    /// let (r, _w) = table.future_new(ValueType::U32).unwrap();
    /// let set = table.waitable_set_new().unwrap();
    /// table.waitable_join(r, Some(set)).unwrap();
    /// table.waitable_join(r, None).unwrap();
    /// table.waitable_set_drop(set).unwrap();
    /// ```
    pub fn waitable_join(&self, waitable: u32, set: Option<u32>) -> Result<(), ComponentError> {
        let mut inner = self.lock();
        let (pair, side) = inner.any_end(waitable)?;
        if let Some(set) = set {
            inner.set_mut(set)?;
        }
        let state = inner.state(pair);
        state.end_mut(side).set = set;
        let has_event = state.has_event(side);
        drop(inner);
        if let Some(waker) = set.and_then(|set| self.set_waker(set)) {
            if has_event {
                waker.wake();
            }
            // A task waiting on the end directly learns that its events go
            // to the set now.
            self.end_waker(pair, side).wake();
        }
        Ok(())
    }

    /// `waitable-set.poll`: delivers one pending event of a member of `set`,
    /// or `None` (the spec's `EventCode::NONE`) without blocking. Members
    /// are searched round-robin, so a busy one cannot starve the others.
    ///
    /// # Errors
    /// `InvalidHandle`, `WrongHandleKind`.
    ///
    /// ```
    /// use wrt_async_core::component_model::{BoundedComponentTable, ComponentValue, EventCode, ValueType};
    ///
    /// let table = BoundedComponentTable::<4, 1, 1>::new();
    /// let (r, w) = table.future_new(ValueType::U32).unwrap();
    /// let set = table.waitable_set_new().unwrap();
    /// table.waitable_join(r, Some(set)).unwrap();
    /// table.future_read(r).unwrap();
    /// assert_eq!(table.waitable_set_poll(set), Ok(None));
    /// table.future_write(w, ComponentValue::U32(4)).unwrap();
    /// let event = table.waitable_set_poll(set).unwrap().unwrap();
    /// assert_eq!((event.code, event.handle), (EventCode::FutureRead, r));
    /// assert_eq!(event.done.values, [ComponentValue::U32(4)]);
    /// ```
    pub fn waitable_set_poll(&self, set: u32) -> Result<Option<BoundedEvent<BUF>>, ComponentError> {
        let mut inner = self.lock();
        let (event, wakeup) = take_set_event(&mut inner, set)?;
        drop(inner);
        self.wake(wakeup);
        Ok(event)
    }

    /// `waitable-set.wait`: waits until a member of `set` has an event and
    /// delivers it, woken from whatever thread finishes the copy.
    ///
    /// One task at a time may wait on a set: a second one gets
    /// `WaitableSetHasWaiters`. While a task waits, the set cannot be
    /// dropped.
    ///
    /// # Errors
    /// `InvalidHandle`, `WrongHandleKind`, `WaitableSetHasWaiters`.
    ///
    /// ```
    /// use wrt_async_core::component_model::{BoundedComponentTable, ComponentValue, EventCode, ValueType};
    ///
    /// let table = BoundedComponentTable::<4, 1, 1>::new();
    /// let (r, w) = table.future_new(ValueType::U32).unwrap();
    /// let set = table.waitable_set_new().unwrap();
    /// table.waitable_join(w, Some(set)).unwrap();
    /// table.future_write(w, ComponentValue::U32(1)).unwrap();
    /// table.future_read(r).unwrap();
    /// let event = wrt_async_core::with_async(table.waitable_set_wait(set)).unwrap().unwrap();
    /// assert_eq!((event.code, event.handle), (EventCode::FutureWrite, w));
    /// ```
    pub fn waitable_set_wait(&self, set: u32) -> BoundedSetWait<'_, HANDLES, PAIRS, BUF> {
        BoundedSetWait {
            table: self,
            set,
            waiting: false,
            finished: false,
        }
    }

    /// `waitable-set.drop`: removes an empty waitable set nobody waits on.
    ///
    /// # Errors
    /// `InvalidHandle`, `WrongHandleKind`, `WaitableSetNotEmpty`,
    /// `WaitableSetHasWaiters`.
    ///
    /// ```
    /// use wrt_async_core::component_model::{BoundedComponentTable, ComponentError, ValueType};
    ///
    /// let table = BoundedComponentTable::<4, 1, 1>::new();
    /// let (r, _w) = table.future_new(ValueType::U32).unwrap();
    /// let set = table.waitable_set_new().unwrap();
    /// table.waitable_join(r, Some(set)).unwrap();
    /// assert_eq!(
    ///     table.waitable_set_drop(set),
    ///     Err(ComponentError::WaitableSetNotEmpty { handle: set })
    /// );
    /// ```
    pub fn waitable_set_drop(&self, set: u32) -> Result<(), ComponentError> {
        let mut inner = self.lock();
        let waiting = *inner.set_mut(set)?.0;
        if members(&inner, set).next().is_some() {
            return Err(ComponentError::WaitableSetNotEmpty { handle: set });
        }
        if waiting {
            return Err(ComponentError::WaitableSetHasWaiters { handle: set });
        }
        inner.remove(set);
        Ok(())
    }
}

/// The members of `set`: the slot indices of the ends joined to it.
fn members<const HANDLES: usize, const PAIRS: usize, const BUF: usize>(
    inner: &Inner<HANDLES, PAIRS, BUF>,
    set: u32,
) -> impl Iterator<Item = usize> + '_ {
    (0..inner.used).filter(move |&i| match inner.slots[i] {
        Slot::End { pair, side } => inner.pair(pair).state.end(side).set == Some(set),
        _ => false,
    })
}

/// Delivers one pending event of `set`'s members, searching round-robin
/// from the index after the last event's.
fn take_set_event<const HANDLES: usize, const PAIRS: usize, const BUF: usize>(
    inner: &mut Inner<HANDLES, PAIRS, BUF>,
    set: u32,
) -> Result<(Option<BoundedEvent<BUF>>, Wakeup), ComponentError> {
    let cursor = *inner.set_mut(set)?.1;
    let n = inner.used.max(1);
    let start = cursor % n;
    let found = members(inner, set)
        .filter(|&i| match inner.slots[i] {
            Slot::End { pair, side } => inner.pair(pair).state.has_event(side),
            _ => false,
        })
        .min_by_key(|&i| (i + n - start) % n);
    let Some(i) = found else {
        return Ok((None, Wakeup::NONE));
    };
    let Slot::End { pair, side } = inner.slots[i] else {
        return Ok((None, Wakeup::NONE));
    };
    let state = inner.state(pair);
    let code = EventCode::of_end(state.kind, side);
    let Some(done) = state.take_event(side) else {
        return Ok((None, Wakeup::NONE));
    };
    *inner.set_mut(set)?.1 = i + 1;
    let wakeup = inner.settle(pair);
    // Slot `i` is handle `i + 1`; `add` keeps handles in `u32`.
    let handle = u32::try_from(i + 1).map_err(|_| ComponentError::TableFull)?;
    Ok((Some(EventOf { code, handle, done }), wakeup))
}

/// Future of [`BoundedComponentTable::waitable_set_wait`]: the next event of
/// a waitable set. Polling it after it returned returns `Pending`.
///
/// ```
/// use wrt_async_core::component_model::BoundedComponentTable;
///
/// let table = BoundedComponentTable::<4, 1, 1>::new();
/// let set = table.waitable_set_new().unwrap();
/// let _wait = table.waitable_set_wait(set); // resolves on the next event
/// ```
#[must_use = "futures do nothing unless polled"]
pub struct BoundedSetWait<'t, const HANDLES: usize, const PAIRS: usize, const BUF: usize> {
    table: &'t BoundedComponentTable<HANDLES, PAIRS, BUF>,
    set: u32,
    /// This future holds the set's one waiter place.
    waiting: bool,
    finished: bool,
}

impl<const HANDLES: usize, const PAIRS: usize, const BUF: usize>
    BoundedSetWait<'_, HANDLES, PAIRS, BUF>
{
    /// Gives the waiter place back (the lock is held by the caller).
    fn leave(&mut self, inner: &mut Inner<HANDLES, PAIRS, BUF>) {
        if core::mem::take(&mut self.waiting) {
            if let Ok((waiting, _)) = inner.set_mut(self.set) {
                *waiting = false;
            }
        }
    }

    fn finish<T>(
        &mut self,
        inner: &mut Inner<HANDLES, PAIRS, BUF>,
        out: Result<T, ComponentError>,
    ) -> Poll<Result<T, ComponentError>> {
        self.finished = true;
        self.leave(inner);
        Poll::Ready(out)
    }
}

impl<const HANDLES: usize, const PAIRS: usize, const BUF: usize> Future
    for BoundedSetWait<'_, HANDLES, PAIRS, BUF>
{
    type Output = Result<BoundedEvent<BUF>, ComponentError>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        if self.finished {
            return Poll::Pending;
        }
        let table = self.table;
        let set = self.set;
        if !self.waiting {
            // Claim the set's waker slot before registering into it, so a
            // second waiter cannot overwrite the first one's waker.
            let mut inner = table.lock();
            match inner.set_mut(set) {
                Ok((waiting, _)) if !*waiting => *waiting = true,
                Ok(_) => {
                    let busy = Err(ComponentError::WaitableSetHasWaiters { handle: set });
                    return self.finish(&mut inner, busy);
                }
                Err(e) => return self.finish(&mut inner, Err(e)),
            }
            self.waiting = true;
        }
        // Register first (outside the lock), then look for an event: a
        // completion after the look wakes the registered waker.
        if let Some(waker) = table.set_waker(set) {
            waker.register(cx.waker());
        }
        let mut inner = table.lock();
        match take_set_event(&mut inner, set) {
            Ok((Some(event), wakeup)) => {
                let ready = self.finish(&mut inner, Ok(event));
                drop(inner);
                table.wake(wakeup);
                ready
            }
            Ok((None, _)) => Poll::Pending,
            Err(e) => self.finish(&mut inner, Err(e)),
        }
    }
}

impl<const HANDLES: usize, const PAIRS: usize, const BUF: usize> Drop
    for BoundedSetWait<'_, HANDLES, PAIRS, BUF>
{
    fn drop(&mut self) {
        if self.waiting {
            let table = self.table;
            self.leave(&mut table.lock());
        }
    }
}

impl<const HANDLES: usize, const PAIRS: usize, const BUF: usize> fmt::Debug
    for BoundedSetWait<'_, HANDLES, PAIRS, BUF>
{
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("BoundedSetWait")
            .field("set", &self.set)
            .field("finished", &self.finished)
            .finish_non_exhaustive()
    }
}
