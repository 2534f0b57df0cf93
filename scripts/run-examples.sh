#!/usr/bin/env bash
# Runs every example and checks what it prints and its exit status.
set -euo pipefail
cd "$(dirname "$0")/.."

expect() { # expect <name> <needle> -- <command...>
  local name=$1 needle=$2
  shift 3
  local out
  if ! out=$("$@" 2>&1); then
    printf '%s\n' "$out"
    echo "example $name: exited with failure" >&2
    return 1
  fi
  if ! grep -qF -- "$needle" <<<"$out"; then
    printf '%s\n' "$out"
    echo "example $name: output lacks '$needle'" >&2
    return 1
  fi
  echo "example $name: ok"
}

expect demo "demo finished on the fallback executor" -- cargo run -q -p wrt-examples --bin demo
expect tokio "tokio example finished" -- cargo run -q -p wrt-examples --bin tokio
expect embassy "pipeline on embassy: 9712983423520216986" -- cargo run -q -p wrt-examples --bin embassy
expect round_robin "round-robin example finished" -- cargo run -q -p wrt-examples --bin round_robin
expect components "components example finished" -- cargo run -q -p wrt-examples --bin components
if [ -f scripts/run-bare-metal.sh ]; then
  bash scripts/run-bare-metal.sh
fi
