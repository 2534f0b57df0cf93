use std::future::Future;

use wrt_async_core::ExecutorState;

struct MyExecutor {
    state: ExecutorState,
}

#[wrt_async_core::executor]
impl MyExecutor {
    fn block_on<F: Future>(&self, _future: F) -> F::Output {
        todo!()
    }
}

fn main() {}
