//! wrt on Embassy.

use embassy_executor::SendSpawner;
use wrt_async_core::{ExecutorError, ExecutorState, TaskRef};

/// How many wrt tasks may run on Embassy at once (per kind: static pool tasks
/// and, with `alloc`, boxed futures). Each runs inside an Embassy task of a
/// static pool of this size; a runner costs a few words beyond Embassy's own
/// task header, since a wrt task's future lives in its own pool.
pub const RUNNER_TASKS: usize = 32;

#[embassy_executor::task(pool_size = RUNNER_TASKS)]
async fn run_task(task: TaskRef) {
    task.await
}

#[cfg(feature = "alloc")]
#[embassy_executor::task(pool_size = RUNNER_TASKS)]
async fn run_boxed(future: wrt_async_core::BoxedFuture<'static, ()>) {
    future.await
}

/// A [`WrtExecutor`](wrt_async_core::WrtExecutor) that spawns wrt tasks on an
/// Embassy executor through its `SendSpawner`.
///
/// - `spawn_task` runs a static pool task (`#[wrt::task]`) inside an Embassy
///   runner task; no heap. With the `alloc` feature, `spawn` runs boxed
///   futures the same way.
/// - at most [`RUNNER_TASKS`] wrt tasks of each kind run at once; beyond
///   that, spawning returns `Err(OutOfResources)`.
/// - `block_on` returns `Err(NotSupported)`: an Embassy executor runs
///   forever on its thread and cannot block on a single future.
/// - `shutdown` stops accepting work; tasks already spawned run on (Embassy
///   has no way to cancel them).
///
/// ```no_run
/// use embassy_executor::Executor;
/// use wrt_async_adapters::EmbassyExecutor;
/// use wrt_async_core::WrtExecutor;
///
/// #[wrt_async_core::task]
/// async fn hello() { println!("hello from a wrt task on Embassy"); }
///
/// let executor: &'static mut Executor = Box::leak(Box::new(Executor::new()));
/// executor.run(|spawner| {
///     let wrt: &'static EmbassyExecutor = Box::leak(Box::new(EmbassyExecutor::new(spawner.make_send())));
///     wrt.register().unwrap();
///     hello().spawn().unwrap();
/// })
/// ```
pub struct EmbassyExecutor {
    spawner: SendSpawner,
    state: ExecutorState,
}

impl EmbassyExecutor {
    /// Wraps the spawner of a running Embassy executor
    /// (`spawner.make_send()`).
    pub const fn new(spawner: SendSpawner) -> Self {
        Self {
            spawner,
            state: ExecutorState::new(),
        }
    }
}

impl core::fmt::Debug for EmbassyExecutor {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("EmbassyExecutor")
            .field("state", &self.state)
            .finish_non_exhaustive()
    }
}

#[wrt_async_core::executor(crate = wrt_async_core)]
impl EmbassyExecutor {
    fn spawn_task(&self, task: TaskRef) -> Result<(), ExecutorError> {
        // A full runner pool drops the TaskRef, which cancels the wrt task
        // (its join handle is dropped with the failed spawn).
        let token = run_task(task).map_err(|_| ExecutorError::OutOfResources)?;
        self.spawner.spawn(token);
        Ok(())
    }

    #[cfg(feature = "alloc")]
    fn spawn(&self, future: wrt_async_core::BoxedFuture<'static, ()>) -> Result<(), ExecutorError> {
        let token = run_boxed(future).map_err(|_| ExecutorError::OutOfResources)?;
        self.spawner.spawn(token);
        Ok(())
    }
}
