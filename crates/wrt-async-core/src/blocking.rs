//! `spawn_blocking`: blocking work off the executor's thread (std).

use alloc::sync::Arc;
use core::future::Future;
use core::pin::Pin;
use core::task::{Context, Poll};
use std::sync::Mutex;

use crate::ExecutorError;
use crate::sync::AtomicWaker;

struct Shared<T> {
    result: Mutex<Option<Result<T, ExecutorError>>>,
    waker: AtomicWaker,
}

/// Runs `work` on a thread of its own and returns a future of its result,
/// so a task can wait for blocking work (file I/O, a C library call) without
/// stalling the executor. A panic in `work` resolves to `Err(TaskPanicked)`.
///
/// ```
/// use wrt_async_core::{spawn_blocking, with_async};
///
/// let sum = with_async(async {
///     spawn_blocking(|| (1..=10).sum::<u32>()).await
/// });
/// assert_eq!(sum, Ok(Ok(55)));
/// ```
pub fn spawn_blocking<T, W>(work: W) -> BlockingTask<T>
where
    T: Send + 'static,
    W: FnOnce() -> T + Send + 'static,
{
    let shared = Arc::new(Shared {
        result: Mutex::new(None),
        waker: AtomicWaker::new(),
    });
    let done = Arc::clone(&shared);
    let spawned = std::thread::Builder::new()
        .name("wrt-blocking".into())
        .spawn(move || {
            let outcome =
                std::panic::catch_unwind(core::panic::AssertUnwindSafe(work)).map_err(|payload| {
                    crate::runtime::drop_payload(payload);
                    ExecutorError::TaskPanicked
                });
            *done
                .result
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner) = Some(outcome);
            done.waker.wake();
        });
    if spawned.is_err() {
        *shared
            .result
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner) =
            Some(Err(ExecutorError::OutOfResources));
    }
    BlockingTask { shared }
}

/// The future returned by [`spawn_blocking`].
///
/// ```
/// use wrt_async_core::{spawn_blocking, with_async, BlockingTask};
///
/// let task: BlockingTask<u8> = spawn_blocking(|| 4);
/// assert_eq!(with_async(task), Ok(Ok(4)));
/// ```
#[must_use = "the result of blocking work is lost unless awaited"]
pub struct BlockingTask<T> {
    shared: Arc<Shared<T>>,
}

impl<T> Future for BlockingTask<T> {
    type Output = Result<T, ExecutorError>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let take = || {
            self.shared
                .result
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner)
                .take()
        };
        if let Some(result) = take() {
            return Poll::Ready(result);
        }
        self.shared.waker.register(cx.waker());
        // The thread may have finished between the check and the register.
        match take() {
            Some(result) => Poll::Ready(result),
            None => Poll::Pending,
        }
    }
}

impl<T> core::fmt::Debug for BlockingTask<T> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str("BlockingTask")
    }
}
