//! wrt-async against other executors: the same workloads, in one process,
//! side by side (docs/performance.md).
//!
//! ```text
//! cargo bench -p wrt-bench                      # timings, allocations, memory
//! cargo bench -p wrt-bench -- --smoke           # every case once, quickly (CI)
//! cargo bench -p wrt-bench -- --list            # case ids
//! cargo bench -p wrt-bench -- --only W1/wrt-direct --iters 1000   # for callgrind
//! scripts/bench-callgrind.sh                    # instruction counts + docs table + chart
//! ```

mod alloc;
mod cases;
mod memory;
mod report;
mod workloads;

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::time::Instant;

#[global_allocator]
static GLOBAL: alloc::Counting = alloc::Counting;

/// What one case measured.
#[derive(Clone, Debug, Default)]
pub struct Measured {
    /// Median over the repetitions, ns per operation.
    pub ns: f64,
    /// Fastest repetition, ns per operation.
    pub ns_min: f64,
    /// Operations per repetition.
    pub iters: u64,
    pub allocs_per_op: f64,
    pub bytes_per_op: f64,
    /// Instructions per operation (callgrind), if given.
    pub ir: Option<f64>,
}

struct Options {
    smoke: bool,
    only: Option<String>,
    iters: u64,
    filter: Option<String>,
    instructions: Option<PathBuf>,
    tier_instructions: Option<PathBuf>,
    wake_account: Option<PathBuf>,
    build: Option<PathBuf>,
    markdown: Option<PathBuf>,
    svg: Option<PathBuf>,
    tsv: Option<PathBuf>,
    list: bool,
}

fn usage() -> ! {
    eprintln!(
        "usage: compare [--smoke] [--filter SUBSTR] [--list]\n\
         \x20      [--only WORKLOAD/EXECUTOR --iters N]\n\
         \x20      [--instructions FILE.tsv] [--no-std-instructions FILE.tsv]\n\
         \x20      [--wake-account FILE.tsv] [--build FILE.tsv] [--wrt-tier]\n\
         \x20      [--markdown OUT.md] [--svg OUT.svg] [--tsv OUT.tsv]"
    );
    std::process::exit(2)
}

fn parse_args() -> Options {
    let mut o = Options {
        smoke: false,
        only: None,
        iters: 1000,
        filter: None,
        instructions: None,
        tier_instructions: None,
        wake_account: None,
        build: None,
        markdown: None,
        svg: None,
        tsv: None,
        list: false,
    };
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        let mut value = || args.next().unwrap_or_else(|| usage());
        match arg.as_str() {
            // `cargo bench` passes `--bench` to harness-less benches.
            "--bench" => {}
            "--smoke" => o.smoke = true,
            "--list" => o.list = true,
            "--only" => o.only = Some(value()),
            "--iters" => o.iters = value().parse().unwrap_or_else(|_| usage()),
            "--filter" => o.filter = Some(value()),
            "--instructions" => o.instructions = Some(value().into()),
            "--no-std-instructions" => o.tier_instructions = Some(value().into()),
            "--wake-account" => o.wake_account = Some(value().into()),
            // Which tier of wrt-async-core this harness was built with.
            "--wrt-tier" => {
                println!(
                    "{}",
                    if cfg!(feature = "wrt-std") {
                        "std"
                    } else {
                        "no_std"
                    }
                );
                std::process::exit(0)
            }
            "--build" => o.build = Some(value().into()),
            "--markdown" => o.markdown = Some(value().into()),
            "--svg" => o.svg = Some(value().into()),
            "--tsv" => o.tsv = Some(value().into()),
            "-h" | "--help" => usage(),
            _ => {
                eprintln!("unknown argument {arg:?}");
                usage()
            }
        }
    }
    o
}

fn main() {
    let opts = parse_args();
    let cases = cases::all();

    if opts.list {
        for case in &cases {
            println!("{}", case.id());
        }
        return;
    }

    if let Some(id) = &opts.only {
        // Callgrind mode: one warm-up operation (all lazy setup happens
        // there), then `iters` operations. Running N and 2N and subtracting
        // cancels everything but the N extra operations.
        let case = cases
            .iter()
            .find(|c| &c.id() == id)
            .unwrap_or_else(|| panic!("no case {id}; see --list"));
        (case.run)(1);
        (case.run)(opts.iters);
        return;
    }

    let selected: Vec<&cases::Case> = cases
        .iter()
        .filter(|c| {
            opts.filter
                .as_ref()
                .is_none_or(|f| c.id().contains(f.as_str()))
        })
        .collect();
    let results = measure(&selected, opts.smoke);

    let mut instructions = BTreeMap::new();
    if let Some(path) = &opts.instructions {
        instructions = report::read_tsv(path).into_iter().collect();
    }
    let mut results = results;
    for (id, m) in results.iter_mut() {
        if let Some(ir) = instructions.get(id).and_then(|v| v.parse::<f64>().ok()) {
            m.ir = Some(ir);
        }
    }
    let extra = report::Extra {
        no_std_ir: opts
            .tier_instructions
            .as_ref()
            .map(|p| report::read_tsv(p))
            .unwrap_or_default()
            .into_iter()
            .filter_map(|(id, v)| Some((id, v.parse().ok()?)))
            .collect(),
        wake_account: opts
            .wake_account
            .as_ref()
            .map(|p| report::read_rows(p))
            .unwrap_or_default(),
        build: opts
            .build
            .as_ref()
            .map(|p| report::read_tsv(p))
            .unwrap_or_default(),
    };

    let mem = memory::measure();
    let env = report::environment();
    let markdown = report::markdown(&cases, &results, &extra, &mem, &env, opts.smoke);
    print!("{markdown}");
    if let Some(path) = &opts.markdown {
        std::fs::write(path, &markdown).expect("write markdown");
    }
    if let Some(path) = &opts.svg {
        std::fs::write(path, report::svg(&cases, &results)).expect("write svg");
    }
    if let Some(path) = &opts.tsv {
        std::fs::write(path, report::tsv(&results)).expect("write tsv");
    }
}

/// Times every case: calibrate each so one repetition lasts a few
/// milliseconds, then run the repetitions round-robin over the cases, so
/// that a slow phase of a shared machine hits every case alike.
fn measure(cases: &[&cases::Case], smoke: bool) -> BTreeMap<String, Measured> {
    let (rep_ns, reps) = if smoke {
        (200_000u128, 1)
    } else {
        (20_000_000u128, 15)
    };
    let mut iters = Vec::with_capacity(cases.len());
    for case in cases {
        (case.run)(1); // lazy setup, caches
        let mut n = 1u64;
        loop {
            let t = Instant::now();
            (case.run)(n);
            let elapsed = t.elapsed().as_nanos();
            if elapsed >= rep_ns || n >= 1 << 30 {
                break;
            }
            // Aim a little past the target so the next try usually ends it.
            let scale = (rep_ns * 5 / 4 / elapsed.max(1)).clamp(2, 100) as u64;
            n = n.saturating_mul(scale);
        }
        iters.push(n);
    }
    let mut samples: Vec<Vec<f64>> = vec![Vec::with_capacity(reps); cases.len()];
    for _ in 0..reps {
        for (i, case) in cases.iter().enumerate() {
            let t = Instant::now();
            (case.run)(iters[i]);
            samples[i].push(t.elapsed().as_nanos() as f64 / iters[i] as f64);
        }
    }
    let mut out = BTreeMap::new();
    for (i, case) in cases.iter().enumerate() {
        let s = &mut samples[i];
        s.sort_by(f64::total_cmp);
        let ((), allocs, bytes) = alloc::count(|| (case.run)(iters[i]));
        out.insert(
            case.id(),
            Measured {
                ns: median(s),
                ns_min: s[0],
                iters: iters[i],
                allocs_per_op: allocs as f64 / iters[i] as f64,
                bytes_per_op: bytes as f64 / iters[i] as f64,
                ir: None,
            },
        );
        if smoke {
            eprintln!("ok {}", case.id());
        }
    }
    out
}

fn median(sorted: &[f64]) -> f64 {
    let n = sorted.len();
    if n % 2 == 1 {
        sorted[n / 2]
    } else {
        (sorted[n / 2 - 1] + sorted[n / 2]) / 2.0
    }
}
