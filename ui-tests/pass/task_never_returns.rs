//! A task returning `!` runs forever; its token is `SpawnToken<impl Sized>`.
use std::sync::atomic::{AtomicU32, Ordering};

use wrt_async_core as wrt;

static BEATS: AtomicU32 = AtomicU32::new(0);

#[wrt::task]
async fn heartbeat(beats: &'static AtomicU32) -> ! {
    loop {
        beats.fetch_add(1, Ordering::SeqCst);
        wrt_ui_tests::yield_now().await;
    }
}

#[wrt::main]
async fn main() {
    let token: wrt::SpawnToken<_> = heartbeat(&BEATS);
    let _forever = token.spawn().expect("a free slot");
    while BEATS.load(Ordering::SeqCst) < 3 {
        wrt_ui_tests::yield_now().await;
    }
}
