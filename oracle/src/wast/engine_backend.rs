//! Runs scripts on one of Crucible's own tiers.

use engine::{
    Config, Engine, Error, Func, FuncType, Global, GlobalType, Instance, Linker, Memory, MemoryType, Module, Store,
    Table, TableType, TypeLimits, Val, ValType,
};

use super::{CompileError, InstantiateError, WastBackend};
use crate::executor::crucible::{val_of, value_of};
use crate::outcome::{Outcome, Value};

/// A store plus a linker preloaded with the `spectest` host module.
pub struct EngineBackend {
    engine: Engine,
    store: Store<()>,
    linker: Linker<()>,
}

impl EngineBackend {
    pub fn new(config: &Config) -> Result<EngineBackend, Error> {
        let engine = Engine::new(config)?;
        let mut store = Store::new(&engine, ());
        if config.fuel_enabled() {
            // Metering is on to check it never changes results, not to stop scripts.
            store.set_fuel(u64::MAX)?;
        }
        let mut linker = Linker::new(&engine);
        define_spectest(&mut store, &mut linker)?;
        Ok(EngineBackend { engine, store, linker })
    }

    pub fn engine(&self) -> &Engine {
        &self.engine
    }
}

fn define_spectest(store: &mut Store<()>, linker: &mut Linker<()>) -> Result<(), Error> {
    let prints: [(&str, &[ValType]); 7] = [
        ("print", &[]),
        ("print_i32", &[ValType::I32]),
        ("print_i64", &[ValType::I64]),
        ("print_f32", &[ValType::F32]),
        ("print_f64", &[ValType::F64]),
        ("print_i32_f32", &[ValType::I32, ValType::F32]),
        ("print_f64_f64", &[ValType::F64, ValType::F64]),
    ];
    for (name, params) in prints {
        let ty = FuncType::new(params.iter().copied(), []);
        let func = Func::new(&mut *store, ty, |_, _, _| Ok(()));
        linker.define("spectest", name, func);
    }
    let globals = [
        ("global_i32", ValType::I32, Val::I32(666)),
        ("global_i64", ValType::I64, Val::I64(666)),
        ("global_f32", ValType::F32, Val::F32(0x4426_a666)),
        ("global_f64", ValType::F64, Val::F64(0x4084_d4cc_cccc_cccd)),
    ];
    for (name, content, value) in globals {
        let global = Global::new(&mut *store, GlobalType { content, mutable: false }, value)?;
        linker.define("spectest", name, global);
    }
    let table = Table::new(
        &mut *store,
        TableType { element: ValType::FuncRef, limits: TypeLimits { min: 10, max: Some(20) } },
        Val::FuncRef(None),
    )?;
    linker.define("spectest", "table", table);
    let memory = Memory::new(
        &mut *store,
        MemoryType { limits: TypeLimits { min: 1, max: Some(2) }, memory64: false, shared: false },
    )?;
    linker.define("spectest", "memory", memory);
    Ok(())
}

impl WastBackend for EngineBackend {
    type Module = Module;
    type Instance = Instance;

    fn compile(&mut self, wasm: &[u8]) -> Result<Module, CompileError> {
        Module::from_binary(&self.engine, wasm).map_err(|e| match e {
            Error::Validation { .. } | Error::Text(_) => CompileError::Invalid(e.to_string()),
            Error::Unsupported(_) => CompileError::Unsupported(e.to_string()),
            _ => CompileError::Failed(e.to_string()),
        })
    }

    fn instantiate(&mut self, module: &Module) -> Result<Instance, InstantiateError> {
        self.linker.instantiate(&mut self.store, module).map_err(|e| match e {
            Error::Link(m) => InstantiateError::Link(m),
            Error::Trap(t) => InstantiateError::Trap(t.code()),
            other => InstantiateError::Other(other.to_string()),
        })
    }

    fn register(&mut self, name: &str, instance: Instance) {
        self.linker.instance(&self.store, name, instance);
    }

    fn invoke(&mut self, instance: Instance, export: &str, args: &[Value]) -> Result<Outcome, String> {
        let func = instance.get_func(&self.store, export).ok_or_else(|| format!("no exported function `{export}`"))?;
        let ty = func.ty(&self.store).map_err(|e| e.to_string())?;
        let args: Vec<Val> = args.iter().map(|a| val_of(&mut self.store, a)).collect();
        let mut results: Vec<Val> = ty.results().iter().map(|t| Val::default_for(*t)).collect();
        match func.call(&mut self.store, &args, &mut results) {
            Ok(()) => Ok(Outcome::Returned(results.iter().map(|v| value_of(&self.store, v)).collect())),
            Err(Error::Trap(t)) => Ok(Outcome::Trapped(t.code())),
            Err(e) => Err(e.to_string()),
        }
    }

    fn unsupported_proposal(&self, wasm: &[u8]) -> Option<String> {
        use wasmparser::WasmFeatures as F;
        let enabled = self.engine.config().enabled_proposals();
        let base = enabled.iter().fold(F::WASM1, |f, p| f | p.features());
        let valid = |features: F| wasmparser::Validator::new_with_features(features).validate_all(wasm).is_ok();
        if valid(base) {
            return None;
        }
        for p in engine::Proposal::ALL.iter().filter(|p| !enabled.contains(p)) {
            if valid(base | p.features()) {
                return Some(p.name().to_string());
            }
        }
        valid(F::all()).then(|| "several".to_string())
    }

    fn global(&mut self, instance: Instance, export: &str) -> Result<Value, String> {
        let global =
            instance.get_global(&self.store, export).ok_or_else(|| format!("no exported global `{export}`"))?;
        let val = global.get(&self.store).map_err(|e| e.to_string())?;
        Ok(value_of(&self.store, &val))
    }
}
