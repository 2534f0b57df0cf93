use std::borrow::Cow;

#[wrt_async_core::task]
async fn name(_name: Cow<'_, str>) {}

fn main() {}
