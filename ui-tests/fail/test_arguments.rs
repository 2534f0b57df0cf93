#[wrt_async_core::test]
async fn with_input(_input: u32) {}

fn main() {}
