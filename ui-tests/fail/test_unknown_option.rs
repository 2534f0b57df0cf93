#[wrt_async_core::test(timeout = 5, crate = wrt_async_core)]
async fn slow() {}

fn main() {}
