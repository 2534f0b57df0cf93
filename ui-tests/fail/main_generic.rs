#[wrt_async_core::main]
async fn main<T>() {}
