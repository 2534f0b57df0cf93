//! A fair, heap-free async counting semaphore.
//!
//! # Design
//!
//! * Tasks that find no free permit queue up in an *intrusive* doubly linked
//!   list. The list nodes live inside the pinned [`Acquire`] futures, so any
//!   number of tasks can wait without allocation; each future unlinks its own
//!   node when it is dropped, which is why [`Acquire`] is `!Unpin`.
//! * The list, the free-permit count and the `closed` flag sit behind one
//!   small spin lock. The lock is held only for O(1) work (a few pointer and
//!   counter updates per waiter, and at most [`WAKE_BATCH`] waiters per
//!   critical section); it is never held while foreign code runs: wakers are
//!   registered before locking and woken after unlocking.
//! * Permits are handed off directly: a released permit goes to the waiter at
//!   the head of the queue instead of back to the pool, so the queue is
//!   served in FIFO order and [`Semaphore::try_acquire`] cannot overtake a
//!   queued waiter. Consequently, while anyone waits, the pool is empty.
//!
//! Every node is in one of the states of [`NodeState`]; a node is linked into
//! the list exactly while it is `Queued`, and both the state and the links
//! change only under the lock.

use core::fmt;
use core::future::Future;
use core::marker::PhantomPinned;
use core::panic::{RefUnwindSafe, UnwindSafe};
use core::pin::Pin;
use core::ptr::NonNull;
use core::task::{Context, Poll, Waker};

use super::atomic_waker::AtomicWaker;
use super::raw_mutex::{SpinMutex, SpinMutexGuard};
use crate::ExecutorError;
use crate::atomic::UnsafeCell;

/// How many waiters one critical section may hand permits to (or close)
/// before the lock is released to wake them. Bounds both the time the lock is
/// held and the stack used to carry wakers out of the critical section.
const WAKE_BATCH: usize = 8;

/// An async counting semaphore: at most `permits` holders at a time.
///
/// * [`acquire`](Self::acquire) waits (asynchronously) for a permit;
///   waiters are served strictly in FIFO order.
/// * [`try_acquire`](Self::try_acquire) takes a permit only if one is free
///   and nobody is queued.
/// * A [`SemaphorePermit`] gives its permit back when dropped, also when the
///   task holding it panics and unwinds.
/// * [`close`](Self::close) fails all current and future acquisitions with
///   [`ExecutorError::NotRunning`].
///
/// No heap is used: [`Semaphore::new`] is `const`, so a semaphore can be a
/// `static`, and waiting tasks are linked through their own futures.
///
/// The internal lock is a spin lock without interrupt masking. On a single
/// core, do not release permits or poll [`Acquire`] futures from an interrupt
/// handler that can preempt thread-mode code using the same semaphore.
///
/// ```
/// use core::future::Future;
/// use core::pin::pin;
/// use core::task::{Context, Poll, Waker};
/// use wrt_async_core::sync::Semaphore;
///
/// // At most two concurrent users of some resource.
/// static LIMIT: Semaphore = Semaphore::new(2);
///
/// let mut cx = Context::from_waker(Waker::noop());
/// let first = LIMIT.try_acquire().expect("2 permits free");
/// let _second = LIMIT.try_acquire().expect("1 permit free");
///
/// // A third user has to wait...
/// let mut third = pin!(LIMIT.acquire());
/// assert!(third.as_mut().poll(&mut cx).is_pending());
///
/// // ...until a permit is released, which hands it straight to the waiter.
/// drop(first);
/// assert!(matches!(third.as_mut().poll(&mut cx), Poll::Ready(Ok(_))));
/// ```
pub struct Semaphore {
    state: SpinMutex<State>,
}

/// Everything the semaphore's lock protects.
struct State {
    /// Free permits. Zero whenever `waiters` is non-empty and the semaphore
    /// is open (hand-off gives released permits to waiters first).
    permits: usize,
    /// Set once by [`Semaphore::close`]; never cleared.
    closed: bool,
    waiters: WaiterList,
}

// SAFETY: `State` is `!Send` only because `WaiterList` holds `NonNull<Node>`.
// Those pointers are dereferenced only by code holding the semaphore's lock,
// and what they point to (`Node`) is `Sync` (see below), so the thread that
// owns the lock at any moment may touch the nodes no matter which thread
// linked them.
unsafe impl Send for State {}

/// FIFO of queued [`Node`]s, linked through the nodes themselves.
///
/// Invariant: every linked node is alive, pinned, in state
/// [`NodeState::Queued`], and is unlinked (under the lock) before its memory
/// is released; all of that is upheld by [`Acquire`]. Holding `&mut
/// WaiterList` implies holding the semaphore's lock, since the list is only
/// reachable through the lock guard.
struct WaiterList {
    head: Option<NonNull<Node>>,
    tail: Option<NonNull<Node>>,
}

impl WaiterList {
    const fn new() -> Self {
        Self {
            head: None,
            tail: None,
        }
    }

    /// Links `node` at the tail.
    ///
    /// # Safety
    ///
    /// `node` must point to a live, pinned node that is in no list and that
    /// stays alive until it is unlinked again.
    unsafe fn push_back(&mut self, node: NonNull<Node>) {
        // SAFETY: `node` is live (caller); the tail, if any, is live by the
        // list invariant. We hold the lock (`&mut self`), which is what
        // guards every node's links, and no reference into any `Links` is
        // alive while we write through these raw pointers.
        unsafe {
            let links = Node::links(node);
            (*links).prev = self.tail;
            (*links).next = None;
            match self.tail {
                Some(tail) => (*Node::links(tail)).next = Some(node),
                None => self.head = Some(node),
            }
        }
        self.tail = Some(node);
    }

    /// Unlinks and returns the head node, if any. The returned pointer is
    /// only valid while the lock stays held: once the lock is released the
    /// node's owner may free it.
    fn pop_front(&mut self) -> Option<NonNull<Node>> {
        let node = self.head?;
        // SAFETY: `node` and its successor are linked, hence live (list
        // invariant); we hold the lock (`&mut self`) and create no
        // references into the links.
        unsafe {
            let links = Node::links(node);
            self.head = (*links).next;
            match self.head {
                Some(next) => (*Node::links(next)).prev = None,
                None => self.tail = None,
            }
            (*links).next = None;
        }
        Some(node)
    }

    /// Unlinks `node` from anywhere in the list.
    ///
    /// # Safety
    ///
    /// `node` must be linked into *this* list.
    unsafe fn remove(&mut self, node: NonNull<Node>) {
        // SAFETY: `node` is linked here (caller), so it and its neighbours
        // are live (list invariant); we hold the lock (`&mut self`) and
        // create no references into the links.
        unsafe {
            let links = Node::links(node);
            let (prev, next) = ((*links).prev, (*links).next);
            match prev {
                Some(prev) => (*Node::links(prev)).next = next,
                None => self.head = next,
            }
            match next {
                Some(next) => (*Node::links(next)).prev = prev,
                None => self.tail = prev,
            }
            (*links).prev = None;
            (*links).next = None;
        }
    }
}

/// Where an [`Acquire`] future stands. Changes only under the lock.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum NodeState {
    /// Not polled yet (or polled only on the fast path): not linked.
    Idle,
    /// Linked into the waiter list, waiting for a permit.
    Queued,
    /// Unlinked by a releaser that transferred one permit to this node; the
    /// future owns that permit until it completes or is dropped.
    Granted,
    /// Unlinked by [`Semaphore::close`]; the future resolves to an error.
    Closed,
    /// The future returned `Ready`; polling again is a bug.
    Done,
}

/// One waiter, embedded in its [`Acquire`] future.
///
/// Only ever accessed through shared references or raw pointers (never
/// `&mut Node`), because other threads reach it through the list while its
/// owner holds the future.
struct Node {
    /// The owner registers here outside the lock; releasers `take` the waker
    /// under the lock and wake it after unlocking.
    waker: AtomicWaker,
    /// Guarded by the semaphore's lock.
    links: UnsafeCell<Links>,
}

struct Links {
    prev: Option<NonNull<Node>>,
    next: Option<NonNull<Node>>,
    state: NodeState,
}

// SAFETY: `Node` is `!Send`/`!Sync` only because of the `NonNull` links and
// the `UnsafeCell` around them. Those are read and written only while the
// owning semaphore's lock is held (by the future's owner in `poll`/`drop`,
// or by a releaser/closer walking the list), and the lock's Acquire/Release
// ordering makes each holder see the previous holder's writes. The other
// field, `AtomicWaker`, is `Send + Sync` on its own.
unsafe impl Send for Node {}
// SAFETY: see the `Send` impl: all shared access is atomic or under the lock.
unsafe impl Sync for Node {}

impl Node {
    crate::atomic::const_fn_unless_loom! {
        const fn new() -> Self {
            Self {
                waker: AtomicWaker::new(),
                links: UnsafeCell::new(Links {
                    prev: None,
                    next: None,
                    state: NodeState::Idle,
                }),
            }
        }
    }

    /// The links of the node `node` points to.
    ///
    /// # Safety
    ///
    /// `node` must point to a live `Node`. Reading or writing through the
    /// result requires holding the semaphore's lock.
    unsafe fn links(node: NonNull<Node>) -> *mut Links {
        // SAFETY: `node` is live (caller). `&raw const` projects to the field
        // without creating a reference to the node.
        UnsafeCell::raw_get(unsafe { &raw const (*node.as_ptr()).links })
    }

    /// Resolves a node just popped from the list to `outcome` and takes its
    /// waker, which the caller wakes after unlocking.
    ///
    /// # Safety
    ///
    /// The caller holds the lock and `node` was popped from the list in this
    /// same critical section (so its owner cannot have freed it yet).
    unsafe fn settle(node: NonNull<Node>, outcome: NodeState) -> Option<Waker> {
        // SAFETY: the node is live and we hold the lock (caller). The shared
        // reference is fine: the node is only ever shared-borrowed, and this
        // one ends before the function returns, i.e. before the lock is
        // released.
        let node = unsafe { node.as_ref() };
        // SAFETY: lock held (caller); no other reference into the links.
        unsafe { (*node.links.get()).state = outcome };
        // `take` only moves the waker out; no foreign code runs under the
        // lock.
        node.waker.take()
    }
}

/// Wakers collected under the lock, woken after it is released.
struct WakeList {
    wakers: [Option<Waker>; WAKE_BATCH],
    len: usize,
}

impl WakeList {
    const fn new() -> Self {
        Self {
            wakers: [const { None }; WAKE_BATCH],
            len: 0,
        }
    }

    fn is_full(&self) -> bool {
        self.len == WAKE_BATCH
    }

    fn push(&mut self, waker: Option<Waker>) {
        debug_assert!(!self.is_full());
        self.wakers[self.len] = waker;
        self.len += 1;
    }

    /// Wakes in queue order.
    fn wake_all(&mut self) {
        for slot in &mut self.wakers[..self.len] {
            if let Some(waker) = slot.take() {
                waker.wake();
            }
        }
        self.len = 0;
    }
}

impl Drop for WakeList {
    fn drop(&mut self) {
        // Only non-empty when a `wake` in `wake_all` panicked: the waiters
        // behind it were already handed a permit (or closed) and would never
        // learn about it if merely dropped.
        self.wake_all();
    }
}

/// What a [`WakeUpJob`] still has to do.
enum Work {
    /// Give this many permits to waiters (FIFO), the rest to the pool.
    Release(usize),
    /// Resolve every queued waiter to an error; `true` once the list is empty.
    Close { done: bool },
}

/// Distributes permits or closure to waiters in lock-bounded batches.
///
/// Its `Drop` finishes the job, so a waker that panics while being woken does
/// not strand the permits or waiters of later batches (a second panic while
/// unwinding aborts, as it would anywhere else).
struct WakeUpJob<'a> {
    semaphore: &'a Semaphore,
    work: Work,
}

impl WakeUpJob<'_> {
    fn is_done(&self) -> bool {
        match self.work {
            Work::Release(remaining) => remaining == 0,
            Work::Close { done } => done,
        }
    }

    /// Runs batches until done; the first one under the already held `state`.
    fn run(&mut self, state: SpinMutexGuard<'_, State>) {
        self.run_batch(state);
        while !self.is_done() {
            self.run_batch(self.semaphore.state.lock());
        }
    }

    /// One critical section (at most [`WAKE_BATCH`] waiters), then the
    /// wake-ups with the lock released.
    fn run_batch(&mut self, mut guard: SpinMutexGuard<'_, State>) {
        let mut wakers = WakeList::new();
        let state = &mut *guard;
        match &mut self.work {
            Work::Release(remaining) => {
                while *remaining > 0 && !wakers.is_full() {
                    // Once closing has begun no waiter gets a permit: the
                    // closer resolves them all to errors.
                    let next = if state.closed {
                        None
                    } else {
                        state.waiters.pop_front()
                    };
                    match next {
                        Some(node) => {
                            // SAFETY: lock held, `node` popped just now.
                            wakers.push(unsafe { Node::settle(node, NodeState::Granted) });
                            *remaining -= 1;
                        }
                        None => {
                            // Overflow is out of reach in practice:
                            // `add_permits` refuses to grow the pool past
                            // `MAX_PERMITS` (a quarter of `usize`), and every
                            // other returning permit is owned by a live
                            // `SemaphorePermit` or `Acquire`, of which memory
                            // holds fewer than `usize::MAX / 2`. Saturating,
                            // should it ever happen, errs towards "many"
                            // instead of wrapping to "few".
                            state.permits = state.permits.saturating_add(*remaining);
                            *remaining = 0;
                        }
                    }
                }
            }
            Work::Close { done } => {
                state.closed = true;
                while !wakers.is_full() {
                    match state.waiters.pop_front() {
                        // SAFETY: lock held, `node` popped just now.
                        Some(node) => wakers.push(unsafe { Node::settle(node, NodeState::Closed) }),
                        None => {
                            *done = true;
                            break;
                        }
                    }
                }
            }
        }
        drop(guard);
        wakers.wake_all();
    }
}

impl Drop for WakeUpJob<'_> {
    fn drop(&mut self) {
        if !self.is_done() {
            self.run(self.semaphore.state.lock());
        }
    }
}

impl Semaphore {
    /// The largest number of permits a semaphore can hold: `usize::MAX >> 2`.
    ///
    /// ```
    /// use wrt_async_core::sync::Semaphore;
    ///
    /// let sem = Semaphore::new(Semaphore::MAX_PERMITS);
    /// assert_eq!(sem.available_permits(), Semaphore::MAX_PERMITS);
    /// ```
    pub const MAX_PERMITS: usize = usize::MAX >> 2;

    crate::atomic::const_fn_unless_loom! {
        /// Creates a semaphore with `permits` free permits. `const`, so it can
        /// initialise a `static`.
        ///
        /// # Panics
        ///
        /// If `permits` exceeds [`MAX_PERMITS`](Self::MAX_PERMITS) (at compile
        /// time when used in a `static` or `const`).
        ///
        /// ```
        /// use wrt_async_core::sync::Semaphore;
        ///
        /// static SEM: Semaphore = Semaphore::new(3);
        /// assert_eq!(SEM.available_permits(), 3);
        /// ```
        #[must_use]
        pub const fn new(permits: usize) -> Semaphore {
            assert!(
                permits <= Self::MAX_PERMITS,
                "Semaphore::new: more than Semaphore::MAX_PERMITS permits"
            );
            Semaphore {
                state: SpinMutex::new(State {
                    permits,
                    closed: false,
                    waiters: WaiterList::new(),
                }),
            }
        }
    }

    /// Waits for a permit.
    ///
    /// The returned future resolves to `Ok(permit)` once a permit is free and
    /// every earlier waiter has been served, or to
    /// `Err(ExecutorError::NotRunning)` if the semaphore is (or gets)
    /// [closed](Self::close). It needs no allocation; see [`Acquire`] for
    /// its cancellation behaviour.
    ///
    /// ```
    /// use core::future::Future;
    /// use core::pin::pin;
    /// use core::task::{Context, Poll, Waker};
    /// use wrt_async_core::sync::Semaphore;
    ///
    /// let sem = Semaphore::new(1);
    /// let mut cx = Context::from_waker(Waker::noop());
    /// let mut acquire = pin!(sem.acquire());
    /// let Poll::Ready(Ok(permit)) = acquire.as_mut().poll(&mut cx) else {
    ///     panic!("a permit was free");
    /// };
    /// assert_eq!(sem.available_permits(), 0);
    /// drop(permit);
    /// assert_eq!(sem.available_permits(), 1);
    /// ```
    pub fn acquire(&self) -> Acquire<'_> {
        Acquire {
            semaphore: self,
            node: Node::new(),
            _pinned: PhantomPinned,
        }
    }

    /// Takes a permit if one is free right now.
    ///
    /// Returns `None` when no permit is free (in particular whenever tasks
    /// are queued in [`acquire`](Self::acquire): released permits go to them
    /// first) or when the semaphore is closed.
    ///
    /// ```
    /// use wrt_async_core::sync::Semaphore;
    ///
    /// let sem = Semaphore::new(1);
    /// let permit = sem.try_acquire().expect("one permit is free");
    /// assert!(sem.try_acquire().is_none());
    /// drop(permit);
    /// assert!(sem.try_acquire().is_some());
    /// ```
    #[must_use = "dropping the permit gives it back at once"]
    pub fn try_acquire(&self) -> Option<SemaphorePermit<'_>> {
        let mut state = self.state.lock();
        if state.closed || state.permits == 0 {
            return None;
        }
        state.permits -= 1;
        Some(SemaphorePermit { semaphore: self })
    }

    /// The number of free permits right now (already stale when it returns
    /// if other threads use the semaphore).
    ///
    /// ```
    /// use wrt_async_core::sync::Semaphore;
    ///
    /// let sem = Semaphore::new(2);
    /// let _permit = sem.try_acquire();
    /// assert_eq!(sem.available_permits(), 1);
    /// ```
    #[must_use]
    pub fn available_permits(&self) -> usize {
        self.state.lock().permits
    }

    /// Adds `n` permits: they go to queued waiters first (in FIFO order),
    /// the rest to the pool.
    ///
    /// # Panics
    ///
    /// If the pool would exceed [`MAX_PERMITS`](Self::MAX_PERMITS).
    ///
    /// ```
    /// use wrt_async_core::sync::Semaphore;
    ///
    /// let sem = Semaphore::new(0);
    /// assert!(sem.try_acquire().is_none());
    /// sem.add_permits(2);
    /// assert_eq!(sem.available_permits(), 2);
    /// ```
    pub fn add_permits(&self, n: usize) {
        if n == 0 {
            return;
        }
        let state = self.state.lock();
        if n > Self::MAX_PERMITS.saturating_sub(state.permits) {
            // Unlock first: the panic machinery runs foreign code (the hook).
            drop(state);
            panic!("Semaphore::add_permits: more than Semaphore::MAX_PERMITS permits");
        }
        self.release(state, n);
    }

    /// Closes the semaphore: every queued [`acquire`](Self::acquire) is
    /// woken and resolves to `Err(ExecutorError::NotRunning)`, as does every
    /// later one (and every not yet completed one that was handed a permit);
    /// [`try_acquire`](Self::try_acquire) returns `None` from now on.
    ///
    /// Permits already held stay valid and are still returned to the pool
    /// when dropped. Closing is permanent; closing twice is harmless.
    ///
    /// ```
    /// use core::future::Future;
    /// use core::pin::pin;
    /// use core::task::{Context, Poll, Waker};
    /// use wrt_async_core::ExecutorError;
    /// use wrt_async_core::sync::Semaphore;
    ///
    /// let sem = Semaphore::new(0);
    /// let mut cx = Context::from_waker(Waker::noop());
    /// let mut waiter = pin!(sem.acquire());
    /// assert!(waiter.as_mut().poll(&mut cx).is_pending());
    ///
    /// sem.close();
    /// assert!(sem.is_closed());
    /// assert!(matches!(
    ///     waiter.as_mut().poll(&mut cx),
    ///     Poll::Ready(Err(ExecutorError::NotRunning))
    /// ));
    /// ```
    pub fn close(&self) {
        let mut job = WakeUpJob {
            semaphore: self,
            work: Work::Close { done: false },
        };
        job.run(self.state.lock());
    }

    /// Whether [`close`](Self::close) has been called.
    ///
    /// ```
    /// use wrt_async_core::sync::Semaphore;
    ///
    /// let sem = Semaphore::new(1);
    /// assert!(!sem.is_closed());
    /// sem.close();
    /// assert!(sem.is_closed());
    /// assert!(sem.try_acquire().is_none());
    /// ```
    #[must_use]
    pub fn is_closed(&self) -> bool {
        self.state.lock().closed
    }

    /// Gives `n` permits back, handing them to waiters first. Takes the
    /// already held lock so callers' check-then-release is atomic.
    fn release(&self, state: SpinMutexGuard<'_, State>, n: usize) {
        let mut job = WakeUpJob {
            semaphore: self,
            work: Work::Release(n),
        };
        job.run(state);
    }
}

// Panics inside the semaphore (the `add_permits` and poll-after-completion
// checks, a foreign waker) happen with the lock released or before any state
// changes, and foreign code never runs under the lock, so a `Semaphore` seen
// after an unwind is consistent; there is nothing to poison.
impl UnwindSafe for Semaphore {}
impl RefUnwindSafe for Semaphore {}

impl fmt::Debug for Semaphore {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Copied out so the formatter (foreign code) runs without the lock.
        let (permits, closed) = {
            let state = self.state.lock();
            (state.permits, state.closed)
        };
        f.debug_struct("Semaphore")
            .field("permits", &permits)
            .field("closed", &closed)
            .finish_non_exhaustive()
    }
}

/// One permit of a [`Semaphore`], given back when dropped.
///
/// The permit is returned by `Drop`, so it is also returned when the task
/// holding it panics and unwinds (it is lost only if the permit is leaked,
/// e.g. with [`forget`](Self::forget) or [`core::mem::forget`], or if the
/// panic aborts).
///
/// ```
/// use wrt_async_core::sync::Semaphore;
///
/// let sem = Semaphore::new(1);
/// {
///     let _permit = sem.try_acquire().unwrap();
///     assert_eq!(sem.available_permits(), 0);
/// }
/// assert_eq!(sem.available_permits(), 1);
/// ```
#[must_use = "the permit is given back as soon as it is dropped"]
pub struct SemaphorePermit<'a> {
    semaphore: &'a Semaphore,
}

impl SemaphorePermit<'_> {
    /// Consumes the permit without giving it back, permanently reducing the
    /// semaphore's capacity by one.
    ///
    /// ```
    /// use wrt_async_core::sync::Semaphore;
    ///
    /// let sem = Semaphore::new(2);
    /// sem.try_acquire().unwrap().forget();
    /// assert_eq!(sem.available_permits(), 1);
    /// ```
    pub fn forget(self) {
        core::mem::forget(self);
    }
}

impl Drop for SemaphorePermit<'_> {
    fn drop(&mut self) {
        self.semaphore.release(self.semaphore.state.lock(), 1);
    }
}

impl fmt::Debug for SemaphorePermit<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SemaphorePermit").finish_non_exhaustive()
    }
}

/// The future returned by [`Semaphore::acquire`].
///
/// Resolves to `Ok(SemaphorePermit)` or, if the semaphore is closed,
/// `Err(ExecutorError::NotRunning)`. It is `Send` (and `Sync`), so it can be
/// awaited in tasks that move between threads.
///
/// # Cancellation
///
/// Dropping the future before it completes is always safe and loses nothing:
///
/// * if it is queued, it leaves the queue (the waiters behind it keep their
///   order);
/// * if a released permit was already handed to it but it has not been
///   polled since, that permit goes on to the next waiter, or back to the
///   pool if nobody waits.
///
/// The future must not be polled again after it returned `Ready` (it panics).
///
/// ```
/// use core::future::Future;
/// use core::pin::pin;
/// use core::task::{Context, Waker};
/// use wrt_async_core::sync::Semaphore;
///
/// let sem = Semaphore::new(1);
/// let mut cx = Context::from_waker(Waker::noop());
/// let held = sem.try_acquire().unwrap();
/// {
///     let mut waiter = pin!(sem.acquire());
///     assert!(waiter.as_mut().poll(&mut cx).is_pending());
///     drop(held); // The permit is handed to `waiter`...
/// } // ...which is dropped without being polled: the permit returns.
/// assert_eq!(sem.available_permits(), 1);
/// ```
#[must_use = "futures do nothing unless you `.await` or poll them"]
pub struct Acquire<'a> {
    semaphore: &'a Semaphore,
    /// Linked into `semaphore`'s waiter list while queued, which is why the
    /// future must stay put (`PhantomPinned`) and unlink itself in `Drop`.
    node: Node,
    _pinned: PhantomPinned,
}

impl<'a> Acquire<'a> {
    /// Under the lock: resolves the future if it can resolve now; otherwise,
    /// if `enqueue`, queues it (when it is not queued already).
    ///
    /// Takes `Pin<&Self>` because queueing publishes the node's address,
    /// which is only sound for a future that will not move before `Drop`.
    /// On the first, `enqueue == false` pass it only tries the fast path, so
    /// that the waker is cloned only when the task really has to wait.
    fn try_complete(
        self: Pin<&Self>,
        enqueue: bool,
    ) -> Option<Result<SemaphorePermit<'a>, ExecutorError>> {
        let this = self.get_ref();
        let mut state = this.semaphore.state.lock();
        let links = this.node.links.get();
        // SAFETY: the node's links are guarded by the semaphore's lock, which
        // we hold (as for every `links` access below); no reference into
        // them exists.
        let node_state = unsafe { (*links).state };
        let outcome = match node_state {
            NodeState::Idle if state.closed => Err(ExecutorError::NotRunning),
            NodeState::Idle if state.permits > 0 => {
                state.permits -= 1;
                Ok(())
            }
            NodeState::Idle => {
                if enqueue {
                    // SAFETY: the node lives in this pinned future, so it
                    // stays at this address until `Drop`, which unlinks it
                    // (under the lock) before the memory goes away; it is
                    // `Idle`, so in no list.
                    unsafe { state.waiters.push_back(NonNull::from(&this.node)) };
                    // SAFETY: lock held (see above).
                    unsafe { (*links).state = NodeState::Queued };
                }
                return None;
            }
            NodeState::Queued if state.closed => {
                // `close` is still working through the queue; resolve now
                // rather than wait for it to reach us.
                // SAFETY: `Queued` means linked into this semaphore's list.
                unsafe { state.waiters.remove(NonNull::from(&this.node)) };
                Err(ExecutorError::NotRunning)
            }
            NodeState::Queued => return None,
            NodeState::Granted if state.closed => {
                // Every unfinished acquire fails once closed; the permit we
                // were handed goes back to the pool (no waiter can take it).
                state.permits += 1;
                Err(ExecutorError::NotRunning)
            }
            NodeState::Granted => Ok(()),
            NodeState::Closed => Err(ExecutorError::NotRunning),
            NodeState::Done => {
                // Unlock first: the panic machinery runs foreign code.
                drop(state);
                panic!("`Acquire` polled after completion");
            }
        };
        // SAFETY: lock held (see above).
        unsafe { (*links).state = NodeState::Done };
        Some(outcome.map(|()| SemaphorePermit {
            semaphore: this.semaphore,
        }))
    }
}

impl<'a> Future for Acquire<'a> {
    type Output = Result<SemaphorePermit<'a>, ExecutorError>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = self.into_ref();
        if let Some(outcome) = this.try_complete(false) {
            return Poll::Ready(outcome);
        }
        // Register before the second check: a permit handed to us after the
        // check finds our waker (the releaser `take`s it under the lock), and
        // one handed over in between is seen by the check. Registering runs
        // foreign code (`Waker::clone`), hence outside the lock.
        this.node.waker.register(cx.waker());
        match this.try_complete(true) {
            Some(outcome) => Poll::Ready(outcome),
            None => Poll::Pending,
        }
    }
}

impl Drop for Acquire<'_> {
    fn drop(&mut self) {
        // `self` is pinned if it was ever polled, so `self.node` is still at
        // the address the list may hold.
        let mut state = self.semaphore.state.lock();
        let links = self.node.links.get();
        // SAFETY: the node's links are guarded by the semaphore's lock, which
        // we hold (as for the `links` accesses below).
        let node_state = unsafe { (*links).state };
        match node_state {
            NodeState::Queued => {
                // SAFETY: `Queued` means linked into this semaphore's list;
                // unlinking here, before the memory goes away, is what keeps
                // the list free of dangling pointers.
                unsafe { state.waiters.remove(NonNull::from(&self.node)) };
                // SAFETY: lock held.
                unsafe { (*links).state = NodeState::Done };
            }
            NodeState::Granted => {
                // SAFETY: lock held.
                unsafe { (*links).state = NodeState::Done };
                // Pass the handed-off permit on, under the same lock, so the
                // next waiter keeps its place ahead of `try_acquire`.
                self.semaphore.release(state, 1);
            }
            NodeState::Idle | NodeState::Closed | NodeState::Done => {}
        }
    }
}

impl fmt::Debug for Acquire<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Acquire").finish_non_exhaustive()
    }
}
