#[wrt_async_core::test]
async fn generic<T: Default>() {}

fn main() {}
