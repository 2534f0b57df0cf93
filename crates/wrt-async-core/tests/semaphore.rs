//! Behaviour of `sync::Semaphore` and `sync::AtomicWaker` through the public
//! API: counting, FIFO hand-off, cancellation, closing, panics and a
//! multi-threaded stress test. Small enough to run under Miri.

use std::future::Future;
use std::panic::{self, AssertUnwindSafe};
use std::pin::{Pin, pin};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::task::{Context, Poll, Wake, Waker};
use std::thread::{self, Thread};

use wrt_async_core::ExecutorError;
use wrt_async_core::sync::{Acquire, AtomicWaker, Semaphore, SemaphorePermit};

// ---------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------

/// A waker that counts how often it was woken.
#[derive(Default)]
struct CountingWaker {
    wakes: AtomicUsize,
}

impl CountingWaker {
    fn new() -> (Arc<Self>, Waker) {
        let counter = Arc::new(Self::default());
        let waker = Waker::from(Arc::clone(&counter));
        (counter, waker)
    }

    fn count(&self) -> usize {
        self.wakes.load(Ordering::SeqCst)
    }
}

impl Wake for CountingWaker {
    fn wake(self: Arc<Self>) {
        self.wake_by_ref();
    }

    fn wake_by_ref(self: &Arc<Self>) {
        self.wakes.fetch_add(1, Ordering::SeqCst);
    }
}

fn poll_with<F: Future>(fut: Pin<&mut F>, waker: &Waker) -> Poll<F::Output> {
    fut.poll(&mut Context::from_waker(waker))
}

/// Polls an `Acquire` once and expects it to still wait.
fn expect_pending(fut: Pin<&mut Acquire<'_>>, waker: &Waker) {
    assert!(poll_with(fut, waker).is_pending(), "expected Pending");
}

/// Polls an `Acquire` once and expects a permit.
fn expect_permit<'a>(fut: Pin<&mut Acquire<'a>>, waker: &Waker) -> SemaphorePermit<'a> {
    match poll_with(fut, waker) {
        Poll::Ready(Ok(permit)) => permit,
        Poll::Ready(Err(e)) => panic!("expected a permit, got {e:?}"),
        Poll::Pending => panic!("expected a permit, got Pending"),
    }
}

/// Wakes a thread blocked in `block_on`.
struct ThreadWaker(Thread);

impl Wake for ThreadWaker {
    fn wake(self: Arc<Self>) {
        self.0.unpark();
    }

    fn wake_by_ref(self: &Arc<Self>) {
        self.0.unpark();
    }
}

/// The smallest executor there is: poll, park until woken, repeat.
/// Spurious unparks only cost an extra poll.
fn block_on<F: Future>(fut: F) -> F::Output {
    let mut fut = pin!(fut);
    let waker = Waker::from(Arc::new(ThreadWaker(thread::current())));
    let mut cx = Context::from_waker(&waker);
    loop {
        if let Poll::Ready(out) = fut.as_mut().poll(&mut cx) {
            return out;
        }
        thread::park();
    }
}

fn assert_send_sync<T: Send + Sync>() {}

// ---------------------------------------------------------------------------
// Semaphore: single-threaded behaviour
// ---------------------------------------------------------------------------

#[test]
fn public_types_are_send_and_sync() {
    assert_send_sync::<Semaphore>();
    assert_send_sync::<SemaphorePermit<'static>>();
    assert_send_sync::<Acquire<'static>>();
    assert_send_sync::<AtomicWaker>();
}

#[test]
fn permits_are_counted() {
    let sem = Semaphore::new(3);
    assert_eq!(sem.available_permits(), 3);

    let a = sem.try_acquire().expect("3 free");
    let b = sem.try_acquire().expect("2 free");
    let c = sem.try_acquire().expect("1 free");
    assert_eq!(sem.available_permits(), 0);
    assert!(sem.try_acquire().is_none());

    drop(b);
    assert_eq!(sem.available_permits(), 1);

    // A forgotten permit never comes back.
    a.forget();
    assert_eq!(sem.available_permits(), 1);

    sem.add_permits(2);
    assert_eq!(sem.available_permits(), 3);
    sem.add_permits(0);
    assert_eq!(sem.available_permits(), 3);

    drop(c);
    assert_eq!(sem.available_permits(), 4);
}

#[test]
fn const_static_semaphore() {
    static SEM: Semaphore = Semaphore::new(2);
    let p = SEM.try_acquire().expect("permit");
    assert_eq!(SEM.available_permits(), 1);
    drop(p);
    assert_eq!(SEM.available_permits(), 2);
}

#[test]
fn acquire_fast_path_takes_a_free_permit() {
    let sem = Semaphore::new(1);
    let (counter, waker) = CountingWaker::new();
    let mut acq = pin!(sem.acquire());
    let permit = expect_permit(acq.as_mut(), &waker);
    assert_eq!(sem.available_permits(), 0);
    drop(permit);
    assert_eq!(sem.available_permits(), 1);
    assert_eq!(counter.count(), 0);
}

#[test]
fn dropping_an_unpolled_acquire_changes_nothing() {
    let sem = Semaphore::new(1);
    drop(sem.acquire());
    assert_eq!(sem.available_permits(), 1);
}

#[test]
fn three_waiters_are_served_in_fifo_order() {
    let sem = Semaphore::new(1);
    let held = sem.try_acquire().expect("permit");

    let (c1, w1) = CountingWaker::new();
    let (c2, w2) = CountingWaker::new();
    let (c3, w3) = CountingWaker::new();
    let mut a1 = pin!(sem.acquire());
    let mut a2 = pin!(sem.acquire());
    let mut a3 = pin!(sem.acquire());
    expect_pending(a1.as_mut(), &w1);
    expect_pending(a2.as_mut(), &w2);
    expect_pending(a3.as_mut(), &w3);

    // First release: only the head is woken and only it gets the permit.
    drop(held);
    assert_eq!((c1.count(), c2.count(), c3.count()), (1, 0, 0));
    assert_eq!(sem.available_permits(), 0, "handed off, not pooled");
    expect_pending(a3.as_mut(), &w3);
    expect_pending(a2.as_mut(), &w2);
    let p1 = expect_permit(a1.as_mut(), &w1);

    drop(p1);
    assert_eq!((c1.count(), c2.count(), c3.count()), (1, 1, 0));
    expect_pending(a3.as_mut(), &w3);
    let p2 = expect_permit(a2.as_mut(), &w2);

    drop(p2);
    assert_eq!((c1.count(), c2.count(), c3.count()), (1, 1, 1));
    let p3 = expect_permit(a3.as_mut(), &w3);
    drop(p3);
    assert_eq!(sem.available_permits(), 1);
}

#[test]
fn hand_off_beats_try_acquire() {
    let sem = Semaphore::new(1);
    let held = sem.try_acquire().expect("permit");
    let (counter, waker) = CountingWaker::new();
    let mut waiter = pin!(sem.acquire());
    expect_pending(waiter.as_mut(), &waker);

    drop(held);
    // The permit belongs to the waiter now, even though it has not run yet.
    assert_eq!(counter.count(), 1);
    for _ in 0..3 {
        assert!(sem.try_acquire().is_none(), "try_acquire overtook a waiter");
    }
    assert_eq!(sem.available_permits(), 0);

    let permit = expect_permit(waiter.as_mut(), &waker);
    drop(permit);
    assert!(sem.try_acquire().is_some());
}

#[test]
fn new_acquire_does_not_overtake_a_queued_one() {
    let sem = Semaphore::new(1);
    let held = sem.try_acquire().expect("permit");
    let (_, waker) = CountingWaker::new();
    let mut first = pin!(sem.acquire());
    expect_pending(first.as_mut(), &waker);
    drop(held);

    let mut late = pin!(sem.acquire());
    expect_pending(late.as_mut(), &waker);
    let permit = expect_permit(first.as_mut(), &waker);
    drop(permit);
    drop(expect_permit(late.as_mut(), &waker));
    assert_eq!(sem.available_permits(), 1);
}

#[test]
fn repoll_replaces_the_waker() {
    let sem = Semaphore::new(0);
    let (old_counter, old_waker) = CountingWaker::new();
    let (new_counter, new_waker) = CountingWaker::new();
    let mut waiter = pin!(sem.acquire());
    expect_pending(waiter.as_mut(), &old_waker);
    expect_pending(waiter.as_mut(), &new_waker);

    sem.add_permits(1);
    assert_eq!(old_counter.count(), 0, "stale waker must not be used");
    assert_eq!(new_counter.count(), 1);
    drop(expect_permit(waiter.as_mut(), &new_waker));
}

#[test]
fn cancel_while_queued_unlinks_the_waiter() {
    let sem = Semaphore::new(1);
    let held = sem.try_acquire().expect("permit");

    let (c1, w1) = CountingWaker::new();
    let (c2, w2) = CountingWaker::new();
    let (c3, w3) = CountingWaker::new();
    let mut a1 = Box::pin(sem.acquire());
    let mut a2 = Box::pin(sem.acquire());
    let mut a3 = Box::pin(sem.acquire());
    expect_pending(a1.as_mut(), &w1);
    expect_pending(a2.as_mut(), &w2);
    expect_pending(a3.as_mut(), &w3);

    // Cancel the middle one, then the head: the tail must be served next.
    drop(a2);
    drop(a1);
    drop(held);
    assert_eq!((c1.count(), c2.count(), c3.count()), (0, 0, 1));
    let p3 = expect_permit(a3.as_mut(), &w3);
    drop(p3);
    drop(a3);
    assert_eq!(sem.available_permits(), 1);

    // The list is really empty again: a new waiter is served on release.
    let held = sem.try_acquire().expect("permit");
    let mut a4 = pin!(sem.acquire());
    expect_pending(a4.as_mut(), &w1);
    drop(held);
    assert_eq!(c1.count(), 1);
    drop(expect_permit(a4.as_mut(), &w1));
}

#[test]
fn cancel_after_hand_off_passes_the_permit_to_the_next_waiter() {
    let sem = Semaphore::new(1);
    let held = sem.try_acquire().expect("permit");
    let (c1, w1) = CountingWaker::new();
    let (c2, w2) = CountingWaker::new();
    let mut a1 = Box::pin(sem.acquire());
    let mut a2 = pin!(sem.acquire());
    expect_pending(a1.as_mut(), &w1);
    expect_pending(a2.as_mut(), &w2);

    drop(held);
    assert_eq!((c1.count(), c2.count()), (1, 0));
    // a1 owns the permit but is cancelled before it runs.
    drop(a1);
    assert_eq!(c2.count(), 1, "the next waiter is woken");
    assert!(
        sem.try_acquire().is_none(),
        "the permit went to a2, not the pool"
    );
    drop(expect_permit(a2.as_mut(), &w2));
    assert_eq!(sem.available_permits(), 1);
}

#[test]
fn cancel_after_hand_off_without_other_waiters_returns_the_permit() {
    let sem = Semaphore::new(1);
    let held = sem.try_acquire().expect("permit");
    let (counter, waker) = CountingWaker::new();
    let mut waiter = Box::pin(sem.acquire());
    expect_pending(waiter.as_mut(), &waker);
    drop(held);
    assert_eq!(counter.count(), 1);
    assert_eq!(sem.available_permits(), 0);
    drop(waiter);
    assert_eq!(sem.available_permits(), 1);
}

#[test]
fn add_permits_serves_more_waiters_than_one_batch() {
    // More waiters than the internal wake batch, to cross batch boundaries.
    const WAITERS: usize = 20;
    let sem = Semaphore::new(0);
    let wakers: Vec<_> = (0..WAITERS).map(|_| CountingWaker::new()).collect();
    let mut futs: Vec<_> = (0..WAITERS).map(|_| Box::pin(sem.acquire())).collect();
    for (fut, (_, waker)) in futs.iter_mut().zip(&wakers) {
        expect_pending(fut.as_mut(), waker);
    }

    // 13 permits: the first 13 waiters (and only they) get one.
    sem.add_permits(13);
    for (i, (counter, _)) in wakers.iter().enumerate() {
        assert_eq!(counter.count(), usize::from(i < 13), "waiter {i}");
    }
    assert_eq!(sem.available_permits(), 0);

    // 10 more: the remaining 7 waiters, then 3 to the pool.
    sem.add_permits(10);
    assert!(wakers.iter().all(|(c, _)| c.count() == 1));
    assert_eq!(sem.available_permits(), 3);

    let permits: Vec<_> = futs
        .iter_mut()
        .zip(&wakers)
        .map(|(fut, (_, waker))| expect_permit(fut.as_mut(), waker))
        .collect();
    drop(permits);
    assert_eq!(sem.available_permits(), 23);
}

#[test]
#[should_panic(expected = "MAX_PERMITS")]
fn add_permits_beyond_max_panics() {
    let sem = Semaphore::new(Semaphore::MAX_PERMITS);
    sem.add_permits(1);
}

#[test]
fn add_permits_panic_leaves_the_semaphore_usable() {
    let sem = Semaphore::new(Semaphore::MAX_PERMITS);
    let result = panic::catch_unwind(AssertUnwindSafe(|| sem.add_permits(1)));
    assert!(result.is_err());
    // The lock was released: the semaphore still works.
    assert_eq!(sem.available_permits(), Semaphore::MAX_PERMITS);
    drop(sem.try_acquire().expect("permit"));
}

#[test]
fn close_wakes_waiters_with_not_running() {
    const WAITERS: usize = 11; // More than one wake batch.
    let sem = Semaphore::new(1);
    let held = sem.try_acquire().expect("permit");
    let wakers: Vec<_> = (0..WAITERS).map(|_| CountingWaker::new()).collect();
    let mut futs: Vec<_> = (0..WAITERS).map(|_| Box::pin(sem.acquire())).collect();
    for (fut, (_, waker)) in futs.iter_mut().zip(&wakers) {
        expect_pending(fut.as_mut(), waker);
    }

    assert!(!sem.is_closed());
    sem.close();
    assert!(sem.is_closed());
    assert!(wakers.iter().all(|(c, _)| c.count() == 1), "all woken once");
    for (fut, (_, waker)) in futs.iter_mut().zip(&wakers) {
        assert_eq!(
            poll_with(fut.as_mut(), waker).map(|r| r.err()),
            Poll::Ready(Some(ExecutorError::NotRunning))
        );
    }

    // Later acquisitions fail too.
    let mut late = pin!(sem.acquire());
    assert_eq!(
        poll_with(late.as_mut(), &wakers[0].1).map(|r| r.err()),
        Poll::Ready(Some(ExecutorError::NotRunning))
    );
    assert!(sem.try_acquire().is_none());

    // A permit held across close still goes back to the pool, but stays
    // unobtainable.
    drop(held);
    assert_eq!(sem.available_permits(), 1);
    assert!(sem.try_acquire().is_none());

    sem.close(); // Idempotent.
    assert!(sem.is_closed());
}

#[test]
fn close_fails_an_acquire_that_was_handed_a_permit_but_not_polled() {
    let sem = Semaphore::new(1);
    let held = sem.try_acquire().expect("permit");
    let (_, waker) = CountingWaker::new();
    let mut waiter = pin!(sem.acquire());
    expect_pending(waiter.as_mut(), &waker);
    drop(held);
    assert_eq!(sem.available_permits(), 0);

    sem.close();
    assert_eq!(
        poll_with(waiter.as_mut(), &waker).map(|r| r.err()),
        Poll::Ready(Some(ExecutorError::NotRunning))
    );
    assert_eq!(sem.available_permits(), 1, "the handed permit is not lost");
}

#[test]
#[should_panic(expected = "polled after completion")]
fn polling_a_completed_acquire_panics() {
    let sem = Semaphore::new(1);
    let mut acq = pin!(sem.acquire());
    let _permit = expect_permit(acq.as_mut(), Waker::noop());
    let _ = poll_with(acq.as_mut(), Waker::noop());
}

#[test]
fn permit_is_released_when_its_holder_panics() {
    let sem = Semaphore::new(1);
    let (counter, waker) = CountingWaker::new();
    let mut waiter = pin!(sem.acquire());

    let result = panic::catch_unwind(AssertUnwindSafe(|| {
        let _permit = sem.try_acquire().expect("permit");
        expect_pending(waiter.as_mut(), &waker);
        panic!("task failed while holding a permit");
    }));

    assert!(result.is_err());
    assert_eq!(counter.count(), 1, "unwinding handed the permit on");
    drop(expect_permit(waiter.as_mut(), &waker));
    assert_eq!(sem.available_permits(), 1);
}

#[test]
fn permit_is_released_when_a_thread_panics() {
    let sem = Arc::new(Semaphore::new(1));
    let worker = {
        let sem = Arc::clone(&sem);
        thread::spawn(move || {
            let _permit = block_on(sem.acquire()).expect("open");
            panic!("worker failed while holding a permit");
        })
    };
    assert!(worker.join().is_err());
    assert_eq!(sem.available_permits(), 1);
}

// ---------------------------------------------------------------------------
// Semaphore: threads
// ---------------------------------------------------------------------------

#[test]
fn many_threads_never_exceed_the_permit_count() {
    const PERMITS: usize = 3;
    const THREADS: usize = if cfg!(miri) { 4 } else { 8 };
    const ROUNDS: usize = if cfg!(miri) { 25 } else { 1000 };

    static SEM: Semaphore = Semaphore::new(PERMITS);
    static INSIDE: AtomicUsize = AtomicUsize::new(0);
    static MAX_INSIDE: AtomicUsize = AtomicUsize::new(0);
    static COMPLETED: AtomicUsize = AtomicUsize::new(0);

    let threads: Vec<_> = (0..THREADS)
        .map(|t| {
            thread::spawn(move || {
                for round in 0..ROUNDS {
                    // Mix both ways in so hand-off races with try_acquire.
                    let permit = if (t + round) % 4 == 0 {
                        match SEM.try_acquire() {
                            Some(p) => p,
                            None => block_on(SEM.acquire()).expect("open"),
                        }
                    } else {
                        block_on(SEM.acquire()).expect("open")
                    };
                    let now = INSIDE.fetch_add(1, Ordering::SeqCst) + 1;
                    MAX_INSIDE.fetch_max(now, Ordering::SeqCst);
                    if round % 8 == 0 {
                        thread::yield_now();
                    }
                    INSIDE.fetch_sub(1, Ordering::SeqCst);
                    drop(permit);
                    COMPLETED.fetch_add(1, Ordering::SeqCst);
                }
            })
        })
        .collect();
    for t in threads {
        t.join().expect("worker panicked");
    }

    let max = MAX_INSIDE.load(Ordering::SeqCst);
    assert!(
        max <= PERMITS,
        "{max} holders at once with {PERMITS} permits"
    );
    assert!(max >= 1);
    assert_eq!(COMPLETED.load(Ordering::SeqCst), THREADS * ROUNDS);
    assert_eq!(SEM.available_permits(), PERMITS, "every permit came back");
}

#[test]
fn acquire_future_can_move_to_another_thread() {
    let sem = Arc::new(Semaphore::new(1));
    let held = sem.try_acquire().expect("permit");
    let done = Arc::new(AtomicBool::new(false));
    let waiter = {
        let sem = Arc::clone(&sem);
        let done = Arc::clone(&done);
        thread::spawn(move || {
            // The `Acquire` future is created here and awaited here; what
            // crosses threads is the permit hand-off and the wake-up.
            let permit = block_on(sem.acquire()).expect("open");
            done.store(true, Ordering::SeqCst);
            drop(permit);
        })
    };
    // Give the waiter a chance to queue; correctness does not depend on it.
    thread::yield_now();
    assert!(!done.load(Ordering::SeqCst));
    drop(held);
    waiter.join().expect("waiter panicked");
    assert!(done.load(Ordering::SeqCst));
    assert_eq!(sem.available_permits(), 1);

    // And an `Acquire` created on one thread can be awaited on another.
    let sem = Semaphore::new(1);
    let fut = sem.acquire();
    thread::scope(|s| {
        s.spawn(move || block_on(fut).expect("open").forget());
    });
    assert_eq!(sem.available_permits(), 0, "the permit was forgotten");
}

#[test]
fn close_from_another_thread_wakes_blocked_waiters() {
    const WAITERS: usize = 3;
    let sem = Arc::new(Semaphore::new(0));
    let waiters: Vec<_> = (0..WAITERS)
        .map(|_| {
            let sem = Arc::clone(&sem);
            thread::spawn(move || block_on(sem.acquire()).err())
        })
        .collect();
    thread::yield_now();
    sem.close();
    for w in waiters {
        assert_eq!(
            w.join().expect("waiter panicked"),
            Some(ExecutorError::NotRunning)
        );
    }
}

// ---------------------------------------------------------------------------
// AtomicWaker
// ---------------------------------------------------------------------------

#[test]
fn atomic_waker_wake_without_register_is_a_no_op() {
    let slot = AtomicWaker::new();
    slot.wake();
    assert!(slot.take().is_none());
}

#[test]
fn atomic_waker_wakes_the_registered_waker_once() {
    let slot = AtomicWaker::new();
    let (counter, waker) = CountingWaker::new();
    slot.register(&waker);
    slot.wake();
    assert_eq!(counter.count(), 1);
    slot.wake();
    assert_eq!(counter.count(), 1, "the slot is empty after a wake");
}

#[test]
fn atomic_waker_keeps_only_the_latest_waker() {
    let slot = AtomicWaker::default();
    let (old_counter, old_waker) = CountingWaker::new();
    let (new_counter, new_waker) = CountingWaker::new();
    slot.register(&old_waker);
    slot.register(&new_waker);
    slot.wake();
    assert_eq!((old_counter.count(), new_counter.count()), (0, 1));
}

#[test]
fn atomic_waker_take_returns_without_waking() {
    let slot = AtomicWaker::new();
    let (counter, waker) = CountingWaker::new();
    slot.register(&waker);
    let taken = slot.take().expect("registered");
    assert_eq!(counter.count(), 0);
    assert!(slot.take().is_none());
    // It is the registered waker (`will_wake` is no proof: vtable addresses
    // are not unique, e.g. under Miri).
    taken.wake();
    assert_eq!(counter.count(), 1);
}

#[test]
fn atomic_waker_in_a_static() {
    static SLOT: AtomicWaker = AtomicWaker::new();
    let (counter, waker) = CountingWaker::new();
    SLOT.register(&waker);
    SLOT.wake();
    assert_eq!(counter.count(), 1);
}

#[test]
fn atomic_waker_no_lost_wake_up_when_register_races_wake() {
    // A one-shot signal per round: the waiter registers then checks the
    // flag; the signaller sets the flag then wakes. A lost wake-up would
    // leave `block_on` parked forever (the test would hang).
    const ROUNDS: usize = if cfg!(miri) { 30 } else { 2000 };

    struct Signal {
        slot: AtomicWaker,
        set: AtomicBool,
    }

    struct Wait<'a>(&'a Signal);

    impl Future for Wait<'_> {
        type Output = ();
        fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
            self.0.slot.register(cx.waker());
            if self.0.set.load(Ordering::Acquire) {
                Poll::Ready(())
            } else {
                Poll::Pending
            }
        }
    }

    for _ in 0..ROUNDS {
        let signal = Arc::new(Signal {
            slot: AtomicWaker::new(),
            set: AtomicBool::new(false),
        });
        let signaller = {
            let signal = Arc::clone(&signal);
            thread::spawn(move || {
                signal.set.store(true, Ordering::Release);
                signal.slot.wake();
            })
        };
        block_on(Wait(&signal));
        signaller.join().expect("signaller panicked");
    }
}

#[test]
fn atomic_waker_concurrent_wakes_deliver_at_least_one() {
    // Several threads wake while the owner keeps re-registering; the owner
    // waits until it has observed all of them via the counter, re-polled on
    // every delivered wake-up.
    const WAKERS: usize = if cfg!(miri) { 3 } else { 8 };
    let slot = Arc::new(AtomicWaker::new());
    let fired = Arc::new(AtomicUsize::new(0));

    struct AllFired<'a> {
        slot: &'a AtomicWaker,
        fired: &'a AtomicUsize,
    }
    impl Future for AllFired<'_> {
        type Output = ();
        fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
            self.slot.register(cx.waker());
            if self.fired.load(Ordering::Acquire) == WAKERS {
                Poll::Ready(())
            } else {
                Poll::Pending
            }
        }
    }

    let threads: Vec<_> = (0..WAKERS)
        .map(|_| {
            let slot = Arc::clone(&slot);
            let fired = Arc::clone(&fired);
            thread::spawn(move || {
                fired.fetch_add(1, Ordering::Release);
                slot.wake();
            })
        })
        .collect();
    block_on(AllFired {
        slot: &slot,
        fired: &fired,
    });
    for t in threads {
        t.join().expect("waker thread panicked");
    }
}
