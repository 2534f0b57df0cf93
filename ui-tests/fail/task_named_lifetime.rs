struct Buffer<'a>(&'a [u8]);

#[wrt_async_core::task]
async fn send(_buffer: Buffer<'a>) {}

fn main() {}
