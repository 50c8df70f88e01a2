//! `cargo run --release -p benches`: every kernel on every Crucible tier and
//! on the peers (wasmtime's Cranelift, Winch and Pulley; wasmi) in one
//! process and one run (or, with `--processes N`, in N processes merged:
//! `processes.rs`); checksums must agree. Prints compile and execution
//! times and the ratios Crucible/peer against their goals, then the
//! harness's throughput; writes everything as JSON. `-- --mutants`
//! measures the harness's bug-finding power instead, and `-- sightglass
//! [DIR...]` runs real programs (`sightglass.rs`).

mod engines;
mod harness;
mod kernels;
mod mutants;
mod processes;
mod sightglass;
mod table;

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::{Duration, Instant};

use anyhow::{Result, bail};
use clap::Parser;
use serde::{Deserialize, Deserializer, Serialize};

#[derive(Parser)]
#[command(about = "Benchmarks: kernels on every tier and peer engine, and the harness's throughput")]
struct Args {
    #[command(subcommand)]
    command: Option<Command>,
    /// Timed runs per kernel and engine (after one warm-up); the median is reported.
    #[arg(long, default_value_t = 7)]
    runs: usize,
    /// Measure the kernels in this many fresh processes, one after the
    /// other, and report the median of their medians (and the spread of
    /// the ratios): a process's memory layout moves some kernels by 15–30%.
    #[arg(long, default_value_t = 1)]
    processes: usize,
    /// Divide every kernel's argument by this (a quick smoke run).
    #[arg(long, default_value_t = 1)]
    scale: i32,
    /// Functions in the compile-time module (at least 1: its `run` calls the last).
    #[arg(long, default_value_t = 5000, value_parser = clap::value_parser!(u32).range(1..))]
    large_functions: u32,
    /// Seconds of fuzzing per profile for the harness's throughput (0: skip the harness).
    #[arg(long, default_value_t = 5.0)]
    harness_seconds: f64,
    /// Only kernels whose name contains this.
    #[arg(long)]
    only: Option<String>,
    /// Only these engines (comma-separated, e.g. `crucible-interp,wasmi`).
    #[arg(long, value_delimiter = ',')]
    engines: Vec<String>,
    /// Measure only the harness's bug-finding power: the time the default
    /// campaign takes to report each mutant of the catalogue.
    #[arg(long)]
    mutants: bool,
    /// Seeds per mutant (with --mutants).
    #[arg(long, value_delimiter = ',', default_value = "0,1,2")]
    mutant_seeds: Vec<u64>,
    /// Seconds before a mutant counts as missed (with --mutants).
    #[arg(long, default_value_t = 60.0)]
    mutant_limit: f64,
    /// Fuzz jobs (with --mutants; `crucible fuzz` uses every core).
    #[arg(long, default_value_t = 2)]
    mutant_jobs: usize,
    /// Where the JSON results go.
    #[arg(long, default_value = "target/bench/results.json")]
    json: PathBuf,
}

#[derive(clap::Subcommand)]
enum Command {
    /// Real programs (sightglass's layout) on every tier and peer, output checked.
    Sightglass(sightglass::SightglassArgs),
}

#[derive(Serialize, Deserialize)]
struct EngineResult {
    engine: String,
    /// NaN (`null` in JSON) where the engine could not run the kernel.
    #[serde(deserialize_with = "nan_if_null")]
    compile_ms: f64,
    #[serde(deserialize_with = "nan_if_null")]
    exec_ms: f64,
    exec_ms_runs: Vec<f64>,
    checksum: i64,
    /// Bytes of compiled code, where the engine reports them.
    code_bytes: Option<usize>,
}

#[derive(Serialize, Deserialize)]
struct KernelResult {
    kernel: String,
    what: String,
    arg: i32,
    results: Vec<EngineResult>,
}

#[derive(Serialize)]
struct Ratio {
    kernel: String,
    ours: String,
    peer: String,
    /// ours / peer execution time (compile time for the large module).
    ratio: f64,
    goal: f64,
    met: bool,
}

#[derive(Serialize)]
struct Report {
    date: String,
    commit: Option<String>,
    machine: String,
    runs: usize,
    /// Processes the kernels were measured in (their medians' median).
    processes: usize,
    kernels: Vec<KernelResult>,
    large_module: KernelResult,
    ratios: Vec<Ratio>,
    harness_throughput: Vec<harness::ProfileThroughput>,
    time_to_detect: Vec<harness::TimeToDetect>,
}

/// serde_json writes NaN as `null`; read it back as NaN.
fn nan_if_null<'de, D: Deserializer<'de>>(deserializer: D) -> Result<f64, D::Error> {
    Ok(Option::<f64>::deserialize(deserializer)?.unwrap_or(f64::NAN))
}

fn millis(d: Duration) -> f64 {
    d.as_secs_f64() * 1e3
}

/// NaN for no values (an engine that could not run the kernel).
fn median(values: &mut [f64]) -> f64 {
    values.sort_by(f64::total_cmp);
    values.get(values.len() / 2).copied().unwrap_or(f64::NAN)
}

/// Measures one kernel on every engine: `runs` rounds in which every engine
/// compiles it once in turn, then one instance per engine, a warm-up call
/// and `runs` rounds in which every engine runs once in turn — so that a
/// slow phase of the machine hits all engines alike. Medians per engine.
fn measure_kernel(
    runtimes: &[engines::Runtime],
    name: &str,
    what: &str,
    wasm: &[u8],
    arg: i32,
    runs: usize,
) -> Result<KernelResult> {
    let mut compile_ms = vec![Vec::new(); runtimes.len()];
    let mut compiled: Vec<Option<Box<dyn engines::Compiled>>> = runtimes.iter().map(|_| None).collect();
    // A tier still being built may not compile every kernel: it gets n/a.
    let usable: Vec<bool> = runtimes
        .iter()
        .map(|runtime| match runtime.compile(wasm) {
            Err(e) if ["unsupported", "support is not enabled"].iter().any(|why| format!("{e:#}").contains(why)) => {
                eprintln!("  {name} on {}: n/a ({e:#})", runtime.name);
                false
            }
            _ => true,
        })
        .collect();
    for _ in 0..runs {
        for (i, runtime) in runtimes.iter().enumerate() {
            if !usable[i] {
                continue;
            }
            let start = Instant::now();
            compiled[i] = Some(runtime.compile(wasm)?);
            compile_ms[i].push(millis(start.elapsed()));
        }
    }
    let code_bytes: Vec<Option<usize>> = compiled.iter().map(|c| c.as_ref().and_then(|c| c.code_size())).collect();
    let mut instances = Vec::new();
    let mut checksums = Vec::new();
    for (runtime, compiled) in runtimes.iter().zip(compiled) {
        let Some(compiled) = compiled else {
            checksums.push(None);
            instances.push(None);
            continue;
        };
        eprintln!("  {name} on {}", runtime.name);
        let mut run = compiled.instantiate()?;
        checksums.push(Some(run(arg)?));
        instances.push(Some(run));
    }
    let first = checksums.iter().flatten().next().copied();
    if let Some(odd) = checksums.iter().position(|c| c.is_some_and(|c| Some(c) != first)) {
        bail!(
            "{name}: checksums differ: {} returned {:?}, {} returned {:?}",
            runtimes[0].name,
            first,
            runtimes[odd].name,
            checksums[odd]
        );
    }
    let mut exec_ms = vec![Vec::new(); runtimes.len()];
    for _ in 0..runs {
        for (i, run) in instances.iter_mut().enumerate() {
            let Some(run) = run else { continue };
            let start = Instant::now();
            let again = run(arg)?;
            exec_ms[i].push(millis(start.elapsed()));
            if Some(again) != checksums[i] {
                bail!("{} returned {again} after {:?} for the same input", runtimes[i].name, checksums[i]);
            }
        }
    }
    let results = runtimes
        .iter()
        .enumerate()
        .map(|(i, runtime)| EngineResult {
            engine: runtime.name.to_string(),
            compile_ms: median(&mut compile_ms[i]),
            exec_ms: median(&mut exec_ms[i].clone()),
            exec_ms_runs: exec_ms[i].clone(),
            checksum: checksums[i].unwrap_or_default(),
            code_bytes: code_bytes[i],
        })
        .collect();
    Ok(KernelResult { kernel: name.to_string(), what: what.to_string(), arg, results })
}

fn machine() -> String {
    let cpu = std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|c| {
            c.lines()
                .find(|l| l.starts_with("model name"))
                .map(|l| l.split(':').nth(1).unwrap_or("").trim().to_string())
        })
        .unwrap_or_else(|| "unknown CPU".into());
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    format!("{cpu}, {cores} cores, {}-{}", std::env::consts::ARCH, std::env::consts::OS)
}

fn ratio(kernel: &KernelResult, ours: &str, peer: &str, goal: f64, compile: bool) -> Option<Ratio> {
    let get = |name: &str| kernel.results.iter().find(|r| r.engine == name);
    let (a, b) = (get(ours)?, get(peer)?);
    let ratio = if compile { a.compile_ms / b.compile_ms } else { a.exec_ms / b.exec_ms };
    if ratio.is_nan() {
        return None;
    }
    Some(Ratio {
        kernel: kernel.kernel.clone(),
        ours: ours.to_string(),
        peer: peer.to_string(),
        ratio,
        goal,
        met: ratio <= goal,
    })
}

/// Every kernel once, in this process.
fn measure_kernels(args: &Args, large_wasm: &[u8]) -> Result<(Vec<KernelResult>, KernelResult)> {
    let mut runtimes = engines::all()?;
    engines::keep_named(&mut runtimes, &args.engines, |r| r.name)?;
    let mut kernels = Vec::new();
    eprintln!("kernels ({} timed runs each, after a warm-up, engines interleaved):", args.runs);
    for k in kernels::all(args.scale) {
        if args.only.as_ref().is_some_and(|only| !k.name.contains(only.as_str())) {
            continue;
        }
        kernels.push(measure_kernel(&runtimes, k.name, k.what, &k.wasm, k.arg, args.runs)?);
    }
    eprintln!("large module: {} functions, {} bytes", args.large_functions, large_wasm.len());
    let large = measure_kernel(&runtimes, "large_module", "compile time", large_wasm, 3, args.runs)?;
    Ok((kernels, large))
}

/// The ratios the goals are about.
fn ratios_of(kernels: &[KernelResult], large: &KernelResult) -> Vec<Ratio> {
    let mut ratios = Vec::new();
    for k in kernels {
        for (ours, peer, goal) in engines::COMPARISONS {
            ratios.extend(ratio(k, ours, peer, *goal, false));
        }
    }
    ratios.extend(ratio(large, "crucible-cranelift", "wasmtime-cranelift", 1.0, true));
    // The baseline tier: at least 5x faster to compile than our Cranelift
    // tier, faster than Winch.
    ratios.extend(ratio(large, "crucible-baseline", "crucible-cranelift", 0.2, true));
    ratios.extend(ratio(large, "crucible-baseline", "wasmtime-winch", 1.0, true));
    ratios
}

fn print_table(title: &str, kernels: &[&KernelResult], value: impl Fn(&EngineResult) -> f64) {
    let Some(first) = kernels.first() else { return };
    let engines: Vec<&str> = first.results.iter().map(|r| r.engine.as_str()).collect();
    let rows: Vec<(String, Vec<String>)> = kernels
        .iter()
        .map(|k| {
            let cells = k.results.iter().map(&value).map(|v| if v.is_nan() { "n/a".into() } else { table::millis(v) });
            (k.kernel.clone(), cells.collect())
        })
        .collect();
    table::print(title, "kernel", 14, &engines, &rows);
}

fn main() -> ExitCode {
    match run(Args::parse()) {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::from(1),
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::from(2)
        }
    }
}

/// Ok(false) when a checksum disagreed is impossible (that is an error);
/// the goals are reported, not enforced: the exit status says whether the
/// measurement worked.
fn run(args: Args) -> Result<bool> {
    if let Some(Command::Sightglass(sightglass_args)) = args.command {
        return sightglass::run(sightglass_args);
    }
    if args.runs == 0 || args.scale <= 0 || args.processes == 0 {
        bail!("--runs, --scale and --processes must be positive");
    }
    if args.mutants {
        let report = mutants::measure(&args.mutant_seeds, args.mutant_jobs, Duration::from_secs_f64(args.mutant_limit));
        let json = args.json.with_file_name("mutants.json");
        if let Some(dir) = json.parent() {
            std::fs::create_dir_all(dir)?;
        }
        std::fs::write(&json, serde_json::to_string_pretty(&report)?)?;
        println!("JSON: {}", json.display());
        return Ok(true);
    }
    let large_wasm = kernels::large_module(args.large_functions);
    let (kernels, large, per_process) = if args.processes > 1 {
        let merged = processes::measure(args.processes, &args.json)?;
        (merged.kernels, merged.large_module, merged.per_process)
    } else {
        let (kernels, large) = measure_kernels(&args, &large_wasm)?;
        (kernels, large, Vec::new())
    };
    let ratios = ratios_of(&kernels, &large);
    // Each ratio as every process measured it.
    let process_ratios: Vec<Vec<Ratio>> = per_process.iter().map(|(k, l)| ratios_of(k, l)).collect();
    let spreads: Vec<Vec<f64>> = ratios
        .iter()
        .map(|r| {
            let same = |p: &&Ratio| (&p.kernel, &p.ours, &p.peer) == (&r.kernel, &r.ours, &r.peer);
            process_ratios.iter().filter_map(|ratios| ratios.iter().find(same).map(|p| p.ratio)).collect()
        })
        .collect();

    let all: Vec<&KernelResult> = kernels.iter().collect();
    let of =
        if args.processes > 1 { format!("median of {} processes' medians", args.processes) } else { "median".into() };
    print_table(&format!("Execution time, ms ({of})"), &all, |r| r.exec_ms);
    print_table(&format!("Compile time, ms ({of})"), &[&large], |r| r.compile_ms);
    println!("\nCompiled code of the large module ({} wasm bytes), bytes per wasm byte:", large_wasm.len());
    for r in &large.results {
        if let Some(size) = r.code_bytes {
            println!("  {:<19} {:>6.2}  ({size} bytes)", r.engine, size as f64 / large_wasm.len() as f64);
        }
    }
    println!("\nRatios, Crucible / peer (goal: at most the number given)");
    for (i, r) in ratios.iter().enumerate() {
        let what = if r.kernel == "large_module" { "compile" } else { "exec" };
        print!(
            "  {:<14} {what:<8} {:<19} / {:<19} {:>6.2}  (goal {:.2}) {}",
            r.kernel,
            r.ours,
            r.peer,
            r.ratio,
            r.goal,
            if r.met { "met" } else { "NOT MET" }
        );
        match spreads[i].iter().copied().reduce(f64::min).zip(spreads[i].iter().copied().reduce(f64::max)) {
            Some((low, high)) => println!("  [{low:.2}–{high:.2} over {} processes]", spreads[i].len()),
            None => println!(),
        }
    }

    let (throughput, detect) = if args.harness_seconds > 0.0 {
        eprintln!("harness throughput: {} s per profile", args.harness_seconds);
        let throughput = harness::throughput(args.harness_seconds);
        let detect: Vec<_> = ["arith", "default"]
            .iter()
            .map(|p| harness::time_to_detect(p, &[1, 2, 3, 4, 5], Duration::from_secs(30)))
            .collect();
        let available: Vec<&str> = oracle::executor::ExecutorKind::AVAILABLE.iter().map(|k| k.name()).collect();
        println!("\nHarness: differential cases per second per core ({})", available.join(", "));
        for t in &throughput {
            println!("  {:<38} {:>9.0} cases/s/core", t.profile, t.cases_per_second_per_core);
        }
        println!("Time to detect the wrong executor (buggy-interp), median of 5 seeds:");
        for d in &detect {
            let shown = d.median_seconds.map_or("not within 30 s".to_string(), |s| format!("{:.3} s", s));
            println!("  {:<38} {shown}", d.profile);
        }
        (throughput, detect)
    } else {
        (Vec::new(), Vec::new())
    };

    let report = Report {
        date: oracle::evidence::now_rfc3339(),
        commit: oracle::evidence::current_commit(),
        machine: machine(),
        runs: args.runs,
        processes: args.processes,
        kernels,
        large_module: large,
        ratios,
        harness_throughput: throughput,
        time_to_detect: detect,
    };
    println!("\nMachine: {}", report.machine);
    if let Some(dir) = args.json.parent() {
        std::fs::create_dir_all(dir)?;
    }
    std::fs::write(&args.json, serde_json::to_string_pretty(&report)?)?;
    println!("JSON: {}", args.json.display());
    Ok(true)
}
