//! Executor tracing: spawn, completion, panic, pool exhaustion and shutdown,
//! through `log` (feature `log`) and/or `defmt` (feature `defmt`). Without
//! either feature every trace point compiles to nothing.

/// Emits a debug-level event to every enabled logging backend. The format
/// string must be understood by both `log` and `defmt`: plain `{}` with
/// integers and `&str`.
macro_rules! event {
    ($($arg:tt)*) => {{
        #[cfg(feature = "log")]
        ::log::debug!(target: "wrt_async", $($arg)*);
        #[cfg(feature = "defmt")]
        ::defmt::debug!($($arg)*);
    }};
}

/// Like [`event!`], at warning level: things a user should look at.
macro_rules! warning {
    ($($arg:tt)*) => {{
        #[cfg(feature = "log")]
        ::log::warn!(target: "wrt_async", $($arg)*);
        #[cfg(feature = "defmt")]
        ::defmt::warn!($($arg)*);
    }};
}

pub(crate) use {event, warning};
