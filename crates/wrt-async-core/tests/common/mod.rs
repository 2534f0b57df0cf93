//! Helpers shared by the integration tests (included with `mod common;`).
#![allow(dead_code, unused_imports)] // each test binary uses a different subset

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::task::{Context, Poll, Waker};

/// Counts how often it was dropped.
#[derive(Clone, Default)]
pub struct DropCounter(pub Arc<AtomicUsize>);

impl DropCounter {
    pub fn token(&self) -> DropToken {
        DropToken(self.0.clone())
    }
    pub fn count(&self) -> usize {
        self.0.load(Ordering::SeqCst)
    }
}

pub struct DropToken(Arc<AtomicUsize>);
impl Drop for DropToken {
    fn drop(&mut self) {
        self.0.fetch_add(1, Ordering::SeqCst);
    }
}

pub use wrt_async_core::yield_now;

/// Pending until `wake` is called on its stored waker (from anywhere).
#[derive(Clone, Default)]
pub struct Signal(Arc<std::sync::Mutex<(bool, Option<Waker>)>>);

impl Signal {
    pub fn set(&self) {
        let waker = {
            let mut s = self.0.lock().unwrap();
            s.0 = true;
            s.1.take()
        };
        if let Some(w) = waker {
            w.wake();
        }
    }
    pub fn wait(&self) -> SignalWait {
        SignalWait(self.clone())
    }
    pub fn stored_waker(&self) -> Option<Waker> {
        self.0.lock().unwrap().1.clone()
    }
}

pub struct SignalWait(Signal);
impl Future for SignalWait {
    type Output = ();
    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        let mut s = (self.0).0.lock().unwrap();
        if s.0 {
            Poll::Ready(())
        } else {
            s.1 = Some(cx.waker().clone());
            Poll::Pending
        }
    }
}

/// Scales a loop count down under Miri, which is ~1000x slower.
pub const fn scaled(native: usize, miri: usize) -> usize {
    if cfg!(miri) { miri } else { native }
}
