#!/usr/bin/env bash
# Regenerates the benchmark section of docs/performance.md and the chart
# docs/performance.svg:
#
#   1. builds the comparison harness (benches/, `cargo bench -p wrt-bench`);
#   2. counts instructions per operation for every workload/executor pair
#      under callgrind: the harness runs one warm-up operation (all lazy
#      setup) and then N, resp. 2N, operations; (Ir(2N) - Ir(N)) / N is the
#      cost of one operation, with setup and process start-up cancelled;
#      and the same for the task workloads (W2t, W3, W4: wrt and Embassy)
#      of the harness built on wrt-async-core's no_std tier
#      (`--no-default-features`), as a bare-metal program runs it; and
#      (full runs only) one W2t wake of wrt's pool task and of Embassy's,
#      function by function, from callgrind's per-function counts;
#   3. runs the harness once more for timings (all cases in one process),
#      merges the instruction counts and the build figures of
#      scripts/bench-build-size.sh (if it has been run), and writes the
#      markdown tables between the GENERATED markers of docs/performance.md
#      and the SVG chart.
#
#   scripts/bench-callgrind.sh                # everything (~5 minutes)
#   scripts/bench-callgrind.sh --filter W1/   # only cases whose id contains W1/
#
# Needs valgrind (apt-get install valgrind) and python3.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
out="$root/target/wrt-bench"
mkdir -p "$out"

filter=""
if [ "${1:-}" = "--filter" ]; then
    filter="${2:?--filter needs a substring}"
fi

if ! command -v valgrind >/dev/null; then
    echo "bench-callgrind.sh needs valgrind (apt-get install valgrind)" >&2
    exit 1
fi

log() { printf '==> %s\n' "$*" >&2; }

# The harness executable built with the given extra cargo flags.
harness() {
    cargo bench -p wrt-bench --no-run --message-format=json "$@" 2>/dev/null |
        python3 -c '
import json, sys
for line in sys.stdin:
    msg = json.loads(line)
    if msg.get("reason") == "compiler-artifact" and msg.get("executable") and msg["target"]["name"] == "compare":
        print(msg["executable"])
'
}

log "building the harness (cargo bench -p wrt-bench --no-run), and once more on wrt's no_std tier"
bin=$(harness)
bin_no_std=$(harness --no-default-features)
for b in "$bin" "$bin_no_std"; do
    if [ -z "$b" ] || [ ! -x "$b" ]; then
        echo "could not find the harness executable" >&2
        exit 1
    fi
done
if [ "$("$bin" --wrt-tier)" != std ] || [ "$("$bin_no_std" --wrt-tier)" != no_std ]; then
    echo "the two harness builds are not the std and no_std tiers" >&2
    exit 1
fi

# Operations per run, by workload: enough that one run's cost dwarfs the
# noise of the subtraction, few enough that callgrind stays quick.
iters_for() {
    case "$1" in
    W1/*) echo 4000 ;;
    W2/* | W2t/*) echo 20 ;;
    W3/*) echo 200 ;;
    W4/*) echo 10 ;;
    *) echo 100 ;;
    esac
}

# Total instructions (Ir) of one run of harness $1 under callgrind.
instructions() {
    valgrind --tool=callgrind --callgrind-out-file=/dev/null "$1" --only "$2" --iters "$3" 2>&1 |
        sed -n 's/^==[0-9]*== Collected : *\([0-9]*\).*/\1/p'
}

# Instructions per operation of every case of harness $1 that passes the
# filter and matches the pattern $2, written to the TSV file $3.
count_cases() {
    local harness_bin=$1 pattern=$2 tsv=$3
    echo "# id	instructions_per_op	N" >"$tsv"
    for id in $("$harness_bin" --list); do
        if [ -n "$filter" ] && [[ "$id" != *"$filter"* ]]; then
            continue
        fi
        if [[ ! "$id" =~ $pattern ]]; then
            continue
        fi
        n=$(iters_for "$id")
        one=$(instructions "$harness_bin" "$id" "$n")
        two=$(instructions "$harness_bin" "$id" $((2 * n)))
        per_op=$(python3 -c "print(f'{($two - $one) / $n:.1f}')")
        log "$id: $per_op instructions/op"
        printf '%s\t%s\t%s\n' "$id" "$per_op" "$n" >>"$tsv"
    done
}

ir_file="$out/instructions.tsv"
count_cases "$bin" '.' "$ir_file"
# The no_std tier: the task workloads, wrt and the Embassy anchor.
no_std_file="$out/no-std-instructions.tsv"
log "the no_std tier"
count_cases "$bin_no_std" '^(W2t|W3|W4)/(wrt-pool|wrt-boxed|embassy-raw|signal-only)$' "$no_std_file"

# One W2t wake, function by function (full runs only): callgrind's self
# cost of each function over N and 2N operations (1,000 wakes each) for wrt's pool task and Embassy's, on the std build. The rows group
# the functions each executor runs per wake; "everything else" keeps their
# sum equal to the W2t total.
wake_file="$out/wake-account.tsv"
rm -f "$wake_file"
if [ -z "$filter" ]; then
    log "W2t: one wake, function by function"
    n=$(iters_for W2t/)
    for exec in wrt-pool embassy-raw; do
        for k in 1 2; do
            valgrind --tool=callgrind --callgrind-out-file="$out/w2t-$exec-$k.cg" \
                "$bin" --only "W2t/$exec" --iters $((n * k)) >/dev/null 2>&1
        done
    done
    python3 - "$out" "$wake_file" "$n" <<'EOF'
import re, subprocess, sys

out, tsv, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
wakes_per_op = 1000
# (row, parts of the function names it covers: wrt's, then Embassy's)
rows = [
    ("the task's body (`Opaque::poll`, the same function for both)",
     ["workloads::Opaque<F> as core::future::future::Future>::poll"],
     ["workloads::Opaque<F> as core::future::future::Future>::poll"]),
    ("the harness loop (`done()`, `poll_once` / the pender flag)",
     ["compare::cases::wrt::w2t_pool"], ["compare::cases::embassy::w2t"]),
    ("the executor's batch (`Engine::run_woken` / `Executor::poll`)",
     ["Engine::run_woken"], ["raw::Executor::poll"]),
    ("the task's poll wrapper (`PoolSlot::poll_task` / `TaskStorage::poll`)",
     ["RunTask>::poll_task"], ["TaskStorage<F>::poll"]),
    ("the wake (`task_waker_wake` / `raw::waker::wake` and `__pender`)",
     ["task_waker_wake"], ["raw::waker::wake", "__pender"]),
]

def self_costs(path):
    """Self Ir per function (summed over the files it has lines in)."""
    text = subprocess.run(
        ["callgrind_annotate", "--auto=no", "--threshold=100", path],
        capture_output=True, text=True, check=True,
    ).stdout
    costs = {}
    for line in text.splitlines():
        m = re.match(r"^\s*([\d,]+)\s+(?:\([^)]*\)\s+)?(\S.*?):(.+?)(?: \[.*\])?$", line)
        if m and "PROGRAM TOTALS" not in line:
            name = m.group(3)
            costs[name] = costs.get(name, 0) + int(m.group(1).replace(",", ""))
    return costs

def account(exec_name, side):
    one = self_costs(f"{out}/w2t-{exec_name}-1.cg")
    two = self_costs(f"{out}/w2t-{exec_name}-2.cg")
    rest = {f: (two.get(f, 0) - one.get(f, 0)) / (n * wakes_per_op) for f in set(one) | set(two)}
    values = []
    for row in rows:
        hit = [f for f in rest if any(part in f for part in row[1 + side])]
        values.append(sum(rest.pop(f) for f in hit))
    values.append(sum(rest.values()))
    return values

labels = [row[0] for row in rows] + ["everything else"]
wrt, embassy = account("wrt-pool", 0), account("embassy-raw", 1)
with open(tsv, "w") as f:
    f.write("# row\twrt-pool Ir per wake\tembassy-raw Ir per wake\n")
    for label, a, b in zip(labels, wrt, embassy):
        f.write(f"{label}\t{a:.1f}\t{b:.1f}\n")
EOF
fi

args=(--instructions "$ir_file" --no-std-instructions "$no_std_file" --markdown "$out/results.md" --svg "$root/docs/performance.svg" --tsv "$out/timings.tsv")
if [ -n "$filter" ]; then
    args+=(--filter "$filter")
fi
if [ -f "$wake_file" ]; then
    args+=(--wake-account "$wake_file")
fi
if [ -f "$out/build-size.tsv" ]; then
    args+=(--build "$out/build-size.tsv")
fi
log "timing every case in one process"
"$bin" "${args[@]}" >/dev/null

# Splice the generated markdown between the markers of docs/performance.md.
python3 - "$root/docs/performance.md" "$out/results.md" <<'EOF'
import sys
doc_path, gen_path = sys.argv[1], sys.argv[2]
begin = "<!-- BEGIN GENERATED by scripts/bench-callgrind.sh: do not edit by hand -->"
end = "<!-- END GENERATED -->"
doc = open(doc_path).read()
gen = open(gen_path).read()
if begin not in doc or end not in doc:
    sys.exit(f"{doc_path}: markers not found")
head, rest = doc.split(begin, 1)
_, tail = rest.split(end, 1)
open(doc_path, "w").write(head + begin + "\n\n" + gen.rstrip() + "\n\n" + end + tail)
EOF
log "wrote docs/performance.md (generated section), docs/performance.svg, $out/{instructions,timings}.tsv"
