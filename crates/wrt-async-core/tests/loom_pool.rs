//! Loom models of static pool slots (the real `TaskPool`, `TaskRef` and
//! `JoinHandle`, on loom's atomics and cells): claims racing releases, and
//! the task completing or being cancelled while its join handle is polled
//! or dropped on another thread. Loom checks every access to a slot's stage
//! against the RUNNER/HANDLE/DONE protocol that is meant to order it.
//!
//! `RUSTFLAGS="--cfg loom" cargo test -p wrt-async-core --release --test loom_pool`
#![cfg(loom)]

mod loom_support;

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

use loom::thread;
use loom_support::{DropToken, Drops, block_on, poll_once};
use wrt_async_core::{ExecutorError, TaskPool};

/// The task's output: its drop is counted too.
struct Output {
    value: u32,
    _token: DropToken,
}

/// A task that completes on its first poll.
struct Job {
    value: u32,
    output_drops: Drops,
    _token: DropToken,
}

impl Future for Job {
    type Output = Output;
    fn poll(self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<Output> {
        Poll::Ready(Output {
            value: self.value,
            _token: self.output_drops.token(),
        })
    }
}

fn job(value: u32, futures: &Drops, outputs: &Drops) -> Job {
    Job {
        value,
        output_drops: outputs.clone(),
        _token: futures.token(),
    }
}

loom::lazy_static! {
    // Fresh pools in every execution.
    static ref ONE: TaskPool<Job, 1> = TaskPool::new();
    static ref TWO: TaskPool<Job, 2> = TaskPool::new();
}

/// Claims a `job(7)` in `ONE` and runs it to completion on another thread
/// (one poll, then the TaskRef is dropped); returns that thread and the
/// task's join handle.
fn run_on_another_thread(
    futures: &Drops,
    outputs: &Drops,
) -> (thread::JoinHandle<()>, wrt_async_core::JoinHandle<Output>) {
    let (mut task, join) = ONE.claim(|| job(7, futures, outputs)).into_parts().unwrap();
    let runner = thread::spawn(move || {
        assert!(poll_once(&mut task).is_ready());
        drop(task);
    });
    (runner, join)
}

#[test]
fn claims_race_releases_and_never_share_a_slot() {
    loom_support::check("pool: claim/release on 2 threads", None, || {
        let (futures, outputs) = (Drops::default(), Drops::default());
        let claim_and_release = |value: u32, handle_first: bool| {
            let (futures, outputs) = (futures.clone(), outputs.clone());
            move || match ONE.claim(|| job(value, &futures, &outputs)).into_parts() {
                Ok((task, join)) => {
                    if handle_first {
                        drop(join);
                        drop(task);
                    } else {
                        drop(task);
                        drop(join);
                    }
                    true
                }
                Err(error) => {
                    assert_eq!(error, ExecutorError::OutOfResources);
                    false
                }
            }
        };
        let other = thread::spawn(claim_and_release(1, true));
        let mine = claim_and_release(2, false)();
        let theirs = other.join().unwrap();
        let claimed = usize::from(mine) + usize::from(theirs);
        assert!(claimed >= 1, "the first claim always succeeds");
        // Every future that was built was dropped once (cancelled: never
        // polled, so no output), and the slot is free again.
        assert_eq!(futures.count(), claimed);
        assert_eq!(outputs.count(), 0);
        assert_eq!(ONE.in_use(), 0);
    });
}

#[test]
fn completion_races_the_join_handle_being_dropped() {
    loom_support::check("pool: completion vs. JoinHandle drop", None, || {
        let (futures, outputs) = (Drops::default(), Drops::default());
        let (runner, join) = run_on_another_thread(&futures, &outputs);
        drop(join);
        runner.join().unwrap();
        // Whoever left last dropped the output and freed the slot.
        assert_eq!(futures.count(), 1);
        assert_eq!(outputs.count(), 1);
        assert_eq!(ONE.in_use(), 0);
    });
}

#[test]
fn the_join_handle_withdraws_its_waker_while_the_task_completes() {
    loom_support::check(
        "pool: JoinHandle polled, then dropped vs. completion",
        None,
        || {
            let (futures, outputs) = (Drops::default(), Drops::default());
            let (runner, mut join) = run_on_another_thread(&futures, &outputs);
            // Publishes a waker (or finds the result), then detaches: the runner
            // may find the handle gone and free the slot itself, which must come
            // after the handle withdrew its waker from the slot's cell.
            if let std::task::Poll::Ready(output) = poll_once(&mut join) {
                assert_eq!(output.map(|o| o.value).ok(), Some(7));
            }
            drop(join);
            runner.join().unwrap();
            assert_eq!((futures.count(), outputs.count()), (1, 1));
            assert_eq!(ONE.in_use(), 0);
        },
    );
}

#[test]
fn completion_wakes_the_join_handle_on_another_thread() {
    loom_support::check("pool: completion vs. JoinHandle poll", None, || {
        let (futures, outputs) = (Drops::default(), Drops::default());
        let (runner, join) = run_on_another_thread(&futures, &outputs);
        // Parks until woken: a lost wake-up is a deadlock loom reports.
        let output = block_on(join).expect("the task completed");
        assert_eq!(output.value, 7);
        // The runner left before it woke the handle, and `block_on` dropped
        // the handle: the slot is free for the next claim already, although
        // the runner's thread may not have returned from the wake yet.
        assert_eq!(ONE.in_use(), 0, "a joined task's slot is free at once");
        drop(output);
        runner.join().unwrap();
        assert_eq!((futures.count(), outputs.count()), (1, 1));
        assert_eq!(ONE.in_use(), 0);
    });
}

#[test]
fn cancellation_races_the_join_handle() {
    loom_support::check("pool: cancellation vs. JoinHandle poll", None, || {
        let (futures, outputs) = (Drops::default(), Drops::default());
        let (task, join) = ONE
            .claim(|| job(7, &futures, &outputs))
            .into_parts()
            .unwrap();
        let canceller = thread::spawn(move || drop(task));
        assert!(matches!(block_on(join), Err(ExecutorError::Cancelled)));
        assert_eq!(ONE.in_use(), 0, "a cancelled task's slot is free at once");
        canceller.join().unwrap();
        assert_eq!((futures.count(), outputs.count()), (1, 0));
        assert_eq!(ONE.in_use(), 0);
    });
}

#[test]
fn a_freed_slot_is_reclaimed_on_another_thread() {
    loom_support::check(
        "pool: release on one thread, reclaim on another",
        None,
        || {
            let (futures, outputs) = (Drops::default(), Drops::default());
            let (mut task, join) = ONE
                .claim(|| job(1, &futures, &outputs))
                .into_parts()
                .unwrap();
            let releaser = thread::spawn(move || {
                assert!(poll_once(&mut task).is_ready());
                drop(task);
                drop(join);
            });
            // Claims until the slot comes back: the new stage must be written
            // only after the old output was dropped (loom checks the cell).
            let (futures2, outputs2) = (futures.clone(), outputs.clone());
            let claimed = loop {
                match ONE.claim(|| job(2, &futures2, &outputs2)).into_parts() {
                    Ok(parts) => break parts,
                    Err(_) => thread::yield_now(),
                }
            };
            releaser.join().unwrap();
            drop(claimed);
            assert_eq!((futures.count(), outputs.count()), (2, 1));
            assert_eq!(ONE.in_use(), 0);
        },
    );
}

#[test]
fn the_join_handle_re_registers_while_the_task_completes() {
    loom_support::check("pool: JoinHandle polled twice vs. completion", None, || {
        let (futures, outputs) = (Drops::default(), Drops::default());
        let (mut task, mut join) = ONE
            .claim(|| job(3, &futures, &outputs))
            .into_parts()
            .unwrap();
        let runner = thread::spawn(move || {
            assert!(poll_once(&mut task).is_ready());
            drop(task);
        });
        // A first poll registers one waker (or finds the result); the
        // second, from `block_on`, replaces it while the runner may be
        // completing: the result must still arrive, and be taken once.
        let output = match poll_once(&mut join) {
            std::task::Poll::Ready(result) => {
                drop(join);
                result
            }
            std::task::Poll::Pending => block_on(join),
        };
        assert_eq!(output.map(|o| o.value).ok(), Some(3));
        runner.join().unwrap();
        assert_eq!((futures.count(), outputs.count()), (1, 1));
        assert_eq!(ONE.in_use(), 0);
    });
}

#[test]
fn two_slots_three_threads() {
    loom_support::check("pool: 2 slots, 3 threads claim and release", None, || {
        let (futures, outputs) = (Drops::default(), Drops::default());
        let claim_run_release = |value: u32| {
            let (futures, outputs) = (futures.clone(), outputs.clone());
            move || match TWO.claim(|| job(value, &futures, &outputs)).into_parts() {
                Ok((mut task, join)) => {
                    assert!(poll_once(&mut task).is_ready());
                    drop(task);
                    assert_eq!(block_on(join).map(|o| o.value).ok(), Some(value));
                    true
                }
                Err(error) => {
                    assert_eq!(error, ExecutorError::OutOfResources);
                    false
                }
            }
        };
        let a = thread::spawn(claim_run_release(1));
        let b = thread::spawn(claim_run_release(2));
        let mine = claim_run_release(3)();
        let claimed = [a.join().unwrap(), b.join().unwrap(), mine]
            .iter()
            .filter(|c| **c)
            .count();
        assert!(claimed >= 2, "two slots: at most one claim can be refused");
        assert_eq!((futures.count(), outputs.count()), (claimed, claimed));
        assert_eq!(TWO.in_use(), 0);
    });
}
