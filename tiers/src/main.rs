//! `tiers`: policy as data, evidence ingestion, tier-eligibility reports and the nightly gate.
//!
//! Not built yet: issue #7 delivers it. Until then the binary says so and
//! fails, so no script mistakes it for a working tool.

fn main() -> std::process::ExitCode {
    eprintln!("error: `tiers` is not implemented yet (tracked by issue #7)");
    std::process::ExitCode::from(2)
}
