#[wrt_async_core::task]
async fn show(_value: impl core::fmt::Debug + Send + 'static) {}

fn main() {}
