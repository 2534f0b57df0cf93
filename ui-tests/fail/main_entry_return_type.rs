#[wrt_async_core::main(entry = inline)]
async fn main() -> Result<(), std::io::Error> {
    Ok(())
}
