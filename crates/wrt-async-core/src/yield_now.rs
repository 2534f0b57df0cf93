//! `yield_now`: give the executor back for one round.

use core::future::Future;
use core::pin::Pin;
use core::task::{Context, Poll};

/// Returns a future that is pending once (waking itself at once) and then
/// ready: the task lets every other ready task run before it continues.
///
/// ```
/// use wrt_async_core::{with_async, yield_now};
///
/// let steps = with_async(async {
///     yield_now().await;
///     yield_now().await;
///     2
/// });
/// assert_eq!(steps, Ok(2));
/// ```
pub fn yield_now() -> YieldNow {
    YieldNow { yielded: false }
}

/// The future returned by [`yield_now`].
///
/// ```
/// use wrt_async_core::{with_async, yield_now, YieldNow};
///
/// let once: YieldNow = yield_now();
/// assert_eq!(with_async(once), Ok(()));
/// ```
#[must_use = "futures do nothing unless awaited"]
#[derive(Debug)]
pub struct YieldNow {
    yielded: bool,
}

impl Future for YieldNow {
    type Output = ();

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        if self.yielded {
            return Poll::Ready(());
        }
        self.yielded = true;
        cx.waker().wake_by_ref();
        Poll::Pending
    }
}
