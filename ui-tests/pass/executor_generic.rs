//! Generic executor types and tuple structs (`state = 0`) work; `block_on`
//! may return `F::Output` and take `self: &Self`; methods may be `cfg`'d.
use std::future::Future;
use std::marker::PhantomData;

use wrt::{ExecutorError, ExecutorState, TaskRef, WrtExecutor};
use wrt_async_core as wrt;

struct Local<T: Send + Sync + 'static>(ExecutorState, PhantomData<T>);

#[wrt::executor(state = 0)]
impl<T: Send + Sync + 'static> Local<T> {
    #[cfg(all())]
    fn spawn_task(&self, task: TaskRef) -> Result<(), ExecutorError> {
        wrt_ui_tests::park_on(task);
        Ok(())
    }

    #[cfg(any())]
    fn spawn_task(&self, task: TaskRef) -> Result<(), ExecutorError> {
        compile_error!("compiled out");
    }

    fn block_on<F>(self: &Self, future: F) -> F::Output
    where
        F: Future,
    {
        wrt_ui_tests::park_on(future)
    }
}

static EXEC: Local<u8> = Local(ExecutorState::new(), PhantomData);

#[wrt::task]
async fn three() -> u8 {
    3
}

fn main() {
    let exec: &'static dyn WrtExecutor = &EXEC;
    let join = three().spawn_on(exec).expect("running");
    assert_eq!(exec.block_on(join), Ok(Ok(3)));
    exec.shutdown().expect("first shutdown");
    assert_eq!(exec.block_on(async {}), Err(ExecutorError::NotRunning));
}
