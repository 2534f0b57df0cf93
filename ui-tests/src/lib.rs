//! Tests of the wrt-async attribute macros.
//!
//! * `tests/ui.rs` runs the trybuild cases: `pass/*.rs` must compile and run,
//!   `fail/*.rs` must fail with exactly the errors in their `.stderr` files
//!   (regenerate with `TRYBUILD=overwrite cargo test -p wrt-ui-tests --test ui`
//!   and review the diff).
//! * `tests/*_macro.rs` run the macros for real (`#[wrt::test]` cannot run
//!   under trybuild, whose pass cases are binaries, not test harnesses).
//!
//! This library holds what those share: two small executors written with
//! `#[wrt::executor]` (so the macro is exercised on real backends) and
//! future helpers.

use std::collections::VecDeque;
use std::future::Future;
use std::pin::{Pin, pin};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll, Wake, Waker};
use std::thread::{self, Thread};

use wrt_async_core::{BoxedFuture, ExecutorError, ExecutorState, ExecutorStats, TaskRef};

/// Wakes a thread parked in [`park_on`].
struct Unpark(Thread);

impl Wake for Unpark {
    fn wake(self: Arc<Self>) {
        self.0.unpark();
    }
}

/// A waker that unparks the calling thread.
fn thread_waker() -> Waker {
    Waker::from(Arc::new(Unpark(thread::current())))
}

/// Polls `future` on this thread until it completes, parking in between:
/// the smallest possible executor, a backend for the ones below.
pub fn park_on<F: Future>(future: F) -> F::Output {
    let waker = thread_waker();
    let mut cx = Context::from_waker(&waker);
    let mut future = pin!(future);
    loop {
        if let Poll::Ready(output) = future.as_mut().poll(&mut cx) {
            return output;
        }
        thread::park();
    }
}

/// Pending once (waking itself first), then ready: lets other tasks run.
pub async fn yield_now() {
    let mut yielded = false;
    std::future::poll_fn(|cx| {
        if yielded {
            Poll::Ready(())
        } else {
            yielded = true;
            cx.waker().wake_by_ref();
            Poll::Pending
        }
    })
    .await;
}

/// Runs every spawned future on a thread of its own (a heap backend: it has
/// `spawn` only, `spawn_task` comes from the trait's default).
#[derive(Default)]
pub struct ThreadExecutor {
    state: ExecutorState,
    /// How many futures `spawn` started.
    pub spawned: AtomicUsize,
    /// How many times the user-level `shutdown` cleanup ran.
    pub cleanups: AtomicUsize,
}

impl ThreadExecutor {
    /// A running executor with zeroed counters.
    pub const fn new() -> Self {
        Self {
            state: ExecutorState::new(),
            spawned: AtomicUsize::new(0),
            cleanups: AtomicUsize::new(0),
        }
    }
}

#[wrt_async_core::executor]
impl ThreadExecutor {
    fn spawn(&self, future: BoxedFuture<'static, ()>) -> Result<(), ExecutorError> {
        self.spawned.fetch_add(1, Ordering::SeqCst);
        thread::spawn(move || park_on(future));
        Ok(())
    }

    fn block_on<F: Future>(&self, future: F) -> F::Output {
        park_on(future)
    }

    fn shutdown(&self) {
        self.cleanups.fetch_add(1, Ordering::SeqCst);
    }
}

/// A single-threaded executor over a queue of static tasks: no heap per
/// task (`spawn_task` only), driven by its `block_on` or by `poll_once`.
/// Its `ExecutorState` field is not called `state`.
#[derive(Default)]
pub struct QueueExecutor {
    flags: ExecutorState,
    queue: Mutex<VecDeque<TaskRef>>,
    polls: AtomicUsize,
}

impl QueueExecutor {
    /// An empty, running executor.
    pub const fn new() -> Self {
        Self {
            flags: ExecutorState::new(),
            queue: Mutex::new(VecDeque::new()),
            polls: AtomicUsize::new(0),
        }
    }

    /// Tasks waiting to be polled.
    pub fn queued(&self) -> usize {
        self.queue.lock().map_or(0, |queue| queue.len())
    }
}

#[wrt_async_core::executor(state = flags)]
impl QueueExecutor {
    fn spawn_task(&self, task: TaskRef) -> Result<(), ExecutorError> {
        self.queue
            .lock()
            .map_err(|_| ExecutorError::TaskPanicked)?
            .push_back(task);
        Ok(())
    }

    /// Polls every queued task once; the pending ones go back in the queue.
    fn poll_once(&self) -> Result<(), ExecutorError> {
        let batch: Vec<TaskRef> = self
            .queue
            .lock()
            .map_err(|_| ExecutorError::TaskPanicked)?
            .drain(..)
            .collect();
        let waker = thread_waker();
        let mut cx = Context::from_waker(&waker);
        for mut task in batch {
            self.polls.fetch_add(1, Ordering::SeqCst);
            if Pin::new(&mut task).poll(&mut cx).is_pending() {
                self.spawn_task(task)?;
            }
        }
        Ok(())
    }

    fn block_on<F: Future>(&self, future: F) -> Result<F::Output, ExecutorError> {
        let waker = thread_waker();
        let mut cx = Context::from_waker(&waker);
        let mut future = pin!(future);
        loop {
            if let Poll::Ready(output) = future.as_mut().poll(&mut cx) {
                return Ok(output);
            }
            self.poll_once()?;
            if self.queued() == 0 {
                thread::park();
            }
        }
    }

    fn stats(&self) -> Option<ExecutorStats> {
        Some(ExecutorStats {
            live: self.queued(),
            polls: self.polls.load(Ordering::SeqCst),
            ..ExecutorStats::default()
        })
    }
}
