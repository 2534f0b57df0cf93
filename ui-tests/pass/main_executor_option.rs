//! `#[wrt::main(executor = EXPR)]` registers EXPR before the body runs.
use wrt_async_core as wrt;
use wrt_ui_tests::ThreadExecutor;

#[wrt::main(executor = ThreadExecutor::new())]
async fn main() {
    let registered = wrt::registered_executor().expect("registered by the macro");
    assert!(!wrt::is_using_fallback());
    registered.spawn(Box::pin(async {})).expect("running");
    assert_eq!(
        wrt::register_executor_static(registered),
        Err(wrt::ExecutorError::AlreadyRegistered)
    );
}
