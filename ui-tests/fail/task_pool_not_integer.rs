#[wrt_async_core::task(pool = "4")]
async fn strings() {}

#[wrt_async_core::task(pool = 2.5)]
async fn floats() {}

fn main() {}
