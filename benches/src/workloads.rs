//! The futures every executor runs: identical code for all of them, so the
//! differences measured are the executors'.

use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicU32, AtomicUsize, Ordering};
use std::task::{Context, Poll, Waker};

use futures_util::task::AtomicWaker;

/// W2/W2t: how many times the future wakes itself before it completes.
pub const WAKES: u32 = 1_000;
/// W3: tasks spawned per operation.
pub const BURST: usize = 32;
/// W4: round trips per operation (each is two hand-offs through the signal).
pub const ROUNDS: u32 = 1_000;

/// Wakes itself `left` times, then completes: one executor round trip per
/// wake and nothing else.
pub struct Yield {
    left: u32,
}

impl Yield {
    pub const fn new(wakes: u32) -> Self {
        Self { left: wakes }
    }
}

impl Future for Yield {
    type Output = ();

    #[inline]
    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        if self.left == 0 {
            return Poll::Ready(());
        }
        self.left -= 1;
        cx.waker().wake_by_ref();
        Poll::Pending
    }
}

// ---- completion tracking -------------------------------------------------
//
// Spawned tasks end with `finish()`. Executors driven by a loop (wrt's
// `poll_once`, Embassy's `poll`, `try_tick`) loop until `done() == target`;
// executors driven by `block_on` wait in `WaitDone`, which the last task
// wakes. Between those two, each task pays one load, one store and one
// compare: the same for every executor.

static DONE: AtomicUsize = AtomicUsize::new(0);
static TARGET: AtomicUsize = AtomicUsize::new(usize::MAX);
static DONE_WAKER: AtomicWaker = AtomicWaker::new();

/// Starts an operation that waits for `target` tasks.
#[inline]
pub fn expect(target: usize) {
    DONE.store(0, Ordering::Relaxed);
    TARGET.store(target, Ordering::Relaxed);
}

/// How many tasks of the current operation have finished.
#[inline]
pub fn done() -> usize {
    DONE.load(Ordering::Relaxed)
}

/// Called by a task as its last action. The harness is single-threaded, so
/// a load and a store (not a read-modify-write) keep the task body cheap.
#[inline]
pub fn finish() {
    let n = DONE.load(Ordering::Relaxed) + 1;
    DONE.store(n, Ordering::Relaxed);
    if n == TARGET.load(Ordering::Relaxed) {
        DONE_WAKER.wake();
    }
}

/// Resolves once `target` tasks have called `finish`.
pub struct WaitDone;

impl Future for WaitDone {
    type Output = ();

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        if done() >= TARGET.load(Ordering::Relaxed) {
            return Poll::Ready(());
        }
        DONE_WAKER.register(cx.waker());
        if done() >= TARGET.load(Ordering::Relaxed) {
            Poll::Ready(())
        } else {
            Poll::Pending
        }
    }
}

// ---- W2t, W3, W4 task bodies -------------------------------------------
//
// Each task body is polled through `Opaque`: one out-of-line function per
// body, the same machine code under every executor. Inlined, a body lands in
// each executor's poll function or not as LLVM's size heuristics decide, and
// that moved the Embassy W4 figure by 10% (372,111 -> 336,081 Ir) between two
// builds that changed neither Embassy nor the workload. A real task's body is
// rarely small enough to inline either.

/// Polls its future through a function that is never inlined.
pub struct Opaque<F>(F);

impl<F: Future> Future for Opaque<F> {
    type Output = F::Output;

    #[inline(never)]
    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<F::Output> {
        // SAFETY: a structural pin projection: the field is never moved out
        // of the pinned wrapper, nor handed out unpinned.
        unsafe { self.map_unchecked_mut(|s| &mut s.0) }.poll(cx)
    }
}

/// W2t: a task that wakes itself `WAKES` times.
pub fn yield_task() -> Opaque<impl Future<Output = ()>> {
    Opaque(async {
        Yield::new(WAKES).await;
        finish();
    })
}

/// W3: a task that completes on its first poll.
pub fn instant_task() -> Opaque<impl Future<Output = ()>> {
    Opaque(async { finish() })
}

// ---- W4: the ping-pong signal ---------------------------------------------

/// Whose turn it is (0 or 1), and where each side waits for its turn: the
/// smallest correct two-party signal.
pub struct Signal {
    turn: AtomicU32,
    wakers: [AtomicWaker; 2],
}

pub static SIGNAL: Signal = Signal {
    turn: AtomicU32::new(0),
    wakers: [AtomicWaker::new(), AtomicWaker::new()],
};

impl Signal {
    pub fn reset(&self) {
        self.turn.store(0, Ordering::Relaxed);
    }

    fn wait(&'static self, me: u32) -> impl Future<Output = ()> {
        std::future::poll_fn(move |cx| {
            if self.turn.load(Ordering::Acquire) == me {
                return Poll::Ready(());
            }
            self.wakers[me as usize].register(cx.waker());
            if self.turn.load(Ordering::Acquire) == me {
                Poll::Ready(())
            } else {
                Poll::Pending
            }
        })
    }

    fn pass(&self, me: u32) {
        let other = 1 - me;
        self.turn.store(other, Ordering::Release);
        self.wakers[other as usize].wake();
    }
}

/// W4: one side of the ping-pong; `me` is 0 or 1, side 0 starts.
pub fn player(me: u32) -> Opaque<impl Future<Output = ()>> {
    Opaque(async move {
        for _ in 0..ROUNDS {
            SIGNAL.wait(me).await;
            SIGNAL.pass(me);
        }
        finish();
    })
}

/// The signal's own cost: both players polled alternately by hand with a
/// no-op waker, no executor at all. Subtracted from W4 to get each
/// executor's share.
pub fn signal_only() {
    expect(2);
    SIGNAL.reset();
    let mut a = std::pin::pin!(player(0));
    let mut b = std::pin::pin!(player(1));
    let mut cx = Context::from_waker(Waker::noop());
    let (mut a_done, mut b_done) = (false, false);
    while !(a_done && b_done) {
        if !a_done {
            a_done = a.as_mut().poll(&mut cx).is_ready();
        }
        if !b_done {
            b_done = b.as_mut().poll(&mut cx).is_ready();
        }
    }
    assert_eq!(done(), 2);
}
