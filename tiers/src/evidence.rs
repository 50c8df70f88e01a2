//! Evidence ingestion: every spec and fuzz evidence file of one or more
//! directories (or single files), checked against its schema. A bad file is
//! an error naming the file and the field; nothing is silently dropped.

use std::path::{Path, PathBuf};

use oracle::evidence::{
    FUZZ_SCHEMA, FUZZ_SCHEMA_VERSION, FuzzEvidence, SPEC_SCHEMA, SPEC_SCHEMA_VERSION, SpecEvidence,
};

#[derive(Clone, Debug, Default)]
pub struct Evidence {
    pub spec: Vec<(PathBuf, SpecEvidence)>,
    pub fuzz: Vec<(PathBuf, FuzzEvidence)>,
}

/// Seconds since the Unix epoch of an RFC 3339 UTC time as the evidence
/// writers produce it (`YYYY-MM-DDTHH:MM:SSZ`, optional fraction).
pub fn parse_time(s: &str) -> Option<i64> {
    let b = s.as_bytes();
    if b.len() < 20 || b[4] != b'-' || b[7] != b'-' || b[10] != b'T' || b[13] != b':' || b[16] != b':' {
        return None;
    }
    if !s.ends_with('Z') {
        return None;
    }
    let num = |r: std::ops::Range<usize>| s.get(r)?.parse::<i64>().ok();
    let (y, m, d) = (num(0..4)?, num(5..7)?, num(8..10)?);
    let (hh, mm, ss) = (num(11..13)?, num(14..16)?, num(17..19)?);
    if !(1..=12).contains(&m) || !(1..=31).contains(&d) || hh > 23 || mm > 59 || ss > 60 {
        return None;
    }
    // Days from the civil date (proleptic Gregorian), epoch 1970-01-01.
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    let days = era * 146_097 + doe - 719_468;
    Some(days * 86_400 + hh * 3_600 + mm * 60 + ss)
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
        parse_time(t)
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

/// The architecture part of a target triple.
pub fn arch(triple: &str) -> &str {
    triple.split('-').next().unwrap_or(triple)
}
