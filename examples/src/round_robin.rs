//! A deterministic executor for real-time use: the original guide's
//! `CustomExecutor` (a bounded queue of 64 tasks and an `AtomicBool` running
//! flag), done right with `#[wrt::executor]`.
//!
//! Scheduling is a fixed round-robin over 64 slots:
//! - `spawn` takes the lowest free slot (O(64) worst case) or returns
//!   `OutOfResources`; no allocation after construction (the wakers are made
//!   once, in [`RoundRobinExecutor::new`]);
//! - `poll_once` visits the slots once, starting one slot further than the
//!   previous call, and polls each task whose waker fired since its last poll.
//!
//! Worst case of one `poll_once`: 64 slot visits and at most 64 task polls
//! (each task at most once), so its latency is bounded by the sum of the 64
//! longest task polls plus 64 uncontended lock/unlock pairs. A task woken
//! while `poll_once` runs is polled in the next call, never in the same one.

use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll, Wake, Waker};
use std::thread::Thread;

use wrt::{BoxedFuture, ExecutorError, ExecutorState};

/// Task slots of a [`RoundRobinExecutor`].
pub const SLOTS: usize = 64;

/// Wakes one slot: marks it ready and unparks the thread blocked in
/// `block_on`, if any.
struct SlotWaker {
    ready: AtomicBool,
    sleeper: Arc<Mutex<Option<Thread>>>,
}

impl Wake for SlotWaker {
    fn wake(self: Arc<Self>) {
        self.wake_by_ref();
    }
    fn wake_by_ref(self: &Arc<Self>) {
        self.ready.store(true, Ordering::Release);
        if let Some(thread) = self.sleeper.lock().unwrap().as_ref() {
            thread.unpark();
        }
    }
}

struct Slot {
    task: Mutex<Option<BoxedFuture<'static, ()>>>,
    wake: Arc<SlotWaker>,
    waker: Waker,
}

/// A bounded, deterministic round-robin executor (see the module docs).
pub struct RoundRobinExecutor {
    slots: Box<[Slot]>,
    /// Where the next `poll_once` starts.
    start: AtomicUsize,
    sleeper: Arc<Mutex<Option<Thread>>>,
    /// Polls done, for tests and monitoring.
    polls: AtomicUsize,
    state: ExecutorState,
}

impl RoundRobinExecutor {
    /// All allocation happens here, once.
    pub fn new() -> Self {
        let sleeper = Arc::new(Mutex::new(None));
        let slots = (0..SLOTS)
            .map(|_| {
                let wake = Arc::new(SlotWaker {
                    ready: AtomicBool::new(false),
                    sleeper: sleeper.clone(),
                });
                Slot {
                    task: Mutex::new(None),
                    waker: Waker::from(wake.clone()),
                    wake,
                }
            })
            .collect();
        Self {
            slots,
            start: AtomicUsize::new(0),
            sleeper,
            polls: AtomicUsize::new(0),
            state: ExecutorState::new(),
        }
    }

    /// Task polls so far.
    pub fn polls(&self) -> usize {
        self.polls.load(Ordering::Relaxed)
    }

    /// Tasks stored and not finished.
    pub fn live(&self) -> usize {
        self.slots
            .iter()
            .filter(|s| s.task.lock().unwrap().is_some())
            .count()
    }

    /// One round: returns how many tasks it polled.
    fn round(&self) -> usize {
        let start = self.start.fetch_add(1, Ordering::Relaxed) % SLOTS;
        let mut polled = 0;
        for k in 0..SLOTS {
            let slot = &self.slots[(start + k) % SLOTS];
            if !slot.wake.ready.swap(false, Ordering::Acquire) {
                continue;
            }
            let mut task = slot.task.lock().unwrap();
            if let Some(future) = task.as_mut() {
                polled += 1;
                self.polls.fetch_add(1, Ordering::Relaxed);
                if future
                    .as_mut()
                    .poll(&mut Context::from_waker(&slot.waker))
                    .is_ready()
                {
                    *task = None;
                }
            }
        }
        polled
    }
}

impl Default for RoundRobinExecutor {
    fn default() -> Self {
        Self::new()
    }
}

/// Wakes the thread blocked in `block_on` when the root future is woken.
struct RootWaker {
    woken: AtomicBool,
    thread: Thread,
}

impl Wake for RootWaker {
    fn wake(self: Arc<Self>) {
        self.wake_by_ref();
    }
    fn wake_by_ref(self: &Arc<Self>) {
        self.woken.store(true, Ordering::Release);
        self.thread.unpark();
    }
}

#[wrt::executor]
impl RoundRobinExecutor {
    fn spawn(&self, future: BoxedFuture<'static, ()>) -> Result<(), ExecutorError> {
        for slot in self.slots.iter() {
            let mut task = slot.task.lock().unwrap();
            if task.is_none() {
                *task = Some(future);
                drop(task);
                slot.waker.wake_by_ref();
                return Ok(());
            }
        }
        Err(ExecutorError::OutOfResources)
    }

    fn poll_once(&self) -> Result<(), ExecutorError> {
        self.round();
        Ok(())
    }

    fn block_on<F: Future>(&self, future: F) -> F::Output {
        let mut future = std::pin::pin!(future);
        let root = Arc::new(RootWaker {
            woken: AtomicBool::new(true),
            thread: std::thread::current(),
        });
        let waker = Waker::from(root.clone());
        *self.sleeper.lock().unwrap() = Some(std::thread::current());
        let output = loop {
            if root.woken.swap(false, Ordering::Acquire) {
                if let Poll::Ready(output) =
                    Pin::as_mut(&mut future).poll(&mut Context::from_waker(&waker))
                {
                    break output;
                }
            }
            if self.round() == 0 && !root.woken.load(Ordering::Acquire) {
                // A wake between the round and here unparks us: park returns.
                std::thread::park();
            }
        };
        *self.sleeper.lock().unwrap() = None;
        output
    }

    fn shutdown(&self) {
        for slot in self.slots.iter() {
            drop(slot.task.lock().unwrap().take());
        }
    }
}
