//! The least an executor needs: `spawn` returning `()`. No `block_on`:
//! `block_on` through the trait is `NotSupported`; `spawn_task` boxes the
//! task into `spawn`.
use std::sync::Mutex;

use wrt::{BoxedFuture, ExecutorError, ExecutorState, WrtExecutor};
use wrt_async_core as wrt;

struct Collect {
    state: ExecutorState,
    futures: Mutex<Vec<BoxedFuture<'static, ()>>>,
}

#[wrt::executor]
impl Collect {
    fn spawn(&self, future: BoxedFuture<'static, ()>) {
        self.futures.lock().expect("not poisoned").push(future);
    }
}

static EXEC: Collect = Collect {
    state: ExecutorState::new(),
    futures: Mutex::new(Vec::new()),
};

#[wrt::task]
async fn nothing() {}

fn main() {
    let exec: &'static dyn WrtExecutor = &EXEC;
    exec.spawn(Box::pin(async {})).expect("running");
    let _join = nothing().spawn_on(exec).expect("boxed into spawn");
    assert_eq!(EXEC.futures.lock().expect("not poisoned").len(), 2);
    assert_eq!(exec.block_on(async {}), Err(ExecutorError::NotSupported));
    assert_eq!(exec.poll_once(), Ok(()));
    assert_eq!(exec.stats(), None);
}
