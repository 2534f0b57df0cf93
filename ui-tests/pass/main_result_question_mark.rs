//! `async fn main() -> Result<(), E>`: `?` converts errors into `E` as in a
//! synchronous main, and an early `return` works.
use std::error::Error;
use std::num::ParseIntError;

use wrt_async_core as wrt;

#[derive(Debug)]
#[allow(dead_code)] // read through `Debug` only
enum AppError {
    Parse(ParseIntError),
    Executor(wrt::ExecutorError),
}

impl From<ParseIntError> for AppError {
    fn from(error: ParseIntError) -> Self {
        Self::Parse(error)
    }
}

impl From<wrt::ExecutorError> for AppError {
    fn from(error: wrt::ExecutorError) -> Self {
        Self::Executor(error)
    }
}

#[wrt::task]
async fn parse(text: &'static str) -> Result<u32, ParseIntError> {
    text.parse()
}

async fn boxed() -> Result<u32, Box<dyn Error>> {
    Ok("7".parse::<u32>()?)
}

#[wrt::main]
async fn main() -> Result<(), AppError> {
    let n: u32 = "41".parse()?;
    let m = parse("1").spawn()?.await??;
    assert_eq!(n + m, 42);
    assert_eq!(boxed().await.ok(), Some(7));
    if n > 0 {
        return Ok(());
    }
    unreachable!()
}
