//! `#[wrt::test]` for real: each test runs on a fresh executor of its own,
//! which is the current executor while the body runs.

use std::sync::atomic::{AtomicUsize, Ordering};

use wrt::{ExecutorError, WrtExecutor};
use wrt_async_core as wrt;
use wrt_ui_tests::{QueueExecutor, ThreadExecutor, yield_now};

#[wrt::task(pool = 4)]
async fn add(a: u32, b: u32) -> u32 {
    yield_now().await;
    a + b
}

/// The address of an executor, to tell executors apart.
fn address(executor: &dyn WrtExecutor) -> *const () {
    executor as *const dyn WrtExecutor as *const ()
}

#[wrt::test]
async fn runs_the_body() {
    yield_now().await;
    assert_eq!(add(1, 2).spawn().expect("a free slot").await, Ok(3));
}

#[wrt::test]
async fn returns_results() -> Result<(), ExecutorError> {
    let sum = add(20, 22).spawn()?.await?;
    assert_eq!(sum, 42);
    Ok(())
}

#[wrt::test]
async fn question_mark_converts_errors() -> Result<(), Box<dyn std::error::Error>> {
    let n: u32 = "7".parse()?;
    assert_eq!(add(n, 1).spawn()?.await?, 8);
    Ok(())
}

#[wrt::test]
async fn runs_on_its_own_executor() {
    let current = wrt::current_executor();
    assert!(!std::ptr::eq(
        address(current),
        address(wrt::default_executor())
    ));
    // Tasks spawned here land on this test's executor and nowhere else.
    let stats_before = current.stats().expect("the fallback keeps stats");
    let joins: Vec<_> = (0..3)
        .map(|i| add(i, i).spawn().expect("a free slot"))
        .collect();
    for (i, join) in (0..).zip(joins) {
        assert_eq!(join.await, Ok(2 * i));
    }
    let stats = current.stats().expect("the fallback keeps stats");
    assert_eq!(stats.spawned - stats_before.spawned, 3);
    assert_eq!(stats.live, 0);
}

/// Two tests running at once (the harness uses threads) do not share an
/// executor: each one sees only its own task count.
#[wrt::test]
async fn each_test_has_a_fresh_executor_a() {
    each_test_has_a_fresh_executor().await;
}

#[wrt::test]
async fn each_test_has_a_fresh_executor_b() {
    each_test_has_a_fresh_executor().await;
}

async fn each_test_has_a_fresh_executor() {
    let stats = wrt::current_executor()
        .stats()
        .expect("the fallback keeps stats");
    assert_eq!(
        stats.spawned, 0,
        "nothing spawned on this test's executor yet"
    );
    wrt::current_executor()
        .spawn(Box::pin(async {}))
        .expect("running");
    yield_now().await;
    let stats = wrt::current_executor()
        .stats()
        .expect("the fallback keeps stats");
    assert_eq!(stats.spawned, 1);
}

#[wrt::test]
#[should_panic(expected = "the body's own message")]
async fn panics_propagate_unchanged() {
    yield_now().await;
    panic!("the body's own message");
}

#[wrt::test]
#[ignore = "shows that #[ignore] is kept; run with --ignored"]
async fn ignored_tests_stay_ignored() {
    panic!("ignored tests do not run");
}

static THREADS: ThreadExecutor = ThreadExecutor::new();
static QUEUE: QueueExecutor = QueueExecutor::new();

#[wrt::test(executor = &THREADS)]
async fn custom_executor_is_current() {
    assert!(std::ptr::eq(
        address(wrt::current_executor()),
        address(&THREADS)
    ));
    // Not registered: the global registry is untouched.
    assert!(wrt::registered_executor().is_none());
    wrt::current_executor()
        .spawn(Box::pin(async {}))
        .expect("running");
    assert_eq!(THREADS.spawned.load(Ordering::SeqCst), 1);
}

#[wrt::test(executor = &QUEUE)]
async fn custom_no_heap_executor_runs_tasks() -> Result<(), ExecutorError> {
    assert_eq!(add(2, 2).spawn()?.await?, 4);
    assert!(QUEUE.stats().is_some_and(|stats| stats.polls > 0));
    Ok(())
}

static OWNED_RUNS: AtomicUsize = AtomicUsize::new(0);

#[wrt::test(executor = ThreadExecutor::new(), crate = wrt_async_core)]
async fn owned_executor_is_leaked_for_the_test() {
    OWNED_RUNS.fetch_add(1, Ordering::SeqCst);
    assert!(wrt::current_executor().is_running());
}

mod renamed {
    use wrt_async_core as runtime;

    #[runtime::test(crate = runtime)]
    async fn crate_option() {
        assert_eq!(async { 5 }.await, 5);
    }
}
