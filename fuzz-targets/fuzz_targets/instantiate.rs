//! Modules with generated imports, satisfied by host objects of the declared
//! types, instantiated and their exports called under tight limits and fuel.
//! Errors and traps are fine; a panic (or a host crash) is the bug.
#![no_main]

use engine::{
    Caller, Config, Engine, ExternType, Func, Global, Limits, Linker, Memory, Module, Store, Table, Trap, Val,
};
use libfuzzer_sys::arbitrary::Unstructured;
use libfuzzer_sys::fuzz_target;
use oracle::executor::Executor;

fuzz_target!(|data: &[u8]| {
    let mut u = Unstructured::new(data);
    let Ok(mut config) = u.arbitrary::<wasm_smith::Config>() else { return };
    // What the interpreter implements; imports are the point here.
    oracle::executor::CrucibleExecutor::new(engine::Tier::Interp).narrow(&mut config);
    config.max_imports = 8;
    config.export_everything = true;
    let Ok(mut module) = wasm_smith::Module::new(config, &mut u) else { return };
    let _ = module.ensure_termination(1_000);
    let wasm = module.to_bytes();

    let mut engine_config = Config::new();
    engine_config.consume_fuel(true).limits(Limits {
        max_memory_bytes: 16 << 20,
        max_table_elements: 10_000,
        max_call_depth: 1_000,
        ..Limits::default()
    });
    let engine = Engine::new(&engine_config).unwrap();
    let Ok(module) = Module::new(&engine, &wasm) else { return };
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
            Err(_) => return,
        }
    }
    let Ok(instance) = linker.instantiate(&mut store, &module) else { return };
    for (name, item) in instance.exports(&store) {
        let Some(func) = item.into_func() else { continue };
        let ty = func.ty(&store).unwrap();
        let args: Vec<Val> = ty.params().iter().map(|t| Val::default_for(*t)).collect();
        let mut results: Vec<Val> = ty.results().iter().map(|t| Val::default_for(*t)).collect();
        let _ = func.call(&mut store, &args, &mut results);
        let _ = name;
    }
});
