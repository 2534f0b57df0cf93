//! The same wrt code on Embassy (its std platform): wrt tasks run as
//! Embassy tasks through the adapter's `SendSpawner`.
//!
//! Run it with `cargo run -p wrt-examples --bin embassy`.

use std::sync::atomic::{AtomicBool, Ordering};

use embassy_executor::Executor;
use wrt::WrtExecutor;
use wrt_async_adapters::EmbassyExecutor;
use wrt_examples::workload::{expected, pipeline};

static DONE: AtomicBool = AtomicBool::new(false);

fn main() {
    let executor: &'static mut Executor = Box::leak(Box::new(Executor::new()));
    executor.run_until(
        |spawner| {
            let exec: &'static EmbassyExecutor =
                Box::leak(Box::new(EmbassyExecutor::new(spawner.make_send())));
            exec.register().expect("nothing else registered");
            let as_dyn: &'static dyn WrtExecutor = exec;
            println!("block_on on embassy: {:?}", as_dyn.block_on(async {}));
            exec.spawn(Box::pin(async move {
                let result = pipeline(exec).await.expect("pipeline");
                println!("pipeline on embassy: {result}");
                assert_eq!(result, expected());
                DONE.store(true, Ordering::SeqCst);
            }))
            .expect("spawn");
        },
        || DONE.load(Ordering::SeqCst),
    );
    println!("embassy example finished");
}
