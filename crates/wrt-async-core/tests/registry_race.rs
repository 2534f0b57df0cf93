//! The registry elects exactly one executor when many threads register at
//! once. (A test binary of its own: the registry is process-global.)

use std::sync::{Arc, Barrier};

use wrt_async_core::{
    ExecutorError, FallbackExecutor, WrtExecutor, current_executor, is_using_fallback,
    register_executor, register_executor_static, registered_executor,
};

static CANDIDATES: [FallbackExecutor<1>; 8] = [const { FallbackExecutor::new() }; 8];

#[test]
fn concurrent_registrations_elect_exactly_one() {
    assert!(is_using_fallback());
    assert!(registered_executor().is_none());
    let threads = if cfg!(miri) { 4 } else { 8 };
    let barrier = Arc::new(Barrier::new(threads));
    let handles: Vec<_> = (0..threads)
        .map(|i| {
            let barrier = barrier.clone();
            std::thread::spawn(move || {
                barrier.wait();
                let result = register_executor_static(&CANDIDATES[i]);
                // A loser returns only once the winner is visible.
                assert!(registered_executor().is_some());
                (i, result)
            })
        })
        .collect();
    let results: Vec<_> = handles.into_iter().map(|h| h.join().unwrap()).collect();
    let winners: Vec<usize> = results
        .iter()
        .filter(|(_, r)| r.is_ok())
        .map(|(i, _)| *i)
        .collect();
    assert_eq!(winners.len(), 1, "{results:?}");
    for (_, r) in &results {
        if let Err(e) = r {
            assert_eq!(*e, ExecutorError::AlreadyRegistered);
        }
    }
    let winner: &dyn WrtExecutor = &CANDIDATES[winners[0]];
    assert!(std::ptr::addr_eq(current_executor(), winner));
    assert!(!is_using_fallback());
    // Boxed registrations lose too, and the box is dropped, not leaked.
    assert_eq!(
        register_executor(Box::new(FallbackExecutor::<1>::new())),
        Err(ExecutorError::AlreadyRegistered)
    );
    // The registered executor really runs work.
    assert_eq!(current_executor().block_on(async { 5 }), Ok(5));
    assert_eq!(wrt_async_core::with_async(async { 6 }), Ok(6));
}
