//! How every image of this example ends: the run script looks for the
//! success line and the exit status that semihosting hands to QEMU.

use core::panic::PanicInfo;

use cortex_m_semihosting::{debug, hprintln};

/// Prints the line `scripts/run-bare-metal.sh` checks for and ends the QEMU
/// run with success.
pub fn pass() -> ! {
    hprintln!("bare-metal: all checks passed");
    debug::exit(debug::EXIT_SUCCESS);
    halt()
}

/// Reports a failure and ends the QEMU run with a non-zero exit status.
pub fn fail(what: core::fmt::Arguments<'_>) -> ! {
    hprintln!("bare-metal: FAILED: {}", what);
    debug::exit(debug::EXIT_FAILURE);
    halt()
}

/// Only reached without a semihosting host.
fn halt() -> ! {
    loop {
        cortex_m::asm::wfi();
    }
}

/// Failed assertions land here too: print the message and location, then
/// exit with a failure status so that the run script sees it.
#[panic_handler]
fn panic(info: &PanicInfo<'_>) -> ! {
    fail(format_args!("{info}"))
}
