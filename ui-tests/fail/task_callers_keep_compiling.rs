// On error the spawn fn still exists with its signature, so the only error
// is the one about the task itself, not one per caller.
#[wrt_async_core::task]
fn not_async(led: u8) -> u8 {
    led
}

fn main() {
    let token: wrt_async_core::SpawnToken<()> = not_async(1);
    let _ = token.spawn();
}
