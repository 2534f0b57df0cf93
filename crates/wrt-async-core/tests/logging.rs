//! With feature `log`, the executor traces spawn, completion, panic, pool
//! exhaustion and shutdown.

use std::sync::Mutex;

use wrt_async_core::{ExecutorError, FallbackExecutor, TaskPool, WrtExecutor};

static LINES: Mutex<Vec<String>> = Mutex::new(Vec::new());

struct Capture;
impl log::Log for Capture {
    fn enabled(&self, m: &log::Metadata<'_>) -> bool {
        m.target() == "wrt_async"
    }
    fn log(&self, r: &log::Record<'_>) {
        if self.enabled(r.metadata()) {
            LINES
                .lock()
                .unwrap()
                .push(format!("{} {}", r.level(), r.args()));
        }
    }
    fn flush(&self) {}
}
static CAPTURE: Capture = Capture;

#[test]
fn executor_events_are_logged() {
    log::set_logger(&CAPTURE).unwrap();
    log::set_max_level(log::LevelFilter::Trace);

    static EXEC: FallbackExecutor<2> = FallbackExecutor::new();
    static POOL: TaskPool<core::future::Ready<()>, 1> = TaskPool::new();
    EXEC.spawn(Box::pin(async {})).unwrap();
    EXEC.spawn(Box::pin(async { panic!("logged panic") }))
        .unwrap();
    EXEC.spawn(Box::pin(std::future::pending())).unwrap_err();
    EXEC.poll_once().unwrap();
    let _held = POOL.claim(|| core::future::ready(())).into_parts().unwrap();
    assert_eq!(
        POOL.claim(|| core::future::ready(()))
            .spawn_on(&EXEC)
            .unwrap_err(),
        ExecutorError::OutOfResources
    );
    EXEC.spawn(Box::pin(std::future::pending())).unwrap();
    EXEC.shutdown().unwrap();

    let lines = LINES.lock().unwrap().join("\n");
    for needle in [
        "DEBUG wrt fallback: spawned task 1 in slot 0",
        "DEBUG wrt fallback: spawned task 2 in slot 1",
        "WARN wrt fallback: spawn refused, all 2 task slots are live",
        "DEBUG wrt fallback: task in slot 0 completed",
        "WARN wrt fallback: task in slot 1 panicked; slot freed",
        "WARN wrt task pool: all 1 slots in use, spawn refused",
        "DEBUG wrt fallback: shutdown, dropping 1 live tasks",
    ] {
        assert!(lines.contains(needle), "missing {needle:?} in:\n{lines}");
    }
}
