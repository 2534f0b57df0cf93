//! Every (workload, executor) pair. Each case is a function that performs
//! `n` operations; its setup (runtimes, executors) happens once, lazily, so
//! that running `n` and `2n` operations and subtracting cancels it.

use std::future::{Future, ready};
use std::hint::black_box;

use crate::workloads::{
    self, BURST, WaitDone, Yield, done, expect, instant_task, player, yield_task,
};

/// A workload; the order here is the order of the tables.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Workload {
    W1,
    W2,
    W2t,
    W3,
    W4,
}

impl Workload {
    pub const ALL: [Workload; 5] = [
        Workload::W1,
        Workload::W2,
        Workload::W2t,
        Workload::W3,
        Workload::W4,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Workload::W1 => "W1",
            Workload::W2 => "W2",
            Workload::W2t => "W2t",
            Workload::W3 => "W3",
            Workload::W4 => "W4",
        }
    }

    pub fn describe(self) -> &'static str {
        match self {
            Workload::W1 => "`block_on` of a ready future",
            Workload::W2 => "`block_on` of a future that wakes itself 1,000 times",
            Workload::W2t => "the same future as a spawned task, run to completion",
            Workload::W3 => "spawn 32 tasks that complete on their first poll, run them all",
            Workload::W4 => {
                "two tasks ping-pong 1,000 round trips through an atomic signal (2,000 hand-offs)"
            }
        }
    }

    /// The executors the ratios of this workload are taken against.
    pub fn anchors(self) -> &'static [&'static str] {
        match self {
            Workload::W1 | Workload::W2 => &["futures-block_on"],
            Workload::W2t | Workload::W4 => &["embassy-raw"],
            Workload::W3 => &["embassy-raw", "edge-executor"],
        }
    }
}

pub struct Case {
    pub workload: Workload,
    pub exec: &'static str,
    pub run: fn(u64),
}

impl Case {
    pub fn id(&self) -> String {
        format!("{}/{}", self.workload.name(), self.exec)
    }
}

macro_rules! cases {
    ($($w:ident $exec:literal => $f:path;)*) => {
        pub fn all() -> Vec<Case> {
            vec![$(Case { workload: Workload::$w, exec: $exec, run: $f }),*]
        }
    };
}

cases! {
    W1 "wrt-direct" => wrt::w1_direct;
    W1 "wrt-dyn" => wrt::w1_dyn;
    W1 "wrt-dyn-erased" => wrt::w1_dyn_erased;
    W1 "futures-block_on" => futures::w1_block_on;
    W1 "futures-LocalPool" => futures::w1_local_pool;
    W1 "pollster" => pollster_::w1;
    W1 "tokio-ct" => tokio_::w1;
    W1 "async-executor" => async_executor_::w1;
    W1 "edge-executor" => edge::w1;

    W2 "wrt-direct" => wrt::w2_direct;
    W2 "wrt-dyn" => wrt::w2_dyn;
    W2 "wrt-dyn-erased" => wrt::w2_dyn_erased;
    W2 "futures-block_on" => futures::w2_block_on;
    W2 "futures-LocalPool" => futures::w2_local_pool;
    W2 "pollster" => pollster_::w2;
    W2 "tokio-ct" => tokio_::w2;
    W2 "async-executor" => async_executor_::w2;
    W2 "edge-executor" => edge::w2;

    W2t "wrt-pool" => wrt::w2t_pool;
    W2t "wrt-boxed" => wrt::w2t_boxed;
    W2t "embassy-raw" => embassy::w2t;
    W2t "futures-LocalPool" => futures::w2t_local_pool;
    W2t "tokio-ct" => tokio_::w2t;
    W2t "async-executor" => async_executor_::w2t;
    W2t "edge-executor" => edge::w2t;

    W3 "wrt-pool" => wrt::w3_pool;
    W3 "wrt-boxed" => wrt::w3_boxed;
    W3 "embassy-raw" => embassy::w3;
    W3 "futures-LocalPool" => futures::w3_local_pool;
    W3 "tokio-ct" => tokio_::w3;
    W3 "async-executor" => async_executor_::w3;
    W3 "edge-executor" => edge::w3;

    W4 "signal-only" => signal::w4;
    W4 "wrt-pool" => wrt::w4_pool;
    W4 "wrt-boxed" => wrt::w4_boxed;
    W4 "embassy-raw" => embassy::w4;
    W4 "futures-LocalPool" => futures::w4_local_pool;
    W4 "tokio-ct" => tokio_::w4;
    W4 "async-executor" => async_executor_::w4;
    W4 "edge-executor" => edge::w4;
}

mod signal {
    pub fn w4(n: u64) {
        for _ in 0..n {
            super::workloads::signal_only();
        }
    }
}

/// wrt: the fallback executor directly, through `dyn WrtExecutor`, with
/// static pool tasks and with boxed tasks.
pub mod wrt {
    use super::*;
    use ::wrt::{FallbackExecutor, WrtExecutor, current_executor};

    /// The executor of every wrt case but `wrt-dyn` (which uses the
    /// process default that `current_executor()` returns).
    pub static EXEC: FallbackExecutor = FallbackExecutor::new();

    #[::wrt::task(pool = 1)]
    async fn pool_yield() {
        yield_task().await
    }

    #[::wrt::task(pool = 32)]
    async fn pool_instant() {
        instant_task().await
    }

    #[::wrt::task(pool = 2)]
    async fn pool_player(me: u32) {
        player(me).await
    }

    /// Polls woken tasks until `target` of them finished.
    #[inline]
    fn drive(target: usize) {
        while done() < target {
            EXEC.poll_once().unwrap();
        }
    }

    pub fn w1_direct(n: u64) {
        for _ in 0..n {
            black_box(EXEC.block_on(black_box(ready(1u32))).unwrap());
        }
    }

    pub fn w1_dyn(n: u64) {
        for _ in 0..n {
            black_box(current_executor().block_on(black_box(ready(1u32))).unwrap());
        }
    }

    /// `EXEC` as a `&dyn WrtExecutor` that is not the default executor: the
    /// type-erased `block_on_dyn` path a registered executor takes.
    fn erased() -> &'static dyn WrtExecutor {
        black_box(&EXEC)
    }

    pub fn w1_dyn_erased(n: u64) {
        for _ in 0..n {
            black_box(erased().block_on(black_box(ready(1u32))).unwrap());
        }
    }

    pub fn w2_dyn_erased(n: u64) {
        for _ in 0..n {
            erased()
                .block_on(black_box(Yield::new(workloads::WAKES)))
                .unwrap();
        }
    }

    pub fn w2_direct(n: u64) {
        for _ in 0..n {
            EXEC.block_on(black_box(Yield::new(workloads::WAKES)))
                .unwrap();
        }
    }

    pub fn w2_dyn(n: u64) {
        for _ in 0..n {
            current_executor()
                .block_on(black_box(Yield::new(workloads::WAKES)))
                .unwrap();
        }
    }

    pub fn w2t_pool(n: u64) {
        for _ in 0..n {
            expect(1);
            // Dropping the join handle detaches the task (Embassy has none).
            drop(pool_yield().spawn_on(&EXEC).unwrap());
            drive(1);
        }
    }

    pub fn w2t_boxed(n: u64) {
        for _ in 0..n {
            expect(1);
            EXEC.spawn(Box::pin(yield_task())).unwrap();
            drive(1);
        }
    }

    pub fn w3_pool(n: u64) {
        for _ in 0..n {
            expect(BURST);
            for _ in 0..BURST {
                drop(pool_instant().spawn_on(&EXEC).unwrap());
            }
            drive(BURST);
        }
    }

    pub fn w3_boxed(n: u64) {
        for _ in 0..n {
            expect(BURST);
            for _ in 0..BURST {
                EXEC.spawn(Box::pin(instant_task())).unwrap();
            }
            drive(BURST);
        }
    }

    pub fn w4_pool(n: u64) {
        for _ in 0..n {
            expect(2);
            workloads::SIGNAL.reset();
            drop(pool_player(0).spawn_on(&EXEC).unwrap());
            drop(pool_player(1).spawn_on(&EXEC).unwrap());
            drive(2);
        }
    }

    pub fn w4_boxed(n: u64) {
        for _ in 0..n {
            expect(2);
            workloads::SIGNAL.reset();
            EXEC.spawn(Box::pin(player(0))).unwrap();
            EXEC.spawn(Box::pin(player(1))).unwrap();
            drive(2);
        }
    }

    /// Bytes a pool slot adds to the future it stores: one more slot's
    /// worth of pool, so the pool's own header (its bitmap) is not counted.
    pub fn pool_overhead<F: Future + Send + 'static>() -> usize
    where
        F::Output: Send,
    {
        size_of::<::wrt::TaskPool<F, 2>>() - size_of::<::wrt::TaskPool<F, 1>>() - size_of::<F>()
    }

    /// Bytes of a pool besides its slots.
    pub fn pool_header<F: Future + Send + 'static>() -> usize
    where
        F::Output: Send,
    {
        2 * size_of::<::wrt::TaskPool<F, 1>>() - size_of::<::wrt::TaskPool<F, 2>>()
    }
}

/// embassy-executor's raw executor, with a pender that sets a flag: what a
/// bare-metal program without an OS does (`wfe` until the flag is set).
pub mod embassy {
    use std::sync::atomic::{AtomicBool, Ordering};

    use embassy_executor::raw::Executor;

    use super::*;

    static PENDED: AtomicBool = AtomicBool::new(false);

    // The pender embassy calls when its run queue becomes non-empty. Only
    // one `__pender` may exist in a program: with an embassy `platform-*`
    // feature enabled (the std platform defines its own), this would be a
    // duplicate symbol, which is why the std platform cannot be measured in
    // this same binary (docs/performance.md).
    #[unsafe(export_name = "__pender")]
    fn pender(_context: *mut ()) {
        PENDED.store(true, Ordering::Release);
    }

    thread_local! {
        // `raw::Executor` is neither `Sync` nor const-constructible: leak one
        // per thread (the harness uses one thread).
        static EXEC: &'static Executor =
            Box::leak(Box::new(Executor::new(std::ptr::null_mut())));
    }

    fn executor() -> &'static Executor {
        EXEC.with(|e| *e)
    }

    #[inline]
    fn drive(exec: &'static Executor, target: usize) {
        while done() < target {
            if PENDED.swap(false, Ordering::Acquire) {
                // SAFETY: never called re-entrantly: the pender only sets a
                // flag, and this is the executor's only thread.
                unsafe { exec.poll() };
            }
        }
    }

    #[embassy_executor::task(pool_size = 1)]
    async fn emb_yield() {
        yield_task().await
    }

    #[embassy_executor::task(pool_size = 32)]
    async fn emb_instant() {
        instant_task().await
    }

    #[embassy_executor::task(pool_size = 2)]
    async fn emb_player(me: u32) {
        player(me).await
    }

    pub fn w2t(n: u64) {
        let exec = executor();
        let spawner = exec.spawner();
        for _ in 0..n {
            expect(1);
            spawner.spawn(emb_yield().unwrap());
            drive(exec, 1);
        }
    }

    pub fn w3(n: u64) {
        let exec = executor();
        let spawner = exec.spawner();
        for _ in 0..n {
            expect(BURST);
            for _ in 0..BURST {
                spawner.spawn(emb_instant().unwrap());
            }
            drive(exec, BURST);
        }
    }

    pub fn w4(n: u64) {
        let exec = executor();
        let spawner = exec.spawner();
        for _ in 0..n {
            expect(2);
            workloads::SIGNAL.reset();
            spawner.spawn(emb_player(0).unwrap());
            spawner.spawn(emb_player(1).unwrap());
            drive(exec, 2);
        }
    }

    /// Bytes a task storage adds to the future it stores (measured like
    /// wrt's: one more slot's worth of pool).
    pub fn task_overhead<F: Future + 'static>() -> usize {
        use embassy_executor::raw::TaskPool;
        size_of::<TaskPool<F, 2>>() - size_of::<TaskPool<F, 1>>() - size_of::<F>()
    }

    pub fn executor_size() -> usize {
        size_of::<Executor>()
    }
}

pub mod futures {
    use std::cell::RefCell;

    use futures_executor::{LocalPool, LocalSpawner, block_on};
    use futures_util::task::LocalSpawnExt;

    use super::*;

    thread_local! {
        static POOL: RefCell<LocalPool> = RefCell::new(LocalPool::new());
        static SPAWNER: LocalSpawner = POOL.with(|p| p.borrow().spawner());
    }

    fn with_pool(f: impl FnOnce(&mut LocalPool, &LocalSpawner)) {
        POOL.with(|p| SPAWNER.with(|s| f(&mut p.borrow_mut(), s)))
    }

    pub fn w1_block_on(n: u64) {
        for _ in 0..n {
            black_box(block_on(black_box(ready(1u32))));
        }
    }

    pub fn w2_block_on(n: u64) {
        for _ in 0..n {
            block_on(black_box(Yield::new(workloads::WAKES)));
        }
    }

    pub fn w1_local_pool(n: u64) {
        with_pool(|pool, _| {
            for _ in 0..n {
                black_box(pool.run_until(black_box(ready(1u32))));
            }
        })
    }

    pub fn w2_local_pool(n: u64) {
        with_pool(|pool, _| {
            for _ in 0..n {
                pool.run_until(black_box(Yield::new(workloads::WAKES)));
            }
        })
    }

    pub fn w2t_local_pool(n: u64) {
        with_pool(|pool, spawner| {
            for _ in 0..n {
                expect(1);
                spawner.spawn_local(yield_task()).unwrap();
                pool.run_until_stalled();
                assert_eq!(done(), 1);
            }
        })
    }

    pub fn w3_local_pool(n: u64) {
        with_pool(|pool, spawner| {
            for _ in 0..n {
                expect(BURST);
                for _ in 0..BURST {
                    spawner.spawn_local(instant_task()).unwrap();
                }
                pool.run_until_stalled();
                assert_eq!(done(), BURST);
            }
        })
    }

    pub fn w4_local_pool(n: u64) {
        with_pool(|pool, spawner| {
            for _ in 0..n {
                expect(2);
                workloads::SIGNAL.reset();
                spawner.spawn_local(player(0)).unwrap();
                spawner.spawn_local(player(1)).unwrap();
                pool.run_until_stalled();
                assert_eq!(done(), 2);
            }
        })
    }
}

pub mod pollster_ {
    use super::*;

    pub fn w1(n: u64) {
        for _ in 0..n {
            black_box(pollster::block_on(black_box(ready(1u32))));
        }
    }

    pub fn w2(n: u64) {
        for _ in 0..n {
            pollster::block_on(black_box(Yield::new(workloads::WAKES)));
        }
    }
}

pub mod tokio_ {
    use std::sync::OnceLock;

    use tokio::runtime::{Builder, Runtime};

    use super::*;

    static RT: OnceLock<Runtime> = OnceLock::new();

    /// A current-thread runtime without I/O or time drivers.
    pub fn runtime() -> &'static Runtime {
        RT.get_or_init(|| Builder::new_current_thread().build().unwrap())
    }

    pub fn w1(n: u64) {
        let rt = runtime();
        for _ in 0..n {
            black_box(rt.block_on(black_box(ready(1u32))));
        }
    }

    pub fn w2(n: u64) {
        let rt = runtime();
        for _ in 0..n {
            rt.block_on(black_box(Yield::new(workloads::WAKES)));
        }
    }

    pub fn w2t(n: u64) {
        let rt = runtime();
        for _ in 0..n {
            expect(1);
            drop(rt.spawn(yield_task()));
            rt.block_on(WaitDone);
        }
    }

    pub fn w3(n: u64) {
        let rt = runtime();
        for _ in 0..n {
            expect(BURST);
            for _ in 0..BURST {
                drop(rt.spawn(instant_task()));
            }
            rt.block_on(WaitDone);
        }
    }

    pub fn w4(n: u64) {
        let rt = runtime();
        for _ in 0..n {
            expect(2);
            workloads::SIGNAL.reset();
            drop(rt.spawn(player(0)));
            drop(rt.spawn(player(1)));
            rt.block_on(WaitDone);
        }
    }
}

/// The cases of an executor with `spawn(..).detach()`, `try_tick()` and
/// `run(..)`: async-executor and edge-executor share that API, so they run
/// the very same code.
macro_rules! ticking_executor_cases {
    ($(#[$doc:meta])* $name:ident, $executor:ty, $block_on:path) => {
        $(#[$doc])*
        pub mod $name {
            use super::*;

            pub static EXEC: $executor = <$executor>::new();

            #[inline]
            fn drive(target: usize) {
                while done() < target {
                    EXEC.try_tick();
                }
            }

            pub fn w1(n: u64) {
                for _ in 0..n {
                    black_box($block_on(EXEC.run(black_box(ready(1u32)))));
                }
            }

            pub fn w2(n: u64) {
                for _ in 0..n {
                    $block_on(EXEC.run(black_box(Yield::new(workloads::WAKES))));
                }
            }

            pub fn w2t(n: u64) {
                for _ in 0..n {
                    expect(1);
                    EXEC.spawn(yield_task()).detach();
                    drive(1);
                }
            }

            pub fn w3(n: u64) {
                for _ in 0..n {
                    expect(BURST);
                    for _ in 0..BURST {
                        EXEC.spawn(instant_task()).detach();
                    }
                    drive(BURST);
                }
            }

            pub fn w4(n: u64) {
                for _ in 0..n {
                    expect(2);
                    workloads::SIGNAL.reset();
                    EXEC.spawn(player(0)).detach();
                    EXEC.spawn(player(1)).detach();
                    drive(2);
                }
            }
        }
    };
}

ticking_executor_cases!(
    /// async-executor, driven with `try_tick`.
    async_executor_,
    async_executor::Executor<'static>,
    futures_lite::future::block_on
);
ticking_executor_cases!(
    /// edge-executor, driven with `try_tick`.
    edge,
    edge_executor::Executor<'static, 64>,
    edge_executor::block_on
);
