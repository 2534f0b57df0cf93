#[wrt_async_core::task(pool = 1, pool = 2)]
async fn twice() {}

fn main() {}
