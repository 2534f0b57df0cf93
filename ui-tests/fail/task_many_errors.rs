// Every mistake is reported in one compile.
#[wrt_async_core::task(pool = 1, pool = 2, size = 3)]
const fn everything<T>(borrowed: &u8, _generic: impl Send) -> u8
where
    T: Copy,
{
    *borrowed
}

fn main() {}
