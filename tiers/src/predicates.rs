//! The requirements of each tier as named predicates over the evidence.
//! Each predicate says which clause of the policy it encodes; `detail`
//! explains a result in terms of the evidence (numbers, files, gaps).

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use ::evidence::{FuzzEvidence, SpecEvidence, SuiteEvidence};
use serde::Serialize;

use crate::evidence::{Evidence, arch, parse_time};
use crate::policy::{Category, Feature, Policy};

/// What the predicates look at.
pub struct Context<'a> {
    pub policy: &'a Policy,
    pub evidence: &'a Evidence,
    /// Seconds since the epoch that "now" means (evidence age is relative to it).
    pub now: i64,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Check {
    pub met: bool,
    pub detail: String,
    /// How far the feature is from "continuously fuzzed", for the
    /// predicates that measure it.
    pub progress: Option<Continuity>,
}

fn met(detail: impl Into<String>) -> Check {
    Check { met: true, detail: detail.into(), progress: None }
}

fn unmet(detail: impl Into<String>) -> Check {
    Check { met: false, detail: detail.into(), progress: None }
}

pub struct Predicate {
    pub name: &'static str,
    /// The policy clause this predicate encodes.
    pub clause: &'static str,
    pub eval: fn(&Feature, &Context<'_>) -> Check,
}

/// The core spec suite's name in spec evidence.
pub const CORE: &str = "wasm-2.0";
/// Crucible's own executors (fuzz coverage of "our" tiers counts these).
pub const CRUCIBLE_COMPILERS: [&str; 3] = ["interp", "baseline", "cranelift"];
/// The fuzz target whose modules the generator writes from scratch
/// (wasm-smith, or arithmetic expression trees). The other targets mutate
/// spec-suite modules (`wast_mutate`), build modules from a template
/// (`table_ops`) or check Crucible alone.
pub const GENERATOR_TARGET: &str = "differential";

/// Whether modules a fuzz run generated needed `proposal` (they do not
/// validate without it: `oracle::case::proposals_used`, recorded as the
/// entry's `cases`).
pub fn needed(run: &FuzzEvidence, proposal: &str) -> bool {
    run.entries.iter().any(|e| e.proposal == proposal && e.cases > 0)
}

/// Whether a fuzz run counts as fuzzing a feature: a target architecture
/// when it ran there, a compiler when it was one of the executors compared,
/// a (wasm or WASI) proposal when generated modules needed it.
pub fn exercises(f: &Feature, run: &FuzzEvidence) -> bool {
    match f.category {
        Category::Target => arch(&run.target) == arch(&f.name),
        Category::Compiler => run.executors.iter().any(|e| e == &f.name),
        Category::WasmProposal | Category::WasiProposal => needed(run, &f.name),
    }
}

/// How continuously a feature has been fuzzed, against the policy's rule
/// (see [`Context::continuity`]).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Continuity {
    /// The target triple measured: the one closest to meeting the rule
    /// (`None` when no run in the window exercised the feature).
    pub target: Option<String>,
    /// The distinct UTC days (`YYYY-MM-DD`, oldest first) on which a run
    /// that exercised the feature finished.
    pub days: Vec<String>,
    pub days_needed: u32,
    pub cpu_hours: f64,
    pub cpu_hours_needed: f64,
    /// The window, in days (the evidence's maximum age).
    pub window_days: f64,
}

/// Hours to two decimals, rounded down (`up`: rounded up), without
/// trailing zeros: what is had is never overstated, what is missing never
/// understated.
fn hours(h: f64, up: bool) -> String {
    let cents = if up { (h * 100.0).ceil() } else { (h * 100.0).floor() };
    format!("{}", cents / 100.0)
}

impl Continuity {
    pub fn met(&self) -> bool {
        self.missing_days() == 0 && self.missing_cpu_hours() == 0.0
    }

    pub fn missing_days(&self) -> u32 {
        self.days_needed.saturating_sub(self.days.len() as u32)
    }

    pub fn missing_cpu_hours(&self) -> f64 {
        (self.cpu_hours_needed - self.cpu_hours).max(0.0)
    }

    /// "3 of 7 days, 2.1 of 24 CPU-hours".
    pub fn progress(&self) -> String {
        format!(
            "{} of {} days, {} of {} CPU-hours",
            self.days.len(),
            self.days_needed,
            hours(self.cpu_hours, false),
            self.cpu_hours_needed
        )
    }

    /// What is still missing ("4 more days, 21.9 more CPU-hours"); empty when met.
    pub fn missing(&self) -> String {
        let mut parts = Vec::new();
        if self.missing_days() > 0 {
            let n = self.missing_days();
            parts.push(format!("{n} more {}", if n == 1 { "day" } else { "days" }));
        }
        if self.missing_cpu_hours() > 0.0 {
            parts.push(format!("{} more CPU-hours", hours(self.missing_cpu_hours(), true)));
        }
        parts.join(", ")
    }

    /// The rule's verdict, explained with the numbers, the days and what is missing.
    pub fn check(self) -> Check {
        let window = format!("in the last {} days", self.window_days);
        let detail = match &self.target {
            None => format!("{}: no fuzz run exercised it {window}; missing: {}", self.progress(), self.missing()),
            Some(target) if self.met() => format!("{} on {target} {window}", self.progress()),
            Some(target) => format!(
                "{} on {target} {window} (fuzzed {}); missing: {}",
                self.progress(),
                self.days.join(", "),
                self.missing()
            ),
        };
        Check { met: self.met(), detail, progress: Some(self) }
    }
}

impl Context<'_> {
    /// Inside the window: not older than the maximum age, not from the future.
    fn fresh(&self, generated_at: &str) -> bool {
        let max_age = (self.policy.settings.max_evidence_age_days * 86_400.0) as i64;
        parse_time(generated_at).is_some_and(|t| self.now - t <= max_age && t <= self.now + 3_600)
    }

    pub fn fresh_spec(&self) -> impl Iterator<Item = &SpecEvidence> {
        self.evidence.spec.iter().map(|(_, s)| s).filter(|s| self.fresh(&s.generated_at))
    }

    /// Fresh fuzz runs with the file each came from.
    pub fn fresh_fuzz_files(&self) -> impl Iterator<Item = (&Path, &FuzzEvidence)> {
        self.evidence.fuzz.iter().filter(|(_, f)| self.fresh(&f.generated_at)).map(|(p, f)| (p.as_path(), f))
    }

    pub fn fresh_fuzz(&self) -> impl Iterator<Item = &FuzzEvidence> {
        self.fresh_fuzz_files().map(|(_, f)| f)
    }

    /// Tier 1's "continuously fuzzed", the one definition every such
    /// predicate uses: per target triple, the distinct UTC days on which a
    /// run that exercised `f` ([`exercises`]) finished inside the window and
    /// the CPU time of those runs, measured on the target closest to the
    /// policy's `min_fuzz_days` and `min_fuzz_cpu_hours`.
    pub fn continuity(&self, f: &Feature) -> Continuity {
        let settings = &self.policy.settings;
        let mut by_target: BTreeMap<&str, (BTreeSet<String>, f64)> = BTreeMap::new();
        for run in self.fresh_fuzz().filter(|r| exercises(f, r)) {
            let at = parse_time(&run.generated_at).expect("fresh runs have a time");
            let (days, seconds) = by_target.entry(&run.target).or_default();
            days.insert(::evidence::rfc3339(at as u64)[..10].to_string());
            *seconds += run.cpu_seconds;
        }
        let measure = |target: Option<&str>, days: &BTreeSet<String>, seconds: f64| Continuity {
            target: target.map(str::to_string),
            days: days.iter().cloned().collect(),
            days_needed: settings.min_fuzz_days,
            cpu_hours: seconds / 3600.0,
            cpu_hours_needed: settings.min_fuzz_cpu_hours,
            window_days: settings.max_evidence_age_days,
        };
        // Closest: the most of each requirement, each counted up to its need.
        let share = |have: f64, need: f64| if need > 0.0 { (have / need).min(1.0) } else { 1.0 };
        let closeness = |c: &Continuity| {
            share(c.days.len() as f64, f64::from(c.days_needed)) + share(c.cpu_hours, c.cpu_hours_needed)
        };
        by_target
            .iter()
            .map(|(target, (days, seconds))| measure(Some(target), days, *seconds))
            .reduce(|best, c| if closeness(&c) > closeness(&best) { c } else { best })
            .unwrap_or_else(|| measure(None, &BTreeSet::new(), 0.0))
    }

    /// The newest fresh result of a suite on (target, compiler).
    pub fn suite(&self, target: &str, compiler: &str, proposal: &str) -> Option<&SuiteEvidence> {
        self.fresh_spec()
            .filter(|s| s.target == target && s.compiler == compiler)
            .filter_map(|s| s.suites.iter().find(|x| x.proposal == proposal).map(|x| (&s.generated_at, x)))
            .max_by(|a, b| a.0.cmp(b.0))
            .map(|(_, x)| x)
    }

    pub fn passes(&self, target: &str, compiler: &str, proposal: &str) -> bool {
        self.suite(target, compiler, proposal).is_some_and(|s| s.failed == 0 && s.passed > 0)
    }

    fn claimed_targets(&self, tier: u8) -> Vec<&Feature> {
        self.policy.claimed_at_least(Category::Target, tier)
    }

    fn claimed_compilers(&self, tier: u8) -> Vec<&Feature> {
        self.policy.claimed_at_least(Category::Compiler, tier)
    }

    /// Fresh fuzz runs in which `proposal` had cases, with that entry.
    pub fn proposal_runs<'a>(&'a self, proposal: &'a str) -> impl Iterator<Item = &'a FuzzEvidence> + 'a {
        self.fresh_fuzz().filter(move |f| needed(f, proposal))
    }

    /// Union over fresh runs of the operators generated / executed by
    /// Crucible's tiers for a proposal, and the size of its operator set.
    pub fn opcode_coverage(&self, proposal: &str) -> (BTreeSet<String>, BTreeSet<String>, u32) {
        self.opcode_coverage_in(proposal, |_| true)
    }

    /// [`Self::opcode_coverage`] over the fresh runs `keep` accepts.
    pub fn opcode_coverage_in(
        &self,
        proposal: &str,
        keep: impl Fn(&FuzzEvidence) -> bool,
    ) -> (BTreeSet<String>, BTreeSet<String>, u32) {
        let (mut generated, mut executed, mut total) = (BTreeSet::new(), BTreeSet::new(), 0);
        for run in self.fresh_fuzz().filter(|r| keep(r)) {
            for e in run.entries.iter().filter(|e| e.proposal == proposal) {
                total = total.max(e.opcodes_total);
                generated.extend(e.opcodes_generated.iter().filter(|(_, n)| **n > 0).map(|(k, _)| k.clone()));
                if CRUCIBLE_COMPILERS.contains(&e.executor.as_str())
                    && let Some(ops) = &e.opcodes_executed
                {
                    executed.extend(ops.iter().filter(|(_, n)| **n > 0).map(|(k, _)| k.clone()));
                }
            }
        }
        (generated, executed, total)
    }
}

/// The rule of Tier 1's "continuously fuzzed" ([`Context::continuity`]),
/// the one evaluation of every predicate that asks for it, whatever the
/// category: targets, compilers, wasm and WASI proposals.
fn continuously_fuzzed(f: &Feature, ctx: &Context<'_>) -> Check {
    ctx.continuity(f).check()
}

fn has_owner(f: &Feature, _: &Context<'_>) -> Check {
    if f.owner.trim().is_empty() || f.owner == "unowned" {
        unmet("no owner named in the policy")
    } else {
        met(format!("owned by {}", f.owner))
    }
}

fn spec_suite_in_ci_on_target(f: &Feature, ctx: &Context<'_>) -> Check {
    match CRUCIBLE_COMPILERS.iter().find(|c| ctx.passes(&f.name, c, CORE)) {
        Some(c) => met(format!("core spec suite passes on {} with {c}", f.name)),
        None => unmet(format!("no fresh passing core spec run on {}", f.name)),
    }
}

fn tier1_proposals_pass_on_target(f: &Feature, ctx: &Context<'_>) -> Check {
    let missing: Vec<&str> = ctx
        .policy
        .claimed_at_least(Category::WasmProposal, 1)
        .into_iter()
        .filter(|p| !CRUCIBLE_COMPILERS.iter().any(|c| ctx.passes(&f.name, c, &p.name)))
        .map(|p| p.name.as_str())
        .collect();
    if missing.is_empty() {
        met("every tier-1 proposal's suite passes with some compiler")
    } else {
        unmet(format!("no passing spec run on {} for {}", f.name, missing.join(", ")))
    }
}

fn compiler_passes_core_spec_somewhere(f: &Feature, ctx: &Context<'_>) -> Check {
    let targets: BTreeSet<&str> = ctx.fresh_spec().map(|s| s.target.as_str()).collect();
    match targets.into_iter().find(|t| ctx.passes(t, &f.name, CORE)) {
        Some(t) => met(format!("core spec suite passes on {t}")),
        None => unmet(format!("no fresh passing core spec run with {}", f.name)),
    }
}

fn compiler_passes_core_spec_on_tier1_targets(f: &Feature, ctx: &Context<'_>) -> Check {
    let targets = ctx.claimed_targets(1);
    let missing: Vec<&str> =
        targets.iter().filter(|t| !ctx.passes(&t.name, &f.name, CORE)).map(|t| t.name.as_str()).collect();
    if targets.is_empty() {
        unmet("no tier-1 target is claimed")
    } else if missing.is_empty() {
        met("core spec suite passes on every tier-1 target")
    } else {
        unmet(format!("core spec suite not passing (or not run) on {}", missing.join(", ")))
    }
}

fn proposal_spec_passes(
    f: &Feature,
    ctx: &Context<'_>,
    targets: Vec<&Feature>,
    compilers: Option<Vec<&Feature>>,
) -> Check {
    if targets.is_empty() {
        return unmet("no target is claimed at that tier");
    }
    let mut missing = Vec::new();
    for t in &targets {
        match &compilers {
            // Every listed compiler must pass on this target.
            Some(cs) => {
                for c in cs.iter().filter(|c| !ctx.passes(&t.name, &c.name, &f.name)) {
                    missing.push(format!("{} on {}", c.name, t.name));
                }
            }
            // One compiler suffices.
            None => {
                if !CRUCIBLE_COMPILERS.iter().any(|c| ctx.passes(&t.name, c, &f.name)) {
                    missing.push(format!("any compiler on {}", t.name));
                }
            }
        }
    }
    if missing.is_empty() {
        met(format!("the `{}` suite passes where required", f.name))
    } else {
        let failing: Vec<String> = ctx
            .fresh_spec()
            .filter_map(|s| s.suites.iter().find(|x| x.proposal == f.name && x.failed > 0).map(|x| (s, x)))
            .map(|(s, x)| format!("{} failed on {}/{}", x.failed, s.target, s.compiler))
            .collect();
        let failing = if failing.is_empty() { String::new() } else { format!(" ({})", failing.join("; ")) };
        unmet(format!("`{}` suite not passing: {}{failing}", f.name, missing.join(", ")))
    }
}

fn proposal_spec_passes_on_tier12_targets(f: &Feature, ctx: &Context<'_>) -> Check {
    proposal_spec_passes(f, ctx, ctx.claimed_targets(2), None)
}

fn proposal_spec_passes_on_tier1_targets_and_compilers(f: &Feature, ctx: &Context<'_>) -> Check {
    let compilers = ctx.claimed_compilers(1);
    if compilers.is_empty() {
        return unmet("no tier-1 compiler is claimed");
    }
    proposal_spec_passes(f, ctx, ctx.claimed_targets(1), Some(compilers))
}

fn upstream_phase(f: &Feature, ctx: &Context<'_>) -> Check {
    let need = ctx.policy.settings.min_proposal_phase;
    match f.phase {
        Some(p) if p >= need => met(format!("upstream phase {p}")),
        Some(p) => unmet(format!("upstream phase {p} (needs {need})")),
        None => unmet("the policy gives no upstream phase"),
    }
}

fn proposal_generated_by_fuzzer(f: &Feature, ctx: &Context<'_>) -> Check {
    // Only modules the generator wrote count, not mutated spec modules; and
    // only those that needed the proposal (`cases`). Every executor of a run
    // reports the same cases: count each run once.
    let generator = |r: &FuzzEvidence| r.fuzz_target == GENERATOR_TARGET;
    let cases: u64 = ctx
        .fresh_fuzz()
        .filter(|r| generator(r))
        .map(|r| r.entries.iter().filter(|e| e.proposal == f.name).map(|e| e.cases).max().unwrap_or(0))
        .sum();
    if cases == 0 {
        return unmet(format!("no module the `{GENERATOR_TARGET}` fuzz target generated in the window needed it"));
    }
    let (generated, _, total) = ctx.opcode_coverage_in(&f.name, generator);
    let need = ctx.policy.settings.min_opcode_coverage;
    if total > 0 && (generated.len() as f64) < need * total as f64 {
        return unmet(format!("generated {}/{total} of its operators (needs {:.0}%)", generated.len(), need * 100.0));
    }
    let ops = if total > 0 { format!(", {}/{total} operators", generated.len()) } else { String::new() };
    met(format!("{cases} generated modules needed it{ops}"))
}

fn proposal_fuzzed_differentially(f: &Feature, ctx: &Context<'_>) -> Check {
    let runs: Vec<&FuzzEvidence> = ctx.proposal_runs(&f.name).filter(|r| r.executors.len() >= 2).collect();
    match runs.first() {
        Some(r) => met(format!("{} fresh differential runs ({})", runs.len(), r.executors.join(" vs "))),
        None => unmet("no fresh run compared two executors on it"),
    }
}

fn proposal_operators_executed(f: &Feature, ctx: &Context<'_>) -> Check {
    let (_, executed, total) = ctx.opcode_coverage(&f.name);
    let need = ctx.policy.settings.min_opcode_coverage;
    if ctx.proposal_runs(&f.name).next().is_none() {
        return unmet("no fresh fuzz case used it");
    }
    if total == 0 {
        return met("adds no operators of its own");
    }
    if (executed.len() as f64) >= need * total as f64 {
        met(format!("Crucible executed {}/{total} of its operators", executed.len()))
    } else {
        unmet(format!(
            "Crucible executed only {}/{total} of its operators (needs {:.0}%)",
            executed.len(),
            need * 100.0
        ))
    }
}

fn no_open_divergences(f: &Feature, ctx: &Context<'_>) -> Check {
    // A run's divergences are charged to every proposal of its profile.
    let runs: Vec<(&Path, &FuzzEvidence, u64)> = ctx
        .fresh_fuzz_files()
        .map(|(path, r)| {
            let n = r.entries.iter().filter(|e| e.proposal == f.name).map(|e| e.divergences).max().unwrap_or(0);
            (path, r, n)
        })
        .filter(|(_, _, n)| *n > 0)
        .collect();
    let window = format!("in the last {} days", ctx.policy.settings.max_evidence_age_days);
    if runs.is_empty() {
        return met(format!("no divergence in fuzzing {window}"));
    }
    let open: u64 = runs.iter().map(|(_, _, n)| n).sum();
    let which: Vec<String> = runs
        .iter()
        .map(|(path, r, n)| {
            let file = path.file_name().map_or_else(|| path.display().to_string(), |n| n.to_string_lossy().into());
            format!("{n} in {file} ({})", r.generated_at)
        })
        .collect();
    unmet(format!("{open} open divergences {window}: {}", which.join("; ")))
}

fn wasi_tests_pass_on_tier12_targets(_: &Feature, _: &Context<'_>) -> Check {
    unmet("no WASI test evidence exists yet (issue #11)")
}

pub const PREDICATES: &[Predicate] = &[
    Predicate { name: "has-owner", clause: "Tier 3: every component has a clearly identified owner", eval: has_owner },
    Predicate {
        name: "spec-suite-in-ci-on-target",
        clause: "Tier 2 target: tests run in CI for the platform with a compiler",
        eval: spec_suite_in_ci_on_target,
    },
    Predicate {
        name: "tier1-proposals-pass-on-target",
        clause: "Tier 2 target: complete implementations of everything in Tier 1 (every Tier 1 proposal)",
        eval: tier1_proposals_pass_on_target,
    },
    Predicate {
        name: "target-arch-continuously-fuzzed",
        clause: "Tier 1 target: the architecture is continuously fuzzed (a week: min_fuzz_days, min_fuzz_cpu_hours) via at least one target",
        eval: continuously_fuzzed,
    },
    Predicate {
        name: "compiler-passes-core-spec-somewhere",
        clause: "Tier 2 compiler: tested in CI on at least one target",
        eval: compiler_passes_core_spec_somewhere,
    },
    Predicate {
        name: "compiler-passes-core-spec-on-tier1-targets",
        clause: "Tier 1 compiler: runs the core suite on every Tier 1 target",
        eval: compiler_passes_core_spec_on_tier1_targets,
    },
    Predicate {
        name: "compiler-continuously-fuzzed",
        clause: "Tier 1 compiler: continuously fuzzed (a week: min_fuzz_days, min_fuzz_cpu_hours) on at least one target",
        eval: continuously_fuzzed,
    },
    Predicate {
        name: "proposal-spec-passes-on-tier12-targets",
        clause: "Tier 2 proposal: passes its tests in CI on all Tier 1/2 targets with at least one compiler",
        eval: proposal_spec_passes_on_tier12_targets,
    },
    Predicate {
        name: "upstream-phase",
        clause: "Tier 2 proposal: the upstream proposal is at phase 3 or later",
        eval: upstream_phase,
    },
    Predicate {
        name: "proposal-spec-passes-on-tier1-targets-and-compilers",
        clause: "Tier 1 proposal: its spec suite passes on every Tier 1 target and compiler",
        eval: proposal_spec_passes_on_tier1_targets_and_compilers,
    },
    Predicate {
        name: "proposal-generated-by-fuzzer",
        clause: "Tier 1 proposal: supported by the module generator (wasm-smith): generated modules need it and contain its operators",
        eval: proposal_generated_by_fuzzer,
    },
    Predicate {
        name: "proposal-fuzzed-differentially",
        clause: "Tier 1 proposal: differential fuzzing compares results with other implementations",
        eval: proposal_fuzzed_differentially,
    },
    Predicate {
        name: "proposal-continuously-fuzzed",
        clause: "Tier 1 proposal: fuzz targets run continuously (a week: min_fuzz_days, min_fuzz_cpu_hours) on modules that need it",
        eval: continuously_fuzzed,
    },
    Predicate {
        name: "proposal-operators-executed",
        clause: "Tier 1 proposal: the fuzzers reach its new code paths (its operators executed by Crucible)",
        eval: proposal_operators_executed,
    },
    Predicate {
        name: "no-open-divergences",
        clause: "Tier 1: no known major bugs (no divergence in fuzzing inside the window)",
        eval: no_open_divergences,
    },
    Predicate {
        name: "wasi-tests-pass-on-tier12-targets",
        clause: "Tier 2 WASI proposal: fully tested in CI on all Tier 1/2 targets",
        eval: wasi_tests_pass_on_tier12_targets,
    },
    Predicate {
        name: "wasi-continuously-fuzzed",
        clause: "Tier 1 WASI proposal: continuously fuzzed (a week: min_fuzz_days, min_fuzz_cpu_hours)",
        eval: continuously_fuzzed,
    },
];

pub fn names() -> Vec<&'static str> {
    PREDICATES.iter().map(|p| p.name).collect()
}

pub fn by_name(name: &str) -> Option<&'static Predicate> {
    PREDICATES.iter().find(|p| p.name == name)
}
