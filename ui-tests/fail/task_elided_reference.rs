#[wrt_async_core::task]
async fn log(_message: &str) {}

fn main() {}
