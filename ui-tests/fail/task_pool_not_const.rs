// The pool size must be known at compile time: a runtime value is rejected.
fn slots_from_config() -> usize {
    4
}

#[wrt_async_core::task(pool = slots_from_config())]
async fn configured() {}

static mut SLOTS: usize = 4;

#[wrt_async_core::task(pool = SLOTS)]
async fn from_a_static() {}

fn main() {}
