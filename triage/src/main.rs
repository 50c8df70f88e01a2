//! `triage`: repro, minimize and save fuzzer findings. See the crate docs
//! (`triage/src/lib.rs`) and `triage --help`.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand};
use oracle::executor::{Executor, ExecutorKind};
use oracle::targets::TargetKind;
use triage::artifact::{self, Artifact};
use triage::repro;

#[derive(Parser)]
#[command(name = "triage", version, about = "From a fuzzer's artifact to a minimal saved regression")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Args)]
struct Source {
    /// A libFuzzer crash/timeout input, a `crucible fuzz` artifact
    /// directory, a minimized directory, or a .wasm/.wat module.
    artifact: PathBuf,
    /// The fuzz target of a libFuzzer input (default: inferred from a
    /// directory on its path, e.g. fuzz-targets/artifacts/<target>/).
    #[arg(long)]
    target: Option<TargetKind>,
    /// A call plan (JSON) for a bare module (default: every export once,
    /// with zero arguments).
    #[arg(long)]
    plan: Option<PathBuf>,
    /// Executors to run, comma-separated (default: every available one).
    #[arg(long, value_delimiter = ',')]
    executors: Vec<ExecutorKind>,
}

#[derive(Subcommand)]
enum Command {
    /// Replay an artifact on every executor, each in its own process, and
    /// print what each did. Exit 0: all agree; 1: divergence; 2: a crash.
    Repro(Source),
    /// Shrink a diverging case (plan, then module) keeping its signature;
    /// writes module.wasm, module.wat, plan.json and signature.txt.
    Minimize {
        #[command(flatten)]
        source: Source,
        /// Output directory (default: ./triage-minimized).
        #[arg(long, default_value = "triage-minimized")]
        out: PathBuf,
        /// Candidate modules wasm-shrink may try.
        #[arg(long, default_value_t = 2000)]
        attempts: u32,
    },
    /// Store a (minimized) case in the regression corpus with the outcome it
    /// must have: the majority's, or that of `--expect`.
    Save {
        /// The case's directory name (lowercase, digits, `-`, `_`).
        name: String,
        /// The case to save (a `triage minimize` output or any artifact
        /// directory).
        #[arg(long, default_value = "triage-minimized")]
        from: PathBuf,
        /// The regression corpus.
        #[arg(long, default_value = "corpus/regressions")]
        corpus: PathBuf,
        /// The executor whose behaviour is right (default: the majority).
        #[arg(long)]
        expect: Option<ExecutorKind>,
        /// What the bug was (default: the divergence signature).
        #[arg(long)]
        description: Option<String>,
        /// Executors to run, comma-separated (default: every available one).
        #[arg(long, value_delimiter = ',')]
        executors: Vec<ExecutorKind>,
    },
    /// (internal) Run a case directory on one executor; print the run as JSON.
    #[command(hide = true)]
    RunOne {
        #[arg(long)]
        executor: ExecutorKind,
        dir: PathBuf,
    },
    /// (internal) Run a self-checked target on one input.
    #[command(hide = true)]
    CheckOne {
        #[arg(long)]
        target: TargetKind,
        input: PathBuf,
    },
}

/// Fuel per instance for in-process runs (minimize, save): candidates of a
/// minimization may lose the module's termination guard and loop forever.
const IN_PROCESS_FUEL: u64 = 50_000_000;

/// The executors of these kinds (default: every available one).
fn kinds(kinds: &[ExecutorKind]) -> &[ExecutorKind] {
    if kinds.is_empty() { ExecutorKind::AVAILABLE } else { kinds }
}

/// The executors of these kinds (default: every available one), optionally
/// with bounded execution.
fn executors(of: &[ExecutorKind], fuel: Option<u64>) -> Vec<Box<dyn Executor>> {
    kinds(of)
        .iter()
        .map(|k| match fuel {
            Some(fuel) => k.build_with_fuel(fuel),
            None => k.build(),
        })
        .collect()
}

fn refs(executors: &[Box<dyn Executor>]) -> Vec<&dyn Executor> {
    executors.iter().map(|e| e.as_ref()).collect()
}

/// Work with deep host recursion (reference engines) runs on a big stack.
fn on_big_stack<R: Send>(f: impl FnOnce() -> R + Send) -> R {
    std::thread::scope(|s| {
        std::thread::Builder::new()
            .stack_size(256 << 20)
            .spawn_scoped(s, f)
            .expect("the OS can start a thread")
            .join()
            .unwrap_or_else(|p| std::panic::resume_unwind(p))
    })
}

fn load(source: &Source, executors: &[&dyn Executor]) -> Result<Artifact, String> {
    artifact::load(&source.artifact, source.target, source.plan.as_deref(), executors)
}

fn repro(source: &Source) -> Result<u8, String> {
    let exe = std::env::current_exe().map_err(|e| format!("cannot find the triage binary: {e}"))?;
    let kinds = kinds(&source.executors);
    let boxed = executors(kinds, None);
    match load(source, &refs(&boxed))? {
        Artifact::Case { case, origin } => {
            let mut results = Vec::new();
            for &kind in kinds {
                results.push((kind.name().to_string(), repro::run_isolated(&exe, kind, &case)?));
            }
            println!("{origin}: {} bytes of wasm, {} calls\n", case.wasm.len(), case.plan.len());
            print!("{}", repro::table(&case, &results));
            let verdict = repro::judge(&results);
            match &verdict {
                repro::Verdict::Agree => println!("\nall {} executors agree", kinds.len()),
                repro::Verdict::Diverged(sig) => println!("\nDIVERGED at {sig}"),
                repro::Verdict::Crashed(who) => println!("\nCRASHED: {}", who.join("; ")),
            }
            Ok(verdict.exit_code())
        }
        Artifact::Input { target, data, origin } => {
            println!("{origin}: `{target}` input of {} bytes (checked on Crucible alone)", data.len());
            match repro::check_isolated(&exe, target, &data)? {
                Ok(None) => {
                    println!("passes: the `{target}` check finds nothing");
                    Ok(0)
                }
                Ok(Some(bug)) => {
                    println!("FAILS: {bug}");
                    Ok(1)
                }
                Err(crash) => {
                    println!("CRASHED: {crash}");
                    Ok(2)
                }
            }
        }
    }
}

fn minimize(source: &Source, out: &Path, attempts: u32) -> Result<u8, String> {
    let boxed = executors(&source.executors, Some(IN_PROCESS_FUEL));
    let executors = refs(&boxed);
    let Artifact::Case { case, origin } = load(source, &executors)? else {
        return Err("only cases run on several executors can be minimized; this input is checked on Crucible alone \
                    (replay it with `triage repro`)"
            .into());
    };
    let minimized = on_big_stack(|| triage::minimize::minimize(&case, &executors, attempts))?;
    std::fs::create_dir_all(out).map_err(|e| format!("cannot create {}: {e}", out.display()))?;
    repro::write_case(out, &minimized.case).map_err(|e| format!("cannot write to {}: {e}", out.display()))?;
    let wat = wasmprinter::print_bytes(&minimized.case.wasm).unwrap_or_else(|e| format!(";; cannot print: {e}\n"));
    let write = |name: &str, text: &str| {
        std::fs::write(out.join(name), text).map_err(|e| format!("cannot write {}: {e}", out.join(name).display()))
    };
    write("module.wat", &wat)?;
    write("signature.txt", &format!("{}\n", minimized.signature))?;
    println!(
        "{origin}: {} -> {} bytes ({:.1}%), {} -> {} calls; signature kept: {}",
        minimized.original_size,
        minimized.case.wasm.len(),
        100.0 * minimized.case.wasm.len() as f64 / minimized.original_size.max(1) as f64,
        case.plan.len(),
        minimized.case.plan.len(),
        minimized.signature
    );
    println!("written to {}\n\n{wat}", out.display());
    Ok(0)
}

fn save(
    name: &str,
    from: &Path,
    corpus: &Path,
    expect: Option<ExecutorKind>,
    description: Option<&str>,
    kinds: &[ExecutorKind],
) -> Result<u8, String> {
    if !triage::save::valid_name(name) {
        return Err(format!("`{name}` is not a case name: use lowercase letters, digits, `-` and `_`"));
    }
    let boxed = executors(kinds, Some(IN_PROCESS_FUEL));
    let executors = refs(&boxed);
    if !corpus.is_dir() {
        return Err(format!(
            "{}: no regression corpus here (run from the repository root or pass --corpus)",
            corpus.display()
        ));
    }
    let Artifact::Case { case, .. } = artifact::load(from, None, None, &executors)? else {
        unreachable!("directories always load as cases")
    };
    let signature = std::fs::read_to_string(from.join("signature.txt")).ok();
    let dir = on_big_stack(|| {
        triage::save::save(&case, name, corpus, &executors, expect, description, signature.as_deref().map(str::trim))
    })?;
    println!("saved {}; `cargo test -p oracle --test regressions` replays it", dir.display());
    Ok(0)
}

fn run_one(executor: ExecutorKind, dir: &Path) -> Result<u8, String> {
    let executor = executor.build();
    let Artifact::Case { case, .. } = artifact::load(dir, None, None, &[executor.as_ref()])? else {
        unreachable!("directories always load as cases")
    };
    let run = on_big_stack(|| oracle::compare::record_run(executor.as_ref(), &case));
    println!("{}", serde_json::to_string(&run).expect("runs serialize"));
    Ok(0)
}

fn check_one(target: TargetKind, input: &Path) -> Result<u8, String> {
    let data = std::fs::read(input).map_err(|e| format!("cannot read {}: {e}", input.display()))?;
    let boxed = executors(&[], None);
    match on_big_stack(|| target.check(&data, &refs(&boxed))) {
        Ok(()) => Ok(0),
        Err(bug) => {
            println!("{bug}");
            Ok(1)
        }
    }
}

fn main() -> ExitCode {
    let cli: Cli = oracle::args::parse();
    let result = match &cli.command {
        Command::Repro(source) => repro(source),
        Command::Minimize { source, out, attempts } => minimize(source, out, *attempts),
        Command::Save { name, from, corpus, expect, description, executors } => {
            save(name, from, corpus, *expect, description.as_deref(), executors)
        }
        Command::RunOne { executor, dir } => run_one(*executor, dir),
        Command::CheckOne { target, input } => check_one(*target, input),
    };
    match result {
        Ok(code) => ExitCode::from(code),
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::from(2)
        }
    }
}
