//! no_std synchronisation primitives for async code: no heap, const
//! constructors, usable from any executor.

mod atomic_waker;
pub(crate) mod raw_mutex;
mod semaphore;

pub use atomic_waker::AtomicWaker;
pub use semaphore::{Acquire, Semaphore, SemaphorePermit};
