//! The fallback executor and static pools allocate nothing: a counting
//! global allocator watches every allocation of the test's thread.

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;
use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::task::{Context, Poll};

use wrt_async_core::{FallbackExecutor, TaskPool, WrtExecutor};

struct Counting;

static ALLOCATIONS: AtomicUsize = AtomicUsize::new(0);
static BYTES: AtomicUsize = AtomicUsize::new(0);

thread_local! {
    // Only the test's thread counts: the test harness's own thread may
    // allocate at any moment (it did, now and then, under load), and
    // everything measured here runs on the test's thread.
    static WATCHED: Cell<bool> = const { Cell::new(false) };
}

// SAFETY: forwards to the system allocator, only counting.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        if WATCHED.with(Cell::get) {
            ALLOCATIONS.fetch_add(1, Ordering::SeqCst);
            BYTES.fetch_add(layout.size(), Ordering::SeqCst);
        }
        // SAFETY: same contract as ours.
        unsafe { System.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: same contract as ours.
        unsafe { System.dealloc(ptr, layout) }
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

/// Yields `n` times, then returns `n`.
struct Countdown(u32, u32);
impl Future for Countdown {
    type Output = u32;
    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<u32> {
        if self.0 == 0 {
            return Poll::Ready(self.1);
        }
        self.0 -= 1;
        cx.waker().wake_by_ref();
        Poll::Pending
    }
}

#[test]
fn fallback_and_static_pools_allocate_nothing() {
    static EXEC: FallbackExecutor = FallbackExecutor::new();
    static POOL: TaskPool<Countdown, 8> = TaskPool::new();
    WATCHED.with(|w| w.set(true));
    // Warm up whatever thread-locals allocate once.
    EXEC.block_on(async {}).unwrap();
    let (allocs, bytes) = (
        ALLOCATIONS.load(Ordering::SeqCst),
        BYTES.load(Ordering::SeqCst),
    );

    let total = EXEC
        .block_on(async {
            let mut total = 0;
            for round in 0..100u32 {
                let mut joins = [const { None }; 8];
                for (i, slot) in joins.iter_mut().enumerate() {
                    *slot = Some(POOL.claim(|| Countdown(i as u32, round)).spawn().unwrap());
                }
                for join in joins.into_iter().flatten() {
                    total += join.await.unwrap();
                }
            }
            total
        })
        .unwrap();
    assert_eq!(total, (0..100).sum::<u32>() * 8);
    EXEC.poll_once().unwrap();
    let stats = EXEC.stats();
    assert_eq!((stats.spawned, stats.completed), (800, 800));

    assert_eq!(
        ALLOCATIONS.load(Ordering::SeqCst) - allocs,
        0,
        "allocations"
    );
    assert_eq!(BYTES.load(Ordering::SeqCst) - bytes, 0, "heap bytes");
}
