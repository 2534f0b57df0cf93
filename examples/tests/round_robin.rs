//! The round-robin executor's guarantees: bounded, each task at most once
//! per `poll_once`, fixed rotation, nothing lost.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use wrt::{ExecutorError, WrtExecutor};
use wrt_examples::round_robin::{RoundRobinExecutor, SLOTS};
use wrt_examples::workload::yield_now;

fn leak<T>(value: T) -> &'static T {
    Box::leak(Box::new(value))
}

#[test]
fn bounded_to_64_tasks() {
    let exec = leak(RoundRobinExecutor::new());
    for _ in 0..SLOTS {
        exec.spawn(Box::pin(std::future::pending())).unwrap();
    }
    assert_eq!(
        exec.spawn(Box::pin(async {})).unwrap_err(),
        ExecutorError::OutOfResources
    );
    exec.shutdown().unwrap();
    assert_eq!(exec.live(), 0);
}

#[test]
fn each_task_polled_at_most_once_per_poll_once() {
    let exec = leak(RoundRobinExecutor::new());
    let counts: Arc<Vec<AtomicUsize>> = Arc::new((0..10).map(|_| AtomicUsize::new(0)).collect());
    for i in 0..10 {
        let counts = counts.clone();
        exec.spawn(Box::pin(async move {
            loop {
                counts[i].fetch_add(1, Ordering::SeqCst);
                yield_now().await;
            }
        }))
        .unwrap();
    }
    for round in 1..=20 {
        exec.poll_once().unwrap();
        for c in counts.iter() {
            assert_eq!(c.load(Ordering::SeqCst), round);
        }
    }
    assert_eq!(exec.polls(), 200);
    exec.shutdown().unwrap();
}
