//! Argument patterns, `'static` borrows and higher-ranked types are fine.
use std::sync::atomic::{AtomicU32, Ordering};

use wrt_async_core as wrt;

/// A point, destructured in the task's signature.
struct Point {
    x: i32,
    y: i32,
}

static SEEN: AtomicU32 = AtomicU32::new(0);

#[wrt::task]
#[allow(clippy::too_many_arguments)]
async fn many(
    (a, b): (u8, u8),
    mut count: u32,
    _: u8,
    Point { x, y }: Point,
    name: &'static str,
    bytes: Option<&'static [u8]>,
    apply: fn(&u32) -> u32,
    boxed: Box<dyn Fn(&u32) -> u32 + Send>,
    seen: &'static AtomicU32,
) -> String {
    count += 1;
    seen.store(apply(&count) + boxed(&count), Ordering::SeqCst);
    format!("{a}{b} {x},{y} {name} {:?} {count}", bytes.map(<[u8]>::len))
}

#[wrt::task]
async fn r#type(r#fn: u8) -> u8 {
    r#fn
}

#[wrt::main]
async fn main() {
    let out = many(
        (1, 2),
        9,
        0,
        Point { x: -1, y: 3 },
        "led",
        Some(b"abc"),
        |n| n * 2,
        Box::new(|n| n + 1),
        &SEEN,
    )
    .spawn()
    .expect("a free slot")
    .await
    .expect("ran");
    assert_eq!(out, "12 -1,3 led Some(3) 10");
    assert_eq!(SEEN.load(Ordering::SeqCst), 20 + 11);
    assert_eq!(r#type(4).spawn().expect("a free slot").await, Ok(4));
}
