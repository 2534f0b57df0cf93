#[wrt_async_core::test]
#[test]
async fn twice() {}

fn main() {}
