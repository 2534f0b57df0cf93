#[wrt_async_core::executor]
fn spawn() {}

fn main() {}
