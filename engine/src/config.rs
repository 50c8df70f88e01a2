//! Engine configuration: which tier compiles, which proposals validate, and
//! the resource limits every tier enforces.

use std::fmt;
use std::str::FromStr;

use crate::proposal::Proposal;

/// The execution tier that compiles and runs a module's functions.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default)]
pub enum Tier {
    /// Compact internal bytecode executed by a dispatch loop.
    #[default]
    Interp,
    /// Single-pass compiler to machine code.
    Baseline,
    /// Optimizing JIT: wasm → Cranelift IR → native code.
    Cranelift,
}

impl Tier {
    pub const ALL: [Tier; 3] = [Tier::Interp, Tier::Baseline, Tier::Cranelift];

    pub fn name(self) -> &'static str {
        match self {
            Tier::Interp => "interp",
            Tier::Baseline => "baseline",
            Tier::Cranelift => "cranelift",
        }
    }
}

impl fmt::Display for Tier {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for Tier {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        Tier::ALL
            .into_iter()
            .find(|t| t.name() == s)
            .ok_or_else(|| format!("unknown compiler `{s}` (expected one of: interp, baseline, cranelift)"))
    }
}

/// How hard the compiling tiers optimize (Cranelift's `opt_level`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum OptLevel {
    None,
    #[default]
    Speed,
    SpeedAndSize,
}

impl OptLevel {
    pub const ALL: [OptLevel; 3] = [OptLevel::None, OptLevel::Speed, OptLevel::SpeedAndSize];

    /// The name on the command line and in Cranelift's settings.
    pub fn cranelift_name(self) -> &'static str {
        match self {
            OptLevel::None => "none",
            OptLevel::Speed => "speed",
            OptLevel::SpeedAndSize => "speed_and_size",
        }
    }
}

impl FromStr for OptLevel {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        OptLevel::ALL
            .into_iter()
            .find(|o| o.cranelift_name() == s)
            .ok_or_else(|| format!("unknown opt level `{s}` (expected one of: none, speed, speed_and_size)"))
    }
}

/// Resource limits. Exceeding one is never a host crash: growth returns -1,
/// instantiation fails with an error, and deep recursion traps.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Limits {
    /// Largest size in bytes any linear memory may reach.
    pub max_memory_bytes: u64,
    /// Largest number of elements any table may reach.
    pub max_table_elements: u64,
    /// Deepest wasm call stack (frames) before a stack-overflow trap, on the
    /// interpreter; compiled code is bounded by the thread's native stack
    /// instead (also a stack-overflow trap).
    pub max_call_depth: u32,
    /// Largest operand/locals stack (in 8-byte slots) before a stack-overflow trap.
    pub max_stack_slots: u32,
    /// How many times host and wasm may re-enter each other on one thread.
    pub max_host_nesting: u32,
    /// Most instances, memories and tables one store may hold.
    pub max_instances: u32,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_memory_bytes: 4 << 30,
            max_table_elements: 10_000_000,
            max_call_depth: 20_000,
            max_stack_slots: 4 << 20,
            max_host_nesting: 200,
            max_instances: 10_000,
        }
    }
}

/// Everything that shapes how modules are validated, compiled and run.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Config {
    pub(crate) tier: Tier,
    pub(crate) proposals: Vec<Proposal>,
    /// Whether the proposals were chosen ([`Config::proposal`],
    /// [`Config::proposals`]) rather than left to the tier's defaults.
    proposals_chosen: bool,
    pub(crate) limits: Limits,
    pub(crate) consume_fuel: bool,
    pub(crate) coverage: bool,
    pub(crate) opt_level: OptLevel,
    pub(crate) bounds_checks: BoundsChecks,
    pub(crate) interpreter_dispatch: InterpreterDispatch,
    pub(crate) planted_translation_fault: bool,
}

/// How the interpreter moves from one instruction to the next.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum InterpreterDispatch {
    /// Each instruction's handler jumps to the next one's: the fast way,
    /// and the default where the build supports it
    /// ([`InterpreterDispatch::is_supported`]).
    Threaded,
    /// Each handler returns to a loop that calls the next one: portable,
    /// and the default where threaded dispatch is not supported.
    Loop,
}

impl InterpreterDispatch {
    /// Threaded dispatch needs the compiler to turn a call in tail position
    /// into a jump, or every instruction would grow the host's stack until
    /// it overflows. Rust does not promise that; LLVM does it on x86-64 and
    /// AArch64 when optimizing, which is when this build script enables it.
    pub fn is_supported(self) -> bool {
        match self {
            InterpreterDispatch::Threaded => cfg!(crucible_tail_calls),
            InterpreterDispatch::Loop => true,
        }
    }
}

impl Default for InterpreterDispatch {
    fn default() -> Self {
        if InterpreterDispatch::Threaded.is_supported() {
            InterpreterDispatch::Threaded
        } else {
            InterpreterDispatch::Loop
        }
    }
}

/// How the Cranelift tier keeps loads and stores inside a linear memory.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum BoundsChecks {
    /// No code for most accesses: every memory reserves its whole 32-bit
    /// index space plus a 2 GiB guard, so an access past the end faults on
    /// an inaccessible page and the signal handler turns the fault into a
    /// trap. Only accesses whose static offset reaches past the guard are
    /// checked in code.
    #[default]
    GuardPages,
    /// A compare and a conditional trap before every access (a check is
    /// skipped only when the same address was already checked as far in
    /// the same straight-line code).
    Explicit,
}

impl Default for Config {
    /// The interpreter with every proposal it supports enabled.
    fn default() -> Self {
        Config {
            tier: Tier::Interp,
            proposals: Proposal::ALL.iter().copied().filter(|p| p.supported_by(Tier::Interp)).collect(),
            proposals_chosen: false,
            limits: Limits::default(),
            consume_fuel: false,
            coverage: false,
            opt_level: OptLevel::default(),
            bounds_checks: BoundsChecks::default(),
            interpreter_dispatch: InterpreterDispatch::default(),
            planted_translation_fault: false,
        }
    }
}

impl Config {
    pub fn new() -> Self {
        Self::default()
    }

    /// Chooses the tier. Proposals left to the defaults become every
    /// proposal the tier supports; chosen ones keep those it supports.
    pub fn tier(&mut self, tier: Tier) -> &mut Self {
        self.tier = tier;
        if self.proposals_chosen {
            self.proposals.retain(|p| p.supported_by(tier));
        } else {
            self.proposals = Proposal::ALL.iter().copied().filter(|p| p.supported_by(tier)).collect();
        }
        self
    }

    pub fn get_tier(&self) -> Tier {
        self.tier
    }

    /// Enables or disables one proposal.
    pub fn proposal(&mut self, proposal: Proposal, enable: bool) -> &mut Self {
        self.proposals_chosen = true;
        self.proposals.retain(|p| *p != proposal);
        if enable {
            self.proposals.push(proposal);
            self.proposals.sort();
        }
        self
    }

    /// Replaces the set of enabled proposals.
    pub fn proposals(&mut self, proposals: &[Proposal]) -> &mut Self {
        self.proposals_chosen = true;
        self.proposals = proposals.to_vec();
        self.proposals.sort();
        self.proposals.dedup();
        self
    }

    pub fn enabled_proposals(&self) -> &[Proposal] {
        &self.proposals
    }

    pub fn limits(&mut self, limits: Limits) -> &mut Self {
        self.limits = limits;
        self
    }

    pub fn get_limits(&self) -> &Limits {
        &self.limits
    }

    /// Turns on fuel metering: every executed operator costs one unit of the
    /// store's fuel, and running out is a [`crate::TrapCode::OutOfFuel`] trap.
    pub fn consume_fuel(&mut self, enable: bool) -> &mut Self {
        self.consume_fuel = enable;
        self
    }

    /// Optimization level of the compiling tiers (ignored by the interpreter).
    pub fn opt_level(&mut self, level: OptLevel) -> &mut Self {
        self.opt_level = level;
        self
    }

    pub fn get_opt_level(&self) -> OptLevel {
        self.opt_level
    }

    /// How compiled code bounds-checks memory accesses (ignored by the
    /// interpreter, which always checks).
    pub fn bounds_checks(&mut self, checks: BoundsChecks) -> &mut Self {
        self.bounds_checks = checks;
        self
    }

    pub fn get_bounds_checks(&self) -> BoundsChecks {
        self.bounds_checks
    }

    /// How the interpreter dispatches instructions (the other tiers ignore
    /// it). [`Engine::new`](crate::Engine::new) refuses a dispatch this
    /// build does not support.
    pub fn interpreter_dispatch(&mut self, dispatch: InterpreterDispatch) -> &mut Self {
        self.interpreter_dispatch = dispatch;
        self
    }

    pub fn get_interpreter_dispatch(&self) -> InterpreterDispatch {
        self.interpreter_dispatch
    }

    /// Counts which operators execute (see [`crate::Module::executed_opcodes`]).
    /// Costs one counter increment per straight-line region entered (an
    /// atomic one in compiled code), on every tier.
    pub fn coverage(&mut self, enable: bool) -> &mut Self {
        self.coverage = enable;
        self
    }

    /// For testing the harness only: the Cranelift tier translates every
    /// `i32.add` into IR its verifier refuses, so compiling any function
    /// using it fails with [`crate::Error::Internal`], as a translator bug
    /// would. Other tiers ignore it.
    #[doc(hidden)]
    pub fn plant_translation_fault(&mut self, enable: bool) -> &mut Self {
        self.planted_translation_fault = enable;
        self
    }

    pub fn fuel_enabled(&self) -> bool {
        self.consume_fuel
    }

    pub(crate) fn wasm_features(&self) -> wasmparser::WasmFeatures {
        Proposal::features_of(self.proposals.iter().copied())
    }
}
