#[wrt_async_core::task]
async fn show(_value: u8)
where
    u8: Copy,
{
}

fn main() {}
