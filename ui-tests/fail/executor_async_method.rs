use wrt_async_core::{BoxedFuture, ExecutorState};

struct MyExecutor {
    state: ExecutorState,
}

#[wrt_async_core::executor]
impl MyExecutor {
    async fn spawn(&self, _future: BoxedFuture<'static, ()>) {}

    fn shutdown(&self) -> bool {
        true
    }
}

fn main() {}
