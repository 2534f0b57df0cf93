//! The Tokio adapter: static pool tasks and boxed futures, ids, shutdown.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use wrt_async_adapters::TokioExecutor;
use wrt_async_core::{ExecutorError, WrtExecutor, current_executor};

#[wrt_async_core::task(pool = 8)]
async fn square(x: u64) -> u64 {
    tokio::task::yield_now().await;
    x * x
}

fn leak(exec: TokioExecutor) -> &'static TokioExecutor {
    Box::leak(Box::new(exec))
}

#[test]
fn pool_tasks_and_boxed_futures_run_on_a_multi_thread_runtime() {
    let exec = leak(TokioExecutor::multi_thread().unwrap());
    let boxed_ran = Arc::new(AtomicUsize::new(0));
    let total = (exec as &'static dyn WrtExecutor)
        .block_on(async {
            // Inside block_on, the Tokio adapter is the current executor.
            let here: &dyn WrtExecutor = exec;
            assert!(std::ptr::addr_eq(current_executor(), here));
            let (tx, rx) = tokio::sync::oneshot::channel();
            let ran = boxed_ran.clone();
            current_executor()
                .spawn(Box::pin(async move {
                    ran.fetch_add(1, Ordering::SeqCst);
                    tx.send(()).unwrap();
                }))
                .unwrap();
            rx.await.unwrap();
            let joins: Vec<_> = (1..=8).map(|x| square(x).spawn().unwrap()).collect();
            let mut total = 0;
            for join in joins {
                total += join.await.unwrap();
            }
            total
        })
        .unwrap();
    assert_eq!(total, (1..=8u64).map(|x| x * x).sum::<u64>());
    assert_eq!(boxed_ran.load(Ordering::SeqCst), 1);
}

#[test]
fn current_thread_runtime_runs_tasks_inside_block_on() {
    let exec = leak(TokioExecutor::current_thread().unwrap());
    let join = square(9).spawn_on(exec).unwrap();
    assert_eq!(
        (exec as &'static dyn WrtExecutor).block_on(join),
        Ok(Ok(81))
    );
}

#[test]
fn task_ids_are_unique_and_nonzero() {
    let exec = leak(TokioExecutor::multi_thread().unwrap());
    let ids: Vec<u64> = (0..50)
        .map(|_| exec.spawn(Box::pin(async {})).unwrap().id)
        .collect();
    let mut unique = ids.clone();
    unique.sort_unstable();
    unique.dedup();
    assert_eq!(unique.len(), 50);
    assert!(!ids.contains(&0));
}

#[test]
fn shutdown_stops_accepting_work() {
    let exec = leak(TokioExecutor::multi_thread().unwrap());
    assert!(exec.is_running());
    exec.shutdown().unwrap();
    assert!(!exec.is_running());
    assert_eq!(
        exec.spawn(Box::pin(async {})).unwrap_err(),
        ExecutorError::NotRunning
    );
    assert_eq!(
        square(2).spawn_on(exec).unwrap_err(),
        ExecutorError::NotRunning
    );
    let dyn_exec: &'static dyn WrtExecutor = exec;
    assert_eq!(
        dyn_exec.block_on(async { 1 }),
        Err(ExecutorError::NotRunning)
    );
    exec.shutdown().unwrap();
}

#[test]
fn block_on_inside_the_runtime_is_an_error_not_a_panic() {
    let exec = leak(TokioExecutor::multi_thread().unwrap());
    let dyn_exec: &'static dyn WrtExecutor = exec;
    let inner = dyn_exec.block_on(async move { dyn_exec.block_on(async { 1 }) });
    assert_eq!(inner, Ok(Err(ExecutorError::WouldDeadlock)));
}

#[test]
fn a_panicking_pool_task_reports_task_panicked() {
    #[wrt_async_core::task]
    async fn boom() -> u8 {
        panic!("boom on tokio")
    }
    let exec = leak(TokioExecutor::multi_thread().unwrap());
    let join = boom().spawn_on(exec).unwrap();
    assert_eq!(
        (exec as &'static dyn WrtExecutor).block_on(join),
        Ok(Err(ExecutorError::TaskPanicked))
    );
}
