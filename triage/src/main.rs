//! `triage`: repro, minimize and save crashes as regressions.
//!
//! Not built yet: issue #6 delivers it. Until then the binary says so and
//! fails, so no script mistakes it for a working tool.

fn main() -> std::process::ExitCode {
    eprintln!("error: `triage` is not implemented yet (tracked by issue #6)");
    std::process::ExitCode::from(2)
}
