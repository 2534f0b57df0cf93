//! `executor = &STATIC`: a `&'static` executor registers too (no heap
//! needed for it), and `main` may return a `Result`.
use wrt_async_core as wrt;
use wrt_ui_tests::QueueExecutor;

static QUEUE: QueueExecutor = QueueExecutor::new();

#[wrt::task]
async fn one() -> u8 {
    1
}

#[wrt::main(executor = &QUEUE)]
async fn main() -> Result<(), wrt::ExecutorError> {
    // Main runs inside QUEUE's `block_on`, so QUEUE is the current executor:
    // spawned tasks land on it.
    assert_eq!(one().spawn()?.await?, 1);
    assert!(wrt::current_executor().stats().is_some_and(|s| s.polls > 0));
    Ok(())
}
