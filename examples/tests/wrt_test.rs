//! `#[wrt::test]`: each test on a fresh executor of its own.

use wrt::{ExecutorError, current_executor, is_using_fallback};
use wrt_async_adapters::TokioExecutor;
use wrt_examples::workload::{expected, pipeline, yield_now};

#[wrt::test]
async fn runs_on_a_fresh_fallback_of_its_own() {
    assert!(is_using_fallback());
    let stats = current_executor().stats().unwrap();
    // Fresh: this test's executor has run nothing else.
    assert_eq!((stats.spawned, stats.completed), (0, 0));
    assert_eq!(pipeline(current_executor()).await, Ok(expected()));
    assert_eq!(current_executor().stats().unwrap().spawned, 4);
}

/// A task pool of this file's own: the tests run in parallel threads, and
/// each pool's slots are shared by every test that spawns from it.
#[wrt::task(pool = 2)]
async fn double(x: u32) -> u32 {
    yield_now().await;
    x * 2
}

#[wrt::test]
async fn returns_a_result() -> Result<(), ExecutorError> {
    let value = double(21).spawn()?.await?;
    assert_eq!(value, 42);
    Ok(())
}

#[wrt::test]
#[should_panic(expected = "the body's own message")]
async fn should_panic_sees_the_body_panic() {
    yield_now().await;
    panic!("the body's own message");
}

#[wrt::test]
#[ignore = "shows that #[ignore] is kept"]
async fn ignored() {
    unreachable!("ignored tests do not run");
}

#[wrt::test(executor = TokioExecutor::current_thread().unwrap())]
async fn on_tokio() {
    assert!(!is_using_fallback());
    tokio::time::sleep(std::time::Duration::from_millis(1)).await;
    assert_eq!(double(4).spawn().unwrap().await, Ok(8));
}
