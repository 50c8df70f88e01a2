//! Trends and per-operator counts from every evidence run: fuzz runs are one
//! file each, spec runs are kept under `history/` by the spec runner.

use std::collections::{BTreeMap, BTreeSet};

use evidence::{FuzzEvidence, SpecEvidence};

/// One fuzz run, in time order.
#[derive(Clone, Debug)]
pub struct FuzzPoint {
    /// Date, time and short commit: the x label.
    pub label: String,
    pub commit: Option<String>,
    pub executions: u64,
    pub cases: u64,
    pub divergences: u64,
    pub reference_bugs: u64,
    /// Distinct operators generated / executed by Crucible in this run and
    /// every earlier one.
    pub cumulative_generated: usize,
    pub cumulative_executed: usize,
}

#[derive(Clone, Debug)]
pub struct SpecPoint {
    pub label: String,
    pub passed: u64,
    pub failed: u64,
}

#[derive(Clone, Debug, Default)]
pub struct OpcodeCounts {
    pub generated: BTreeMap<String, u64>,
    pub executed: BTreeMap<String, u64>,
}

#[derive(Clone, Debug)]
pub struct Divergence {
    pub found: String,
    pub run: String,
    pub what: String,
    pub command: String,
}

#[derive(Clone, Debug, Default)]
pub struct History {
    pub fuzz: Vec<FuzzPoint>,
    pub spec: Vec<SpecPoint>,
    pub opcodes: BTreeMap<String, OpcodeCounts>,
    pub divergences: Vec<Divergence>,
    /// cargo-fuzz throughput per target, every libFuzzer run.
    pub throughput: Vec<crate::throughput::Target>,
}

/// A run's x label: `YYYY-MM-DD HH:MM` and the short commit.
pub(crate) fn label(generated_at: &str, commit: Option<&str>) -> String {
    let when = generated_at.get(..16).unwrap_or(generated_at).replace('T', " ");
    match commit {
        Some(c) => format!("{when} {}", c.get(..7).unwrap_or(c)),
        None => when,
    }
}

/// How to replay what a run reported.
fn replay_command(run: &FuzzEvidence, what: &str) -> String {
    if what.starts_with("libFuzzer reported a crash") {
        return format!("cargo run --release -p triage -- repro fuzz-targets/artifacts/{}/crash-…", run.fuzz_target);
    }
    format!("cargo run --release -p triage -- repro {what}")
}

pub fn build(fuzz: &[&FuzzEvidence], spec_runs: &[&SpecEvidence], fresh: &[&FuzzEvidence]) -> History {
    let mut runs: Vec<&FuzzEvidence> = fuzz.to_vec();
    runs.sort_by(|a, b| a.generated_at.cmp(&b.generated_at));
    let (mut generated, mut executed) = (BTreeSet::new(), BTreeSet::new());
    let mut history = History { throughput: crate::throughput::build(fuzz), ..History::default() };
    for run in runs {
        for e in &run.entries {
            generated.extend(e.opcodes_generated.keys().cloned());
            if let Some(ops) = &e.opcodes_executed
                && tiers::predicates::CRUCIBLE_COMPILERS.contains(&e.executor.as_str())
            {
                executed.extend(ops.iter().filter(|(_, n)| **n > 0).map(|(k, _)| k.clone()));
            }
        }
        history.fuzz.push(FuzzPoint {
            label: label(&run.generated_at, run.commit.as_deref()),
            commit: run.commit.clone(),
            executions: run.inputs_executed(),
            cases: run.totals.cases,
            divergences: run.totals.diverged + run.totals.crashed,
            reference_bugs: run.totals.reference_bugs,
            cumulative_generated: generated.len(),
            cumulative_executed: executed.len(),
        });
    }
    let mut specs: Vec<&SpecEvidence> = spec_runs.to_vec();
    specs.sort_by(|a, b| a.generated_at.cmp(&b.generated_at));
    for s in specs {
        history.spec.push(SpecPoint {
            label: format!("{} {}", label(&s.generated_at, s.commit.as_deref()), s.compiler),
            passed: s.suites.iter().map(|x| x.passed as u64).sum(),
            failed: s.suites.iter().map(|x| x.failed as u64).sum(),
        });
    }
    // Operator counts and open divergences come from fresh evidence only.
    for run in fresh {
        // Every executor of a run generated the same module: count it once.
        let mut seen = BTreeSet::new();
        for e in &run.entries {
            let counts = history.opcodes.entry(e.proposal.clone()).or_default();
            if seen.insert(e.proposal.clone()) {
                for (op, n) in &e.opcodes_generated {
                    *counts.generated.entry(op.clone()).or_default() += n;
                }
            }
            if let Some(ops) = &e.opcodes_executed
                && tiers::predicates::CRUCIBLE_COMPILERS.contains(&e.executor.as_str())
            {
                for (op, n) in ops {
                    *counts.executed.entry(op.clone()).or_default() += n;
                }
            }
        }
        for what in &run.divergences {
            // Confirmed reference-engine bugs are reported, not open.
            if what.contains("reference_bug-") {
                continue;
            }
            history.divergences.push(Divergence {
                found: label(&run.generated_at, run.commit.as_deref()),
                run: format!("{} {} ({})", run.source, run.fuzz_target, run.profile),
                what: what.clone(),
                command: replay_command(run, what),
            });
        }
    }
    history
}
