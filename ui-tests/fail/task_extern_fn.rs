#[wrt_async_core::task]
async extern "C" fn isr() {}

fn main() {}
