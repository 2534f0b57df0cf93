//! The rendezvous of a stream's two ends (the spec's `SharedStreamImpl.read`
//! and `.write`): elements are copied directly from the writer's buffer to
//! the reader's, as many as both have room for, with no buffer in between.
//!
//! That is where backpressure comes from: a write stays in progress until a
//! reader consumed it, and an end may not start another copy before its
//! previous one finished, so a fast writer holds at most one buffer and waits
//! for the reader instead of growing memory.

use super::copy::CopyResult;
use super::state::{PairState, Side, Values};

/// The readable end started a read (its buffer is in place).
pub(crate) fn read<V: Values, M>(state: &mut PairState<V, M>) {
    if state.dropped {
        state.set_event(Side::Readable, CopyResult::Dropped, false);
        return;
    }
    if state.pending.is_none() {
        state.pending = Some(Side::Readable);
        return;
    }
    let writer_remain = state.end(Side::Writable).buffer.remain();
    if writer_remain > 0 {
        let reader_remain = state.end(Side::Readable).buffer.remain();
        if reader_remain > 0 {
            state.move_values(reader_remain.min(writer_remain));
            // The writer's buffer stays pending (more reads may drain it)
            // until its event is delivered.
            state.set_event(Side::Writable, CopyResult::Completed, true);
        }
        // A zero-length read completes at once: the writer is ready.
        state.set_event(Side::Readable, CopyResult::Completed, false);
    } else {
        // The pending write is zero-length or already drained: it
        // completes, and this read waits for the next write.
        state.notify_pending(CopyResult::Completed);
        state.pending = Some(Side::Readable);
    }
}

/// The writable end started a write (its buffer is in place).
pub(crate) fn write<V: Values, M>(state: &mut PairState<V, M>) {
    if state.dropped {
        state.set_event(Side::Writable, CopyResult::Dropped, false);
        return;
    }
    if state.pending.is_none() {
        state.pending = Some(Side::Writable);
        return;
    }
    let reader_remain = state.end(Side::Readable).buffer.remain();
    let writer = &state.end(Side::Writable).buffer;
    if reader_remain > 0 {
        let writer_remain = writer.remain();
        if writer_remain > 0 {
            state.move_values(reader_remain.min(writer_remain));
            state.set_event(Side::Readable, CopyResult::Completed, true);
        }
        // A zero-length write completes at once: the reader is ready.
        state.set_event(Side::Writable, CopyResult::Completed, false);
    } else if writer.is_zero_length() && state.end(Side::Readable).buffer.is_zero_length() {
        // Two readiness probes meet: the write completes, the read keeps
        // waiting for a real write.
        state.set_event(Side::Writable, CopyResult::Completed, false);
    } else {
        state.notify_pending(CopyResult::Completed);
        state.pending = Some(Side::Writable);
    }
}
