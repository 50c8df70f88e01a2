//! Executors: anything that can instantiate a module and call its exports.
//! Crucible's own tiers and independent engines implement the same trait so
//! the oracle can compare them.

mod buggy;
pub(crate) mod crucible;
mod wasmi_ref;
#[cfg(feature = "wasmtime")]
mod wasmtime_ref;

use std::fmt;

/// The proposals the harness generates and compares: those some Crucible
/// tier runs (`Proposal::supported_somewhere`). A Crucible tier that lacks
/// one calls the modules needing it unsupported and sits those cases out
/// (see `CrucibleExecutor::failure`); the other executors compare them.
pub fn compared_proposals() -> Vec<engine::Proposal> {
    engine::Proposal::ALL.iter().copied().filter(|p| p.supported_somewhere()).collect()
}

/// The wasmparser features of [`compared_proposals`]: a module valid under
/// them is one the harness compares.
pub fn compared_features() -> wasmparser::WasmFeatures {
    engine::Proposal::features_of(compared_proposals())
}

pub use buggy::BuggyExecutor;
pub use crucible::CrucibleExecutor;
use serde::{Deserialize, Serialize};
pub use wasmi_ref::WasmiExecutor;
#[cfg(feature = "wasmtime")]
pub use wasmtime_ref::{Backend as WasmtimeBackend, WasmtimeExecutor};

use crate::outcome::{Outcome, TrapCode, Value};

/// The observable state of an instance after a call.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct State {
    /// Exported memories: (name, byte length, [`memory_digest`] of the contents).
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
    /// Instantiates `providers` in order in one store, each registered under
    /// [`provider_name`] for the modules after it to import from, then
    /// `wasm`, whose instance the calls and snapshots go to. Executors that
    /// cannot link instances call such cases unsupported.
    fn instantiate_linked(&self, providers: &[Vec<u8>], wasm: &[u8]) -> Result<Box<dyn Running>, InstantiateFailure> {
        if providers.is_empty() {
            self.instantiate(wasm)
        } else {
            Err(InstantiateFailure::Unsupported(format!("{} does not link instances", self.name())))
        }
    }
    /// Whether this is an independent reference engine rather than one of
    /// Crucible's tiers (its suspected bugs get confirmed, not trusted).
    fn is_reference(&self) -> bool {
        false
    }
}

/// The module name under which the `index`-th provider of a case is
/// registered (see [`Executor::instantiate_linked`]).
pub fn provider_name(index: usize) -> String {
    format!("m{index}")
}

/// The digest of a memory's contents in a [`State`], the same on every
/// executor: eight bytes at a time (memories are hashed after every call
/// on every executor, so a byte-wise hash was most of a probe case's time);
/// collisions only weaken, never fake, a difference report.
pub fn memory_digest(bytes: &[u8]) -> u64 {
    let mut h = 0x9e37_79b9_7f4a_7c15u64 ^ bytes.len() as u64;
    let mut words = bytes.chunks_exact(8);
    for word in &mut words {
        let w = u64::from_le_bytes(word.try_into().expect("chunks of eight"));
        h = (h ^ w).wrapping_mul(0xff51_afd7_ed55_8ccd);
        h ^= h >> 32;
    }
    for b in words.remainder() {
        h = (h ^ *b as u64).wrapping_mul(0x0000_0100_0000_01b3);
    }
    h
}

/// A wasmtime executor of `kind`, or, in a build without the feature, one
/// that calls every module unsupported.
fn wasmtime_executor(kind: ExecutorKind, fuel: Option<u64>) -> Box<dyn Executor> {
    #[cfg(feature = "wasmtime")]
    {
        let backend = match kind {
            ExecutorKind::WasmtimeWinch => WasmtimeBackend::Winch,
            ExecutorKind::WasmtimePulley => WasmtimeBackend::Pulley,
            _ => WasmtimeBackend::Cranelift,
        };
        match fuel {
            Some(fuel) => Box::new(WasmtimeExecutor::with_fuel(backend, fuel)),
            None => Box::new(WasmtimeExecutor::new(backend)),
        }
    }
    #[cfg(not(feature = "wasmtime"))]
    {
        let _ = fuel;
        Box::new(NotBuilt(kind))
    }
}

/// An executor this build lacks.
#[cfg(not(feature = "wasmtime"))]
struct NotBuilt(ExecutorKind);

#[cfg(not(feature = "wasmtime"))]
impl Executor for NotBuilt {
    fn name(&self) -> &str {
        self.0.name()
    }

    fn narrow(&self, _config: &mut wasm_smith::Config) {}

    fn instantiate(&self, _wasm: &[u8]) -> Result<Box<dyn Running>, InstantiateFailure> {
        Err(InstantiateFailure::Unsupported(ExecutorKind::check_built(&[self.0]).unwrap_err()))
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

named_kinds! {
    /// The executors `crucible fuzz`, `triage`, the fuzz targets and the
    /// tests build by name; artifacts and evidence record these names.
    pub enum ExecutorKind ("executor") {
        /// Crucible's interpreter.
        Interp = "interp",
        /// Crucible's Cranelift tier.
        Cranelift = "cranelift",
        /// The Cranelift tier with explicit bounds checks instead of guard pages.
        CraneliftExplicit = "cranelift-explicit",
        /// Crucible's single-pass baseline tier.
        Baseline = "baseline",
        /// The baseline tier with explicit bounds checks instead of guard pages.
        BaselineExplicit = "baseline-explicit",
        /// wasmi, the independent reference engine.
        Wasmi = "wasmi",
        /// wasmtime 48 with Cranelift, the industry's reference engine.
        Wasmtime = "wasmtime",
        /// wasmtime 48 with Winch, its single-pass compiler.
        WasmtimeWinch = "wasmtime-winch",
        /// wasmtime 48 with Pulley, its interpreter.
        WasmtimePulley = "wasmtime-pulley",
        /// For testing the harness: an interpreter whose `i32.add` subtracts.
        BuggyInterp = "buggy-interp",
        /// For testing the harness: the Cranelift tier with a planted translation fault.
        CraneliftFaulty = "cranelift-faulty",
    }
}

impl ExecutorKind {
    /// The executors that work in this build and that every run compares
    /// by default (`cranelift-explicit` and `baseline-explicit` are the
    /// compiling tiers with explicit bounds checks: name them to fuzz that
    /// mode too).
    pub const AVAILABLE: &[ExecutorKind] =
        &[ExecutorKind::Interp, ExecutorKind::Cranelift, ExecutorKind::Baseline, ExecutorKind::Wasmi];

    /// Whether this executor exists only to test the harness (it is wrong
    /// on purpose).
    pub const fn is_test_only(self) -> bool {
        matches!(self, ExecutorKind::BuggyInterp | ExecutorKind::CraneliftFaulty)
    }

    /// Whether this build has the executor: the wasmtime ones need the
    /// crate's `wasmtime` feature (crucible and triage turn it on; the
    /// cargo-fuzz targets with `--features wasmtime`).
    pub const fn is_built(self) -> bool {
        cfg!(feature = "wasmtime")
            || !matches!(self, ExecutorKind::Wasmtime | ExecutorKind::WasmtimeWinch | ExecutorKind::WasmtimePulley)
    }

    /// What compiling a small module (a `table_ops` case: ~300 bytes, four
    /// functions) costs on this executor, relative to the interpreter's
    /// translation, rounded. Measured in a release build (mean over the
    /// table_ops seed corpus): interp 9 µs, baseline 23 µs, Crucible's
    /// Cranelift tier 507 µs; wasmtime with Cranelift takes 470 µs for an
    /// empty module alone. Not measured, set by kind: wasmi translates
    /// lazily like the interpreter, Winch is single-pass (twice the
    /// baseline), Pulley compiles through Cranelift.
    /// Used to weigh engine draws ([`crate::targets::PairDraw`]).
    pub const fn compile_cost(self) -> u32 {
        match self {
            ExecutorKind::Interp | ExecutorKind::BuggyInterp | ExecutorKind::Wasmi => 1,
            ExecutorKind::Baseline | ExecutorKind::BaselineExplicit => 3,
            ExecutorKind::WasmtimeWinch => 6,
            ExecutorKind::Cranelift
            | ExecutorKind::CraneliftExplicit
            | ExecutorKind::CraneliftFaulty
            | ExecutorKind::Wasmtime
            | ExecutorKind::WasmtimePulley => 50,
        }
    }

    /// Refuses executors this build lacks ([`is_built`](Self::is_built)),
    /// naming the feature that brings them.
    pub fn check_built(kinds: &[ExecutorKind]) -> Result<(), String> {
        match kinds.iter().find(|k| !k.is_built()) {
            Some(k) => Err(format!("executor `{k}` is not in this build (it needs the oracle's `wasmtime` feature)")),
            None => Ok(()),
        }
    }

    /// A new executor of this kind (one this build lacks refuses every
    /// module as unsupported; see [`check_built`](Self::check_built)).
    pub fn build(self) -> Box<dyn Executor> {
        use engine::Tier;
        match self {
            ExecutorKind::Interp => Box::new(CrucibleExecutor::new(Tier::Interp)),
            ExecutorKind::Cranelift => Box::new(CrucibleExecutor::new(Tier::Cranelift)),
            ExecutorKind::CraneliftExplicit => {
                Box::new(CrucibleExecutor::explicit_bounds_checks(Tier::Cranelift, None))
            }
            ExecutorKind::Baseline => Box::new(CrucibleExecutor::new(Tier::Baseline)),
            ExecutorKind::BaselineExplicit => Box::new(CrucibleExecutor::explicit_bounds_checks(Tier::Baseline, None)),
            ExecutorKind::Wasmi => Box::new(WasmiExecutor::new()),
            ExecutorKind::Wasmtime | ExecutorKind::WasmtimeWinch | ExecutorKind::WasmtimePulley => {
                wasmtime_executor(self, None)
            }
            ExecutorKind::BuggyInterp => Box::new(BuggyExecutor::default()),
            ExecutorKind::CraneliftFaulty => {
                Box::new(CrucibleExecutor::with_planted_translation_fault(Tier::Cranelift))
            }
        }
    }

    /// Like [`build`](Self::build), but every instance gets `fuel` (in the
    /// executor's own units) and code that runs longer ends as exhausted,
    /// not comparable: for running modules that may not terminate.
    /// (`cranelift-faulty` is built without fuel.)
    pub fn build_with_fuel(self, fuel: u64) -> Box<dyn Executor> {
        use engine::Tier;
        match self {
            ExecutorKind::Interp => Box::new(CrucibleExecutor::with_fuel(Tier::Interp, fuel)),
            ExecutorKind::Cranelift => Box::new(CrucibleExecutor::with_fuel(Tier::Cranelift, fuel)),
            ExecutorKind::CraneliftExplicit => {
                Box::new(CrucibleExecutor::explicit_bounds_checks(Tier::Cranelift, Some(fuel)))
            }
            ExecutorKind::Baseline => Box::new(CrucibleExecutor::with_fuel(Tier::Baseline, fuel)),
            ExecutorKind::BaselineExplicit => {
                Box::new(CrucibleExecutor::explicit_bounds_checks(Tier::Baseline, Some(fuel)))
            }
            ExecutorKind::Wasmi => Box::new(WasmiExecutor::with_fuel(fuel)),
            ExecutorKind::Wasmtime | ExecutorKind::WasmtimeWinch | ExecutorKind::WasmtimePulley => {
                wasmtime_executor(self, Some(fuel))
            }
            ExecutorKind::BuggyInterp => Box::new(BuggyExecutor::with_fuel(fuel)),
            ExecutorKind::CraneliftFaulty => self.build(),
        }
    }
}
