//! The Component Model's no-heap tier on bare metal: two simulated
//! components, each a `#[wrt::task]` on the fallback executor, share one
//! static `BoundedComponentTable` (no allocator in this program).
//!
//! - `producer` writes ten numbers to a `stream<u32>` whose buffer holds
//!   four: it is held back (`Blocked`) until the consumer has read, resumes
//!   from the progress it was given, then closes the stream and answers on a
//!   `future<u32>` with how often it had to wait.
//! - `consumer` reads the stream as a Rust `Stream` (`BoundedStream`) and
//!   the future as a Rust `Future` (`BoundedFuture`).
//! - a write nobody reads is cancelled: `CANCELLED`, nothing copied.
//!
//! Every result is checked; see docs/bare-metal.md and
//! docs/component-model.md.
#![no_std]
#![no_main]

#[path = "../report.rs"]
mod report;

use cortex_m_semihosting::hprintln;
use wrt::FallbackExecutor;
use wrt::component_model::{
    BoundedComponentTable, ComponentValue, CopyResult, CopyStatusOf, ValueType,
};

/// The tasks below and `main`'s body; the idle hook sleeps until an event.
static EXEC: FallbackExecutor<4> = FallbackExecutor::with_idle_hook(cortex_m::asm::wfe);

/// Both components' handles: 8 indices, 3 futures/streams at once, copies of
/// at most 4 values.
static TABLE: BoundedComponentTable<8, 3, 4> = BoundedComponentTable::new();

/// What the producer sends: 1 + 2 + .. + 10.
const COUNT: u32 = 10;
const TOTAL: u32 = COUNT * (COUNT + 1) / 2;

#[wrt::main(entry = cortex_m_rt::entry, executor = &EXEC)]
async fn main() {
    hprintln!("components: no-heap Component Model tables on the fallback executor");
    let (numbers_r, numbers_w) = TABLE.stream_new(ValueType::U32).unwrap();
    let (waits_r, waits_w) = TABLE.future_new(ValueType::U32).unwrap();

    // The consumer lifts the readable ends into Rust; the producer keeps
    // the writable ends as plain handles, as a component would.
    let consumer = consumer(numbers_r, waits_r).spawn().unwrap();
    let producer = producer(numbers_w, waits_w).spawn().unwrap();
    let (sum, waits) = consumer.await.unwrap();
    let copies = producer.await.unwrap();
    hprintln!(
        "consumer: sum = {}; producer: {} copies, waited {} times",
        sum,
        copies,
        waits
    );
    assert_eq!(sum, TOTAL);
    // Ten values through a four-value buffer take at least three copies,
    // and a writer faster than its reader is held back.
    assert!(copies >= 3, "copies larger than the buffer: {copies}");
    assert!(waits >= 1, "no backpressure");

    cancelled_write();

    // Every end was dropped, so every index and pair is free again.
    assert_eq!((TABLE.len(), TABLE.pairs_in_use()), (0, 0));
    let stats = EXEC.stats();
    assert_eq!((stats.spawned, stats.completed, stats.live), (2, 2, 0));
    report::pass();
}

/// Writes `1..=COUNT` to the stream in as many copies as the buffer needs,
/// waiting whenever the reader has not caught up, then reports on the
/// future how often it waited. Returns the number of copies.
#[wrt::task]
async fn producer(numbers: u32, waits: u32) -> u32 {
    let values: [ComponentValue; COUNT as usize] =
        core::array::from_fn(|i| ComponentValue::U32(i as u32 + 1));
    let mut sent = 0;
    let mut waited = 0;
    let mut copies = 0;
    while sent < values.len() {
        let done = match TABLE.stream_write(numbers, &values[sent..]).unwrap() {
            CopyStatusOf::Done(done) => done,
            CopyStatusOf::Blocked => {
                waited += 1;
                TABLE.copy_done(numbers).await.unwrap()
            }
        };
        assert_eq!(done.result, CopyResult::Completed);
        sent += done.progress as usize;
        copies += 1;
        hprintln!("producer: {} of {} sent", sent, values.len());
    }
    TABLE.stream_drop_writable(numbers).unwrap();
    // Nobody may be reading yet: the value waits in the future until then.
    if let CopyStatusOf::Blocked = TABLE
        .future_write(waits, ComponentValue::U32(waited))
        .unwrap()
    {
        TABLE.copy_done(waits).await.unwrap();
    }
    TABLE.future_drop_writable(waits).unwrap();
    copies
}

/// Sums the stream until its writer closes it, then reads the future.
#[wrt::task]
async fn consumer(numbers: u32, waits: u32) -> (u32, u32) {
    let mut stream = TABLE.take_stream::<u32>(numbers).unwrap();
    let mut sum = 0;
    while let Some(n) = stream.next().await {
        sum += n.unwrap();
    }
    let waited = TABLE.take_future::<u32>(waits).unwrap().await.unwrap();
    (sum, waited)
}

/// A write that no reader takes, cancelled: `CANCELLED` with nothing
/// copied, and the end is idle again.
fn cancelled_write() {
    let (r, w) = TABLE.stream_new(ValueType::U32).unwrap();
    let status = TABLE.stream_write(w, &[ComponentValue::U32(7)]).unwrap();
    assert_eq!(status, CopyStatusOf::Blocked);
    let CopyStatusOf::Done(done) = TABLE.stream_cancel_write(w).unwrap() else {
        panic!("a cancel completes at once");
    };
    hprintln!(
        "cancelled write: {:?}, progress {}",
        done.result,
        done.progress
    );
    assert_eq!((done.result, done.progress), (CopyResult::Cancelled, 0));
    TABLE.stream_drop_writable(w).unwrap();
    TABLE.stream_drop_readable(r).unwrap();
}
