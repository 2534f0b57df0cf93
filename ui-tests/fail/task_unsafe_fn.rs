#[wrt_async_core::task]
async unsafe fn poke(_address: usize) {}

fn main() {}
