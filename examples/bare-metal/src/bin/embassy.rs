//! wrt tasks on Embassy's Cortex-M executor: the Embassy adapter on bare
//! metal. `#[wrt::task]` tasks (static pools, no heap) run inside Embassy
//! runner tasks spawned through a `SendSpawner`; the results are checked
//! and reported through semihosting. See docs/bare-metal.md.
#![no_std]
#![no_main]

use core::panic::PanicInfo;

use cortex_m_semihosting::{debug, hprintln};
use embassy_executor::Executor;
use wrt::{ExecutorError, WrtExecutor, yield_now};
use wrt_async_adapters::EmbassyExecutor;

/// Worker `n` returns `1 + 2 + .. + n`, yielding between steps so the
/// workers interleave on Embassy's run queue.
#[wrt::task(pool = 4)]
async fn worker(n: u32) -> u32 {
    let mut sum = 0;
    for i in 1..=n {
        sum += i;
        yield_now().await;
    }
    sum
}

/// Spawns the workers on the Embassy adapter, joins them and checks.
#[wrt::task]
async fn supervisor(exec: &'static EmbassyExecutor) {
    let mut joins = [const { None }; 4];
    for (slot, n) in joins.iter_mut().zip([10, 20, 30, 40]) {
        *slot = Some(
            worker(n)
                .spawn_on(exec)
                .unwrap_or_else(|e| fail("spawn", e)),
        );
    }
    let mut total = 0;
    for join in joins.into_iter().flatten() {
        total += join.await.unwrap_or_else(|e| fail("join", e));
    }
    hprintln!("embassy: total = {}", total);
    if total != 55 + 210 + 465 + 820 {
        fail("total", ExecutorError::Cancelled);
    }
    let as_dyn: &'static dyn WrtExecutor = exec;
    let blocked = as_dyn.block_on(async {});
    hprintln!("embassy: block_on = {:?}", blocked);
    if blocked != Err(ExecutorError::NotSupported) {
        fail("block_on", ExecutorError::Cancelled);
    }
    exec.shutdown().unwrap_or_else(|e| fail("shutdown", e));
    let refused = worker(1).spawn_on(exec);
    hprintln!(
        "embassy: after shutdown spawn = {:?}",
        refused.as_ref().map(|_| ())
    );
    if !matches!(refused, Err(ExecutorError::NotRunning)) || exec.is_running() {
        fail("shutdown semantics", ExecutorError::Cancelled);
    }
    hprintln!("bare-metal: all checks passed");
    debug::exit(debug::EXIT_SUCCESS);
}

#[cortex_m_rt::entry]
fn main() -> ! {
    hprintln!("embassy: wrt tasks on embassy-executor (Cortex-M)");
    let executor = cortex_m::singleton!(: Executor = Executor::new()).unwrap();
    executor.run(|spawner| {
        let exec =
            cortex_m::singleton!(: EmbassyExecutor = EmbassyExecutor::new(spawner.make_send()))
                .unwrap();
        exec.register().unwrap_or_else(|e| fail("register", e));
        // Detached: the supervisor reports and exits QEMU itself.
        drop(
            supervisor(exec)
                .spawn()
                .unwrap_or_else(|e| fail("spawn supervisor", e)),
        );
    })
}

fn fail(what: &str, error: ExecutorError) -> ! {
    hprintln!("embassy: FAILED {}: {}", what, error);
    debug::exit(debug::EXIT_FAILURE);
    loop {
        cortex_m::asm::wfe();
    }
}

#[panic_handler]
fn panic(info: &PanicInfo) -> ! {
    hprintln!("embassy: panic: {}", info);
    debug::exit(debug::EXIT_FAILURE);
    loop {
        cortex_m::asm::wfe();
    }
}
