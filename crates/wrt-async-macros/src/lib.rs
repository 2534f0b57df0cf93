//! The attribute macros of `wrt-async-core`: `#[wrt::main]`, `#[wrt::task]`,
//! `#[wrt::executor]` and `#[wrt::test]`.
//!
//! Use them through `wrt-async-core` (feature `macros`, on by default), not
//! directly; `docs/macros.md` describes every option, what each macro
//! expands to and every error it reports.
//!
//! All logic lives in plain functions over `proc_macro2` tokens
//! (`main::expand_main`, `task::expand_task`, `executor::expand_executor`,
//! `test::expand_test`); this file only converts tokens. Those functions
//! never panic: on any input they return code, with `compile_error!`s when
//! the input is wrong.
//!
//! No module but this one touches `proc_macro`, so a fuzz harness (which
//! cannot link a proc-macro crate's items) can compile the logic itself:
//! declare every module below at its crate root with
//! `#[path = ".../wrt-async-macros/src/<name>.rs"] mod <name>;` (they refer
//! to each other as `crate::<name>`), depend on `proc-macro2`, `quote`,
//! `syn` (features `full`, `visit`), and call the `expand_*` functions.

use proc_macro::TokenStream;

mod body;
mod crate_path;
mod diag;
mod executor;
mod executor_methods;
mod fallback;
mod fn_macro;
mod impl_block;
mod item_fn;
mod limits;
mod manifest;
// The `#[wrt::main]` module, not a binary root (`autobins = false` in
// Cargo.toml); the explicit path says so to the `special_module_name` lint.
#[path = "main.rs"]
mod main;
mod options;
mod signature;
mod task;
mod task_args;
mod task_attrs;
mod test;

#[cfg(test)]
mod never_panics;

/// Runs an `async fn main` on the current executor.
///
/// ```ignore
/// #[wrt::main]
/// async fn main() -> Result<(), std::io::Error> {
///     let n = compute().await;
///     Ok(())
/// }
/// ```
///
/// Options: `executor = EXPR` registers `EXPR` first, `entry = path` makes a
/// `#[path] fn main() -> !` for `no_std` targets, `crate = path` names
/// wrt-async-core.
#[proc_macro_attribute]
pub fn main(attr: TokenStream, item: TokenStream) -> TokenStream {
    main::expand_main(attr.into(), item.into()).into()
}

/// Turns an `async fn` into a task with a static pool of `pool` slots
/// (default 1): calling the function returns a `SpawnToken` to spawn.
///
/// ```ignore
/// #[wrt::task(pool = 4)]
/// async fn blink(led: u8, period_ms: u32) { /* .. */ }
///
/// let handle = blink(1, 500).spawn()?;
/// ```
///
/// Options: `pool = N` (any `usize` const expression), `crate = path`.
#[proc_macro_attribute]
pub fn task(attr: TokenStream, item: TokenStream) -> TokenStream {
    task::expand_task(attr.into(), item.into()).into()
}

/// Implements `WrtExecutor` for a type from the few methods its backend has
/// (`spawn` and/or `spawn_task`, optionally `block_on`, `poll_once`,
/// `shutdown`), deriving ids, the running flag and shutdown from its
/// `ExecutorState` field.
///
/// ```ignore
/// #[wrt::executor]
/// impl TokioExecutor {
///     fn spawn(&self, fut: BoxedFuture<'static, ()>) -> Result<(), ExecutorError> {
///         self.runtime.spawn(fut);
///         Ok(())
///     }
///     fn block_on<F: Future>(&self, fut: F) -> F::Output {
///         self.runtime.block_on(fut)
///     }
/// }
/// ```
///
/// Options: `state = field` (default `state`), `crate = path`.
#[proc_macro_attribute]
pub fn executor(attr: TokenStream, item: TokenStream) -> TokenStream {
    executor::expand_executor(attr.into(), item.into()).into()
}

/// Runs an `async fn` test on a fresh executor of its own.
///
/// ```ignore
/// #[wrt::test]
/// async fn adds() {
///     assert_eq!(add(1, 2).await, 3);
/// }
/// ```
///
/// Options: `executor = EXPR` runs the test on `EXPR` instead, `crate = path`.
#[proc_macro_attribute]
pub fn test(attr: TokenStream, item: TokenStream) -> TokenStream {
    test::expand_test(attr.into(), item.into()).into()
}
