//! `dashboards`: a static site (one self-contained HTML page, no server, no
//! external resources) showing what the evidence says: the tier tables with
//! missing requirements, the compiler matrix per architecture, per-proposal
//! fuzz coverage with an operator heatmap, each cargo-fuzz target's exec/s
//! run by run with slowdowns marked as regressions ([`throughput`]), trends
//! over every kept run as SVG charts, and the open divergences with the
//! command that replays each.

pub mod history;
pub mod html;
pub mod svg;
pub mod throughput;

use std::path::{Path, PathBuf};

use tiers::policy::Policy;
use tiers::predicates::Context;

/// What a build produced.
pub struct Built {
    pub index: PathBuf,
    pub fuzz_runs: usize,
    pub spec_runs: usize,
}

/// Builds the site from evidence directories into `out`.
pub fn build(evidence_dirs: &[PathBuf], policy: &Policy, now: i64, out: &Path) -> Result<Built, String> {
    let evidence = tiers::evidence::load(evidence_dirs)?;
    // Every kept spec run (the latest ones are at the top level too).
    let history_dirs: Vec<PathBuf> = evidence_dirs.iter().map(|d| d.join("history")).filter(|d| d.is_dir()).collect();
    let kept = tiers::evidence::load(&history_dirs)?;
    let mut spec_runs: Vec<&evidence::SpecEvidence> = kept.spec.iter().map(|(_, s)| s).collect();
    if spec_runs.is_empty() {
        spec_runs = evidence.spec.iter().map(|(_, s)| s).collect();
    }
    let ctx = Context { policy, evidence: &evidence, now };
    let report = tiers::report::build(&ctx);
    let all_fuzz: Vec<&evidence::FuzzEvidence> = evidence.fuzz.iter().map(|(_, f)| f).collect();
    let fresh: Vec<&evidence::FuzzEvidence> = ctx.fresh_fuzz().collect();
    let history = history::build(&all_fuzz, &spec_runs, &fresh);
    std::fs::create_dir_all(out).map_err(|e| format!("{}: cannot create: {e}", out.display()))?;
    let index = out.join("index.html");
    std::fs::write(&index, html::page(&report, &history))
        .map_err(|e| format!("{}: cannot write: {e}", index.display()))?;
    let json = serde_json::to_string_pretty(&report).expect("reports serialize");
    std::fs::write(out.join("tiers.json"), json).map_err(|e| format!("{}: cannot write: {e}", out.display()))?;
    Ok(Built { index, fuzz_runs: history.fuzz.len(), spec_runs: history.spec.len() })
}
