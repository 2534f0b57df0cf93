//! A task may spawn itself through its own spawn function.
use std::sync::atomic::{AtomicU32, Ordering};

use wrt_async_core as wrt;

static TOTAL: AtomicU32 = AtomicU32::new(0);

/// Adds n, n-1, .., 0, each level in a task of its own (depth n + 1 slots).
#[wrt::task(pool = 5)]
async fn countdown(n: u32) {
    TOTAL.fetch_add(n, Ordering::SeqCst);
    if n > 0 {
        countdown(n - 1)
            .spawn()
            .expect("a free slot")
            .await
            .expect("ran");
    }
}

#[wrt::main]
async fn main() {
    countdown(4)
        .spawn()
        .expect("a free slot")
        .await
        .expect("ran");
    assert_eq!(TOTAL.load(Ordering::SeqCst), 4 + 3 + 2 + 1);
}
