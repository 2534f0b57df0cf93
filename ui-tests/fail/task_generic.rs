#[wrt_async_core::task]
async fn show<T: Send + 'static>(_value: T) {}

fn main() {}
