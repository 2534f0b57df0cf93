#!/usr/bin/env bash
# The whole test suite: formatting, lints, host tests (unit, integration,
# doctests, trybuild UI tests), no_std builds for Cortex-M, the core's tests
# under Miri, and every example run with its output checked.
set -euo pipefail
cd "$(dirname "$0")/.."

step() { printf '\n== %s\n' "$*"; }

bash scripts/setup.sh

step "cargo fmt --check"
cargo fmt --all -- --check

step "cargo clippy (workspace, all targets, -D warnings)"
cargo clippy --workspace --all-targets -- -D warnings

step "cargo test --workspace"
cargo test --workspace

step "cargo test -p wrt-async-core --features log (trace points)"
cargo test -p wrt-async-core --features log --test logging

step "no_std builds of wrt-async-core"
cargo build -p wrt-async-core --no-default-features --target thumbv7em-none-eabihf
cargo build -p wrt-async-core --no-default-features --features alloc --target thumbv7em-none-eabihf
cargo build -p wrt-async-core --no-default-features --features critical-section --target thumbv6m-none-eabi
cargo build -p wrt-async-core --no-default-features --features defmt --target thumbv7em-none-eabihf

step "Miri: cargo +nightly miri test -p wrt-async-core"
MIRIFLAGS="${MIRIFLAGS:--Zmiri-strict-provenance}" cargo +nightly miri test -p wrt-async-core --tests

step "Miri: the Component Model bridge (its property test runs a few cases under Miri)"
MIRIFLAGS="${MIRIFLAGS:--Zmiri-strict-provenance}" cargo +nightly miri test -p wrt-async-core --features component-model-async --test component_model

step "examples"
bash scripts/run-examples.sh

step "all checks passed"
