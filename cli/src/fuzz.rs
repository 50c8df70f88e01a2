//! `crucible fuzz`: the built-in differential fuzz loop.

use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::LazyLock;

use clap::Args;
use oracle::case::Profile;
use oracle::executor::ExecutorKind;
use oracle::fuzz::{FuzzOptions, FuzzStats};
use oracle::targets::TargetKind;

/// The default of `--executors`: [`ExecutorKind::AVAILABLE`], spelled as
/// the flag takes it.
static AVAILABLE_EXECUTORS: LazyLock<String> =
    LazyLock::new(|| ExecutorKind::AVAILABLE.iter().map(|k| k.name()).collect::<Vec<_>>().join(","));

#[derive(Args)]
pub struct FuzzArgs {
    /// How long to fuzz.
    #[arg(long, default_value_t = 60.0)]
    seconds: f64,
    /// Seed of the input generator (same seed and jobs → same inputs).
    #[arg(long, default_value_t = 0)]
    seed: u64,
    /// Proposal profile: the proposals generated modules may use.
    #[arg(long, default_value = "default", value_parser = oracle::case::profile_parser())]
    profile: Profile,
    /// Comma-separated executors; the first is the one others are compared to.
    #[arg(long, default_value = AVAILABLE_EXECUTORS.as_str(), value_delimiter = ',')]
    executors: Vec<ExecutorKind>,
    /// Worker threads (default: all cores).
    #[arg(long)]
    jobs: Option<usize>,
    /// Directory for divergence artifacts.
    #[arg(long, default_value = "fuzz-artifacts")]
    out: PathBuf,
    /// Evidence directory (default: $CRUCIBLE_EVIDENCE_DIR or ./evidence).
    #[arg(long)]
    evidence_dir: Option<PathBuf>,
    /// Stop after this many cases.
    #[arg(long)]
    max_cases: Option<u64>,
    /// Replay these inputs (files, directories, artifact directories) instead of generating.
    #[arg(long, num_args = 1..)]
    replay: Vec<PathBuf>,
}

pub fn run(args: FuzzArgs) -> anyhow::Result<ExitCode> {
    let executors: Vec<_> = args.executors.iter().map(|k| k.build()).collect();
    if executors.len() < 2 {
        anyhow::bail!("differential fuzzing needs at least two executors, got {}", executors.len());
    }
    let jobs = args.jobs.unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get())).max(1);
    let options = FuzzOptions {
        target: TargetKind::Differential,
        seconds: args.seconds,
        seed: args.seed,
        profile: args.profile,
        executors: executors.iter().map(|e| e.as_ref()).collect(),
        jobs,
        out: Some(args.out.clone()),
        max_cases: args.max_cases,
        stop_on_divergence: false,
        progress: args.replay.is_empty(),
    };
    let (stats, wall) = if args.replay.is_empty() {
        oracle::fuzz::fuzz(&options)
    } else {
        let start = std::time::Instant::now();
        (oracle::fuzz::replay(&args.replay, &options)?, start.elapsed())
    };
    print_summary(&stats, wall, jobs);
    if args.replay.is_empty() {
        let evidence = stats.evidence(&options, wall, "crucible-fuzz");
        let path = evidence.write_to(&args.evidence_dir.unwrap_or_else(oracle::evidence::default_dir))?;
        println!("evidence written to {}", path.display());
    }
    Ok(if stats.found_bug() { ExitCode::FAILURE } else { ExitCode::SUCCESS })
}

fn print_summary(stats: &FuzzStats, wall: std::time::Duration, jobs: usize) {
    let secs = wall.as_secs_f64().max(1e-9);
    println!(
        "{} cases in {secs:.1}s: {:.0} cases/s, {:.0} cases/s/core ({jobs} jobs); {} calls",
        stats.totals.cases,
        stats.totals.cases as f64 / secs,
        stats.totals.cases as f64 / secs / jobs as f64,
        stats.totals.calls
    );
    println!(
        "agreed {}, agreed on trap {}, not comparable {}, diverged {}, crashed {}, reference bugs {}, invalid inputs {}",
        stats.totals.agreed,
        stats.totals.agreed_on_trap,
        stats.totals.not_comparable,
        stats.totals.diverged,
        stats.totals.crashed,
        stats.totals.reference_bugs,
        stats.totals.invalid_inputs
    );
    if !stats.mix.is_empty() {
        let mix: Vec<String> = stats.mix.iter().map(|(kind, n)| format!("{kind} {n}")).collect();
        println!("mix: {}", mix.join(", "));
    }
    for (reason, n) in &stats.not_comparable_reasons {
        println!("  not comparable: {reason}: {n}");
    }
    for example in stats.not_comparable_examples.iter().take(3) {
        println!("    e.g. {example}");
    }
    let mut proposals: Vec<&str> = vec!["mvp"];
    proposals.extend(oracle::opcodes::PROPOSAL_OPCODES.iter().map(|(p, _)| *p));
    for p in proposals {
        let universe = oracle::opcodes::opcodes_of(p);
        let seen = universe.iter().filter(|op| stats.opcodes_generated.contains_key(**op)).count();
        let executed: Vec<String> = stats
            .opcodes_executed
            .iter()
            .map(|(executor, ops)| {
                format!(
                    "{}/{} by {executor}",
                    universe.iter().filter(|op| ops.contains_key(**op)).count(),
                    universe.len()
                )
            })
            .collect();
        println!(
            "  {p}: {} cases, opcodes generated {seen}/{}, executed {}",
            stats.cases_by_proposal.get(p).copied().unwrap_or(0),
            universe.len(),
            if executed.is_empty() { "unmeasured".to_string() } else { executed.join(", ") }
        );
    }
    for detail in stats.reference_bug_details.iter().take(5) {
        println!("REFERENCE BUG (confirmed, not counted as a divergence): {detail}");
    }
    for failure in &stats.failures {
        println!("DIVERGENCE: {failure}");
    }
    for artifact in &stats.artifacts {
        println!("artifact: {artifact}");
    }
}

#[derive(Args)]
pub struct LibFuzzerEvidenceArgs {
    /// The output (stderr) of a `cargo fuzz run` / libFuzzer run.
    #[arg(long)]
    log: PathBuf,
    /// The corpus directory the run used and grew.
    #[arg(long)]
    corpus: PathBuf,
    /// The fuzz target that ran.
    #[arg(long, default_value_t = TargetKind::Differential)]
    target: TargetKind,
    /// The profile the target generated cases with ($CRUCIBLE_PROFILE).
    #[arg(long, default_value = "default", value_parser = oracle::case::profile_parser())]
    profile: Profile,
    /// Evidence directory (default: $CRUCIBLE_EVIDENCE_DIR or ./evidence).
    #[arg(long)]
    evidence_dir: Option<PathBuf>,
}

/// Fuzz evidence from a libFuzzer run: its log gives time and executions,
/// replaying its corpus through the oracle gives what the inputs exercised.
pub fn libfuzzer_evidence(args: LibFuzzerEvidenceArgs) -> anyhow::Result<ExitCode> {
    let log =
        std::fs::read_to_string(&args.log).map_err(|e| anyhow::anyhow!("cannot read {}: {e}", args.log.display()))?;
    let run = oracle::libfuzzer::parse_log(&log).map_err(|e| anyhow::anyhow!("{}: {e}", args.log.display()))?;
    if !args.corpus.is_dir() {
        anyhow::bail!("{} is not a corpus directory", args.corpus.display());
    }
    let executors: Vec<_> = ExecutorKind::AVAILABLE.iter().map(|k| k.build()).collect();
    let options = FuzzOptions {
        target: args.target,
        seconds: 0.0,
        seed: 0,
        profile: args.profile,
        executors: executors.iter().map(|e| e.as_ref()).collect(),
        jobs: 1,
        out: None,
        max_cases: None,
        stop_on_divergence: false,
        progress: false,
    };
    let stats = oracle::fuzz::replay(std::slice::from_ref(&args.corpus), &options)?;
    let evidence = oracle::libfuzzer::evidence(&run, &stats, &options, &args.log);
    let path = evidence.write_to(&args.evidence_dir.unwrap_or_else(oracle::evidence::default_dir))?;
    println!(
        "{} runs in {} s ({} exec/s); corpus of {} inputs replayed: {} cases, {} divergences; evidence written to {}",
        run.runs,
        run.seconds,
        evidence.exec_per_sec().map_or("no".to_string(), |r| format!("{:.0}", r.floor())),
        stats.totals.cases + stats.totals.invalid_inputs,
        stats.totals.cases,
        stats.totals.diverged + stats.totals.crashed,
        path.display()
    );
    Ok(if stats.found_bug() || run.crashed { ExitCode::FAILURE } else { ExitCode::SUCCESS })
}
