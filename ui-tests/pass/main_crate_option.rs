//! `crate = path` works for `#[wrt::main]` with a renamed import.
use wrt_async_core as runtime;

#[runtime::main(crate = runtime)]
async fn main() -> Result<(), runtime::ExecutorError> {
    assert!(runtime::is_using_fallback());
    Ok(())
}
