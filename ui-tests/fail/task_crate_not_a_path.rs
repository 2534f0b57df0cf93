#[wrt_async_core::task(crate = 3)]
async fn numbers() {}

#[wrt_async_core::task(crate = "not a path")]
async fn words() {}

#[wrt_async_core::task(crate = "unbalanced (")]
async fn brackets() {}

fn main() {}
