// The body is typed like the declared return type: the mismatch is at the
// tail expression, and `?` converts only into the declared error type.
#[derive(Debug)]
struct AppError;

#[wrt_async_core::main]
async fn main() -> Result<(), AppError> {
    let _n: u32 = "1".parse()?;
    42
}
