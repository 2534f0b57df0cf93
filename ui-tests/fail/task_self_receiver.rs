struct Led;

impl Led {
    #[wrt_async_core::task]
    async fn blink(&self) {}
}

fn main() {}
