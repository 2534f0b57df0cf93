#[wrt_async_core::task]
const fn ticks() {}

fn main() {}
