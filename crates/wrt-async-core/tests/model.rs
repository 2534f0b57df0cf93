//! Model-based test of the fallback executor and static pools: random
//! sequences of spawns (boxed and pool tasks), wakes (from this thread and
//! another), `poll_once`, join handles polled or dropped, panicking tasks and
//! shutdown, run against a small reference model that predicts exactly which
//! task is polled, dropped and freed when.
//!
//! Checked after every operation: the polls and drops that happened are the
//! ones predicted, in order (so no task is lost, polled without a wake,
//! polled twice for one wake or after completing, or dropped twice), and the
//! executor's and pool's counters agree with the model. At the end every
//! future and every output was dropped exactly once and every slot is free.
//!
//! Slots: the executor takes the lowest free slot and a task's waker names
//! its slot (docs/core.md, decisions 4 and 5), so a stale waker wakes
//! whatever task lives in that slot now; the model knows this and predicts
//! that spurious poll too.

use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll, Waker};

use proptest::prelude::*;
use wrt_async_core::{ExecutorError, FallbackExecutor, JoinHandle, TaskPool, WrtExecutor};

/// Executor slots and pool slots of every case: small, so that both run out.
const EXEC_SLOTS: usize = 4;
const POOL_SLOTS: usize = 2;

type Exec = FallbackExecutor<EXEC_SLOTS>;
type Pool = TaskPool<Scripted, POOL_SLOTS>;

// ------------------------------------------------------------------ events

/// What the futures report, in the order it happens.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Event {
    Poll(usize),
    /// The task's future was dropped.
    Drop(usize),
    /// The task's output (pool tasks) was dropped.
    OutputDrop(usize),
}

#[derive(Clone, Default)]
struct Log(Arc<Mutex<Vec<Event>>>);

impl Log {
    fn push(&self, event: Event) {
        self.0.lock().unwrap().push(event);
    }
    fn take(&self) -> Vec<Event> {
        std::mem::take(&mut *self.0.lock().unwrap())
    }
}

// ------------------------------------------------------------------ futures

/// What a task does when polled; after its script it stays pending.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Step {
    Pending,
    /// Pending, after waking itself (it is polled again next round).
    Yield,
    Ready,
    Panic,
}

/// The payload of scripted panics, which the panic hook keeps quiet.
struct ScriptedPanic;

/// The future of every task: follows its script and reports to the log.
struct Scripted {
    id: usize,
    script: Vec<Step>,
    log: Log,
    /// The waker of its last poll, for `Wake` operations.
    waker: Arc<Mutex<Option<Waker>>>,
}

impl Future for Scripted {
    type Output = Output;
    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Output> {
        self.log.push(Event::Poll(self.id));
        *self.waker.lock().unwrap() = Some(cx.waker().clone());
        let step = if self.script.is_empty() {
            Step::Pending
        } else {
            self.script.remove(0)
        };
        match step {
            Step::Pending => Poll::Pending,
            Step::Yield => {
                cx.waker().wake_by_ref();
                Poll::Pending
            }
            Step::Ready => Poll::Ready(Output {
                id: self.id,
                log: self.log.clone(),
            }),
            Step::Panic => std::panic::panic_any(ScriptedPanic),
        }
    }
}

impl Drop for Scripted {
    fn drop(&mut self) {
        self.log.push(Event::Drop(self.id));
    }
}

/// Runs a task as a boxed future: drops the output as soon as it is ready
/// (the future itself goes when the executor drops the box).
struct Discard(Scripted);

impl Future for Discard {
    type Output = ();
    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        // SAFETY: structural pinning of the only field, never moved out.
        let inner = unsafe { self.map_unchecked_mut(|d| &mut d.0) };
        inner.poll(cx).map(drop)
    }
}

/// A pool task's output.
struct Output {
    id: usize,
    log: Log,
}

impl Drop for Output {
    fn drop(&mut self) {
        self.log.push(Event::OutputDrop(self.id));
    }
}

// ------------------------------------------------------------------ operations

#[derive(Clone, Debug)]
enum Op {
    Spawn {
        pool: bool,
        script: Vec<Step>,
    },
    /// Wakes task `task % spawned` with its latest waker.
    Wake {
        task: usize,
        other_thread: bool,
    },
    PollOnce,
    /// Polls task `task`'s join handle once (pool tasks).
    Join {
        task: usize,
    },
    /// Drops task `task`'s join handle (pool tasks).
    DropJoin {
        task: usize,
    },
    Shutdown,
}

fn step() -> impl Strategy<Value = Step> {
    prop_oneof![
        3 => Just(Step::Pending),
        2 => Just(Step::Yield),
        3 => Just(Step::Ready),
        1 => Just(Step::Panic),
    ]
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        4 => (any::<bool>(), proptest::collection::vec(step(), 0..4))
            .prop_map(|(pool, script)| Op::Spawn { pool, script }),
        4 => (0..8usize, any::<bool>())
            .prop_map(|(task, other_thread)| Op::Wake { task, other_thread }),
        5 => Just(Op::PollOnce),
        2 => (0..8usize).prop_map(|task| Op::Join { task }),
        2 => (0..8usize).prop_map(|task| Op::DropJoin { task }),
        1 => Just(Op::Shutdown),
    ]
}

// ------------------------------------------------------------------ model

/// Where a task stands, in the model.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Fate {
    /// In executor slot `slot`.
    Live {
        slot: usize,
    },
    Completed,
    Panicked,
    /// Dropped unfinished: by shutdown, or refused by the executor.
    Cancelled,
    /// The pool was full: no future was ever built.
    NeverBuilt,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Handle {
    /// Boxed tasks have no join handle.
    None,
    Held,
    /// Taken by a `Join` that returned the result, or dropped.
    Gone,
}

struct ModelTask {
    pool: bool,
    script: Vec<Step>,
    fate: Fate,
    handle: Handle,
    /// The executor slot its wakers name (if it was ever spawned).
    waker_slot: Option<usize>,
    /// The output is in the pool slot, waiting for the join handle.
    output_waiting: bool,
}

impl ModelTask {
    /// It occupies a pool slot: built, and the runner or the handle is left.
    fn holds_pool_slot(&self) -> bool {
        self.pool
            && self.fate != Fate::NeverBuilt
            && (matches!(self.fate, Fate::Live { .. }) || self.handle == Handle::Held)
    }
}

struct Model {
    running: bool,
    slots: [Option<usize>; EXEC_SLOTS],
    ready: u32,
    tasks: Vec<ModelTask>,
    spawned: usize,
    completed: usize,
    panicked: usize,
    polls: usize,
}

impl Model {
    fn new() -> Self {
        Self {
            running: true,
            slots: [None; EXEC_SLOTS],
            ready: 0,
            tasks: Vec::new(),
            spawned: 0,
            completed: 0,
            panicked: 0,
            polls: 0,
        }
    }

    fn live(&self) -> usize {
        self.slots.iter().flatten().count()
    }

    fn pool_in_use(&self) -> usize {
        self.tasks.iter().filter(|t| t.holds_pool_slot()).count()
    }

    /// A new task; returns the events of its spawn.
    fn spawn(&mut self, pool: bool, script: Vec<Step>) -> Vec<Event> {
        let id = self.tasks.len();
        let mut task = ModelTask {
            pool,
            script,
            fate: Fate::NeverBuilt,
            handle: if pool { Handle::Held } else { Handle::None },
            waker_slot: None,
            output_waiting: false,
        };
        if pool && self.pool_in_use() == POOL_SLOTS {
            task.handle = Handle::None;
            self.tasks.push(task);
            return vec![];
        }
        let free = (0..EXEC_SLOTS).find(|&s| self.slots[s].is_none());
        match free {
            Some(slot) if self.running => {
                self.slots[slot] = Some(id);
                self.ready |= 1 << slot;
                self.spawned += 1;
                task.fate = Fate::Live { slot };
                task.waker_slot = Some(slot);
                self.tasks.push(task);
                vec![]
            }
            // Refused (stopped or full): the future is dropped at once.
            _ => {
                task.fate = Fate::Cancelled;
                self.tasks.push(task);
                vec![Event::Drop(id)]
            }
        }
    }

    fn wake(&mut self, id: usize) {
        if let Some(slot) = self.tasks[id].waker_slot {
            self.ready |= 1 << slot;
        }
    }

    /// Frees the executor slot of a task that finished or was dropped, and
    /// the pool slot if its handle is gone too (dropping a waiting output).
    fn retire(&mut self, id: usize, fate: Fate, events: &mut Vec<Event>) {
        let Fate::Live { slot } = self.tasks[id].fate else {
            unreachable!("only live tasks retire")
        };
        self.slots[slot] = None;
        let task = &mut self.tasks[id];
        task.fate = fate;
        if fate == Fate::Completed && !task.pool {
            // `Discard` drops the output inside the last poll, then the
            // executor drops the box.
            events.push(Event::OutputDrop(id));
        }
        // A pool task's future is dropped in place as it completes, before
        // its output is stored.
        events.push(Event::Drop(id));
        if fate == Fate::Completed && task.pool {
            if task.handle == Handle::Held {
                task.output_waiting = true;
            } else {
                // Detached: the output is dropped with the slot.
                events.push(Event::OutputDrop(id));
            }
        }
    }

    fn poll_once(&mut self) -> (Result<(), ExecutorError>, Vec<Event>) {
        if !self.running {
            return (Err(ExecutorError::NotRunning), vec![]);
        }
        let mut events = vec![];
        if self.ready == 0 {
            return (Ok(()), events);
        }
        let live: u32 = (0..EXEC_SLOTS)
            .filter(|&s| self.slots[s].is_some())
            .map(|s| 1u32 << s)
            .sum();
        let mut batch = self.ready & live;
        self.ready = 0;
        while batch != 0 {
            let slot = batch.trailing_zeros() as usize;
            batch &= batch - 1;
            let id = self.slots[slot].unwrap();
            events.push(Event::Poll(id));
            self.polls += 1;
            let step = if self.tasks[id].script.is_empty() {
                Step::Pending
            } else {
                self.tasks[id].script.remove(0)
            };
            match step {
                Step::Pending => {}
                Step::Yield => self.ready |= 1 << slot,
                Step::Ready => {
                    self.completed += 1;
                    self.retire(id, Fate::Completed, &mut events);
                }
                Step::Panic => {
                    self.panicked += 1;
                    self.retire(id, Fate::Panicked, &mut events);
                }
            }
        }
        (Ok(()), events)
    }

    /// Polls the join handle: `None` while pending, else the result (the
    /// output's value is the task id) and the events of taking it.
    fn join(&mut self, id: usize) -> Option<(Result<usize, ExecutorError>, Vec<Event>)> {
        let task = &mut self.tasks[id];
        let result = match task.fate {
            Fate::Live { .. } => return None,
            Fate::Completed => Ok(id),
            Fate::Panicked => Err(ExecutorError::TaskPanicked),
            Fate::Cancelled => Err(ExecutorError::Cancelled),
            Fate::NeverBuilt => unreachable!("no handle"),
        };
        task.handle = Handle::Gone;
        task.output_waiting = false;
        // The test drops the output it was given.
        let events = if result.is_ok() {
            vec![Event::OutputDrop(id)]
        } else {
            vec![]
        };
        Some((result, events))
    }

    fn drop_join(&mut self, id: usize) -> Vec<Event> {
        let task = &mut self.tasks[id];
        task.handle = Handle::Gone;
        if task.output_waiting {
            task.output_waiting = false;
            vec![Event::OutputDrop(id)]
        } else {
            vec![]
        }
    }

    fn shutdown(&mut self) -> Vec<Event> {
        self.running = false;
        let mut events = vec![];
        for slot in 0..EXEC_SLOTS {
            if let Some(id) = self.slots[slot] {
                self.retire(id, Fate::Cancelled, &mut events);
            }
        }
        events
    }
}

// ------------------------------------------------------------------ the run

/// Executors and pools of finished cases: `spawn` needs `'static`, so each
/// case leaks a fresh pair, kept reachable here (Miri reports unreachable
/// leaks).
static RETIRED: Mutex<Vec<(&'static Exec, &'static Pool)>> = Mutex::new(Vec::new());

/// The system under test, and what it handed back.
struct Real {
    exec: &'static Exec,
    pool: &'static Pool,
    log: Log,
    /// Per task: its latest waker (from its last poll, else from spawn).
    wakers: Vec<Option<Arc<Mutex<Option<Waker>>>>>,
    joins: Vec<Option<JoinHandle<Output>>>,
    /// Per task: whether its future was built (not for a full pool).
    built: Vec<bool>,
}

impl Real {
    fn spawn(&mut self, pool: bool, script: Vec<Step>) {
        let id = self.wakers.len();
        let waker = Arc::new(Mutex::new(None));
        let log = self.log.clone();
        let task_waker = waker.clone();
        // Built only where the task is claimed: a full pool must not call it.
        let make = move || Scripted {
            id,
            script,
            log,
            waker: task_waker,
        };
        let (handle, join) = if pool {
            match self.pool.claim(make).into_parts() {
                Ok((task, join)) => (self.exec.spawn_task(task), Some(join)),
                Err(error) => {
                    assert_eq!(error, ExecutorError::OutOfResources);
                    (Err(error), None)
                }
            }
        } else {
            (self.exec.spawn(Box::pin(Discard(make()))), None)
        };
        self.built.push(!pool || join.is_some());
        if let Ok(handle) = &handle {
            *waker.lock().unwrap() = handle.waker.clone();
        }
        self.wakers.push(handle.is_ok().then_some(waker));
        self.joins.push(join);
    }
}

fn check_sequence(ops: Vec<Op>) -> Result<(), TestCaseError> {
    let exec: &'static Exec = Box::leak(Box::new(Exec::new()));
    let pool: &'static Pool = Box::leak(Box::new(Pool::new()));
    RETIRED.lock().unwrap().push((exec, pool));
    let log = Log::default();
    let mut real = Real {
        exec,
        pool,
        log: log.clone(),
        wakers: vec![],
        joins: vec![],
        built: vec![],
    };
    let mut model = Model::new();
    let mut all_events = vec![];

    for (i, op) in ops.iter().enumerate() {
        let expected = match op.clone() {
            Op::Spawn { pool, script } => {
                real.spawn(pool, script.clone());
                model.spawn(pool, script)
            }
            Op::Wake { task, other_thread } => {
                if model.tasks.is_empty() {
                    continue;
                }
                let id = task % model.tasks.len();
                let waker = real.wakers[id]
                    .as_ref()
                    .and_then(|w| w.lock().unwrap().clone());
                if let Some(waker) = waker {
                    if other_thread {
                        std::thread::spawn(move || waker.wake()).join().unwrap();
                    } else {
                        waker.wake();
                    }
                }
                model.wake(id);
                vec![]
            }
            Op::PollOnce => {
                let (expected_result, events) = model.poll_once();
                prop_assert_eq!(exec.poll_once(), expected_result, "op {}: poll_once", i);
                events
            }
            Op::Join { task } => {
                if model.tasks.is_empty() {
                    continue;
                }
                let id = task % model.tasks.len();
                let Some(join) = real.joins[id].as_mut() else {
                    continue;
                };
                let got = Pin::new(join).poll(&mut Context::from_waker(Waker::noop()));
                match (got, model.join(id)) {
                    (Poll::Pending, None) => vec![],
                    (Poll::Ready(result), Some((expected, events))) => {
                        real.joins[id] = None;
                        prop_assert_eq!(result.map(|output| output.id), expected, "op {}", i);
                        events
                    }
                    (got, expected) => {
                        return Err(TestCaseError::fail(format!(
                            "op {i}: join of task {id}: got {}, model says {}",
                            if got.is_pending() { "pending" } else { "ready" },
                            if expected.is_none() {
                                "pending"
                            } else {
                                "ready"
                            },
                        )));
                    }
                }
            }
            Op::DropJoin { task } => {
                if model.tasks.is_empty() {
                    continue;
                }
                let id = task % model.tasks.len();
                if real.joins[id].take().is_none() {
                    continue;
                }
                model.drop_join(id)
            }
            Op::Shutdown => {
                exec.shutdown().unwrap();
                model.shutdown()
            }
        };
        let events = log.take();
        prop_assert_eq!(&events, &expected, "op {}: {:?}", i, op);
        all_events.extend(events);
        let stats = exec.stats();
        prop_assert_eq!(
            (
                stats.live,
                stats.spawned,
                stats.completed,
                stats.panicked,
                stats.polls
            ),
            (
                model.live(),
                model.spawned,
                model.completed,
                model.panicked,
                model.polls
            ),
            "op {}: executor counters (live, spawned, completed, panicked, polls)",
            i
        );
        prop_assert_eq!(
            pool.in_use(),
            model.pool_in_use(),
            "op {}: pool slots in use",
            i
        );
        prop_assert_eq!(exec.is_running(), model.running);
    }

    // Tear down: every handle dropped, the executor shut down.
    let mut expected = vec![];
    for id in 0..model.tasks.len() {
        if real.joins[id].take().is_some() {
            expected.extend(model.drop_join(id));
        }
    }
    exec.shutdown().unwrap();
    expected.extend(model.shutdown());
    let events = log.take();
    prop_assert_eq!(&events, &expected, "teardown");
    all_events.extend(events);
    prop_assert_eq!(exec.stats().live, 0);
    prop_assert_eq!(pool.in_use(), 0);

    // Recounted from the whole log, without the model: every future that
    // was built was dropped exactly once, every output at most once, and
    // as many outputs were dropped as tasks completed.
    let count = |event: Event| all_events.iter().filter(|e| **e == event).count();
    for (id, built) in real.built.iter().enumerate() {
        prop_assert_eq!(
            count(Event::Drop(id)),
            usize::from(*built),
            "task {} drops",
            id
        );
        prop_assert!(
            count(Event::OutputDrop(id)) <= 1,
            "task {} output dropped twice",
            id
        );
    }
    let outputs = all_events
        .iter()
        .filter(|e| matches!(e, Event::OutputDrop(_)))
        .count();
    prop_assert_eq!(
        outputs,
        exec.stats().completed,
        "outputs dropped vs. tasks completed"
    );
    Ok(())
}

/// Keeps scripted panics out of the test output (thousands of them).
fn quiet_scripted_panics() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        let default = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            if info.payload().downcast_ref::<ScriptedPanic>().is_none() {
                default(info);
            }
        }));
    });
}

/// Cases: 10,000 natively (the CI figure, docs/reliability.md); a few under
/// Miri, which is about a thousand times slower. `WRT_MODEL_CASES`
/// overrides it.
fn cases() -> u32 {
    std::env::var("WRT_MODEL_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(if cfg!(miri) { 3 } else { 10_000 })
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: cases(),
        max_shrink_iters: if cfg!(miri) { 0 } else { 4096 },
        // Miri's isolation forbids the file system; the seed is printed on
        // failure anyway.
        failure_persistence: None,
        ..ProptestConfig::default()
    })]

    #[test]
    fn executor_and_pool_match_the_model(
        ops in proptest::collection::vec(op(), 1..if cfg!(miri) { 10 } else { 24 })
    ) {
        quiet_scripted_panics();
        check_sequence(ops)?;
    }
}
