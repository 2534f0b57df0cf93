//! Loom models of the `Semaphore` (the real one: its spin lock, intrusive
//! waiter list and `AtomicWaker`s on loom's atomics and cells) and of
//! `AtomicWaker` on its own.
//!
//! `RUSTFLAGS="--cfg loom" cargo test -p wrt-async-core --release --test loom_semaphore`
#![cfg(loom)]

mod loom_support;

use std::future::Future;
use std::pin::pin;
use std::sync::Arc;
use std::task::{Context, Poll, Waker};

use loom::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use loom::thread;
use loom_support::block_on;
use wrt_async_core::ExecutorError;
use wrt_async_core::sync::{AtomicWaker, Semaphore};

#[test]
fn permits_are_never_exceeded_and_no_wake_up_is_lost() {
    loom_support::check("semaphore: 2 threads acquire 1 permit", None, || {
        let sem = Arc::new(Semaphore::new(1));
        let inside = Arc::new(AtomicUsize::new(0));
        let worker = |sem: Arc<Semaphore>, inside: Arc<AtomicUsize>| {
            move || {
                // Parks while queued: a lost hand-off is a deadlock.
                let permit = block_on(sem.acquire()).unwrap();
                assert_eq!(inside.fetch_add(1, Ordering::SeqCst), 0, "two holders");
                inside.fetch_sub(1, Ordering::SeqCst);
                drop(permit);
            }
        };
        let other = thread::spawn(worker(sem.clone(), inside.clone()));
        worker(sem.clone(), inside)();
        other.join().unwrap();
        assert_eq!(sem.available_permits(), 1);
    });
}

#[test]
fn a_cancelled_waiter_passes_its_permit_on() {
    loom_support::check("semaphore: release vs. waiter dropped", None, || {
        let sem = Arc::new(Semaphore::new(1));
        let held = sem.try_acquire().unwrap();
        let waiter = {
            let sem = sem.clone();
            thread::spawn(move || {
                let mut acquire = pin!(sem.acquire());
                let mut cx = Context::from_waker(Waker::noop());
                // Queued, or granted if the release came first; dropped
                // either way, before or after the hand-off.
                match acquire.as_mut().poll(&mut cx) {
                    Poll::Ready(permit) => drop(permit.unwrap()),
                    Poll::Pending => {}
                }
            })
        };
        drop(held);
        waiter.join().unwrap();
        // Whatever the order, the permit is back in the pool.
        assert_eq!(sem.available_permits(), 1);
        assert!(sem.try_acquire().is_some());
    });
}

/// A waiter on one thread; on the other the permit is released and the
/// semaphore closed, in either order. (Two threads: with a third, two of
/// them may spin on the semaphore's lock at once, and loom lets spinners
/// hand the processor to each other for ever.)
fn close_model(name: &str, release_first: bool) {
    loom_support::check(name, None, move || {
        let sem = Arc::new(Semaphore::new(1));
        let held = sem.try_acquire().unwrap();
        let waiter = {
            let sem = sem.clone();
            thread::spawn(move || block_on(sem.acquire()).map(drop))
        };
        if release_first {
            drop(held);
            sem.close();
        } else {
            sem.close();
            drop(held);
        }
        // Woken with an error, or granted the permit: never left waiting.
        let outcome = waiter.join().unwrap();
        assert!(matches!(outcome, Ok(()) | Err(ExecutorError::NotRunning)));
        if !release_first {
            assert_eq!(outcome, Err(ExecutorError::NotRunning));
        }
        assert!(sem.is_closed());
        assert_eq!(
            sem.available_permits(),
            1,
            "the permit came back either way"
        );
    });
}

#[test]
fn close_wakes_a_waiter_or_it_gets_the_permit() {
    close_model("semaphore: release, then close, vs. acquire", true);
}

#[test]
fn close_wakes_a_waiter_before_the_permit_returns() {
    close_model("semaphore: close, then release, vs. acquire", false);
}

#[test]
fn atomic_waker_never_loses_a_wake_up() {
    loom_support::check("AtomicWaker: register vs. wake", None, || {
        struct Shared {
            ready: AtomicBool,
            waker: AtomicWaker,
        }
        let shared = Arc::new(Shared {
            ready: AtomicBool::new(false),
            waker: AtomicWaker::new(),
        });
        let producer = {
            let shared = shared.clone();
            thread::spawn(move || {
                shared.ready.store(true, Ordering::Release);
                shared.waker.wake();
            })
        };
        // Register, then check; parks until woken.
        block_on(std::future::poll_fn(|cx| {
            shared.waker.register(cx.waker());
            if shared.ready.load(Ordering::Acquire) {
                Poll::Ready(())
            } else {
                Poll::Pending
            }
        }));
        producer.join().unwrap();
    });
}
