//! The same wrt code on Tokio: `#[wrt::main(executor = ..)]` registers the
//! Tokio adapter before the body runs.
//!
//! Run it with `cargo run -p wrt-examples --bin tokio`.

use wrt::{ExecutorError, current_executor, is_using_fallback};
use wrt_async_adapters::TokioExecutor;
use wrt_examples::workload::{expected, pipeline};

#[wrt::main(executor = TokioExecutor::multi_thread().expect("a Tokio runtime"))]
async fn main() -> Result<(), ExecutorError> {
    assert!(!is_using_fallback());
    let result = pipeline(current_executor()).await?;
    println!("pipeline on tokio: {result}");
    assert_eq!(result, expected());
    // Tokio's own APIs work inside wrt tasks on this executor.
    tokio::time::sleep(std::time::Duration::from_millis(1)).await;
    println!("tokio example finished");
    Ok(())
}
