use wrt_async_core::{BoxedFuture, ExecutorState};

struct MyExecutor {
    state: ExecutorState,
}

#[wrt_async_core::executor(stat = state, name = "mine")]
impl MyExecutor {
    fn spawn(&self, _future: BoxedFuture<'static, ()>) {}
}

fn main() {}
