//! Puts the memory map of the QEMU machine for the target being built into
//! the linker's search path as `memory.x`, which cortex-m-rt's `link.x`
//! includes. One source tree, two machines: the choice follows the target.

use std::path::PathBuf;
use std::{env, fs};

fn main() {
    let target = env::var("TARGET").expect("cargo sets TARGET for build scripts");
    let (machine, description) = match target.as_str() {
        "thumbv7em-none-eabihf" => ("mps2-an386", "Cortex-M4F"),
        "thumbv6m-none-eabi" => ("microbit", "Cortex-M0"),
        other => panic!(
            "wrt-bare-metal runs on thumbv7em-none-eabihf (QEMU mps2-an386) or \
             thumbv6m-none-eabi (QEMU microbit), not on `{other}`"
        ),
    };
    let source = format!("memory/{machine}.x");
    let out = PathBuf::from(env::var_os("OUT_DIR").expect("cargo sets OUT_DIR"));
    fs::copy(&source, out.join("memory.x")).expect("copy the memory map into OUT_DIR");
    println!("cargo:rustc-link-search={}", out.display());
    // The program names its target and machine in its first line of output.
    println!("cargo:rustc-env=BARE_METAL_TARGET={target}");
    println!("cargo:rustc-env=BARE_METAL_MACHINE=QEMU {machine} ({description})");
    println!("cargo:rerun-if-changed={source}");
    println!("cargo:rerun-if-changed=build.rs");
}
