//! `crucible`: the front door to the engine and its harness.

mod fuzz;
mod run;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use engine::{Config, Tier};

#[derive(Parser)]
#[command(name = "crucible", version, about = "A WebAssembly engine tested harder than any other")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Run an exported function of a module (.wasm or .wat).
    Run(run::RunArgs),
    /// Run .wast spec scripts and report each directive.
    Wast {
        /// Execution tier.
        #[arg(long, default_value = "interp", value_parser = parse_tier)]
        compiler: Tier,
        /// Print the results as JSON instead of a summary.
        #[arg(long)]
        json: bool,
        /// Scripts to run.
        #[arg(required = true)]
        files: Vec<PathBuf>,
    },
    /// Differential fuzzing: generated modules on every executor, compared.
    Fuzz(fuzz::FuzzArgs),
    /// Turn a libFuzzer run's log and corpus into fuzz evidence.
    LibfuzzerEvidence(fuzz::LibFuzzerEvidenceArgs),
    /// List the Cranelift flags in effect for this host (target, shared
    /// settings, CPU features) at an optimization level.
    Settings {
        #[arg(long, default_value = "speed", value_parser = parse_opt_level)]
        opt_level: engine::OptLevel,
    },
    /// Regenerate the fuzz targets' seed corpora (deterministic): DIR/<target>/.
    SeedCorpus {
        /// Corpus root; each target's directory in it is replaced.
        #[arg(long, default_value = "corpus")]
        out: PathBuf,
        /// Only these targets (default: all).
        #[arg(long)]
        target: Vec<oracle::targets::TargetKind>,
    },
    /// Run the pinned official spec suite on a tier and write evidence JSON.
    Spec {
        #[arg(long, default_value = "interp", value_parser = parse_tier)]
        compiler: Tier,
        /// Evidence directory (default: $CRUCIBLE_EVIDENCE_DIR or ./evidence).
        #[arg(long)]
        evidence_dir: Option<PathBuf>,
    },
}

fn parse_opt_level(s: &str) -> Result<engine::OptLevel, String> {
    s.parse()
}

pub(crate) fn parse_tier(s: &str) -> Result<Tier, String> {
    s.parse()
}

fn main() -> ExitCode {
    let cli: Cli = oracle::args::parse();
    let result = match cli.command {
        Command::Run(args) => run::run(args),
        Command::Fuzz(args) => fuzz::run(args),
        Command::LibfuzzerEvidence(args) => fuzz::libfuzzer_evidence(args),
        Command::Wast { compiler, json, files } => wast(compiler, json, &files),
        Command::Spec { compiler, evidence_dir } => spec(compiler, evidence_dir),
        Command::SeedCorpus { out, target } => seed_corpus(&out, &target),
        Command::Settings { opt_level } => settings(opt_level),
    };
    match result {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::from(2)
        }
    }
}

fn settings(opt_level: engine::OptLevel) -> anyhow::Result<ExitCode> {
    for (name, value) in engine::compile::cranelift::isa::settings_in_effect(opt_level)? {
        println!("{name} = {value}");
    }
    Ok(ExitCode::SUCCESS)
}

fn seed_corpus(root: &std::path::Path, targets: &[oracle::targets::TargetKind]) -> anyhow::Result<ExitCode> {
    for target in if targets.is_empty() { oracle::targets::TargetKind::ALL } else { targets } {
        let seeds = target.seed_corpus();
        let dir = root.join(target.name());
        if dir.is_dir() {
            // Only seed files live here (libFuzzer-style flat names).
            for entry in std::fs::read_dir(&dir)? {
                let path = entry?.path();
                if path.is_file() {
                    std::fs::remove_file(&path)?;
                }
            }
        }
        std::fs::create_dir_all(&dir).map_err(|e| anyhow::anyhow!("cannot create {}: {e}", dir.display()))?;
        let bytes: usize = seeds.iter().map(|s| s.len()).sum();
        for seed in &seeds {
            std::fs::write(dir.join(format!("{:016x}", oracle::executor::fnv1a(seed))), seed)?;
        }
        println!("{}: {} seeds, {} bytes", dir.display(), seeds.len(), bytes);
    }
    Ok(ExitCode::SUCCESS)
}

fn wast(tier: Tier, json: bool, files: &[PathBuf]) -> anyhow::Result<ExitCode> {
    let mut config = Config::new();
    config.tier(tier);
    let mut reports = Vec::new();
    for path in files {
        let text = std::fs::read_to_string(path).map_err(|e| anyhow::anyhow!("cannot read {}: {e}", path.display()))?;
        reports.push(oracle::spec::run_file(&config, &path.display().to_string(), &text));
    }
    let failed: usize = reports.iter().map(|r| r.failed()).sum();
    if json {
        println!("{}", serde_json::to_string_pretty(&reports)?);
    } else {
        for report in &reports {
            for r in &report.results {
                if let oracle::wast::Status::Failed(why) = &r.status {
                    println!("FAIL {}:{} {}: {why}", report.file, r.line, r.kind);
                }
            }
            println!(
                "{}: {} passed, {} failed, {} skipped",
                report.file,
                report.passed(),
                report.failed(),
                report.skipped()
            );
        }
        let passed: usize = reports.iter().map(|r| r.passed()).sum();
        let skipped: usize = reports.iter().map(|r| r.skipped()).sum();
        println!("total ({tier}): {passed} passed, {failed} failed, {skipped} skipped");
    }
    Ok(if failed == 0 { ExitCode::SUCCESS } else { ExitCode::FAILURE })
}

fn spec(tier: Tier, dir: Option<PathBuf>) -> anyhow::Result<ExitCode> {
    let evidence = oracle::spec::run_all(tier);
    let mut failed = 0;
    for s in &evidence.suites {
        for f in &s.failures {
            println!("FAIL {}:{} {}: {}", f.file, f.line, f.kind, f.message);
        }
        println!(
            "{:<45} {:>6} passed {:>4} failed {:>5} skipped {:>3} known-outdated",
            s.suite, s.passed, s.failed, s.skipped, s.known_outdated
        );
        failed += s.failed;
    }
    let path = evidence.write_to(&dir.unwrap_or_else(oracle::evidence::default_dir))?;
    println!("evidence written to {}", path.display());
    Ok(if failed == 0 { ExitCode::SUCCESS } else { ExitCode::FAILURE })
}
