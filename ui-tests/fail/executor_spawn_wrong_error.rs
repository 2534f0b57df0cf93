use wrt_async_core::{BoxedFuture, ExecutorState};

#[derive(Debug)]
struct MyError;

struct MyExecutor {
    state: ExecutorState,
}

#[wrt_async_core::executor]
impl MyExecutor {
    fn spawn(&self, _future: BoxedFuture<'static, ()>) -> Result<(), MyError> {
        Ok(())
    }
}

fn main() {}
