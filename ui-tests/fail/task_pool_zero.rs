#[wrt_async_core::task(pool = 0)]
async fn never_runs() {}

fn main() {}
