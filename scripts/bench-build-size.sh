#!/usr/bin/env bash
# Build-side figures for docs/performance.md:
#
#   - clean release build time and binary size of the same small program on
#     wrt-async (#[wrt::main] + #[wrt::task]) and on embassy-executor
#     (benches/build-size/{wrt,embassy}, each its own workspace), each build
#     with a fresh CARGO_TARGET_DIR, alternating, median of RUNS (default 3);
#   - flash and RAM of the bare-metal example on thumbv7em (.text, .data,
#     .bss, read from the ELF section headers like scripts/run-bare-metal.sh
#     does) and how much of .text is wrt-async code, by function symbols.
#
# Writes target/wrt-bench/build-size.tsv, which scripts/bench-callgrind.sh
# puts into the generated section of docs/performance.md.
#
#   scripts/bench-build-size.sh            # ~3-5 minutes on 2 cores
#   RUNS=1 scripts/bench-build-size.sh     # one build each
#
# Needs cargo, python3 and the thumbv7em-none-eabihf target (rustup).
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
out="$root/target/wrt-bench"
mkdir -p "$out"
runs=${RUNS:-3}
log() { printf '==> %s\n' "$*" >&2; }

# Section sizes and symbol sums of an ELF file (32- or 64-bit, little
# endian), as `key<TAB>value` lines: text, data, bss, and for each PATTERN
# given the total size of the function symbols whose (mangled) name holds it
# (a PATTERN may list alternatives separated by `|`).
elf_figures() {
    python3 - "$@" <<'EOF'
import struct, sys

path, patterns = sys.argv[1], sys.argv[2:]
data = open(path, "rb").read()
assert data[:4] == b"\x7fELF" and data[5] == 1, "not a little-endian ELF file"
is64 = data[4] == 2
if is64:
    shoff, = struct.unpack_from("<Q", data, 0x28)
    shentsize, shnum, shstrndx = struct.unpack_from("<HHH", data, 0x3A)
    def header(i):
        # name, type, flags, addr, offset, size, link
        n, t, f, a, o, s, l = struct.unpack_from("<IIQQQQI", data, shoff + i * shentsize)
        return n, t, f, o, s, l
else:
    shoff, = struct.unpack_from("<I", data, 0x20)
    shentsize, shnum, shstrndx = struct.unpack_from("<HHH", data, 0x2E)
    def header(i):
        n, t, f, a, o, s, l = struct.unpack_from("<IIIIIII", data, shoff + i * shentsize)
        return n, t, f, o, s, l

def cstr(offset):
    return data[offset:data.index(b"\0", offset)].decode(errors="replace")

strtab = header(shstrndx)
sections = {}
symtab = None
for i in range(shnum):
    h = header(i)
    name = cstr(strtab[3] + h[0])
    sections[name] = h
    if h[1] == 2:  # SHT_SYMTAB
        symtab = h

def size_of(prefix):
    return sum(h[4] for n, h in sections.items() if n == prefix or n.startswith(prefix + "."))

print(f"text\t{size_of('.text')}")
print(f"data\t{size_of('.data')}")
print(f"bss\t{size_of('.bss')}")
totals = {p: 0 for p in patterns}
if symtab is not None:
    names = header(symtab[5])
    entsize = 24 if is64 else 16
    for off in range(symtab[3], symtab[3] + symtab[4], entsize):
        if is64:
            st_name, st_info, _, _, _, st_size = struct.unpack_from("<IBBHQQ", data, off)
        else:
            st_name, _, st_size, st_info, _, _ = struct.unpack_from("<IIIBBH", data, off)
        if st_info & 0xF != 2:  # STT_FUNC
            continue
        name = cstr(names[3] + st_name)
        for p in patterns:
            if any(alt in name for alt in p.split("|")):
                totals[p] += st_size
for p in patterns:
    print(f"sym:{p}\t{totals[p]}")
EOF
}

figure() { sed -n "s/^$1\t//p"; }

median() { python3 -c 'import statistics, sys; print(f"{statistics.median(float(x) for x in sys.argv[1:]):.1f}")' "$@"; }

declare -A times
for program in wrt embassy; do
    log "fetching the dependencies of benches/build-size/$program"
    (cd "$root/benches/build-size/$program" && cargo fetch -q)
    times[$program]=""
done
for run in $(seq 1 "$runs"); do
    for program in wrt embassy; do
        dir=$(mktemp -d)
        log "clean build $run/$runs of benches/build-size/$program"
        start=$(date +%s.%N)
        (cd "$root/benches/build-size/$program" && CARGO_TARGET_DIR="$dir" cargo build --release --offline -q)
        end=$(date +%s.%N)
        times[$program]+=" $(python3 -c "print($end - $start)")"
        if [ "$run" -eq 1 ]; then
            cp "$dir/release/build-size-$program" "$out/build-size-$program"
        fi
        rm -rf "$dir"
    done
done

tsv="$out/build-size.tsv"
{
    echo "# figure	value (scripts/bench-build-size.sh, $runs clean builds each)"
    for program in wrt embassy; do
        bin="$out/build-size-$program"
        figs=$(elf_figures "$bin")
        printf 'clean build, %s program (s)\t%s\n' "$program" "$(median ${times[$program]})"
        printf 'clean build, %s program, each run (s)\t%s\n' "$program" "$(python3 -c 'import sys; print(" ".join(f"{float(x):.1f}" for x in sys.argv[1:]))' ${times[$program]})"
        printf 'binary size, %s program (B)\t%s\n' "$program" "$(stat -c %s "$bin")"
        printf '.text, %s program (B)\t%s\n' "$program" "$(figure text <<<"$figs")"
    done

    log "building examples/bare-metal for thumbv7em-none-eabihf"
    example="$root/examples/bare-metal"
    (cd "$example" && cargo build -q --release --target thumbv7em-none-eabihf --target-dir "$example/target")
    elf="$example/target/thumbv7em-none-eabihf/release/wrt-bare-metal"
    # Every function of the fallback module: the executor's generic shell and
    # its engine (mangled paths hold `wrt_async_core8fallback`; trait impls
    # such as `<.. as WrtExecutor>::spawn_task` hold `wrt_async_core..fallback`).
    fallback='wrt_async_core8fallback|wrt_async_core..fallback'
    figs=$(elf_figures "$elf" "$fallback" wrt_async_core)
    text=$(figure text <<<"$figs")
    data=$(figure data <<<"$figs")
    bss=$(figure bss <<<"$figs")
    printf 'bare-metal thumbv7em: .text (B)\t%s\n' "$text"
    printf 'bare-metal thumbv7em: .data (B)\t%s\n' "$data"
    printf 'bare-metal thumbv7em: .bss (B)\t%s\n' "$bss"
    printf 'bare-metal thumbv7em: flash, .text + .rodata + .data (B)\t%s\n' "$(python3 - "$elf" <<'EOF'
import struct, sys
data = open(sys.argv[1], "rb").read()
shoff, = struct.unpack_from("<I", data, 0x20)
shentsize, shnum, _ = struct.unpack_from("<HHH", data, 0x2E)
total = 0
for i in range(shnum):
    _, kind, flags, _, _, size = struct.unpack_from("<IIIIII", data, shoff + i * shentsize)
    if flags & 0x2 and kind != 8:  # SHF_ALLOC, not NOBITS
        total += size
print(total)
EOF
)"
    printf 'bare-metal thumbv7em: static RAM, .data + .bss (B)\t%s\n' "$((data + bss))"
    printf 'bare-metal thumbv7em: wrt executor code (.text, B)\t%s\n' "$(figure "sym:$fallback" <<<"$figs")"
    printf 'bare-metal thumbv7em: all wrt-async-core code (.text, B)\t%s\n' "$(figure sym:wrt_async_core <<<"$figs")"
} >"$tsv"
cat "$tsv"
log "wrote $tsv"
