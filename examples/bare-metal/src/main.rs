//! wrt-async on bare metal: static task pools, no heap, semihosting I/O.
//!
//! `main` runs a coordinator task twice; each round it spawns four workers
//! that share a two-permit semaphore, then joins them and returns their
//! total. Then a task waits for SysTick interrupts, so the executor really
//! idles (`wfe`) and an interrupt handler wakes a task. Every result is
//! checked here; any failed check or panic ends QEMU with a non-zero exit
//! status. See docs/bare-metal.md.
#![no_std]
#![no_main]

mod report;

use core::future::Future;
use core::pin::Pin;
use core::sync::atomic::{AtomicUsize, Ordering};
use core::task::{Context, Poll};

use cortex_m::peripheral::syst::SystClkSource;
use cortex_m_rt::exception;
use cortex_m_semihosting::hprintln;
use wrt::sync::{AtomicWaker, Semaphore};
use wrt::{ExecutorError, FallbackExecutor};

/// Runs every task. Eight slots are plenty (at most five tasks are live at
/// once) and keep RAM use down on the 16 KiB Cortex-M0.
static EXEC: FallbackExecutor<8> = FallbackExecutor::with_idle_hook(idle);

/// At most two workers hold the shared resource at once.
static BUS: Semaphore = Semaphore::new(2);

/// Workers holding a `BUS` permit right now, and the most ever seen at once.
static HOLDERS: Counter = Counter::new();
static MAX_HOLDERS: Counter = Counter::new();
/// How often the executor found nothing to do.
static IDLE_CALLS: Counter = Counter::new();
/// SysTick interrupts so far (written only by the handler), and the task
/// waiting for the next one.
static TICKS: Counter = Counter::new();
static TICK_WAKER: AtomicWaker = AtomicWaker::new();

/// Per round: the workers' inputs; worker `n` returns `1 + 2 + .. + n`.
const INPUTS: [u32; 4] = [10, 20, 30, 40];
const ROUND_TOTAL: u32 = 55 + 210 + 465 + 820;
const ROUNDS: u32 = 2;
/// SysTick interrupts the ticker task waits for.
const TICKS_TO_WAIT: usize = 3;
/// SysTick period in core clock cycles: 4 ms on QEMU mps2-an386 (25 MHz),
/// 6.25 ms on microbit (16 MHz).
const TICK_CYCLES: u32 = 100_000;

/// `executor = &EXEC` registers EXEC before the body runs, so EXEC (with
/// its `wfe` idle hook) drives the body and every task; no heap is needed.
#[wrt::main(entry = cortex_m_rt::entry, executor = &EXEC)]
async fn main() {
    app().await;
    report::pass();
}

async fn app() {
    hprintln!("bare-metal: {} on {}", TARGET, MACHINE);
    for round in 1..=ROUNDS {
        // Pool slots are recycled once a task is joined, so round 2 reuses
        // round 1's slots: nothing is allocated, nothing leaks.
        let total = coordinator(INPUTS).spawn().unwrap().await;
        hprintln!("round {}: total = {:?}", round, total);
        assert_eq!(total, Ok(Ok(ROUND_TOTAL)));
    }

    // The semaphore bounded the workers and every permit came back.
    hprintln!("max concurrent permit holders: {}", MAX_HOLDERS.get());
    assert_eq!(MAX_HOLDERS.get(), 2);
    assert_eq!(HOLDERS.get(), 0);
    assert_eq!(BUS.available_permits(), 2);

    // Nothing else is ready while the ticker waits, so the executor idles in
    // `wfe` until the SysTick handler wakes the task.
    start_systick();
    let ticks = ticker(TICKS_TO_WAIT).spawn().unwrap().await;
    stop_systick();
    hprintln!("ticker: {:?} SysTick interrupts", ticks);
    // At least: QEMU's timers follow the host clock, so a stalled host may
    // let two ticks pass between polls.
    assert!(matches!(ticks, Ok(n) if n >= TICKS_TO_WAIT));
    assert!(IDLE_CALLS.get() > 0, "the executor never idled");

    let stats = EXEC.stats();
    hprintln!(
        "executor: spawned {} completed {} live {} polls {} idle {}",
        stats.spawned,
        stats.completed,
        stats.live,
        stats.polls,
        IDLE_CALLS.get()
    );
    let tasks = ROUNDS as usize * (1 + INPUTS.len()) + 1;
    assert_eq!(
        (stats.spawned, stats.completed, stats.live),
        (tasks, tasks, 0)
    );
}

/// Spawns one worker per input, joins them all and returns their total.
#[wrt::task(pool = 1)]
async fn coordinator(inputs: [u32; 4]) -> Result<u32, ExecutorError> {
    let handles = inputs.map(|n| worker(n).spawn());
    // All four pool slots are taken until the workers are joined: a fifth
    // spawn is refused instead of allocating.
    assert_eq!(
        worker(1).spawn().map(drop),
        Err(ExecutorError::OutOfResources)
    );
    let mut total = 0;
    for handle in handles {
        // Spawn error, then join error, then the worker's own error.
        total += handle?.await??;
    }
    Ok(total)
}

/// Sums `1..=n` while holding a `BUS` permit, yielding after every step so
/// that the other workers run meanwhile and contend for the permits.
#[wrt::task(pool = 4)]
async fn worker(n: u32) -> Result<u32, ExecutorError> {
    let _permit = BUS.acquire().await?;
    HOLDERS.set(HOLDERS.get() + 1);
    MAX_HOLDERS.set(MAX_HOLDERS.get().max(HOLDERS.get()));
    let mut sum = 0;
    for i in 1..=n {
        sum += i;
        wrt::yield_now().await;
    }
    HOLDERS.set(HOLDERS.get() - 1);
    Ok(sum)
}

/// Waits for `n` SysTick interrupts; returns how many happened meanwhile.
#[wrt::task]
async fn ticker(n: usize) -> usize {
    let start = TICKS.get();
    for _ in 0..n {
        NextTick(TICKS.get()).await;
    }
    TICKS.get() - start
}

/// Resolves once the tick count differs from the one it holds.
struct NextTick(usize);

impl Future for NextTick {
    type Output = ();

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        // Register before checking: a tick between the two still wakes us.
        TICK_WAKER.register(cx.waker());
        if TICKS.get() == self.0 {
            Poll::Pending
        } else {
            Poll::Ready(())
        }
    }
}

#[exception]
fn SysTick() {
    TICKS.set(TICKS.get() + 1);
    TICK_WAKER.wake();
}

fn start_systick() {
    // SAFETY: nothing else in this program uses the SysTick peripheral.
    // (`steal` rather than `take`: `take` needs a critical-section
    // implementation, which only the thumbv6m build links.)
    let mut syst = unsafe { cortex_m::Peripherals::steal() }.SYST;
    syst.set_clock_source(SystClkSource::Core);
    syst.set_reload(TICK_CYCLES - 1);
    syst.clear_current();
    syst.enable_interrupt();
    syst.enable_counter();
}

fn stop_systick() {
    // SAFETY: as in `start_systick`.
    let mut syst = unsafe { cortex_m::Peripherals::steal() }.SYST;
    syst.disable_interrupt();
    syst.disable_counter();
}

/// The executor's idle hook: sleep until an event or interrupt. `wfe`
/// rather than `wfi`: an interrupt that wakes a task between the executor's
/// last look for work and this instruction sets the event register, so
/// `wfe` returns at once instead of missing the wake-up.
fn idle() {
    IDLE_CALLS.set(IDLE_CALLS.get() + 1);
    cortex_m::asm::wfe();
}

/// A counter with a single writer: thread-mode tasks (which only switch at
/// `.await`s) or, for `TICKS`, the SysTick handler alone. Plain load and
/// store, since thumbv6m has no atomic read-modify-write; with one writer,
/// load-then-store cannot lose an update.
struct Counter(AtomicUsize);

impl Counter {
    const fn new() -> Self {
        Self(AtomicUsize::new(0))
    }

    fn get(&self) -> usize {
        self.0.load(Ordering::Relaxed)
    }

    fn set(&self, value: usize) {
        self.0.store(value, Ordering::Relaxed);
    }
}

/// What this image was built for (set by build.rs).
const TARGET: &str = env!("BARE_METAL_TARGET");
const MACHINE: &str = env!("BARE_METAL_MACHINE");
