//! Running one case on several executors and judging what they did.

use std::panic::{AssertUnwindSafe, catch_unwind};

use serde::{Deserialize, Serialize};

use crate::case::Case;
use crate::executor::{Executor, InstantiateFailure, Running, State};
use crate::outcome::Outcome;

/// How a case ended.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "verdict", content = "detail", rename_all = "snake_case")]
pub enum Verdict {
    /// Every executor did the same thing, and nothing trapped.
    Agreed,
    /// Every executor did the same thing, including the same trap(s).
    AgreedOnTrap,
    /// The case cannot be judged (a resource ran out, an executor lacks a
    /// feature): counted by reason, not compared.
    NotComparable { reason: Incomparable, detail: String },
    /// The executors disagree: a bug in one of them.
    Diverged(String),
    /// An executor failed in itself: it panicked, could not compile a valid
    /// module (an internal compiler error) or could not make a call.
    Crashed(String),
    /// Only a reference engine disagreed, and a semantics-preserving rewrite
    /// of the module confirmed that it, not Crucible, was wrong; or a
    /// reference engine failed in itself (panicked) while the other
    /// executors, judged without it, did not fail.
    ReferenceBug(String),
}

impl Verdict {
    pub fn is_failure(&self) -> bool {
        matches!(self, Verdict::Diverged(_) | Verdict::Crashed(_))
    }

    /// A short stable name (for statistics).
    pub fn kind(&self) -> &'static str {
        match self {
            Verdict::Agreed => "agreed",
            Verdict::AgreedOnTrap => "agreed_on_trap",
            Verdict::NotComparable { .. } => "not_comparable",
            Verdict::Diverged(_) => "diverged",
            Verdict::Crashed(_) => "crashed",
            Verdict::ReferenceBug(_) => "reference_bug",
        }
    }
}

/// Why a case could not be compared.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Incomparable {
    /// Instantiation ran out of a resource (memory, an implementation limit).
    InstantiationExhausted,
    /// A call ran out of stack, fuel or memory.
    CallExhausted,
    /// An executor does not implement something the module uses.
    Unsupported,
    /// Every executor refused the module alike.
    EveryExecutorRefused,
}

impl Incomparable {
    /// A short stable name (statistics, evidence).
    pub fn name(self) -> &'static str {
        match self {
            Incomparable::InstantiationExhausted => "instantiation exhausted a resource",
            Incomparable::CallExhausted => "a call exhausted a resource",
            Incomparable::Unsupported => "unsupported",
            Incomparable::EveryExecutorRefused => "every executor refused the module",
        }
    }
}

/// What one executor did with the case.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExecutorRun {
    pub executor: String,
    pub instantiate: Result<(), InstantiateFailure>,
    /// Outcome of each call of the plan that was made.
    pub calls: Vec<Outcome>,
    /// State after instantiation and after each call.
    pub states: Vec<State>,
    /// Operators this executor ran (when it measures coverage).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub executed_opcodes: Option<std::collections::BTreeMap<String, u64>>,
}

impl ExecutorRun {
    /// Whether the executor called the module unsupported: it sat the case
    /// out, and the others compare it without it.
    pub fn sat_out(&self) -> bool {
        matches!(self.instantiate, Err(InstantiateFailure::Unsupported(_)))
    }

    fn new(executor: &str) -> ExecutorRun {
        ExecutorRun {
            executor: executor.to_string(),
            instantiate: Ok(()),
            calls: vec![],
            states: vec![],
            executed_opcodes: None,
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CaseReport {
    pub verdict: Verdict,
    pub runs: Vec<ExecutorRun>,
}

fn panic_message(p: Box<dyn std::any::Any + Send>) -> String {
    p.downcast_ref::<String>().cloned().or_else(|| p.downcast_ref::<&str>().map(|s| s.to_string())).unwrap_or_default()
}

/// Runs `f`, turning a panic into an error naming the executor.
fn isolated<R>(executor: &str, f: impl FnOnce() -> R) -> Result<R, String> {
    catch_unwind(AssertUnwindSafe(f)).map_err(|p| format!("{executor} panicked: {}", panic_message(p)))
}

/// Where two states differ, in words.
fn state_difference(a: &State, b: &State, ra: &mut dyn Running, rb: &mut dyn Running) -> Option<String> {
    if a == b {
        return None;
    }
    for ((name, len_a, hash_a), (_, len_b, hash_b)) in a.memories.iter().zip(&b.memories) {
        if len_a != len_b {
            return Some(format!("memory `{name}` is {len_a} bytes vs {len_b}"));
        }
        if hash_a != hash_b {
            let (ma, mb) = (ra.memory(name).unwrap_or_default(), rb.memory(name).unwrap_or_default());
            let at = ma.iter().zip(&mb).position(|(x, y)| x != y).unwrap_or(0);
            return Some(format!(
                "memory `{name}` differs first at offset {at}: {:#04x} vs {:#04x}",
                ma.get(at).copied().unwrap_or(0),
                mb.get(at).copied().unwrap_or(0)
            ));
        }
    }
    if a.globals != b.globals {
        for ((name, va), (_, vb)) in a.globals.iter().zip(&b.globals) {
            if va != vb {
                return Some(format!("global `{name}` is {va} vs {vb}"));
            }
        }
        return Some("different exported globals".into());
    }
    if a.tables != b.tables {
        return Some(format!("table sizes {:?} vs {:?}", a.tables, b.tables));
    }
    Some("different exports".into())
}

/// Runs the case on every executor and compares each step against the first.
pub fn run_case(case: &Case, executors: &[&dyn Executor]) -> CaseReport {
    run_case_observing(case, executors, true)
}

/// Only the verdict of [`run_case`], without collecting which opcodes each
/// executor ran (what a libFuzzer target needs: its coverage is its own).
pub fn verdict_of(case: &Case, executors: &[&dyn Executor]) -> Verdict {
    run_case_observing(case, executors, false).verdict
}

fn run_case_observing(case: &Case, executors: &[&dyn Executor], collect_opcodes: bool) -> CaseReport {
    let mut runs: Vec<ExecutorRun> = executors.iter().map(|e| ExecutorRun::new(e.name())).collect();
    let mut instances = Vec::new();
    let mut crashed = None;
    let mut verdict = judge(case, executors, &mut runs, &mut instances, &mut crashed);
    // A reference engine that fails in itself (panics, an internal error)
    // has a bug of its own whatever Crucible did: the case is judged again
    // without it, and only what Crucible's tiers do then can be a failure.
    if let (Verdict::Crashed(detail), Some(i)) = (&verdict, crashed)
        && executors[i].is_reference()
        && executors.iter().any(|e| !e.is_reference())
    {
        let detail = detail.clone();
        let others = all_but(executors, i);
        let mut report = run_case_observing(case, &others, collect_opcodes);
        // The reports stay one per executor, in order: the reference's as
        // far as it got.
        report.runs.insert(i, runs.swap_remove(i));
        return CaseReport {
            verdict: match report.verdict {
                v if v.is_failure() => v,
                v => Verdict::ReferenceBug(format!("{detail}; without it, the others: {}", v.kind())),
            },
            runs: report.runs,
        };
    }
    if collect_opcodes {
        for (i, instance) in &instances {
            runs[*i].executed_opcodes = instance.executed_opcodes();
        }
    }
    if let Verdict::Diverged(detail) = &verdict
        && let Some(confirmed) = confirm_reference_bug(case, executors, &runs)
    {
        verdict = Verdict::ReferenceBug(format!("{detail}; {confirmed}"));
    }
    CaseReport { verdict, runs }
}

/// A divergence is the reference's bug when, on a rewritten but equivalent
/// module, every executor agrees and Crucible's tiers behave exactly as they
/// did on the original.
fn confirm_reference_bug(case: &Case, executors: &[&dyn Executor], original: &[ExecutorRun]) -> Option<String> {
    if !executors.iter().any(|e| e.is_reference()) || executors.iter().all(|e| e.is_reference()) {
        return None;
    }
    // A correct engine answers identically on equivalent modules. The
    // reference is confirmed wrong when, on some equivalent module, everyone
    // agrees, or when it changes its own answer while Crucible's tiers keep
    // theirs on every equivalent tried.
    let mut reference_inconsistent = None;
    let mut ours_always_unchanged = true;
    for (name, rewrite) in crate::rewrite::EQUIVALENT_REWRITES {
        // Every module of the case, providers included, rewritten alike
        // (a module the rewrite does not apply to stays as it is).
        let mut applied = false;
        let mut apply = |wasm: &Vec<u8>| match rewrite(wasm) {
            Some(rewritten) => {
                applied = true;
                rewritten
            }
            None => wasm.clone(),
        };
        let rewritten = Case {
            wasm: apply(&case.wasm),
            plan: case.plan.clone(),
            providers: case.providers.iter().map(&mut apply).collect(),
        };
        if !applied {
            continue;
        }
        let mut runs: Vec<ExecutorRun> = executors.iter().map(|e| ExecutorRun::new(e.name())).collect();
        let verdict = judge(&rewritten, executors, &mut runs, &mut Vec::new(), &mut None);
        // The original run stopped at the divergence: compare what it reached.
        let same = |before: &ExecutorRun, after: &ExecutorRun| {
            before.instantiate == after.instantiate
                && after.calls.starts_with(&before.calls)
                && after.states.starts_with(&before.states)
        };
        let mut ours_unchanged = true;
        for (e, (before, after)) in executors.iter().zip(original.iter().zip(&runs)) {
            if e.is_reference() {
                if !same(before, after) && reference_inconsistent.is_none() {
                    reference_inconsistent = Some(name);
                }
            } else {
                ours_unchanged &= same(before, after);
            }
        }
        ours_always_unchanged &= ours_unchanged;
        if matches!(verdict, Verdict::Agreed | Verdict::AgreedOnTrap) && ours_unchanged {
            return Some(format!("with {name} every executor agrees and Crucible's answers are unchanged"));
        }
    }
    match reference_inconsistent {
        Some(name) if ours_always_unchanged => Some(format!(
            "the reference changes its answer with {name} (an equivalent module) while Crucible's answers never change"
        )),
        _ => outvoted_reference(case, executors),
    }
}

/// A reference engine alone against everyone else, another reference
/// among them: the case judged again without it agrees. (What no rewrite
/// can confirm, e.g. an engine that answers one case differently from one
/// run to the next, is then still decided by two independent engines.)
fn outvoted_reference(case: &Case, executors: &[&dyn Executor]) -> Option<String> {
    executors.iter().enumerate().filter(|(_, e)| e.is_reference()).find_map(|(i, alone)| {
        let others = all_but(executors, i);
        // Voters: another reference and at least one of Crucible's tiers.
        if !others.iter().any(|e| e.is_reference()) || others.iter().all(|e| e.is_reference()) {
            return None;
        }
        let mut runs: Vec<ExecutorRun> = others.iter().map(|e| ExecutorRun::new(e.name())).collect();
        let verdict = judge(case, &others, &mut runs, &mut Vec::new(), &mut None);
        let voted = |k: &usize| !runs[*k].sat_out();
        let another_reference = (0..others.len()).filter(voted).any(|k| others[k].is_reference());
        (matches!(verdict, Verdict::Agreed | Verdict::AgreedOnTrap) && another_reference).then(|| {
            let voters: Vec<&str> = (0..others.len()).filter(voted).map(|k| runs[k].executor.as_str()).collect();
            format!("{} alone disagrees: without it, {} agree", alone.name(), voters.join(", "))
        })
    })
}

/// `executors` without the `i`th.
fn all_but<'e>(executors: &[&'e dyn Executor], i: usize) -> Vec<&'e dyn Executor> {
    executors.iter().enumerate().filter(|(j, _)| *j != i).map(|(_, e)| *e).collect()
}

/// A crash of executor `i`, recorded in `crashed` for the caller.
fn crash_of(crashed: &mut Option<usize>, i: usize, detail: String) -> Verdict {
    *crashed = Some(i);
    Verdict::Crashed(detail)
}

/// Runs and compares; `instances` receives the live instances, each with
/// its executor's index, so the caller can query them after. Executors
/// that call the module unsupported sit the case out: the others compare
/// it, as long as two of them, one a Crucible tier, are left.
fn judge(
    case: &Case,
    executors: &[&dyn Executor],
    runs: &mut [ExecutorRun],
    instances: &mut Vec<(usize, Box<dyn Running>)>,
    crashed: &mut Option<usize>,
) -> Verdict {
    for (i, (e, run)) in executors.iter().zip(runs.iter_mut()).enumerate() {
        match isolated(e.name(), || e.instantiate_linked(&case.providers, &case.wasm)) {
            Err(crash) => return crash_of(crashed, i, crash),
            Ok(Ok(instance)) => instances.push((i, instance)),
            Ok(Err(failure)) => run.instantiate = Err(failure),
        }
    }
    // An executor failing on the module itself is a finding whatever the
    // others did.
    if let Some((i, run, why)) = runs.iter().enumerate().find_map(|(i, r)| match &r.instantiate {
        Err(InstantiateFailure::Internal(why)) => Some((i, r, why)),
        _ => None,
    }) {
        return crash_of(crashed, i, format!("{} failed on the module: {why}", run.executor));
    }
    if let Some(InstantiateFailure::Exhausted(why)) =
        runs.iter().find_map(|r| r.instantiate.clone().err().filter(|f| matches!(f, InstantiateFailure::Exhausted(_))))
    {
        return Verdict::NotComparable {
            reason: Incomparable::InstantiationExhausted,
            detail: format!("instantiation exhausted a resource on {}", why),
        };
    }
    // An executor that does not implement something the module uses says
    // so: the case tells nothing about it (not a divergence).
    let active: Vec<usize> = (0..runs.len()).filter(|&i| !runs[i].sat_out()).collect();
    if active.len() < 2 || active.iter().all(|&i| executors[i].is_reference()) {
        let (run, why) = runs
            .iter()
            .find_map(|r| match &r.instantiate {
                Err(InstantiateFailure::Unsupported(why)) => Some((r, why)),
                _ => None,
            })
            .expect("an executor sat out");
        return Verdict::NotComparable {
            reason: Incomparable::Unsupported,
            detail: format!("unsupported on {}: {why}", run.executor),
        };
    }
    let first = active[0];
    if active.iter().any(|&i| runs[i].instantiate.is_err()) {
        let reference = &runs[first].instantiate;
        let same = |other: &Result<(), InstantiateFailure>| match (reference, other) {
            (Ok(()), Ok(())) => true,
            (Err(a), Err(b)) => a.same_kind(b),
            _ => false,
        };
        if let Some(other) = active.iter().map(|&i| &runs[i]).find(|r| !same(&r.instantiate)) {
            return Verdict::Diverged(format!(
                "instantiation: {} {} vs {} {}",
                runs[first].executor,
                describe(reference),
                other.executor,
                describe(&other.instantiate)
            ));
        }
        return match reference {
            Err(InstantiateFailure::Trapped(_)) => Verdict::AgreedOnTrap,
            _ => Verdict::NotComparable {
                reason: Incomparable::EveryExecutorRefused,
                detail: format!("every executor refused the module: {}", describe(reference)),
            },
        };
    }

    // Every active executor instantiated: `instances` holds exactly them.
    let mut trapped = false;
    for step in 0..=case.plan.len() {
        if step > 0 {
            let call = &case.plan[step - 1];
            for (i, instance) in instances.iter_mut() {
                match isolated(executors[*i].name(), || instance.call(&call.export, &call.args)) {
                    Ok(outcome) => runs[*i].calls.push(outcome),
                    Err(crash) => return crash_of(crashed, *i, crash),
                }
            }
            if let Some((i, r, why)) = active.iter().find_map(|&i| match runs[i].calls.last() {
                Some(Outcome::Internal(why)) => Some((i, &runs[i], why)),
                _ => None,
            }) {
                let detail = format!("{} failed to make call {step} `{}`: {why}", r.executor, call.export);
                return crash_of(crashed, i, detail);
            }
            if let Some((r, resource)) = active.iter().find_map(|&i| match runs[i].calls.last() {
                Some(Outcome::Exhausted(resource)) => Some((&runs[i], resource)),
                _ => None,
            }) {
                return Verdict::NotComparable {
                    reason: Incomparable::CallExhausted,
                    detail: format!("{resource:?} exhausted on {} (call {step} `{}`)", r.executor, call.export),
                };
            }
            let reference = runs[first].calls.last().cloned();
            if let Some(other) = active.iter().map(|&i| &runs[i]).find(|r| r.calls.last() != reference.as_ref()) {
                return Verdict::Diverged(format!(
                    "call {} `{}`: {} {} vs {} {}",
                    step,
                    call.export,
                    runs[first].executor,
                    reference.expect("every active executor ran the call"),
                    other.executor,
                    other.calls.last().expect("every active executor ran the call")
                ));
            }
            trapped |= matches!(reference, Some(Outcome::Trapped(_)));
        }
        for (i, instance) in instances.iter_mut() {
            match isolated(executors[*i].name(), || instance.snapshot()) {
                Ok(state) => runs[*i].states.push(state.normalized()),
                Err(crash) => return crash_of(crashed, *i, crash),
            }
        }
        let (head, rest) = instances.split_first_mut().expect("two active executors");
        for (i, instance) in rest.iter_mut() {
            let (a, b) = (runs[first].states[step].clone(), runs[*i].states[step].clone());
            if let Some(diff) = state_difference(&a, &b, head.1.as_mut(), instance.as_mut()) {
                let when = if step == 0 { "after instantiation".to_string() } else { format!("after call {step}") };
                return Verdict::Diverged(format!("{when}: {} vs {}: {diff}", runs[first].executor, runs[*i].executor));
            }
        }
    }
    if trapped { Verdict::AgreedOnTrap } else { Verdict::Agreed }
}

fn describe(r: &Result<(), InstantiateFailure>) -> String {
    match r {
        Ok(()) => "instantiated".into(),
        Err(f) => f.to_string(),
    }
}

/// Runs the whole case on one executor and records everything it did, with
/// no comparison (for `triage`, which runs each executor in its own process
/// and compares the records afterwards).
pub fn record_run(executor: &dyn Executor, case: &Case) -> ExecutorRun {
    let mut run = ExecutorRun::new(executor.name());
    let mut instance = match executor.instantiate_linked(&case.providers, &case.wasm) {
        Ok(instance) => instance,
        Err(failure) => {
            run.instantiate = Err(failure);
            return run;
        }
    };
    run.states.push(instance.snapshot().normalized());
    for call in &case.plan {
        let outcome = instance.call(&call.export, &call.args);
        let exhausted = matches!(outcome, Outcome::Exhausted(_));
        run.calls.push(outcome);
        run.states.push(instance.snapshot().normalized());
        if exhausted {
            break;
        }
    }
    run.executed_opcodes = instance.executed_opcodes();
    run
}

/// What a run did at one observable step: the full observation (what is
/// compared) and its class (what a signature keeps).
#[derive(PartialEq)]
struct Observed {
    step: &'static str,
    class: String,
    full: String,
}

/// Instantiation, then alternately the state and the next call.
fn observations(run: &ExecutorRun) -> Vec<Observed> {
    let class = match &run.instantiate {
        Ok(()) => "instantiated".to_string(),
        Err(InstantiateFailure::Trapped(code)) => format!("trapped {}", code.name()),
        Err(InstantiateFailure::Exhausted(_)) => "exhausted".into(),
        Err(InstantiateFailure::Unsupported(_)) => "unsupported".into(),
        Err(InstantiateFailure::Invalid(_)) => "invalid".into(),
        Err(InstantiateFailure::Internal(_)) => "internal error".into(),
    };
    let mut out = vec![Observed { step: "instantiation", class, full: describe(&run.instantiate) }];
    // A run cut short at a divergence may hold a call without its state.
    for i in 0..run.states.len().max(run.calls.len() + 1) {
        if let Some(call) = i.checked_sub(1).and_then(|c| run.calls.get(c)) {
            let class = match call {
                Outcome::Returned(_) => "returned".to_string(),
                Outcome::Trapped(code) => format!("trapped {}", code.name()),
                Outcome::Exhausted(_) => "exhausted".into(),
                Outcome::Internal(_) => "internal error".into(),
            };
            out.push(Observed { step: "call", class, full: call.to_string() });
        }
        if let Some(state) = run.states.get(i) {
            out.push(Observed { step: "state", class: "state".into(), full: format!("{state:?}") });
        }
    }
    out
}

/// The divergence signature of recorded runs: at the first step where they
/// differ, which executors agree with which and how each group ended
/// (returned, which trap, a different state). `None` when they agree up to
/// the point where one of them ran out of a resource. Values are left out,
/// so a minimized case keeps its signature as long as the same executors
/// disagree in the same way. Executors that called the module unsupported
/// sat it out and are left out, as in [`run_case`].
pub fn signature(runs: &[ExecutorRun]) -> Option<String> {
    let runs: Vec<&ExecutorRun> = runs.iter().filter(|r| !r.sat_out()).collect();
    let all: Vec<Vec<Observed>> = runs.iter().map(|r| observations(r)).collect();
    let len = all.iter().map(Vec::len).max()?;
    for step in 0..len {
        let at: Vec<Option<&Observed>> = all.iter().map(|s| s.get(step)).collect();
        if at.iter().flatten().any(|o| o.class == "exhausted") {
            return None;
        }
        if at.iter().all(|o| o.map(|o| &o.full) == at[0].map(|o| &o.full)) {
            continue;
        }
        // Executors grouped by what they did here, in order of appearance.
        let mut groups: Vec<(Option<&Observed>, Vec<&str>)> = Vec::new();
        for (o, run) in at.iter().zip(runs) {
            match groups.iter_mut().find(|(g, _)| g.map(|g| &g.full) == o.map(|o| &o.full)) {
                Some((_, names)) => names.push(&run.executor),
                None => groups.push((*o, vec![&run.executor])),
            }
        }
        let kind = at.iter().flatten().next().map_or("end", |o| o.step);
        let described: Vec<String> = groups
            .iter()
            .map(|(o, names)| format!("[{}] {}", names.join(", "), o.map_or("stopped", |o| o.class.as_str())))
            .collect();
        return Some(format!("{kind}: {}", described.join(" | ")));
    }
    None
}
