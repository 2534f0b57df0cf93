#[wrt_async_core::task]
async fn maybe(_value: Option<&u8>, _pairs: Vec<(u8, &mut u8)>) {}

fn main() {}
