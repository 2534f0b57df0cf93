use wrt_async_core::ExecutorState;

#[wrt_async_core::executor]
struct MyExecutor {
    state: ExecutorState,
}

fn main() {}
