//! A minimal spin lock for the crate's internal bookkeeping.
//!
//! It exists for critical sections that are a handful of pointer and counter
//! updates (the semaphore's waiter list). Callers must keep it that way: never
//! hold the lock while running foreign code (polling a future, cloning,
//! waking or dropping a waker, formatting), and never across an `.await`.
//!
//! There is no interrupt masking: on a single core, code that takes this lock
//! from an interrupt handler that can preempt a holder spins forever. The
//! atomics come from `portable-atomic`, so on targets without compare-and-swap
//! (thumbv6m) they go through the application's `critical-section`
//! implementation, each operation on its own.

use core::marker::PhantomData;
use core::ops::{Deref, DerefMut};

use crate::atomic::{AtomicBool, Ordering, UnsafeCell, spin_loop};

/// A value guarded by a test-and-test-and-set spin lock.
pub(crate) struct SpinMutex<T> {
    locked: AtomicBool,
    value: UnsafeCell<T>,
}

// SAFETY: the lock hands out access to `value` to one thread at a time (the
// guard exists only between a successful `false -> true` compare-exchange and
// the matching `store(false)`), and Acquire/Release on `locked` orders one
// holder's accesses before the next holder's. Sharing the mutex therefore
// only ever moves `T` between threads, never shares it, so `T: Send` is the
// requirement (as for `std::sync::Mutex`).
unsafe impl<T: Send> Sync for SpinMutex<T> {}

impl<T> SpinMutex<T> {
    crate::atomic::const_fn_unless_loom! {
        /// An unlocked mutex holding `value`.
        pub(crate) const fn new(value: T) -> Self {
            Self {
                locked: AtomicBool::new(false),
                value: UnsafeCell::new(value),
            }
        }
    }

    /// Spins until the lock is free, then takes it.
    pub(crate) fn lock(&self) -> SpinMutexGuard<'_, T> {
        // Acquire on success pairs with the Release in the guard's `drop`.
        while self
            .locked
            .compare_exchange_weak(false, true, Ordering::Acquire, Ordering::Relaxed)
            .is_err()
        {
            // Read-only wait: spinning on compare-exchange would keep
            // stealing the cache line from the holder.
            while self.locked.load(Ordering::Relaxed) {
                spin_loop();
            }
        }
        SpinMutexGuard {
            mutex: self,
            _not_sync_unless_t_sync: PhantomData,
        }
    }
}

/// Exclusive access to a [`SpinMutex`]'s value; unlocks on drop (also when
/// unwinding, so a panic inside a critical section cannot wedge the lock).
pub(crate) struct SpinMutexGuard<'a, T> {
    mutex: &'a SpinMutex<T>,
    /// Makes the guard `Sync` only for `T: Sync` (and `Send` only for
    /// `T: Send`): `&guard` hands out `&T`, like `&mut T` would.
    _not_sync_unless_t_sync: PhantomData<&'a mut T>,
}

impl<T> Deref for SpinMutexGuard<'_, T> {
    type Target = T;

    fn deref(&self) -> &T {
        // SAFETY: the guard exists only while this thread holds the lock, so
        // no other reference to the value exists outside this guard, and the
        // returned borrow cannot outlive the guard.
        unsafe { &*self.mutex.value.get() }
    }
}

impl<T> DerefMut for SpinMutexGuard<'_, T> {
    fn deref_mut(&mut self) -> &mut T {
        // SAFETY: as in `deref`; `&mut self` additionally rules out other
        // borrows through this same guard.
        unsafe { &mut *self.mutex.value.get() }
    }
}

impl<T> Drop for SpinMutexGuard<'_, T> {
    fn drop(&mut self) {
        // Release publishes every write made under the lock to the next
        // holder's Acquire.
        self.mutex.locked.store(false, Ordering::Release);
    }
}
