//! Loom models of the fallback executor (the real `FallbackExecutor`, on
//! loom's atomics, cells, mutex and condition variable): wakers firing while
//! tasks are polled, two threads driving at once, a sleeping `block_on`
//! woken from another thread, shutdown racing spawns and polls.
//!
//! `RUSTFLAGS="--cfg loom" cargo test -p wrt-async-core --release --test loom_fallback`
#![cfg(loom)]

mod loom_support;

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::AtomicUsize as StdAtomicUsize;
use std::task::{Context, Poll};

use loom::sync::atomic::{AtomicBool, Ordering};
use loom::thread;
use wrt_async_core::sync::AtomicWaker;
use wrt_async_core::{ExecutorError, FallbackExecutor, TaskPool, WrtExecutor};

loom::lazy_static! {
    // A fresh executor in every execution loom explores.
    static ref EXEC: FallbackExecutor<2> = FallbackExecutor::new();
}

fn exec() -> &'static FallbackExecutor<2> {
    &EXEC
}

/// What a [`Probe`] shares with the test and the thread that releases it.
#[derive(Default)]
struct Shared {
    /// Set by the releasing thread before it wakes the probe.
    go: AtomicBool,
    /// The probe's waker, registered on every poll, as a real future does.
    waker: AtomicWaker,
    /// Up while the probe is being polled: two polls at once fail the model.
    in_poll: AtomicBool,
    /// Set when the probe returned `Ready`.
    done: AtomicBool,
    // Counters, read only once every thread was joined.
    polls: StdAtomicUsize,
    drops: StdAtomicUsize,
}

impl Shared {
    /// Releases the probe, from whatever thread.
    fn release(&self) {
        self.go.store(true, Ordering::Release);
        self.waker.wake();
    }
    fn polls(&self) -> usize {
        self.polls.load(std::sync::atomic::Ordering::SeqCst)
    }
    fn drops(&self) -> usize {
        self.drops.load(std::sync::atomic::Ordering::SeqCst)
    }
    fn done(&self) -> bool {
        self.done.load(Ordering::SeqCst)
    }
}

/// A task that completes once released, checking how it is polled.
struct Probe(Arc<Shared>);

impl Probe {
    fn new() -> (Self, Arc<Shared>) {
        let shared = Arc::new(Shared::default());
        (Self(shared.clone()), shared)
    }
}

impl Future for Probe {
    type Output = ();
    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        let shared = &self.0;
        assert!(
            !shared.in_poll.swap(true, Ordering::SeqCst),
            "polled twice at once"
        );
        assert!(
            !shared.done.load(Ordering::SeqCst),
            "polled after completion"
        );
        shared
            .polls
            .fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        // Register, then check: a release after the check finds the waker.
        shared.waker.register(cx.waker());
        let ready = shared.go.load(Ordering::Acquire);
        if ready {
            shared.done.store(true, Ordering::SeqCst);
        }
        shared.in_poll.store(false, Ordering::SeqCst);
        if ready {
            Poll::Ready(())
        } else {
            Poll::Pending
        }
    }
}

impl Drop for Probe {
    fn drop(&mut self) {
        assert!(
            !self.0.in_poll.load(Ordering::SeqCst),
            "dropped while polled"
        );
        self.0
            .drops
            .fetch_add(1, std::sync::atomic::Ordering::SeqCst);
    }
}

#[test]
fn wake_racing_poll_once_is_never_lost() {
    loom_support::check("fallback: wake vs. poll_once", None, || {
        let (probe, shared) = Probe::new();
        exec().spawn(Box::pin(probe)).unwrap();
        let waker = {
            let shared = shared.clone();
            thread::spawn(move || shared.release())
        };
        exec().poll_once().unwrap();
        waker.join().unwrap();
        // Whatever the interleaving, the wake is not lost: one more round
        // completes the task.
        exec().poll_once().unwrap();
        assert!(shared.done(), "wake-up lost");
        assert!(shared.polls() <= 2, "one wake, at most one extra poll");
        assert_eq!(shared.drops(), 1, "the finished task is dropped at once");
        assert_eq!(exec().stats().live, 0);
    });
}

#[test]
fn two_drivers_never_poll_a_task_twice_at_once() {
    loom_support::check("fallback: 2 drivers + waker", None, || {
        let (probe, shared) = Probe::new();
        exec().spawn(Box::pin(probe)).unwrap();
        let waker = {
            let shared = shared.clone();
            thread::spawn(move || shared.release())
        };
        let driver = thread::spawn(|| exec().poll_once().unwrap());
        exec().poll_once().unwrap();
        waker.join().unwrap();
        driver.join().unwrap();
        exec().poll_once().unwrap();
        assert!(shared.done(), "wake-up lost");
        assert!(shared.polls() <= 2);
        assert_eq!(shared.drops(), 1);
    });
}

#[test]
fn sleeping_block_on_is_woken_from_another_thread() {
    loom_support::check("fallback: block_on sleeps, woken by a thread", None, || {
        let (probe, shared) = Probe::new();
        let waker = {
            let shared = shared.clone();
            thread::spawn(move || shared.release())
        };
        // A lost wake-up leaves this thread waiting on the condition
        // variable for ever, which loom reports as a deadlock.
        assert_eq!(exec().block_on(probe), Ok(()));
        waker.join().unwrap();
        assert!(shared.polls() <= 2);
    });
}

loom::lazy_static! {
    static ref POOL: TaskPool<Probe, 1> = TaskPool::new();
}

#[test]
fn block_on_runs_a_task_woken_from_another_thread() {
    loom_support::check(
        "fallback: block_on(join) of a task woken by a thread",
        None,
        || {
            let (probe, shared) = Probe::new();
            let join = POOL.claim(|| probe).spawn_on(exec()).unwrap();
            let waker = {
                let shared = shared.clone();
                thread::spawn(move || shared.release())
            };
            // The root (the join handle) waits for the task, the task for the
            // other thread: block_on must sleep and be woken through the task.
            assert_eq!(exec().block_on(join), Ok(Ok(())));
            waker.join().unwrap();
            assert_eq!(shared.drops(), 1);
            assert_eq!(POOL.in_use(), 0);
        },
    );
}

#[test]
fn spawn_racing_shutdown_drops_the_task_exactly_once() {
    loom_support::check("fallback: spawn vs. shutdown", None, || {
        let (probe, shared) = Probe::new();
        let spawner = thread::spawn(move || exec().spawn(Box::pin(probe)).map(|_| ()));
        exec().shutdown().unwrap();
        let spawned = spawner.join().unwrap();
        assert!(matches!(spawned, Ok(()) | Err(ExecutorError::NotRunning)));
        assert_eq!(
            shared.drops(),
            1,
            "refused or drained, dropped exactly once"
        );
        assert_eq!(shared.polls(), 0, "never polled after shutdown");
        assert_eq!(exec().stats().live, 0);
    });
}

#[test]
fn shutdown_racing_a_poll_drops_the_task_exactly_once() {
    loom_support::check("fallback: shutdown vs. a driver polling", None, || {
        let (probe, shared) = Probe::new();
        exec().spawn(Box::pin(probe)).unwrap();
        let driver = thread::spawn(|| exec().poll_once());
        exec().shutdown().unwrap();
        // Shutdown returns only after the task is dropped, even when the
        // other thread was polling it.
        assert_eq!(shared.drops(), 1);
        let polled = driver.join().unwrap();
        assert!(matches!(polled, Ok(()) | Err(ExecutorError::NotRunning)));
        assert_eq!(shared.drops(), 1);
        assert!(shared.polls() <= 1);
        assert_eq!(exec().stats().live, 0);
    });
}
