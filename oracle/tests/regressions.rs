//! Replays every case under `corpus/regressions/` on every executor.

use std::path::{Path, PathBuf};

use oracle::case::{Call, Case};
use oracle::compare::run_case;
use oracle::executor::{AVAILABLE, Executor, by_name};
use oracle::outcome::Outcome;
use serde::Deserialize;

#[derive(Deserialize)]
struct Expected {
    description: String,
    verdict: String,
    outcomes: Vec<Outcome>,
}

fn cases() -> Vec<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../corpus/regressions");
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(&root)
        .expect("corpus/regressions exists")
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_dir())
        .collect();
    dirs.sort();
    dirs
}

fn load(dir: &Path) -> (Case, Expected) {
    let wasm = if dir.join("module.wasm").exists() {
        std::fs::read(dir.join("module.wasm")).unwrap()
    } else {
        wat::parse_file(dir.join("module.wat")).unwrap()
    };
    let plan: Vec<Call> = serde_json::from_str(&std::fs::read_to_string(dir.join("plan.json")).unwrap()).unwrap();
    let expected: Expected =
        serde_json::from_str(&std::fs::read_to_string(dir.join("expected.json")).unwrap()).unwrap();
    (Case { wasm, plan }, expected)
}

#[test]
fn every_regression_replays_as_recorded() {
    let executors: Vec<Box<dyn Executor>> = AVAILABLE.iter().map(|n| by_name(n).unwrap()).collect();
    let refs: Vec<&dyn Executor> = executors.iter().map(|e| e.as_ref()).collect();
    let dirs = cases();
    assert!(dirs.len() >= 3, "the corpus lost cases");
    let mut problems = Vec::new();
    for dir in &dirs {
        let (case, expected) = load(dir);
        assert!(!expected.description.is_empty());
        let report = run_case(&case, &refs);
        let name = dir.file_name().unwrap().to_string_lossy().to_string();
        if report.verdict.kind() != expected.verdict {
            problems.push(format!("{name}: verdict {:?}, expected {}", report.verdict, expected.verdict));
        }
        for run in report.runs.iter().filter(|r| r.executor != "wasmi") {
            if run.calls != expected.outcomes {
                problems
                    .push(format!("{name}: {} gave {:?}, expected {:?}", run.executor, run.calls, expected.outcomes));
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}
