//! `dashboards`: static HTML views of tiers and fuzzing evidence.
//!
//! Not built yet: issue #8 delivers it. Until then the binary says so and
//! fails, so no script mistakes it for a working tool.

fn main() -> std::process::ExitCode {
    eprintln!("error: `dashboards` is not implemented yet (tracked by issue #8)");
    std::process::ExitCode::from(2)
}
