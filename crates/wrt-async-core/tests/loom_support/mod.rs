//! Helpers of the loom models (`tests/loom_*.rs`, built only with
//! `RUSTFLAGS="--cfg loom"`; see docs/reliability.md).
#![allow(dead_code)] // each model file uses a different subset

use std::future::Future;
use std::pin::pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::task::{Context, Poll, Wake, Waker};

/// Runs `model` under loom, once per interleaving, and prints how many
/// executions were explored (loom itself only logs that with `LOOM_LOG`).
///
/// `preemptions` bounds how often a thread may be preempted per execution
/// (loom's standard bound, which finds almost all real bugs at 2 or 3);
/// `None` explores every interleaving. `LOOM_MAX_PREEMPTIONS` overrides it.
pub fn check(name: &str, preemptions: Option<usize>, model: impl Fn() + Sync + Send + 'static) {
    let executions = Arc::new(AtomicUsize::new(0));
    let mut builder = loom::model::Builder::new();
    if std::env::var_os("LOOM_MAX_PREEMPTIONS").is_none() {
        builder.preemption_bound = preemptions;
    }
    let bound = builder.preemption_bound;
    let counter = executions.clone();
    let start = std::time::Instant::now();
    builder.check(move || {
        // A std atomic: it counts the runs of this closure, it is no part of
        // the model.
        counter.fetch_add(1, Ordering::Relaxed);
        model();
    });
    let bound = match bound {
        Some(n) => format!("preemption bound {n}"),
        None => "exhaustive".to_string(),
    };
    println!(
        "loom model {name}: {} executions explored ({bound}) in {:.1} s",
        executions.load(Ordering::Relaxed),
        start.elapsed().as_secs_f64()
    );
}

/// A flag behind loom's mutex and condition variable: what `block_on`
/// waits on. (Not `thread::park`: loom lets an `unpark` that arrives after
/// `block_on` returned wake the thread from an unrelated wait, such as a
/// `join`, and then trips over its own bookkeeping.)
#[derive(Default)]
struct Signal {
    woken: loom::sync::Mutex<bool>,
    condvar: loom::sync::Condvar,
}

impl Wake for Signal {
    fn wake(self: Arc<Self>) {
        self.wake_by_ref();
    }
    fn wake_by_ref(self: &Arc<Self>) {
        *self.woken.lock().unwrap() = true;
        self.condvar.notify_one();
    }
}

/// Drives `future` on the current loom thread, sleeping while it is
/// pending. A wake-up that is lost leaves the thread asleep for good, which
/// loom reports as a deadlock.
pub fn block_on<F: Future>(future: F) -> F::Output {
    let signal = Arc::new(Signal::default());
    let waker = Waker::from(signal.clone());
    let mut cx = Context::from_waker(&waker);
    let mut future = pin!(future);
    loop {
        if let Poll::Ready(output) = future.as_mut().poll(&mut cx) {
            return output;
        }
        let mut woken = signal.woken.lock().unwrap();
        while !*woken {
            woken = signal.condvar.wait(woken).unwrap();
        }
        *woken = false;
    }
}

/// Polls `future` once with a waker that does nothing.
pub fn poll_once<F: Future + Unpin>(future: &mut F) -> Poll<F::Output> {
    std::pin::Pin::new(future).poll(&mut Context::from_waker(Waker::noop()))
}

/// Drop counters shared with the native tests (std atomics, read only after
/// every thread was joined).
#[path = "../common/mod.rs"]
mod common;
#[allow(unused_imports)] // not every model counts drops
pub use common::{DropCounter as Drops, DropToken};
