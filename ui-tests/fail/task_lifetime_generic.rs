#[wrt_async_core::task]
async fn show<'a>(_value: &'a str) {}

fn main() {}
