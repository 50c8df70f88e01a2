//! The regression corpus (`corpus/regressions/`, format in its README):
//! loading a saved case and checking executors against what it expects.
//! `cargo test` replays every case; `triage save` writes new ones.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::case::{Call, Case};
use crate::compare::run_case;
use crate::executor::Executor;
use crate::outcome::Outcome;

/// `expected.json`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Expected {
    /// What the bug was.
    pub description: String,
    /// The verdict the oracle must reach (`agreed`, `agreed_on_trap`,
    /// `reference_bug`).
    pub verdict: String,
    /// What each call of the plan does on Crucible's tiers.
    pub outcomes: Vec<Outcome>,
}

/// The repository's regression corpus.
pub fn default_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../corpus/regressions")
}

/// Every case directory under `root`, sorted.
pub fn cases(root: &Path) -> std::io::Result<Vec<PathBuf>> {
    let mut dirs = Vec::new();
    for entry in std::fs::read_dir(root)? {
        let path = entry?.path();
        if path.is_dir() {
            dirs.push(path);
        }
    }
    dirs.sort();
    Ok(dirs)
}

/// Reads a case directory; errors name the file at fault.
pub fn load(dir: &Path) -> Result<(Case, Expected), String> {
    let read = |name: &str| std::fs::read(dir.join(name)).map_err(|e| format!("{}: {e}", dir.join(name).display()));
    let wasm = if dir.join("module.wasm").exists() {
        read("module.wasm")?
    } else {
        let path = dir.join("module.wat");
        wat::parse_file(&path).map_err(|e| format!("{}: {e}", path.display()))?
    };
    let json = |name: &str| -> Result<serde_json::Value, String> {
        serde_json::from_slice(&read(name)?).map_err(|e| format!("{}: {e}", dir.join(name).display()))
    };
    let plan: Vec<Call> =
        serde_json::from_value(json("plan.json")?).map_err(|e| format!("{}: {e}", dir.join("plan.json").display()))?;
    let expected: Expected = serde_json::from_value(json("expected.json")?)
        .map_err(|e| format!("{}: {e}", dir.join("expected.json").display()))?;
    if expected.description.trim().is_empty() {
        return Err(format!("{}: the description is empty", dir.join("expected.json").display()));
    }
    let providers = crate::fuzz::read_providers(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    Ok((Case { wasm, plan, providers }, expected))
}

/// Replays a saved case: the verdict must be the expected one and every
/// Crucible executor (all but reference engines) that runs the module must
/// give the expected outcomes; one lacking a proposal the module needs sits
/// it out, as in fuzzing, but at least one must run it.
pub fn check(dir: &Path, executors: &[&dyn Executor]) -> Result<(), String> {
    let name = dir.file_name().map_or_else(|| dir.display().to_string(), |n| n.to_string_lossy().into_owned());
    let (case, expected) = load(dir)?;
    let report = run_case(&case, executors);
    let mut problems = Vec::new();
    if report.verdict.kind() != expected.verdict {
        problems.push(format!("{name}: verdict {:?}, expected {}", report.verdict, expected.verdict));
    }
    let mut ran = 0;
    for (run, executor) in report.runs.iter().zip(executors) {
        if executor.is_reference() || run.sat_out() {
            continue;
        }
        ran += 1;
        if run.calls != expected.outcomes {
            problems.push(format!("{name}: {} gave {:?}, expected {:?}", run.executor, run.calls, expected.outcomes));
        }
    }
    if ran == 0 {
        problems.push(format!("{name}: no Crucible executor ran it"));
    }
    if problems.is_empty() { Ok(()) } else { Err(problems.join("\n")) }
}
