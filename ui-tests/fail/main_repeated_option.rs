struct A;

#[wrt_async_core::main(executor = A, executor = A)]
async fn main() {}
