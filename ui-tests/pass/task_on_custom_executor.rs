//! Tasks are executor-agnostic: the same task on the fallback, on a
//! no-heap queue executor (`spawn_task`) and on a thread-per-task executor
//! (`spawn`, through the trait's boxing `spawn_task`).
use wrt::{ExecutorError, WrtExecutor};
use wrt_async_core as wrt;
use wrt_ui_tests::{QueueExecutor, ThreadExecutor};

static QUEUE: QueueExecutor = QueueExecutor::new();
static THREADS: ThreadExecutor = ThreadExecutor::new();

#[wrt::task(pool = 2)]
async fn square(n: u64) -> u64 {
    wrt_ui_tests::yield_now().await;
    n * n
}

fn main() -> Result<(), ExecutorError> {
    let queue: &'static dyn WrtExecutor = &QUEUE;
    let on_queue = square(3).spawn_on(queue)?;
    assert_eq!(queue.block_on(on_queue)?, Ok(9));

    let threads: &'static dyn WrtExecutor = &THREADS;
    let on_thread = square(4).spawn_on(threads)?;
    assert_eq!(threads.block_on(on_thread)?, Ok(16));
    Ok(())
}
