//! `cargo run --release -p benches -- sightglass [DIR...]`: every program
//! of a sightglass-style directory (`oracle::sightglass` reads the layout)
//! on every Crucible tier and on the peers — wasmtime's Cranelift, Winch and
//! Pulley with wasmtime-wasi's preview 1, and wasmi with wasmi_wasi — in one
//! run. Each run's output is checked against the expected files; compile,
//! instantiate and `bench.start`→`bench.end` times are reported per program,
//! then the geometric mean of the ratios per engine pair, then the failures.
//! A program an engine cannot run is reported as such, never dropped.

use std::path::PathBuf;
use std::time::{Duration, Instant};

use anyhow::{Result, anyhow};
use oracle::sightglass::{BenchClock, Outcome, Program, RunError, classify_rejection};
use serde::Serialize;

use crate::engines::{CRUCIBLE_TIERS, WASMTIME_BACKENDS, wasmtime_engine};

/// Output a program may write before the runner stops keeping it.
const OUTPUT_LIMIT: usize = 64 << 20;

#[derive(clap::Args)]
pub struct SightglassArgs {
    /// Directories laid out as sightglass's (default: `../shared/sightglass`
    /// beside the repository, or `$CRUCIBLE_SIGHTGLASS`).
    dirs: Vec<PathBuf>,
    /// Runs per program and engine (engines interleaved); medians are reported.
    #[arg(long, default_value_t = 3)]
    runs: usize,
    /// Only programs whose name contains this.
    #[arg(long)]
    only: Option<String>,
    /// Only these engines (comma-separated runner names).
    #[arg(long, value_delimiter = ',')]
    engines: Vec<String>,
    /// Where the JSON results go.
    #[arg(long, default_value = "target/bench/sightglass.json")]
    json: PathBuf,
}

/// Runs one program to its outcome on one engine.
type RunProgram = Box<dyn Fn(&Program) -> Result<Outcome, RunError>>;

/// One engine's way to run a program.
struct ProgramRunner {
    name: String,
    run: RunProgram,
}

fn runners() -> Result<Vec<ProgramRunner>> {
    let mut runners: Vec<ProgramRunner> = CRUCIBLE_TIERS
        .iter()
        .map(|(name, tier)| {
            let tier = *tier;
            ProgramRunner { name: name.to_string(), run: Box::new(move |p| oracle::sightglass::run_crucible(tier, p)) }
        })
        .collect();
    for name in WASMTIME_BACKENDS {
        let engine = wasmtime_engine(name)?;
        runners.push(ProgramRunner { name: name.to_string(), run: Box::new(move |p| run_wasmtime(&engine, p)) });
    }
    runners.push(ProgramRunner { name: "wasmi".into(), run: Box::new(run_wasmi) });
    Ok(runners)
}

fn failed(e: impl std::fmt::Display) -> RunError {
    RunError::Failed(e.to_string())
}

/// wasmtime with its own WASI preview 1 (wasmtime-wasi).
fn run_wasmtime(engine: &wasmtime::Engine, program: &Program) -> Result<Outcome, RunError> {
    use wasmtime_wasi::p2::pipe::MemoryOutputPipe;

    let wasm = std::fs::read(&program.wasm).map_err(failed)?;
    let started = Instant::now();
    let module = wasmtime::Module::new(engine, &wasm).map_err(|e| classify_rejection(&wasm, format!("{e:#}")))?;
    let compile = started.elapsed();

    let (stdout, stderr) = (MemoryOutputPipe::new(OUTPUT_LIMIT), MemoryOutputPipe::new(OUTPUT_LIMIT));
    let wasi = wasmtime_wasi::WasiCtxBuilder::new()
        .arg(program.argv0())
        .stdout(stdout.clone())
        .stderr(stderr.clone())
        .preopened_dir(&program.dir, ".", wasmtime_wasi::FsPerms::ReadWrite)
        .map_err(|e| failed(format!("cannot preopen {}: {e}", program.dir.display())))?
        .build_p1();
    let clock = BenchClock::default();
    let mut store = wasmtime::Store::new(engine, wasi);
    let mut linker = wasmtime::Linker::new(engine);
    wasmtime_wasi::p1::add_to_linker_sync(&mut linker, |wasi| wasi).map_err(failed)?;
    let (start_clock, end_clock) = (clock.clone(), clock.clone());
    linker.func_wrap("bench", "start", move || start_clock.start()).map_err(failed)?;
    linker.func_wrap("bench", "end", move || end_clock.end()).map_err(failed)?;

    let started = Instant::now();
    let instance = linker.instantiate(&mut store, &module).map_err(|e| failed(format!("{e:#}")))?;
    let instantiate = started.elapsed();
    let start = instance.get_typed_func::<(), ()>(&mut store, "_start").map_err(failed)?;
    let exit_status = match start.call(&mut store, ()) {
        Ok(()) => 0,
        Err(e) => match e.downcast_ref::<wasmtime_wasi::I32Exit>() {
            Some(exit) => exit.0,
            None => return Err(failed(format!("trapped: {e:#}"))),
        },
    };
    Ok(Outcome {
        stdout: stdout.contents().to_vec(),
        stderr: stderr.contents().to_vec(),
        exit_status,
        compile,
        instantiate,
        bench: clock.span(),
    })
}

/// wasmi with its WASI crate (wasmi_wasi, over wasi-common).
fn run_wasmi(program: &Program) -> Result<Outcome, RunError> {
    use wasmi_wasi::wasi_common::pipe::WritePipe;

    let wasm = std::fs::read(&program.wasm).map_err(failed)?;
    // The stack limits Crucible's interpreter runs with (wasmi's default
    // depth, 1,000 frames, is too shallow for shootout-ackermann).
    let limits = engine::Limits::default();
    let mut config = wasmi::Config::default();
    config
        .set_max_recursion_depth(limits.max_call_depth as usize)
        .set_max_stack_height(limits.max_stack_slots as usize * std::mem::size_of::<u64>());
    let engine = wasmi::Engine::new(&config);
    let started = Instant::now();
    let module = wasmi::Module::new(&engine, &wasm).map_err(|e| classify_rejection(&wasm, e.to_string()))?;
    let compile = started.elapsed();

    let (stdout, stderr) = (WritePipe::new_in_memory(), WritePipe::new_in_memory());
    let dir = wasmi_wasi::Dir::open_ambient_dir(&program.dir, wasmi_wasi::ambient_authority())
        .map_err(|e| failed(format!("cannot open {}: {e}", program.dir.display())))?;
    let wasi = wasmi_wasi::WasiCtxBuilder::new()
        .arg(&program.argv0())
        .map_err(failed)?
        .stdout(Box::new(stdout.clone()))
        .stderr(Box::new(stderr.clone()))
        .preopened_dir(dir, ".")
        .map_err(failed)?
        .build();
    let clock = BenchClock::default();
    let mut store = wasmi::Store::new(&engine, wasi);
    let mut linker = wasmi::Linker::<wasmi_wasi::WasiCtx>::new(&engine);
    wasmi_wasi::add_to_linker(&mut linker, |wasi| wasi).map_err(failed)?;
    let (start_clock, end_clock) = (clock.clone(), clock.clone());
    linker.func_wrap("bench", "start", move || start_clock.start()).map_err(failed)?;
    linker.func_wrap("bench", "end", move || end_clock.end()).map_err(failed)?;

    let started = Instant::now();
    let instance = linker.instantiate_and_start(&mut store, &module).map_err(failed)?;
    let instantiate = started.elapsed();
    let start = instance.get_typed_func::<(), ()>(&store, "_start").map_err(failed)?;
    let exit_status = match start.call(&mut store, ()) {
        Ok(()) => 0,
        Err(e) => match e.i32_exit_status() {
            Some(status) => status,
            None => return Err(failed(format!("trapped: {e}"))),
        },
    };
    drop(store);
    let contents = |pipe: WritePipe<std::io::Cursor<Vec<u8>>>| {
        pipe.try_into_inner().map(|cursor| cursor.into_inner()).unwrap_or_default()
    };
    Ok(Outcome {
        stdout: contents(stdout),
        stderr: contents(stderr),
        exit_status,
        compile,
        instantiate,
        bench: clock.span(),
    })
}

/// One program on one engine: medians over the runs, or why it did not run.
#[derive(Serialize)]
struct EngineRun {
    engine: String,
    /// `ok`, `unsupported` (needs a proposal the engine lacks), `failed`
    /// (error or trap) or `wrong-output`.
    status: &'static str,
    detail: Option<String>,
    compile_ms: Option<f64>,
    instantiate_ms: Option<f64>,
    bench_ms: Option<f64>,
    bench_ms_runs: Vec<f64>,
}

#[derive(Serialize)]
struct ProgramResult {
    program: String,
    path: PathBuf,
    engines: Vec<EngineRun>,
}

#[derive(Serialize)]
struct PairMean {
    ours: String,
    peer: String,
    /// Geometric mean of ours/peer `bench` times over the programs both ran
    /// correctly in at least [`MEASURABLE_MS`].
    geomean: Option<f64>,
    max: Option<f64>,
    max_program: Option<String>,
    programs: usize,
    goal: Option<Goal>,
}

#[derive(Clone, Copy, Serialize)]
struct Goal {
    /// `geomean` or `max`.
    of: &'static str,
    at_most: f64,
    met: bool,
}

#[derive(Serialize)]
struct Report {
    date: String,
    commit: Option<String>,
    runs: usize,
    dirs: Vec<PathBuf>,
    programs: Vec<ProgramResult>,
    pairs: Vec<PairMean>,
}

/// The goals of issue #19: (ours, peer, of, at most).
const GOALS: &[(&str, &str, &str, f64)] = &[
    ("crucible-cranelift", "wasmtime-cranelift", "geomean", 1.0),
    ("crucible-baseline", "wasmtime-winch", "geomean", 1.0),
    ("crucible-baseline", "crucible-cranelift", "max", 2.5),
    ("crucible-interp", "wasmi", "geomean", 1.0),
];

/// Shorter bench spans (noop, a loop the compiler removed) measure the
/// clock and the call, not the engine: they are left out of the ratios.
const MEASURABLE_MS: f64 = 0.1;

fn millis(d: Duration) -> f64 {
    d.as_secs_f64() * 1e3
}

fn median(mut values: Vec<f64>) -> Option<f64> {
    values.sort_by(f64::total_cmp);
    values.get(values.len() / 2).copied()
}

/// Runs `program` on every runner `runs` times (engines interleaved).
fn measure(program: &Program, runners: &[ProgramRunner], runs: usize) -> ProgramResult {
    let mut outcomes: Vec<Vec<Outcome>> = runners.iter().map(|_| Vec::new()).collect();
    let mut verdicts: Vec<Option<(&'static str, String)>> = runners.iter().map(|_| None).collect();
    for _ in 0..runs {
        for (i, runner) in runners.iter().enumerate() {
            if verdicts[i].is_some() {
                continue;
            }
            match (runner.run)(program) {
                Ok(outcome) => match program.check(&outcome) {
                    Ok(()) => outcomes[i].push(outcome),
                    Err(why) => verdicts[i] = Some(("wrong-output", why)),
                },
                Err(e @ RunError::Unsupported(_)) => verdicts[i] = Some(("unsupported", e.to_string())),
                Err(e) => verdicts[i] = Some(("failed", e.to_string())),
            }
        }
    }
    let engines = runners
        .iter()
        .zip(outcomes)
        .zip(verdicts)
        .map(|((runner, outcomes), verdict)| {
            let of = |f: fn(&Outcome) -> Option<Duration>| median(outcomes.iter().filter_map(f).map(millis).collect());
            let (status, detail) = match verdict {
                Some((status, detail)) => (status, Some(detail)),
                None => ("ok", None),
            };
            let ok = status == "ok";
            EngineRun {
                engine: runner.name.clone(),
                status,
                detail,
                compile_ms: of(|o| Some(o.compile)).filter(|_| ok),
                instantiate_ms: of(|o| Some(o.instantiate)).filter(|_| ok),
                bench_ms: of(|o| o.bench).filter(|_| ok),
                bench_ms_runs: if ok {
                    outcomes.iter().filter_map(|o| o.bench).map(millis).collect()
                } else {
                    Vec::new()
                },
            }
        })
        .collect();
    ProgramResult { program: program.name.clone(), path: program.wasm.clone(), engines }
}

fn pair_mean(results: &[ProgramResult], ours: &str, peer: &str) -> PairMean {
    let bench = |r: &ProgramResult, name: &str| r.engines.iter().find(|e| e.engine == name).and_then(|e| e.bench_ms);
    let ratios: Vec<(String, f64)> = results
        .iter()
        .filter_map(|r| Some((r.program.clone(), bench(r, ours)?, bench(r, peer)?)))
        .filter(|(_, a, b)| a.min(*b) >= MEASURABLE_MS)
        .map(|(program, a, b)| (program, a / b))
        .collect();
    let geomean =
        (!ratios.is_empty()).then(|| (ratios.iter().map(|(_, r)| r.ln()).sum::<f64>() / ratios.len() as f64).exp());
    let max = ratios.iter().max_by(|a, b| a.1.total_cmp(&b.1));
    let goal = GOALS.iter().find(|(o, p, _, _)| *o == ours && *p == peer).and_then(|(_, _, of, at_most)| {
        let value = if *of == "max" { max.map(|m| m.1) } else { geomean }?;
        Some(Goal { of, at_most: *at_most, met: value <= *at_most })
    });
    PairMean {
        ours: ours.into(),
        peer: peer.into(),
        geomean,
        max: max.map(|m| m.1),
        max_program: max.map(|m| m.0.clone()),
        programs: ratios.len(),
        goal,
    }
}

fn print_table(title: &str, results: &[ProgramResult], value: impl Fn(&EngineRun) -> Option<f64>) {
    let Some(first) = results.first() else { return };
    let engines: Vec<&str> = first.engines.iter().map(|e| e.engine.as_str()).collect();
    let rows: Vec<(String, Vec<String>)> = results
        .iter()
        .map(|r| {
            let cells = r.engines.iter().map(|e| match value(e) {
                Some(v) => crate::table::millis(v),
                None if e.status == "ok" => "-".into(),
                None => e.status.into(),
            });
            (r.program.clone(), cells.collect())
        })
        .collect();
    crate::table::print(title, "program", 26, &engines, &rows);
}

pub fn run(args: SightglassArgs) -> Result<bool> {
    if args.runs == 0 {
        anyhow::bail!("--runs must be positive");
    }
    let dirs = if args.dirs.is_empty() {
        vec![oracle::sightglass::default_root().ok_or_else(|| {
            anyhow!(
                "no sightglass directory: give one, or set $CRUCIBLE_SIGHTGLASS (../shared/sightglass is not there)"
            )
        })?]
    } else {
        args.dirs.clone()
    };
    let mut programs = Vec::new();
    for dir in &dirs {
        let found = oracle::sightglass::discover(dir).map_err(|e| anyhow!("{}: {e}", dir.display()))?;
        if found.is_empty() {
            anyhow::bail!("{}: no programs (*.wasm) found", dir.display());
        }
        programs.extend(found);
    }
    programs.retain(|p| args.only.as_ref().is_none_or(|only| p.name.contains(only.as_str())));
    let mut runners = runners()?;
    crate::engines::keep_named(&mut runners, &args.engines, |r| r.name.as_str())?;

    let mut results = Vec::new();
    for program in &programs {
        eprintln!("  {} ({} runs on {} engines)", program.name, args.runs, runners.len());
        results.push(measure(program, &runners, args.runs));
    }

    print_table("bench.start → bench.end, ms (median)", &results, |e| e.bench_ms);
    print_table("Compile, ms (median)", &results, |e| e.compile_ms);
    print_table("Instantiate, ms (median)", &results, |e| e.instantiate_ms);

    let names: Vec<&str> = runners.iter().map(|r| r.name.as_str()).collect();
    let mut pairs = Vec::new();
    for (ours, _) in CRUCIBLE_TIERS.iter().filter(|(n, _)| names.contains(n)) {
        for peer in names.iter().filter(|n| !n.starts_with("crucible-")) {
            pairs.push(pair_mean(&results, ours, peer));
        }
    }
    if names.contains(&"crucible-baseline") && names.contains(&"crucible-cranelift") {
        pairs.push(pair_mean(&results, "crucible-baseline", "crucible-cranelift"));
    }
    println!("\nRatios of bench time, ours / peer, over the programs both ran correctly (in ≥ {MEASURABLE_MS} ms)");
    for p in &pairs {
        let shown = |v: Option<f64>| v.map_or("n/a".to_string(), |v| format!("{v:.2}"));
        let goal = p.goal.map_or(String::new(), |g| {
            format!("  (goal: {} ≤ {:.2}) {}", g.of, g.at_most, if g.met { "met" } else { "NOT MET" })
        });
        println!(
            "  {:<19} / {:<19} geomean {:>5}  max {:>5} ({})  over {} programs{goal}",
            p.ours,
            p.peer,
            shown(p.geomean),
            shown(p.max),
            p.max_program.as_deref().unwrap_or("-"),
            p.programs
        );
    }

    let failures: Vec<(&str, &EngineRun)> = results
        .iter()
        .flat_map(|r| r.engines.iter().filter(|e| e.status != "ok").map(move |e| (r.program.as_str(), e)))
        .collect();
    println!("\nNot run correctly ({}):", failures.len());
    for (program, e) in &failures {
        // A peer's trap comes with its backtrace: the first and last lines
        // say what happened (the JSON keeps all of it).
        let detail = e.detail.as_deref().unwrap_or("");
        let mut lines = detail.lines().map(str::trim);
        let shown = match (lines.next(), lines.next_back()) {
            (Some(first), Some(last)) => format!("{first} … {last}"),
            (first, _) => first.unwrap_or("").to_string(),
        };
        println!("  {program} on {}: {}: {shown}", e.engine, e.status);
    }

    let report = Report {
        date: oracle::evidence::now_rfc3339(),
        commit: oracle::evidence::current_commit(),
        runs: args.runs,
        dirs,
        programs: results,
        pairs,
    };
    if let Some(dir) = args.json.parent() {
        std::fs::create_dir_all(dir)?;
    }
    std::fs::write(&args.json, serde_json::to_string_pretty(&report)?)?;
    println!("JSON: {}", args.json.display());
    // Wrong output or a failure on a Crucible tier is a bug: the run says so
    // in its status. Peers' failures and missing proposals are reported only.
    let ours_wrong = report.programs.iter().any(|r| {
        r.engines.iter().any(|e| e.engine.starts_with("crucible-") && matches!(e.status, "failed" | "wrong-output"))
    });
    Ok(!ours_wrong)
}
