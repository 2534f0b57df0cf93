//! The generated tables (markdown), the chart (SVG) and the machine-readable
//! results (TSV). Nothing in docs/performance.md between its GENERATED
//! markers is written by hand: it is this file's output.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::Path;

use crate::Measured;
use crate::cases::{Case, Workload};
use crate::memory::Memory;

/// Reads tab-separated lines, in file order; `#` starts a comment line.
pub fn read_rows(path: &Path) -> Vec<Vec<String>> {
    let text = std::fs::read_to_string(path)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    text.lines()
        .filter(|l| !l.trim().is_empty() && !l.starts_with('#'))
        .map(|l| l.split('\t').map(str::to_string).collect())
        .collect()
}

/// Reads `key<TAB>value[<TAB>...]` lines as (key, value) pairs.
pub fn read_tsv(path: &Path) -> Vec<(String, String)> {
    read_rows(path)
        .into_iter()
        .filter_map(|row| {
            let mut columns = row.into_iter();
            Some((columns.next()?, columns.next()?))
        })
        .collect()
}

/// What the harness reads from the scripts' files besides its own timings.
pub struct Extra {
    /// W2t, W3, W4 instructions per operation of the no_std-tier build.
    pub no_std_ir: BTreeMap<String, f64>,
    /// One W2t wake, function by function: row, wrt-pool Ir, embassy-raw Ir.
    pub wake_account: Vec<Vec<String>>,
    /// scripts/bench-build-size.sh's figures.
    pub build: Vec<(String, String)>,
}

pub fn tsv(results: &BTreeMap<String, Measured>) -> String {
    let mut out = String::from("# id\tns_median\tns_min\titers\tallocs_per_op\tbytes_per_op\n");
    for (id, m) in results {
        let _ = writeln!(
            out,
            "{id}\t{:.1}\t{:.1}\t{}\t{:.3}\t{:.1}",
            m.ns, m.ns_min, m.iters, m.allocs_per_op, m.bytes_per_op
        );
    }
    out
}

/// Machine, toolchain and crate versions, for the report's header.
pub struct Env {
    pub cpu: String,
    pub cores: usize,
    pub rustc: String,
    pub crates: Vec<(String, String)>,
}

pub fn environment() -> Env {
    let cpu = std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("model name"))
                .and_then(|l| l.split(':').nth(1))
                .map(|s| s.trim().to_string())
        })
        .unwrap_or_else(|| "unknown".into());
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    let rustc = std::process::Command::new(std::env::var("RUSTC").unwrap_or("rustc".into()))
        .arg("-V")
        .output()
        .ok()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string())
        .unwrap_or_else(|| "unknown".into());
    // Versions as resolved in the workspace's Cargo.lock.
    let lock = concat!(env!("CARGO_MANIFEST_DIR"), "/../Cargo.lock");
    let lock = std::fs::read_to_string(lock).unwrap_or_default();
    let wanted = [
        "wrt-async-core",
        "embassy-executor",
        "tokio",
        "futures-executor",
        "pollster",
        "async-executor",
        "edge-executor",
    ];
    let mut crates = Vec::new();
    let mut name = None;
    for line in lock.lines() {
        if let Some(n) = line.strip_prefix("name = ") {
            name = Some(n.trim_matches('"').to_string());
        } else if let Some(v) = line.strip_prefix("version = ") {
            if let Some(n) = name.take() {
                if wanted.contains(&n.as_str()) {
                    crates.push((n, v.trim_matches('"').to_string()));
                }
            }
        }
    }
    crates.sort_by_key(|(n, _)| wanted.iter().position(|w| w == n));
    Env {
        cpu,
        cores,
        rustc,
        crates,
    }
}

fn id(w: Workload, exec: &str) -> String {
    format!("{}/{}", w.name(), exec)
}

/// `a / b` in instructions if both were counted, else in ns; with the unit.
fn ratio(results: &BTreeMap<String, Measured>, a: &str, b: &str) -> Option<(f64, &'static str)> {
    let (a, b) = (results.get(a)?, results.get(b)?);
    match (a.ir, b.ir) {
        (Some(x), Some(y)) if y > 0.0 => Some((x / y, "Ir")),
        _ if b.ns > 0.0 => Some((a.ns / b.ns, "ns")),
        _ => None,
    }
}

/// W4's executor share: the case minus the signal alone.
fn share(m: &Measured, signal: &Measured) -> (f64, Option<f64>) {
    (m.ns - signal.ns, m.ir.zip(signal.ir).map(|(x, s)| x - s))
}

fn fmt_num(x: f64) -> String {
    if x >= 100.0 {
        format!("{x:.0}")
    } else if x >= 10.0 {
        format!("{x:.1}")
    } else {
        format!("{x:.2}")
    }
}

fn fmt_opt(x: Option<f64>) -> String {
    x.map_or("–".into(), fmt_num)
}

pub fn markdown(
    cases: &[Case],
    results: &BTreeMap<String, Measured>,
    extra: &Extra,
    mem: &Memory,
    env: &Env,
    smoke: bool,
) -> String {
    let build = &extra.build;
    let mut o = String::new();
    let have_ir = results.values().any(|m| m.ir.is_some());
    let _ = writeln!(o, "### Environment\n");
    let _ = writeln!(o, "- machine: {} ({} cores, shared)", env.cpu, env.cores);
    let _ = writeln!(o, "- toolchain: {}", env.rustc);
    let crates: Vec<String> = env.crates.iter().map(|(n, v)| format!("{n} {v}")).collect();
    let _ = writeln!(o, "- crates: {}", crates.join(", "));
    let _ = writeln!(
        o,
        "- timings: median of {} repetitions of ≥ {} ms each, round-robin over all cases in one process{}",
        if smoke { 1 } else { 15 },
        if smoke { "0.2" } else { "20" },
        if smoke {
            " (**smoke mode: not meaningful**)"
        } else {
            ""
        }
    );
    let _ = writeln!(
        o,
        "- instructions (Ir): {}",
        if have_ir {
            "callgrind, (Ir of 2N ops − Ir of N ops) / N, so setup cancels"
        } else {
            "not measured in this run (scripts/bench-callgrind.sh adds them)"
        }
    );
    let _ = writeln!(
        o,
        "- ratios: this run's figures divided by the anchor's from the same run; \
         allocations counted by a global allocator wrapper, per operation\n"
    );

    for w in Workload::ALL {
        let rows: Vec<&Case> = cases.iter().filter(|c| c.workload == w).collect();
        if !rows.iter().any(|c| results.contains_key(&c.id())) {
            continue;
        }
        let _ = writeln!(o, "### {}: {}\n", w.name(), w.describe());
        let anchors = w.anchors();
        let mut header = String::from("| executor | ns/op | Ir/op | allocs/op | heap B/op |");
        let mut rule = String::from("|---|--:|--:|--:|--:|");
        for a in anchors {
            let _ = write!(header, " ÷ {a} (ns) | ÷ {a} (Ir) |");
            rule.push_str("--:|--:|");
        }
        let signal = results.get(&id(Workload::W4, "signal-only"));
        if w == Workload::W4 {
            header.push_str(" share ns (− signal) | share Ir (− signal) | share ÷ embassy-raw |");
            rule.push_str("--:|--:|--:|");
        }
        let _ = writeln!(o, "{header}\n{rule}");
        for c in rows {
            let Some(m) = results.get(&c.id()) else {
                continue;
            };
            let _ = write!(
                o,
                "| {} | {} | {} | {} | {} |",
                c.exec,
                fmt_num(m.ns),
                fmt_opt(m.ir),
                fmt_num(m.allocs_per_op),
                fmt_num(m.bytes_per_op)
            );
            for a in anchors {
                let anchor = results.get(&id(w, a));
                let ns = anchor.map(|x| m.ns / x.ns);
                let ir = anchor.and_then(|x| Some(m.ir? / x.ir?));
                let _ = write!(o, " {} | {} |", fmt_opt(ns), fmt_opt(ir));
            }
            if w == Workload::W4 {
                match (signal, c.exec) {
                    (Some(_), "signal-only") | (None, _) => o.push_str(" – | – | – |"),
                    (Some(s), _) => {
                        let (ns, ir) = share(m, s);
                        let emb = results.get(&id(w, "embassy-raw")).map(|e| share(e, s));
                        let r = emb.map(|(ens, eir)| match (ir, eir) {
                            (Some(x), Some(y)) => x / y,
                            _ => ns / ens,
                        });
                        let _ = write!(o, " {} | {} | {} |", fmt_num(ns), fmt_opt(ir), fmt_opt(r));
                    }
                }
            }
            o.push('\n');
        }
        o.push('\n');
    }

    o.push_str(&no_std_tier(&extra.no_std_ir));
    o.push_str(&wake_account(&extra.wake_account));

    // W5: memory.
    let _ = writeln!(o, "### W5: memory (x86_64)\n");
    let _ = writeln!(o, "Task storage beyond the future it holds:\n");
    let _ = writeln!(o, "| storage | bytes | what it is |\n|---|--:|---|");
    for r in &mem.per_task {
        let _ = writeln!(o, "| {} | {} | {} |", r.what, r.bytes, r.note);
    }
    let _ = writeln!(o, "\nExecutor objects:\n");
    let _ = writeln!(
        o,
        "| executor | size_of (B) | heap at construction + first use | note |\n|---|--:|--:|---|"
    );
    for r in &mem.executors {
        let heap = r
            .heap
            .map_or("–".into(), |(a, b)| format!("{a} allocs, {b} B"));
        let _ = writeln!(o, "| {} | {} | {} | {} |", r.what, r.bytes, heap, r.note);
    }
    o.push('\n');

    // Build-side figures, from scripts/bench-build-size.sh.
    if !build.is_empty() {
        let _ = writeln!(o, "### Build time and size\n");
        let _ = writeln!(o, "| figure | value |\n|---|--:|");
        for (k, v) in build {
            let _ = writeln!(o, "| {k} | {v} |");
        }
        o.push('\n');
    }

    o.push_str(&targets(results, mem, build));
    o
}

/// The task workloads once more, from the harness built on wrt-async-core's
/// no_std tier (`--no-default-features`): what a bare-metal program runs,
/// without the thread-local task scope and the panic isolation of std.
/// Instruction counts only, wrt and Embassy from that same build.
fn no_std_tier(ir: &BTreeMap<String, f64>) -> String {
    let mut o = String::new();
    if ir.is_empty() {
        return o;
    }
    let get = |w: Workload, e: &str| ir.get(&id(w, e)).copied();
    let _ = writeln!(
        o,
        "### W2t, W3, W4 on the no_std tier\n\n\
         The harness built with `--no-default-features` (wrt-async-core without \
         `std`: no thread-local task scope, no panic isolation), as a bare-metal \
         program runs it; instructions per operation under callgrind, every \
         figure from that one build.\n"
    );
    let _ = writeln!(
        o,
        "| workload | wrt-pool (Ir) | wrt-boxed (Ir) | embassy-raw (Ir) | wrt-pool ÷ embassy-raw |\n\
         |---|--:|--:|--:|--:|"
    );
    for w in [Workload::W2t, Workload::W3, Workload::W4] {
        let (pool, boxed, emb) = (
            get(w, "wrt-pool"),
            get(w, "wrt-boxed"),
            get(w, "embassy-raw"),
        );
        let _ = writeln!(
            o,
            "| {} | {} | {} | {} | {} |",
            w.name(),
            fmt_opt(pool),
            fmt_opt(boxed),
            fmt_opt(emb),
            fmt_opt(pool.zip(emb).map(|(p, e)| p / e))
        );
    }
    if let (Some(p), Some(e), Some(s)) = (
        get(Workload::W4, "wrt-pool"),
        get(Workload::W4, "embassy-raw"),
        get(Workload::W4, "signal-only"),
    ) {
        let _ = writeln!(
            o,
            "| W4 executor share (− signal) | {} | – | {} | {} |",
            fmt_num(p - s),
            fmt_num(e - s),
            fmt_num((p - s) / (e - s))
        );
    }
    o.push('\n');
    o
}

/// One W2t wake, function by function (scripts/bench-callgrind.sh
/// aggregates callgrind's self costs): where wrt's instructions per wake go,
/// beside Embassy's.
fn wake_account(rows: &[Vec<String>]) -> String {
    let mut o = String::new();
    if rows.is_empty() {
        return o;
    }
    let _ = writeln!(
        o,
        "### W2t: one wake, function by function\n\n\
         Each function's own instructions (callgrind's self cost) per wake of \
         W2t on the std build: (Ir of 2N operations − Ir of N) / 1,000 N, \
         grouped by what the functions do; the rows add up to the W2t \
         figures above, divided by 1,000.\n"
    );
    let _ = writeln!(
        o,
        "| per wake (Ir) | wrt-pool | embassy-raw |\n|---|--:|--:|"
    );
    let (mut wrt, mut embassy) = (0.0, 0.0);
    for row in rows {
        let number = |i: usize| row.get(i).and_then(|v| v.parse::<f64>().ok());
        let (label, a, b) = (&row[0], number(1), number(2));
        wrt += a.unwrap_or(0.0);
        embassy += b.unwrap_or(0.0);
        let _ = writeln!(o, "| {label} | {} | {} |", fmt_opt(a), fmt_opt(b));
    }
    let _ = writeln!(o, "| total | {} | {} |\n", fmt_num(wrt), fmt_num(embassy));
    o
}

/// The issue's targets, each with the measured value and whether it is met.
fn targets(
    results: &BTreeMap<String, Measured>,
    mem: &Memory,
    build: &[(String, String)],
) -> String {
    let mut o = String::new();
    let _ = writeln!(o, "### Targets\n");
    let _ = writeln!(
        o,
        "Met or not is judged on the measured column (instructions where callgrind \
         ran). The same ratio in time (medians of this run's timings) is shown \
         beside it: atomic read-modify-writes count as one instruction each but \
         cost far more in time, so the two can disagree.\n"
    );
    let _ = writeln!(
        o,
        "| target | measured | in time | limit | met |\n|---|--:|--:|--:|:-:|"
    );
    let mut row = |name: &str,
                   measured: Option<(f64, String)>,
                   in_time: Option<f64>,
                   limit: f64,
                   le: bool| {
        let (text, met) = match measured {
            Some((v, unit)) => (
                format!("{} {unit}", fmt_num(v)),
                if (le && v <= limit) || (!le && v >= limit) {
                    "yes"
                } else {
                    "**no**"
                },
            ),
            None => ("not measured".into(), "–"),
        };
        let _ = writeln!(
            o,
            "| {name} | {text} | {} | {} {} | {met} |",
            in_time.map_or("–".into(), |t| format!("{} x (ns)", fmt_num(t))),
            if le { "≤" } else { "≥" },
            fmt_num(limit)
        );
    };
    let r = |a: Workload, ea: &str, b: Workload, eb: &str| {
        ratio(results, &id(a, ea), &id(b, eb)).map(|(v, u)| (v, format!("x ({u})")))
    };
    let t = |a: Workload, ea: &str, b: Workload, eb: &str| {
        let (a, b) = (results.get(&id(a, ea))?, results.get(&id(b, eb))?);
        (b.ns > 0.0).then(|| a.ns / b.ns)
    };
    use Workload::*;
    // Ratio targets: (target, case, anchor case, limit), each shown in
    // instructions (or time, without callgrind) and in time.
    let ratio_targets = [
        (
            "W1 through `current_executor()` ÷ futures `block_on`",
            (W1, "wrt-dyn"),
            (W1, "futures-block_on"),
            2.0,
        ),
        (
            "W1 direct `FallbackExecutor::block_on` ÷ futures `block_on`",
            (W1, "wrt-direct"),
            (W1, "futures-block_on"),
            1.2,
        ),
        (
            "W2 direct ÷ futures `block_on`",
            (W2, "wrt-direct"),
            (W2, "futures-block_on"),
            1.0,
        ),
        (
            "W2t static pool task ÷ embassy raw",
            (W2t, "wrt-pool"),
            (W2t, "embassy-raw"),
            0.8,
        ),
        (
            "W3 static pool tasks ÷ embassy raw",
            (W3, "wrt-pool"),
            (W3, "embassy-raw"),
            0.5,
        ),
        (
            "W3 boxed tasks ÷ edge-executor",
            (W3, "wrt-boxed"),
            (W3, "edge-executor"),
            0.8,
        ),
    ];
    for (name, (a, ea), (b, eb), limit) in ratio_targets {
        row(name, r(a, ea, b, eb), t(a, ea, b, eb), limit, true);
    }
    row(
        "W3 boxed tasks: allocations per task beyond the box",
        results.get(&id(W3, "wrt-boxed")).map(|m| {
            (
                m.allocs_per_op / crate::workloads::BURST as f64 - 1.0,
                "allocs".into(),
            )
        }),
        None,
        0.0,
        true,
    );
    let w4 = (|| {
        let s = results.get(&id(W4, "signal-only"))?;
        let (wns, wir) = share(results.get(&id(W4, "wrt-pool"))?, s);
        let (ens, eir) = share(results.get(&id(W4, "embassy-raw"))?, s);
        let measured = match (wir, eir) {
            (Some(x), Some(y)) => (x / y, "x (Ir)".to_string()),
            _ => (wns / ens, "x (ns)".to_string()),
        };
        Some((measured, wns / ens))
    })();
    row(
        "W4 executor share (− signal), static pool ÷ embassy raw",
        w4.as_ref().map(|(m, _)| m.clone()),
        w4.map(|(_, ns)| ns),
        0.8,
        true,
    );
    row(
        "task storage beyond the future, largest of the W5 futures (B)",
        Some((
            mem.wrt_pool_overhead as f64,
            format!("B (embassy {} B)", mem.embassy_overhead),
        )),
        None,
        16.0,
        true,
    );
    row(
        "`FallbackExecutor<32>` object (B)",
        Some((mem.fallback32 as f64, "B".into())),
        None,
        1024.0,
        true,
    );
    let pool_heap = [W2t, W3, W4]
        .iter()
        .filter_map(|w| results.get(&id(*w, "wrt-pool")))
        .map(|m| m.allocs_per_op)
        .fold(None, |acc: Option<f64>, x| Some(acc.unwrap_or(0.0).max(x)));
    row(
        "no-heap tier (static pool tasks): allocations per op",
        pool_heap.map(|v| (v, "allocs".into())),
        None,
        0.0,
        true,
    );
    let num = |k: &str| {
        build
            .iter()
            .find(|(key, _)| key == k)
            .map(|(_, v)| v)
            .and_then(|v| v.split_whitespace().next()?.parse::<f64>().ok())
    };
    row(
        "bare-metal example (thumbv7em): fallback executor `.text` (B)",
        num("bare-metal thumbv7em: wrt executor code (.text, B)").map(|v| (v, "B".into())),
        None,
        2048.0,
        true,
    );
    let wrt_build = num("clean build, wrt program (s)");
    let emb_build = num("clean build, embassy program (s)");
    row(
        "clean build of the small program ÷ the embassy version",
        wrt_build
            .zip(emb_build)
            .map(|(a, b)| (a / b, "x (s)".into())),
        None,
        1.0,
        true,
    );
    o.push('\n');
    o
}

/// Horizontal bars, one panel per workload, each panel scaled to its own
/// largest value: instructions per operation where callgrind ran, else ns.
pub fn svg(cases: &[Case], results: &BTreeMap<String, Measured>) -> String {
    let have_ir = results.values().any(|m| m.ir.is_some());
    let unit = if have_ir {
        "instructions/op (callgrind)"
    } else {
        "ns/op (median)"
    };
    let (width, label_w, bar_h, gap) = (920.0, 190.0, 18.0, 4.0);
    let bar_max = width - label_w - 130.0;
    let mut body = String::new();
    let mut y = 50.0;
    for w in Workload::ALL {
        let rows: Vec<(&str, f64)> = cases
            .iter()
            .filter(|c| c.workload == w)
            .filter_map(|c| {
                let m = results.get(&c.id())?;
                Some((c.exec, if have_ir { m.ir? } else { m.ns }))
            })
            .collect();
        if rows.is_empty() {
            continue;
        }
        let max = rows.iter().map(|r| r.1).fold(0.0, f64::max).max(1e-9);
        let _ = writeln!(
            body,
            r#"<text x="10" y="{:.0}" font-weight="bold">{}: {}</text>"#,
            y + 14.0,
            w.name(),
            xml(w.describe())
        );
        y += 24.0;
        for (exec, v) in rows {
            let len = (v / max * bar_max).max(1.0);
            let color = if exec.starts_with("wrt") {
                "#d9480f"
            } else if w.anchors().contains(&exec) {
                "#1864ab"
            } else if exec == "signal-only" {
                "#adb5bd"
            } else {
                "#74c0fc"
            };
            let _ = writeln!(
                body,
                r#"<text x="{:.0}" y="{:.0}" text-anchor="end">{}</text><rect x="{label_w}" y="{y:.0}" width="{len:.1}" height="{bar_h}" fill="{color}"/><text x="{:.1}" y="{:.0}">{}</text>"#,
                label_w - 6.0,
                y + 13.0,
                xml(exec),
                label_w + len + 4.0,
                y + 13.0,
                fmt_num(v)
            );
            y += bar_h + gap;
        }
        y += 14.0;
    }
    format!(
        r##"<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{:.0}" font-family="sans-serif" font-size="12">
<rect width="100%" height="100%" fill="white"/>
<text x="10" y="22" font-size="15" font-weight="bold">Per-operation cost by executor: {unit}, lower is better</text>
<text x="10" y="38" fill="#555">orange: wrt-async · dark blue: the workload's anchor · light blue: other executors · each panel has its own scale · generated by wrt-bench</text>
{body}</svg>
"##,
        y + 10.0
    )
}

fn xml(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('`', "")
}
