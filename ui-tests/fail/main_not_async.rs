#[wrt_async_core::main]
fn main() {}
