#[wrt_async_core::main(entry = 42)]
async fn main() {}
