//! `#[wrt::executor]` with every recognised method, a custom state field
//! (`state = ..`), `Result` returns everywhere and a generated `register`.
use std::future::Future;
use std::sync::atomic::{AtomicUsize, Ordering};

use wrt::{BoxedFuture, ExecutorError, ExecutorState, ExecutorStats, TaskRef, WrtExecutor};
use wrt_async_core as wrt;

struct Counting {
    status: ExecutorState,
    boxed: AtomicUsize,
    tasks: AtomicUsize,
    polls: AtomicUsize,
    cleanups: AtomicUsize,
}

#[wrt::executor(state = status)]
impl Counting {
    /// Runs boxed futures to completion right away (good enough here).
    fn spawn(&self, future: BoxedFuture<'static, ()>) -> Result<(), ExecutorError> {
        self.boxed.fetch_add(1, Ordering::SeqCst);
        wrt_ui_tests::park_on(future);
        Ok(())
    }

    fn spawn_task(&self, task: TaskRef) -> Result<(), ExecutorError> {
        self.tasks.fetch_add(1, Ordering::SeqCst);
        wrt_ui_tests::park_on(task);
        Ok(())
    }

    fn block_on<F: Future>(&self, future: F) -> Result<F::Output, ExecutorError> {
        Ok(wrt_ui_tests::park_on(future))
    }

    fn poll_once(&self) -> Result<(), ExecutorError> {
        self.polls.fetch_add(1, Ordering::SeqCst);
        Ok(())
    }

    fn shutdown(&self) -> Result<(), ExecutorError> {
        self.cleanups.fetch_add(1, Ordering::SeqCst);
        Ok(())
    }

    fn stats(&self) -> Option<ExecutorStats> {
        Some(ExecutorStats {
            spawned: self.boxed.load(Ordering::SeqCst),
            ..Default::default()
        })
    }

    /// Other methods are left alone.
    fn helper(&self) -> usize {
        self.polls.load(Ordering::SeqCst)
    }
}

static EXEC: Counting = Counting {
    status: ExecutorState::new(),
    boxed: AtomicUsize::new(0),
    tasks: AtomicUsize::new(0),
    polls: AtomicUsize::new(0),
    cleanups: AtomicUsize::new(0),
};

#[wrt::task]
async fn seven() -> u8 {
    7
}

fn main() -> Result<(), ExecutorError> {
    let exec: &'static Counting = EXEC.register()?;
    assert!(std::ptr::eq(
        wrt::registered_executor().expect("registered") as *const dyn WrtExecutor as *const (),
        exec as *const Counting as *const ()
    ));
    let dyn_exec: &'static dyn WrtExecutor = exec;

    let a = dyn_exec.spawn(Box::pin(async {}))?;
    let b = dyn_exec.spawn(Box::pin(async {}))?;
    assert!(a.id != b.id && a.id > 0 && b.id > 0);
    assert_eq!(dyn_exec.stats().map(|s| s.spawned), Some(2));

    let join = seven().spawn_on(dyn_exec)?;
    assert_eq!(exec.tasks.load(Ordering::SeqCst), 1);
    assert_eq!(dyn_exec.block_on(join)?, Ok(7));
    assert_eq!(dyn_exec.block_on(async { 1 + 1 })?, 2);

    dyn_exec.poll_once()?;
    assert_eq!(exec.helper(), 1);

    assert!(dyn_exec.is_running());
    dyn_exec.shutdown()?;
    dyn_exec.shutdown()?;
    assert_eq!(
        exec.cleanups.load(Ordering::SeqCst),
        1,
        "the cleanup runs once"
    );
    assert!(!dyn_exec.is_running());
    assert_eq!(
        dyn_exec.spawn(Box::pin(async {})).unwrap_err(),
        ExecutorError::NotRunning
    );
    assert_eq!(
        seven().spawn_on(dyn_exec).unwrap_err(),
        ExecutorError::NotRunning
    );
    assert_eq!(dyn_exec.block_on(async {}), Err(ExecutorError::NotRunning));
    Ok(())
}
