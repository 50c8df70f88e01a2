//! wasmtime 48, the industry's reference engine, as three executors: its
//! optimizing Cranelift back end (`wasmtime`), its single-pass Winch
//! compiler (`wasmtime-winch`) and its Pulley interpreter
//! (`wasmtime-pulley`). It is the reference for proposals wasmi lacks and
//! a second opinion on wasmi's bugs. It shares no code with Crucible above
//! the code generator: `wasmtime` and Crucible's Cranelift tier both lower
//! through cranelift-codegen 0.135 (a bug there could fool both; Winch and
//! Pulley do not use it).
//!
//! Semantics are the wasmi executor's: no imports, calls with the oracle's
//! values, exported memories, globals and tables snapshotted, traps mapped
//! by kind. NaNs: like wasmtime's own differential fuzzing, Cranelift's NaN
//! canonicalization stays off because the generated modules canonicalize
//! NaNs themselves (`rewrite::canonicalize_nans` after wasm-smith, `arith`
//! after every float operator); Crucible's tiers and wasmi do not canonicalize either,
//! so all executors see the same bits.
//!
//! Cost: instances are made thousands of times a second, so memories
//! reserve 1 MiB (not wasmtime's 4 GiB + 32 MiB guard), data segments are
//! copied rather than mapped copy-on-write, there is no pooling and no
//! backtrace capture; one `Engine` per executor is shared by all threads
//! and frees each module's code when the module is dropped.
//!
//! Signals: wasmtime installs SIGSEGV/SIGILL/SIGFPE/SIGBUS handlers when
//! its first engine is made, Crucible's native tiers when they first call
//! compiled code; each passes faults outside its own code to the handler
//! installed before it, so both work in one process in either order
//! (`oracle/tests/wasmtime.rs` checks it).

use engine::Proposal;
use wasmtime::{
    Config, Engine, Extern, Instance, Linker, Module, Store, StoreLimits, StoreLimitsBuilder, Strategy, Trap, Val,
};

use super::{Executor, InstantiateFailure, Running, State, memory_digest};
use crate::outcome::{Outcome, Resource, TrapCode, Value};

/// One of wasmtime's back ends.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Backend {
    /// The optimizing compiler (wasmtime's default).
    Cranelift,
    /// The single-pass baseline compiler.
    Winch,
    /// The portable interpreter (Cranelift compiling to Pulley bytecode).
    Pulley,
}

/// How far a back end implements a proposal.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Support {
    /// Every module of the proposal runs: it is generated for this back end.
    Full,
    /// Some modules compile, others are refused with a compile error (never
    /// a panic): switched on, never generated, and a refusal is
    /// `Unsupported`.
    Partial,
    /// Not implemented (or not in this build): switched off.
    None,
}

impl Backend {
    pub const ALL: [Backend; 3] = [Backend::Cranelift, Backend::Winch, Backend::Pulley];

    /// The executor's name.
    pub fn name(self) -> &'static str {
        match self {
            Backend::Cranelift => "wasmtime",
            Backend::Winch => "wasmtime-winch",
            Backend::Pulley => "wasmtime-pulley",
        }
    }

    /// What this back end of wasmtime 48 does with a proposal's modules, as
    /// built here (crate features of the workspace's `wasmtime`: `gc` on,
    /// `threads` and `stack-switching` off) on x86-64. The one place for
    /// these facts: the engine's configuration and the generator's
    /// narrowing follow from it. Sources: wasmtime's
    /// `Config::compiler_panicking_wasm_features` (what it refuses to
    /// configure per back end) and its fuzzing's
    /// `disable_unimplemented_winch_proposals`.
    fn support(self, proposal: Proposal) -> Support {
        use Backend::*;
        use Proposal as P;
        match (proposal, self) {
            // Crate features this build leaves out.
            (P::Threads | P::StackSwitching, _) => Support::None,
            // wasmtime refuses to configure Winch with these.
            (P::Gc | P::FunctionReferences | P::Exceptions | P::TailCall | P::RelaxedSimd, Winch) => Support::None,
            // Winch compiles funcrefs but not externref ("Unsupported Wasm
            // type"); its x64 SIMD needs AVX and leaves operators out.
            (P::ReferenceTypes | P::Simd, Winch) => Support::Partial,
            _ => Support::Full,
        }
    }
}

/// Switches `proposal` in wasmtime's configuration.
fn set_proposal(config: &mut Config, proposal: Proposal, on: bool) {
    use wasmtime::WasmFeatures as F;
    match proposal {
        Proposal::MutableGlobal => config.wasm_features(F::MUTABLE_GLOBAL, on),
        Proposal::SignExtension => config.wasm_features(F::SIGN_EXTENSION, on),
        Proposal::SaturatingFloatToInt => config.wasm_features(F::SATURATING_FLOAT_TO_INT, on),
        Proposal::MultiValue => config.wasm_multi_value(on),
        Proposal::BulkMemory => config.wasm_bulk_memory(on),
        Proposal::ReferenceTypes => config.wasm_reference_types(on),
        Proposal::ExtendedConst => config.wasm_extended_const(on),
        Proposal::FunctionReferences => config.wasm_function_references(on),
        Proposal::Gc => config.wasm_gc(on),
        Proposal::Exceptions => config.wasm_exceptions(on),
        Proposal::Simd => config.wasm_simd(on),
        // Deterministic, so that it can be compared at all.
        Proposal::RelaxedSimd => config.wasm_relaxed_simd(on).relaxed_simd_deterministic(on),
        Proposal::Threads => config.wasm_features(F::THREADS, on),
        Proposal::TailCall => config.wasm_tail_call(on),
        Proposal::MultiMemory => config.wasm_multi_memory(on),
        Proposal::Memory64 => config.wasm_memory64(on),
        Proposal::CustomPageSizes => config.wasm_custom_page_sizes(on),
        Proposal::WideArithmetic => config.wasm_wide_arithmetic(on),
        Proposal::StackSwitching => config.wasm_stack_switching(on),
    };
}

/// Per-memory reservation (and growth step): the generator's memories
/// (at most `case::MAX_MEMORY_PAGES`, 640 KiB) fit; larger ones move when
/// they grow. Accesses are bounds-checked in code.
const MEMORY_RESERVATION: u64 = 1 << 20;
/// Guard after each memory (lets Cranelift merge bounds checks).
const MEMORY_GUARD: u64 = 64 << 10;
/// Host stack wasm may use before `StackOverflow` (wasmtime's default is
/// 512 KiB): deeper than the termination fuel lets generated modules
/// recurse, so recursion ends on the fuel (comparable), and well inside the
/// 2 MiB of a test thread.
const MAX_WASM_STACK: usize = 1 << 20;

pub struct WasmtimeExecutor {
    backend: Backend,
    engine: Engine,
    /// Proposals generated for this back end (fully implemented, whether
    /// switched on or not).
    generated: Vec<Proposal>,
    /// What a module must validate under to count as valid (the proposals
    /// Crucible's interpreter runs): one wasmtime refuses for a proposal it
    /// lacks but that validates here is unsupported, not invalid.
    crucible_features: wasmparser::WasmFeatures,
    /// Fuel per instance, when execution must be bounded.
    fuel: Option<u64>,
}

impl WasmtimeExecutor {
    pub fn new(backend: Backend) -> WasmtimeExecutor {
        WasmtimeExecutor::configured(backend, None)
    }

    /// With `fuel` per instance (wasmtime's units: about one per operator;
    /// see `CrucibleExecutor::with_fuel`).
    pub fn with_fuel(backend: Backend, fuel: u64) -> WasmtimeExecutor {
        WasmtimeExecutor::configured(backend, Some(fuel))
    }

    fn configured(backend: Backend, fuel: Option<u64>) -> WasmtimeExecutor {
        let mut config = Config::new();
        match backend {
            Backend::Cranelift => {
                config.strategy(Strategy::Cranelift);
            }
            Backend::Winch => {
                // Cranelift still compiles the host-to-wasm trampolines of
                // every exported function (most of a case's compile time,
                // as every export is called): unoptimized, they cost less.
                config.strategy(Strategy::Winch).cranelift_opt_level(wasmtime::OptLevel::None);
            }
            Backend::Pulley => {
                config.strategy(Strategy::Cranelift).target("pulley64").expect("this wasmtime is built with Pulley");
            }
        }
        // Like wasmi: validate what Crucible's tiers run, no more (a module
        // only wasmtime accepts would compare nothing), minus what this
        // back end lacks.
        for &p in Proposal::ALL {
            set_proposal(&mut config, p, p.supported_somewhere() && backend.support(p) != Support::None);
        }
        config
            .cranelift_nan_canonicalization(false)
            .consume_fuel(fuel.is_some())
            .memory_reservation(MEMORY_RESERVATION)
            .memory_reservation_for_growth(MEMORY_RESERVATION)
            .memory_guard_size(MEMORY_GUARD)
            .memory_init_cow(false)
            .gc_heap_reservation(MEMORY_RESERVATION)
            .gc_heap_reservation_for_growth(MEMORY_RESERVATION)
            .gc_heap_guard_size(MEMORY_GUARD)
            .max_wasm_stack(MAX_WASM_STACK)
            .wasm_backtrace_max_frames(None)
            .generate_address_map(false);
        let engine = Engine::new(&config).unwrap_or_else(|e| panic!("{}: invalid configuration: {e}", backend.name()));
        let generated = Proposal::ALL.iter().copied().filter(|p| backend.support(*p) == Support::Full).collect();
        let crucible_features = crate::executor::compared_features();
        WasmtimeExecutor { backend, engine, generated, crucible_features, fuel }
    }

    /// The back end this executor runs.
    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// What a failure to compile `wasm` means, by kind: refused by
    /// validation and invalid for Crucible too → invalid; refused by
    /// validation but valid for Crucible → a proposal this back end lacks;
    /// valid but not compiled → Winch's partial support (unsupported), or a
    /// failure of wasmtime on a valid module (a finding).
    fn compile_failure(&self, wasm: &[u8], e: wasmtime::Error) -> InstantiateFailure {
        if Module::validate(&self.engine, wasm).is_err() {
            let crucible_accepts =
                wasmparser::Validator::new_with_features(self.crucible_features).validate_all(wasm).is_ok();
            return if crucible_accepts {
                InstantiateFailure::Unsupported(format!("{e:#}"))
            } else {
                InstantiateFailure::Invalid(format!("{e:#}"))
            };
        }
        match self.backend {
            Backend::Winch => InstantiateFailure::Unsupported(format!("{e:#}")),
            Backend::Cranelift | Backend::Pulley => InstantiateFailure::Internal(format!("{e:#}")),
        }
    }

    /// Compiles `wasm` and instantiates it in `store` with what `linker`
    /// holds (the providers before it; nothing for a lone module).
    fn link(
        &self,
        linker: &Linker<StoreLimits>,
        store: &mut Store<StoreLimits>,
        wasm: &[u8],
    ) -> Result<Instance, InstantiateFailure> {
        if crate::opcodes::uses_any(wasm, &["I32x4RelaxedDotI8x16I7x16AddS"]) {
            return Err(InstantiateFailure::Unsupported(
                "i32x4.relaxed_dot_i8x16_i7x16_add_s: wasmtime's deterministic result differs from Crucible's \
                 documented one (ARCHITECTURE.md, \"Relaxed SIMD\") when both bytes of a pair are -128"
                    .into(),
            ));
        }
        let module = Module::new(&self.engine, wasm).map_err(|e| self.compile_failure(wasm, e))?;
        // Type-checking the imports runs nothing: an unknown or mistyped
        // import is an unlinkable module (Crucible's `Error::Link`).
        let pre = linker.instantiate_pre(&module).map_err(|e| match outcome_of_error(&e) {
            Outcome::Exhausted(_) => InstantiateFailure::Exhausted(format!("{e:#}")),
            _ => InstantiateFailure::Invalid(format!("{e:#}")),
        })?;
        pre.instantiate(&mut *store).map_err(|e| match outcome_of_error(&e) {
            Outcome::Trapped(code) => InstantiateFailure::Trapped(code),
            // Linked and compiled, a module fails to instantiate only on a
            // trap or a resource (memory, a limit).
            Outcome::Exhausted(_) | Outcome::Internal(_) | Outcome::Returned(_) => {
                InstantiateFailure::Exhausted(format!("{e:#}"))
            }
        })
    }
}

/// A trap in the oracle's vocabulary; exhaustion is not comparable.
fn trap_outcome(trap: Trap) -> Outcome {
    Outcome::Trapped(match trap {
        Trap::UnreachableCodeReached => TrapCode::Unreachable,
        Trap::MemoryOutOfBounds => TrapCode::MemoryOutOfBounds,
        Trap::TableOutOfBounds => TrapCode::TableOutOfBounds,
        Trap::IndirectCallToNull => TrapCode::UninitializedElement,
        Trap::BadSignature => TrapCode::IndirectCallTypeMismatch,
        Trap::IntegerOverflow => TrapCode::IntegerOverflow,
        Trap::IntegerDivisionByZero => TrapCode::IntegerDivisionByZero,
        Trap::BadConversionToInteger => TrapCode::BadConversionToInteger,
        Trap::NullReference => TrapCode::NullReference,
        Trap::StackOverflow => return Outcome::Exhausted(Resource::Stack),
        Trap::OutOfFuel => return Outcome::Exhausted(Resource::Fuel),
        Trap::AllocationTooLarge => return Outcome::Exhausted(Resource::Memory),
        // Traps of proposals Crucible does not run (threads, GC, the
        // component model): never expected here.
        other => return Outcome::Internal(format!("wasmtime trap with no counterpart: {other}")),
    })
}

/// What a failed call means, by the error's type (never its text).
fn outcome_of_error(e: &wasmtime::Error) -> Outcome {
    if let Some(trap) = e.downcast_ref::<Trap>() {
        trap_outcome(*trap)
    } else if e.is::<wasmtime::OutOfMemory>() {
        Outcome::Exhausted(Resource::Memory)
    } else {
        Outcome::Internal(format!("{e:#}"))
    }
}

fn value_of(store: &Store<StoreLimits>, val: &Val) -> Value {
    match val {
        Val::I32(v) => Value::I32(*v),
        Val::I64(v) => Value::I64(*v),
        Val::F32(bits) => Value::F32(*bits),
        Val::F64(bits) => Value::F64(*bits),
        Val::V128(v) => Value::V128(v.as_u128()),
        Val::FuncRef(f) => Value::FuncRef(f.map(|_| 0)),
        Val::ExternRef(None) => Value::ExternRef(None),
        // As Crucible reports an externref made from a host `u32`.
        Val::ExternRef(Some(r)) => {
            let host = r.data(store).ok().flatten().and_then(|d| d.downcast_ref::<u32>().copied());
            Value::ExternRef(Some(host.unwrap_or(u32::MAX)))
        }
        // GC and exception references: proposals Crucible does not run.
        _ => Value::I32(0),
    }
}

fn val_of(store: &mut Store<StoreLimits>, value: &Value) -> wasmtime::Result<Val> {
    Ok(match *value {
        Value::I32(v) => Val::I32(v),
        Value::I64(v) => Val::I64(v),
        Value::F32(bits) => Val::F32(bits),
        Value::F64(bits) => Val::F64(bits),
        Value::V128(v) => Val::V128(v.into()),
        // Non-null funcrefs cannot be named from outside.
        Value::FuncRef(_) => Val::FuncRef(None),
        Value::ExternRef(None) => Val::ExternRef(None),
        Value::ExternRef(Some(n)) => Val::ExternRef(Some(wasmtime::ExternRef::new(&mut *store, n)?)),
    })
}

/// A store with Crucible's default limits, so that growth fails (-1) where
/// Crucible's does.
fn new_store(engine: &Engine) -> Store<StoreLimits> {
    let limits = engine::Limits::default();
    let limits = StoreLimitsBuilder::new()
        .memory_size(usize::try_from(limits.max_memory_bytes).unwrap_or(usize::MAX))
        .table_elements(usize::try_from(limits.max_table_elements).unwrap_or(usize::MAX))
        .build();
    let mut store = Store::new(engine, limits);
    store.limiter(|limits| limits);
    store
}

struct WasmtimeRunning {
    store: Store<StoreLimits>,
    instance: Instance,
}

impl Executor for WasmtimeExecutor {
    fn name(&self) -> &str {
        self.backend.name()
    }

    fn is_reference(&self) -> bool {
        true
    }

    fn narrow(&self, config: &mut wasm_smith::Config) {
        crate::case::narrow_smith_to(config, |p| self.generated.contains(&p));
        config.max_imports = 0;
    }

    fn instantiate(&self, wasm: &[u8]) -> Result<Box<dyn Running>, InstantiateFailure> {
        self.instantiate_linked(&[], wasm)
    }

    fn instantiate_linked(&self, providers: &[Vec<u8>], wasm: &[u8]) -> Result<Box<dyn Running>, InstantiateFailure> {
        let mut store = new_store(&self.engine);
        if let Some(fuel) = self.fuel {
            store.set_fuel(fuel).map_err(|e| InstantiateFailure::Internal(e.to_string()))?;
        }
        let mut linker = Linker::new(&self.engine);
        for (index, provider) in providers.iter().enumerate() {
            let instance = self.link(&linker, &mut store, provider)?;
            linker
                .instance(&mut store, &super::provider_name(index), instance)
                .map_err(|e| InstantiateFailure::Internal(format!("{e:#}")))?;
        }
        let instance = self.link(&linker, &mut store, wasm)?;
        Ok(Box::new(WasmtimeRunning { store, instance }))
    }
}

impl Running for WasmtimeRunning {
    fn call(&mut self, export: &str, args: &[Value]) -> Outcome {
        let Some(func) = self.instance.get_func(&mut self.store, export) else {
            return Outcome::Internal(format!("no exported function `{export}`"));
        };
        let ty = func.ty(&self.store);
        let mut params = Vec::with_capacity(args.len());
        for arg in args {
            match val_of(&mut self.store, arg) {
                Ok(v) => params.push(v),
                Err(e) => return Outcome::Internal(format!("{e:#}")),
            }
        }
        let mut results: Vec<Val> = ty.results().map(|t| Val::default_for_ty(&t).unwrap_or(Val::I32(0))).collect();
        match func.call(&mut self.store, &params, &mut results) {
            Ok(()) => Outcome::Returned(results.iter().map(|v| value_of(&self.store, v)).collect()),
            Err(e) => outcome_of_error(&e),
        }
    }

    fn snapshot(&mut self) -> State {
        let mut state = State::default();
        let exports: Vec<(String, Extern)> =
            self.instance.exports(&mut self.store).map(|e| (e.name().to_string(), e.into_extern())).collect();
        for (name, item) in exports {
            match item {
                Extern::Memory(m) => {
                    let data = m.data(&self.store);
                    state.memories.push((name, data.len() as u64, memory_digest(data)));
                }
                Extern::Global(g) => {
                    let value = g.get(&mut self.store);
                    state.globals.push((name, value_of(&self.store, &value)));
                }
                Extern::Table(t) => state.tables.push((name, t.size(&self.store))),
                // Shared memories, tags, functions: not state the oracle compares.
                _ => {}
            }
        }
        state
    }

    fn memory(&mut self, name: &str) -> Option<Vec<u8>> {
        let m = self.instance.get_memory(&mut self.store, name)?;
        Some(m.data(&self.store).to_vec())
    }
}
