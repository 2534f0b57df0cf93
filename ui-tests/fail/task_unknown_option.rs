#[wrt_async_core::task(pool_size = 4)]
async fn misspelled() {}

#[wrt_async_core::task(priority = 1)]
async fn unknown() {}

fn main() {}
