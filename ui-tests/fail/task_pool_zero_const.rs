const SLOTS: usize = 4 - 4;

#[wrt_async_core::task(pool = SLOTS)]
async fn never_runs() {}

fn main() {
    let _ = never_runs().spawn();
}
