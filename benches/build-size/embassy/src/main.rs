//! A task that adds numbers, spawned from main, its result sent back: the
//! same program as ../wrt, on embassy-executor (which has no join handles,
//! so the result travels through a channel).

use embassy_executor::Spawner;
use embassy_sync::blocking_mutex::raw::CriticalSectionRawMutex;
use embassy_sync::channel::Channel;

static RESULTS: Channel<CriticalSectionRawMutex, u32, 2> = Channel::new();

#[embassy_executor::task(pool_size = 2)]
async fn add(a: u32, b: u32) {
    RESULTS.send(a + b).await;
}

#[embassy_executor::main]
async fn main(spawner: Spawner) {
    spawner.spawn(add(1, 2).expect("pool slot"));
    spawner.spawn(add(3, 4).expect("pool slot"));
    let total = RESULTS.receive().await + RESULTS.receive().await;
    println!("total = {total}");
    // Embassy's std executor runs forever; end the process like main would.
    std::process::exit(0);
}
