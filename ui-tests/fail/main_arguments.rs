#[wrt_async_core::main]
async fn main(_args: Vec<String>) {}
