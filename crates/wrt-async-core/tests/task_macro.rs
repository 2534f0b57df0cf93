//! Static pools built by `#[wrt::task]`: the macro stores each pool as raw
//! bytes in a `static` (`__private::TaskPoolStorage`, initialised by
//! transmuting a `TaskPool` whose future type cannot be named) and casts it
//! back. This file exists so that the whole-suite Miri run covers that
//! unsafe code, with futures that hold state across polls, outputs that own
//! heap memory, exhaustion and slot reuse.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use wrt_async_core::{ExecutorError, FallbackExecutor, WrtExecutor, yield_now};

static EXEC: FallbackExecutor<8> = FallbackExecutor::new();

/// Holds its arguments (one on the heap) across two suspension points.
#[wrt_async_core::task(pool = 2)]
async fn sum(label: String, values: Vec<u32>, done: Arc<AtomicUsize>) -> (String, u32) {
    yield_now().await;
    let total = values.iter().sum();
    yield_now().await;
    done.fetch_add(1, Ordering::SeqCst);
    (label, total)
}

/// Never finishes: cancelled by dropping its task or by shutdown.
#[wrt_async_core::task(pool = 1)]
async fn forever(counter: Arc<AtomicUsize>) {
    struct Count(Arc<AtomicUsize>);
    impl Drop for Count {
        fn drop(&mut self) {
            self.0.fetch_add(1, Ordering::SeqCst);
        }
    }
    let _count = Count(counter);
    std::future::pending::<()>().await;
}

#[test]
fn macro_pools_run_exhaust_and_reuse_their_slots() {
    let done = Arc::new(AtomicUsize::new(0));
    let rounds = if cfg!(miri) { 3 } else { 50 };
    for round in 0..rounds {
        let a = sum(format!("a{round}"), vec![1, 2, 3], done.clone())
            .spawn_on(&EXEC)
            .unwrap();
        let b = sum(format!("b{round}"), (0..round).collect(), done.clone())
            .spawn_on(&EXEC)
            .unwrap();
        // Two slots, both taken until the handles are done with them.
        assert_eq!(
            sum(String::new(), vec![], done.clone())
                .spawn_on(&EXEC)
                .unwrap_err(),
            ExecutorError::OutOfResources
        );
        let (a, b) = EXEC.block_on(async { (a.await, b.await) }).unwrap();
        assert_eq!(a, Ok((format!("a{round}"), 6)));
        assert_eq!(b, Ok((format!("b{round}"), (0..round).sum())));
    }
    assert_eq!(done.load(Ordering::SeqCst), 2 * rounds as usize);
}

#[test]
fn macro_pool_tasks_are_cancelled_in_place() {
    static OWN: FallbackExecutor<2> = FallbackExecutor::new();
    let drops = Arc::new(AtomicUsize::new(0));
    // Dropped before it ever ran: the future is dropped in the slot.
    let (task, join) = forever(drops.clone()).into_parts().unwrap();
    drop(task);
    assert_eq!(OWN.block_on(join), Ok(Err(ExecutorError::Cancelled)));
    assert_eq!(
        drops.load(Ordering::SeqCst),
        0,
        "never polled: no guard yet"
    );
    // Running, then cancelled by shutdown.
    let join = forever(drops.clone()).spawn_on(&OWN).unwrap();
    OWN.poll_once().unwrap();
    OWN.shutdown().unwrap();
    assert_eq!(drops.load(Ordering::SeqCst), 1);
    assert!(join.is_finished());
    assert_eq!(EXEC.block_on(join), Ok(Err(ExecutorError::Cancelled)));
}
