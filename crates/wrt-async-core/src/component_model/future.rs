//! The rendezvous of a future's two ends (the spec's `SharedFutureImpl.read`
//! and `.write`): exactly one value passes from the writable end to the
//! readable end, unless the readable end is dropped first.

use super::copy::CopyResult;
use super::state::{PairState, Side, Values};

/// The readable end started a read (its one-slot buffer is in place).
///
/// Whoever arrives second copies the value and both ends complete. A
/// future's reader never sees `DROPPED`: the writable end cannot be dropped
/// before it has written (the table refuses it).
pub(crate) fn read<V: Values, M>(state: &mut PairState<V, M>) {
    if state.dropped {
        // Unreachable through a table that enforces the spec's guards; a
        // drop of the writable end is only allowed once it is `DONE`, at
        // which point this end is `DONE` too. Reported, not assumed.
        state.set_event(Side::Readable, CopyResult::Dropped, false);
    } else if state.pending.is_none() {
        state.pending = Some(Side::Readable);
    } else {
        rendezvous(state, Side::Readable);
    }
}

/// The writable end started a write of its one value.
pub(crate) fn write<V: Values, M>(state: &mut PairState<V, M>) {
    if state.dropped {
        state.set_event(Side::Writable, CopyResult::Dropped, false);
    } else if state.pending.is_none() {
        state.pending = Some(Side::Writable);
    } else {
        rendezvous(state, Side::Writable);
    }
}

/// `arriving` meets the pending other end: the value moves, both complete.
fn rendezvous<V: Values, M>(state: &mut PairState<V, M>, arriving: Side) {
    state.move_values(1);
    state.notify_pending(CopyResult::Completed);
    state.set_event(arriving, CopyResult::Completed, false);
}
