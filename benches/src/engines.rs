//! Every engine the runner measures, behind one small interface: compile a
//! module, instantiate it, call `run(n) -> i64`.

use anyhow::{Context, Result, anyhow};

/// A compiled module ready to be instantiated and run.
pub trait Compiled {
    /// A fresh instance's `run` export.
    fn instantiate(&self) -> Result<Box<dyn FnMut(i32) -> Result<i64>>>;

    /// Bytes of compiled code, where the engine reports them (Crucible's
    /// tiers: `Module::code_size`).
    fn code_size(&self) -> Option<usize> {
        None
    }
}

/// Compiles a module for one engine.
type CompileFn = Box<dyn Fn(&[u8]) -> Result<Box<dyn Compiled>>>;

pub struct Runtime {
    pub name: &'static str,
    compile: CompileFn,
}

impl Runtime {
    pub fn compile(&self, wasm: &[u8]) -> Result<Box<dyn Compiled>> {
        (self.compile)(wasm).with_context(|| format!("{} could not compile the module", self.name))
    }
}

/// Crucible at `tier`.
fn crucible(name: &'static str, tier: engine::Tier) -> Runtime {
    let mut config = engine::Config::new();
    config.tier(tier);
    let engine = engine::Engine::new(&config).expect("the tier is available");
    Runtime {
        name,
        compile: Box::new(move |wasm| {
            let module = engine::Module::new(&engine, wasm)?;
            Ok(Box::new(CrucibleModule { engine: engine.clone(), module }))
        }),
    }
}

struct CrucibleModule {
    engine: engine::Engine,
    module: engine::Module,
}

impl Compiled for CrucibleModule {
    fn instantiate(&self) -> Result<Box<dyn FnMut(i32) -> Result<i64>>> {
        let mut store = engine::Store::new(&self.engine, ());
        let instance = engine::Linker::new(&self.engine).instantiate(&mut store, &self.module)?;
        let run = instance
            .get_func(&store, "run")
            .ok_or_else(|| anyhow!("no `run` export"))?
            .typed::<(), i32, i64>(&store)?;
        Ok(Box::new(move |n| Ok(run.call(&mut store, n)?)))
    }

    fn code_size(&self) -> Option<usize> {
        Some(self.module.code_size())
    }
}

/// wasmtime's back ends as the runners name them.
pub const WASMTIME_BACKENDS: [&str; 3] = ["wasmtime-cranelift", "wasmtime-winch", "wasmtime-pulley"];

/// A wasmtime engine with the back end `name` (one of [`WASMTIME_BACKENDS`]).
/// Compilation is single-threaded, as Crucible's is, so compile times
/// compare like with like.
pub fn wasmtime_engine(name: &str) -> Result<wasmtime::Engine> {
    let mut config = wasmtime::Config::new();
    match name {
        "wasmtime-cranelift" => {
            config.strategy(wasmtime::Strategy::Cranelift);
        }
        "wasmtime-winch" => {
            config.strategy(wasmtime::Strategy::Winch);
        }
        "wasmtime-pulley" => {
            config.target("pulley64").map_err(|e| anyhow!("{e}"))?;
        }
        other => return Err(anyhow!("no wasmtime back end named {other}")),
    }
    wasmtime::Engine::new(&config).map_err(|e| anyhow!("{name}: {e}"))
}

fn wasmtime(name: &'static str) -> Result<Runtime> {
    let engine = wasmtime_engine(name)?;
    Ok(Runtime {
        name,
        compile: Box::new(move |wasm| {
            let module = wasmtime::Module::new(&engine, wasm).map_err(|e| anyhow!("{e}"))?;
            Ok(Box::new(WasmtimeModule { engine: engine.clone(), module }))
        }),
    })
}

struct WasmtimeModule {
    engine: wasmtime::Engine,
    module: wasmtime::Module,
}

impl Compiled for WasmtimeModule {
    fn instantiate(&self) -> Result<Box<dyn FnMut(i32) -> Result<i64>>> {
        let mut store = wasmtime::Store::new(&self.engine, ());
        let instance = wasmtime::Instance::new(&mut store, &self.module, &[]).map_err(|e| anyhow!("{e}"))?;
        let run = instance.get_typed_func::<i32, i64>(&mut store, "run").map_err(|e| anyhow!("{e}"))?;
        Ok(Box::new(move |n| run.call(&mut store, n).map_err(|e| anyhow!("{e}"))))
    }
}

fn wasmi() -> Runtime {
    let engine = wasmi::Engine::default();
    Runtime {
        name: "wasmi",
        compile: Box::new(move |wasm| {
            let module = wasmi::Module::new(&engine, wasm).map_err(|e| anyhow!("{e}"))?;
            Ok(Box::new(WasmiModule { engine: engine.clone(), module }))
        }),
    }
}

struct WasmiModule {
    engine: wasmi::Engine,
    module: wasmi::Module,
}

impl Compiled for WasmiModule {
    fn instantiate(&self) -> Result<Box<dyn FnMut(i32) -> Result<i64>>> {
        let mut store = wasmi::Store::new(&self.engine, ());
        let instance = wasmi::Linker::<()>::new(&self.engine)
            .instantiate_and_start(&mut store, &self.module)
            .map_err(|e| anyhow!("{e}"))?;
        let run = instance.get_typed_func::<i32, i64>(&store, "run").map_err(|e| anyhow!("{e}"))?;
        Ok(Box::new(move |n| run.call(&mut store, n).map_err(|e| anyhow!("{e}"))))
    }
}

/// Crucible's tiers as the runners name them.
pub const CRUCIBLE_TIERS: [(&str, engine::Tier); 3] = [
    ("crucible-cranelift", engine::Tier::Cranelift),
    ("crucible-interp", engine::Tier::Interp),
    ("crucible-baseline", engine::Tier::Baseline),
];

/// Every engine, Crucible's tiers first.
pub fn all() -> Result<Vec<Runtime>> {
    let mut runtimes: Vec<Runtime> = CRUCIBLE_TIERS.iter().map(|(name, tier)| crucible(name, *tier)).collect();
    for name in WASMTIME_BACKENDS {
        runtimes.push(wasmtime(name)?);
    }
    runtimes.push(wasmi());
    Ok(runtimes)
}

/// Keeps the engines `wanted` names (all when it is empty); an unknown name
/// is an error that lists the known ones.
pub fn keep_named<T>(engines: &mut Vec<T>, wanted: &[String], name: impl Fn(&T) -> &str) -> Result<()> {
    if wanted.is_empty() {
        return Ok(());
    }
    if let Some(unknown) = wanted.iter().find(|w| !engines.iter().any(|e| name(e) == w.as_str())) {
        let known: Vec<&str> = engines.iter().map(&name).collect();
        anyhow::bail!("unknown engine `{unknown}` (known: {})", known.join(", "));
    }
    engines.retain(|e| wanted.iter().any(|w| w.as_str() == name(e)));
    Ok(())
}

/// The peer each of Crucible's tiers is measured against, and the goal
/// (the largest acceptable ratio ours/peer).
pub const COMPARISONS: &[(&str, &str, f64)] = &[
    ("crucible-cranelift", "wasmtime-cranelift", 1.15),
    ("crucible-interp", "wasmi", 1.0),
    ("crucible-baseline", "crucible-cranelift", 2.0),
    // No slower than Winch, up to noise: bulk_memory is the same memmove in
    // the runtime of every engine (their ratios are 1.00 ± 0.01).
    ("crucible-baseline", "wasmtime-winch", 1.02),
];
