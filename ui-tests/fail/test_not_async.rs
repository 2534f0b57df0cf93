#[wrt_async_core::test]
fn sync_test() {}

fn main() {}
