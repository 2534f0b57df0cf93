#!/usr/bin/env bash
# The whole test suite: formatting, lints, host tests (unit, integration,
# doctests, trybuild UI tests), no_std builds for Cortex-M, the core's tests
# under Miri, and every example run with its output checked.
set -euo pipefail
cd "$(dirname "$0")/.."

step() { printf '\n== %s\n' "$*"; }

bash scripts/setup.sh

step "cargo fmt --check (the workspace and the bare-metal example's own workspace)"
cargo fmt --all -- --check
cargo fmt --manifest-path examples/bare-metal/Cargo.toml -- --check

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
cargo build -p wrt-async-core --no-default-features --features component-model-async --target thumbv7em-none-eabihf
cargo build -p wrt-async-core --no-default-features --features critical-section,component-model-async --target thumbv6m-none-eabi

step "the Component Model's no-heap tier without alloc (BoundedComponentTable)"
cargo test -p wrt-async-core --no-default-features --features component-model-async --test component_model_bounded
cargo clippy -p wrt-async-core --lib --test component_model_bounded --no-default-features --features component-model-async -- -D warnings

step "Miri: cargo +nightly miri test -p wrt-async-core"
MIRIFLAGS="${MIRIFLAGS:--Zmiri-strict-provenance}" cargo +nightly miri test -p wrt-async-core --tests

step "Miri: the Component Model bridge, both tiers (their property tests run a few cases under Miri)"
MIRIFLAGS="${MIRIFLAGS:--Zmiri-strict-provenance}" cargo +nightly miri test -p wrt-async-core --features component-model-async --test component_model
MIRIFLAGS="${MIRIFLAGS:--Zmiri-strict-provenance}" cargo +nightly miri test -p wrt-async-core --features component-model-async --test component_model_bounded

# --- Reliability evidence (docs/reliability.md) -------------------------

step "reliability: Miri under 8 schedules (-Zmiri-many-seeds) over the threaded tests"
# Each seed is a different thread schedule and weak-memory outcome; the
# filters pick the tests that run more than one thread (about 70 s).
MIRIFLAGS="-Zmiri-strict-provenance -Zmiri-many-seeds=0..8" \
  cargo +nightly miri test -p wrt-async-core \
  --test fallback --test pool --test semaphore --test registry_race --test faults --test blocking \
  -- thread contention concurrent races spinning wakers_ meanwhile blocking_work

step "reliability: loom models of the registry, fallback executor, pools and semaphore"
# The real code on loom's atomics and cells (src/atomic.rs); every model is
# explored exhaustively and prints how many executions that took. A target
# directory of its own: `--cfg loom` changes every crate's build.
RUSTFLAGS="--cfg loom" CARGO_TARGET_DIR=target/loom \
  cargo test -p wrt-async-core --release --test 'loom_*' -- --nocapture

step "reliability: model-based test (10,000 random sequences) and fault injection"
cargo test -p wrt-async-core --test model --test faults --test faulty_executor -- --nocapture

step "reliability: fuzzing the macro expansions (15 s per macro)"
WRT_FUZZ_SECONDS=15 cargo test -p wrt-macro-fuzz -- --nocapture

step "benchmark harness, smoke mode (every case briefly; the full run is in docs/performance.md)"
cargo bench -p wrt-bench -- --smoke
# The same harness on wrt-async-core's no_std tier (scripts/bench-callgrind.sh
# measures both): its wrt cases must build and run without std.
test "$(cargo bench -p wrt-bench --no-default-features -- --wrt-tier)" = no_std
cargo bench -p wrt-bench --no-default-features -- --smoke --filter /wrt- >/dev/null

step "examples"
bash scripts/run-examples.sh

step "all checks passed"
