//! `dashboards build`: see the crate docs and `dashboards --help`.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use tiers::policy::{DEFAULT_POLICY, Policy};

#[derive(Parser)]
#[command(name = "dashboards", version, about = "Static HTML views of Crucible's tiers and fuzzing evidence")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Build the site (index.html, tiers.json) from evidence.
    Build {
        /// Evidence directories (default: $CRUCIBLE_EVIDENCE_DIR or ./evidence).
        #[arg(long)]
        evidence: Vec<PathBuf>,
        /// Output directory.
        #[arg(long, default_value = "target/dashboard")]
        out: PathBuf,
        /// The policy (default: tiers/policy.toml, built in).
        #[arg(long)]
        policy: Option<PathBuf>,
    },
}

fn run(cli: Cli) -> Result<(), String> {
    let Command::Build { evidence, out, policy } = cli.command;
    let policy = match policy {
        Some(path) => {
            let text = std::fs::read_to_string(&path).map_err(|e| format!("{}: cannot read: {e}", path.display()))?;
            Policy::parse(&text, &path.display().to_string())?
        }
        None => Policy::parse(DEFAULT_POLICY, "tiers/policy.toml")?,
    };
    let dirs = if evidence.is_empty() { vec![evidence::default_dir()] } else { evidence };
    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_secs() as i64);
    let built = dashboards::build(&dirs, &policy, now, &out)?;
    println!("built {} from {} fuzz runs and {} spec runs", built.index.display(), built.fuzz_runs, built.spec_runs);
    Ok(())
}

fn main() -> ExitCode {
    match run(Cli::parse()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::from(2)
        }
    }
}
