//! Every macro through the renamed dependency `wrt`, with no `crate = ..`
//! and no `use wrt_async_core`: the crate name comes from Cargo.toml.

use wrt::{BoxedFuture, ExecutorError, ExecutorState, WrtExecutor};

/// Runs boxed futures on a thread each.
struct Threads {
    state: ExecutorState,
}

#[wrt::executor]
impl Threads {
    fn spawn(&self, future: BoxedFuture<'static, ()>) -> Result<(), ExecutorError> {
        std::thread::spawn(move || wrt::default_executor().block_on(future));
        Ok(())
    }
}

static THREADS: Threads = Threads {
    state: ExecutorState::new(),
};

#[wrt::task(pool = 2)]
async fn square(n: u32) -> u32 {
    n * n
}

#[wrt::main]
async fn main() -> Result<(), ExecutorError> {
    assert_eq!(square(7).spawn()?.await?, 49);
    let on_threads: &'static dyn WrtExecutor = &THREADS;
    on_threads.spawn(Box::pin(async {}))?;
    println!("renamed dependency: ok");
    Ok(())
}

#[cfg(test)]
mod tests {
    #[wrt::test]
    async fn tests_find_the_renamed_crate_too() -> Result<(), wrt::ExecutorError> {
        assert_eq!(super::square(3).spawn()?.await?, 9);
        Ok(())
    }
}
