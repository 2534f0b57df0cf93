#!/usr/bin/env bash
# Builds examples/bare-metal for a Cortex-M4F and a Cortex-M0 (and its
# `embassy` binary, wrt tasks on embassy-executor, for the Cortex-M4F, and its
# `components` binary, the Component Model's no-heap tier, for both), runs each image
# in QEMU (semihosting prints and carries the exit status), checks that it
# passed, and prints the section sizes. Exits non-zero on any failure.
#
# Installs what it needs on a fresh machine: qemu-system-arm (apt-get) and
# the two Rust targets (rustup). Needs cargo/rustup and python3.
#
#   scripts/run-bare-metal.sh
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
example="$root/examples/bare-metal"
# The example is its own workspace; pinning its target dir (even if
# CARGO_TARGET_DIR is set) tells us where the images are.
target_dir="$example/target"
final_line='bare-metal: all checks passed'
timeout_secs=60

# target | QEMU -machine | QEMU -cpu | binary | cargo features ("-": none)
configs=(
    "thumbv7em-none-eabihf mps2-an386 cortex-m4 wrt-bare-metal -"
    "thumbv6m-none-eabi microbit cortex-m0 wrt-bare-metal -"
    "thumbv7em-none-eabihf mps2-an386 cortex-m4 embassy embassy"
    "thumbv7em-none-eabihf mps2-an386 cortex-m4 components components"
    "thumbv6m-none-eabi microbit cortex-m0 components components"
)

log() { printf '==> %s\n' "$*"; }

apt_install() {
    local sudo=()
    if [ "$(id -u)" -ne 0 ]; then
        sudo=(sudo)
    fi
    log "installing $* (apt-get)"
    "${sudo[@]}" apt-get update -qq
    "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@"
}

if ! command -v qemu-system-arm >/dev/null; then
    apt_install qemu-system-arm
fi
if ! command -v python3 >/dev/null; then
    apt_install python3
fi
if ! command -v rustup >/dev/null; then
    echo "run-bare-metal.sh needs rustup (https://rustup.rs) for the thumb targets" >&2
    exit 1
fi
installed_targets=$(rustup target list --installed)
for config in "${configs[@]}"; do
    read -r target _ <<<"$config"
    if ! grep -qx "$target" <<<"$installed_targets"; then
        log "rustup target add $target"
        rustup target add "$target"
    fi
done

# Prints the sizes of the allocated sections of a 32-bit little-endian ELF,
# and what they add up to in flash and RAM. Reads the section headers
# directly, so no binutils for ARM are needed.
print_sizes() {
    python3 - "$1" <<'EOF'
import struct, sys

data = open(sys.argv[1], "rb").read()
assert data[:4] == b"\x7fELF" and data[4] == 1 and data[5] == 1, "not an ELF32 LE file"
shoff, = struct.unpack_from("<I", data, 0x20)
shentsize, shnum, shstrndx = struct.unpack_from("<HHH", data, 0x2E)

def header(i):
    # name, type, flags, addr, offset, size
    return struct.unpack_from("<IIIIII", data, shoff + i * shentsize)

strtab = header(shstrndx)
def name(offset):
    start = strtab[4] + offset
    return data[start:data.index(b"\0", start)].decode()

SHF_ALLOC, SHF_WRITE, SHT_NOBITS = 0x2, 0x1, 8
flash = ram = 0
rows = []
for i in range(shnum):
    n, kind, flags, _, _, size = header(i)
    if not flags & SHF_ALLOC or size == 0:
        continue
    rows.append((name(n), size))
    if kind != SHT_NOBITS:
        flash += size  # stored in the image (.data is copied to RAM at boot)
    if flags & SHF_WRITE:
        ram += size
for section, size in rows:
    print(f"    {section:<16} {size:>7} bytes")
print(f"    {'flash (image)':<16} {flash:>7} bytes")
print(f"    {'static RAM':<16} {ram:>7} bytes (plus the stack)")
EOF
}

failures=0
for config in "${configs[@]}"; do
    read -r target machine cpu bin features <<<"$config"
    feature_args=()
    if [ "$features" != "-" ]; then
        feature_args=(--features "$features")
    fi
    log "building $bin for $target"
    (cd "$example" && cargo build --release --target "$target" --target-dir "$target_dir" \
        --bin "$bin" "${feature_args[@]}")
    elf="$target_dir/$target/release/$bin"

    log "running $bin ($target) on QEMU $machine ($cpu)"
    status=0
    output=$(timeout "$timeout_secs" qemu-system-arm -cpu "$cpu" -machine "$machine" \
        -nographic -monitor none -serial none \
        -semihosting-config enable=on,target=native -kernel "$elf" </dev/null 2>&1) || status=$?
    printf '%s\n' "$output" | sed 's/^/    | /'

    if [ "$status" -eq 124 ]; then
        log "FAIL $bin $target: no exit within ${timeout_secs}s"
        failures=$((failures + 1))
    elif [ "$status" -ne 0 ]; then
        log "FAIL $bin $target: exit status $status"
        failures=$((failures + 1))
    elif ! grep -qxF "$final_line" <<<"$output"; then
        log "FAIL $bin $target: exit status 0 but no '$final_line'"
        failures=$((failures + 1))
    else
        log "ok $bin $target"
    fi

    log "sizes of $bin ($target)"
    print_sizes "$elf"
done

if [ "$failures" -ne 0 ]; then
    log "$failures of ${#configs[@]} bare-metal runs failed"
    exit 1
fi
log "all ${#configs[@]} bare-metal runs passed"
