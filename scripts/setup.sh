#!/usr/bin/env bash
# Installs what the test suite needs on a fresh machine: the embedded rustup
# targets, a nightly toolchain with Miri, and QEMU for the bare-metal example.
# Idempotent: every step is skipped when already done.
set -euo pipefail

log() { printf '\n== setup: %s\n' "$*"; }

targets=(thumbv7em-none-eabihf thumbv6m-none-eabi)
installed_targets=$(rustup target list --installed)
for t in "${targets[@]}"; do
  if ! grep -qx "$t" <<<"$installed_targets"; then
    log "rustup target add $t"
    rustup target add "$t"
  fi
done

if ! rustup run nightly rustc --version >/dev/null 2>&1; then
  log "installing nightly (Miri only)"
  rustup toolchain install nightly --profile minimal --component miri,rust-src
else
  components=$(rustup component list --toolchain nightly --installed)
  for c in miri rust-src; do
    if ! grep -q "^$c" <<<"$components"; then
      log "rustup component add --toolchain nightly $c"
      rustup component add --toolchain nightly "$c"
    fi
  done
fi
# Builds Miri's sysroot once, quietly, so test output stays readable.
cargo +nightly miri setup >/dev/null 2>&1 || cargo +nightly miri setup

if ! command -v qemu-system-arm >/dev/null 2>&1; then
  log "apt-get install qemu-system-arm"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq qemu-system-arm >/dev/null
fi
