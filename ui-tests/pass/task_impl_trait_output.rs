//! A task may return `impl Trait`; the token then hides the type too.
use std::fmt::Debug;

use wrt_async_core as wrt;

#[wrt::task]
async fn describe(n: u8) -> impl Debug + Send {
    (n, "items")
}

#[wrt::main]
async fn main() {
    let out = describe(3)
        .spawn()
        .expect("a free slot")
        .await
        .expect("ran");
    assert_eq!(format!("{out:?}"), "(3, \"items\")");
}
