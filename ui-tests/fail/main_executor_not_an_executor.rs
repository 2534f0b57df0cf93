#[wrt_async_core::main(executor = 5)]
async fn main() {}
