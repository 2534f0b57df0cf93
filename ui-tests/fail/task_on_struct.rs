#[wrt_async_core::task]
struct Blinker {
    led: u8,
}

fn main() {}
