//! Builds and runs `renamed-dependency/`, a crate that depends on
//! wrt-async-core only as `wrt = { package = "wrt-async-core", .. }`, and
//! runs its `#[wrt::test]`s: the macros must resolve `::wrt` from its
//! Cargo.toml without `crate = ..`.

use std::path::{Path, PathBuf};
use std::process::Command;

fn cargo(subcommand: &str) -> Command {
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR")).join("renamed-dependency/Cargo.toml");
    // A directory of its own inside the workspace's target directory: the
    // outer `cargo test` holds the lock of the main build directory.
    let target: PathBuf = Path::new(env!("CARGO_TARGET_TMPDIR")).join("renamed-dependency");
    let mut command = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()));
    command
        .arg(subcommand)
        .arg("--quiet")
        .arg("--manifest-path")
        .arg(manifest)
        .env("CARGO_TARGET_DIR", target);
    command
}

#[test]
fn renamed_dependency_builds_runs_and_tests() {
    let run = cargo("run").output().expect("cargo runs");
    assert!(
        run.status.success(),
        "cargo run failed:\n{}",
        String::from_utf8_lossy(&run.stderr)
    );
    assert!(String::from_utf8_lossy(&run.stdout).contains("renamed dependency: ok"));

    let test = cargo("test").output().expect("cargo runs");
    assert!(
        test.status.success(),
        "cargo test failed:\n{}{}",
        String::from_utf8_lossy(&test.stdout),
        String::from_utf8_lossy(&test.stderr)
    );
    assert!(String::from_utf8_lossy(&test.stdout).contains("1 passed"));
}
