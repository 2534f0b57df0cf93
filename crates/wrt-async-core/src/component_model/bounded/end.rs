//! An end lifted out of a bounded table into Rust code: what the no-heap
//! tier's bridges hold. It keeps its future or stream (its pair slot) alive
//! until dropped; dropping it never traps (a copy in progress is cancelled).

use core::task::{Context, Poll};

use super::super::error::ComponentError;
use super::super::handle::HandleKind;
use super::super::reader::ReadEnd;
use super::super::state::Side;
use super::super::value::ValueType;
use super::chunk::Chunk;
use super::ops::read_buffer;
use super::table::BoundedComponentTable;
use super::{BoundedCopyDone, BoundedCopyStatus};

/// The index errors of host ends report (never a valid table index).
const HOST: u32 = 0;

/// One end of a future or stream of a bounded table, owned by host code.
pub(super) struct BoundedEnd<'t, const HANDLES: usize, const PAIRS: usize, const BUF: usize> {
    pub(super) table: &'t BoundedComponentTable<HANDLES, PAIRS, BUF>,
    pair: usize,
    side: Side,
    pub(super) ty: ValueType,
}

impl<'t, const HANDLES: usize, const PAIRS: usize, const BUF: usize>
    BoundedEnd<'t, HANDLES, PAIRS, BUF>
{
    /// Takes the end at `handle` out of `table` (the spec's lifting): it
    /// must be of kind `expected` and element type `ty`, idle and not in a
    /// waitable set. On error it stays in the table.
    pub(super) fn lift(
        table: &'t BoundedComponentTable<HANDLES, PAIRS, BUF>,
        handle: u32,
        expected: HandleKind,
        ty: ValueType,
    ) -> Result<Self, ComponentError> {
        let mut inner = table.lock();
        let (pair, side) = inner.end(handle, expected)?;
        let found = inner.pair(pair).ty;
        if found != ty {
            return Err(ComponentError::TypeMismatch {
                expected: ty,
                found,
            });
        }
        let state = inner.state(pair);
        state.check_idle(side, handle)?;
        if state.end(side).set.is_some() {
            return Err(ComponentError::InWaitableSet { handle });
        }
        inner.remove(handle);
        Ok(Self {
            table,
            pair,
            side,
            ty,
        })
    }

    /// Runs `f` on the end's state, then settles and wakes.
    fn with<R>(&self, f: impl FnOnce(&mut super::table::State<BUF>, Side) -> R) -> R {
        let (pair, side) = (self.pair, self.side);
        let inner = self.table.lock();
        self.table
            .with_pair(inner, pair, |inner| f(inner.state(pair), side))
    }
}

impl<const HANDLES: usize, const PAIRS: usize, const BUF: usize> ReadEnd
    for BoundedEnd<'_, HANDLES, PAIRS, BUF>
{
    type Values = Chunk<BUF>;

    fn start_read(&self, n: usize) -> Result<Option<BoundedCopyDone<BUF>>, ComponentError> {
        let status = self.with(|state, side| state.copy(side, HOST, || read_buffer(n)))?;
        Ok(match status {
            BoundedCopyStatus::Done(done) => Some(done),
            BoundedCopyStatus::Blocked => None,
        })
    }

    fn poll_done(
        &self,
        cx: &mut Context<'_>,
    ) -> Poll<Result<BoundedCopyDone<BUF>, ComponentError>> {
        // Register first, check second: no completion slips in between.
        // The pair slot stays this end's until it is dropped.
        self.table
            .end_waker(self.pair, self.side)
            .register(cx.waker());
        match self.with(|state, side| state.copy_done_now(side, HOST)) {
            Ok(Some(done)) => Poll::Ready(Ok(done)),
            Ok(None) => Poll::Pending,
            Err(e) => Poll::Ready(Err(e)),
        }
    }
}

impl<const HANDLES: usize, const PAIRS: usize, const BUF: usize> Drop
    for BoundedEnd<'_, HANDLES, PAIRS, BUF>
{
    fn drop(&mut self) {
        self.with(|state, side| state.release(side));
    }
}
