#[wrt_async_core::test]
const unsafe fn qualified() {}

fn main() {}
