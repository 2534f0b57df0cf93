//! Loom model of the registry's set-once election (the real
//! `register_executor_static`, `registered_executor` and `current_executor`,
//! whose statics are per-execution lazy statics under loom).
//!
//! `RUSTFLAGS="--cfg loom" cargo test -p wrt-async-core --release --test loom_registry`
#![cfg(loom)]

mod loom_support;

use loom::thread;
use wrt_async_core::{
    ExecutorError, WrtExecutor, current_executor, register_executor_static, registered_executor,
};

/// An executor that is only ever compared by address.
struct Candidate(#[allow(dead_code, reason = "gives each static its own address")] u8);

impl WrtExecutor for Candidate {
    fn is_running(&self) -> bool {
        true
    }
    fn shutdown(&self) -> Result<(), ExecutorError> {
        Ok(())
    }
}

// Plain statics hold no loom object, so they may outlive an execution.
static A: Candidate = Candidate(1);
static B: Candidate = Candidate(2);
static C: Candidate = Candidate(3);

fn address(executor: &dyn WrtExecutor) -> usize {
    (executor as *const dyn WrtExecutor).cast::<()>() as usize
}

/// Registers `me`; returns the outcome and the executor visible right after.
fn register(me: &'static Candidate) -> (Result<(), ExecutorError>, usize) {
    let outcome = register_executor_static(me);
    // A loser returns only once the winner is visible.
    let seen = registered_executor().expect("registered after register_executor_static returned");
    (outcome, address(seen))
}

#[test]
fn concurrent_registrations_elect_exactly_one_winner() {
    // Two registrations: with three, two losers can both spin waiting for
    // the winner, and loom lets such spinners hand the processor to each
    // other forever ("exceeded maximum number of branches").
    loom_support::check("registry: 2 registrations race", None, || {
        let b = thread::spawn(|| register(&B));
        let a = register(&A);
        let results = [a, b.join().unwrap()];
        let winners: Vec<usize> = results
            .iter()
            .zip([&A, &B])
            .filter(|((outcome, _), _)| outcome.is_ok())
            .map(|(_, candidate)| address(candidate))
            .collect();
        assert_eq!(winners.len(), 1, "exactly one registration wins");
        for (outcome, seen) in results {
            assert!(matches!(
                outcome,
                Ok(()) | Err(ExecutorError::AlreadyRegistered)
            ));
            assert_eq!(
                seen, winners[0],
                "everyone sees the winner, never a torn slot"
            );
        }
        assert_eq!(address(current_executor()), winners[0]);
        // Later registrations lose at once.
        assert_eq!(
            register_executor_static(&C),
            Err(ExecutorError::AlreadyRegistered)
        );
    });
}

#[test]
fn readers_see_nothing_or_the_winner() {
    loom_support::check("registry: registration vs. readers", None, || {
        let reader = thread::spawn(|| {
            let registered = registered_executor().map(address);
            let current = address(current_executor());
            (registered, current)
        });
        let outcome = register_executor_static(&A);
        let (registered, current) = reader.join().unwrap();
        assert_eq!(outcome, Ok(()));
        // Before the registration the built-in fallback is current, after
        // it the winner; once seen, the winner stays (the slot is set once).
        let fallback = address(wrt_async_core::default_executor());
        match registered {
            None => assert!(current == fallback || current == address(&A)),
            Some(seen) => {
                assert_eq!(seen, address(&A));
                assert_eq!(current, address(&A));
            }
        }
    });
}
