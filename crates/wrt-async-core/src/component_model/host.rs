//! An end owned by host code instead of a table: what the Rust bridges hold.
//!
//! The spec lets the host sit on either side of a future or stream. A host
//! end follows the same state machine as a table end; only the guards that
//! protect a component from itself become unnecessary, because the bridges
//! never misuse their end. Dropping a host end never traps: a copy in
//! progress is cancelled first.

use alloc::collections::VecDeque;
use alloc::sync::Arc;
use core::task::{Context, Poll};

use super::copy::CopyStatusOf;
use super::error::ComponentError;
use super::pair::{Buffer, Done, Kind, Pair, Side};
use super::reader::ReadEnd;
use super::value::{ComponentValue, ValueType};

/// The index errors of host ends report (never a valid table index).
const HOST: u32 = 0;

/// One end of a future or stream, owned by host code.
pub(crate) struct HostEnd {
    pair: Arc<Pair>,
    side: Side,
    /// Still owned here (not handed to a table or detached).
    live: bool,
}

impl HostEnd {
    pub(crate) fn new(pair: Arc<Pair>, side: Side) -> Self {
        Self {
            pair,
            side,
            live: true,
        }
    }

    /// A new pair owned by the host: `(readable, writable)`.
    pub(crate) fn new_pair(kind: Kind, ty: ValueType) -> (Self, Self) {
        let pair = Pair::new(kind, ty);
        (
            Self::new(pair.clone(), Side::Readable),
            Self::new(pair, Side::Writable),
        )
    }

    pub(crate) fn side(&self) -> Side {
        self.side
    }

    pub(crate) fn kind(&self) -> Kind {
        self.pair.kind
    }

    pub(crate) fn value_type(&self) -> ValueType {
        self.pair.ty
    }

    /// Ok if the end may start a copy or move to a table.
    pub(crate) fn check_idle(&self) -> Result<(), ComponentError> {
        let side = self.side;
        let (idle, wakeup) = self.pair.with(|state| state.check_idle(side, HOST));
        wakeup.run();
        idle
    }

    /// Starts a read or write with the buffer `make` builds for the element
    /// type; returns the completion if it finished at once.
    pub(crate) fn start(
        &self,
        make: impl FnOnce(ValueType) -> Result<Buffer, ComponentError>,
    ) -> Result<Option<Done>, ComponentError> {
        let (side, ty) = (self.side, self.pair.ty);
        let (status, wakeup) = self.pair.with(|state| state.copy(side, HOST, || make(ty)));
        wakeup.run();
        status.map(|status| match status {
            CopyStatusOf::Done(done) => Some(done),
            CopyStatusOf::Blocked => None,
        })
    }

    /// Polls for the completion of the copy in progress.
    pub(crate) fn poll_done(&self, cx: &mut Context<'_>) -> Poll<Result<Done, ComponentError>> {
        let side = self.side;
        // Register first, check second: no completion slips in between.
        self.pair.register(side, cx.waker());
        let (done, wakeup) = self.pair.with(|state| state.copy_done_now(side, HOST));
        wakeup.run();
        match done {
            Ok(Some(done)) => Poll::Ready(Ok(done)),
            Ok(None) => Poll::Pending,
            Err(e) => Poll::Ready(Err(e)),
        }
    }

    /// Cancels the copy in progress.
    pub(crate) fn cancel(&self) -> Result<CopyStatusOf<VecDeque<ComponentValue>>, ComponentError> {
        let side = self.side;
        let (status, wakeup) = self.pair.with(|state| state.cancel_checked(side, HOST));
        wakeup.run();
        status
    }

    /// Gives the end up to a table: the caller stores the parts.
    pub(crate) fn into_parts(mut self) -> (Arc<Pair>, Side) {
        self.live = false;
        (self.pair.clone(), self.side)
    }

    /// Lets go of the end, but lets a write in progress finish: the end is
    /// dropped once it completes.
    pub(crate) fn detach(mut self) {
        self.live = false;
        let side = self.side;
        let ((), wakeup) = self.pair.with(|state| state.detach(side));
        wakeup.run();
    }

    /// Lets go of an idle end after starting a last write of `value`, which
    /// completes (and drops the end) whenever the reader arrives.
    pub(crate) fn detach_with_write(mut self, value: ComponentValue) {
        self.live = false;
        let (side, ty) = (self.side, self.pair.ty);
        let ((), wakeup) = self.pair.with(|state| {
            if state.check_idle(side, HOST).is_ok() {
                if let Ok(buffer) = Buffer::write([value], ty) {
                    state.start(side, buffer);
                }
            }
            state.detach(side);
        });
        wakeup.run();
    }
}

impl ReadEnd for HostEnd {
    type Values = VecDeque<ComponentValue>;

    fn start_read(&self, n: usize) -> Result<Option<Done>, ComponentError> {
        self.start(|_| Buffer::read(n))
    }

    fn poll_done(&self, cx: &mut Context<'_>) -> Poll<Result<Done, ComponentError>> {
        HostEnd::poll_done(self, cx)
    }
}

impl Drop for HostEnd {
    fn drop(&mut self) {
        if !self.live {
            return;
        }
        let side = self.side;
        let ((), wakeup) = self.pair.with(|state| state.release(side));
        wakeup.run();
    }
}
