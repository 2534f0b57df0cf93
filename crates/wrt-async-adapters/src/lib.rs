//! Adapters that let wrt async code run on Tokio and on Embassy.
//!
//! Both are written with wrt's own `#[wrt::executor]`: a struct holding the
//! backend plus an [`ExecutorState`](wrt_async_core::ExecutorState), and the
//! few methods the backend really has. The attribute derives the rest of
//! [`WrtExecutor`](wrt_async_core::WrtExecutor): unique task ids, a running
//! flag that `shutdown` really clears, `NotRunning` after it, and the
//! object-safe `block_on` glue.
//!
//! | feature | adapter |
//! |---|---|
//! | `tokio` | [`TokioExecutor`] over a `Runtime` or a `Handle` |
//! | `embassy` | [`EmbassyExecutor`] over an Embassy `SendSpawner` |
#![no_std]

#[cfg(feature = "tokio")]
extern crate std;

#[cfg(feature = "embassy")]
mod embassy;
#[cfg(feature = "tokio")]
mod tokio;

#[cfg(feature = "embassy")]
pub use embassy::{EmbassyExecutor, RUNNER_TASKS};
#[cfg(feature = "tokio")]
pub use tokio::TokioExecutor;
