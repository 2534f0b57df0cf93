//! Static task pools: claiming, joining, cancelling, running on any executor.

mod common;

use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::task::{Context, Poll};

use common::{DropCounter, DropToken, Signal, SignalWait, scaled};
use wrt_async_core::{
    BoxedFuture, ExecutorError, ExecutorState, FallbackExecutor, TaskHandle, TaskPool, WrtExecutor,
};

/// A nameable task future: waits for a signal, then returns a value, and
/// reports its own drop.
struct Job {
    wait: Option<SignalWait>,
    value: u32,
    _token: Option<DropToken>,
    panic: bool,
}

impl Future for Job {
    type Output = u32;
    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<u32> {
        if let Some(wait) = self.wait.as_mut() {
            if Pin::new(wait).poll(cx).is_pending() {
                return Poll::Pending;
            }
        }
        assert!(!self.panic, "job failure");
        Poll::Ready(self.value)
    }
}

fn job(value: u32) -> Job {
    Job {
        wait: None,
        value,
        _token: None,
        panic: false,
    }
}

fn gated(signal: &Signal, value: u32, drops: &DropCounter) -> Job {
    Job {
        wait: Some(signal.wait()),
        value,
        _token: Some(drops.token()),
        panic: false,
    }
}

#[test]
fn tasks_return_values_through_join_handles() {
    static POOL: TaskPool<Job, 4> = TaskPool::new();
    static EXEC: FallbackExecutor<8> = FallbackExecutor::new();
    let joins: Vec<_> = (0..4)
        .map(|v| POOL.claim(|| job(v * 10)).spawn_on(&EXEC).unwrap())
        .collect();
    let ids: Vec<u64> = joins.iter().map(|j| j.id()).collect();
    assert!(ids.iter().all(|&id| id != 0));
    let out = EXEC
        .block_on(async {
            let mut out = Vec::new();
            for j in joins {
                out.push(j.await.unwrap());
            }
            out
        })
        .unwrap();
    assert_eq!(out, vec![0, 10, 20, 30]);
    assert_eq!(POOL.in_use(), 0);
}

#[test]
fn exhausted_pool_reports_out_of_resources_without_building_the_future() {
    static POOL: TaskPool<Job, 2> = TaskPool::new();
    static EXEC: FallbackExecutor = FallbackExecutor::new();
    let signal = Signal::default();
    let drops = DropCounter::default();
    let a = POOL
        .claim(|| gated(&signal, 1, &drops))
        .spawn_on(&EXEC)
        .unwrap();
    let _b = POOL
        .claim(|| gated(&signal, 2, &drops))
        .spawn_on(&EXEC)
        .unwrap();
    let built = AtomicUsize::new(0);
    let err = POOL
        .claim(|| {
            built.fetch_add(1, Ordering::SeqCst);
            job(3)
        })
        .spawn_on(&EXEC)
        .unwrap_err();
    assert_eq!(err, ExecutorError::OutOfResources);
    assert_eq!(built.load(Ordering::SeqCst), 0);
    assert_eq!(POOL.in_use(), 2);
    drop(a); // detached: the slot stays in use until the task ends
    assert_eq!(POOL.in_use(), 2);
    EXEC.shutdown().unwrap();
    assert_eq!(drops.count(), 2);
    assert_eq!(POOL.in_use(), 1, "b's handle still holds its slot");
}

#[test]
fn a_make_that_panics_gives_its_slot_back() {
    // 33 slots: the first 32 are claimed through the pool's bitmap, the last
    // through its own state word; both ways must be undone.
    static POOL: TaskPool<Job, 33> = TaskPool::new();
    let claim_with_panicking_make = || {
        let panic = std::panic::catch_unwind(|| POOL.claim(|| -> Job { panic!("make failed") }));
        assert!(panic.is_err());
    };
    claim_with_panicking_make();
    assert_eq!(POOL.in_use(), 0);

    let held: Vec<_> = (0..32).map(|v| POOL.claim(|| job(v))).collect();
    assert_eq!(POOL.in_use(), 32);
    claim_with_panicking_make();
    assert_eq!(POOL.in_use(), 32);
    let last = POOL.claim(|| job(32));
    assert_eq!(POOL.in_use(), 33);
    drop((held, last));
    assert_eq!(POOL.in_use(), 0);
}

#[test]
fn slot_is_free_once_task_completes_and_handle_is_gone() {
    static POOL: TaskPool<Job, 1> = TaskPool::new();
    static EXEC: FallbackExecutor = FallbackExecutor::new();
    for round in 0..scaled(10_000, 50) as u32 {
        let join = POOL.claim(|| job(round)).spawn_on(&EXEC).unwrap();
        assert_eq!(EXEC.block_on(join), Ok(Ok(round)));
        assert_eq!(POOL.in_use(), 0);
    }
    // Detached (handle dropped first): the slot frees when the task ends.
    drop(POOL.claim(|| job(1)).spawn_on(&EXEC).unwrap());
    assert_eq!(POOL.in_use(), 1);
    EXEC.poll_once().unwrap();
    assert_eq!(POOL.in_use(), 0);
}

#[test]
fn dropping_the_token_or_the_task_frees_the_slot() {
    static POOL: TaskPool<Job, 1> = TaskPool::new();
    let drops = DropCounter::default();
    let signal = Signal::default();
    drop(POOL.claim(|| gated(&signal, 1, &drops)));
    assert_eq!((POOL.in_use(), drops.count()), (0, 1));
    let (task, join) = POOL
        .claim(|| gated(&signal, 1, &drops))
        .into_parts()
        .unwrap();
    drop(task);
    assert_eq!(drops.count(), 2, "cancelling drops the future in place");
    assert!(join.is_finished());
    let exec: &'static dyn WrtExecutor = wrt_async_core::default_executor();
    assert_eq!(exec.block_on(join), Ok(Err(ExecutorError::Cancelled)));
    assert_eq!(POOL.in_use(), 0);
}

#[test]
fn shutdown_cancels_pool_tasks_and_join_reports_it() {
    static POOL: TaskPool<Job, 2> = TaskPool::new();
    static EXEC: FallbackExecutor = FallbackExecutor::new();
    static JOINER: FallbackExecutor = FallbackExecutor::new();
    let signal = Signal::default();
    let drops = DropCounter::default();
    let join = POOL
        .claim(|| gated(&signal, 1, &drops))
        .spawn_on(&EXEC)
        .unwrap();
    EXEC.poll_once().unwrap();
    EXEC.shutdown().unwrap();
    assert_eq!(drops.count(), 1);
    assert_eq!(JOINER.block_on(join), Ok(Err(ExecutorError::Cancelled)));
    assert_eq!(POOL.in_use(), 0);
}

#[test]
fn panicking_pool_task_reports_task_panicked() {
    static POOL: TaskPool<Job, 1> = TaskPool::new();
    static EXEC: FallbackExecutor = FallbackExecutor::new();
    let join = POOL
        .claim(|| Job {
            wait: None,
            value: 0,
            _token: None,
            panic: true,
        })
        .spawn_on(&EXEC)
        .unwrap();
    assert_eq!(EXEC.block_on(join), Ok(Err(ExecutorError::TaskPanicked)));
    assert_eq!(EXEC.stats().panicked, 1);
    assert_eq!(POOL.in_use(), 0);
}

#[test]
fn join_handle_wakes_across_threads() {
    static POOL: TaskPool<Job, 1> = TaskPool::new();
    static WORKER: FallbackExecutor = FallbackExecutor::new();
    static MAIN: FallbackExecutor = FallbackExecutor::new();
    let signal = Signal::default();
    let drops = DropCounter::default();
    let join = POOL
        .claim(|| gated(&signal, 99, &drops))
        .spawn_on(&WORKER)
        .unwrap();
    let worker = std::thread::spawn(move || {
        WORKER.block_on(async {
            signal.set();
            common::yield_now().await;
        })
    });
    assert_eq!(MAIN.block_on(join), Ok(Ok(99)));
    worker.join().unwrap().unwrap();
}

#[test]
fn a_joined_task_s_slot_can_be_claimed_again_at_once() {
    // The runner leaves the slot before it wakes the join handle, so a
    // caller that was woken by the handle can spawn into the pool again at
    // once, while the runner's thread is still inside the wake. A
    // supervisor that restarts the task of a one-slot pool relies on this.
    use std::sync::{Arc, Barrier};
    use std::task::{Wake, Waker};

    /// Holds the runner inside the wake until the joiner has checked.
    struct HeldWake {
        woken: Barrier,
        checked: Barrier,
    }
    impl Wake for HeldWake {
        fn wake(self: Arc<Self>) {
            self.woken.wait();
            self.checked.wait();
        }
    }

    static POOL: TaskPool<Job, 1> = TaskPool::new();
    let held = Arc::new(HeldWake {
        woken: Barrier::new(2),
        checked: Barrier::new(2),
    });
    let (mut task, mut join) = POOL.claim(|| job(5)).into_parts().unwrap();
    let waker = Waker::from(held.clone());
    let mut cx = Context::from_waker(&waker);
    assert!(Pin::new(&mut join).poll(&mut cx).is_pending());
    let runner = std::thread::spawn(move || {
        let mut cx = Context::from_waker(Waker::noop());
        assert!(Pin::new(&mut task).poll(&mut cx).is_ready());
    });
    held.woken.wait();
    assert_eq!(Pin::new(&mut join).poll(&mut cx), Poll::Ready(Ok(5)));
    drop(join);
    let again = POOL.claim(|| job(6)).into_parts();
    held.checked.wait();
    runner.join().unwrap();
    let (task, join) =
        again.expect("the joined task's slot is free although its runner is still waking");
    drop(task);
    assert_eq!(
        wrt_async_core::current_executor().block_on(join),
        Ok(Err(ExecutorError::Cancelled))
    );
}

/// A minimal executor of another kind: spawns boxed futures onto a
/// fallback it owns. Proves pool tasks run on any `WrtExecutor`, through the
/// trait's default `spawn_task` (which boxes the TaskRef).
struct Forwarding {
    inner: &'static FallbackExecutor,
    state: ExecutorState,
}

impl WrtExecutor for Forwarding {
    fn spawn(&'static self, future: BoxedFuture<'static, ()>) -> Result<TaskHandle, ExecutorError> {
        self.state.check_running()?;
        self.inner.spawn(future)?;
        Ok(TaskHandle {
            id: self.state.next_id(),
            waker: None,
        })
    }
    fn is_running(&self) -> bool {
        self.state.is_running()
    }
    fn shutdown(&self) -> Result<(), ExecutorError> {
        self.state.stop();
        Ok(())
    }
}

#[test]
fn pool_tasks_run_on_any_executor() {
    static POOL: TaskPool<Job, 2> = TaskPool::new();
    static INNER: FallbackExecutor = FallbackExecutor::new();
    static OTHER: Forwarding = Forwarding {
        inner: &INNER,
        state: ExecutorState::new(),
    };
    let join = POOL.claim(|| job(7)).spawn_on(&OTHER).unwrap();
    assert_eq!(join.id(), 1);
    assert_eq!(INNER.block_on(join), Ok(Ok(7)));
    OTHER.shutdown().unwrap();
    assert_eq!(
        POOL.claim(|| job(8)).spawn_on(&OTHER).unwrap_err(),
        ExecutorError::NotRunning
    );
    assert_eq!(POOL.in_use(), 0, "a refused spawn frees its slot");
}

#[test]
fn executor_without_spawn_support_refuses_and_frees() {
    struct Nothing;
    impl WrtExecutor for Nothing {
        fn is_running(&self) -> bool {
            true
        }
        fn shutdown(&self) -> Result<(), ExecutorError> {
            Ok(())
        }
    }
    static NOTHING: Nothing = Nothing;
    static POOL: TaskPool<Job, 1> = TaskPool::new();
    let err = POOL.claim(|| job(1)).spawn_on(&NOTHING).unwrap_err();
    assert_eq!(err, ExecutorError::NotSupported);
    assert_eq!(POOL.in_use(), 0);
    let exec: &'static dyn WrtExecutor = &NOTHING;
    assert_eq!(exec.block_on(async { 1 }), Err(ExecutorError::NotSupported));
    assert_eq!(exec.poll_once(), Ok(()));
    assert_eq!(exec.stats(), None);
}

#[test]
fn pool_claims_under_contention_never_exceed_capacity() {
    static POOL: TaskPool<Job, 4> = TaskPool::new();
    let threads = scaled(8, 2);
    let rounds = scaled(2_000, 20);
    let live = std::sync::Arc::new(AtomicUsize::new(0));
    let max = std::sync::Arc::new(AtomicUsize::new(0));
    let handles: Vec<_> = (0..threads)
        .map(|_| {
            let (live, max) = (live.clone(), max.clone());
            std::thread::spawn(move || {
                let mut refused = 0;
                for _ in 0..rounds {
                    match POOL.claim(|| job(1)).into_parts() {
                        Ok(parts) => {
                            let now = live.fetch_add(1, Ordering::SeqCst) + 1;
                            max.fetch_max(now, Ordering::SeqCst);
                            live.fetch_sub(1, Ordering::SeqCst);
                            drop(parts);
                        }
                        Err(e) => {
                            assert_eq!(e, ExecutorError::OutOfResources);
                            refused += 1;
                        }
                    }
                }
                refused
            })
        })
        .collect();
    for h in handles {
        h.join().unwrap();
    }
    assert!(max.load(Ordering::SeqCst) <= 4);
    assert_eq!(POOL.in_use(), 0);
}
