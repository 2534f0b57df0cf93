use wrt_async_core::{ExecutorError, ExecutorState, WrtExecutor};

struct MyExecutor {
    state: ExecutorState,
}

#[wrt_async_core::executor]
impl WrtExecutor for MyExecutor {
    fn is_running(&self) -> bool {
        true
    }
    fn shutdown(&self) -> Result<(), ExecutorError> {
        Ok(())
    }
}

fn main() {}
