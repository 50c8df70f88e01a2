//! `tiers` on real evidence from this repository's spec runner and fuzz
//! loop: the report's numbers are the evidence's, and the gate fails when a
//! proposal's fuzz evidence goes missing, naming what is missing.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use evidence::FuzzEvidence;
use oracle::executor::{Executor, ExecutorKind};

/// The shipped policy with thresholds a short test campaign can meet (the
/// shipped ones ask for hours of fuzzing).
fn test_policy(dir: &Path) -> PathBuf {
    let policy = tiers::policy::DEFAULT_POLICY
        .replace("min_fuzz_days = 7", "min_fuzz_days = 1")
        .replace("min_fuzz_cpu_hours = 2.5", "min_fuzz_cpu_hours = 0.0")
        .replace("min_opcode_coverage = 0.9", "min_opcode_coverage = 0.0");
    assert_ne!(policy, tiers::policy::DEFAULT_POLICY, "the thresholds moved: update this test");
    let path = dir.join("policy.toml");
    std::fs::write(&path, policy).unwrap();
    path
}

fn tiers(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_tiers")).args(args).output().unwrap()
}

/// Spec evidence for the interpreter and a short differential campaign per
/// claimed proposal's profile, as the nightly job makes them.
fn produce_evidence(dir: &Path) -> Vec<PathBuf> {
    oracle::spec::run_all(engine::Tier::Interp).write_to(dir).unwrap();
    let boxed: Vec<Box<dyn Executor>> = vec![ExecutorKind::Interp.build(), ExecutorKind::Wasmi.build()];
    let mut files = Vec::new();
    for profile in [
        "mvp",
        "sign-extension-ops",
        "nontrapping-float-to-int-conversions",
        "multi-value",
        "bulk-memory",
        "reference-types",
        "extended-const",
    ] {
        let options = oracle::fuzz::FuzzOptions {
            target: oracle::targets::TargetKind::Differential,
            seconds: 60.0,
            seed: 3,
            profile: oracle::case::profile(profile).unwrap(),
            executors: boxed.iter().map(|e| e.as_ref()).collect(),
            jobs: 1,
            out: None,
            max_cases: Some(150),
            stop_on_divergence: false,
            progress: false,
        };
        let (stats, wall) = oracle::fuzz::fuzz(&options);
        files.push(stats.evidence(&options, wall, "crucible-fuzz").write_to(dir).unwrap());
    }
    files
}

#[test]
fn report_and_gate_on_real_evidence() {
    let dir = std::env::temp_dir().join(format!("tiers-e2e-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let evidence = dir.join("evidence");
    std::fs::create_dir_all(&evidence).unwrap();
    let fuzz_files = produce_evidence(&evidence);
    let policy = test_policy(&dir);
    let (ev, pol) = (evidence.to_str().unwrap(), policy.to_str().unwrap());

    // The report's per-proposal numbers are sums over the evidence files.
    let json = dir.join("report.json");
    let out = tiers(&["report", "--evidence", ev, "--policy", pol, "--json", json.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    let markdown = String::from_utf8_lossy(&out.stdout);
    assert!(markdown.contains("## Tier 1") && markdown.contains("### x86_64"), "{markdown}");
    let report: serde_json::Value = serde_json::from_slice(&std::fs::read(&json).unwrap()).unwrap();
    let runs: Vec<FuzzEvidence> =
        fuzz_files.iter().map(|f| serde_json::from_slice(&std::fs::read(f).unwrap()).unwrap()).collect();
    for proposal in ["mvp", "sign-extension-ops", "bulk-memory", "reference-types"] {
        let row = report["fuzz"].as_array().unwrap().iter().find(|r| r["proposal"] == proposal).unwrap();
        let entry =
            |r: &FuzzEvidence| r.entries.iter().find(|e| e.proposal == proposal && e.executor == "interp").cloned();
        let cases: u64 = runs.iter().filter_map(entry).map(|e| e.cases).sum();
        let with_cases: Vec<&FuzzEvidence> = runs.iter().filter(|r| entry(r).is_some_and(|e| e.cases > 0)).collect();
        let executions: u64 = with_cases.iter().map(|r| r.totals.cases).sum();
        let hours: f64 = with_cases.iter().map(|r| r.cpu_seconds).sum::<f64>() / 3600.0;
        let generated: std::collections::BTreeSet<&String> = runs
            .iter()
            .filter_map(|r| r.entries.iter().find(|e| e.proposal == proposal))
            .flat_map(|e| e.opcodes_generated.keys())
            .collect();
        assert_eq!(row["cases"], cases, "{proposal}");
        assert_eq!(row["runs"], with_cases.len(), "{proposal}");
        assert_eq!(row["executions"], executions, "{proposal}");
        assert!((row["cpu_hours"].as_f64().unwrap() - hours).abs() < 1e-9, "{proposal}");
        assert_eq!(row["opcodes_generated"], generated.len(), "{proposal}");
        assert!(cases > 0, "{proposal} was never generated");
    }
    let interp = report["features"].as_array().unwrap().iter().find(|f| f["name"] == "interp").unwrap();
    assert_eq!(interp["eligible"], 1, "{interp}");
    assert_eq!(report["compiler_matrix"]["x86_64"]["interp"]["bulk-memory"], "supported");

    let gate = tiers(&["gate", "--evidence", ev, "--policy", pol]);
    assert_eq!(gate.status.code(), Some(0), "{}", String::from_utf8_lossy(&gate.stdout));

    // Take away sign-extension-ops' fuzz evidence: its claim loses its backing.
    let sign_ext = fuzz_files.iter().find(|f| f.to_string_lossy().contains("-sign-extension-ops-")).unwrap();
    let aside = dir.join("set-aside.json");
    std::fs::rename(sign_ext, &aside).unwrap();
    let gate = tiers(&["gate", "--evidence", ev, "--policy", pol]);
    let said = String::from_utf8_lossy(&gate.stdout);
    assert_eq!(gate.status.code(), Some(1), "{said}");
    assert!(said.contains("`sign-extension-ops` claims Tier 1"), "{said}");
    assert!(said.contains("proposal-continuously-fuzzed") && said.contains("proposal-generated-by-fuzzer"), "{said}");
    assert!(!said.contains("`bulk-memory` claims"), "only the stripped proposal fails:\n{said}");

    std::fs::rename(&aside, sign_ext).unwrap();
    let gate = tiers(&["gate", "--evidence", ev, "--policy", pol]);
    assert_eq!(gate.status.code(), Some(0), "{}", String::from_utf8_lossy(&gate.stdout));

    // Bad input: one line, exit 2.
    let bad = tiers(&["gate", "--evidence", "/no/such/dir"]);
    assert_eq!(bad.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&bad.stderr).starts_with("error: /no/such/dir"));
    let _ = std::fs::remove_dir_all(&dir);
}
