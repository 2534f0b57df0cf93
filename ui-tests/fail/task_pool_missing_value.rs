#[wrt_async_core::task(pool)]
async fn no_value() {}

#[wrt_async_core::task(pool = )]
async fn empty_value() {}

fn main() {}
