//! The no-heap tier of the Component Model async values
//! (`BoundedComponentTable`): every state transition and error case,
//! capacity exhaustion, unsupported types, waitable sets, the Rust bridges
//! on the fallback executor and across threads, and the property test
//! against the same reference model as the alloc tier
//! (`component_model/model.rs`). Builds with and without the crate's
//! `alloc` feature.
#![cfg(feature = "component-model-async")]

#[path = "component_model/model.rs"]
#[allow(dead_code, reason = "the alloc tier's test uses the rest of the model")]
mod model;
#[path = "component_model/ops.rs"]
#[allow(
    dead_code,
    reason = "the alloc tier's test uses the rest of the operations"
)]
mod ops;

use std::task::{Context, Poll, Waker};
use std::time::Duration;

use futures_core::Stream;
use proptest::prelude::*;
use wrt_async_core::component_model::{
    BoundedComponentTable, BoundedCopyDone, BoundedCopyStatus, ComponentError, ComponentValue,
    CopyResult, CopyState, CopyStatusOf, EventCode, HandleKind, MAX_BUFFER_LEN, ValueType,
};
use wrt_async_core::{FallbackExecutor, with_async};

use model::{CopyStatus, Event};
use ops::{Op, Out, Resolved, Subject, check_against_model, op_with};

/// Big enough for every test here; `BUF` 4 as the model's operations.
type Table = BoundedComponentTable<128, 64, 4>;

// ---------------------------------------------------------------- helpers

fn u(n: u32) -> ComponentValue {
    ComponentValue::U32(n)
}

fn us(range: std::ops::RangeInclusive<u32>) -> Vec<ComponentValue> {
    range.map(u).collect()
}

#[track_caller]
fn done<const B: usize>(
    status: Result<BoundedCopyStatus<B>, ComponentError>,
) -> BoundedCopyDone<B> {
    match status {
        Ok(CopyStatusOf::Done(done)) => done,
        other => panic!("expected a finished copy, got {other:?}"),
    }
}

#[track_caller]
fn blocked<const B: usize>(status: Result<BoundedCopyStatus<B>, ComponentError>) {
    assert_eq!(status, Ok(CopyStatusOf::Blocked));
}

#[track_caller]
fn check<const B: usize>(
    done: &BoundedCopyDone<B>,
    result: CopyResult,
    progress: u32,
    values: &[ComponentValue],
) {
    assert_eq!((done.result, done.progress), (result, progress));
    assert_eq!(done.values.as_slice(), values);
}

/// Sleeps a little (less under Miri, where time is virtual anyway).
fn nap() {
    std::thread::sleep(Duration::from_millis(if cfg!(miri) { 1 } else { 20 }));
}

fn poll_once<F: std::future::Future>(future: F) -> Poll<F::Output> {
    let mut future = std::pin::pin!(future);
    future
        .as_mut()
        .poll(&mut Context::from_waker(Waker::noop()))
}

// ---------------------------------------------------------------- futures

#[test]
fn handles_start_at_one_and_reuse_last_freed_first() {
    let t = Table::new();
    assert_eq!(t.future_new(ValueType::U32), Ok((1, 2)));
    assert_eq!(t.stream_new(ValueType::U32), Ok((3, 4)));
    assert_eq!(t.handle_kind(3), Ok(HandleKind::ReadableStream));
    assert_eq!(t.handle_kind(4), Ok(HandleKind::WritableStream));
    assert_eq!(t.value_type(3), Ok(ValueType::U32));
    t.stream_drop_readable(3).unwrap();
    t.future_drop_readable(1).unwrap();
    assert_eq!(t.future_new(ValueType::Bool), Ok((1, 3)));
    assert_eq!(t.waitable_set_new(), Ok(5));
    assert_eq!(
        t.handle_kind(0),
        Err(ComponentError::InvalidHandle { handle: 0 })
    );
    assert_eq!(t.len(), 5);
}

#[test]
fn future_write_first_then_read() {
    let t = Table::new();
    let (r, w) = t.future_new(ValueType::U32).unwrap();
    blocked(t.future_write(w, u(7)));
    assert_eq!(t.copy_state(w), Ok(CopyState::Copying));
    check(&done(t.future_read(r)), CopyResult::Completed, 1, &[u(7)]);
    assert_eq!(t.copy_state(r), Ok(CopyState::Done));
    let write = t.copy_done_now(w).unwrap().unwrap();
    check(&write, CopyResult::Completed, 1, &[]);
    assert_eq!(t.copy_state(w), Ok(CopyState::Done));
    t.future_drop_writable(w).unwrap();
    t.future_drop_readable(r).unwrap();
    assert!(t.is_empty());
    assert_eq!(t.pairs_in_use(), 0);
}

#[test]
fn future_read_first_then_write() {
    let t = Table::new();
    let (r, w) = t.future_new(ValueType::Char).unwrap();
    blocked(t.future_read(r));
    assert_eq!(t.copy_done_now(r), Ok(None));
    check(
        &done(t.future_write(w, ComponentValue::Char('z'))),
        CopyResult::Completed,
        1,
        &[],
    );
    let read = t.copy_done_now(r).unwrap().unwrap();
    check(
        &read,
        CopyResult::Completed,
        1,
        &[ComponentValue::Char('z')],
    );
}

#[test]
fn future_reader_dropped_gives_the_value_back() {
    let t = Table::new();
    let (r, w) = t.future_new(ValueType::U64).unwrap();
    blocked(t.future_write(w, ComponentValue::U64(9)));
    t.future_drop_readable(r).unwrap();
    let write = t.copy_done_now(w).unwrap().unwrap();
    check(&write, CopyResult::Dropped, 0, &[ComponentValue::U64(9)]);
    assert_eq!(t.copy_state(w), Ok(CopyState::Done));
    t.future_drop_writable(w).unwrap();
    // Reader dropped before the write: DROPPED at once.
    let (r, w) = t.future_new(ValueType::U32).unwrap();
    t.future_drop_readable(r).unwrap();
    check(
        &done(t.future_write(w, u(1))),
        CopyResult::Dropped,
        0,
        &[u(1)],
    );
}

#[test]
fn future_cancel_read_and_write() {
    let t = Table::new();
    let (r, w) = t.future_new(ValueType::U32).unwrap();
    blocked(t.future_read(r));
    check(
        &done(t.future_cancel_read(r)),
        CopyResult::Cancelled,
        0,
        &[],
    );
    assert_eq!(t.copy_state(r), Ok(CopyState::Idle));
    blocked(t.future_read(r));
    check(
        &done(t.future_cancel_read(r)),
        CopyResult::Cancelled,
        0,
        &[],
    );
    blocked(t.future_write(w, u(3)));
    check(
        &done(t.future_cancel_write(w)),
        CopyResult::Cancelled,
        0,
        &[u(3)],
    );
    assert_eq!(
        t.future_drop_writable(w),
        Err(ComponentError::FutureNotWritten { handle: w })
    );
    // A cancel after completion delivers the completion.
    blocked(t.future_write(w, u(4)));
    check(&done(t.future_read(r)), CopyResult::Completed, 1, &[u(4)]);
    check(
        &done(t.future_cancel_write(w)),
        CopyResult::Completed,
        1,
        &[],
    );
}

#[test]
fn future_errors_change_nothing() {
    let t = Table::new();
    let (r, w) = t.future_new(ValueType::U32).unwrap();
    let set = t.waitable_set_new().unwrap();
    assert_eq!(
        t.future_write(w, ComponentValue::Bool(true)),
        Err(ComponentError::TypeMismatch {
            expected: ValueType::U32,
            found: ValueType::Bool
        })
    );
    assert_eq!(t.copy_state(w), Ok(CopyState::Idle));
    blocked(t.future_read(r));
    assert_eq!(
        t.future_read(r),
        Err(ComponentError::CopyInProgress { handle: r })
    );
    assert_eq!(
        t.future_drop_readable(r),
        Err(ComponentError::DropWhileCopying { handle: r })
    );
    done(t.future_write(w, u(1)));
    assert_eq!(
        t.future_write(w, u(2)),
        Err(ComponentError::AlreadyDone { handle: w })
    );
    assert_eq!(
        t.future_cancel_write(w),
        Err(ComponentError::NotCopying { handle: w })
    );
    assert_eq!(
        t.copy_done_now(w),
        Err(ComponentError::NotCopying { handle: w })
    );
    assert_eq!(
        t.copy_done_now(set),
        Err(ComponentError::NotWaitable { handle: set })
    );
    assert_eq!(
        t.future_read(w),
        Err(ComponentError::WrongHandleKind {
            handle: w,
            expected: HandleKind::ReadableFuture,
            found: HandleKind::WritableFuture
        })
    );
    assert_eq!(
        t.stream_read(set, 1),
        Err(ComponentError::WrongHandleKind {
            handle: set,
            expected: HandleKind::ReadableStream,
            found: HandleKind::WaitableSet
        })
    );
    for bad in [0, 99, 1000] {
        assert_eq!(
            t.future_read(bad),
            Err(ComponentError::InvalidHandle { handle: bad })
        );
        assert_eq!(
            t.waitable_set_poll(bad),
            Err(ComponentError::InvalidHandle { handle: bad })
        );
    }
    assert_eq!(
        t.waitable_join(set, None),
        Err(ComponentError::NotWaitable { handle: set })
    );
}

// ---------------------------------------------------------------- streams

#[test]
fn stream_write_first_then_partial_reads_drain_the_same_buffer() {
    let t = Table::new();
    let (r, w) = t.stream_new(ValueType::U32).unwrap();
    blocked(t.stream_write(w, &us(1..=4)));
    check(
        &done(t.stream_read(r, 1)),
        CopyResult::Completed,
        1,
        &[u(1)],
    );
    check(
        &done(t.stream_read(r, 2)),
        CopyResult::Completed,
        2,
        &us(2..=3),
    );
    let write = t.copy_done_now(w).unwrap().unwrap();
    check(&write, CopyResult::Completed, 3, &[u(4)]);
}

#[test]
fn stream_read_first_then_several_writes_fill_it() {
    let t = Table::new();
    let (r, w) = t.stream_new(ValueType::U32).unwrap();
    blocked(t.stream_read(r, 4));
    check(
        &done(t.stream_write(w, &us(1..=2))),
        CopyResult::Completed,
        2,
        &[],
    );
    check(
        &done(t.stream_write(w, &us(3..=3))),
        CopyResult::Completed,
        1,
        &[],
    );
    let read = t.copy_done_now(r).unwrap().unwrap();
    check(&read, CopyResult::Completed, 3, &us(1..=3));
    assert_eq!(read.stream_payload(), 3 << 4);
}

#[test]
fn copies_longer_than_buf_are_partial() {
    let t = BoundedComponentTable::<8, 2, 2>::new();
    let (r, w) = t.stream_new(ValueType::U32).unwrap();
    // A write of 5 offers its first 2 (the buffer's room).
    blocked(t.stream_write(w, &us(1..=5)));
    check(
        &done(t.stream_read(r, 10)),
        CopyResult::Completed,
        2,
        &us(1..=2),
    );
    check(
        &t.copy_done_now(w).unwrap().unwrap(),
        CopyResult::Completed,
        2,
        &[],
    );
    // A read of 10 takes at most 2.
    blocked(t.stream_read(r, 10));
    check(
        &done(t.stream_write(w, &us(3..=5))),
        CopyResult::Completed,
        2,
        &[],
    );
    check(
        &t.copy_done_now(r).unwrap().unwrap(),
        CopyResult::Completed,
        2,
        &us(3..=4),
    );
    // Types are checked on the whole write, even past the buffer's room.
    let mixed = [u(1), u(2), ComponentValue::Bool(false)];
    assert_eq!(
        t.stream_write(w, &mixed),
        Err(ComponentError::TypeMismatch {
            expected: ValueType::U32,
            found: ValueType::Bool
        })
    );
}

#[test]
fn zero_length_copies_probe_readiness() {
    let t = Table::new();
    let (r, w) = t.stream_new(ValueType::U32).unwrap();
    // A zero-length read completes once a writer waits.
    blocked(t.stream_read(r, 0));
    blocked(t.stream_write(w, &us(1..=2)));
    check(
        &t.copy_done_now(r).unwrap().unwrap(),
        CopyResult::Completed,
        0,
        &[],
    );
    check(&done(t.stream_read(r, 0)), CopyResult::Completed, 0, &[]);
    check(
        &done(t.stream_read(r, 4)),
        CopyResult::Completed,
        2,
        &us(1..=2),
    );
    check(
        &t.copy_done_now(w).unwrap().unwrap(),
        CopyResult::Completed,
        2,
        &[],
    );
    // A zero-length write completes once a reader waits; two probes: the
    // write completes, the read keeps waiting.
    blocked(t.stream_read(r, 0));
    check(&done(t.stream_write(w, &[])), CopyResult::Completed, 0, &[]);
    assert_eq!(t.copy_done_now(r), Ok(None));
    check(
        &done(t.stream_cancel_read(r)),
        CopyResult::Cancelled,
        0,
        &[],
    );
    blocked(t.stream_read(r, 2));
    check(&done(t.stream_write(w, &[])), CopyResult::Completed, 0, &[]);
}

#[test]
fn stream_drops_end_the_other_side() {
    let t = Table::new();
    let (r, w) = t.stream_new(ValueType::S32).unwrap();
    let values = [ComponentValue::S32(-1), ComponentValue::S32(2)];
    blocked(t.stream_write(w, &values));
    check(
        &done(t.stream_read(r, 1)),
        CopyResult::Completed,
        1,
        &values[..1],
    );
    let write = t.copy_done_now(w).unwrap().unwrap();
    check(&write, CopyResult::Completed, 1, &values[1..]);
    t.stream_drop_writable(w).unwrap();
    check(&done(t.stream_read(r, 1)), CopyResult::Dropped, 0, &[]);
    assert_eq!(
        t.stream_read(r, 1),
        Err(ComponentError::AlreadyDone { handle: r })
    );
    t.stream_drop_readable(r).unwrap();
    assert_eq!(t.pairs_in_use(), 0);

    let (r, w) = t.stream_new(ValueType::F64).unwrap();
    blocked(t.stream_write(w, &[ComponentValue::F64(0.5)]));
    t.stream_drop_readable(r).unwrap();
    let write = t.copy_done_now(w).unwrap().unwrap();
    check(&write, CopyResult::Dropped, 0, &[ComponentValue::F64(0.5)]);
    assert_eq!(t.copy_state(w), Ok(CopyState::Done));
}

#[test]
fn stream_cancel_keeps_what_was_copied() {
    let t = Table::new();
    let (r, w) = t.stream_new(ValueType::U32).unwrap();
    blocked(t.stream_read(r, 4));
    done(t.stream_write(w, &us(1..=2)));
    check(
        &done(t.stream_cancel_read(r)),
        CopyResult::Completed,
        2,
        &us(1..=2),
    );
    blocked(t.stream_write(w, &us(3..=4)));
    check(
        &done(t.stream_cancel_write(w)),
        CopyResult::Cancelled,
        0,
        &us(3..=4),
    );
    assert_eq!(
        t.stream_read(r, MAX_BUFFER_LEN + 1),
        Err(ComponentError::BufferTooLong {
            len: MAX_BUFFER_LEN + 1
        })
    );
}

// ---------------------------------------------------- capacity and types

#[test]
fn handle_exhaustion_is_an_error_and_changes_nothing() {
    let t = BoundedComponentTable::<3, 4, 1>::new();
    assert_eq!(t.future_new(ValueType::U32), Ok((1, 2)));
    // Room for one handle, not two: the readable end is taken back.
    assert_eq!(t.stream_new(ValueType::U32), Err(ComponentError::TableFull));
    assert_eq!((t.len(), t.pairs_in_use()), (2, 1));
    assert_eq!(t.waitable_set_new(), Ok(3));
    assert_eq!(t.waitable_set_new(), Err(ComponentError::TableFull));
    // Freed indices make room again, reused in the same order.
    t.future_drop_readable(1).unwrap();
    t.waitable_set_drop(3).unwrap();
    assert_eq!(t.stream_new(ValueType::U32), Ok((3, 1)));
    assert_eq!(t.future_new(ValueType::U32), Err(ComponentError::TableFull));
}

#[test]
fn pair_exhaustion_is_an_error_until_both_ends_are_dropped() {
    let t = BoundedComponentTable::<16, 2, 1>::new();
    let (r1, w1) = t.future_new(ValueType::Unit).unwrap();
    t.stream_new(ValueType::Unit).unwrap();
    assert_eq!(
        t.future_new(ValueType::Unit),
        Err(ComponentError::PairsExhausted)
    );
    assert_eq!(t.len(), 4, "nothing was added");
    t.future_drop_readable(r1).unwrap();
    assert_eq!(
        t.future_new(ValueType::Unit),
        Err(ComponentError::PairsExhausted)
    );
    done(t.future_write(w1, ComponentValue::Unit));
    t.future_drop_writable(w1).unwrap();
    assert_eq!(t.future_new(ValueType::Unit), Ok((2, 1)));
}

#[test]
fn types_needing_the_heap_are_unsupported() {
    let t = Table::new();
    for ty in [ValueType::String, ValueType::ListU8] {
        assert_eq!(
            t.future_new(ty),
            Err(ComponentError::UnsupportedType { ty })
        );
        assert_eq!(
            t.stream_new(ty),
            Err(ComponentError::UnsupportedType { ty })
        );
    }
    assert!(t.is_empty());
    for ty in [
        ValueType::Unit,
        ValueType::Bool,
        ValueType::S32,
        ValueType::U32,
        ValueType::S64,
        ValueType::U64,
        ValueType::F32,
        ValueType::F64,
        ValueType::Char,
    ] {
        let (r, w) = t.future_new(ty).unwrap();
        assert_eq!(t.value_type(w), Ok(ty));
        t.future_drop_readable(r).unwrap();
    }
    assert_eq!(
        ComponentError::UnsupportedType {
            ty: ValueType::String
        }
        .to_string(),
        "values of type string need the heap: not in a bounded table"
    );
    assert_eq!(
        ComponentError::PairsExhausted.to_string(),
        "every future/stream slot of the bounded table is in use"
    );
}

#[cfg(feature = "alloc")]
#[test]
fn heap_values_are_type_errors_on_fixed_size_ends() {
    let t = Table::new();
    let (_r, w) = t.future_new(ValueType::U32).unwrap();
    assert_eq!(
        t.future_write(w, ComponentValue::String("x".into())),
        Err(ComponentError::TypeMismatch {
            expected: ValueType::U32,
            found: ValueType::String
        })
    );
}

#[test]
fn memory_cost() {
    use std::mem::size_of;
    let value = size_of::<ComponentValue>();
    let sizes = [
        ("<8, 4, 1>", size_of::<BoundedComponentTable<8, 4, 1>>()),
        ("<16, 8, 4>", size_of::<BoundedComponentTable<16, 8, 4>>()),
        (
            "<64, 32, 16>",
            size_of::<BoundedComponentTable<64, 32, 16>>(),
        ),
    ];
    println!("size_of::<ComponentValue>() = {value}");
    for (params, size) in sizes {
        println!("size_of::<BoundedComponentTable{params}>() = {size}");
    }
    // Each pair holds two buffers of `BUF` values; nothing else grows with
    // `BUF`.
    let per_buf_value = (size_of::<BoundedComponentTable<16, 8, 5>>()
        - size_of::<BoundedComponentTable<16, 8, 4>>())
        / 8;
    assert_eq!(per_buf_value, 2 * value);
    // Each index costs its slot and a waker slot (the set's), each pair
    // two waker slots and its state.
    let per_handle =
        size_of::<BoundedComponentTable<17, 8, 4>>() - size_of::<BoundedComponentTable<16, 8, 4>>();
    println!("per handle: {per_handle} bytes, per BUF element: {per_buf_value} bytes per pair");
    assert!(per_handle <= 6 * size_of::<usize>(), "{per_handle}");
}

// --------------------------------------------------------- waitable sets

#[test]
fn waitable_set_delivers_every_event_code_with_its_payload() {
    let t = Table::new();
    let set = t.waitable_set_new().unwrap();
    let (fr, fw) = t.future_new(ValueType::U32).unwrap();
    let (sr, sw) = t.stream_new(ValueType::U32).unwrap();
    for h in [fr, fw, sr, sw] {
        t.waitable_join(h, Some(set)).unwrap();
        assert_eq!(t.joined_set(h), Ok(Some(set)));
    }
    assert_eq!(
        t.copy_done_now(fr),
        Err(ComponentError::InWaitableSet { handle: fr })
    );
    blocked(t.future_read(fr));
    blocked(t.stream_read(sr, 4));
    assert_eq!(t.waitable_set_poll(set), Ok(None));
    check(
        &done(t.future_write(fw, u(5))),
        CopyResult::Completed,
        1,
        &[],
    );
    check(
        &done(t.stream_write(sw, &us(1..=3))),
        CopyResult::Completed,
        3,
        &[],
    );
    assert_eq!(
        t.stream_drop_readable(sr),
        Err(ComponentError::DropWhileCopying { handle: sr }),
        "its completion is not delivered yet"
    );
    let mut events = Vec::new();
    while let Some(event) = t.waitable_set_poll(set).unwrap() {
        events.push((
            event.code,
            event.handle,
            event.payload(),
            event.done.values.to_vec(),
        ));
    }
    events.sort_by_key(|e| e.1);
    assert_eq!(
        events,
        [
            (EventCode::FutureRead, fr, 0, vec![u(5)]),
            (EventCode::StreamRead, sr, 3 << 4, us(1..=3)),
        ]
    );
    blocked(t.stream_write(sw, &us(4..=4)));
    t.stream_drop_readable(sr).unwrap();
    let event = t.waitable_set_poll(set).unwrap().unwrap();
    assert_eq!((event.code, event.handle), (EventCode::StreamWrite, sw));
    assert_eq!(event.payload(), 1, "DROPPED, nothing copied");
    assert_eq!(event.done.values, [u(4)]);
    assert_eq!(t.waitable_set_poll(set), Ok(None));
    assert_eq!(
        t.future_read(fr),
        Err(ComponentError::AlreadyDone { handle: fr })
    );
}

#[test]
fn join_moves_between_sets_and_pending_events_follow() {
    let t = Table::new();
    let (a, b) = (t.waitable_set_new().unwrap(), t.waitable_set_new().unwrap());
    let (r, w) = t.future_new(ValueType::U32).unwrap();
    blocked(t.future_read(r));
    done(t.future_write(w, u(1)));
    t.waitable_join(r, Some(a)).unwrap();
    t.waitable_join(r, Some(b)).unwrap();
    assert_eq!(t.waitable_set_poll(a), Ok(None));
    let event = t.waitable_set_poll(b).unwrap().unwrap();
    assert_eq!((event.code, event.handle), (EventCode::FutureRead, r));
    assert_eq!(
        t.waitable_set_drop(b),
        Err(ComponentError::WaitableSetNotEmpty { handle: b })
    );
    t.waitable_join(r, None).unwrap();
    assert_eq!(t.joined_set(r), Ok(None));
    t.waitable_set_drop(b).unwrap();
    // Dropping an end leaves its set.
    t.waitable_join(w, Some(a)).unwrap();
    t.future_drop_writable(w).unwrap();
    t.waitable_set_drop(a).unwrap();
    assert_eq!(
        t.waitable_join(r, Some(a)),
        Err(ComponentError::InvalidHandle { handle: a })
    );
    assert_eq!(
        t.waitable_join(r, Some(r)),
        Err(ComponentError::WrongHandleKind {
            handle: r,
            expected: HandleKind::WaitableSet,
            found: HandleKind::ReadableFuture
        })
    );
}

#[test]
fn waitable_set_poll_is_round_robin() {
    let t = Table::new();
    let set = t.waitable_set_new().unwrap();
    let (ar, aw) = t.stream_new(ValueType::U32).unwrap();
    let (br, bw) = t.stream_new(ValueType::U32).unwrap();
    t.waitable_join(aw, Some(set)).unwrap();
    t.waitable_join(bw, Some(set)).unwrap();
    let mut order = Vec::new();
    for _ in 0..2 {
        blocked(t.stream_write(aw, &[u(1)]));
        blocked(t.stream_write(bw, &[u(2)]));
        done(t.stream_read(ar, 1));
        done(t.stream_read(br, 1));
        order.push(t.waitable_set_poll(set).unwrap().unwrap().handle);
        order.push(t.waitable_set_poll(set).unwrap().unwrap().handle);
    }
    assert_eq!(order, [aw, bw, aw, bw]);
}

#[test]
fn one_waiter_per_set_and_no_drop_while_waiting() {
    let t = Table::new();
    let set = t.waitable_set_new().unwrap();
    let mut first = Box::pin(t.waitable_set_wait(set));
    let mut cx = Context::from_waker(Waker::noop());
    assert!(first.as_mut().poll(&mut cx).is_pending());
    assert_eq!(
        poll_once(t.waitable_set_wait(set)),
        Poll::Ready(Err(ComponentError::WaitableSetHasWaiters { handle: set }))
    );
    assert_eq!(
        t.waitable_set_drop(set),
        Err(ComponentError::WaitableSetHasWaiters { handle: set })
    );
    drop(first);
    t.waitable_set_drop(set).unwrap();
    assert_eq!(
        poll_once(t.waitable_set_wait(set)),
        Poll::Ready(Err(ComponentError::InvalidHandle { handle: set }))
    );
}

#[test]
fn waitable_set_wait_is_woken_from_another_thread() {
    static T: BoundedComponentTable<8, 4, 2> = BoundedComponentTable::new();
    let (r, w) = T.future_new(ValueType::U32).unwrap();
    let set = T.waitable_set_new().unwrap();
    T.waitable_join(r, Some(set)).unwrap();
    blocked(T.future_read(r));
    let writer = std::thread::spawn(move || {
        nap();
        done(T.future_write(w, u(42)));
    });
    let event = with_async(T.waitable_set_wait(set)).unwrap().unwrap();
    assert_eq!((event.code, event.handle), (EventCode::FutureRead, r));
    assert_eq!(event.done.values, [u(42)]);
    writer.join().unwrap();
}

#[test]
fn copy_done_waits_across_threads() {
    static T: BoundedComponentTable<8, 4, 4> = BoundedComponentTable::new();
    let (r, w) = T.stream_new(ValueType::U32).unwrap();
    blocked(T.stream_write(w, &us(1..=3)));
    let reader = std::thread::spawn(move || {
        nap();
        done(T.stream_read(r, 8)).values.to_vec()
    });
    let write = with_async(T.copy_done(w)).unwrap().unwrap();
    check(&write, CopyResult::Completed, 3, &[]);
    assert_eq!(reader.join().unwrap(), us(1..=3));
    assert_eq!(
        poll_once(T.copy_done(w)),
        Poll::Ready(Err(ComponentError::NotCopying { handle: w }))
    );
}

// ---------------------------------------------------------------- bridges

#[test]
fn take_checks_the_type_and_the_spec_guards() {
    let t = Table::new();
    let (r, w) = t.future_new(ValueType::U32).unwrap();
    assert_eq!(
        t.take_future::<bool>(r).err(),
        Some(ComponentError::TypeMismatch {
            expected: ValueType::Bool,
            found: ValueType::U32
        })
    );
    assert_eq!(
        t.take_future::<u32>(w).err(),
        Some(ComponentError::WrongHandleKind {
            handle: w,
            expected: HandleKind::ReadableFuture,
            found: HandleKind::WritableFuture
        })
    );
    blocked(t.future_read(r));
    assert_eq!(
        t.take_future::<u32>(r).err(),
        Some(ComponentError::CopyInProgress { handle: r })
    );
    done(t.future_cancel_read(r));
    let set = t.waitable_set_new().unwrap();
    t.waitable_join(r, Some(set)).unwrap();
    assert_eq!(
        t.take_future::<u32>(r).err(),
        Some(ComponentError::InWaitableSet { handle: r })
    );
    t.waitable_join(r, None).unwrap();
    let future = t.take_future::<u32>(r).unwrap();
    assert_eq!(
        t.handle_kind(r),
        Err(ComponentError::InvalidHandle { handle: r })
    );
    assert!(format!("{future:?}").starts_with("BoundedFuture"));
    let (sr, _sw) = t.stream_new(ValueType::U32).unwrap();
    assert_eq!(
        t.take_stream::<i32>(sr).err(),
        Some(ComponentError::TypeMismatch {
            expected: ValueType::S32,
            found: ValueType::U32
        })
    );
}

#[test]
fn bounded_future_on_the_fallback_executor() {
    static T: BoundedComponentTable<8, 4, 1> = BoundedComponentTable::new();
    let (r, w) = T.future_new(ValueType::S64).unwrap();
    let future = T.take_future::<i64>(r).unwrap();
    blocked(T.future_write(w, ComponentValue::S64(-5)));
    assert_eq!(with_async(future).unwrap(), Ok(-5));
    check(
        &T.copy_done_now(w).unwrap().unwrap(),
        CopyResult::Completed,
        1,
        &[],
    );
    T.future_drop_writable(w).unwrap();
    assert_eq!(T.pairs_in_use(), 0, "the bridge dropped its end");
}

#[test]
fn bounded_future_written_from_another_thread_on_a_second_executor() {
    static T: BoundedComponentTable<8, 4, 1> = BoundedComponentTable::new();
    static OTHER: FallbackExecutor = FallbackExecutor::new();
    let (r, w) = T.future_new(ValueType::F32).unwrap();
    let future = T.take_future::<f32>(r).unwrap();
    let reader = std::thread::spawn(move || OTHER.block_on(future).unwrap());
    nap();
    // The reader's read may or may not have started by now.
    let write = match T.future_write(w, ComponentValue::F32(1.5)).unwrap() {
        CopyStatusOf::Done(write) => write,
        CopyStatusOf::Blocked => with_async(T.copy_done(w)).unwrap().unwrap(),
    };
    assert_eq!(write.result, CopyResult::Completed);
    assert_eq!(reader.join().unwrap(), Ok(1.5));
}

#[test]
fn dropping_a_bounded_future_mid_read_drops_the_readable_end() {
    let t = Table::new();
    let (r, w) = t.future_new(ValueType::U32).unwrap();
    let mut future = Box::pin(t.take_future::<u32>(r).unwrap());
    assert!(
        future
            .as_mut()
            .poll(&mut Context::from_waker(Waker::noop()))
            .is_pending()
    );
    drop(future);
    check(
        &done(t.future_write(w, u(1))),
        CopyResult::Dropped,
        0,
        &[u(1)],
    );
    t.future_drop_writable(w).unwrap();
    assert_eq!(t.pairs_in_use(), 0);
}

#[test]
fn bounded_stream_ends_after_the_writer_drops() {
    let t = BoundedComponentTable::<8, 2, 2>::new();
    let (r, w) = t.stream_new(ValueType::U32).unwrap();
    let mut numbers = t.take_stream::<u32>(r).unwrap();
    blocked(t.stream_write(w, &us(1..=3)));
    let got = with_async(async {
        let mut got = Vec::new();
        got.push(numbers.next().await);
        got.push(numbers.next().await);
        got
    })
    .unwrap();
    assert_eq!(got, [Some(Ok(1)), Some(Ok(2))]);
    // The bridge read 2 (BUF) of the 3: the write completed with 2.
    check(
        &t.copy_done_now(w).unwrap().unwrap(),
        CopyResult::Completed,
        2,
        &[],
    );
    assert_eq!(numbers.size_hint(), (0, None));
    t.stream_drop_writable(w).unwrap();
    assert_eq!(with_async(numbers.next()).unwrap(), None);
    assert_eq!(numbers.size_hint(), (0, Some(0)));
    drop(numbers);
    assert_eq!(t.pairs_in_use(), 0);
}

#[test]
fn bounded_stream_across_threads_loses_no_wake_up() {
    static T: BoundedComponentTable<8, 4, 3> = BoundedComponentTable::new();
    let count: u32 = if cfg!(miri) { 30 } else { 3_000 };
    let (r, w) = T.stream_new(ValueType::U32).unwrap();
    let mut numbers = T.take_stream::<u32>(r).unwrap();
    let producer = std::thread::spawn(move || {
        let values = us(1..=count);
        let mut sent = 0;
        while sent < values.len() {
            let status = T.stream_write(w, &values[sent..sent + 5.min(values.len() - sent)]);
            let write = match status.unwrap() {
                CopyStatusOf::Done(write) => write,
                CopyStatusOf::Blocked => with_async(T.copy_done(w)).unwrap().unwrap(),
            };
            assert_eq!(write.result, CopyResult::Completed);
            sent += write.progress as usize;
        }
        T.stream_drop_writable(w).unwrap();
    });
    let sum = with_async(async {
        let mut sum = 0u64;
        let mut seen = 0;
        while let Some(v) = numbers.next().await {
            seen += 1;
            assert_eq!(v.unwrap(), seen);
            sum += u64::from(seen);
        }
        assert_eq!(seen, count);
        sum
    })
    .unwrap();
    assert_eq!(sum, u64::from(count) * u64::from(count + 1) / 2);
    producer.join().unwrap();
}

// -------------------------------------------------------- property test

/// Values of the bounded table converted to the model's `Vec`s.
fn to_vec<const B: usize>(status: BoundedCopyStatus<B>) -> CopyStatus {
    status.map_values(|chunk| chunk.to_vec())
}

impl<const H: usize, const P: usize, const B: usize> Subject for BoundedComponentTable<H, P, B> {
    fn run(&self, op: Resolved) -> Result<Out, ComponentError> {
        use HandleKind::*;
        Ok(match op {
            Resolved::FutureNew(ty) => Out::Pair(self.future_new(ty)?),
            Resolved::StreamNew(ty) => Out::Pair(self.stream_new(ty)?),
            Resolved::FutureRead(h) => Out::Status(to_vec(self.future_read(h)?)),
            Resolved::FutureWrite(h, v) => Out::Status(to_vec(self.future_write(h, v)?)),
            Resolved::StreamRead(h, n) => Out::Status(to_vec(self.stream_read(h, n)?)),
            Resolved::StreamWrite(h, vs) => Out::Status(to_vec(self.stream_write(h, &vs)?)),
            Resolved::Cancel(h, k) => Out::Status(to_vec(match k {
                ReadableFuture => self.future_cancel_read(h)?,
                WritableFuture => self.future_cancel_write(h)?,
                ReadableStream => self.stream_cancel_read(h)?,
                _ => self.stream_cancel_write(h)?,
            })),
            Resolved::Drop(h, k) => {
                match k {
                    ReadableFuture => self.future_drop_readable(h)?,
                    WritableFuture => self.future_drop_writable(h)?,
                    ReadableStream => self.stream_drop_readable(h)?,
                    _ => self.stream_drop_writable(h)?,
                }
                Out::Unit
            }
            Resolved::CopyDoneNow(h) => Out::Done(
                self.copy_done_now(h)?
                    .map(|done| done.map_values(|chunk| chunk.to_vec())),
            ),
            Resolved::SetNew => Out::Handle(self.waitable_set_new()?),
            Resolved::Join(w, s) => {
                self.waitable_join(w, s)?;
                Out::Unit
            }
            Resolved::SetDrop(s) => {
                self.waitable_set_drop(s)?;
                Out::Unit
            }
            Resolved::Relocate(..) | Resolved::Poll(_) => {
                unreachable!("not generated / compared separately")
            }
        })
    }

    fn poll(&self, set: u32) -> Result<Option<Event>, ComponentError> {
        let event = self.waitable_set_poll(set)?;
        Ok(event.map(|e| Event {
            code: e.code,
            handle: e.handle,
            done: e.done.map_values(|chunk| chunk.to_vec()),
        }))
    }

    fn kind(&self, h: u32) -> Result<HandleKind, ComponentError> {
        self.handle_kind(h)
    }

    fn copy_state(&self, h: u32) -> Result<CopyState, ComponentError> {
        BoundedComponentTable::copy_state(self, h)
    }

    fn joined_set(&self, h: u32) -> Result<Option<u32>, ComponentError> {
        BoundedComponentTable::joined_set(self, h)
    }
}

/// The model's operations on fixed-size element types; moving ends between
/// tables is not part of the no-heap tier.
fn bounded_op() -> impl Strategy<Value = Op> {
    op_with(&[ValueType::U32, ValueType::Unit])
        .prop_filter("no transfers in the no-heap tier", |op| {
            !matches!(op, Op::Relocate(..))
        })
}

proptest! {
    #![proptest_config(ops::config())]

    /// Up to 47 operations create at most 47 pairs (94 handles): the
    /// capacity of `Table` is never reached, and the model's copies are at
    /// most 4 = `BUF` long, so every result must equal the model's.
    #[test]
    fn bounded_table_matches_the_spec_model(
        ops in proptest::collection::vec(bounded_op(), 1..if cfg!(miri) { 24 } else { 48 })
    ) {
        check_against_model(&Table::new(), ops)?;
    }
}
