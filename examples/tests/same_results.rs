//! The same wrt task code gives the same results on the fallback executor,
//! on Tokio, on Embassy (host platform) and on the custom round-robin
//! executor; and shutdown semantics hold on each.

use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, Ordering};

use wrt::{ExecutorError, FallbackExecutor, WrtExecutor};
use wrt_async_adapters::{EmbassyExecutor, TokioExecutor};
use wrt_examples::round_robin::RoundRobinExecutor;
use wrt_examples::workload::{expected, pipeline, stage};

fn leak<T>(value: T) -> &'static T {
    Box::leak(Box::new(value))
}

fn run_blocking(exec: &'static dyn WrtExecutor) -> u64 {
    exec.block_on(pipeline(exec)).unwrap().unwrap()
}

fn run_on_embassy() -> u64 {
    static RESULT: Mutex<Option<Result<u64, ExecutorError>>> = Mutex::new(None);
    static DONE: AtomicBool = AtomicBool::new(false);
    let executor = Box::leak(Box::new(embassy_executor::Executor::new()));
    executor.run_until(
        |spawner| {
            let exec: &'static EmbassyExecutor = leak(EmbassyExecutor::new(spawner.make_send()));
            exec.spawn(Box::pin(async move {
                *RESULT.lock().unwrap() = Some(pipeline(exec).await);
                DONE.store(true, Ordering::SeqCst);
            }))
            .unwrap();
        },
        || DONE.load(Ordering::SeqCst),
    );
    RESULT.lock().unwrap().take().unwrap().unwrap()
}

fn check_shutdown(exec: &'static dyn WrtExecutor) {
    assert!(exec.is_running());
    exec.shutdown().unwrap();
    assert!(!exec.is_running());
    assert_eq!(
        exec.spawn(Box::pin(async {})).unwrap_err(),
        ExecutorError::NotRunning
    );
    assert_eq!(
        stage(1, 1).spawn_on(exec).unwrap_err(),
        ExecutorError::NotRunning
    );
}

// One test, run in sequence: the `stage` pool (4 slots) is shared. Each
// pipeline needs all 4 right after the previous one joined its tasks, so this
// also checks that a joined task's slot is free at once, even on Tokio's
// multi-threaded runtime, whose worker may still be inside the joiner's wake.
#[test]
fn same_task_code_same_results_on_every_executor() {
    static FALLBACK: FallbackExecutor = FallbackExecutor::new();
    let tokio_multi = leak(TokioExecutor::multi_thread().unwrap());
    let tokio_current = leak(TokioExecutor::current_thread().unwrap());
    let round_robin = leak(RoundRobinExecutor::new());

    let want = expected();
    assert_eq!(run_blocking(&FALLBACK), want, "fallback");
    assert_eq!(run_blocking(tokio_multi), want, "tokio multi-thread");
    assert_eq!(run_blocking(tokio_current), want, "tokio current-thread");
    assert_eq!(run_blocking(round_robin), want, "round-robin");
    assert_eq!(run_on_embassy(), want, "embassy");

    for exec in [
        &FALLBACK as &'static dyn WrtExecutor,
        tokio_multi,
        tokio_current,
        round_robin,
    ] {
        check_shutdown(exec);
    }
}
