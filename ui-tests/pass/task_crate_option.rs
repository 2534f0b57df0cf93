//! `crate = path` finds wrt-async-core through a re-export, as a path or as
//! a string.
mod runtime {
    pub use wrt_async_core as rt;
}

#[wrt_async_core::task(crate = crate::runtime::rt, pool = 2)]
async fn add(a: u32, b: u32) -> u32 {
    a + b
}

#[wrt_async_core::main(crate = "runtime::rt")]
async fn main() {
    let sum = add(2, 3).spawn().expect("a free slot").await;
    assert_eq!(sum, Ok(5));
}
