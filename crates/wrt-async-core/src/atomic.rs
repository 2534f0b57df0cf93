//! The atomics (and the other concurrency primitives) the crate uses.
//!
//! `portable-atomic` maps to `core` atomics where the target has them and,
//! on targets without compare-and-swap (thumbv6m), to a critical section the
//! application provides (feature `critical-section`): the application
//! chooses, never this library.
//!
//! Under `--cfg loom` (the model checks in `tests/loom_*.rs`, see
//! docs/reliability.md) every primitive here is loom's instead, so that loom
//! explores the interleavings of the real executor, pool, registry and
//! semaphore code: atomics, `UnsafeCell` (whose accesses loom checks for data
//! races), the mutex and condition variable of the parker, spin hints and
//! thread yields. Loom's constructors are not `const`; the two macros below
//! keep the normal build's `const fn`s and `static`s as they are and make
//! them plain `fn`s and per-execution lazy statics under loom only.

#[cfg(not(loom))]
pub(crate) use portable_atomic::{AtomicBool, AtomicU8, AtomicU32, AtomicUsize, Ordering};

#[cfg(loom)]
pub(crate) use self::seq_cst_model::{AtomicBool, AtomicU8, AtomicU32, AtomicUsize, Ordering};

/// Task ids: 64 bits where the target has 64-bit atomics, else 32 bits
/// (unique for the first 2^32 spawns of an executor).
#[cfg(all(target_has_atomic = "64", not(loom)))]
pub(crate) type IdCounter = portable_atomic::AtomicU64;
#[cfg(all(target_has_atomic = "64", loom))]
pub(crate) type IdCounter = self::seq_cst_model::AtomicU64;

/// Loom's atomics, with `SeqCst` made to mean what the crate relies on.
///
/// Loom treats a `SeqCst` access as `AcqRel` (its README: "causing Loom to
/// generate false alarms"), which breaks the store-then-load pairs the
/// executor uses (spawn vs. shutdown, sleeper registration vs. notify, the
/// driver hand-off): under C11 one side of each pair must see the other,
/// under loom's model neither has to, and loom then reports lost wake-ups
/// that cannot happen. Loom does model `fence(SeqCst)`, so here every
/// `SeqCst` access is surrounded by SeqCst fences, the textbook way to get
/// the same guarantee. Loom's fence also orders plain memory, which is
/// stronger than C11; see docs/reliability.md for what that can hide.
#[cfg(loom)]
mod seq_cst_model {
    pub(crate) use core::sync::atomic::Ordering;

    use loom::sync::atomic as imp;

    #[inline]
    fn fence_if_seq_cst(order: Ordering) {
        if order == Ordering::SeqCst {
            imp::fence(Ordering::SeqCst);
        }
    }

    macro_rules! atomic {
        ($name:ident, $int:ty $(, $rmw:ident)*) => {
            #[derive(Debug)]
            pub(crate) struct $name(imp::$name);

            #[allow(
                dead_code,
                reason = "one API for every width, of which each type uses a part"
            )]
            impl $name {
                #[track_caller]
                pub(crate) fn new(value: $int) -> Self {
                    Self(imp::$name::new(value))
                }

                #[track_caller]
                pub(crate) fn load(&self, order: Ordering) -> $int {
                    fence_if_seq_cst(order);
                    let value = self.0.load(order);
                    fence_if_seq_cst(order);
                    value
                }

                #[track_caller]
                pub(crate) fn store(&self, value: $int, order: Ordering) {
                    fence_if_seq_cst(order);
                    self.0.store(value, order);
                    fence_if_seq_cst(order);
                }

                #[track_caller]
                pub(crate) fn compare_exchange(
                    &self,
                    current: $int,
                    new: $int,
                    success: Ordering,
                    failure: Ordering,
                ) -> Result<$int, $int> {
                    fence_if_seq_cst(success);
                    let result = self.0.compare_exchange(current, new, success, failure);
                    fence_if_seq_cst(success);
                    result
                }

                #[track_caller]
                pub(crate) fn compare_exchange_weak(
                    &self,
                    current: $int,
                    new: $int,
                    success: Ordering,
                    failure: Ordering,
                ) -> Result<$int, $int> {
                    self.compare_exchange(current, new, success, failure)
                }

                $(
                    #[track_caller]
                    pub(crate) fn $rmw(&self, value: $int, order: Ordering) -> $int {
                        fence_if_seq_cst(order);
                        let value = self.0.$rmw(value, order);
                        fence_if_seq_cst(order);
                        value
                    }
                )*
            }
        };
    }

    atomic!(AtomicBool, bool);
    atomic!(
        AtomicU8, u8, swap, fetch_add, fetch_sub, fetch_and, fetch_or
    );
    atomic!(
        AtomicU32, u32, swap, fetch_add, fetch_sub, fetch_and, fetch_or
    );
    atomic!(
        AtomicUsize,
        usize,
        swap,
        fetch_add,
        fetch_sub,
        fetch_and,
        fetch_or
    );
    atomic!(
        AtomicU64, u64, swap, fetch_add, fetch_sub, fetch_and, fetch_or
    );

    impl AtomicBool {
        /// `swap` as a compare-exchange that writes only when the value
        /// changes. Loom orders stores by vector clocks, so a `swap(true)`
        /// that finds `true` (a thread failing to take the driver role)
        /// leaves a write that loom may order after a concurrent
        /// `store(false)` of the owner, although it read the value that
        /// store replaced: the owner then "reads" `true` back for ever and
        /// loom reports a spin loop that cannot happen. Without that
        /// redundant write the two are equivalent (it writes the value the
        /// flag has, relaxed or, for `SeqCst`, fenced as above).
        #[track_caller]
        pub(crate) fn swap(&self, value: bool, order: Ordering) -> bool {
            let failure = match order {
                Ordering::Release | Ordering::Relaxed => Ordering::Relaxed,
                Ordering::AcqRel => Ordering::Acquire,
                other => other,
            };
            match self.compare_exchange(!value, value, order, failure) {
                Ok(previous) | Err(previous) => previous,
            }
        }
    }
}
#[cfg(not(target_has_atomic = "64"))]
pub(crate) type IdCounter = AtomicU32;

/// Takes the next id from `counter`.
#[inline]
pub(crate) fn take_id(counter: &IdCounter) -> u64 {
    #[cfg(target_has_atomic = "64")]
    {
        counter.fetch_add(1, Ordering::Relaxed)
    }
    #[cfg(not(target_has_atomic = "64"))]
    {
        u64::from(counter.fetch_add(1, Ordering::Relaxed))
    }
}

/// The interior-mutability cell behind every piece of state the crate hands
/// between threads by protocol (task slots, pool stages, waker cells, lock
/// contents).
#[cfg(not(loom))]
pub(crate) use core::cell::UnsafeCell;

/// Loom's `UnsafeCell`, with the raw-pointer API of `core`'s so that the code
/// using it is the same in both builds. Each `get` is checked by loom as a
/// (mutable) access at that point: an access not ordered after the previous
/// one by the crate's own synchronisation fails the model.
#[cfg(loom)]
#[derive(Debug)]
pub(crate) struct UnsafeCell<T: ?Sized>(loom::cell::UnsafeCell<T>);

#[cfg(loom)]
impl<T> UnsafeCell<T> {
    #[track_caller]
    pub(crate) fn new(value: T) -> Self {
        Self(loom::cell::UnsafeCell::new(value))
    }
}

#[cfg(loom)]
impl<T: ?Sized> UnsafeCell<T> {
    #[track_caller]
    pub(crate) fn get(&self) -> *mut T {
        self.0.with_mut(|ptr| ptr)
    }

    #[track_caller]
    pub(crate) fn get_mut(&mut self) -> &mut T {
        // SAFETY: `&mut self` is exclusive access to the cell.
        self.0.with_mut(|ptr| unsafe { &mut *ptr })
    }

    /// Like `core`'s (safe) `raw_get`, so call sites stay the same; unlike
    /// it, this one reads through `this`, which callers only ever pass for
    /// a live cell (loom builds only).
    #[track_caller]
    pub(crate) fn raw_get(this: *const Self) -> *mut T {
        // SAFETY: `this` points to a live cell (see above).
        unsafe { (*this).get() }
    }
}

/// Copies the value out of `cell` as a *read*: readers that run at the same
/// time are fine (loom checks only that no write races with them).
///
/// # Safety
/// No write to `cell` may happen concurrently.
#[inline]
pub(crate) unsafe fn read_cell<T: Copy>(cell: &UnsafeCell<T>) -> T {
    #[cfg(not(loom))]
    {
        // SAFETY: no concurrent write (caller).
        unsafe { *cell.get() }
    }
    #[cfg(loom)]
    {
        // SAFETY: no concurrent write (caller).
        cell.0.with(|ptr| unsafe { *ptr })
    }
}

/// The lock and condition variable a sleeping `block_on` waits on.
#[cfg(all(feature = "std", not(loom)))]
pub(crate) use std::sync::{Condvar, Mutex};

#[cfg(all(feature = "std", loom))]
pub(crate) use loom::sync::{Condvar, Mutex};

/// The body of a spin-wait loop. Loom must be told, or it would explore a
/// spinning thread forever instead of running the one it waits for.
#[inline]
pub(crate) fn spin_loop() {
    #[cfg(not(loom))]
    core::hint::spin_loop();
    #[cfg(loom)]
    loom::hint::spin_loop();
}

/// Lets other threads run while this one waits for them (std).
#[cfg(feature = "std")]
#[inline]
pub(crate) fn yield_now() {
    #[cfg(not(loom))]
    std::thread::yield_now();
    #[cfg(loom)]
    loom::thread::yield_now();
}

/// Wraps a `const fn` that builds atomics or cells: unchanged normally, a
/// plain `fn` under loom (whose constructors are not `const`), so `static`s
/// of these types keep working in the normal build.
macro_rules! const_fn_unless_loom {
    ($(#[$attr:meta])* $vis:vis const fn $name:ident $($rest:tt)*) => {
        #[cfg(not(loom))]
        $(#[$attr])*
        $vis const fn $name $($rest)*
        #[cfg(loom)]
        $(#[$attr])*
        $vis fn $name $($rest)*
    };
}
pub(crate) use const_fn_unless_loom;

/// `[const { $init }; $n]` normally; built at run time under loom.
macro_rules! const_array {
    ($init:expr; $n:expr) => {{
        #[cfg(not(loom))]
        let array = [const { $init }; $n];
        #[cfg(loom)]
        let array = core::array::from_fn(|_| $init);
        array
    }};
}
pub(crate) use const_array;

/// A `static` normally; under loom a lazy static that loom creates afresh in
/// (and drops at the end of) every execution it explores.
macro_rules! static_unless_loom {
    ($(#[$attr:meta])* static $name:ident: $ty:ty = $init:expr;) => {
        #[cfg(not(loom))]
        $(#[$attr])*
        static $name: $ty = $init;
        #[cfg(loom)]
        loom::lazy_static! {
            $(#[$attr])*
            static ref $name: $ty = $init;
        }
    };
}
pub(crate) use static_unless_loom;
