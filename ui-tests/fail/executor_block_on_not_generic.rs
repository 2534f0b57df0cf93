use std::future::Future;
use std::pin::Pin;

use wrt_async_core::{BoxedFuture, ExecutorState};

struct MyExecutor {
    state: ExecutorState,
}

#[wrt_async_core::executor]
impl MyExecutor {
    fn spawn(&self, _future: BoxedFuture<'static, ()>) {}

    fn block_on(&self, _future: Pin<&mut dyn Future<Output = ()>>) {}
}

fn main() {}
