//! A lock-free slot for one [`Waker`], shared between the task that waits and
//! whoever wakes it.
//!
//! The algorithm is the one of `futures::task::AtomicWaker`: a three-state
//! machine (`WAITING`, `REGISTERING`, `WAKING`) in one atomic word acts as a
//! try-lock on the waker cell. Neither side ever blocks on the other; when
//! they collide, the side that loses the race hands its job to the winner, so
//! a wake-up that races with a registration is never lost.

use core::fmt;
use core::hint;
use core::panic::{RefUnwindSafe, UnwindSafe};
use core::task::Waker;

use crate::atomic::{AtomicUsize, Ordering, UnsafeCell};

/// Idle: nobody is touching the waker cell.
const WAITING: usize = 0;
/// `register` owns the waker cell.
const REGISTERING: usize = 0b01;
/// `take` owns the waker cell, or (combined with `REGISTERING`) a wake-up
/// arrived while `register` owned it and `register` must deliver it.
const WAKING: usize = 0b10;

/// A [`Waker`] slot that one task registers into and any thread or interrupt
/// wakes, without locks and without allocation.
///
/// The usual pattern: a future calls [`register`](Self::register) with its
/// current waker and *then* checks whether its condition holds; the producer
/// makes the condition true and *then* calls [`wake`](Self::wake). Whatever
/// the interleaving, either the future sees the condition or the producer
/// sees (and wakes) the registered waker.
///
/// Only the most recently registered waker is kept. `register` is meant to be
/// called by one task at a time (concurrent `register` calls do not corrupt
/// anything, but all but one of them are ignored).
///
/// `AtomicWaker::new` is `const`, so it can live in a `static`:
///
/// ```
/// use core::future::Future;
/// use core::pin::Pin;
/// use core::sync::atomic::{AtomicBool, Ordering};
/// use core::task::{Context, Poll};
/// use wrt_async_core::sync::AtomicWaker;
///
/// static READY: AtomicBool = AtomicBool::new(false);
/// static WAKER: AtomicWaker = AtomicWaker::new();
///
/// /// Completes once `signal` has been called.
/// struct WaitForSignal;
///
/// impl Future for WaitForSignal {
///     type Output = ();
///
///     fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
///         // Register first, check second: a `signal` between the two is
///         // seen by the check, one after it wakes the registered waker.
///         WAKER.register(cx.waker());
///         if READY.load(Ordering::Acquire) {
///             Poll::Ready(())
///         } else {
///             Poll::Pending
///         }
///     }
/// }
///
/// fn signal() {
///     READY.store(true, Ordering::Release);
///     WAKER.wake();
/// }
///
/// let mut cx = Context::from_waker(core::task::Waker::noop());
/// let mut fut = core::pin::pin!(WaitForSignal);
/// assert!(fut.as_mut().poll(&mut cx).is_pending());
/// signal();
/// assert!(fut.as_mut().poll(&mut cx).is_ready());
/// ```
pub struct AtomicWaker {
    /// One of `WAITING`, `REGISTERING`, `WAKING`, `REGISTERING | WAKING`.
    state: AtomicUsize,
    /// Only touched by the party that moved `state` out of `WAITING`.
    waker: UnsafeCell<Option<Waker>>,
}

// SAFETY: `AtomicWaker` is `Send` automatically (`Waker: Send`). It is not
// automatically `Sync` only because of the `UnsafeCell`. Every access to that
// cell happens while the accessor holds the `state` "lock": `register`
// touches it only after its compare-exchange moved `state` from `WAITING` to
// `REGISTERING`, `take` only after its `fetch_or` moved it from `WAITING` to
// `WAKING`; both transitions start from `WAITING`, so at most one party holds
// the cell at a time, and the Acquire/Release orderings on `state` make the
// previous holder's writes visible to the next. `Waker` itself is
// `Send + Sync`, so handing it between threads this way is fine.
unsafe impl Sync for AtomicWaker {}

impl AtomicWaker {
    crate::atomic::const_fn_unless_loom! {
        /// Creates an empty slot. `const`, so it can initialise a `static`.
        ///
        /// ```
        /// use wrt_async_core::sync::AtomicWaker;
        ///
        /// static WAKER: AtomicWaker = AtomicWaker::new();
        /// assert!(WAKER.take().is_none());
        /// ```
        #[must_use]
        pub const fn new() -> Self {
            Self {
                state: AtomicUsize::new(WAITING),
                waker: UnsafeCell::new(None),
            }
        }
    }

    /// Stores `waker` (replacing any earlier one) so that the next
    /// [`wake`](Self::wake) or [`take`](Self::take) gets it.
    ///
    /// If a `wake` runs concurrently with this call, `waker` is woken before
    /// `register` returns (or right away, when the `wake` already holds the
    /// slot), so the wake-up is not lost. A waker that
    /// [`will_wake`](Waker::will_wake) the same task as the stored one is not
    /// cloned again.
    ///
    /// ```
    /// use std::sync::Arc;
    /// use std::sync::atomic::{AtomicUsize, Ordering};
    /// use std::task::{Wake, Waker};
    /// use wrt_async_core::sync::AtomicWaker;
    ///
    /// struct Count(AtomicUsize);
    /// impl Wake for Count {
    ///     fn wake(self: Arc<Self>) {
    ///         self.0.fetch_add(1, Ordering::SeqCst);
    ///     }
    /// }
    ///
    /// let count = Arc::new(Count(AtomicUsize::new(0)));
    /// let waker = Waker::from(count.clone());
    ///
    /// let slot = AtomicWaker::new();
    /// slot.register(&waker);
    /// slot.wake();
    /// assert_eq!(count.0.load(Ordering::SeqCst), 1);
    /// ```
    pub fn register(&self, waker: &Waker) {
        match self
            .state
            .compare_exchange(WAITING, REGISTERING, Ordering::Acquire, Ordering::Acquire)
            .unwrap_or_else(|current| current)
        {
            WAITING => {
                // Releases the slot even if `waker.clone()` (foreign code)
                // panics; otherwise the slot would stay `REGISTERING`
                // forever and every later wake-up would be swallowed.
                let unlock = RegisterUnlock { slot: self };
                // SAFETY: our compare-exchange moved `state` from `WAITING`
                // to `REGISTERING`, which gives this call exclusive access to
                // the cell until `unlock` runs (see the `Sync` impl): `take`
                // only touches the cell when its `fetch_or` observes
                // `WAITING`, and other `register` calls only when their
                // compare-exchange succeeds. The `&mut` ends at the end of
                // this block, before `unlock` gives the cell up.
                let replaced = unsafe {
                    let cell = &mut *self.waker.get();
                    match cell {
                        Some(old) if old.will_wake(waker) => None,
                        _ => cell.replace(waker.clone()),
                    }
                };
                drop(unlock);
                // Dropped after unlocking: dropping a waker runs foreign
                // code, which must not see the slot half-updated.
                drop(replaced);
            }
            WAKING => {
                // A `take`/`wake` holds the slot right now, so we cannot
                // store the waker; it may have read the old (or no) waker.
                // Waking the new one directly makes the task poll again and
                // register anew, which is what the caller needs.
                waker.wake_by_ref();
                // The waker's owner is about to be re-polled and will call
                // `register` again; give the waking thread a moment.
                hint::spin_loop();
            }
            _ => {
                // `REGISTERING` (possibly with `WAKING`): another `register`
                // runs concurrently. Concurrent registration is outside the
                // contract (one task registers); dropping this one keeps the
                // slot consistent.
            }
        }
    }

    /// Wakes the registered waker, if any, and empties the slot.
    ///
    /// If a [`register`](Self::register) is in progress on another thread,
    /// that call performs the wake-up when it finishes.
    ///
    /// ```
    /// use wrt_async_core::sync::AtomicWaker;
    ///
    /// let slot = AtomicWaker::new();
    /// slot.wake(); // Nothing registered: a no-op.
    /// slot.register(core::task::Waker::noop());
    /// slot.wake();
    /// assert!(slot.take().is_none(), "wake empties the slot");
    /// ```
    pub fn wake(&self) {
        if let Some(waker) = self.take() {
            waker.wake();
        }
    }

    /// Removes and returns the registered waker without waking it.
    ///
    /// Returns `None` when nothing is registered, or when a
    /// [`register`](Self::register) or another `take` holds the slot right
    /// now; in the `register` case that `register` wakes its waker itself
    /// before returning, so no wake-up is lost.
    ///
    /// Taking the waker and waking it later is useful when the slot is read
    /// inside a critical section but the (foreign) wake-up code must run
    /// outside it.
    ///
    /// ```
    /// use core::task::Waker;
    /// use wrt_async_core::sync::AtomicWaker;
    ///
    /// let slot = AtomicWaker::new();
    /// slot.register(Waker::noop());
    /// let waker = slot.take().expect("a waker was registered");
    /// assert!(slot.take().is_none(), "taking empties the slot");
    /// waker.wake(); // Woken later, e.g. after leaving a critical section.
    /// ```
    pub fn take(&self) -> Option<Waker> {
        match self.state.fetch_or(WAKING, Ordering::AcqRel) {
            WAITING => {
                // SAFETY: our `fetch_or` moved `state` from `WAITING` to
                // `WAKING`, giving this call exclusive access to the cell
                // until the `fetch_and` below clears the bit: `register`
                // only touches the cell after moving `state` from `WAITING`
                // and other `take` calls only after observing `WAITING`.
                let waker = unsafe { (*self.waker.get()).take() };
                // Release publishes the emptied cell to the next holder.
                self.state.fetch_and(!WAKING, Ordering::Release);
                waker
            }
            _ => {
                // `REGISTERING`: the `WAKING` bit we just set tells that
                // `register` to wake its waker when it unlocks.
                // `WAKING`: another `take` is already running and gets the
                // waker.
                None
            }
        }
    }
}

// The slot is consistent after any unwind: the only foreign code run while it
// is held is `Waker::clone` in `register`, and `RegisterUnlock` releases the
// slot (delivering a pending wake-up) when that panics.
impl UnwindSafe for AtomicWaker {}
impl RefUnwindSafe for AtomicWaker {}

impl Default for AtomicWaker {
    /// Same as [`AtomicWaker::new`].
    fn default() -> Self {
        Self::new()
    }
}

impl fmt::Debug for AtomicWaker {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // The waker cell cannot be read without taking the slot, so only the
        // type is shown.
        f.debug_struct("AtomicWaker").finish_non_exhaustive()
    }
}

/// Ends a `register` critical section, on success and on unwind alike.
struct RegisterUnlock<'a> {
    slot: &'a AtomicWaker,
}

impl Drop for RegisterUnlock<'_> {
    fn drop(&mut self) {
        let state = &self.slot.state;
        // AcqRel: Release publishes the updated cell to the next holder;
        // Acquire (also on failure) orders us after a concurrent `take`.
        if let Err(current) =
            state.compare_exchange(REGISTERING, WAITING, Ordering::AcqRel, Ordering::Acquire)
        {
            // The only other bit that can have been set meanwhile is
            // `WAKING`: a `take` ran while we held the slot, returned `None`
            // and left the wake-up to us.
            debug_assert_eq!(current, REGISTERING | WAKING);
            // SAFETY: `state` still has `REGISTERING` set, so we still hold
            // the cell exclusively (a `take` that saw `REGISTERING` does not
            // touch it, and a new `register` or `take` cannot start until
            // `state` is back to `WAITING`, which only the swap below does).
            let waker = unsafe { (*self.slot.waker.get()).take() };
            state.swap(WAITING, Ordering::AcqRel);
            // Woken after the slot is released: foreign code must never
            // observe (or re-enter) the slot while it is held.
            if let Some(waker) = waker {
                waker.wake();
            }
        }
    }
}
