//! Reading evidence: every spec and fuzz evidence file of one or more
//! directories (or single files), checked against its schema. A bad file is
//! an error naming the file and the field; nothing is silently dropped.

use std::path::{Path, PathBuf};

use crate::{FUZZ_SCHEMA, FUZZ_SCHEMA_VERSION, FuzzEvidence, SPEC_SCHEMA, SPEC_SCHEMA_VERSION, SpecEvidence};

/// Everything read, with the file each record came from.
#[derive(Clone, Debug, Default)]
pub struct Evidence {
    pub spec: Vec<(PathBuf, SpecEvidence)>,
    pub fuzz: Vec<(PathBuf, FuzzEvidence)>,
}

fn field_error(path: &Path, e: &serde_json::Error) -> String {
    format!("{}: {e}", path.display())
}

/// Reads one evidence file.
pub fn load_file(path: &Path, into: &mut Evidence) -> Result<(), String> {
    let bytes = std::fs::read(path).map_err(|e| format!("{}: cannot read: {e}", path.display()))?;
    let value: serde_json::Value =
        serde_json::from_slice(&bytes).map_err(|e| format!("{}: not JSON: {e}", path.display()))?;
    let schema = value
        .get("schema")
        .and_then(|s| s.as_str())
        .ok_or_else(|| format!("{}: field `schema`: missing (not an evidence file?)", path.display()))?;
    let version = value.get("version").and_then(|v| v.as_u64());
    let check_time = |t: &str| {
        crate::parse_rfc3339(t)
            .map(|_| ())
            .ok_or_else(|| format!("{}: field `generated_at`: `{t}` is not an RFC 3339 UTC time", path.display()))
    };
    match schema {
        SPEC_SCHEMA => {
            if version != Some(SPEC_SCHEMA_VERSION as u64) {
                return Err(format!(
                    "{}: field `version`: {version:?}, this reader knows {SPEC_SCHEMA_VERSION}",
                    path.display()
                ));
            }
            let spec: SpecEvidence = serde_json::from_value(value).map_err(|e| field_error(path, &e))?;
            check_time(&spec.generated_at)?;
            into.spec.push((path.to_path_buf(), spec));
        }
        FUZZ_SCHEMA => {
            if version != Some(FUZZ_SCHEMA_VERSION as u64) {
                return Err(format!(
                    "{}: field `version`: {version:?}, this reader knows {FUZZ_SCHEMA_VERSION}",
                    path.display()
                ));
            }
            let fuzz: FuzzEvidence = serde_json::from_value(value).map_err(|e| field_error(path, &e))?;
            check_time(&fuzz.generated_at)?;
            if fuzz.cpu_seconds < 0.0 || !fuzz.cpu_seconds.is_finite() {
                return Err(format!("{}: field `cpu_seconds`: {} is not a duration", path.display(), fuzz.cpu_seconds));
            }
            into.fuzz.push((path.to_path_buf(), fuzz));
        }
        other => return Err(format!("{}: field `schema`: unknown schema `{other}`", path.display())),
    }
    Ok(())
}

/// Reads every `*.json` file of each directory (sorted), or each file given.
pub fn load(paths: &[PathBuf]) -> Result<Evidence, String> {
    let mut evidence = Evidence::default();
    for path in paths {
        if path.is_dir() {
            let mut files: Vec<PathBuf> = std::fs::read_dir(path)
                .map_err(|e| format!("{}: cannot list: {e}", path.display()))?
                .filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|p| p.extension().is_some_and(|x| x == "json"))
                .collect();
            files.sort();
            for file in files {
                load_file(&file, &mut evidence)?;
            }
        } else if path.is_file() {
            load_file(path, &mut evidence)?;
        } else {
            return Err(format!("{}: no such evidence file or directory", path.display()));
        }
    }
    Ok(evidence)
}
