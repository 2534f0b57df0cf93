#[wrt_async_core::task]
fn blink(_led: u8) {}

fn main() {
    let _ = blink(1).spawn();
}
