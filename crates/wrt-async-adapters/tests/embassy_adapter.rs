//! The Embassy adapter on Embassy's std platform: static pool tasks and
//! boxed futures run as Embassy tasks; block_on is not supported.

use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, Ordering};

use embassy_executor::Executor;
use wrt_async_adapters::EmbassyExecutor;
use wrt_async_core::{ExecutorError, WrtExecutor};

static RESULTS: Mutex<Vec<String>> = Mutex::new(Vec::new());
static DONE: AtomicBool = AtomicBool::new(false);

fn record(line: String) {
    RESULTS.lock().unwrap().push(line);
}

#[wrt_async_core::task(pool = 4)]
async fn square(x: u64) -> u64 {
    x * x
}

#[wrt_async_core::task]
async fn supervisor(exec: &'static EmbassyExecutor) {
    let joins: Vec<_> = (1..=4).map(|x| square(x).spawn_on(exec).unwrap()).collect();
    let mut total = 0;
    for join in joins {
        total += join.await.unwrap();
    }
    record(format!("total {total}"));
    // Boxed futures (feature alloc) run as Embassy tasks too.
    let (tx, rx) = std::sync::mpsc::channel();
    exec.spawn(Box::pin(async move { tx.send(7u8).unwrap() }))
        .unwrap();
    let dyn_exec: &'static dyn WrtExecutor = exec;
    record(format!("block_on {:?}", dyn_exec.block_on(async { 1 })));
    square(5).spawn_on(exec).unwrap().await.unwrap();
    record(format!("boxed {}", rx.try_recv().unwrap()));
    exec.shutdown().unwrap();
    record(format!(
        "after shutdown {:?} {}",
        square(1).spawn_on(exec).unwrap_err(),
        exec.is_running()
    ));
    DONE.store(true, Ordering::SeqCst);
}

#[test]
fn wrt_tasks_run_on_embassy() {
    let executor: &'static mut Executor = Box::leak(Box::new(Executor::new()));
    executor.run_until(
        |spawner| {
            let wrt: &'static EmbassyExecutor =
                Box::leak(Box::new(EmbassyExecutor::new(spawner.make_send())));
            let first = wrt.spawn(Box::pin(async {})).unwrap().id;
            let second = wrt.spawn(Box::pin(async {})).unwrap().id;
            record(format!("ids {first} {second}"));
            drop(supervisor(wrt).spawn_on(wrt).unwrap());
        },
        || DONE.load(Ordering::SeqCst),
    );
    assert_eq!(
        *RESULTS.lock().unwrap(),
        vec![
            "ids 1 2".to_string(),
            "total 30".to_string(),
            format!("block_on {:?}", Err::<i32, _>(ExecutorError::NotSupported)),
            "boxed 7".to_string(),
            format!("after shutdown {:?} false", ExecutorError::NotRunning),
        ]
    );
}
