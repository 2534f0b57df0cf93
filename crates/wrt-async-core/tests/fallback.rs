//! Behaviour of the built-in fallback executor.

mod common;

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use common::{DropCounter, Signal, scaled, yield_now};
use wrt_async_core::{ExecutorError, FallbackExecutor, MAX_TASKS, WrtExecutor, current_executor};

#[test]
fn size_is_at_most_one_kib() {
    assert!(
        size_of::<FallbackExecutor>() <= 1024,
        "FallbackExecutor<32> is {} bytes",
        size_of::<FallbackExecutor>()
    );
    assert_eq!(MAX_TASKS, 32);
}

#[test]
fn block_on_returns_output_and_runs_spawned_tasks() {
    static EXEC: FallbackExecutor = FallbackExecutor::new();
    let ran = Arc::new(AtomicUsize::new(0));
    for _ in 0..3 {
        let ran = ran.clone();
        EXEC.spawn(Box::pin(async move {
            yield_now().await;
            ran.fetch_add(1, Ordering::SeqCst);
        }))
        .unwrap();
    }
    let out = EXEC
        .block_on(async {
            // Give the tasks a chance to run: they need two polls each.
            yield_now().await;
            yield_now().await;
            "out"
        })
        .unwrap();
    assert_eq!(out, "out");
    assert_eq!(ran.load(Ordering::SeqCst), 3);
    let stats = EXEC.stats();
    assert_eq!(
        (stats.live, stats.spawned, stats.completed, stats.panicked),
        (0, 3, 3, 0)
    );
    assert_eq!(stats.polls, 6, "each task polled exactly twice");
}

#[test]
fn task_ids_are_unique_and_nonzero() {
    static EXEC: FallbackExecutor = FallbackExecutor::new();
    let mut ids = Vec::new();
    for _ in 0..100 {
        ids.push(EXEC.spawn(Box::pin(async {})).unwrap().id);
        EXEC.poll_once().unwrap();
    }
    assert!(!ids.contains(&0));
    let mut sorted = ids.clone();
    sorted.sort_unstable();
    sorted.dedup();
    assert_eq!(sorted.len(), ids.len());
}

#[test]
fn thirty_third_live_task_is_refused_and_slot_reused_at_once() {
    static EXEC: FallbackExecutor = FallbackExecutor::new();
    let gates: Vec<Signal> = (0..MAX_TASKS).map(|_| Signal::default()).collect();
    for gate in &gates {
        let gate = gate.clone();
        EXEC.spawn(Box::pin(async move { gate.wait().await }))
            .unwrap();
    }
    EXEC.poll_once().unwrap();
    assert_eq!(
        EXEC.spawn(Box::pin(async {})).unwrap_err(),
        ExecutorError::OutOfResources
    );
    assert_eq!(EXEC.stats().live, MAX_TASKS);
    gates[7].set();
    EXEC.poll_once().unwrap();
    assert_eq!(EXEC.stats().live, MAX_TASKS - 1);
    assert!(
        EXEC.spawn(Box::pin(async {})).is_ok(),
        "a freed slot is reusable at once"
    );
    assert_eq!(
        EXEC.spawn(Box::pin(async {})).unwrap_err(),
        ExecutorError::OutOfResources
    );
    EXEC.shutdown().unwrap();
}

#[test]
fn a_million_short_tasks_in_sequence() {
    static EXEC: FallbackExecutor = FallbackExecutor::new();
    let n = scaled(1_000_000, 2_000);
    let done = Arc::new(AtomicUsize::new(0));
    for _ in 0..n {
        let done = done.clone();
        EXEC.spawn(Box::pin(async move {
            done.fetch_add(1, Ordering::Relaxed);
        }))
        .unwrap();
        EXEC.poll_once().unwrap();
    }
    assert_eq!(done.load(Ordering::Relaxed), n);
    let stats = EXEC.stats();
    assert_eq!((stats.live, stats.spawned, stats.completed), (0, n, n));
}

#[test]
fn poll_once_polls_only_woken_tasks_each_at_most_once() {
    static EXEC: FallbackExecutor = FallbackExecutor::new();
    let polls = Arc::new(AtomicUsize::new(0));
    // A task that wakes itself on every poll and never finishes.
    struct Spin(Arc<AtomicUsize>);
    impl std::future::Future for Spin {
        type Output = ();
        fn poll(
            self: std::pin::Pin<&mut Self>,
            cx: &mut std::task::Context<'_>,
        ) -> std::task::Poll<()> {
            self.0.fetch_add(1, Ordering::SeqCst);
            cx.waker().wake_by_ref();
            std::task::Poll::Pending
        }
    }
    let sleeper_polls = Arc::new(AtomicUsize::new(0));
    struct Sleep(Arc<AtomicUsize>);
    impl std::future::Future for Sleep {
        type Output = ();
        fn poll(
            self: std::pin::Pin<&mut Self>,
            _: &mut std::task::Context<'_>,
        ) -> std::task::Poll<()> {
            self.0.fetch_add(1, Ordering::SeqCst);
            std::task::Poll::Pending
        }
    }
    EXEC.spawn(Box::pin(Spin(polls.clone()))).unwrap();
    EXEC.spawn(Box::pin(Sleep(sleeper_polls.clone()))).unwrap();
    for round in 1..=10 {
        EXEC.poll_once().unwrap();
        assert_eq!(
            polls.load(Ordering::SeqCst),
            round,
            "self-waking task: once per call"
        );
    }
    assert_eq!(
        sleeper_polls.load(Ordering::SeqCst),
        1,
        "never woken again, never polled again"
    );
    EXEC.shutdown().unwrap();
}

#[test]
fn fair_order_no_task_starves() {
    static EXEC: FallbackExecutor<4> = FallbackExecutor::new();
    let counts: Arc<[AtomicUsize; 4]> = Arc::new(Default::default());
    for i in 0..4 {
        let counts = counts.clone();
        EXEC.spawn(Box::pin(async move {
            loop {
                counts[i].fetch_add(1, Ordering::SeqCst);
                yield_now().await;
            }
        }))
        .unwrap();
    }
    for _ in 0..50 {
        EXEC.poll_once().unwrap();
    }
    for c in counts.iter() {
        assert_eq!(c.load(Ordering::SeqCst), 50);
    }
    EXEC.shutdown().unwrap();
}

#[test]
fn wake_from_another_thread_resumes_a_sleeping_block_on() {
    static EXEC: FallbackExecutor = FallbackExecutor::new();
    let signal = Signal::default();
    let setter = {
        let signal = signal.clone();
        std::thread::spawn(move || {
            std::thread::sleep(Duration::from_millis(20));
            signal.set();
        })
    };
    let task_signal = Signal::default();
    {
        let (outer, inner) = (signal.clone(), task_signal.clone());
        EXEC.spawn(Box::pin(async move {
            outer.wait().await;
            inner.set();
        }))
        .unwrap();
    }
    // The root waits for the task, which waits for the other thread.
    EXEC.block_on(task_signal.wait()).unwrap();
    setter.join().unwrap();
    assert_eq!(EXEC.stats().completed, 1);
}

#[test]
fn block_on_sleeps_instead_of_spinning() {
    static EXEC: FallbackExecutor = FallbackExecutor::new();
    let signal = Signal::default();
    let polls = Arc::new(AtomicUsize::new(0));
    let setter = {
        let signal = signal.clone();
        std::thread::spawn(move || {
            std::thread::sleep(Duration::from_millis(50));
            signal.set();
        })
    };
    let counted = {
        let polls = polls.clone();
        let mut wait = Box::pin(signal.wait());
        std::future::poll_fn(move |cx| {
            polls.fetch_add(1, Ordering::SeqCst);
            wait.as_mut().poll(cx)
        })
    };
    EXEC.block_on(counted).unwrap();
    setter.join().unwrap();
    assert_eq!(
        polls.load(Ordering::SeqCst),
        2,
        "polled once, then once after the wake"
    );
}

#[test]
fn shutdown_drops_every_live_task_exactly_once() {
    static EXEC: FallbackExecutor = FallbackExecutor::new();
    let drops = DropCounter::default();
    for _ in 0..10 {
        let token = drops.token();
        EXEC.spawn(Box::pin(async move {
            let _token = token;
            std::future::pending::<()>().await;
        }))
        .unwrap();
    }
    EXEC.poll_once().unwrap();
    assert_eq!(drops.count(), 0);
    assert!(EXEC.is_running());
    EXEC.shutdown().unwrap();
    assert!(!EXEC.is_running());
    assert_eq!(drops.count(), 10);
    EXEC.shutdown().unwrap();
    assert_eq!(drops.count(), 10, "a second shutdown drops nothing twice");
    assert_eq!(EXEC.stats().live, 0);
    assert_eq!(
        EXEC.spawn(Box::pin(async {})).unwrap_err(),
        ExecutorError::NotRunning
    );
    assert_eq!(
        EXEC.block_on(async {}).unwrap_err(),
        ExecutorError::NotRunning
    );
    assert_eq!(EXEC.poll_once().unwrap_err(), ExecutorError::NotRunning);
}

#[test]
fn shutdown_from_inside_a_task() {
    static EXEC: FallbackExecutor = FallbackExecutor::new();
    let drops = DropCounter::default();
    let token = drops.token();
    EXEC.spawn(Box::pin(async move {
        let _token = token;
        std::future::pending::<()>().await;
    }))
    .unwrap();
    EXEC.spawn(Box::pin(async { EXEC.shutdown().unwrap() }))
        .unwrap();
    let result = EXEC.block_on(std::future::pending::<()>());
    assert_eq!(result, Err(ExecutorError::NotRunning));
    assert_eq!(drops.count(), 1);
}

#[test]
fn wakers_are_harmless_after_completion_and_shutdown() {
    static EXEC: FallbackExecutor = FallbackExecutor::new();
    let handle = EXEC.spawn(Box::pin(async {})).unwrap();
    let waker = handle.waker.clone().unwrap();
    EXEC.poll_once().unwrap();
    waker.wake_by_ref(); // task finished: nothing to poll
    EXEC.poll_once().unwrap();
    assert_eq!(EXEC.stats().polls, 1);
    EXEC.shutdown().unwrap();
    // A clone is a waker of its own, woken (and dropped) by value.
    let clone = waker.clone();
    clone.wake();
    std::thread::spawn(move || waker.wake()).join().unwrap();
    assert_eq!(EXEC.stats().polls, 1);
}

#[test]
fn wakers_are_send_and_sync() {
    fn assert_send_sync<T: Send + Sync>(_: &T) {}
    static EXEC: FallbackExecutor = FallbackExecutor::new();
    let handle = EXEC.spawn(Box::pin(async {})).unwrap();
    assert_send_sync(handle.waker.as_ref().unwrap());
    EXEC.poll_once().unwrap();
}

#[test]
fn a_task_may_spawn_tasks() {
    static EXEC: FallbackExecutor = FallbackExecutor::new();
    let done = Arc::new(AtomicUsize::new(0));
    let d = done.clone();
    EXEC.spawn(Box::pin(async move {
        for _ in 0..5 {
            let d = d.clone();
            // Inside a task, the executor running it is the current one.
            current_executor()
                .spawn(Box::pin(async move {
                    d.fetch_add(1, Ordering::SeqCst);
                }))
                .unwrap();
        }
    }))
    .unwrap();
    EXEC.block_on(async {
        for _ in 0..3 {
            yield_now().await;
        }
    })
    .unwrap();
    assert_eq!(done.load(Ordering::SeqCst), 5);
    assert_eq!(EXEC.stats().spawned, 6);
}

#[test]
fn block_on_inside_a_task_is_an_error_not_a_deadlock() {
    static EXEC: FallbackExecutor = FallbackExecutor::new();
    static OTHER: FallbackExecutor<1> = FallbackExecutor::new();
    let seen = Arc::new(std::sync::Mutex::new(Vec::new()));
    let s = seen.clone();
    EXEC.spawn(Box::pin(async move {
        s.lock().unwrap().push(EXEC.block_on(async { 1 }));
        s.lock().unwrap().push(OTHER.block_on(async { 2 }));
        s.lock()
            .unwrap()
            .push(wrt_async_core::with_async(async { 3 }));
    }))
    .unwrap();
    EXEC.block_on(yield_now()).unwrap();
    assert_eq!(
        *seen.lock().unwrap(),
        vec![Err(ExecutorError::WouldDeadlock); 3]
    );
}

#[test]
fn panicking_task_is_isolated_and_counted() {
    static EXEC: FallbackExecutor = FallbackExecutor::new();
    let survivors = Arc::new(AtomicUsize::new(0));
    let drops = DropCounter::default();
    let token = drops.token();
    EXEC.spawn(Box::pin(async move {
        let _token = token;
        yield_now().await;
        panic!("task failure");
    }))
    .unwrap();
    for _ in 0..3 {
        let survivors = survivors.clone();
        EXEC.spawn(Box::pin(async move {
            yield_now().await;
            yield_now().await;
            survivors.fetch_add(1, Ordering::SeqCst);
        }))
        .unwrap();
    }
    EXEC.block_on(async {
        for _ in 0..4 {
            yield_now().await;
        }
    })
    .unwrap();
    assert_eq!(survivors.load(Ordering::SeqCst), 3);
    assert_eq!(drops.count(), 1, "the panicked task's future was dropped");
    let stats = EXEC.stats();
    assert_eq!((stats.panicked, stats.completed, stats.live), (1, 3, 0));
    assert!(EXEC.is_running());
}

#[test]
fn task_whose_drop_panics_does_not_take_the_executor_down() {
    static EXEC: FallbackExecutor = FallbackExecutor::new();
    struct PanicOnDrop;
    impl Drop for PanicOnDrop {
        fn drop(&mut self) {
            panic!("drop failure");
        }
    }
    let guard = PanicOnDrop;
    EXEC.spawn(Box::pin(async move {
        let _guard = guard;
    }))
    .unwrap();
    let guard = PanicOnDrop;
    EXEC.spawn(Box::pin(async move {
        let _guard = guard;
        std::future::pending::<()>().await;
    }))
    .unwrap();
    EXEC.block_on(yield_now()).unwrap();
    assert_eq!(EXEC.stats().live, 1);
    EXEC.shutdown().unwrap();
    assert_eq!(EXEC.stats().live, 0);
}

#[test]
fn root_panic_propagates_and_executor_stays_usable() {
    static EXEC: FallbackExecutor = FallbackExecutor::new();
    let caught = std::panic::catch_unwind(|| EXEC.block_on(async { panic!("root") }));
    assert!(caught.is_err());
    assert_eq!(EXEC.block_on(async { 1 }), Ok(1));
}

#[test]
fn with_async_reports_a_panic_as_task_panicked() {
    let result = wrt_async_core::with_async(async {
        panic!("inside with_async");
    });
    assert_eq!(result, Err::<(), _>(ExecutorError::TaskPanicked));
}

#[test]
fn block_on_from_many_threads_at_once() {
    static EXEC: FallbackExecutor = FallbackExecutor::new();
    let threads = scaled(8, 3);
    let rounds = scaled(200, 5);
    let total = Arc::new(AtomicUsize::new(0));
    let handles: Vec<_> = (0..threads)
        .map(|t| {
            let total = total.clone();
            std::thread::spawn(move || {
                for r in 0..rounds {
                    let signal = Signal::default();
                    // A spawned task finishes the root's wait: the root of
                    // this thread depends on whichever thread drives tasks.
                    let spawned = loop {
                        let s = signal.clone();
                        let total2 = total.clone();
                        match EXEC.spawn(Box::pin(async move {
                            yield_now().await;
                            total2.fetch_add(1, Ordering::SeqCst);
                            s.set();
                        })) {
                            Ok(h) => break h,
                            Err(ExecutorError::OutOfResources) => std::thread::yield_now(),
                            Err(e) => panic!("{e}"),
                        }
                    };
                    let _ = spawned;
                    let v = EXEC.block_on(async move {
                        signal.wait().await;
                        t * 1000 + r
                    });
                    assert_eq!(v, Ok(t * 1000 + r));
                }
            })
        })
        .collect();
    for h in handles {
        h.join().unwrap();
    }
    assert_eq!(total.load(Ordering::SeqCst), threads * rounds);
    assert_eq!(EXEC.stats().live, 0);
}

#[test]
fn smaller_capacity() {
    static EXEC: FallbackExecutor<2> = FallbackExecutor::new();
    let gate = Signal::default();
    for _ in 0..2 {
        let g = gate.clone();
        EXEC.spawn(Box::pin(async move { g.wait().await })).unwrap();
    }
    assert_eq!(
        EXEC.spawn(Box::pin(async {})).unwrap_err(),
        ExecutorError::OutOfResources
    );
    assert_eq!(EXEC.stats().capacity, 2);
    assert!(size_of::<FallbackExecutor<2>>() < size_of::<FallbackExecutor<32>>());
    EXEC.shutdown().unwrap();
}

#[test]
fn executor_driving_a_thread_is_current_there() {
    static EXEC: FallbackExecutor<4> = FallbackExecutor::new();
    let is_exec = |e: &dyn WrtExecutor| std::ptr::addr_eq(e, &EXEC as &dyn WrtExecutor);
    assert!(!is_exec(current_executor()));
    EXEC.block_on(async {
        assert!(is_exec(current_executor()));
        assert!(wrt_async_core::is_using_fallback());
    })
    .unwrap();
    assert!(!is_exec(current_executor()));
}
