//! `#[wrt::task]` without options: a pool of one slot, reusable once the
//! task finished and its handle was joined.
use wrt::ExecutorError;
use wrt_async_core as wrt;

#[wrt::task]
async fn double(x: u32) -> u32 {
    x * 2
}

#[wrt::main]
async fn main() -> Result<(), ExecutorError> {
    let first = double(21).spawn()?;
    assert_eq!(
        double(1).spawn().unwrap_err(),
        ExecutorError::OutOfResources
    );
    assert_eq!(first.await?, 42);
    assert_eq!(double(2).spawn()?.await?, 4);
    Ok(())
}
