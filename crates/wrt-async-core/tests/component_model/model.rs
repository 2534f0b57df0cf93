//! A reference model of the spec's future/stream/waitable-set state machine:
//! a direct, single-threaded transcription of `SharedStreamImpl`,
//! `SharedFutureImpl`, `CopyEnd`, `stream_copy`, `future_copy`,
//! `cancel_copy`, `drop`, `lift_async_value` and the waitable set built-ins
//! from the Canonical ABI's `definitions.py` (no locks, no wakers, no `Arc`),
//! with the trap conditions in the spec's order turned into the crate's
//! error variants.

use std::collections::VecDeque;

use wrt_async_core::component_model::{
    ComponentError, ComponentValue, CopyDoneOf, CopyResult, CopyState, CopyStatusOf, EventCode,
    EventOf, HandleKind, MAX_BUFFER_LEN, ValueType,
};

// The model's values live in `Vec`s whichever tier is compared with it (so
// it builds without the crate's `alloc` feature too); with `alloc` these are
// the crate's own `CopyDone`, `CopyStatus` and `Event`.
pub type CopyDone = CopyDoneOf<Vec<ComponentValue>>;
pub type CopyStatus = CopyStatusOf<Vec<ComponentValue>>;
pub type Event = EventOf<Vec<ComponentValue>>;

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Kind {
    Future,
    Stream,
}

struct Shared {
    kind: Kind,
    ty: ValueType,
    dropped: bool,
    /// The end whose buffer is pending.
    pending: Option<usize>,
}

#[derive(Default)]
struct Buf {
    length: usize,
    progress: usize,
    values: VecDeque<ComponentValue>,
}

impl Buf {
    fn remain(&self) -> usize {
        self.length - self.progress
    }
}

struct End {
    shared: usize,
    readable: bool,
    state: CopyState,
    buf: Buf,
    /// (result, reclaim_buffer?)
    event: Option<(CopyResult, bool)>,
    wset: Option<u32>,
}

enum Entry {
    End(usize),
    Set(Vec<u32>),
}

/// One component instance's table, as the spec describes it.
#[derive(Default)]
pub struct Model {
    handles: Vec<Option<Entry>>,
    free: Vec<u32>,
    ends: Vec<End>,
    shared: Vec<Shared>,
}

type R<T> = Result<T, ComponentError>;

impl Model {
    pub fn new() -> Self {
        Self {
            handles: vec![None],
            ..Self::default()
        }
    }

    fn add(&mut self, e: Entry) -> u32 {
        if let Some(i) = self.free.pop() {
            self.handles[i as usize] = Some(e);
            i
        } else {
            self.handles.push(Some(e));
            (self.handles.len() - 1) as u32
        }
    }

    fn get(&self, h: u32) -> R<&Entry> {
        self.handles
            .get(h as usize)
            .and_then(Option::as_ref)
            .ok_or(ComponentError::InvalidHandle { handle: h })
    }

    fn remove(&mut self, h: u32) {
        self.handles[h as usize] = None;
        self.free.push(h);
    }

    fn end_kind(&self, e: usize) -> HandleKind {
        let end = &self.ends[e];
        match (self.shared[end.shared].kind, end.readable) {
            (Kind::Future, true) => HandleKind::ReadableFuture,
            (Kind::Future, false) => HandleKind::WritableFuture,
            (Kind::Stream, true) => HandleKind::ReadableStream,
            (Kind::Stream, false) => HandleKind::WritableStream,
        }
    }

    pub fn kind(&self, h: u32) -> R<HandleKind> {
        Ok(match self.get(h)? {
            Entry::End(e) => self.end_kind(*e),
            Entry::Set(_) => HandleKind::WaitableSet,
        })
    }

    /// `e = inst.handles.get(i); trap_if(not isinstance(e, EndT))`
    fn end_of(&self, h: u32, expected: HandleKind) -> R<usize> {
        match self.get(h)? {
            Entry::End(e) if self.end_kind(*e) == expected => Ok(*e),
            _ => Err(ComponentError::WrongHandleKind {
                handle: h,
                expected,
                found: self.kind(h)?,
            }),
        }
    }

    fn any_end(&self, h: u32) -> R<usize> {
        match self.get(h)? {
            Entry::End(e) => Ok(*e),
            Entry::Set(_) => Err(ComponentError::NotWaitable { handle: h }),
        }
    }

    /// Live handles and their kinds, in index order.
    pub fn live(&self) -> Vec<(u32, HandleKind)> {
        (1..self.handles.len() as u32)
            .filter_map(|h| self.kind(h).ok().map(|k| (h, k)))
            .collect()
    }

    /// The element type of the end at `h`, if it is one.
    pub fn value_type(&self, h: u32) -> Option<ValueType> {
        let e = self.any_end(h).ok()?;
        Some(self.shared[self.ends[e].shared].ty)
    }

    pub fn copy_state(&self, h: u32) -> R<CopyState> {
        Ok(self.ends[self.any_end(h)?].state)
    }

    pub fn joined_set(&self, h: u32) -> R<Option<u32>> {
        Ok(self.ends[self.any_end(h)?].wset)
    }

    fn new_pair(&mut self, kind: Kind, ty: ValueType) -> (u32, u32) {
        let shared = self.shared.len();
        self.shared.push(Shared {
            kind,
            ty,
            dropped: false,
            pending: None,
        });
        let mut handles = [0; 2];
        for (i, readable) in [true, false].into_iter().enumerate() {
            self.ends.push(End {
                shared,
                readable,
                state: CopyState::Idle,
                buf: Buf::default(),
                event: None,
                wset: None,
            });
            handles[i] = self.add(Entry::End(self.ends.len() - 1));
        }
        (handles[0], handles[1])
    }

    pub fn future_new(&mut self, ty: ValueType) -> R<(u32, u32)> {
        Ok(self.new_pair(Kind::Future, ty))
    }

    pub fn stream_new(&mut self, ty: ValueType) -> R<(u32, u32)> {
        Ok(self.new_pair(Kind::Stream, ty))
    }

    fn set_event(&mut self, e: usize, result: CopyResult, reclaim: bool) {
        self.ends[e].event = Some((result, reclaim));
    }

    /// `reset_and_notify_pending`
    fn reset_and_notify_pending(&mut self, s: usize, result: CopyResult) {
        let p = self.shared[s].pending.take().expect("a pending buffer");
        self.set_event(p, result, false);
    }

    /// `dst_buffer.write(self.pending_buffer.read(n))` / the reverse.
    fn transfer(&mut self, from: usize, to: usize, n: usize) {
        for _ in 0..n {
            let v = self.ends[from].buf.values.pop_front().unwrap();
            self.ends[to].buf.values.push_back(v);
        }
        self.ends[from].buf.progress += n;
        self.ends[to].buf.progress += n;
    }

    /// `SharedStreamImpl.read` / `.write` (the caller's end `e`).
    fn stream_copy_shared(&mut self, e: usize) {
        let s = self.ends[e].shared;
        let reading = self.ends[e].readable;
        if self.shared[s].dropped {
            self.set_event(e, CopyResult::Dropped, false);
            return;
        }
        let Some(p) = self.shared[s].pending else {
            self.shared[s].pending = Some(e);
            return;
        };
        if self.ends[p].buf.remain() > 0 {
            if self.ends[e].buf.remain() > 0 {
                let n = self.ends[e].buf.remain().min(self.ends[p].buf.remain());
                if reading {
                    self.transfer(p, e, n);
                } else {
                    self.transfer(e, p, n);
                }
                // pending_on_copy(reset_pending)
                self.set_event(p, CopyResult::Completed, true);
            }
            self.set_event(e, CopyResult::Completed, false);
        } else if !reading && self.ends[e].buf.length == 0 && self.ends[p].buf.length == 0 {
            self.set_event(e, CopyResult::Completed, false);
        } else {
            self.reset_and_notify_pending(s, CopyResult::Completed);
            self.shared[s].pending = Some(e);
        }
    }

    /// `SharedFutureImpl.read` / `.write`.
    fn future_copy_shared(&mut self, e: usize) {
        let s = self.ends[e].shared;
        let reading = self.ends[e].readable;
        if self.shared[s].dropped {
            assert!(!reading, "spec: assert(not self.dropped) in read");
            self.set_event(e, CopyResult::Dropped, false);
        } else if let Some(p) = self.shared[s].pending {
            if reading {
                self.transfer(p, e, 1);
            } else {
                self.transfer(e, p, 1);
            }
            self.reset_and_notify_pending(s, CopyResult::Completed);
            self.set_event(e, CopyResult::Completed, false);
        } else {
            self.shared[s].pending = Some(e);
        }
    }

    /// `get_pending_event` with `stream_event` / `future_event`.
    fn deliver(&mut self, e: usize) -> Option<CopyDone> {
        let (result, reclaim) = self.ends[e].event.take()?;
        let s = self.ends[e].shared;
        if reclaim {
            self.shared[s].pending = None;
        }
        let kind = self.shared[s].kind;
        self.ends[e].state = match (kind, result) {
            (_, CopyResult::Dropped) | (Kind::Future, CopyResult::Completed) => CopyState::Done,
            _ => CopyState::Idle,
        };
        let buf = std::mem::take(&mut self.ends[e].buf);
        Some(CopyDone {
            result,
            progress: buf.progress as u32,
            values: buf.values.into(),
        })
    }

    fn copy(
        &mut self,
        h: u32,
        expected: HandleKind,
        n: usize,
        values: Vec<ComponentValue>,
    ) -> R<CopyStatus> {
        let e = self.end_of(h, expected)?;
        match self.ends[e].state {
            CopyState::Idle => {}
            CopyState::Copying => return Err(ComponentError::CopyInProgress { handle: h }),
            CopyState::Done => return Err(ComponentError::AlreadyDone { handle: h }),
        }
        let readable = self.ends[e].readable;
        let length = if readable { n } else { values.len() };
        if length > MAX_BUFFER_LEN {
            return Err(ComponentError::BufferTooLong { len: length });
        }
        let ty = self.shared[self.ends[e].shared].ty;
        if let Some(bad) = values.iter().find(|v| v.value_type() != ty) {
            return Err(ComponentError::TypeMismatch {
                expected: ty,
                found: bad.value_type(),
            });
        }
        self.ends[e].buf = Buf {
            length,
            progress: 0,
            values: values.into(),
        };
        self.ends[e].state = CopyState::Copying;
        match self.shared[self.ends[e].shared].kind {
            Kind::Future => self.future_copy_shared(e),
            Kind::Stream => self.stream_copy_shared(e),
        }
        Ok(self
            .deliver(e)
            .map_or(CopyStatus::Blocked, CopyStatus::Done))
    }

    pub fn future_read(&mut self, h: u32) -> R<CopyStatus> {
        self.copy(h, HandleKind::ReadableFuture, 1, vec![])
    }

    pub fn future_write(&mut self, h: u32, v: ComponentValue) -> R<CopyStatus> {
        self.copy(h, HandleKind::WritableFuture, 0, vec![v])
    }

    pub fn stream_read(&mut self, h: u32, n: usize) -> R<CopyStatus> {
        self.copy(h, HandleKind::ReadableStream, n, vec![])
    }

    pub fn stream_write(&mut self, h: u32, vs: Vec<ComponentValue>) -> R<CopyStatus> {
        self.copy(h, HandleKind::WritableStream, 0, vs)
    }

    /// `cancel_copy`
    pub fn cancel(&mut self, h: u32, expected: HandleKind) -> R<CopyStatus> {
        let e = self.end_of(h, expected)?;
        if self.ends[e].state != CopyState::Copying {
            return Err(ComponentError::NotCopying { handle: h });
        }
        if self.ends[e].event.is_none() {
            // shared.cancel() = reset_and_notify_pending(CANCELLED)
            let s = self.ends[e].shared;
            self.reset_and_notify_pending(s, CopyResult::Cancelled);
        }
        Ok(self
            .deliver(e)
            .map_or(CopyStatus::Blocked, CopyStatus::Done))
    }

    /// `drop` (`CopyEnd.drop`, `WritableFutureEnd.drop`, `Waitable.drop`)
    pub fn drop_end(&mut self, h: u32, expected: HandleKind) -> R<()> {
        let e = self.end_of(h, expected)?;
        if self.ends[e].state == CopyState::Copying {
            return Err(ComponentError::DropWhileCopying { handle: h });
        }
        if expected == HandleKind::WritableFuture && self.ends[e].state != CopyState::Done {
            return Err(ComponentError::FutureNotWritten { handle: h });
        }
        let s = self.ends[e].shared;
        if !self.shared[s].dropped {
            self.shared[s].dropped = true;
            if self.shared[s].pending.is_some() {
                self.reset_and_notify_pending(s, CopyResult::Dropped);
            }
        }
        assert!(
            self.ends[e].event.is_none(),
            "Waitable.drop: no pending event"
        );
        self.leave_set(h, e);
        self.remove(h);
        Ok(())
    }

    fn leave_set(&mut self, h: u32, e: usize) {
        if let Some(s) = self.ends[e].wset.take() {
            if let Some(Some(Entry::Set(members))) = self.handles.get_mut(s as usize) {
                members.retain(|&m| m != h);
            }
        }
    }

    /// `lift_async_value` followed by lowering into the same table.
    pub fn relocate(&mut self, h: u32, expected: HandleKind) -> R<u32> {
        let e = self.end_of(h, expected)?;
        match self.ends[e].state {
            CopyState::Idle => {}
            CopyState::Copying => return Err(ComponentError::CopyInProgress { handle: h }),
            CopyState::Done => return Err(ComponentError::AlreadyDone { handle: h }),
        }
        if self.ends[e].wset.is_some() {
            return Err(ComponentError::InWaitableSet { handle: h });
        }
        self.remove(h);
        Ok(self.add(Entry::End(e)))
    }

    /// The host's non-blocking collection of a completion.
    pub fn copy_done_now(&mut self, h: u32) -> R<Option<CopyDone>> {
        let e = self.any_end(h)?;
        if self.ends[e].wset.is_some() {
            return Err(ComponentError::InWaitableSet { handle: h });
        }
        if self.ends[e].state != CopyState::Copying {
            return Err(ComponentError::NotCopying { handle: h });
        }
        Ok(self.deliver(e))
    }

    pub fn set_new(&mut self) -> R<u32> {
        Ok(self.add(Entry::Set(Vec::new())))
    }

    fn set_members(&self, s: u32) -> R<&Vec<u32>> {
        match self.get(s)? {
            Entry::Set(members) => Ok(members),
            Entry::End(e) => Err(ComponentError::WrongHandleKind {
                handle: s,
                expected: HandleKind::WaitableSet,
                found: self.end_kind(*e),
            }),
        }
    }

    /// `waitable.join`
    pub fn join(&mut self, w: u32, s: Option<u32>) -> R<()> {
        let e = self.any_end(w)?;
        if let Some(s) = s {
            self.set_members(s)?;
        }
        self.leave_set(w, e);
        if let Some(s) = s {
            if let Some(Entry::Set(members)) = self.handles[s as usize].as_mut() {
                members.push(w);
            }
        }
        self.ends[e].wset = s;
        Ok(())
    }

    /// The members of `s` with a pending event (any may be delivered).
    pub fn poll_candidates(&self, s: u32) -> R<Vec<u32>> {
        Ok(self
            .set_members(s)?
            .iter()
            .copied()
            .filter(|&m| matches!(self.get(m), Ok(Entry::End(e)) if self.ends[*e].event.is_some()))
            .collect())
    }

    /// Delivers member `h`'s event as `waitable-set.poll` would.
    pub fn poll_deliver(&mut self, h: u32) -> Event {
        let e = self.any_end(h).expect("a member");
        let code = match self.end_kind(e) {
            HandleKind::ReadableFuture => EventCode::FutureRead,
            HandleKind::WritableFuture => EventCode::FutureWrite,
            HandleKind::ReadableStream => EventCode::StreamRead,
            HandleKind::WritableStream => EventCode::StreamWrite,
            HandleKind::WaitableSet => unreachable!(),
        };
        let done = self.deliver(e).expect("a pending event");
        Event {
            code,
            handle: h,
            done,
        }
    }

    /// `waitable-set.drop`
    pub fn set_drop(&mut self, s: u32) -> R<()> {
        if !self.set_members(s)?.is_empty() {
            return Err(ComponentError::WaitableSetNotEmpty { handle: s });
        }
        self.remove(s);
        Ok(())
    }
}
