use wrt_async_core::{BoxedFuture, ExecutorState};

struct MyExecutor {
    state: ExecutorState,
}

#[wrt_async_core::executor]
impl MyExecutor {
    fn spawn(&mut self, _future: BoxedFuture<'static, ()>) {}

    fn poll_once(self) {}

    fn shutdown() {}
}

fn main() {}
