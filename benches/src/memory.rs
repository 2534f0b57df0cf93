//! W5: memory. Task storage beyond each future, executor object sizes, and
//! the heap each executor takes when it is built.

use std::future::Future;

use crate::alloc;
use crate::cases;
use crate::workloads;

/// One row of the memory table.
pub struct Row {
    pub what: String,
    pub bytes: usize,
    /// Heap allocations / bytes at construction (and first use), if any.
    pub heap: Option<(u64, u64)>,
    pub note: &'static str,
}

pub struct Memory {
    /// Bytes a task's static storage adds beyond its future, per executor.
    pub per_task: Vec<Row>,
    /// Executor objects.
    pub executors: Vec<Row>,
    /// wrt pool slot overhead for the W3 task (the target's measure).
    pub wrt_pool_overhead: usize,
    pub embassy_overhead: usize,
    pub fallback32: usize,
}

fn wrt_overhead_of<F: Future + Send + 'static>(_: &F) -> usize
where
    F::Output: Send,
{
    cases::wrt::pool_overhead::<F>()
}

fn wrt_header_of<F: Future + Send + 'static>(_: &F) -> usize
where
    F::Output: Send,
{
    cases::wrt::pool_header::<F>()
}

fn embassy_overhead_of<F: Future + 'static>(_: &F) -> usize {
    cases::embassy::task_overhead::<F>()
}

fn size_of_val_future<F: Future>(_: &F) -> usize {
    size_of::<F>()
}

pub fn measure() -> Memory {
    // The futures are built (not polled) only to name their types.
    let instant = workloads::instant_task();
    let player = workloads::player(0);
    let big = async {
        let buffer = [0u8; 256];
        workloads::Yield::new(1).await;
        std::hint::black_box(buffer);
    };
    // The target's figure: the largest of the three below (a small future
    // hides part of the overhead in its alignment padding, or shows more).
    let wrt_pool_overhead = wrt_overhead_of(&instant)
        .max(wrt_overhead_of(&player))
        .max(wrt_overhead_of(&big));
    let embassy_overhead = embassy_overhead_of(&instant)
        .max(embassy_overhead_of(&player))
        .max(embassy_overhead_of(&big));
    let mut per_task = Vec::new();
    for (name, wrt, emb, fut) in [
        (
            "W3 task (`async { finish() }`)",
            wrt_overhead_of(&instant),
            embassy_overhead_of(&instant),
            size_of_val_future(&instant),
        ),
        (
            "W4 player",
            wrt_overhead_of(&player),
            embassy_overhead_of(&player),
            size_of_val_future(&player),
        ),
        (
            "a future holding 256 bytes",
            wrt_overhead_of(&big),
            embassy_overhead_of(&big),
            size_of_val_future(&big),
        ),
    ] {
        per_task.push(Row {
            what: format!("wrt `TaskPool` slot, {name} ({fut} B future)"),
            bytes: wrt,
            heap: None,
            note: "state word, bitmap pointer, join waker, stage tag, padding",
        });
        per_task.push(Row {
            what: format!("embassy `TaskStorage`, {name} ({fut} B future)"),
            bytes: emb,
            heap: None,
            note: "task header",
        });
    }
    per_task.push(Row {
        what: "wrt `TaskPool` header, once per pool".into(),
        bytes: wrt_header_of(&instant),
        heap: None,
        note: "the bitmap of free slots",
    });
    drop((instant, player, big));

    let fallback32 = size_of::<wrt::FallbackExecutor<32>>();
    let fallback1 = size_of::<wrt::FallbackExecutor<1>>();
    per_task.push(Row {
        what: "wrt `FallbackExecutor` slot per live task".into(),
        bytes: (fallback32 - fallback1) / 31,
        heap: None,
        note: "inside the executor object, not per pool slot",
    });

    let mut executors = vec![
        Row {
            what: "wrt `FallbackExecutor<32>` (the default)".into(),
            bytes: fallback32,
            heap: Some((0, 0)),
            note: "const-constructed `static`",
        },
        Row {
            what: "wrt `FallbackExecutor<8>`".into(),
            bytes: size_of::<wrt::FallbackExecutor<8>>(),
            heap: Some((0, 0)),
            note: "const-constructed `static`",
        },
        Row {
            what: "embassy `raw::Executor`".into(),
            bytes: cases::embassy::executor_size(),
            heap: Some((0, 0)),
            note: "task storage is in the task pools",
        },
    ];
    let (rt, a, b) = alloc::count(|| {
        tokio::runtime::Builder::new_current_thread()
            .build()
            .unwrap()
    });
    executors.push(Row {
        what: "tokio current-thread `Runtime`".into(),
        bytes: size_of_val(&rt),
        heap: Some((a, b)),
        note: "no I/O or time driver",
    });
    drop(rt);
    let (pool, a, b) = alloc::count(futures_executor::LocalPool::new);
    executors.push(Row {
        what: "futures `LocalPool`".into(),
        bytes: size_of_val(&pool),
        heap: Some((a, b)),
        note: "",
    });
    drop(pool);
    let ((), a, b) = alloc::count(|| {
        let ex = async_executor::Executor::new();
        std::hint::black_box(ex.try_tick());
        std::hint::black_box(size_of_val(&ex));
    });
    executors.push(Row {
        what: "async-executor `Executor`".into(),
        bytes: size_of::<async_executor::Executor<'static>>(),
        heap: Some((a, b)),
        note: "heap taken on first use",
    });
    let ((), a, b) = alloc::count(|| {
        let ex = edge_executor::Executor::<64>::new();
        std::hint::black_box(ex.try_tick());
    });
    executors.push(Row {
        what: "edge-executor `Executor<64>`".into(),
        bytes: size_of::<edge_executor::Executor<'static, 64>>(),
        heap: Some((a, b)),
        note: "heap taken on first use",
    });

    Memory {
        per_task,
        executors,
        wrt_pool_overhead,
        embassy_overhead,
        fallback32,
    }
}
