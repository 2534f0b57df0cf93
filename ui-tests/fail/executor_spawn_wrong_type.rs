use wrt_async_core::{ExecutorError, ExecutorState, TaskRef};

struct MyExecutor {
    state: ExecutorState,
}

#[wrt_async_core::executor]
impl MyExecutor {
    // `spawn` receives boxed futures; static tasks go to `spawn_task`.
    fn spawn(&self, _task: TaskRef) -> Result<(), ExecutorError> {
        Ok(())
    }
}

fn main() {}
