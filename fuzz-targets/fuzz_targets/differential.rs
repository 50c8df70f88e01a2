//! A generated case on every executor, compared: libFuzzer drives the same
//! code as `crucible fuzz` (oracle::fuzz::run_input), so its crash inputs are
//! that loop's inputs. A divergence panics, which libFuzzer saves.
#![no_main]

use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use oracle::compare::Verdict;
use oracle::executor::{Executor, by_name};

fn executors() -> &'static [Box<dyn Executor>] {
    static EXECUTORS: OnceLock<Vec<Box<dyn Executor>>> = OnceLock::new();
    EXECUTORS.get_or_init(|| oracle::executor::AVAILABLE.iter().map(|n| by_name(n).unwrap()).collect())
}

fuzz_target!(|data: &[u8]| {
    let executors: Vec<&dyn Executor> = executors().iter().map(|e| e.as_ref()).collect();
    let profile = oracle::case::profile(&std::env::var("CRUCIBLE_PROFILE").unwrap_or_else(|_| "default".into()))
        .expect("CRUCIBLE_PROFILE names a profile");
    let Ok(case) = oracle::case::generate(data, &profile, &executors) else { return };
    let report = oracle::compare::run_case(&case, &executors);
    if let Verdict::Diverged(why) | Verdict::Crashed(why) = &report.verdict {
        panic!("{why}");
    }
});
