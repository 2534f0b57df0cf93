use wrt_async_core::{BoxedFuture, ExecutorError, ExecutorState};

struct MyExecutor {
    state: ExecutorState,
}

#[wrt_async_core::executor]
impl MyExecutor {
    fn spawn(&self, _future: BoxedFuture<'static, ()>, _priority: u8) -> Result<(), ExecutorError> {
        Ok(())
    }

    fn spawn_task(&self) -> Result<(), ExecutorError> {
        Ok(())
    }
}

fn main() {}
