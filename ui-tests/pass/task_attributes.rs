//! Docs, `cfg`s, lint attributes and visibility are kept; `#[cfg]` on a
//! task and on its parameters work; `#![deny(unsafe_code)]` crates can use
//! tasks.
#![deny(missing_docs, unused, unsafe_code)]

use wrt_async_core as wrt;

mod leds {
    use wrt_async_core as wrt;

    /// Blinks one LED; visible in the parent module only.
    #[wrt::task(pool = 2)]
    #[inline]
    #[expect(unused_variables, reason = "the period is ignored in this test")]
    pub(crate) async fn blink(led: u8, period_ms: u32, #[cfg(any())] ghost: u8) -> u8 {
        let unused = period_ms;
        led
    }

    /// Compiled out: a second definition of the same name would clash.
    #[cfg(any())]
    #[wrt::task]
    pub(crate) async fn blink() {}
}

#[wrt::main]
async fn main() {
    let led = leds::blink(7, 500).spawn().expect("a free slot").await;
    assert_eq!(led, Ok(7));
}
