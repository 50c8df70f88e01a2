//! `instantiate`: modules with generated imports, satisfied by host objects
//! of the declared types (host functions sometimes trap), instantiated and
//! their exports called under tight limits and fuel. Errors and traps are
//! fine; a panic (or a host crash) is the bug, so `check` only fails by
//! panicking.

use arbitrary::Unstructured;
use engine::{
    Caller, Config, Engine, ExternType, Func, Global, Limits, Linker, Memory, Module, Store, Table, Tier, Trap, Val,
};

/// Checks the input on every tier in `tiers`.
pub fn check(data: &[u8], tiers: &[Tier]) -> Result<(), String> {
    for &tier in tiers {
        run(tier, data)?;
    }
    Ok(())
}

fn run(tier: Tier, data: &[u8]) -> Result<(), String> {
    let mut u = Unstructured::new(data);
    let Ok(mut config) = u.arbitrary::<wasm_smith::Config>() else { return Ok(()) };
    // What the tier runs; imports are the point here.
    crate::case::narrow_smith_to(&mut config, |p| p.supported_by(tier));
    config.max_imports = 8;
    config.export_everything = true;
    let Ok(mut module) = wasm_smith::Module::new(config, &mut u) else { return Ok(()) };
    let _ = module.ensure_termination(1_000);
    let wasm = module.to_bytes();

    let mut engine_config = Config::new();
    engine_config.tier(tier).consume_fuel(true).limits(Limits {
        max_memory_bytes: 16 << 20,
        max_table_elements: 10_000,
        max_call_depth: 1_000,
        ..Limits::default()
    });
    let engine = Engine::new(&engine_config).map_err(|e| e.to_string())?;
    let Ok(module) = Module::new(&engine, &wasm) else { return Ok(()) };
    let mut store = Store::new(&engine, ());
    store.set_fuel(100_000).unwrap();
    let mut linker = Linker::new(&engine);
    let imports: Vec<(String, String, ExternType)> =
        module.imports().map(|(m, n, t)| (m.to_string(), n.to_string(), t)).collect();
    for (m, n, ty) in imports {
        let defined = match ty {
            ExternType::Func(ty) => {
                let trap = u.arbitrary::<bool>().unwrap_or(false);
                let results: Vec<Val> = ty.results().iter().map(|t| Val::default_for(*t)).collect();
                let f = Func::new(&mut store, ty, move |_: Caller<'_, ()>, _, out| {
                    if trap {
                        return Err(Trap::host("import refused"));
                    }
                    out.copy_from_slice(&results);
                    Ok(())
                });
                linker.define(&m, &n, f);
                continue;
            }
            ExternType::Memory(ty) => Memory::new(&mut store, ty).map(engine::Extern::from),
            ExternType::Table(ty) => Table::new(&mut store, ty, Val::default_for(ty.element)).map(engine::Extern::from),
            ExternType::Global(ty) => {
                Global::new(&mut store, ty, Val::default_for(ty.content)).map(engine::Extern::from)
            }
        };
        match defined {
            Ok(item) => {
                linker.define(&m, &n, item);
            }
            Err(_) => return Ok(()),
        }
    }
    let Ok(instance) = linker.instantiate(&mut store, &module) else { return Ok(()) };
    for (_, item) in instance.exports(&store) {
        let Some(func) = item.into_func() else { continue };
        let ty = func.ty(&store).unwrap();
        let args: Vec<Val> = ty.params().iter().map(|t| Val::default_for(*t)).collect();
        let mut results: Vec<Val> = ty.results().iter().map(|t| Val::default_for(*t)).collect();
        let _ = func.call(&mut store, &args, &mut results);
    }
    Ok(())
}
