//! `tiers` on real evidence from this repository's spec runner and fuzz
//! loop: the report's numbers are the evidence's; the generator makes
//! modules that need every proposal claimed at Tier 1; the gate fails when
//! a proposal's fuzz evidence goes missing, and on one nightly's evidence
//! (naming the days and CPU-hours still missing), and passes on a week of
//! nightlies.
//!
//! The evidence is written once per test binary by the real writers
//! (`oracle::spec`, `oracle::fuzz` and `FuzzStats::evidence`); a test that
//! needs nightlies on several days re-dates copies of those runs and gives
//! them a nightly run's CPU time.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::OnceLock;

use evidence::FuzzEvidence;
use oracle::executor::{Executor, ExecutorKind};
use tiers::policy::{Category, DEFAULT_POLICY, Policy, Settings};

/// A fuzz run of the local nightly (`scripts/nightly.sh` defaults:
/// FUZZ_SECONDS=90, one worker per core on a 2-core machine).
const LOCAL_NIGHTLY: (u32, f64) = (2, 90.0);
/// A fuzz run of the nightly CI job (`.github/workflows/nightly.yml`:
/// FUZZ_SECONDS=180 on a 4-vCPU runner).
const CI_NIGHTLY: (u32, f64) = (4, 180.0);

fn shipped() -> Policy {
    Policy::parse(DEFAULT_POLICY, "tiers/policy.toml").unwrap()
}

fn settings() -> Settings {
    shipped().settings
}

/// The shipped policy with some of its settings changed (`key`, `value`).
fn policy_file(dir: &Path, settings: &[(&str, &str)]) -> PathBuf {
    let mut lines: Vec<String> = DEFAULT_POLICY.lines().map(str::to_string).collect();
    for (key, value) in settings {
        let line = lines.iter_mut().find(|l| l.starts_with(&format!("{key} = ")));
        *line.unwrap_or_else(|| panic!("the shipped policy sets no `{key}`")) = format!("{key} = {value}");
    }
    let path = dir.join("policy.toml");
    std::fs::write(&path, lines.join("\n")).unwrap();
    path
}

/// The shipped policy, but short test campaigns cannot cover 90% of a
/// proposal's operators: operator coverage is not what these tests are about.
const ANY_COVERAGE: (&str, &str) = ("min_opcode_coverage", "0.0");

fn tiers(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_tiers")).args(args).output().unwrap()
}

/// The profiles a nightly fuzzes, in small: `mvp`, the profile of every
/// proposal the shipped policy claims at Tier 1 (mutable globals have none:
/// every profile has them), and the `default` swarm.
fn profiles() -> Vec<&'static str> {
    let mut profiles = vec!["mvp"];
    for f in shipped().claimed_at_least(Category::WasmProposal, 1) {
        if let Ok(p) = oracle::case::profile(&f.name) {
            profiles.push(p.name);
        }
    }
    profiles.push("default");
    profiles
}

struct Produced {
    dir: PathBuf,
    spec_files: Vec<PathBuf>,
    /// (profile, file, run) of each differential campaign.
    fuzz: Vec<(&'static str, PathBuf, FuzzEvidence)>,
}

/// Spec evidence for the interpreter and a short differential campaign per
/// profile, as the nightly job makes them; written once, read by every test.
fn produced() -> &'static Produced {
    static PRODUCED: OnceLock<Produced> = OnceLock::new();
    PRODUCED.get_or_init(|| {
        let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("tiers-e2e");
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        let spec_files = vec![oracle::spec::run_all(engine::Tier::Interp).write_to(&dir).unwrap()];
        let boxed: Vec<Box<dyn Executor>> = vec![ExecutorKind::Interp.build(), ExecutorKind::Wasmi.build()];
        let mut fuzz = Vec::new();
        for profile in profiles() {
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
            let run = stats.evidence(&options, wall, "crucible-fuzz");
            fuzz.push((profile, run.write_to(&dir).unwrap(), run));
        }
        Produced { dir, spec_files, fuzz }
    })
}

/// A fresh directory for one test.
fn scratch(name: &str) -> PathBuf {
    let dir = produced().dir.join(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(dir.join("evidence")).unwrap();
    dir
}

fn copy_spec(to: &Path) {
    for f in &produced().spec_files {
        std::fs::copy(f, to.join(f.file_name().unwrap())).unwrap();
    }
}

/// When the produced runs happened (the newest of them): nightlies are
/// dated from it, and the gate judges as of it.
fn base_time() -> i64 {
    produced().fuzz.iter().map(|(_, _, r)| evidence::parse_rfc3339(&r.generated_at).unwrap()).max().unwrap()
}

/// One nightly's fuzz evidence, `days_ago` days before [`base_time`]: every
/// produced run, re-dated and as long as a nightly's (`jobs` workers for
/// `seconds`), written by the evidence writer.
fn nightly(to: &Path, days_ago: i64, (jobs, seconds): (u32, f64)) {
    for (_, _, run) in &produced().fuzz {
        let mut run = run.clone();
        run.generated_at = evidence::rfc3339((base_time() - days_ago * 86_400) as u64);
        run.jobs = jobs;
        run.wall_seconds = seconds;
        run.cpu_seconds = f64::from(jobs) * seconds;
        run.write_to(to).unwrap();
    }
}

/// The gate's verdict: exit code and what it printed.
fn gate(evidence: &Path, policy: &Path) -> (Option<i32>, String) {
    let now = evidence::rfc3339(base_time() as u64 + 60);
    let out =
        tiers(&["gate", "--evidence", evidence.to_str().unwrap(), "--policy", policy.to_str().unwrap(), "--now", &now]);
    (out.status.code(), String::from_utf8_lossy(&out.stdout).into_owned())
}

/// The gate's paragraph about one feature.
fn paragraph<'a>(said: &'a str, feature: &str) -> &'a str {
    let head = format!("`{feature}` claims Tier 1");
    said.split("\n\n").find(|p| p.contains(&head)).unwrap_or_else(|| panic!("nothing about {feature}:\n{said}"))
}

/// Every feature the shipped policy claims at Tier 1 (each is continuously fuzzed or not).
fn tier1_claims() -> Vec<String> {
    shipped().features.iter().filter(|f| f.claimed == Some(1)).map(|f| f.name.clone()).collect()
}

#[test]
fn report_and_gate_on_real_evidence() {
    let dir = scratch("report-and-gate");
    let evidence = dir.join("evidence");
    copy_spec(&evidence);
    // One run per proposal's profile (the swarm would back them all at once).
    let mut fuzz_files = Vec::new();
    for (profile, file, _) in produced().fuzz.iter().filter(|(p, _, _)| *p != "default") {
        let to = evidence.join(file.file_name().unwrap());
        std::fs::copy(file, &to).unwrap();
        fuzz_files.push((*profile, to));
    }
    // Thresholds a short test campaign meets: one day, any time.
    let policy = policy_file(&dir, &[("min_fuzz_days", "1"), ("min_fuzz_cpu_hours", "0.0"), ANY_COVERAGE]);
    let (ev, pol) = (evidence.to_str().unwrap(), policy.to_str().unwrap());

    // The report's per-proposal numbers are sums over the evidence files.
    let json = dir.join("report.json");
    let out = tiers(&["report", "--evidence", ev, "--policy", pol, "--json", json.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    let markdown = String::from_utf8_lossy(&out.stdout);
    assert!(markdown.contains("## Tier 1") && markdown.contains("### x86_64"), "{markdown}");
    assert!(markdown.contains("## Continuous fuzzing (Tier 1)"), "{markdown}");
    let report: serde_json::Value = serde_json::from_slice(&std::fs::read(&json).unwrap()).unwrap();
    let runs: Vec<FuzzEvidence> =
        fuzz_files.iter().map(|(_, f)| serde_json::from_slice(&std::fs::read(f).unwrap()).unwrap()).collect();
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
    let (_, sign_ext) = fuzz_files.iter().find(|(p, _)| *p == "sign-extension-ops").unwrap();
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

/// Wasmtime's "a test that the fuzzer really generates modules requiring
/// the feature": the generator's own campaign for each proposal claimed at
/// Tier 1 made modules that do not validate without it (the evidence's
/// `cases`, from `oracle::case::proposals_used`), and so did the swarm.
#[test]
fn the_generator_makes_modules_that_need_every_tier1_proposal() {
    let runs = &produced().fuzz;
    let needed = |run: &FuzzEvidence, proposal: &str| {
        run.entries.iter().filter(|e| e.proposal == proposal).map(|e| e.cases).max().unwrap_or(0)
    };
    let swarm = &runs.iter().find(|(p, _, _)| *p == "default").unwrap().2;
    let policy = shipped();
    let claimed = policy.claimed_at_least(Category::WasmProposal, 1);
    assert!(!claimed.is_empty());
    for f in claimed {
        // Mutable globals have no profile of their own: every profile has them.
        let own = runs.iter().find(|(p, _, _)| *p == f.name).map_or("mvp", |(p, _, _)| p);
        let run = &runs.iter().find(|(p, _, _)| *p == own).unwrap().2;
        assert!(needed(run, &f.name) > 0, "the `{own}` profile generated no module that needs {}", f.name);
        assert!(needed(swarm, &f.name) > 0, "the swarm generated no module that needs {}", f.name);
    }
}

/// How many produced runs generated modules that needed `proposal`.
fn runs_needing(proposal: &str) -> usize {
    produced().fuzz.iter().filter(|(_, _, r)| r.entries.iter().any(|e| e.proposal == proposal && e.cases > 0)).count()
}

/// CPU-hours as the report prints them: what is had rounded down, what is
/// missing rounded up, to two decimals.
fn shown(hours: f64, up: bool) -> String {
    let cents = if up { (hours * 100.0).ceil() } else { (hours * 100.0).floor() };
    format!("{}", cents / 100.0)
}

/// The nightly's fuzzing on one day does not back Tier 1: the gate fails
/// every claim and names the days and CPU-hours still missing.
#[test]
fn one_nightly_does_not_back_tier1() {
    let s = settings();
    let dir = scratch("one-nightly");
    let evidence = dir.join("evidence");
    copy_spec(&evidence);
    nightly(&evidence, 0, LOCAL_NIGHTLY);
    let policy = policy_file(&dir, &[ANY_COVERAGE]);
    let (code, said) = gate(&evidence, &policy);
    assert_eq!(code, Some(1), "{said}");
    let day = evidence::rfc3339(base_time() as u64)[..10].to_string();
    let (days, floor) = (s.min_fuzz_days, s.min_fuzz_cpu_hours);
    for name in tier1_claims() {
        let p = paragraph(&said, &name);
        assert!(p.contains(&format!("continuously-fuzzed`: 1 of {days} days, ")), "{p}");
        let on =
            format!(" of {floor} CPU-hours on x86_64-unknown-linux-gnu in the last {} days", s.max_evidence_age_days);
        assert!(p.contains(&on), "{p}");
        assert!(p.contains(&format!("(fuzzed {day}); missing: {} more days, ", days - 1)), "{p}");
        assert!(p.contains(" more CPU-hours"), "{p}");
        // Everything else is backed: only continuity is missing.
        assert_eq!(p.matches("\n  - ").count(), 1, "{p}");
    }
    // A proposal's CPU time: the runs whose modules needed it, each as long as a local nightly's.
    let (jobs, seconds) = LOCAL_NIGHTLY;
    let hours = runs_needing("bulk-memory") as f64 * f64::from(jobs) * seconds / 3600.0;
    let p = paragraph(&said, "bulk-memory");
    assert!(p.contains(&format!("1 of {days} days, {} of {floor} CPU-hours", shown(hours, false))), "{p}");
    assert!(p.contains(&format!("more days, {} more CPU-hours", shown(floor - hours, true))), "{p}");

    // The report says how far each feature is, in the same numbers.
    let json = dir.join("report.json");
    let now = evidence::rfc3339(base_time() as u64 + 60);
    let (ev, pol) = (evidence.to_str().unwrap(), policy.to_str().unwrap());
    let out = tiers(&["report", "--evidence", ev, "--policy", pol, "--now", &now, "--json", json.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(0));
    let report: serde_json::Value = serde_json::from_slice(&std::fs::read(&json).unwrap()).unwrap();
    let bulk = report["features"].as_array().unwrap().iter().find(|f| f["name"] == "bulk-memory").unwrap();
    let progress = bulk["requirements"].as_array().unwrap().iter().find_map(|r| r.get("progress")).unwrap();
    assert!((progress["cpu_hours"].as_f64().unwrap() - hours).abs() < 1e-9, "{progress}");
    assert_eq!(progress["days"], serde_json::json!([day]));
    assert_eq!(progress["days_needed"], days);
    assert_eq!(progress["cpu_hours_needed"], floor);
    let markdown = String::from_utf8_lossy(&out.stdout);
    let row = markdown.lines().find(|l| l.contains("| `bulk-memory` | Tier 1 |")).unwrap();
    assert!(row.contains(&format!("| 1 of {days} days, ")) && row.contains(&format!("| {} more days, ", days - 1)));
    let _ = std::fs::remove_dir_all(&dir);
}

/// A week of the CI job's nightlies backs every Tier 1 claim; a night
/// fewer, or a week of the shorter local nightlies, does not, and the gate
/// says by how much. (This is the reasoning behind the policy's CPU-hours
/// floor: see `min_fuzz_cpu_hours` in policy.toml.)
#[test]
fn a_week_of_nightlies_backs_tier1() {
    let s = settings();
    let (days, floor) = (s.min_fuzz_days, s.min_fuzz_cpu_hours);
    let dir = scratch("week");
    let policy = policy_file(&dir, &[ANY_COVERAGE]);
    let nights = |name: &str, count: u32, size: (u32, f64)| {
        let evidence = dir.join(name);
        std::fs::create_dir_all(&evidence).unwrap();
        copy_spec(&evidence);
        for day in 0..count {
            nightly(&evidence, i64::from(day), size);
        }
        gate(&evidence, &policy)
    };
    // The proposal fuzzed least: the fewest runs a night need it (at
    // least its own profile and the swarm).
    let (least, runs) = shipped()
        .claimed_at_least(Category::WasmProposal, 1)
        .iter()
        .map(|f| (f.name.clone(), runs_needing(&f.name)))
        .min_by_key(|(_, runs)| *runs)
        .unwrap();
    assert!(runs >= 2, "{least}: {runs}");
    let hours =
        |count: u32, (jobs, seconds): (u32, f64)| f64::from(count) * runs as f64 * f64::from(jobs) * seconds / 3600.0;

    let (code, said) = nights("ci-week", days, CI_NIGHTLY);
    assert_eq!(code, Some(0), "{said}");

    // A night fewer: a day short for everything, and for the proposal
    // fuzzed least, CPU-hours too.
    let (code, said) = nights("ci-six-nights", days - 1, CI_NIGHTLY);
    assert_eq!(code, Some(1), "{said}");
    for name in tier1_claims() {
        let p = paragraph(&said, &name);
        assert!(p.contains(&format!("continuously-fuzzed`: {} of {days} days, ", days - 1)), "{p}");
        assert!(p.contains("missing: 1 more day"), "{p}");
    }
    let short = hours(days - 1, CI_NIGHTLY);
    assert!(short < floor, "a night fewer still reaches the floor: update this test");
    let p = paragraph(&said, &least);
    assert!(p.contains(&format!("missing: 1 more day, {} more CPU-hours", shown(floor - short, true))), "{p}");

    // A week of local nightlies: every day is there, not the CPU-hours.
    let (code, said) = nights("local-week", days, LOCAL_NIGHTLY);
    assert_eq!(code, Some(1), "{said}");
    let local = hours(days, LOCAL_NIGHTLY);
    let p = paragraph(&said, &least);
    assert!(p.contains(&format!("{days} of {days} days, {} of {floor} CPU-hours", shown(local, false))), "{p}");
    assert!(p.contains(&format!("missing: {} more CPU-hours", shown(floor - local, true))), "{p}");
    assert!(!p.contains("more day"), "{p}");
    let _ = std::fs::remove_dir_all(&dir);
}
