//! `#[wrt::main]` on `async fn main()`: runs on the current executor (the
//! built-in fallback when none is registered).
use wrt_async_core as wrt;

#[wrt::task]
async fn answer() -> u32 {
    42
}

#[wrt::main]
async fn main() {
    assert!(wrt::is_using_fallback());
    let value = answer().spawn().expect("a free slot").await.expect("ran");
    assert_eq!(value, 42);
}
