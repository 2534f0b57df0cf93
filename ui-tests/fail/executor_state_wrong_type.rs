use wrt_async_core::BoxedFuture;

struct MyExecutor {
    flags: std::sync::atomic::AtomicBool,
}

#[wrt_async_core::executor(state = flags)]
impl MyExecutor {
    fn spawn(&self, _future: BoxedFuture<'static, ()>) {}
}

fn main() {}
