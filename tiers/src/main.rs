//! `tiers report` and `tiers gate`: see `tiers --help` and `tiers/policy.toml`.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand};
use tiers::policy::{DEFAULT_POLICY, Policy};
use tiers::predicates::Context;

#[derive(Parser)]
#[command(name = "tiers", version, about = "Tier eligibility of Crucible's features, computed from evidence")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Args)]
struct Inputs {
    /// Evidence directories or files (default: $CRUCIBLE_EVIDENCE_DIR or ./evidence).
    #[arg(long)]
    evidence: Vec<PathBuf>,
    /// The policy (default: the tiers/policy.toml built into this binary).
    #[arg(long)]
    policy: Option<PathBuf>,
    /// Judge evidence age as of this RFC 3339 UTC time (default: now).
    #[arg(long)]
    now: Option<String>,
}

#[derive(Subcommand)]
enum Command {
    /// Print the tier tables, compiler matrix and fuzz coverage as Markdown.
    Report {
        #[command(flatten)]
        inputs: Inputs,
        /// Also write the report as JSON to this file.
        #[arg(long)]
        json: Option<PathBuf>,
        /// Write the Markdown to this file instead of stdout.
        #[arg(long)]
        markdown: Option<PathBuf>,
    },
    /// Exit 1, explaining why, when a claimed tier is not backed by evidence.
    Gate {
        #[command(flatten)]
        inputs: Inputs,
    },
}

fn build(inputs: &Inputs) -> Result<tiers::report::Report, String> {
    let policy = match &inputs.policy {
        Some(path) => {
            let text = std::fs::read_to_string(path).map_err(|e| format!("{}: cannot read: {e}", path.display()))?;
            Policy::parse(&text, &path.display().to_string())?
        }
        None => Policy::parse(DEFAULT_POLICY, "tiers/policy.toml")?,
    };
    let dirs = if inputs.evidence.is_empty() { vec![evidence::default_dir()] } else { inputs.evidence.clone() };
    let evidence = tiers::evidence::load(&dirs)?;
    let now = match &inputs.now {
        Some(t) => tiers::evidence::parse_time(t).ok_or_else(|| format!("--now `{t}`: not an RFC 3339 UTC time"))?,
        None => std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_secs() as i64),
    };
    Ok(tiers::report::build(&Context { policy: &policy, evidence: &evidence, now }))
}

fn run(cli: &Cli) -> Result<ExitCode, String> {
    match &cli.command {
        Command::Report { inputs, json, markdown } => {
            let report = build(inputs)?;
            if let Some(path) = json {
                let text = serde_json::to_string_pretty(&report).expect("reports serialize");
                std::fs::write(path, text).map_err(|e| format!("{}: cannot write: {e}", path.display()))?;
            }
            let text = tiers::report::markdown(&report);
            match markdown {
                Some(path) => {
                    std::fs::write(path, text).map_err(|e| format!("{}: cannot write: {e}", path.display()))?
                }
                None => print!("{text}"),
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Gate { inputs } => {
            let report = build(inputs)?;
            let failures = tiers::report::gate_failures(&report);
            let claims = report.features.iter().filter(|f| f.claimed.is_some()).count();
            if failures.is_empty() {
                println!("gate passed: all {claims} claimed tiers are backed by evidence");
                Ok(ExitCode::SUCCESS)
            } else {
                println!("gate FAILED: {} of {claims} claimed tiers are not backed by evidence\n", failures.len());
                println!("{}", failures.join("\n\n"));
                Ok(ExitCode::from(1))
            }
        }
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    run(&cli).unwrap_or_else(|e| {
        eprintln!("error: {e}");
        ExitCode::from(2)
    })
}
