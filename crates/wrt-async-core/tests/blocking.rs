//! `spawn_blocking`: blocking work off the executor thread.

use std::time::{Duration, Instant};

use wrt_async_core::{ExecutorError, FallbackExecutor, WrtExecutor, spawn_blocking};

#[test]
fn result_comes_back_and_other_tasks_keep_running_meanwhile() {
    static EXEC: FallbackExecutor = FallbackExecutor::new();
    let (tx, rx) = std::sync::mpsc::channel::<()>();
    // The blocking work waits until a task on the executor has run: if the
    // executor thread were blocked, this would never finish.
    let slow = spawn_blocking(move || {
        rx.recv_timeout(Duration::from_secs(10))
            .expect("the task ran meanwhile");
        "done"
    });
    EXEC.spawn(Box::pin(async move { tx.send(()).unwrap() }))
        .unwrap();
    let started = Instant::now();
    assert_eq!(EXEC.block_on(slow), Ok(Ok("done")));
    assert!(started.elapsed() < Duration::from_secs(10));
}

#[test]
fn a_panic_in_blocking_work_is_task_panicked() {
    static EXEC: FallbackExecutor = FallbackExecutor::new();
    let failing = spawn_blocking(|| -> u8 { panic!("blocking failure") });
    assert_eq!(EXEC.block_on(failing), Ok(Err(ExecutorError::TaskPanicked)));
}
