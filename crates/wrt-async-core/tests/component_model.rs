//! The Component Model async bridge: every state transition and every error
//! case of futures, streams and waitable sets, the Rust bridges, wake-ups
//! across threads and executors, and a property test against a reference
//! model of the spec's state machine (`component_model/model.rs`).
#![cfg(all(feature = "component-model-async", feature = "alloc"))]

#[path = "component_model/model.rs"]
mod model;
#[path = "component_model/ops.rs"]
mod ops;

use std::sync::Arc;
use std::task::{Context, Poll, Waker};
use std::time::Duration;

use futures_core::Stream;
use proptest::prelude::*;
use wrt_async_core::component_model::{
    ComponentAsyncExt, ComponentError, ComponentFuture, ComponentFutureBridge, ComponentStream,
    ComponentStreamBridge, ComponentTable, ComponentValue, CopyDone, CopyResult, CopyState,
    CopyStatus, EventCode, FutureWriteOutcome, HandleKind, MAX_BUFFER_LEN, StreamWriteOutcome,
    ValueType, host_future, host_stream,
};
use wrt_async_core::{FallbackExecutor, with_async};

use ops::{check_against_model, op};

// ---------------------------------------------------------------- helpers

fn u(n: u32) -> ComponentValue {
    ComponentValue::U32(n)
}

fn us(range: std::ops::RangeInclusive<u32>) -> Vec<ComponentValue> {
    range.map(u).collect()
}

#[track_caller]
fn done(status: Result<CopyStatus, ComponentError>) -> CopyDone {
    match status {
        Ok(CopyStatus::Done(done)) => done,
        other => panic!("expected a finished copy, got {other:?}"),
    }
}

#[track_caller]
fn blocked(status: Result<CopyStatus, ComponentError>) {
    assert_eq!(status, Ok(CopyStatus::Blocked));
}

fn copy(result: CopyResult, progress: u32, values: Vec<ComponentValue>) -> CopyDone {
    CopyDone {
        result,
        progress,
        values,
    }
}

/// Sleeps a little (less under Miri, where time is virtual anyway).
fn nap() {
    std::thread::sleep(Duration::from_millis(if cfg!(miri) { 1 } else { 20 }));
}

// ---------------------------------------------------------------- futures

#[test]
fn future_new_allocates_from_one_and_reuses_last_freed_first() {
    let t = ComponentTable::new();
    assert_eq!(t.future_new(ValueType::U32), Ok((1, 2)));
    assert_eq!(t.stream_new(ValueType::U32), Ok((3, 4)));
    assert_eq!(t.handle_kind(1), Ok(HandleKind::ReadableFuture));
    assert_eq!(t.handle_kind(2), Ok(HandleKind::WritableFuture));
    assert_eq!(t.handle_kind(3), Ok(HandleKind::ReadableStream));
    assert_eq!(t.handle_kind(4), Ok(HandleKind::WritableStream));
    assert_eq!(t.value_type(3), Ok(ValueType::U32));
    t.stream_drop_readable(3).unwrap();
    t.future_drop_readable(1).unwrap();
    // Freed 3 then 1: the next entries reuse 1, then 3.
    assert_eq!(t.future_new(ValueType::Bool), Ok((1, 3)));
    assert_eq!(t.len(), 4);
}

#[test]
fn future_write_first_then_read() {
    let t = ComponentTable::new();
    let (r, w) = t.future_new(ValueType::U32).unwrap();
    blocked(t.future_write(w, u(7)));
    assert_eq!(t.copy_state(w), Ok(CopyState::Copying));
    assert_eq!(t.copy_done_now(w), Ok(None));
    let read = done(t.future_read(r));
    assert_eq!(read, copy(CopyResult::Completed, 1, vec![u(7)]));
    assert_eq!(read.future_payload(), 0);
    assert_eq!(t.copy_state(r), Ok(CopyState::Done));
    // The writer's completion is pending until delivered: still copying.
    assert_eq!(t.copy_state(w), Ok(CopyState::Copying));
    let write = t.copy_done_now(w).unwrap().unwrap();
    assert_eq!(write, copy(CopyResult::Completed, 1, vec![]));
    assert_eq!(t.copy_state(w), Ok(CopyState::Done));
    t.future_drop_readable(r).unwrap();
    t.future_drop_writable(w).unwrap();
    assert!(t.is_empty());
}

#[test]
fn future_read_first_then_write() {
    let t = ComponentTable::new();
    let (r, w) = t.future_new(ValueType::String).unwrap();
    blocked(t.future_read(r));
    assert_eq!(t.copy_state(r), Ok(CopyState::Copying));
    let write = done(t.future_write(w, ComponentValue::String("v".into())));
    assert_eq!(write, copy(CopyResult::Completed, 1, vec![]));
    assert_eq!(t.copy_state(w), Ok(CopyState::Done));
    let read = t.copy_done_now(r).unwrap().unwrap();
    assert_eq!(read.values, [ComponentValue::String("v".into())]);
    assert_eq!(t.copy_state(r), Ok(CopyState::Done));
}

#[test]
fn future_reader_dropped_before_write_gives_value_back() {
    let t = ComponentTable::new();
    let (r, w) = t.future_new(ValueType::U32).unwrap();
    t.future_drop_readable(r).unwrap();
    let write = done(t.future_write(w, u(1)));
    assert_eq!(write, copy(CopyResult::Dropped, 0, vec![u(1)]));
    assert_eq!(write.future_payload(), 1);
    assert_eq!(t.copy_state(w), Ok(CopyState::Done));
    t.future_drop_writable(w).unwrap();
}

#[test]
fn future_reader_dropped_while_write_pending() {
    let t = ComponentTable::new();
    let (r, w) = t.future_new(ValueType::U32).unwrap();
    blocked(t.future_write(w, u(1)));
    t.future_drop_readable(r).unwrap();
    let write = t.copy_done_now(w).unwrap().unwrap();
    assert_eq!(write, copy(CopyResult::Dropped, 0, vec![u(1)]));
    t.future_drop_writable(w).unwrap();
}

#[test]
fn future_cancel_read_then_read_again() {
    let t = ComponentTable::new();
    let (r, w) = t.future_new(ValueType::U32).unwrap();
    blocked(t.future_read(r));
    let cancelled = done(t.future_cancel_read(r));
    assert_eq!(cancelled, copy(CopyResult::Cancelled, 0, vec![]));
    assert_eq!(cancelled.future_payload(), 2);
    assert_eq!(t.copy_state(r), Ok(CopyState::Idle));
    blocked(t.future_write(w, u(3)));
    assert_eq!(done(t.future_read(r)).values, [u(3)]);
}

#[test]
fn future_cancel_write_gives_value_back_and_end_must_still_write() {
    let t = ComponentTable::new();
    let (r, w) = t.future_new(ValueType::U32).unwrap();
    blocked(t.future_write(w, u(3)));
    assert_eq!(
        done(t.future_cancel_write(w)),
        copy(CopyResult::Cancelled, 0, vec![u(3)])
    );
    assert_eq!(t.copy_state(w), Ok(CopyState::Idle));
    assert_eq!(
        t.future_drop_writable(w),
        Err(ComponentError::FutureNotWritten { handle: w })
    );
    blocked(t.future_write(w, u(4)));
    assert_eq!(done(t.future_read(r)).values, [u(4)]);
}

#[test]
fn future_cancel_after_completion_returns_the_completion() {
    let t = ComponentTable::new();
    let (r, w) = t.future_new(ValueType::U32).unwrap();
    blocked(t.future_write(w, u(5)));
    done(t.future_read(r));
    // The write finished racily before the cancel: its result is returned.
    assert_eq!(
        done(t.future_cancel_write(w)),
        copy(CopyResult::Completed, 1, vec![])
    );
    assert_eq!(t.copy_state(w), Ok(CopyState::Done));
}

#[test]
fn future_unit_type() {
    let t = ComponentTable::new();
    let (r, w) = t.future_new(ValueType::Unit).unwrap();
    blocked(t.future_read(r));
    done(t.future_write(w, ComponentValue::Unit));
    assert_eq!(
        t.copy_done_now(r).unwrap().unwrap().values,
        [ComponentValue::Unit]
    );
}

// ---------------------------------------------------------- future errors

#[test]
fn future_read_or_write_while_copying_is_an_error() {
    let t = ComponentTable::new();
    let (r, w) = t.future_new(ValueType::U32).unwrap();
    blocked(t.future_read(r));
    assert_eq!(
        t.future_read(r),
        Err(ComponentError::CopyInProgress { handle: r })
    );
    let (r2, w2) = t.future_new(ValueType::U32).unwrap();
    blocked(t.future_write(w2, u(1)));
    assert_eq!(
        t.future_write(w2, u(2)),
        Err(ComponentError::CopyInProgress { handle: w2 })
    );
    // Nothing changed.
    assert_eq!(t.copy_state(r), Ok(CopyState::Copying));
    assert_eq!(done(t.future_read(r2)).values, [u(1)]);
    let _ = w;
}

#[test]
fn writing_twice_to_a_future_is_an_error() {
    let t = ComponentTable::new();
    let (r, w) = t.future_new(ValueType::U32).unwrap();
    blocked(t.future_read(r));
    done(t.future_write(w, u(1)));
    assert_eq!(
        t.future_write(w, u(2)),
        Err(ComponentError::AlreadyDone { handle: w })
    );
    t.copy_done_now(r).unwrap().unwrap();
    assert_eq!(
        t.future_read(r),
        Err(ComponentError::AlreadyDone { handle: r })
    );
}

#[test]
fn future_value_of_wrong_type_is_an_error_and_changes_nothing() {
    let t = ComponentTable::new();
    let (_r, w) = t.future_new(ValueType::U32).unwrap();
    assert_eq!(
        t.future_write(w, ComponentValue::String("no".into())),
        Err(ComponentError::TypeMismatch {
            expected: ValueType::U32,
            found: ValueType::String
        })
    );
    assert_eq!(t.copy_state(w), Ok(CopyState::Idle));
}

#[test]
fn dropping_ends_at_the_wrong_time_is_an_error() {
    let t = ComponentTable::new();
    let (r, w) = t.future_new(ValueType::U32).unwrap();
    assert_eq!(
        t.future_drop_writable(w),
        Err(ComponentError::FutureNotWritten { handle: w })
    );
    blocked(t.future_write(w, u(1)));
    assert_eq!(
        t.future_drop_writable(w),
        Err(ComponentError::DropWhileCopying { handle: w })
    );
    t.future_cancel_write(w).unwrap();
    blocked(t.future_read(r));
    assert_eq!(
        t.future_drop_readable(r),
        Err(ComponentError::DropWhileCopying { handle: r })
    );
    let (sr, sw) = t.stream_new(ValueType::U32).unwrap();
    blocked(t.stream_read(sr, 1));
    // A zero-length write completes at once; the read keeps waiting.
    done(t.stream_write(sw, vec![]));
    assert_eq!(
        t.stream_drop_readable(sr),
        Err(ComponentError::DropWhileCopying { handle: sr })
    );
    assert_eq!(t.len(), 4, "failed drops removed nothing");
}

#[test]
fn invalid_handles_are_errors() {
    let t = ComponentTable::new();
    assert_eq!(
        t.future_read(0),
        Err(ComponentError::InvalidHandle { handle: 0 })
    );
    assert_eq!(
        t.future_read(7),
        Err(ComponentError::InvalidHandle { handle: 7 })
    );
    let (r, w) = t.future_new(ValueType::U32).unwrap();
    t.future_drop_readable(r).unwrap();
    for result in [
        t.future_read(r),
        t.future_cancel_read(r),
        t.stream_read(r, 1),
        t.copy_done_now(r).map(|_| CopyStatus::Blocked),
    ] {
        assert_eq!(result, Err(ComponentError::InvalidHandle { handle: r }));
    }
    assert_eq!(
        t.future_drop_readable(r),
        Err(ComponentError::InvalidHandle { handle: r })
    );
    assert_eq!(
        t.handle_kind(r),
        Err(ComponentError::InvalidHandle { handle: r })
    );
    assert_eq!(
        t.waitable_set_poll(r),
        Err(ComponentError::InvalidHandle { handle: r })
    );
    let _ = w;
}

#[test]
fn wrong_kind_handles_are_errors() {
    let t = ComponentTable::new();
    let (fr, fw) = t.future_new(ValueType::U32).unwrap();
    let (sr, sw) = t.stream_new(ValueType::U32).unwrap();
    let set = t.waitable_set_new().unwrap();
    let wrong = |handle, expected, found| {
        Err::<CopyStatus, _>(ComponentError::WrongHandleKind {
            handle,
            expected,
            found,
        })
    };
    use HandleKind::*;
    assert_eq!(t.future_read(fw), wrong(fw, ReadableFuture, WritableFuture));
    assert_eq!(
        t.future_write(fr, u(1)),
        wrong(fr, WritableFuture, ReadableFuture)
    );
    assert_eq!(t.future_read(sr), wrong(sr, ReadableFuture, ReadableStream));
    assert_eq!(
        t.stream_read(fr, 1),
        wrong(fr, ReadableStream, ReadableFuture)
    );
    assert_eq!(
        t.stream_write(sr, vec![]),
        wrong(sr, WritableStream, ReadableStream)
    );
    assert_eq!(
        t.stream_read(set, 1),
        wrong(set, ReadableStream, WaitableSet)
    );
    assert_eq!(
        t.future_cancel_write(fr),
        wrong(fr, WritableFuture, ReadableFuture)
    );
    assert_eq!(
        t.stream_cancel_read(sw),
        wrong(sw, ReadableStream, WritableStream)
    );
    assert_eq!(
        t.stream_drop_writable(fw),
        Err(ComponentError::WrongHandleKind {
            handle: fw,
            expected: WritableStream,
            found: WritableFuture
        })
    );
    assert_eq!(
        t.future_drop_readable(set),
        Err(ComponentError::WrongHandleKind {
            handle: set,
            expected: ReadableFuture,
            found: WaitableSet
        })
    );
    assert_eq!(
        t.copy_state(set),
        Err(ComponentError::NotWaitable { handle: set })
    );
    assert_eq!(
        t.value_type(set),
        Err(ComponentError::NotWaitable { handle: set })
    );
    assert_eq!(t.len(), 5);
}

#[test]
fn cancel_without_a_copy_is_an_error() {
    let t = ComponentTable::new();
    let (r, w) = t.future_new(ValueType::U32).unwrap();
    assert_eq!(
        t.future_cancel_read(r),
        Err(ComponentError::NotCopying { handle: r })
    );
    assert_eq!(
        t.future_cancel_write(w),
        Err(ComponentError::NotCopying { handle: w })
    );
    blocked(t.future_read(r));
    done(t.future_write(w, u(1)));
    // The writer is done: nothing to cancel.
    assert_eq!(
        t.future_cancel_write(w),
        Err(ComponentError::NotCopying { handle: w })
    );
    let (sr, _sw) = t.stream_new(ValueType::U32).unwrap();
    assert_eq!(
        t.stream_cancel_read(sr),
        Err(ComponentError::NotCopying { handle: sr })
    );
    assert_eq!(
        t.copy_done_now(sr),
        Err(ComponentError::NotCopying { handle: sr })
    );
}

// ---------------------------------------------------------------- streams

#[test]
fn stream_write_first_then_partial_reads_keep_filling_from_the_same_buffer() {
    let t = ComponentTable::new();
    let (r, w) = t.stream_new(ValueType::U32).unwrap();
    blocked(t.stream_write(w, us(1..=5)));
    assert_eq!(
        done(t.stream_read(r, 2)),
        copy(CopyResult::Completed, 2, us(1..=2))
    );
    // The writer has not collected its completion: its buffer stays pending.
    assert_eq!(
        done(t.stream_read(r, 2)),
        copy(CopyResult::Completed, 2, us(3..=4))
    );
    let write = t.copy_done_now(w).unwrap().unwrap();
    assert_eq!(write, copy(CopyResult::Completed, 4, vec![u(5)]));
    assert_eq!(write.stream_payload(), 4 << 4);
    assert_eq!(t.copy_state(w), Ok(CopyState::Idle));
    // Delivery reclaimed the buffer: the next read waits for a new write.
    blocked(t.stream_read(r, 2));
}

#[test]
fn stream_read_first_then_several_writes_fill_its_buffer() {
    let t = ComponentTable::new();
    let (r, w) = t.stream_new(ValueType::U32).unwrap();
    blocked(t.stream_read(r, 5));
    assert_eq!(
        done(t.stream_write(w, us(1..=2))),
        copy(CopyResult::Completed, 2, vec![])
    );
    assert_eq!(
        done(t.stream_write(w, us(3..=4))),
        copy(CopyResult::Completed, 2, vec![])
    );
    let read = t.copy_done_now(r).unwrap().unwrap();
    assert_eq!(read, copy(CopyResult::Completed, 4, us(1..=4)));
    assert_eq!(t.copy_state(r), Ok(CopyState::Idle));
}

#[test]
fn stream_write_larger_than_the_read_completes_partially() {
    let t = ComponentTable::new();
    let (r, w) = t.stream_new(ValueType::U32).unwrap();
    blocked(t.stream_read(r, 2));
    // The reader's buffer bounds the copy: the rest comes back to the writer.
    let write = done(t.stream_write(w, us(1..=5)));
    assert_eq!(write, copy(CopyResult::Completed, 2, us(3..=5)));
    assert_eq!(t.copy_done_now(r).unwrap().unwrap().values, us(1..=2));
}

#[test]
fn stream_full_pending_buffer_is_completed_when_the_other_end_comes_again() {
    let t = ComponentTable::new();
    let (r, w) = t.stream_new(ValueType::U32).unwrap();
    blocked(t.stream_write(w, us(1..=2)));
    done(t.stream_read(r, 2)); // drains the pending write
    blocked(t.stream_read(r, 2)); // finds it empty: it completes, the read waits
    assert_eq!(
        t.copy_done_now(w).unwrap().unwrap(),
        copy(CopyResult::Completed, 2, vec![])
    );
    assert_eq!(done(t.stream_write(w, us(3..=3))).progress, 1);
    assert_eq!(t.copy_done_now(r).unwrap().unwrap().values, [u(3)]);
}

#[test]
fn stream_zero_length_read_probes_readiness() {
    let t = ComponentTable::new();
    let (r, w) = t.stream_new(ValueType::U32).unwrap();
    // No writer yet: the probe waits.
    blocked(t.stream_read(r, 0));
    // A real write arrives: the probe completes (0 elements), the write waits.
    blocked(t.stream_write(w, us(1..=3)));
    assert_eq!(
        t.copy_done_now(r).unwrap().unwrap(),
        copy(CopyResult::Completed, 0, vec![])
    );
    // With a writer waiting, a probe completes at once and takes nothing.
    assert_eq!(
        done(t.stream_read(r, 0)),
        copy(CopyResult::Completed, 0, vec![])
    );
    assert_eq!(done(t.stream_read(r, 3)).values, us(1..=3));
}

#[test]
fn stream_zero_length_write_probes_readiness() {
    let t = ComponentTable::new();
    let (r, w) = t.stream_new(ValueType::U32).unwrap();
    blocked(t.stream_read(r, 4));
    // A reader waits: the probe completes at once, the read keeps waiting.
    assert_eq!(
        done(t.stream_write(w, vec![])),
        copy(CopyResult::Completed, 0, vec![])
    );
    assert_eq!(t.copy_state(r), Ok(CopyState::Copying));
    assert_eq!(t.copy_done_now(r), Ok(None));
    // No reader: the probe waits until one comes, which then waits in turn.
    let (r2, w2) = t.stream_new(ValueType::U32).unwrap();
    blocked(t.stream_write(w2, vec![]));
    blocked(t.stream_read(r2, 4));
    assert_eq!(
        t.copy_done_now(w2).unwrap().unwrap(),
        copy(CopyResult::Completed, 0, vec![])
    );
    assert_eq!(t.copy_state(r2), Ok(CopyState::Copying));
}

#[test]
fn stream_zero_length_write_and_read_always_complete_the_write() {
    let t = ComponentTable::new();
    // Read probe first.
    let (r, w) = t.stream_new(ValueType::U32).unwrap();
    blocked(t.stream_read(r, 0));
    assert_eq!(
        done(t.stream_write(w, vec![])).result,
        CopyResult::Completed
    );
    assert_eq!(t.copy_done_now(r), Ok(None), "the read probe keeps waiting");
    // Write probe first.
    let (r, w) = t.stream_new(ValueType::U32).unwrap();
    blocked(t.stream_write(w, vec![]));
    blocked(t.stream_read(r, 0));
    assert_eq!(
        t.copy_done_now(w).unwrap().unwrap().result,
        CopyResult::Completed
    );
    assert_eq!(t.copy_done_now(r), Ok(None));
    // A real write then completes the read probe.
    blocked(t.stream_write(w, us(1..=1)));
    assert_eq!(t.copy_done_now(r).unwrap().unwrap().progress, 0);
}

#[test]
fn stream_writer_dropped_ends_the_stream_after_the_copied_elements() {
    let t = ComponentTable::new();
    let (r, w) = t.stream_new(ValueType::U32).unwrap();
    blocked(t.stream_read(r, 4));
    done(t.stream_write(w, us(1..=2)));
    t.stream_drop_writable(w).unwrap();
    let read = t.copy_done_now(r).unwrap().unwrap();
    assert_eq!(read, copy(CopyResult::Dropped, 2, us(1..=2)));
    assert_eq!(read.stream_payload(), 1 | (2 << 4));
    assert_eq!(t.copy_state(r), Ok(CopyState::Done));
    assert_eq!(
        t.stream_read(r, 1),
        Err(ComponentError::AlreadyDone { handle: r })
    );
    t.stream_drop_readable(r).unwrap();
}

#[test]
fn stream_reader_dropped_stops_the_writer() {
    let t = ComponentTable::new();
    let (r, w) = t.stream_new(ValueType::U32).unwrap();
    blocked(t.stream_write(w, us(1..=3)));
    done(t.stream_read(r, 1));
    t.stream_drop_readable(r).unwrap();
    let write = t.copy_done_now(w).unwrap().unwrap();
    assert_eq!(write, copy(CopyResult::Dropped, 1, us(2..=3)));
    assert_eq!(
        t.stream_write(w, us(4..=4)),
        Err(ComponentError::AlreadyDone { handle: w })
    );
    // An idle writer whose reader is gone learns it on its next write.
    let (r, w) = t.stream_new(ValueType::U32).unwrap();
    t.stream_drop_readable(r).unwrap();
    assert_eq!(
        done(t.stream_write(w, us(1..=1))),
        copy(CopyResult::Dropped, 0, vec![u(1)])
    );
    t.stream_drop_writable(w).unwrap();
}

#[test]
fn stream_cancel_keeps_what_was_copied() {
    let t = ComponentTable::new();
    let (r, w) = t.stream_new(ValueType::U32).unwrap();
    blocked(t.stream_read(r, 4));
    assert_eq!(
        done(t.stream_cancel_read(r)),
        copy(CopyResult::Cancelled, 0, vec![])
    );
    blocked(t.stream_read(r, 4));
    done(t.stream_write(w, us(1..=2)));
    // Elements arrived before the cancel: the read completes with them.
    assert_eq!(
        done(t.stream_cancel_read(r)),
        copy(CopyResult::Completed, 2, us(1..=2))
    );
    blocked(t.stream_write(w, us(3..=6)));
    done(t.stream_read(r, 1));
    assert_eq!(
        done(t.stream_cancel_write(w)),
        copy(CopyResult::Completed, 1, us(4..=6))
    );
    blocked(t.stream_write(w, us(4..=6)));
    assert_eq!(
        done(t.stream_cancel_write(w)),
        copy(CopyResult::Cancelled, 0, us(4..=6))
    );
    assert_eq!(t.copy_state(w), Ok(CopyState::Idle));
}

#[test]
fn stream_errors() {
    let t = ComponentTable::new();
    let (r, w) = t.stream_new(ValueType::U32).unwrap();
    assert_eq!(
        t.stream_read(r, MAX_BUFFER_LEN + 1),
        Err(ComponentError::BufferTooLong {
            len: MAX_BUFFER_LEN + 1
        })
    );
    assert_eq!(t.copy_state(r), Ok(CopyState::Idle));
    blocked(t.stream_read(r, MAX_BUFFER_LEN));
    assert_eq!(
        t.stream_read(r, 1),
        Err(ComponentError::CopyInProgress { handle: r })
    );
    assert_eq!(
        t.stream_write(w, vec![u(1), ComponentValue::Bool(true)]),
        Err(ComponentError::TypeMismatch {
            expected: ValueType::U32,
            found: ValueType::Bool
        })
    );
    assert_eq!(t.copy_state(w), Ok(CopyState::Idle));
    done(t.stream_write(w, vec![]));
}

// ---------------------------------------------------------- waitable sets

#[test]
fn waitable_set_delivers_every_event_code_with_its_payload() {
    let t = ComponentTable::new();
    let set = t.waitable_set_new().unwrap();
    let (fr, fw) = t.future_new(ValueType::U32).unwrap();
    let (sr, sw) = t.stream_new(ValueType::U32).unwrap();
    for h in [fr, fw, sr, sw] {
        t.waitable_join(h, Some(set)).unwrap();
        assert_eq!(t.joined_set(h), Ok(Some(set)));
    }
    blocked(t.future_read(fr));
    blocked(t.stream_write(sw, us(1..=3)));
    assert_eq!(t.waitable_set_poll(set), Ok(None));
    done(t.future_write(fw, u(9)));
    let event = t.waitable_set_poll(set).unwrap().unwrap();
    assert_eq!(
        (event.code, event.handle, event.payload()),
        (EventCode::FutureRead, fr, 0)
    );
    assert_eq!(event.done.values, [u(9)]);
    assert_eq!(t.copy_state(fr), Ok(CopyState::Done));
    done(t.stream_read(sr, 2));
    let event = t.waitable_set_poll(set).unwrap().unwrap();
    assert_eq!((event.code, event.handle), (EventCode::StreamWrite, sw));
    assert_eq!(event.payload(), 2 << 4);
    blocked(t.stream_read(sr, 2));
    t.stream_drop_writable(sw).unwrap();
    let event = t.waitable_set_poll(set).unwrap().unwrap();
    assert_eq!((event.code, event.handle), (EventCode::StreamRead, sr));
    assert_eq!(event.payload(), CopyResult::Dropped as u32);
    t.future_drop_readable(fr).unwrap();
    let (fr2, fw2) = t.future_new(ValueType::U32).unwrap();
    t.waitable_join(fw2, Some(set)).unwrap();
    blocked(t.future_write(fw2, u(2)));
    done(t.future_read(fr2));
    let event = t.waitable_set_poll(set).unwrap().unwrap();
    assert_eq!(
        (event.code, event.handle, event.payload()),
        (EventCode::FutureWrite, fw2, 0)
    );
    assert_eq!(t.waitable_set_poll(set), Ok(None));
    assert_eq!(EventCode::None as u32, 0);
    assert_eq!(EventCode::Subtask as u32, 1);
    assert_eq!(EventCode::TaskCancelled as u32, 6);
}

#[test]
fn join_moves_between_sets_and_leaves() {
    let t = ComponentTable::new();
    let (a, b) = (t.waitable_set_new().unwrap(), t.waitable_set_new().unwrap());
    let (r, w) = t.future_new(ValueType::U32).unwrap();
    t.waitable_join(r, Some(a)).unwrap();
    t.waitable_join(r, Some(b)).unwrap();
    t.waitable_set_drop(a).unwrap();
    assert_eq!(
        t.waitable_set_drop(b),
        Err(ComponentError::WaitableSetNotEmpty { handle: b })
    );
    t.waitable_join(r, None).unwrap();
    assert_eq!(t.joined_set(r), Ok(None));
    t.waitable_set_drop(b).unwrap();
    // A dropped end leaves its set.
    let c = t.waitable_set_new().unwrap();
    t.waitable_join(w, Some(c)).unwrap();
    t.future_drop_readable(r).unwrap();
    done(t.future_write(w, u(1)));
    t.future_drop_writable(w).unwrap();
    t.waitable_set_drop(c).unwrap();
}

#[test]
fn joining_with_a_pending_event_delivers_it_through_the_set() {
    let t = ComponentTable::new();
    let (r, w) = t.future_new(ValueType::U32).unwrap();
    blocked(t.future_read(r));
    done(t.future_write(w, u(2)));
    let set = t.waitable_set_new().unwrap();
    t.waitable_join(r, Some(set)).unwrap();
    assert_eq!(
        t.copy_done_now(r),
        Err(ComponentError::InWaitableSet { handle: r })
    );
    let event = t.waitable_set_poll(set).unwrap().unwrap();
    assert_eq!(event.handle, r);
}

#[test]
fn waitable_set_errors() {
    let t = ComponentTable::new();
    let set = t.waitable_set_new().unwrap();
    let (r, _w) = t.future_new(ValueType::U32).unwrap();
    assert_eq!(
        t.waitable_join(set, Some(set)),
        Err(ComponentError::NotWaitable { handle: set })
    );
    assert_eq!(
        t.waitable_join(r, Some(r)),
        Err(ComponentError::WrongHandleKind {
            handle: r,
            expected: HandleKind::WaitableSet,
            found: HandleKind::ReadableFuture
        })
    );
    assert_eq!(
        t.waitable_join(9, None),
        Err(ComponentError::InvalidHandle { handle: 9 })
    );
    assert_eq!(
        t.waitable_join(r, Some(9)),
        Err(ComponentError::InvalidHandle { handle: 9 })
    );
    assert_eq!(
        t.waitable_set_poll(r),
        Err(ComponentError::WrongHandleKind {
            handle: r,
            expected: HandleKind::WaitableSet,
            found: HandleKind::ReadableFuture
        })
    );
    assert_eq!(
        t.waitable_set_drop(r),
        Err(ComponentError::WrongHandleKind {
            handle: r,
            expected: HandleKind::WaitableSet,
            found: HandleKind::ReadableFuture
        })
    );
    assert_eq!(t.joined_set(r), Ok(None), "failed joins changed nothing");
    // A waiting task keeps the set alive.
    let mut wait = Box::pin(t.waitable_set_wait(set));
    let mut cx = Context::from_waker(Waker::noop());
    assert!(wait.as_mut().poll(&mut cx).is_pending());
    assert_eq!(
        t.waitable_set_drop(set),
        Err(ComponentError::WaitableSetHasWaiters { handle: set })
    );
    drop(wait);
    t.waitable_set_drop(set).unwrap();
    let mut cx = Context::from_waker(Waker::noop());
    assert_eq!(
        Box::pin(t.waitable_set_wait(set)).as_mut().poll(&mut cx),
        Poll::Ready(Err(ComponentError::InvalidHandle { handle: set }))
    );
}

#[test]
fn waitable_set_poll_is_round_robin() {
    let t = ComponentTable::new();
    let set = t.waitable_set_new().unwrap();
    let (ar, aw) = t.stream_new(ValueType::U32).unwrap();
    let (br, bw) = t.stream_new(ValueType::U32).unwrap();
    t.waitable_join(aw, Some(set)).unwrap();
    t.waitable_join(bw, Some(set)).unwrap();
    let mut order = Vec::new();
    for _ in 0..4 {
        // Both writers always have a completion pending.
        for (r, w) in [(ar, aw), (br, bw)] {
            if t.copy_state(w) == Ok(CopyState::Idle) {
                blocked(t.stream_write(w, us(1..=1)));
                done(t.stream_read(r, 1));
            }
        }
        order.push(t.waitable_set_poll(set).unwrap().unwrap().handle);
    }
    assert_eq!(order, [aw, bw, aw, bw]);
}

#[test]
fn waitable_set_wait_is_woken_from_another_thread() {
    let t = Arc::new(ComponentTable::new());
    let (r, w) = t.future_new(ValueType::U32).unwrap();
    let set = t.waitable_set_new().unwrap();
    t.waitable_join(r, Some(set)).unwrap();
    blocked(t.future_read(r));
    let writer = {
        let t = t.clone();
        std::thread::spawn(move || {
            nap();
            done(t.future_write(w, u(42)));
        })
    };
    let event = with_async(t.waitable_set_wait(set)).unwrap().unwrap();
    assert_eq!((event.code, event.handle), (EventCode::FutureRead, r));
    assert_eq!(event.done.values, [u(42)]);
    writer.join().unwrap();
}

#[test]
fn several_tasks_may_wait_on_one_set() {
    let t = Arc::new(ComponentTable::new());
    let set = t.waitable_set_new().unwrap();
    let (r1, w1) = t.future_new(ValueType::U32).unwrap();
    let (r2, w2) = t.future_new(ValueType::U32).unwrap();
    for r in [r1, r2] {
        t.waitable_join(r, Some(set)).unwrap();
        blocked(t.future_read(r));
    }
    let waiters: Vec<_> = (0..2)
        .map(|_| {
            let t = t.clone();
            std::thread::spawn(move || with_async(t.waitable_set_wait(set)).unwrap().unwrap())
        })
        .collect();
    nap();
    done(t.future_write(w1, u(1)));
    done(t.future_write(w2, u(2)));
    let mut handles: Vec<u32> = waiters
        .into_iter()
        .map(|w| w.join().unwrap().handle)
        .collect();
    handles.sort_unstable();
    assert_eq!(handles, [r1, r2]);
    for r in [r1, r2] {
        t.waitable_join(r, None).unwrap();
    }
    t.waitable_set_drop(set).unwrap();
}

#[test]
fn copy_done_waits_across_threads() {
    let t = Arc::new(ComponentTable::new());
    let (r, w) = t.stream_new(ValueType::U32).unwrap();
    blocked(t.stream_write(w, us(1..=3)));
    let reader = {
        let t = t.clone();
        std::thread::spawn(move || {
            nap();
            done(t.stream_read(r, 8))
        })
    };
    let write = with_async(t.copy_done(w)).unwrap().unwrap();
    assert_eq!(write, copy(CopyResult::Completed, 3, vec![]));
    assert_eq!(reader.join().unwrap().values, us(1..=3));
    assert_eq!(
        t.copy_done(w).poll_with_noop_waker(),
        Poll::Ready(Err(ComponentError::NotCopying { handle: w }))
    );
}

/// Polls a future once with a no-op waker.
trait PollOnce: std::future::Future + Sized {
    fn poll_with_noop_waker(self) -> Poll<Self::Output> {
        let mut this = std::pin::pin!(self);
        this.as_mut().poll(&mut Context::from_waker(Waker::noop()))
    }
}
impl<F: std::future::Future> PollOnce for F {}

// ------------------------------------------------------------- transfers

#[test]
fn readable_ends_move_between_tables() {
    let (a, b) = (ComponentTable::new(), ComponentTable::new());
    let (fr, fw) = a.future_new(ValueType::U32).unwrap();
    let (sr, sw) = a.stream_new(ValueType::U32).unwrap();
    let fr_b = a.transfer_future(fr, &b).unwrap();
    let sr_b = a.transfer_stream(sr, &b).unwrap();
    assert_eq!((fr_b, sr_b), (1, 2));
    assert_eq!(a.len(), 2);
    blocked(b.future_read(fr_b));
    done(a.future_write(fw, u(5)));
    assert_eq!(b.copy_done_now(fr_b).unwrap().unwrap().values, [u(5)]);
    blocked(a.stream_write(sw, us(1..=2)));
    assert_eq!(done(b.stream_read(sr_b, 5)).values, us(1..=2));
}

#[test]
fn transfer_guards() {
    let (a, b) = (ComponentTable::new(), ComponentTable::new());
    let (r, w) = a.future_new(ValueType::U32).unwrap();
    assert_eq!(
        a.transfer_future(w, &b),
        Err(ComponentError::WrongHandleKind {
            handle: w,
            expected: HandleKind::ReadableFuture,
            found: HandleKind::WritableFuture
        })
    );
    assert_eq!(
        a.transfer_stream(r, &b),
        Err(ComponentError::WrongHandleKind {
            handle: r,
            expected: HandleKind::ReadableStream,
            found: HandleKind::ReadableFuture
        })
    );
    blocked(a.future_read(r));
    assert_eq!(
        a.transfer_future(r, &b),
        Err(ComponentError::CopyInProgress { handle: r })
    );
    done(a.future_write(w, u(1)));
    a.copy_done_now(r).unwrap();
    assert_eq!(
        a.transfer_future(r, &b),
        Err(ComponentError::AlreadyDone { handle: r })
    );
    let (r2, _w2) = a.stream_new(ValueType::U32).unwrap();
    let set = a.waitable_set_new().unwrap();
    a.waitable_join(r2, Some(set)).unwrap();
    assert_eq!(
        a.transfer_stream(r2, &b),
        Err(ComponentError::InWaitableSet { handle: r2 })
    );
    assert_eq!(
        a.transfer_future(99, &b),
        Err(ComponentError::InvalidHandle { handle: 99 })
    );
    assert!(b.is_empty(), "nothing moved");
}

// ---------------------------------------------------------------- bridges

#[test]
fn bridges_check_the_declared_type() {
    let t = ComponentTable::new();
    let (r, _w) = t.future_new(ValueType::U32).unwrap();
    assert_eq!(
        ComponentFuture::<u32>::new(&t, r, ValueType::S32).err(),
        Some(ComponentError::TypeMismatch {
            expected: ValueType::U32,
            found: ValueType::S32
        })
    );
    assert_eq!(
        ComponentFuture::<i32>::new(&t, r, ValueType::S32).err(),
        Some(ComponentError::TypeMismatch {
            expected: ValueType::S32,
            found: ValueType::U32
        })
    );
    assert_eq!(
        t.take_future::<u64>(r).err(),
        Some(ComponentError::TypeMismatch {
            expected: ValueType::U64,
            found: ValueType::U32
        })
    );
    assert_eq!(
        t.take_stream::<u32>(r).err(),
        Some(ComponentError::WrongHandleKind {
            handle: r,
            expected: HandleKind::ReadableStream,
            found: HandleKind::ReadableFuture
        })
    );
    assert_eq!(
        t.handle_kind(r),
        Ok(HandleKind::ReadableFuture),
        "still in the table"
    );
    let (sr, _sw) = t.stream_new(ValueType::Char).unwrap();
    assert!(ComponentStream::<char>::new(&t, sr, ValueType::Char).is_ok());
    assert_eq!(
        t.handle_kind(sr),
        Err(ComponentError::InvalidHandle { handle: sr })
    );
}

#[test]
fn component_future_reads_a_value_written_on_another_thread() {
    let t = Arc::new(ComponentTable::new());
    let (r, w) = t.future_new(ValueType::String).unwrap();
    let future = ComponentFuture::<String>::new(&t, r, ValueType::String).unwrap();
    let writer = {
        let t = t.clone();
        std::thread::spawn(move || {
            nap();
            // Blocked unless the reader was already waiting.
            match t
                .future_write(w, ComponentValue::String("hi".into()))
                .unwrap()
            {
                CopyStatus::Done(done) => done,
                CopyStatus::Blocked => with_async(t.copy_done(w)).unwrap().unwrap(),
            }
        })
    };
    let value = with_async(ComponentFutureBridge::new(future)).unwrap();
    assert_eq!(value, Ok("hi".to_string()));
    assert_eq!(writer.join().unwrap().result, CopyResult::Completed);
}

#[test]
fn component_future_on_a_second_executor_thread() {
    static OTHER: FallbackExecutor = FallbackExecutor::new();
    let (writer, future) = host_future::<u64>(|| 0);
    let reader = std::thread::spawn(move || OTHER.block_on(future).unwrap());
    nap();
    let outcome = with_async(writer.write(77)).unwrap().unwrap();
    assert_eq!(outcome, FutureWriteOutcome::Delivered);
    assert_eq!(reader.join().unwrap(), Ok(77));
}

#[test]
fn host_future_writer_dropped_unwritten_delivers_the_default() {
    let t = ComponentTable::new();
    let (writer, future) = host_future::<bool>(|| true);
    let r = future.lower_into(&t).unwrap();
    blocked(t.future_read(r));
    drop(writer);
    assert_eq!(
        t.copy_done_now(r).unwrap().unwrap().values,
        [ComponentValue::Bool(true)]
    );
    t.future_drop_readable(r).unwrap();
}

#[test]
fn host_future_write_dropped_midway_still_delivers() {
    let (writer, future) = host_future::<u32>(|| 0);
    let mut write = Box::pin(writer.write(5));
    let mut cx = Context::from_waker(Waker::noop());
    assert!(write.as_mut().poll(&mut cx).is_pending(), "no reader yet");
    drop(write);
    assert_eq!(with_async(future).unwrap(), Ok(5));
}

#[test]
fn host_future_reader_dropped_returns_the_value() {
    let t = ComponentTable::new();
    let (writer, future) = host_future::<String>(String::new);
    let r = future.lower_into(&t).unwrap();
    t.future_drop_readable(r).unwrap();
    assert_eq!(
        with_async(writer.write("back".into())).unwrap(),
        Ok(FutureWriteOutcome::ReaderDropped("back".into()))
    );
}

#[test]
fn dropping_a_component_future_mid_read_drops_the_readable_end() {
    let t = ComponentTable::new();
    let (r, w) = t.future_new(ValueType::U32).unwrap();
    let mut future = Box::pin(t.take_future::<u32>(r).unwrap());
    let mut cx = Context::from_waker(Waker::noop());
    assert!(future.as_mut().poll(&mut cx).is_pending());
    assert!(future.as_mut().poll(&mut cx).is_pending());
    drop(future);
    assert_eq!(
        done(t.future_write(w, u(1))),
        copy(CopyResult::Dropped, 0, vec![u(1)])
    );
    t.future_drop_writable(w).unwrap();
    assert!(t.is_empty());
}

#[test]
fn lowering_a_started_future_is_an_error() {
    let t = ComponentTable::new();
    let (_writer, future) = host_future::<u32>(|| 0);
    let mut bridge = ComponentFutureBridge::new(future);
    let mut cx = Context::from_waker(Waker::noop());
    assert!(std::pin::Pin::new(&mut bridge).poll(&mut cx).is_pending());
    assert_eq!(
        bridge.into_inner().lower_into(&t),
        Err(ComponentError::CopyInProgress { handle: 0 })
    );
    assert!(t.is_empty());
}

#[test]
fn stream_bridge_reads_in_bounded_chunks_until_the_writer_drops() {
    let t = ComponentTable::new();
    let (r, w) = t.stream_new(ValueType::U32).unwrap();
    let stream = ComponentStream::<u32>::new(&t, r, ValueType::U32).unwrap();
    let mut bridge = ComponentStreamBridge::new(stream, 2);
    blocked(t.stream_write(w, us(1..=5)));
    let mut cx = Context::from_waker(Waker::noop());
    let mut next = || std::pin::Pin::new(&mut bridge).poll_next(&mut cx);
    assert_eq!(next(), Poll::Ready(Some(Ok(1))));
    // One read of 2 took 1 and 2; the writer still holds 3..=5.
    let write = t.copy_done_now(w).unwrap().unwrap();
    assert_eq!(write, copy(CopyResult::Completed, 2, us(3..=5)));
    assert_eq!(next(), Poll::Ready(Some(Ok(2))));
    assert_eq!(next(), Poll::Pending, "nothing written yet");
    // The bridge's read of 2 waits: a write of 3 fills it and gets 1 back.
    assert_eq!(
        done(t.stream_write(w, us(3..=5))),
        copy(CopyResult::Completed, 2, vec![u(5)])
    );
    assert_eq!(next(), Poll::Ready(Some(Ok(3))));
    assert_eq!(next(), Poll::Ready(Some(Ok(4))));
    blocked(t.stream_write(w, vec![u(5)]));
    assert_eq!(next(), Poll::Ready(Some(Ok(5))));
    assert_eq!(t.copy_done_now(w).unwrap().unwrap().progress, 1);
    t.stream_drop_writable(w).unwrap();
    assert_eq!(next(), Poll::Ready(None));
}

#[test]
fn stream_bridge_ends_when_the_writer_is_dropped() {
    let t = ComponentTable::new();
    let (r, w) = t.stream_new(ValueType::U32).unwrap();
    let mut bridge = t.take_stream::<u32>(r).unwrap();
    blocked(t.stream_write(w, us(1..=2)));
    let sum = with_async(async {
        let mut sum = 0;
        for _ in 0..2 {
            sum += bridge.next().await.unwrap().unwrap();
        }
        sum
    });
    assert_eq!(sum.unwrap(), 3);
    t.copy_done_now(w).unwrap().unwrap();
    t.stream_drop_writable(w).unwrap();
    assert_eq!(with_async(bridge.next()).unwrap(), None);
    assert_eq!(bridge.size_hint(), (0, Some(0)));
}

#[test]
fn dropping_a_table_drops_its_ends() {
    let t = ComponentTable::new();
    let (sr, sw) = t.stream_new(ValueType::U32).unwrap();
    let mut numbers = t.take_stream::<u32>(sr).unwrap();
    blocked(t.stream_write(sw, us(1..=2)));
    let (fr, _fw) = t.future_new(ValueType::U32).unwrap();
    let value = t.take_future::<u32>(fr).unwrap();
    // The instance goes away: its write is cancelled, its ends dropped.
    drop(t);
    assert_eq!(with_async(numbers.next()).unwrap(), None);
    assert_eq!(
        with_async(value).unwrap(),
        Err(ComponentError::NoValue {
            handle: 0,
            result: CopyResult::Dropped
        })
    );
}

#[test]
fn host_stream_writer_is_held_back_by_a_slow_reader() {
    let t = ComponentTable::new();
    let (writer, stream) = host_stream::<u32>();
    let mut writer = writer.with_chunk(3);
    let r = stream.lower_into(&t).unwrap();
    let values: Vec<u32> = (1..=10).collect();
    let mut write = Box::pin(writer.write_all(&values));
    let mut cx = Context::from_waker(Waker::noop());
    let mut received = Vec::new();
    let mut reads = 0;
    loop {
        if let Poll::Ready(outcome) = write.as_mut().poll(&mut cx) {
            assert_eq!(
                outcome,
                Ok(StreamWriteOutcome {
                    written: 10,
                    reader_dropped: false
                })
            );
            break;
        }
        // The writer never hands over more than its chunk, however big the
        // reader's buffer.
        let read = done(t.stream_read(r, 100));
        assert!(read.progress <= 3, "chunk bound exceeded: {read:?}");
        received.extend(read.values);
        reads += 1;
    }
    assert_eq!(received, us(1..=10));
    assert_eq!(reads, 4);
}

#[test]
fn host_stream_write_stops_when_the_reader_drops() {
    let t = ComponentTable::new();
    let (writer, stream) = host_stream::<u32>();
    let mut writer = writer.with_chunk(4);
    let r = stream.lower_into(&t).unwrap();
    let values: Vec<u32> = (1..=10).collect();
    let mut write = Box::pin(writer.write_all(&values));
    let mut cx = Context::from_waker(Waker::noop());
    assert!(write.as_mut().poll(&mut cx).is_pending());
    assert_eq!(done(t.stream_read(r, 2)).values, us(1..=2));
    t.stream_drop_readable(r).unwrap();
    assert_eq!(
        write.as_mut().poll(&mut cx),
        Poll::Ready(Ok(StreamWriteOutcome {
            written: 2,
            reader_dropped: true
        }))
    );
}

#[test]
fn dropping_a_stream_write_cancels_it() {
    let t = ComponentTable::new();
    let (mut writer, stream) = host_stream::<u32>();
    let r = stream.lower_into(&t).unwrap();
    {
        let mut write = Box::pin(writer.write_all(&[1, 2, 3]));
        let mut cx = Context::from_waker(Waker::noop());
        assert!(write.as_mut().poll(&mut cx).is_pending());
        assert_eq!(done(t.stream_read(r, 1)).values, [u(1)]);
    }
    // The rest was taken back: the reader waits for a new write.
    blocked(t.stream_read(r, 5));
    with_async(async {
        let mut send = std::pin::pin!(writer.send(9));
        std::future::poll_fn(|cx| send.as_mut().poll(cx)).await
    })
    .unwrap()
    .unwrap();
    assert_eq!(t.copy_done_now(r).unwrap().unwrap().values, [u(9)]);
    writer.close();
    assert_eq!(done(t.stream_read(r, 1)).result, CopyResult::Dropped);
}

#[test]
fn stream_across_threads_loses_no_wake_up() {
    let count: u32 = if cfg!(miri) { 40 } else { 5_000 };
    let (writer, stream) = host_stream::<u32>();
    let mut writer = writer.with_chunk(7);
    let producer = std::thread::spawn(move || {
        let values: Vec<u32> = (1..=count).collect();
        with_async(writer.write_all(&values)).unwrap().unwrap()
    });
    let mut bridge = ComponentStreamBridge::new(stream, 5);
    let sum = with_async(async {
        let mut sum = 0u64;
        let mut seen = 0;
        while let Some(v) = bridge.next().await {
            seen += 1;
            assert_eq!(v.unwrap(), seen);
            sum += u64::from(seen);
            if seen == count {
                break;
            }
        }
        sum
    })
    .unwrap();
    assert_eq!(sum, u64::from(count) * u64::from(count + 1) / 2);
    assert_eq!(producer.join().unwrap().written, count as usize);
}

#[test]
fn two_components_exchange_through_a_waitable_set_on_two_threads() {
    let rounds: u32 = if cfg!(miri) { 5 } else { 200 };
    let (a, b) = (
        Arc::new(ComponentTable::new()),
        Arc::new(ComponentTable::new()),
    );
    let (r, w) = a.stream_new(ValueType::U32).unwrap();
    let r = a.transfer_stream(r, &b).unwrap();
    let producer = {
        let a = a.clone();
        std::thread::spawn(move || {
            with_async(async {
                let set = a.waitable_set_new().unwrap();
                a.waitable_join(w, Some(set)).unwrap();
                for i in 1..=rounds {
                    if let Ok(CopyStatus::Blocked) = a.stream_write(w, vec![u(i)]) {
                        let event = a.waitable_set_wait(set).await.unwrap();
                        assert_eq!(event.code, EventCode::StreamWrite);
                        assert_eq!(event.done.progress, 1);
                    }
                }
                a.waitable_join(w, None).unwrap();
                a.stream_drop_writable(w).unwrap();
            })
            .unwrap();
        })
    };
    let got = with_async(async {
        let set = b.waitable_set_new().unwrap();
        b.waitable_join(r, Some(set)).unwrap();
        let mut got = Vec::new();
        loop {
            let read = match b.stream_read(r, 3).unwrap() {
                CopyStatus::Done(done) => done,
                CopyStatus::Blocked => b.waitable_set_wait(set).await.unwrap().done,
            };
            got.extend(read.values);
            if read.result == CopyResult::Dropped {
                break got;
            }
        }
    })
    .unwrap();
    producer.join().unwrap();
    assert_eq!(got, us(1..=rounds));
}

// -------------------------------------------------------- property test

proptest! {
    #![proptest_config(ops::config())]

    #[test]
    fn table_matches_the_spec_model(
        ops in proptest::collection::vec(op(), 1..if cfg!(miri) { 24 } else { 48 })
    ) {
        check_against_model(&ComponentTable::new(), ops)?;
    }
}

// ------------------------------------------------------------ misc

#[test]
fn display_and_value_helpers() {
    assert_eq!(
        ComponentError::FutureNotWritten { handle: 3 }.to_string(),
        "future writable end 3 dropped before writing its value"
    );
    assert_eq!(ValueType::String.to_string(), "string");
    assert_eq!(
        HandleKind::ReadableStream.to_string(),
        "readable stream end"
    );
    let err: &dyn std::error::Error = &ComponentError::TableFull;
    assert_eq!(err.to_string(), "the handle table is full");
    assert_eq!(
        format!("{:?}", ComponentTable::new()),
        "ComponentTable { len: 0, .. }"
    );
}
