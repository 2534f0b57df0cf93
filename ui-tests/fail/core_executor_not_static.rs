// Not a macro case: the core API itself. An executor on the stack can run
// nothing and hand out no waker: every method that schedules work takes
// `&'static self` (docs/core.md, decision 2), because a waker may be woken
// at any later time, from any thread, after the stack frame is gone.
use wrt_async_core::{FallbackExecutor, WrtExecutor};

fn main() {
    let exec: FallbackExecutor<4> = FallbackExecutor::new();
    let handle = exec.spawn(Box::pin(async {})).unwrap();
    let _ = exec.block_on(async {});
    let _ = exec.poll_once();
    drop(exec);
    handle.waker.unwrap().wake();
}
