struct NoDebug;

#[wrt_async_core::main]
async fn main() -> Result<(), NoDebug> {
    Ok(())
}
