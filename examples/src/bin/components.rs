//! Two simulated WebAssembly components exchanging a stream and a future
//! through the Component Model async built-ins, on the fallback executor.
//!
//! - The host feeds numbers into the *producer* through a host stream whose
//!   writer hands over at most 4 numbers at a time.
//! - The producer (its own handle table) creates a `stream<u32>` and a
//!   `future<string>`, passes their readable ends to the *consumer* (another
//!   table) and relays the numbers, doubled, waiting on a waitable set.
//! - The consumer reads 3 numbers at a time, so the producer's writes only
//!   partly complete: backpressure. It cancels an early read of the future,
//!   stops after 10 numbers by dropping the stream (the producer sees
//!   `DROPPED`, and stops reading its input, which the host sees in turn),
//!   then reads the future and hands its result to the host as a Rust
//!   future.
//!
//! Run it with `cargo run -p wrt-examples --bin components`.

use std::error::Error;
use std::sync::Arc;

use wrt::component_model::{
    ComponentAsyncExt, ComponentError, ComponentTable, ComponentValue, CopyDone, CopyResult,
    CopyStatus, ValueType, host_stream,
};

/// How many numbers the consumer wants before it hangs up.
const WANTED: usize = 10;

/// The copy's result: at once, or from the waitable set's next event (each
/// component has one copy in flight at a time, so the event is that copy's).
async fn finish(
    table: &ComponentTable,
    set: u32,
    status: CopyStatus,
) -> Result<CopyDone, ComponentError> {
    match status {
        CopyStatus::Done(done) => Ok(done),
        CopyStatus::Blocked => Ok(table.waitable_set_wait(set).await?.done),
    }
}

fn numbers(values: &[ComponentValue]) -> Vec<u32> {
    values
        .iter()
        .filter_map(|v| match v {
            ComponentValue::U32(n) => Some(*n),
            _ => None,
        })
        .collect()
}

/// The producer component: relays its input stream, doubled, to the
/// consumer, then tells it how much it relayed through a future.
#[wrt::task]
async fn producer(
    p: Arc<ComponentTable>,
    c: Arc<ComponentTable>,
    input: u32,
    result: u32,
) -> Result<(), ComponentError> {
    let set = p.waitable_set_new()?;
    let (stream_r, stream_w) = p.stream_new(ValueType::U32)?;
    let (future_r, future_w) = p.future_new(ValueType::String)?;
    // "Call" the consumer: its parameters are the readable ends, which move
    // from this component's table into the consumer's.
    let stream_c = p.transfer_stream(stream_r, &c)?;
    let future_c = p.transfer_future(future_r, &c)?;
    let consumer_done = consumer(c.clone(), stream_c, future_c, result)
        .spawn()
        .map_err(|e| {
            println!("producer: could not start the consumer: {e}");
            ComponentError::TableFull
        })?;
    p.waitable_join(input, Some(set))?;
    p.waitable_join(stream_w, Some(set))?;

    let mut relayed = 0;
    'relay: loop {
        let read = finish(&p, set, p.stream_read(input, 4)?).await?;
        let mut pending: Vec<ComponentValue> = numbers(&read.values)
            .into_iter()
            .map(|n| ComponentValue::U32(n * 2))
            .collect();
        while !pending.is_empty() {
            let offered = pending.len();
            let wrote = finish(&p, set, p.stream_write(stream_w, pending)?).await?;
            relayed += wrote.progress;
            if wrote.result == CopyResult::Dropped {
                println!("producer: the consumer dropped the stream; stop relaying");
                break 'relay;
            }
            if (wrote.progress as usize) < offered {
                println!(
                    "producer: wrote {} of {offered} (the consumer is slower: backpressure)",
                    wrote.progress
                );
            }
            pending = wrote.values;
        }
        if read.result == CopyResult::Dropped {
            println!("producer: input ended");
            break;
        }
    }
    // Hanging up on the input makes the host's writer stop.
    p.waitable_join(input, None)?;
    p.stream_drop_readable(input)?;
    p.waitable_join(stream_w, None)?;
    p.stream_drop_writable(stream_w)?;

    let summary = format!("the producer relayed {relayed} numbers");
    let status = p.future_write(future_w, ComponentValue::String(summary))?;
    p.waitable_join(future_w, Some(set))?;
    let written = finish(&p, set, status).await?;
    println!("producer: future written ({:?})", written.result);
    p.waitable_join(future_w, None)?;
    p.future_drop_writable(future_w)?;
    p.waitable_set_drop(set)?;
    match consumer_done.await {
        Ok(result) => result,
        Err(e) => {
            println!("producer: the consumer failed: {e}");
            Ok(())
        }
    }
}

/// The consumer component: reads numbers, 3 at a time, until it has enough,
/// then the producer's message, and writes the sum for the host.
#[wrt::task]
async fn consumer(
    c: Arc<ComponentTable>,
    stream: u32,
    future: u32,
    result: u32,
) -> Result<(), ComponentError> {
    let set = c.waitable_set_new()?;
    c.waitable_join(stream, Some(set))?;
    c.waitable_join(future, Some(set))?;

    // An early read of the future, given up at once: cancellation.
    if c.future_read(future)? == CopyStatus::Blocked {
        let cancelled = c.future_cancel_read(future)?;
        if let CopyStatus::Done(done) = cancelled {
            println!(
                "consumer: cancelled its early read of the future ({:?})",
                done.result
            );
        }
    }

    let mut got = Vec::new();
    while got.len() < WANTED {
        let want = 3.min(WANTED - got.len());
        let read = finish(&c, set, c.stream_read(stream, want)?).await?;
        let chunk = numbers(&read.values);
        if !chunk.is_empty() {
            println!("consumer: read {chunk:?}");
        }
        got.extend(chunk);
        if read.result == CopyResult::Dropped {
            break;
        }
    }
    println!("consumer: has {} numbers, drops the stream", got.len());
    c.waitable_join(stream, None)?;
    c.stream_drop_readable(stream)?;

    let message = finish(&c, set, c.future_read(future)?).await?;
    if let Some(ComponentValue::String(text)) = message.values.first() {
        println!("consumer: the future says \"{text}\"");
    }
    c.waitable_join(future, None)?;
    c.future_drop_readable(future)?;
    c.waitable_set_drop(set)?;

    let sum: u64 = got.iter().map(|&n| u64::from(n)).sum();
    if c.future_write(result, ComponentValue::U64(sum))? == CopyStatus::Blocked {
        c.copy_done(result).await?;
    }
    c.future_drop_writable(result)?;
    Ok(())
}

#[wrt::main]
async fn main() -> Result<(), Box<dyn Error>> {
    let producer_table = Arc::new(ComponentTable::new());
    let consumer_table = Arc::new(ComponentTable::new());

    // The host's input for the producer: at most 4 numbers per write.
    let (writer, input) = host_stream::<u32>();
    let mut writer = writer.with_chunk(4);
    let input = input.lower_into(&producer_table)?;

    // The consumer's result, which the host awaits as a Rust future.
    let (result_r, result_w) = consumer_table.future_new(ValueType::U64)?;
    let result = consumer_table.take_future::<u64>(result_r)?;

    let producer_done = producer(
        producer_table.clone(),
        consumer_table.clone(),
        input,
        result_w,
    )
    .spawn()?;

    let feed: Vec<u32> = (1..=100).collect();
    let fed = writer.write_all(&feed).await?;
    println!(
        "host: the producer took {} of {} numbers, then hung up: {}",
        fed.written,
        feed.len(),
        fed.reader_dropped
    );
    let sum = result.await?;
    println!("host: the consumer's sum is {sum}");
    producer_done.await??;
    assert_eq!(sum, (1..=WANTED as u64).map(|n| 2 * n).sum::<u64>());
    assert!(producer_table.is_empty() && consumer_table.is_empty());
    println!("components example finished");
    Ok(())
}
