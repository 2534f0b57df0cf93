//! Support for the attribute macros. Not public API: no semver guarantees.

use core::cell::UnsafeCell;
use core::future::Future;
use core::mem::MaybeUninit;

pub use crate::context::{EnterGuard, enter};
use crate::{ExecutorError, TaskPool, WrtExecutor, current_executor};

/// A function item that builds a task's future from its arguments; lets
/// `const fn`s below name the unnameable future type of an `async fn`.
#[diagnostic::on_unimplemented(
    message = "`#[wrt::task]` futures must be `Send + 'static` with a `Send` output",
    note = "every value held across an `.await` in a task must be `Send`, and arguments must not borrow"
)]
pub trait TaskFn<Args>: Copy {
    /// The future the function returns.
    type Fut: Future<Output: Send> + Send + 'static;
}

macro_rules! task_fn {
    ($($arg:ident),*) => {
        impl<F, Fut, $($arg,)*> TaskFn<($($arg,)*)> for F
        where
            F: Copy + FnOnce($($arg,)*) -> Fut,
            Fut: Future<Output: Send> + Send + 'static,
        {
            type Fut = Fut;
        }
    };
}

task_fn!();
task_fn!(A0);
task_fn!(A0, A1);
task_fn!(A0, A1, A2);
task_fn!(A0, A1, A2, A3);
task_fn!(A0, A1, A2, A3, A4);
task_fn!(A0, A1, A2, A3, A4, A5);
task_fn!(A0, A1, A2, A3, A4, A5, A6);
task_fn!(A0, A1, A2, A3, A4, A5, A6, A7);
task_fn!(A0, A1, A2, A3, A4, A5, A6, A7, A8);
task_fn!(A0, A1, A2, A3, A4, A5, A6, A7, A8, A9);
task_fn!(A0, A1, A2, A3, A4, A5, A6, A7, A8, A9, A10);
task_fn!(A0, A1, A2, A3, A4, A5, A6, A7, A8, A9, A10, A11);
task_fn!(A0, A1, A2, A3, A4, A5, A6, A7, A8, A9, A10, A11, A12);
task_fn!(A0, A1, A2, A3, A4, A5, A6, A7, A8, A9, A10, A11, A12, A13);
task_fn!(
    A0, A1, A2, A3, A4, A5, A6, A7, A8, A9, A10, A11, A12, A13, A14
);
task_fn!(
    A0, A1, A2, A3, A4, A5, A6, A7, A8, A9, A10, A11, A12, A13, A14, A15
);

/// Bytes of a `TaskPool<Fut, N>` for the future type of `f`.
pub const fn pool_size<F, Args, Fut, const N: usize>(f: F) -> usize
where
    F: TaskFn<Args, Fut = Fut>,
    Fut: Future<Output: Send> + Send + 'static,
{
    let _ = f;
    size_of::<TaskPool<Fut, N>>()
}

/// Alignment of a `TaskPool<Fut, N>` for the future type of `f`.
pub const fn pool_align<F, Args, Fut, const N: usize>(f: F) -> usize
where
    F: TaskFn<Args, Fut = Fut>,
    Fut: Future<Output: Send> + Send + 'static,
{
    let _ = f;
    align_of::<TaskPool<Fut, N>>()
}

/// An empty `TaskPool<Fut, N>` for the future type of `f`; the macro
/// transmutes it into a [`TaskPoolStorage`] of the same size and alignment.
///
/// Not under `--cfg loom` (src/atomic.rs), whose pools are built at run
/// time: a `#[wrt::task]` pool is a `static`, which cannot hold loom objects.
#[cfg(not(loom))]
pub const fn pool_new<F, Args, Fut, const N: usize>(f: F) -> TaskPool<Fut, N>
where
    F: TaskFn<Args, Fut = Fut>,
    Fut: Future<Output: Send> + Send + 'static,
{
    let _ = f;
    assert!(
        N > 0,
        "a #[wrt::task] pool needs at least one slot: use `pool = 1` or more"
    );
    TaskPool::new()
}

/// Raw static memory for a task pool whose type cannot be named in a
/// `static` on stable Rust (the future of an `async fn`).
#[repr(C)]
pub struct TaskPoolStorage<const SIZE: usize, const ALIGN: usize>
where
    Align<ALIGN>: Alignment,
{
    data: UnsafeCell<[MaybeUninit<u8>; SIZE]>,
    _align: Align<ALIGN>,
}

// SAFETY: the bytes are a `TaskPool`, which is `Sync` (its futures are Send,
// enforced by `TaskFn`); the storage adds no state of its own.
unsafe impl<const SIZE: usize, const ALIGN: usize> Sync for TaskPoolStorage<SIZE, ALIGN> where
    Align<ALIGN>: Alignment
{
}

/// The pool stored in `storage`.
///
/// # Safety
/// `storage` was initialised from `pool_new::<_, _, _, N>(f)` with the same
/// function `f`, so it holds a valid `TaskPool<Fut, N>`.
pub const unsafe fn pool_ref<F, Args, Fut, const N: usize, const SIZE: usize, const ALIGN: usize>(
    storage: &'static TaskPoolStorage<SIZE, ALIGN>,
    f: F,
) -> &'static TaskPool<Fut, N>
where
    F: TaskFn<Args, Fut = Fut>,
    Fut: Future<Output: Send> + Send + 'static,
    Align<ALIGN>: Alignment,
{
    let _ = f;
    // SAFETY: per the contract, the bytes are a `TaskPool<Fut, N>` of exactly
    // this size and alignment, inside an `UnsafeCell` (its atomics mutate).
    unsafe { &*storage.data.get().cast::<TaskPool<Fut, N>>() }
}

/// A zero-sized type with alignment `N`.
#[repr(transparent)]
pub struct Align<const N: usize>([<Self as Alignment>::Archetype; 0])
where
    Self: Alignment;

/// Implemented by `Align<N>` for every power of two the pools may need.
pub trait Alignment {
    /// A zero-sized type aligned to `N`.
    type Archetype;
}

macro_rules! alignments {
    ($($name:ident = $n:literal),* $(,)?) => {$(
        #[doc(hidden)]
        #[repr(align($n))]
        pub struct $name;
        impl Alignment for Align<$n> {
            type Archetype = $name;
        }
    )*};
}

alignments!(
    Align1 = 1,
    Align2 = 2,
    Align4 = 4,
    Align8 = 8,
    Align16 = 16,
    Align32 = 32,
    Align64 = 64,
    Align128 = 128,
    Align256 = 256,
    Align512 = 512,
    Align1024 = 1024,
    Align2048 = 2048,
    Align4096 = 4096,
);

/// Runs the body of `#[wrt::main]` on the current executor.
pub fn block_on_main<F: Future>(future: F) -> F::Output {
    match current_executor().block_on(future) {
        Ok(output) => output,
        Err(error) => panic!("#[wrt::main]: the executor could not run main: {error}"),
    }
}

/// Registers the executor of `#[wrt::main(executor = ..)]`.
#[cfg(feature = "alloc")]
pub fn register_main<E: WrtExecutor + 'static>(executor: E) {
    if let Err(error) = crate::register_executor(alloc::boxed::Box::new(executor)) {
        panic!("#[wrt::main(executor = ..)]: {error}");
    }
}

/// Registers the executor of `#[wrt::main(executor = ..)]` (no heap: it must
/// be a `&'static` executor).
#[cfg(not(feature = "alloc"))]
pub fn register_main(executor: &'static dyn WrtExecutor) {
    if let Err(error) = crate::register_executor_static(executor) {
        panic!("#[wrt::main(executor = ..)]: {error}");
    }
}

/// The entry point of `#[wrt::main(entry = ..)]`: runs `body`, then keeps
/// driving spawned tasks forever (idling through the executor's idle hook).
pub fn run_entry<F: Future<Output = ()>>(body: F) -> ! {
    let executor = current_executor();
    if let Err(error) = executor.block_on(body) {
        panic!("#[wrt::main]: the executor could not run main: {error}");
    }
    // Spawned tasks go on after main's body returned.
    let outcome = executor.block_on(core::future::pending::<core::convert::Infallible>());
    let error = match outcome {
        Err(error) => error,
        Ok(never) => match never {},
    };
    panic!("#[wrt::main]: the executor stopped: {error}");
}

/// Leaks the executor of `#[wrt::test(executor = ..)]` so it is `'static`
/// (a test process is short-lived).
#[cfg(feature = "alloc")]
pub fn leak_executor<E: WrtExecutor + 'static>(executor: E) -> &'static dyn WrtExecutor {
    alloc::boxed::Box::leak(alloc::boxed::Box::new(executor))
}

/// Runs a test body on `executor`, making it current on this thread.
pub fn block_on_test<F: Future>(executor: &'static dyn WrtExecutor, future: F) -> F::Output {
    let _current = enter(executor);
    match executor.block_on(future) {
        Ok(output) => output,
        Err(error) => panic!("#[wrt::test]: the executor could not run the test: {error}"),
    }
}

/// Keeps `ExecutorError` reachable for generated code.
pub type Error = ExecutorError;
