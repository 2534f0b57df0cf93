#[wrt_async_core::task]
async fn printf(_format: u8, _args: ...) {}

fn main() {}
