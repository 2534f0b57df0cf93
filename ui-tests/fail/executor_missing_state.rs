use wrt_async_core::BoxedFuture;

struct MyExecutor {
    running: bool,
}

#[wrt_async_core::executor]
impl MyExecutor {
    fn spawn(&self, _future: BoxedFuture<'static, ()>) {}
}

fn main() {}
