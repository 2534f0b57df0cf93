//! The alloc tier's shared state of one future or stream: the
//! [`PairState`](super::state::PairState) behind an `Arc` and a spin lock,
//! with the values in `VecDeque`s, and event delivery.
//!
//! A [`Pair`] is reference counted: its ends may sit in different tables (a
//! readable end transferred to another component) or be owned by host code.
//! All its mutable state is behind one spin lock, taken after the table lock
//! (if any) and never held across a waker call: operations collect a
//! [`Wakeup`] that the caller runs once every lock is released.

use alloc::collections::VecDeque;
use alloc::sync::Arc;

use super::copy::CopyDoneOf;
use super::error::ComponentError;
use super::raw_mutex::{SpinMutex, SpinMutexGuard};
use super::state::{self, Values, check_types};
pub(crate) use super::state::{Kind, Side};
use super::value::{ComponentValue, ValueType};
use super::waitable::SetSignal;
use crate::sync::AtomicWaker;

impl Values for VecDeque<ComponentValue> {
    const EMPTY: Self = VecDeque::new();

    fn push_back(&mut self, value: ComponentValue) {
        VecDeque::push_back(self, value);
    }

    fn pop_front(&mut self) -> Option<ComponentValue> {
        VecDeque::pop_front(self)
    }

    fn len(&self) -> usize {
        VecDeque::len(self)
    }
}

/// A buffer of the alloc tier.
pub(crate) type Buffer = state::Buffer<VecDeque<ComponentValue>>;

/// A pair's state in the alloc tier: values in `VecDeque`s, set membership
/// as the set's signal.
pub(crate) type PairState = state::PairState<VecDeque<ComponentValue>, Arc<SetSignal>>;

/// A completion as the state machine hands it back.
pub(crate) type Done = CopyDoneOf<VecDeque<ComponentValue>>;

impl Buffer {
    /// A write buffer holding `values`, each of which must be of type `ty`.
    pub(crate) fn write(
        values: impl Into<VecDeque<ComponentValue>>,
        ty: ValueType,
    ) -> Result<Self, ComponentError> {
        let values = values.into();
        check_types(&values, ty)?;
        Self::filled(values)
    }
}

/// Collects the wake-ups owed to ends whose event was set.
fn collect(state: &mut PairState, pair: &Arc<Pair>) -> Wakeup {
    let mut wakeup = Wakeup::none();
    for (side, notified) in Side::BOTH.into_iter().zip(state.take_notified()) {
        if notified {
            wakeup.sides[side as usize] = true;
            wakeup.sets[side as usize].clone_from(&state.end(side).set);
            wakeup.pair = Some(pair.clone());
        }
    }
    wakeup
}

/// The shared part of one future or stream.
pub(crate) struct Pair {
    pub(crate) kind: Kind,
    pub(crate) ty: ValueType,
    /// The task waiting on each end directly (not through a set).
    wakers: [AtomicWaker; 2],
    state: SpinMutex<PairState>,
}

impl Pair {
    pub(crate) fn new(kind: Kind, ty: ValueType) -> Arc<Self> {
        Arc::new(Self {
            kind,
            ty,
            wakers: [AtomicWaker::new(), AtomicWaker::new()],
            state: SpinMutex::new(PairState::new(kind)),
        })
    }

    /// Runs `f` on the locked state, then settles detached ends and
    /// collects the wake-ups `f` caused; the caller runs them after
    /// releasing its own locks.
    pub(crate) fn with<R>(self: &Arc<Self>, f: impl FnOnce(&mut PairState) -> R) -> (R, Wakeup) {
        let mut state = self.lock();
        let out = f(&mut state);
        state.settle_detached();
        let wakeup = collect(&mut state, self);
        (out, wakeup)
    }

    /// Registers `waker` to be woken when `side` gets an event.
    pub(crate) fn register(&self, side: Side, waker: &core::task::Waker) {
        self.wakers[side as usize].register(waker);
    }

    /// Wakes the task waiting on `side` directly.
    pub(crate) fn wake(&self, side: Side) {
        self.wakers[side as usize].wake();
    }

    fn lock(&self) -> SpinMutexGuard<'_, PairState> {
        self.state.lock()
    }
}

/// Wake-ups owed after an operation, run once every lock is released.
#[must_use = "run the wake-ups after releasing the locks"]
pub(crate) struct Wakeup {
    pair: Option<Arc<Pair>>,
    sides: [bool; 2],
    sets: [Option<Arc<SetSignal>>; 2],
}

impl Wakeup {
    /// No wake-ups.
    pub(crate) const fn none() -> Self {
        Self {
            pair: None,
            sides: [false; 2],
            sets: [None, None],
        }
    }

    /// Wakes the direct waiters and the waitable sets of the ends that got
    /// an event.
    pub(crate) fn run(self) {
        let Some(pair) = self.pair else { return };
        for (i, woken) in self.sides.iter().enumerate() {
            if *woken {
                pair.wakers[i].wake();
            }
        }
        for set in self.sets.iter().flatten() {
            set.notify();
        }
    }
}
