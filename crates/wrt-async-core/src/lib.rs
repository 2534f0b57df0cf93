//! # wrt-async-core
//!
//! One pluggable async executor layer for every kind of program: the same
//! async code runs on the built-in [`FallbackExecutor`] (bounded, no heap,
//! bare metal included), on Tokio, on Embassy or on an executor of your own.
//!
//! ```
//! use wrt_async_core::{current_executor, is_using_fallback, with_async, ExecutorError};
//!
//! async fn hello_async() -> &'static str { "Hello from async!" }
//!
//! fn main() -> Result<(), ExecutorError> {
//!     let result = with_async(hello_async())?;            // fallback executor by default
//!     assert!(is_using_fallback());
//!     let exec = current_executor();                       // &'static dyn WrtExecutor
//!     let handle = exec.spawn(Box::pin(async { /* ... */ }))?;
//!     let n: u32 = exec.block_on(async { 7 })?;            // block_on through dyn
//!     println!("{result} {n} {}", handle.id);
//!     Ok(())
//! }
//! ```
//!
//! ## Tiers and features
//! - `std` (default, implies `alloc`): threads park when idle, task panics are
//!   isolated, [`spawn_blocking`], the executor driving a thread is the
//!   current one there.
//! - `alloc`: boxed futures ([`BoxedFuture`], [`register_executor`]).
//! - neither: static task pools ([`TaskPool`], `#[wrt::task]`) on the
//!   fallback executor, no allocator needed.
//! - `critical-section`: for targets without compare-and-swap (thumbv6m);
//!   the application provides the critical-section implementation.
//! - `log` / `defmt`: trace spawn, completion, panics, pool exhaustion and
//!   shutdown.
//! - `macros` (default): `#[wrt::main]`, `#[wrt::task]`, `#[wrt::executor]`,
//!   `#[wrt::test]`.
#![no_std]
#![cfg_attr(docsrs, feature(doc_auto_cfg))]

#[cfg(feature = "alloc")]
extern crate alloc;
#[cfg(feature = "std")]
extern crate std;

mod adapter;
mod atomic;
mod bitmap;
#[cfg(feature = "std")]
mod blocking;
#[cfg(feature = "component-model-async")]
pub mod component_model;
mod context;
mod error;
mod executor;
mod fallback;
mod join;
mod park;
mod pool;
mod registry;
mod runtime;
pub mod sync;
mod task;
mod trace;
mod yield_now;

#[doc(hidden)]
#[path = "private.rs"]
pub mod __private;

pub use adapter::ExecutorState;
#[cfg(feature = "std")]
pub use blocking::{BlockingTask, spawn_blocking};
#[cfg(feature = "component-model-async")]
pub use component_model::{
    BoundedComponentTable, ComponentError, ComponentType, ComponentValue, ValueType,
};
#[cfg(all(feature = "component-model-async", feature = "alloc"))]
pub use component_model::{
    ComponentAsyncExt, ComponentFuture, ComponentFutureBridge, ComponentStream,
    ComponentStreamBridge, ComponentTable,
};
pub use context::{EnterGuard, enter};
pub use error::ExecutorError;
#[cfg(feature = "alloc")]
pub use executor::BoxedFuture;
pub use executor::{ExecutorStats, TaskHandle, WrtExecutor};
pub use fallback::{FallbackExecutor, MAX_TASKS};
pub use join::{JoinHandle, SpawnToken};
pub use pool::TaskPool;
#[cfg(feature = "alloc")]
pub use registry::register_executor;
pub use registry::{
    current_executor, default_executor, is_using_fallback, register_executor_static,
    registered_executor,
};
pub use runtime::{AsyncRuntime, ExecuteAsync, with_async};
pub use sync::Semaphore;
pub use task::TaskRef;
pub use yield_now::{YieldNow, yield_now};

#[cfg(feature = "macros")]
pub use wrt_async_macros::{executor, main, task, test};
