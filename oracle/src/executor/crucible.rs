//! Crucible's own tiers as an executor.

use engine::{Config, Engine, Error, Extern, Instance, Linker, Module, Store, Tier, Val};

use super::{Executor, InstantiateFailure, Running, State, memory_digest};
use crate::outcome::{Outcome, Resource, TrapCode, Value};

pub struct CrucibleExecutor {
    name: String,
    engine: Engine,
    /// Fuel per instance, when execution must be bounded.
    fuel: Option<u64>,
    /// The wasmparser features of the engine's proposals, and of those the
    /// harness compares: a module valid under the second but not the first
    /// needs a proposal this tier lacks.
    own_features: wasmparser::WasmFeatures,
    compared_features: wasmparser::WasmFeatures,
}

/// `tier` validating what the harness compares and the tier runs (a module
/// needing more is unsupported here, see [`CrucibleExecutor::failure`]),
/// with coverage on: the harness credits executed operators to proposals.
fn harness_config(tier: Tier) -> Config {
    let mut config = Config::new();
    config.proposals(&super::compared_proposals()).tier(tier).coverage(true);
    config
}

impl CrucibleExecutor {
    pub fn new(tier: Tier) -> CrucibleExecutor {
        CrucibleExecutor::with_config(tier.name(), &harness_config(tier))
    }

    /// A compiling tier with explicit bounds checks instead of guard pages
    /// (executor `<tier>-explicit`), optionally with `fuel` per instance.
    pub fn explicit_bounds_checks(tier: Tier, fuel: Option<u64>) -> CrucibleExecutor {
        let mut config = harness_config(tier);
        config.bounds_checks(engine::BoundsChecks::Explicit).consume_fuel(fuel.is_some());
        let mut executor = CrucibleExecutor::with_config(&format!("{}-explicit", tier.name()), &config);
        executor.fuel = fuel;
        executor
    }

    /// An executor under a custom configuration (e.g. limits in tests).
    pub fn with_config(name: &str, config: &Config) -> CrucibleExecutor {
        let engine = Engine::new(config).expect("executor configurations are valid");
        CrucibleExecutor {
            name: name.to_string(),
            engine,
            fuel: None,
            own_features: engine::Proposal::features_of(config.enabled_proposals().iter().copied()),
            compared_features: super::compared_features(),
        }
    }

    /// What an engine error at compilation or instantiation of `wasm` means
    /// to the oracle: a validation error for a module that needs a compared
    /// proposal this tier lacks is unsupported (the case compares on the
    /// executors that run it); otherwise by the error's kind.
    fn failure(&self, wasm: &[u8], e: Error) -> InstantiateFailure {
        let valid_with = |features| wasmparser::Validator::new_with_features(features).validate_all(wasm).is_ok();
        match e {
            Error::Validation { .. } if !valid_with(self.own_features) && valid_with(self.compared_features) => {
                InstantiateFailure::Unsupported(format!("{}: {e}", self.name))
            }
            e => instantiate_failure(e),
        }
    }

    /// For testing the harness: `tier` with a planted translator fault
    /// (`Config::plant_translation_fault`), so that compiling any function
    /// using `i32.add` fails with an internal compiler error (executor
    /// `<tier>-faulty`, never among the default executors).
    pub fn with_planted_translation_fault(tier: Tier) -> CrucibleExecutor {
        let mut config = harness_config(tier);
        config.plant_translation_fault(true);
        CrucibleExecutor::with_config(&format!("{}-faulty", tier.name()), &config)
    }

    /// The same tier with `fuel` per instance: code that would run longer
    /// ends with [`Outcome::Exhausted`] (for running modules that may not
    /// terminate, like candidates of a minimization).
    pub fn with_fuel(tier: Tier, fuel: u64) -> CrucibleExecutor {
        let mut config = harness_config(tier);
        config.consume_fuel(true);
        let mut executor = CrucibleExecutor::with_config(tier.name(), &config);
        executor.fuel = Some(fuel);
        executor
    }
}

struct CrucibleRunning {
    store: Store<()>,
    instance: Instance,
    module: Module,
}

/// A Crucible value in the oracle's vocabulary. An externref made from a
/// host `u32` (as the spec suite's `ref.extern N`) reports that number.
pub(crate) fn value_of(store: &Store<()>, val: &Val) -> Value {
    match *val {
        Val::I32(v) => Value::I32(v),
        Val::I64(v) => Value::I64(v),
        Val::F32(v) => Value::F32(v),
        Val::F64(v) => Value::F64(v),
        Val::V128(v) => Value::V128(v),
        Val::FuncRef(f) => Value::FuncRef(f.map(|_| 0)),
        Val::ExternRef(None) => Value::ExternRef(None),
        Val::ExternRef(Some(r)) => {
            let host = r.data(store).ok().and_then(|d| d.downcast_ref::<u32>().copied());
            Value::ExternRef(Some(host.unwrap_or(u32::MAX)))
        }
    }
}

/// The oracle's value as a Crucible value; a non-null externref becomes a
/// fresh host reference carrying its number. Non-null funcrefs cannot be
/// named from outside and become null.
pub(crate) fn val_of(store: &mut Store<()>, value: &Value) -> Val {
    match *value {
        Value::I32(v) => Val::I32(v),
        Value::I64(v) => Val::I64(v),
        Value::F32(v) => Val::F32(v),
        Value::F64(v) => Val::F64(v),
        Value::V128(v) => Val::V128(v),
        Value::FuncRef(_) => Val::FuncRef(None),
        Value::ExternRef(None) => Val::ExternRef(None),
        Value::ExternRef(Some(n)) => Val::ExternRef(Some(engine::ExternRef::new(store, n))),
    }
}

fn outcome_of_trap(code: TrapCode) -> Outcome {
    match code {
        TrapCode::StackOverflow => Outcome::Exhausted(Resource::Stack),
        TrapCode::OutOfFuel => Outcome::Exhausted(Resource::Fuel),
        other => Outcome::Trapped(other),
    }
}

impl Executor for CrucibleExecutor {
    fn name(&self) -> &str {
        &self.name
    }

    fn narrow(&self, config: &mut wasm_smith::Config) {
        // Only what the harness compares: modules needing a proposal this
        // tier lacks are unsupported here, and compare on the others.
        crate::case::narrow_smith_to(config, engine::Proposal::supported_somewhere);
    }

    fn instantiate(&self, wasm: &[u8]) -> Result<Box<dyn Running>, InstantiateFailure> {
        self.instantiate_linked(&[], wasm)
    }

    fn instantiate_linked(&self, providers: &[Vec<u8>], wasm: &[u8]) -> Result<Box<dyn Running>, InstantiateFailure> {
        let mut store = Store::new(&self.engine, ());
        if let Some(fuel) = self.fuel {
            store.set_fuel(fuel).map_err(instantiate_failure)?;
        }
        let mut linker = Linker::new(&self.engine);
        for (index, provider) in providers.iter().enumerate() {
            let module = Module::from_binary(&self.engine, provider).map_err(|e| self.failure(provider, e))?;
            let instance = linker.instantiate(&mut store, &module).map_err(instantiate_failure)?;
            linker.instance(&store, &super::provider_name(index), instance);
        }
        let module = Module::from_binary(&self.engine, wasm).map_err(|e| self.failure(wasm, e))?;
        match linker.instantiate(&mut store, &module) {
            Ok(instance) => Ok(Box::new(CrucibleRunning { store, instance, module })),
            Err(e) => Err(instantiate_failure(e)),
        }
    }
}

/// What an engine error at compilation or instantiation means to the
/// oracle, by its kind (never by its text).
pub(crate) fn instantiate_failure(e: Error) -> InstantiateFailure {
    match e {
        Error::Trap(t) => match outcome_of_trap(t.code()) {
            Outcome::Trapped(code) => InstantiateFailure::Trapped(code),
            _ => InstantiateFailure::Exhausted(t.to_string()),
        },
        Error::Limit(why) => InstantiateFailure::Exhausted(why),
        Error::Unsupported(why) => InstantiateFailure::Unsupported(why),
        e @ (Error::Validation { .. } | Error::Text(_) | Error::Link(_)) => InstantiateFailure::Invalid(e.to_string()),
        e @ (Error::Internal(_) | Error::Usage(_)) => InstantiateFailure::Internal(e.to_string()),
    }
}

impl Running for CrucibleRunning {
    fn call(&mut self, export: &str, args: &[Value]) -> Outcome {
        let Some(func) = self.instance.get_func(&self.store, export) else {
            return Outcome::Internal(format!("no exported function `{export}`"));
        };
        let ty = match func.ty(&self.store) {
            Ok(ty) => ty,
            Err(e) => return Outcome::Internal(e.to_string()),
        };
        let args: Vec<Val> = args.iter().map(|a| val_of(&mut self.store, a)).collect();
        let mut results: Vec<Val> = ty.results().iter().map(|t| Val::default_for(*t)).collect();
        match func.call(&mut self.store, &args, &mut results) {
            Ok(()) => Outcome::Returned(results.iter().map(|v| value_of(&self.store, v)).collect()),
            Err(Error::Trap(t)) => outcome_of_trap(t.code()),
            Err(e) => Outcome::Internal(e.to_string()),
        }
    }

    fn snapshot(&mut self) -> State {
        let mut state = State::default();
        for (name, item) in self.instance.exports(&self.store) {
            match item {
                Extern::Memory(m) => {
                    let data = m.data(&self.store).unwrap_or(&[]);
                    state.memories.push((name, data.len() as u64, memory_digest(data)));
                }
                Extern::Global(g) => {
                    if let Ok(v) = g.get(&self.store) {
                        state.globals.push((name, value_of(&self.store, &v)));
                    }
                }
                Extern::Table(t) => state.tables.push((name, t.size(&self.store).unwrap_or(0))),
                Extern::Func(_) => {}
            }
        }
        state
    }

    fn memory(&mut self, name: &str) -> Option<Vec<u8>> {
        let m = self.instance.get_memory(&self.store, name)?;
        m.data(&self.store).ok().map(|d| d.to_vec())
    }

    fn executed_opcodes(&self) -> Option<std::collections::BTreeMap<String, u64>> {
        self.module.executed_opcodes()
    }
}
