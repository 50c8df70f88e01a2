//! Executors: anything that can instantiate a module and call its exports.
//! Crucible's own tiers and independent engines implement the same trait so
//! the oracle can compare them.

mod buggy;
pub(crate) mod crucible;
mod wasmi_ref;

use std::fmt;

pub use buggy::BuggyExecutor;
pub use crucible::CrucibleExecutor;
use serde::{Deserialize, Serialize};
pub use wasmi_ref::WasmiExecutor;

use crate::outcome::{Outcome, TrapCode, Value};

/// The observable state of an instance after a call.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct State {
    /// Exported memories: (name, byte length, FNV-1a hash of the contents).
    pub memories: Vec<(String, u64, u64)>,
    /// Exported globals: (name, value).
    pub globals: Vec<(String, Value)>,
    /// Exported tables: (name, size).
    pub tables: Vec<(String, u64)>,
}

impl State {
    /// Orders entries by export name: executors list exports in different
    /// orders, and the order means nothing.
    pub fn normalized(mut self) -> State {
        self.memories.sort();
        self.globals.sort_by(|a, b| a.0.cmp(&b.0));
        self.tables.sort();
        self
    }
}

/// Why an executor could not produce an instance.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum InstantiateFailure {
    /// The start function or a segment trapped.
    Trapped(#[serde(with = "crate::outcome::trap_name")] TrapCode),
    /// A resource ran out (memory, stack, an implementation limit): not
    /// comparable.
    Exhausted(String),
    /// The module needs something this executor does not implement: the
    /// case says nothing about it, so it is not comparable.
    Unsupported(String),
    /// The executor judged the module invalid or unlinkable.
    Invalid(String),
    /// The executor failed on a module it should run (an internal compiler
    /// error, a harness error): always a finding.
    Internal(String),
}

impl InstantiateFailure {
    /// Whether two executors failed the same way; the messages are each
    /// engine's own wording and do not count.
    pub fn same_kind(&self, other: &InstantiateFailure) -> bool {
        use InstantiateFailure as F;
        match (self, other) {
            (F::Trapped(a), F::Trapped(b)) => a == b,
            (F::Exhausted(_), F::Exhausted(_))
            | (F::Unsupported(_), F::Unsupported(_))
            | (F::Invalid(_), F::Invalid(_))
            | (F::Internal(_), F::Internal(_)) => true,
            _ => false,
        }
    }
}

impl fmt::Display for InstantiateFailure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            InstantiateFailure::Trapped(code) => write!(f, "start trapped: {}", code.message()),
            InstantiateFailure::Exhausted(why) => write!(f, "exhausted: {why}"),
            InstantiateFailure::Unsupported(why) => write!(f, "unsupported: {why}"),
            InstantiateFailure::Invalid(why) => write!(f, "invalid: {why}"),
            InstantiateFailure::Internal(why) => write!(f, "internal error: {why}"),
        }
    }
}

/// An instantiated module on some executor.
pub trait Running {
    fn call(&mut self, export: &str, args: &[Value]) -> Outcome;
    fn snapshot(&mut self) -> State;
    /// The bytes of an exported memory (to locate a difference).
    fn memory(&mut self, name: &str) -> Option<Vec<u8>>;
    /// How often each operator ran so far, if this executor can tell.
    fn executed_opcodes(&self) -> Option<std::collections::BTreeMap<String, u64>> {
        None
    }
}

/// Something that runs wasm: one of Crucible's tiers or a reference engine.
pub trait Executor: Send + Sync {
    fn name(&self) -> &str;
    /// Restricts the module generator to what this executor runs.
    fn narrow(&self, config: &mut wasm_smith::Config);
    fn instantiate(&self, wasm: &[u8]) -> Result<Box<dyn Running>, InstantiateFailure>;
    /// Whether this is an independent reference engine rather than one of
    /// Crucible's tiers (its suspected bugs get confirmed, not trusted).
    fn is_reference(&self) -> bool {
        false
    }
}

/// FNV-1a: a fast, dependency-free hash; collisions only weaken, never
/// fake, a difference report.
pub fn fnv1a(bytes: &[u8]) -> u64 {
    let mut h = 0xcbf2_9ce4_8422_2325u64;
    for b in bytes {
        h ^= *b as u64;
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    h
}

/// The executors `crucible fuzz`, `triage` and the tests know by name.
pub fn by_name(name: &str) -> Result<Box<dyn Executor>, String> {
    match name {
        "interp" => Ok(Box::new(CrucibleExecutor::new(engine::Tier::Interp))),
        "wasmi" => Ok(Box::new(WasmiExecutor::new())),
        "buggy-interp" => Ok(Box::new(BuggyExecutor::default())),
        "cranelift-faulty" => Ok(Box::new(CrucibleExecutor::with_planted_translation_fault(engine::Tier::Cranelift))),
        "cranelift" => Ok(Box::new(CrucibleExecutor::new(engine::Tier::Cranelift))),
        "cranelift-explicit" => Ok(Box::new(CrucibleExecutor::explicit_bounds_checks(engine::Tier::Cranelift, None))),
        "baseline" => Ok(Box::new(CrucibleExecutor::new(engine::Tier::Baseline))),
        "baseline-explicit" => Ok(Box::new(CrucibleExecutor::explicit_bounds_checks(engine::Tier::Baseline, None))),
        other => Err(format!(
            "unknown executor `{other}` (known: interp, cranelift, cranelift-explicit, baseline, baseline-explicit, wasmi; for testing the harness: buggy-interp, cranelift-faulty)"
        )),
    }
}

/// Like [`by_name`], but every instance gets `fuel` (in the executor's own
/// units) and code that runs longer ends as exhausted, not comparable: for
/// running modules that may not terminate.
pub fn by_name_with_fuel(name: &str, fuel: u64) -> Result<Box<dyn Executor>, String> {
    match name {
        "interp" => Ok(Box::new(CrucibleExecutor::with_fuel(engine::Tier::Interp, fuel))),
        "cranelift" => Ok(Box::new(CrucibleExecutor::with_fuel(engine::Tier::Cranelift, fuel))),
        "cranelift-explicit" => {
            Ok(Box::new(CrucibleExecutor::explicit_bounds_checks(engine::Tier::Cranelift, Some(fuel))))
        }
        "baseline" => Ok(Box::new(CrucibleExecutor::with_fuel(engine::Tier::Baseline, fuel))),
        "baseline-explicit" => {
            Ok(Box::new(CrucibleExecutor::explicit_bounds_checks(engine::Tier::Baseline, Some(fuel))))
        }
        "wasmi" => Ok(Box::new(WasmiExecutor::with_fuel(fuel))),
        "buggy-interp" => Ok(Box::new(BuggyExecutor::with_fuel(fuel))),
        other => by_name(other),
    }
}

/// Names accepted by [`by_name`] that work in this build and every run
/// compares (`cranelift-explicit` and `baseline-explicit` are the compiling
/// tiers with explicit bounds checks: name them to fuzz that mode too).
pub const AVAILABLE: &[&str] = &["interp", "cranelift", "baseline", "wasmi"];
