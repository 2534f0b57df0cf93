//! One piece of wrt task code, run unchanged on every executor by the
//! examples and by `tests/same_results.rs`.

use wrt::{ExecutorError, WrtExecutor};

pub use wrt::yield_now;

/// A stage of a small pipeline: yields `rounds` times, then returns its
/// checksum.
#[wrt::task(pool = 4)]
pub async fn stage(id: u32, rounds: u32) -> u64 {
    let mut acc = u64::from(id);
    for round in 0..rounds {
        yield_now().await;
        acc = acc * 31 + u64::from(round);
    }
    acc
}

/// Runs four stages on `executor` and combines their results in order; the
/// answer does not depend on the executor.
pub async fn pipeline(executor: &'static dyn WrtExecutor) -> Result<u64, ExecutorError> {
    let mut joins = Vec::with_capacity(4);
    for id in 1..=4 {
        joins.push(stage(id, id * 3).spawn_on(executor)?);
    }
    let mut combined = 0u64;
    for join in joins {
        combined = combined.wrapping_mul(1_000_003).wrapping_add(join.await?);
    }
    Ok(combined)
}

/// What [`pipeline`] returns on every executor.
pub fn expected() -> u64 {
    let mut combined = 0u64;
    for id in 1..=4u32 {
        let mut acc = u64::from(id);
        for round in 0..id * 3 {
            acc = acc * 31 + u64::from(round);
        }
        combined = combined.wrapping_mul(1_000_003).wrapping_add(acc);
    }
    combined
}
