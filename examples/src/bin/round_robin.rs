//! A custom executor made with `#[wrt::executor]`: the deterministic
//! round-robin executor of `wrt_examples::round_robin`, registered as the
//! process-wide executor, running the same wrt task code.
//!
//! Run it with `cargo run -p wrt-examples --bin round_robin`.

use wrt::{ExecutorError, current_executor, is_using_fallback};
use wrt_examples::round_robin::RoundRobinExecutor;
use wrt_examples::workload::{expected, pipeline};

#[wrt::main(executor = RoundRobinExecutor::new())]
async fn main() -> Result<(), ExecutorError> {
    assert!(!is_using_fallback());
    let result = pipeline(current_executor()).await?;
    println!("pipeline on the round-robin executor: {result}");
    assert_eq!(result, expected());
    println!("round-robin example finished");
    Ok(())
}
