//! wasmi: the independent reference engine. It shares no code with Crucible.

use engine::Proposal;
use wasmi::{Config, Engine, Extern, Instance, Linker, Module, Store, Val};

use super::{Executor, InstantiateFailure, Running, State, memory_digest};
use crate::outcome::{Outcome, Resource, TrapCode, Value};

pub struct WasmiExecutor {
    config: Config,
    /// The proposals wasmi implements (whether switched on or not).
    implemented: Vec<Proposal>,
    /// Fuel per instance, when execution must be bounded.
    fuel: Option<u64>,
}

impl Default for WasmiExecutor {
    fn default() -> Self {
        Self::new()
    }
}

impl WasmiExecutor {
    pub fn new() -> WasmiExecutor {
        let mut config = Config::default();
        // wasmi validates what the harness compares, no more: a module only
        // it accepts would compare nothing.
        let implemented =
            Proposal::ALL.iter().copied().filter(|p| set_proposal(&mut config, *p, p.supported_somewhere())).collect();
        config
            // Deeper than wasm-smith's termination fuel can recurse, so
            // recursion ends on the fuel (comparable) rather than on a stack
            // limit (not comparable).
            .set_max_recursion_depth(20_000)
            .set_max_stack_height(64 << 20);
        WasmiExecutor { config, implemented, fuel: None }
    }

    /// wasmi with `fuel` per instance (see `CrucibleExecutor::with_fuel`).
    pub fn with_fuel(fuel: u64) -> WasmiExecutor {
        let mut executor = WasmiExecutor::new();
        executor.config.consume_fuel(true);
        executor.fuel = Some(fuel);
        executor
    }
}

/// Switches `proposal` in wasmi's configuration; false when wasmi 2.0
/// does not implement it.
fn set_proposal(config: &mut Config, proposal: Proposal, on: bool) -> bool {
    match proposal {
        Proposal::MutableGlobal => config.wasm_mutable_global(on),
        Proposal::SignExtension => config.wasm_sign_extension(on),
        Proposal::SaturatingFloatToInt => config.wasm_saturating_float_to_int(on),
        Proposal::MultiValue => config.wasm_multi_value(on),
        Proposal::BulkMemory => config.wasm_bulk_memory(on),
        Proposal::ReferenceTypes => config.wasm_reference_types(on),
        Proposal::ExtendedConst => config.wasm_extended_const(on),
        Proposal::TailCall => config.wasm_tail_call(on),
        Proposal::MultiMemory => config.wasm_multi_memory(on),
        Proposal::Memory64 => config.wasm_memory64(on),
        Proposal::WideArithmetic => config.wasm_wide_arithmetic(on),
        Proposal::CustomPageSizes => config.wasm_custom_page_sizes(on),
        Proposal::Simd => config.wasm_simd(on),
        Proposal::RelaxedSimd => config.wasm_relaxed_simd(on),
        Proposal::Threads
        | Proposal::Exceptions
        | Proposal::FunctionReferences
        | Proposal::Gc
        | Proposal::StackSwitching => return false,
    };
    true
}

fn trap_code(code: wasmi::TrapCode) -> Outcome {
    use wasmi::TrapCode as W;
    Outcome::Trapped(match code {
        W::UnreachableCodeReached => TrapCode::Unreachable,
        W::MemoryOutOfBounds => TrapCode::MemoryOutOfBounds,
        W::TableOutOfBounds => TrapCode::TableOutOfBounds,
        W::IndirectCallToNull => TrapCode::UninitializedElement,
        W::IntegerDivisionByZero => TrapCode::IntegerDivisionByZero,
        W::IntegerOverflow => TrapCode::IntegerOverflow,
        W::BadConversionToInteger => TrapCode::BadConversionToInteger,
        W::BadSignature => TrapCode::IndirectCallTypeMismatch,
        W::StackOverflow => return Outcome::Exhausted(Resource::Stack),
        W::OutOfFuel => return Outcome::Exhausted(Resource::Fuel),
        W::GrowthOperationLimited | W::OutOfSystemMemory => return Outcome::Exhausted(Resource::Memory),
    })
}

fn outcome_of_error(e: &wasmi::Error) -> Outcome {
    match e.as_trap_code() {
        Some(code) => trap_code(code),
        None => Outcome::Internal(e.to_string()),
    }
}

fn value_of(val: &Val) -> Value {
    match val {
        Val::I32(v) => Value::I32(*v),
        Val::I64(v) => Value::I64(*v),
        Val::F32(v) => Value::F32(v.to_bits()),
        Val::F64(v) => Value::F64(v.to_bits()),
        Val::V128(v) => Value::V128(v.as_u128()),
        Val::FuncRef(f) => Value::FuncRef(if f.is_null() { None } else { Some(0) }),
        Val::ExternRef(r) => Value::ExternRef(if r.is_null() { None } else { Some(0) }),
    }
}

fn val_of(value: &Value) -> Val {
    match *value {
        Value::I32(v) => Val::I32(v),
        Value::I64(v) => Val::I64(v),
        Value::F32(v) => Val::F32(f32::from_bits(v).into()),
        Value::F64(v) => Val::F64(f64::from_bits(v).into()),
        Value::V128(v) => Val::V128(v.into()),
        Value::FuncRef(_) => Val::FuncRef(wasmi::Nullable::Null),
        Value::ExternRef(_) => Val::ExternRef(wasmi::Nullable::Null),
    }
}

struct WasmiRunning {
    store: Store<()>,
    instance: Instance,
}

impl Executor for WasmiExecutor {
    fn name(&self) -> &str {
        "wasmi"
    }

    fn is_reference(&self) -> bool {
        true
    }

    fn narrow(&self, config: &mut wasm_smith::Config) {
        crate::case::narrow_smith_to(config, |p| self.implemented.contains(&p));
        config.max_imports = 0;
    }

    fn instantiate(&self, wasm: &[u8]) -> Result<Box<dyn Running>, InstantiateFailure> {
        self.instantiate_linked(&[], wasm)
    }

    fn instantiate_linked(&self, providers: &[Vec<u8>], wasm: &[u8]) -> Result<Box<dyn Running>, InstantiateFailure> {
        // A wasmi engine keeps the code of every module it ever compiled, so
        // one engine shared by a long campaign grows without bound.
        let engine = Engine::new(&self.config);
        // Generated modules are valid under the proposals wasmi is given
        // (`narrow`), so a refusal here is wasmi's judgement to compare.
        let compile = |wasm: &[u8]| Module::new(&engine, wasm).map_err(|e| InstantiateFailure::Invalid(e.to_string()));
        let mut store = Store::new(&engine, ());
        if let Some(fuel) = self.fuel {
            store.set_fuel(fuel).map_err(|e| InstantiateFailure::Internal(e.to_string()))?;
        }
        let mut linker = Linker::new(&engine);
        for (index, provider) in providers.iter().enumerate() {
            let module = compile(provider)?;
            let instance = linker.instantiate_and_start(&mut store, &module).map_err(instantiation_failure)?;
            linker
                .instance(&mut store, &super::provider_name(index), instance)
                .map_err(|e| InstantiateFailure::Internal(e.to_string()))?;
        }
        let module = compile(wasm)?;
        let instance = linker.instantiate_and_start(&mut store, &module).map_err(instantiation_failure)?;
        Ok(Box::new(WasmiRunning { store, instance }))
    }
}

impl Running for WasmiRunning {
    fn call(&mut self, export: &str, args: &[Value]) -> Outcome {
        let Some(func) = self.instance.get_func(&self.store, export) else {
            return Outcome::Internal(format!("no exported function `{export}`"));
        };
        let ty = func.ty(&self.store);
        let args: Vec<Val> = args.iter().map(val_of).collect();
        let mut results: Vec<Val> = ty.results().iter().map(|t| Val::default_for_ty(*t)).collect();
        match func.call(&mut self.store, &args, &mut results) {
            Ok(()) => Outcome::Returned(results.iter().map(value_of).collect()),
            Err(e) => outcome_of_error(&e),
        }
    }

    fn snapshot(&mut self) -> State {
        let mut state = State::default();
        let exports: Vec<(String, Extern)> =
            self.instance.exports(&self.store).map(|e| (e.name().to_string(), e.into_extern())).collect();
        for (name, item) in exports {
            match item {
                Extern::Memory(m) => {
                    let data = m.data(&self.store);
                    state.memories.push((name, data.len() as u64, memory_digest(data)));
                }
                Extern::Global(g) => state.globals.push((name, value_of(&g.get(&self.store)))),
                Extern::Table(t) => state.tables.push((name, t.size(&self.store))),
                Extern::Func(_) => {}
            }
        }
        state
    }

    fn memory(&mut self, name: &str) -> Option<Vec<u8>> {
        let m = self.instance.get_memory(&self.store, name)?;
        Some(m.data(&self.store).to_vec())
    }
}

/// What a wasmi instantiation error means to the oracle.
fn instantiation_failure(e: wasmi::Error) -> InstantiateFailure {
    match e.kind() {
        // A segment that does not fit its table is an out-of-bounds table access.
        wasmi::errors::ErrorKind::Instantiation(wasmi::errors::InstantiationError::ElementSegmentDoesNotFit {
            ..
        }) => InstantiateFailure::Trapped(TrapCode::TableOutOfBounds),
        _ => match outcome_of_error(&e) {
            Outcome::Internal(_) => InstantiateFailure::Invalid(e.to_string()),
            Outcome::Trapped(code) => InstantiateFailure::Trapped(code),
            _ => InstantiateFailure::Exhausted(e.to_string()),
        },
    }
}
