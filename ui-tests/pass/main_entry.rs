//! `#[wrt::main(entry = path)]` (for no_std targets) makes
//! `#[path] fn main() -> !` that runs the body, then keeps driving tasks.
//! Here the entry attribute is the built-in `#[inline]`, and the body ends
//! the process so that the test terminates.
use wrt_async_core as wrt;

#[wrt::task]
async fn check() -> u8 {
    5
}

#[wrt::main(entry = inline)]
async fn main() {
    let five = check().spawn().expect("a free slot").await.expect("ran");
    std::process::exit(i32::from(five) - 5);
}
