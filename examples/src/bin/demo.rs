//! The main demo: `#[wrt::main]` and `#[wrt::task(pool = N)]` on the
//! built-in fallback executor, no registration needed.
//!
//! Run it with `cargo run -p wrt-examples --bin demo`.

use wrt::{ExecutorError, is_using_fallback, yield_now};

/// Three sensors sampled concurrently: a pool of three static task slots.
const SENSORS: usize = 3;

/// Reads one sensor a few times and returns the average.
#[wrt::task(pool = SENSORS)]
async fn sample(sensor: u32, readings: u32) -> u32 {
    let mut sum = 0;
    for i in 0..readings {
        // A real driver would await an interrupt here; yielding lets the
        // other sensor tasks run in between.
        yield_now().await;
        sum += sensor * 10 + i;
    }
    sum / readings
}

/// Spawns the samplers and combines their results.
#[wrt::task]
async fn supervisor() -> Result<u32, ExecutorError> {
    let mut joins = Vec::new();
    for sensor in 1..=SENSORS as u32 {
        joins.push(sample(sensor, 4).spawn()?);
    }
    // A fourth sampler does not fit: the pool holds three.
    assert_eq!(
        sample(9, 1).spawn().unwrap_err(),
        ExecutorError::OutOfResources
    );
    let mut total = 0;
    for (sensor, join) in (1..).zip(joins) {
        let average = join.await?;
        println!("sensor {sensor}: average {average}");
        total += average;
    }
    Ok(total)
}

#[wrt::main]
async fn main() -> Result<(), ExecutorError> {
    println!("running on the fallback executor: {}", is_using_fallback());
    let total = supervisor().spawn()?.await??;
    println!("total of averages: {total}");
    assert_eq!(total, 11 + 21 + 31);
    let stats = wrt::current_executor()
        .stats()
        .expect("the fallback keeps stats");
    println!(
        "tasks spawned: {}, completed: {}, polls: {}, live now: {}",
        stats.spawned, stats.completed, stats.polls, stats.live
    );
    println!("demo finished on the fallback executor");
    Ok(())
}
