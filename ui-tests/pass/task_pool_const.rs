//! `pool = CONST` and `pool = <const expression>`: the pool is sized at
//! compile time; the slot after the last is `OutOfResources`, never a panic.
use wrt::{ExecutorError, JoinHandle};
use wrt_async_core as wrt;

const LEDS: usize = 2 + 1;

#[wrt::task(pool = LEDS)]
async fn blink(led: u8, period_ms: u32) -> u32 {
    wrt_ui_tests::yield_now().await;
    u32::from(led) * period_ms
}

#[wrt::task(pool = core::mem::size_of::<u16>() * 2)]
async fn tick() {}

#[wrt::main]
async fn main() -> Result<(), ExecutorError> {
    let mut joins: Vec<JoinHandle<u32>> = Vec::new();
    for led in 0..LEDS as u8 {
        joins.push(blink(led, 100).spawn()?);
    }
    assert_eq!(
        blink(9, 9).spawn().unwrap_err(),
        ExecutorError::OutOfResources
    );
    let mut sum = 0;
    for join in joins {
        sum += join.await?;
    }
    assert_eq!(sum, 300);

    let ticks: Vec<_> = (0..4).map(|_| tick().spawn()).collect::<Result<_, _>>()?;
    assert_eq!(tick().spawn().unwrap_err(), ExecutorError::OutOfResources);
    for join in ticks {
        join.await?;
    }
    Ok(())
}
