//! Waitable sets: `waitable-set.{new,wait,poll,drop}`, `waitable.join`, and
//! the events they deliver.

use alloc::sync::Arc;
use alloc::vec::Vec;
use core::future::Future;
use core::mem;
use core::pin::Pin;
use core::task::{Context, Poll};

use super::error::ComponentError;
use super::event::{Event, EventCode};
use super::pair::Wakeup;
use super::raw_mutex::SpinMutex;
use super::table::{ComponentTable, Entries, Entry};
use crate::sync::AtomicWaker;

/// Wakes the tasks waiting on one waitable set. A leaf lock: nothing else is
/// locked while it is held, and no waker runs under it.
pub(crate) struct SetSignal {
    waiters: SpinMutex<Vec<Arc<AtomicWaker>>>,
}

impl SetSignal {
    fn register(&self, waiter: &Arc<AtomicWaker>) {
        let mut waiters = self.waiters.lock();
        if !waiters.iter().any(|w| Arc::ptr_eq(w, waiter)) {
            waiters.push(waiter.clone());
        }
    }

    fn unregister(&self, waiter: &Arc<AtomicWaker>) {
        let removed = {
            let mut waiters = self.waiters.lock();
            let found = waiters.iter().position(|w| Arc::ptr_eq(w, waiter));
            found.map(|i| waiters.swap_remove(i))
        };
        drop(removed);
    }

    /// Wakes (and forgets) every waiter; they register again if they keep
    /// waiting.
    pub(crate) fn notify(&self) {
        let waiters = mem::take(&mut *self.waiters.lock());
        for waiter in &waiters {
            waiter.wake();
        }
    }
}

/// A waitable set in a table.
pub(crate) struct SetEntry {
    /// Member indices, in join order.
    pub(crate) members: Vec<u32>,
    /// Tasks in `waitable-set.wait` on this set.
    waiting: u32,
    /// Where the next search for an event starts, so no member starves.
    cursor: usize,
    pub(crate) signal: Arc<SetSignal>,
}

impl ComponentTable {
    /// `waitable-set.new`: a new, empty waitable set.
    ///
    /// # Errors
    /// [`ComponentError::TableFull`].
    ///
    /// ```
    /// use wrt_async_core::component_model::ComponentTable;
    ///
    /// let table = ComponentTable::new();
    /// let set = table.waitable_set_new().unwrap();
    /// assert_eq!(table.waitable_set_poll(set), Ok(None));
    /// ```
    pub fn waitable_set_new(&self) -> Result<u32, ComponentError> {
        self.lock().add(Entry::Set(SetEntry {
            members: Vec::new(),
            waiting: 0,
            cursor: 0,
            signal: Arc::new(SetSignal {
                waiters: SpinMutex::new(Vec::new()),
            }),
        }))
    }

    /// `waitable.join`: moves the future or stream end `waitable` into `set`
    /// (from the set it was in, if any), or out of any set with `None`.
    ///
    /// From then on its copies' completions are delivered by the set. A
    /// completion already pending is delivered by the new set.
    ///
    /// # Errors
    /// `InvalidHandle`, `NotWaitable` (`waitable` is a set),
    /// `WrongHandleKind` (`set` is not a set).
    ///
    /// ```
    /// use wrt_async_core::component_model::{ComponentTable, ValueType};
    ///
    /// let table = ComponentTable::new();
    /// let (r, _w) = table.future_new(ValueType::U32).unwrap();
    /// let set = table.waitable_set_new().unwrap();
    /// table.waitable_join(r, Some(set)).unwrap();
    /// table.waitable_join(r, None).unwrap();
    /// table.waitable_set_drop(set).unwrap();
    /// ```
    pub fn waitable_join(&self, waitable: u32, set: Option<u32>) -> Result<(), ComponentError> {
        let mut entries = self.lock();
        let (pair, side, old) = match entries.get(waitable)? {
            Entry::End(end) => (end.pair.clone(), end.side, end.set),
            Entry::Set(_) => return Err(ComponentError::NotWaitable { handle: waitable }),
        };
        let signal = match set {
            Some(set) => Some(entries.set(set)?.signal.clone()),
            None => None,
        };
        if let Some(old) = old.and_then(|old| entries.set_mut(old).ok()) {
            old.members.retain(|&member| member != waitable);
        }
        if let Some(set) = set {
            entries.set_mut(set)?.members.push(waitable);
        }
        if let Ok(Entry::End(end)) = entries.get_mut(waitable) {
            end.set = set;
        }
        let ((has_event, replaced), wakeup) = pair.with(|state| {
            let end = state.end_mut(side);
            let replaced = mem::replace(&mut end.set, signal.clone());
            (state.has_event(side), replaced)
        });
        drop(entries);
        wakeup.run();
        drop(replaced);
        if let Some(signal) = signal {
            if has_event {
                signal.notify();
            }
            // A task waiting on the end directly learns that its events go
            // to the set now.
            pair.wake(side);
        }
        Ok(())
    }

    /// `waitable-set.poll`: delivers one pending event of a member of `set`,
    /// or `None` (the spec's `EventCode::NONE`) without blocking.
    ///
    /// Members are searched round-robin from the one after the last event's,
    /// so a busy member cannot starve the others.
    ///
    /// # Errors
    /// `InvalidHandle`, `WrongHandleKind`.
    ///
    /// ```
    /// use wrt_async_core::component_model::{ComponentTable, ComponentValue, CopyResult, EventCode, ValueType};
    ///
    /// let table = ComponentTable::new();
    /// let (r, w) = table.future_new(ValueType::U32).unwrap();
    /// let set = table.waitable_set_new().unwrap();
    /// table.waitable_join(r, Some(set)).unwrap();
    /// table.future_read(r).unwrap();
    /// assert_eq!(table.waitable_set_poll(set), Ok(None));
    /// table.future_write(w, ComponentValue::U32(4)).unwrap();
    /// let event = table.waitable_set_poll(set).unwrap().unwrap();
    /// assert_eq!(event.code, EventCode::FutureRead);
    /// assert_eq!(event.done.result, CopyResult::Completed);
    /// assert_eq!(event.done.values, [ComponentValue::U32(4)]);
    /// ```
    pub fn waitable_set_poll(&self, set: u32) -> Result<Option<Event>, ComponentError> {
        let mut entries = self.lock();
        let (event, wakeup) = take_set_event(&mut entries, set)?;
        drop(entries);
        wakeup.run();
        Ok(event)
    }

    /// `waitable-set.wait`: waits until a member of `set` has an event and
    /// delivers it. Wakes up when a copy finishes, whichever thread or
    /// executor finishes it.
    ///
    /// Several tasks may wait on one set; each event goes to one of them.
    /// While a task waits, the set cannot be dropped.
    ///
    /// # Errors
    /// `InvalidHandle`, `WrongHandleKind`.
    ///
    /// ```
    /// use wrt_async_core::component_model::{ComponentTable, ComponentValue, EventCode, ValueType};
    ///
    /// let table = ComponentTable::new();
    /// let (r, w) = table.future_new(ValueType::U32).unwrap();
    /// let set = table.waitable_set_new().unwrap();
    /// table.waitable_join(w, Some(set)).unwrap();
    /// table.future_write(w, ComponentValue::U32(1)).unwrap();
    /// table.future_read(r).unwrap();
    /// let event = wrt_async_core::with_async(table.waitable_set_wait(set)).unwrap().unwrap();
    /// assert_eq!((event.code, event.handle), (EventCode::FutureWrite, w));
    /// ```
    pub fn waitable_set_wait(&self, set: u32) -> WaitableSetWait<'_> {
        WaitableSetWait {
            table: self,
            set,
            waiter: Arc::new(AtomicWaker::new()),
            signal: None,
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
    /// use wrt_async_core::component_model::{ComponentError, ComponentTable, ValueType};
    ///
    /// let table = ComponentTable::new();
    /// let (r, _w) = table.future_new(ValueType::U32).unwrap();
    /// let set = table.waitable_set_new().unwrap();
    /// table.waitable_join(r, Some(set)).unwrap();
    /// assert_eq!(
    ///     table.waitable_set_drop(set),
    ///     Err(ComponentError::WaitableSetNotEmpty { handle: set })
    /// );
    /// ```
    pub fn waitable_set_drop(&self, set: u32) -> Result<(), ComponentError> {
        let mut entries = self.lock();
        let entry = entries.set(set)?;
        if !entry.members.is_empty() {
            return Err(ComponentError::WaitableSetNotEmpty { handle: set });
        }
        if entry.waiting > 0 {
            return Err(ComponentError::WaitableSetHasWaiters { handle: set });
        }
        let removed = entries.remove(set);
        drop(entries);
        drop(removed);
        Ok(())
    }
}

/// Delivers one pending event of `set`'s members, searching round-robin.
fn take_set_event(
    entries: &mut Entries,
    set: u32,
) -> Result<(Option<Event>, Wakeup), ComponentError> {
    let entry = entries.set(set)?;
    let count = entry.members.len();
    let start = if count == 0 { 0 } else { entry.cursor % count };
    let mut found = None;
    for k in 0..count {
        let i = (start + k) % count;
        let handle = entry.members[i];
        let Ok(Entry::End(end)) = entries.get(handle) else {
            continue;
        };
        let side = end.side;
        let (done, wakeup) = end.pair.with(|state| state.take_event(side));
        if let Some(done) = done {
            let code = EventCode::of_end(end.pair.kind, side);
            let done = done.map_values(Vec::from);
            found = Some((i, Event { code, handle, done }, wakeup));
            break;
        }
        // No event was delivered, so no wake-up was collected.
        drop(wakeup);
    }
    match found {
        Some((i, event, wakeup)) => {
            entries.set_mut(set)?.cursor = i + 1;
            Ok((Some(event), wakeup))
        }
        None => Ok((None, Wakeup::none())),
    }
}

/// Future of [`ComponentTable::waitable_set_wait`]: the next event of a
/// waitable set.
///
/// Polling it after it returned an event returns `Pending`.
///
/// ```
/// use wrt_async_core::component_model::ComponentTable;
///
/// let table = ComponentTable::new();
/// let set = table.waitable_set_new().unwrap();
/// let _wait = table.waitable_set_wait(set); // resolves on the next event
/// ```
#[must_use = "futures do nothing unless polled"]
pub struct WaitableSetWait<'a> {
    table: &'a ComponentTable,
    set: u32,
    /// This waiter's slot in the set's signal.
    waiter: Arc<AtomicWaker>,
    /// Set while counted as a waiter of the set.
    signal: Option<Arc<SetSignal>>,
    finished: bool,
}

impl WaitableSetWait<'_> {
    /// Stops counting as a waiter (entries locked by the caller).
    fn leave(&mut self, entries: &mut Entries) -> Option<Arc<SetSignal>> {
        let signal = self.signal.take()?;
        if let Ok(set) = entries.set_mut(self.set) {
            set.waiting -= 1;
        }
        Some(signal)
    }

    fn finish(&mut self, entries: crate::sync::raw_mutex::SpinMutexGuard<'_, Entries>) {
        let mut entries = entries;
        self.finished = true;
        let signal = self.leave(&mut entries);
        drop(entries);
        if let Some(signal) = signal {
            signal.unregister(&self.waiter);
        }
    }
}

impl Future for WaitableSetWait<'_> {
    type Output = Result<Event, ComponentError>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        if self.finished {
            return Poll::Pending;
        }
        // Register with this waiter's own slot first (outside the locks),
        // then with the set, then look for an event: a completion after the
        // look wakes the slot.
        self.waiter.register(cx.waker());
        let table = self.table;
        let mut entries = table.lock();
        let set = self.set;
        let signal = match entries.set_mut(set) {
            Ok(entry) => {
                if self.signal.is_none() {
                    entry.waiting += 1;
                    self.signal = Some(entry.signal.clone());
                }
                entry.signal.clone()
            }
            Err(e) => {
                self.finish(entries);
                return Poll::Ready(Err(e));
            }
        };
        signal.register(&self.waiter);
        match take_set_event(&mut entries, set) {
            Ok((Some(event), wakeup)) => {
                self.finish(entries);
                wakeup.run();
                Poll::Ready(Ok(event))
            }
            Ok((None, _)) => Poll::Pending,
            Err(e) => {
                self.finish(entries);
                Poll::Ready(Err(e))
            }
        }
    }
}

impl Drop for WaitableSetWait<'_> {
    fn drop(&mut self) {
        if self.signal.is_some() {
            let entries = self.table.lock();
            self.finish(entries);
        }
    }
}

impl core::fmt::Debug for WaitableSetWait<'_> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("WaitableSetWait")
            .field("set", &self.set)
            .field("finished", &self.finished)
            .finish_non_exhaustive()
    }
}
