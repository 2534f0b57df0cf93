//! The random operation sequences of the property test: generators, their
//! resolution against the model's live handles, and running one operation on
//! the table and on the model.

use proptest::prelude::*;
#[cfg(feature = "alloc")]
use wrt_async_core::component_model::ComponentTable;
use wrt_async_core::component_model::{
    ComponentError, ComponentValue, CopyState, HandleKind, MAX_BUFFER_LEN, ValueType,
};

use super::model::{CopyDone, CopyStatus, Event, Model};

/// A handle in a random operation: mostly one of the live handles of the
/// kind the operation needs (so sequences reach deep states), sometimes any
/// index at all (so invalid and wrong-kind handles are exercised too).
#[derive(Clone, Copy, Debug)]
pub enum H {
    Raw(u32),
    Pick(usize),
}

/// What a picked handle must be.
#[derive(Clone, Copy)]
enum Want {
    Kind(HandleKind),
    AnyEnd,
    Set,
}

/// A value: of the end's element type unless `wrong`.
#[derive(Clone, Copy, Debug)]
pub struct V {
    seed: u32,
    wrong: bool,
}

/// One operation of the random sequences.
#[derive(Clone, Debug)]
pub enum Op {
    FutureNew(ValueType),
    StreamNew(ValueType),
    FutureRead(H),
    FutureWrite(H, V),
    StreamRead(H, usize),
    StreamWrite(H, Vec<V>),
    /// `None`: the built-in matching the handle's own kind.
    Cancel(H, Option<HandleKind>),
    Drop(H, Option<HandleKind>),
    Relocate(H, Option<HandleKind>),
    CopyDoneNow(H),
    SetNew,
    Join(H, Option<H>),
    Poll(H),
    SetDrop(H),
}

/// An operation with its handles resolved against the model's table.
#[derive(Clone, Debug)]
pub enum Resolved {
    FutureNew(ValueType),
    StreamNew(ValueType),
    FutureRead(u32),
    FutureWrite(u32, ComponentValue),
    StreamRead(u32, usize),
    StreamWrite(u32, Vec<ComponentValue>),
    Cancel(u32, HandleKind),
    Drop(u32, HandleKind),
    Relocate(u32, HandleKind),
    CopyDoneNow(u32),
    SetNew,
    Join(u32, Option<u32>),
    Poll(u32),
    SetDrop(u32),
}

/// What an operation returned, comparable between the table and the model.
#[derive(Debug, PartialEq)]
pub enum Out {
    Pair((u32, u32)),
    Handle(u32),
    Status(CopyStatus),
    Done(Option<CopyDone>),
    Unit,
}

const END_KINDS: [HandleKind; 4] = [
    HandleKind::ReadableFuture,
    HandleKind::WritableFuture,
    HandleKind::ReadableStream,
    HandleKind::WritableStream,
];

fn h() -> impl Strategy<Value = H> {
    prop_oneof![1 => (0u32..=12).prop_map(H::Raw), 7 => any::<usize>().prop_map(H::Pick)]
}

fn v() -> impl Strategy<Value = V> {
    (0u32..100, proptest::bool::weighted(0.05)).prop_map(|(seed, wrong)| V { seed, wrong })
}

fn kind_override(kinds: &'static [HandleKind]) -> impl Strategy<Value = Option<HandleKind>> {
    prop_oneof![6 => Just(None), 1 => proptest::sample::select(kinds).prop_map(Some)]
}

/// Operations on futures and streams of the alloc tier's element types:
/// `u32`, `string` and unit.
#[cfg(feature = "alloc")]
pub fn op() -> impl Strategy<Value = Op> {
    op_with(&[ValueType::U32, ValueType::String, ValueType::Unit])
}

/// Operations on futures and streams of element types from `types`.
pub fn op_with(types: &'static [ValueType]) -> impl Strategy<Value = Op> {
    const READABLE: [HandleKind; 2] = [HandleKind::ReadableFuture, HandleKind::ReadableStream];
    let value_type = || proptest::sample::select(types);
    prop_oneof![
        1 => value_type().prop_map(Op::FutureNew),
        1 => value_type().prop_map(Op::StreamNew),
        3 => h().prop_map(Op::FutureRead),
        3 => (h(), v()).prop_map(|(h, v)| Op::FutureWrite(h, v)),
        4 => (h(), prop_oneof![16 => 0usize..=4, 1 => Just(MAX_BUFFER_LEN + 1)])
            .prop_map(|(h, n)| Op::StreamRead(h, n)),
        4 => (h(), proptest::collection::vec(v(), 0..=4)).prop_map(|(h, vs)| Op::StreamWrite(h, vs)),
        2 => (h(), kind_override(&END_KINDS)).prop_map(|(h, k)| Op::Cancel(h, k)),
        1 => (h(), kind_override(&END_KINDS)).prop_map(|(h, k)| Op::Drop(h, k)),
        1 => (h(), kind_override(&READABLE)).prop_map(|(h, k)| Op::Relocate(h, k)),
        2 => h().prop_map(Op::CopyDoneNow),
        1 => Just(Op::SetNew),
        3 => (h(), proptest::option::weighted(0.8, h())).prop_map(|(w, s)| Op::Join(w, s)),
        4 => h().prop_map(Op::Poll),
        1 => h().prop_map(Op::SetDrop),
    ]
}

/// The handle `h` stands for, given the live handles of `m`.
fn pick(m: &Model, h: H, want: Want) -> u32 {
    match h {
        H::Raw(raw) => raw,
        H::Pick(i) => {
            let live: Vec<u32> = m
                .live()
                .into_iter()
                .filter(|&(_, kind)| match want {
                    Want::Kind(k) => kind == k,
                    Want::AnyEnd => kind != HandleKind::WaitableSet,
                    Want::Set => kind == HandleKind::WaitableSet,
                })
                .map(|(h, _)| h)
                .collect();
            if live.is_empty() {
                0
            } else {
                live[i % live.len()]
            }
        }
    }
}

/// A value for the end `h`.
fn value_for(m: &Model, h: u32, v: V) -> ComponentValue {
    if v.wrong {
        return ComponentValue::Bool(v.seed % 2 == 0);
    }
    match m.value_type(h).unwrap_or(ValueType::U32) {
        #[cfg(feature = "alloc")]
        ValueType::String => ComponentValue::String("s".repeat((v.seed % 3) as usize)),
        ValueType::Unit => ComponentValue::Unit,
        _ => ComponentValue::U32(v.seed),
    }
}

pub fn resolve(m: &Model, op: Op) -> Resolved {
    use HandleKind::*;
    let own_kind = |h: u32, k: Option<HandleKind>| {
        k.unwrap_or(match m.kind(h) {
            Ok(WaitableSet) | Err(_) => ReadableFuture,
            Ok(kind) => kind,
        })
    };
    match op {
        Op::FutureNew(ty) => Resolved::FutureNew(ty),
        Op::StreamNew(ty) => Resolved::StreamNew(ty),
        Op::FutureRead(h) => Resolved::FutureRead(pick(m, h, Want::Kind(ReadableFuture))),
        Op::FutureWrite(h, v) => {
            let h = pick(m, h, Want::Kind(WritableFuture));
            Resolved::FutureWrite(h, value_for(m, h, v))
        }
        Op::StreamRead(h, n) => Resolved::StreamRead(pick(m, h, Want::Kind(ReadableStream)), n),
        Op::StreamWrite(h, vs) => {
            let h = pick(m, h, Want::Kind(WritableStream));
            Resolved::StreamWrite(h, vs.into_iter().map(|v| value_for(m, h, v)).collect())
        }
        Op::Cancel(h, k) => {
            let h = pick(m, h, Want::AnyEnd);
            Resolved::Cancel(h, own_kind(h, k))
        }
        Op::Drop(h, k) => {
            let h = pick(m, h, Want::AnyEnd);
            Resolved::Drop(h, own_kind(h, k))
        }
        Op::Relocate(h, k) => {
            let h = pick(m, h, Want::AnyEnd);
            let k = match own_kind(h, k) {
                ReadableStream | WritableStream => ReadableStream,
                _ => ReadableFuture,
            };
            Resolved::Relocate(h, k)
        }
        Op::CopyDoneNow(h) => Resolved::CopyDoneNow(pick(m, h, Want::AnyEnd)),
        Op::SetNew => Resolved::SetNew,
        Op::Join(w, s) => {
            Resolved::Join(pick(m, w, Want::AnyEnd), s.map(|s| pick(m, s, Want::Set)))
        }
        Op::Poll(s) => Resolved::Poll(pick(m, s, Want::Set)),
        Op::SetDrop(s) => Resolved::SetDrop(pick(m, s, Want::Set)),
    }
}

/// The property tests' settings: thousands of random sequences natively, a
/// handful under Miri, which runs them about a thousand times slower.
pub fn config() -> ProptestConfig {
    ProptestConfig {
        cases: if cfg!(miri) { 6 } else { 4096 },
        max_shrink_iters: if cfg!(miri) { 0 } else { 4096 },
        // Miri's isolation forbids the file system; the seed is printed on
        // failure anyway.
        failure_persistence: None,
        ..ProptestConfig::default()
    }
}

/// A table the property test drives next to the model.
pub trait Subject {
    /// Runs every operation but `Poll`.
    fn run(&self, op: Resolved) -> Result<Out, ComponentError>;
    fn poll(&self, set: u32) -> Result<Option<Event>, ComponentError>;
    fn kind(&self, h: u32) -> Result<HandleKind, ComponentError>;
    fn copy_state(&self, h: u32) -> Result<CopyState, ComponentError>;
    fn joined_set(&self, h: u32) -> Result<Option<u32>, ComponentError>;
}

#[cfg(feature = "alloc")]
impl Subject for ComponentTable {
    fn run(&self, op: Resolved) -> Result<Out, ComponentError> {
        run_table(self, op)
    }

    fn poll(&self, set: u32) -> Result<Option<Event>, ComponentError> {
        self.waitable_set_poll(set)
    }

    fn kind(&self, h: u32) -> Result<HandleKind, ComponentError> {
        self.handle_kind(h)
    }

    fn copy_state(&self, h: u32) -> Result<CopyState, ComponentError> {
        ComponentTable::copy_state(self, h)
    }

    fn joined_set(&self, h: u32) -> Result<Option<u32>, ComponentError> {
        ComponentTable::joined_set(self, h)
    }
}

/// Runs `ops` on `table` and on a fresh model, comparing every result,
/// every event and, after each step, every handle's kind, copy state and
/// set.
pub fn check_against_model(table: &impl Subject, ops: Vec<Op>) -> Result<(), TestCaseError> {
    let mut model = Model::new();
    for (step, op) in ops.into_iter().enumerate() {
        let op = resolve(&model, op);
        if let Resolved::Poll(set) = op {
            match (table.poll(set), model.poll_candidates(set)) {
                (Ok(None), Ok(candidates)) => prop_assert!(
                    candidates.is_empty(),
                    "step {step}: poll found nothing, model has events on {candidates:?}"
                ),
                (Ok(Some(event)), Ok(candidates)) => {
                    prop_assert!(
                        candidates.contains(&event.handle),
                        "step {step}: event {event:?} not among {candidates:?}"
                    );
                    let want = model.poll_deliver(event.handle);
                    prop_assert_eq!(event, want, "step {}", step);
                }
                (got, want) => prop_assert_eq!(got.err(), want.err(), "step {}", step),
            }
        } else {
            let got = table.run(op.clone());
            let want = run_model(&mut model, op.clone());
            prop_assert_eq!(got, want, "step {}: {:?}", step, op);
        }
        // Under Miri only the handles a short sequence can reach.
        for h in 0..=if cfg!(miri) { 8 } else { 14 } {
            prop_assert_eq!(table.kind(h), model.kind(h), "kind of {}", h);
            prop_assert_eq!(table.copy_state(h), model.copy_state(h), "state of {}", h);
            prop_assert_eq!(table.joined_set(h), model.joined_set(h), "set of {}", h);
        }
    }
    Ok(())
}

#[cfg(feature = "alloc")]
pub fn run_table(t: &ComponentTable, op: Resolved) -> Result<Out, ComponentError> {
    use HandleKind::*;
    Ok(match op {
        Resolved::FutureNew(ty) => Out::Pair(t.future_new(ty)?),
        Resolved::StreamNew(ty) => Out::Pair(t.stream_new(ty)?),
        Resolved::FutureRead(h) => Out::Status(t.future_read(h)?),
        Resolved::FutureWrite(h, v) => Out::Status(t.future_write(h, v)?),
        Resolved::StreamRead(h, n) => Out::Status(t.stream_read(h, n)?),
        Resolved::StreamWrite(h, vs) => Out::Status(t.stream_write(h, vs)?),
        Resolved::Cancel(h, k) => Out::Status(match k {
            ReadableFuture => t.future_cancel_read(h)?,
            WritableFuture => t.future_cancel_write(h)?,
            ReadableStream => t.stream_cancel_read(h)?,
            _ => t.stream_cancel_write(h)?,
        }),
        Resolved::Drop(h, k) => {
            match k {
                ReadableFuture => t.future_drop_readable(h)?,
                WritableFuture => t.future_drop_writable(h)?,
                ReadableStream => t.stream_drop_readable(h)?,
                _ => t.stream_drop_writable(h)?,
            }
            Out::Unit
        }
        Resolved::Relocate(h, k) => Out::Handle(match k {
            ReadableFuture => t.transfer_future(h, t)?,
            _ => t.transfer_stream(h, t)?,
        }),
        Resolved::CopyDoneNow(h) => Out::Done(t.copy_done_now(h)?),
        Resolved::SetNew => Out::Handle(t.waitable_set_new()?),
        Resolved::Join(w, s) => {
            t.waitable_join(w, s)?;
            Out::Unit
        }
        Resolved::SetDrop(s) => {
            t.waitable_set_drop(s)?;
            Out::Unit
        }
        Resolved::Poll(_) => unreachable!("compared separately"),
    })
}

pub fn run_model(m: &mut Model, op: Resolved) -> Result<Out, ComponentError> {
    Ok(match op {
        Resolved::FutureNew(ty) => Out::Pair(m.future_new(ty)?),
        Resolved::StreamNew(ty) => Out::Pair(m.stream_new(ty)?),
        Resolved::FutureRead(h) => Out::Status(m.future_read(h)?),
        Resolved::FutureWrite(h, v) => Out::Status(m.future_write(h, v)?),
        Resolved::StreamRead(h, n) => Out::Status(m.stream_read(h, n)?),
        Resolved::StreamWrite(h, vs) => Out::Status(m.stream_write(h, vs)?),
        Resolved::Cancel(h, k) => Out::Status(m.cancel(h, k)?),
        Resolved::Drop(h, k) => {
            m.drop_end(h, k)?;
            Out::Unit
        }
        Resolved::Relocate(h, k) => Out::Handle(m.relocate(h, k)?),
        Resolved::CopyDoneNow(h) => Out::Done(m.copy_done_now(h)?),
        Resolved::SetNew => Out::Handle(m.set_new()?),
        Resolved::Join(w, s) => {
            m.join(w, s)?;
            Out::Unit
        }
        Resolved::SetDrop(s) => {
            m.set_drop(s)?;
            Out::Unit
        }
        Resolved::Poll(_) => unreachable!("compared separately"),
    })
}
