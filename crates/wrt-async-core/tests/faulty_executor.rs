//! A registered executor that fails every method: what the layers above it
//! report. (A test binary of its own: the registry is process-global.)
//!
//! | entry point | reports |
//! |---|---|
//! | `with_async(f)` | `Err` of `block_on_dyn`; `f` dropped unpolled |
//! | `current_executor().block_on(f)`, `AsyncRuntime::block_on` | the same |
//! | `AsyncRuntime::execute_async(f).await` | `Err(NotRunning)` (`is_running()` is false) |
//! | `SpawnToken::spawn()` (`#[wrt::task]`) | `Err` of `spawn_task`; slot freed, future dropped |
//! | `spawn(Box::pin(f))` | `Err` of `spawn`; `f` dropped |
//! | `poll_once()`, `shutdown()` | their `Err`, unchanged |
//! | `#[wrt::main]` | panics: "the executor could not run main: .." |

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::task::{Context, Poll};

use wrt_async_core::{
    AsyncRuntime, BoxedFuture, ExecutorError, FallbackExecutor, TaskHandle, TaskPool, TaskRef,
    WrtExecutor, current_executor, default_executor, is_using_fallback, register_executor_static,
    with_async,
};

/// Every method fails, each with an error of its own so the tests can tell
/// which one a caller passed on.
struct Failing;

const SPAWN: ExecutorError = ExecutorError::OutOfResources;
const SPAWN_TASK: ExecutorError = ExecutorError::NotSupported;
const BLOCK_ON: ExecutorError = ExecutorError::WouldDeadlock;
const POLL_ONCE: ExecutorError = ExecutorError::Cancelled;
const SHUTDOWN: ExecutorError = ExecutorError::TaskPanicked;

impl WrtExecutor for Failing {
    fn spawn(
        &'static self,
        _future: BoxedFuture<'static, ()>,
    ) -> Result<TaskHandle, ExecutorError> {
        Err(SPAWN)
    }
    fn spawn_task(&'static self, _task: TaskRef) -> Result<TaskHandle, ExecutorError> {
        Err(SPAWN_TASK)
    }
    fn block_on_dyn(
        &'static self,
        _future: Pin<&mut (dyn Future<Output = ()> + '_)>,
    ) -> Result<(), ExecutorError> {
        Err(BLOCK_ON)
    }
    fn poll_once(&'static self) -> Result<(), ExecutorError> {
        Err(POLL_ONCE)
    }
    fn is_running(&self) -> bool {
        false
    }
    fn shutdown(&self) -> Result<(), ExecutorError> {
        Err(SHUTDOWN)
    }
}

static FAILING: Failing = Failing;

#[derive(Clone, Default)]
struct Counter(Arc<AtomicUsize>);

impl Counter {
    fn add(&self) {
        self.0.fetch_add(1, Ordering::SeqCst);
    }
    fn count(&self) -> usize {
        self.0.load(Ordering::SeqCst)
    }
}

/// Counts its polls and its drop.
struct Watched {
    polls: Counter,
    drops: Counter,
}

impl Future for Watched {
    type Output = u8;
    fn poll(self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<u8> {
        self.polls.add();
        Poll::Ready(1)
    }
}

impl Drop for Watched {
    fn drop(&mut self) {
        self.drops.add();
    }
}

fn watched(drops: &Counter, polls: &Counter) -> Watched {
    Watched {
        polls: polls.clone(),
        drops: drops.clone(),
    }
}

#[test]
fn every_layer_reports_the_executors_errors() {
    register_executor_static(&FAILING).unwrap();
    assert!(!is_using_fallback());
    let exec = current_executor();
    assert!(std::ptr::addr_eq(exec, &FAILING as &dyn WrtExecutor));
    let (drops, polls) = (Counter::default(), Counter::default());

    // block_on and everything built on it.
    assert_eq!(with_async(watched(&drops, &polls)), Err(BLOCK_ON));
    assert_eq!(exec.block_on(watched(&drops, &polls)), Err(BLOCK_ON));
    assert_eq!(
        AsyncRuntime::new().block_on(watched(&drops, &polls)),
        Err(BLOCK_ON)
    );
    assert_eq!(
        (drops.count(), polls.count()),
        (3, 0),
        "dropped, never polled"
    );

    // Spawning: the error comes back, the future is dropped, a pool slot is
    // freed.
    static POOL: TaskPool<Watched, 1> = TaskPool::new();
    assert_eq!(
        POOL.claim(|| watched(&drops, &polls)).spawn().unwrap_err(),
        SPAWN_TASK
    );
    assert_eq!(POOL.in_use(), 0);
    assert_eq!(exec.spawn(Box::pin(async {})).unwrap_err(), SPAWN);
    let boxed = watched(&drops, &polls);
    assert_eq!(
        exec.spawn(Box::pin(async move {
            let _ = boxed.await;
        }))
        .unwrap_err(),
        SPAWN
    );
    assert_eq!((drops.count(), polls.count()), (5, 0));

    // The rest is passed through unchanged.
    assert_eq!(exec.poll_once(), Err(POLL_ONCE));
    assert_eq!(exec.shutdown(), Err(SHUTDOWN));
    assert_eq!(exec.stats(), None);
    assert_eq!(
        register_executor_static(&FAILING),
        Err(ExecutorError::AlreadyRegistered)
    );

    // Awaiting through an AsyncRuntime bound to it, on an executor that
    // works: it reports the executor as not running instead of polling.
    let runtime = AsyncRuntime::with_executor(exec);
    static WORKING: FallbackExecutor<2> = FallbackExecutor::new();
    let awaited = WORKING.block_on(runtime.execute_async(watched(&drops, &polls)));
    assert_eq!(awaited, Ok(Err(ExecutorError::NotRunning)));
    assert_eq!((drops.count(), polls.count()), (6, 0));

    // #[wrt::main] cannot run its body, and says why.
    let main = std::panic::catch_unwind(|| {
        wrt_async_core::__private::block_on_main(async { 0 });
    });
    let message = main.unwrap_err();
    let message = message.downcast_ref::<String>().unwrap();
    assert!(message.contains("could not run main"), "{message}");

    // The built-in executor stays usable explicitly.
    assert_eq!(default_executor().block_on(async { 2 }), Ok(2));
}
