//! Replays every case under `corpus/regressions/` on every executor.

use oracle::executor::{Executor, ExecutorKind};
use oracle::regressions;

#[test]
fn every_regression_replays_as_recorded() {
    let executors: Vec<Box<dyn Executor>> = ExecutorKind::AVAILABLE.iter().map(|k| k.build()).collect();
    let refs: Vec<&dyn Executor> = executors.iter().map(|e| e.as_ref()).collect();
    let dirs = regressions::cases(&regressions::default_dir()).expect("corpus/regressions exists");
    assert!(dirs.len() >= 3, "the corpus lost cases");
    let problems: Vec<String> = dirs.iter().filter_map(|dir| regressions::check(dir, &refs).err()).collect();
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}
