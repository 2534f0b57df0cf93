//! The expansion logic of `wrt-async-macros`, compiled as an ordinary
//! library so that a test can call it: a proc-macro crate's own items cannot
//! be linked into anything. Every module of the macros crate but its
//! `proc_macro` entry points (its `lib.rs`) is included as is, at this
//! crate's root, as the macros crate's docs describe; the harness is
//! `tests/fuzz_macros.rs` (see docs/reliability.md).

#[path = "../../crates/wrt-async-macros/src/body.rs"]
mod body;
#[path = "../../crates/wrt-async-macros/src/crate_path.rs"]
mod crate_path;
#[path = "../../crates/wrt-async-macros/src/diag.rs"]
mod diag;
#[path = "../../crates/wrt-async-macros/src/executor.rs"]
mod executor;
#[path = "../../crates/wrt-async-macros/src/executor_methods.rs"]
mod executor_methods;
#[path = "../../crates/wrt-async-macros/src/fallback.rs"]
mod fallback;
#[path = "../../crates/wrt-async-macros/src/fn_macro.rs"]
mod fn_macro;
#[path = "../../crates/wrt-async-macros/src/impl_block.rs"]
mod impl_block;
#[path = "../../crates/wrt-async-macros/src/item_fn.rs"]
mod item_fn;
#[path = "../../crates/wrt-async-macros/src/limits.rs"]
mod limits;
#[path = "../../crates/wrt-async-macros/src/main.rs"]
mod main;
#[path = "../../crates/wrt-async-macros/src/manifest.rs"]
mod manifest;
#[path = "../../crates/wrt-async-macros/src/options.rs"]
mod options;
#[path = "../../crates/wrt-async-macros/src/signature.rs"]
mod signature;
#[path = "../../crates/wrt-async-macros/src/task.rs"]
mod task;
#[path = "../../crates/wrt-async-macros/src/task_args.rs"]
mod task_args;
#[path = "../../crates/wrt-async-macros/src/task_attrs.rs"]
mod task_attrs;
#[path = "../../crates/wrt-async-macros/src/test.rs"]
mod test;

use proc_macro2::TokenStream;

/// An expansion function: `(attribute arguments, item) -> tokens`.
pub type Expand = fn(TokenStream, TokenStream) -> TokenStream;

/// The four attribute macros, by name.
pub const MACROS: [(&str, Expand); 4] = [
    ("main", main::expand_main),
    ("task", task::expand_task),
    ("executor", executor::expand_executor),
    ("test", test::expand_test),
];

/// Nesting deeper than this is refused by the macros with an error (their
/// guard against stack overflow in syn); the fuzzer probes around it.
pub const MAX_NESTING: usize = limits::MAX_NESTING;
