//! The public API, exercised the way an embedder uses it.

use engine::{
    Caller, Engine, Error, Extern, Func, FuncType, Global, GlobalType, Linker, Memory, MemoryType, Module, Store,
    Table, TableType, Tier, Trap, TrapCode, TypeLimits, Val, ValType,
};

#[macro_use]
mod common;

fn instantiate(tier: Tier, wat: &str) -> (Store<()>, engine::Instance) {
    let engine = common::engine(tier);
    let module = Module::new(&engine, wat).expect("module compiles");
    let mut store = Store::new(&engine, ());
    let instance = Linker::new(&engine).instantiate(&mut store, &module).expect("module instantiates");
    (store, instance)
}

fn trap_of(result: engine::Result<()>) -> TrapCode {
    match result {
        Err(Error::Trap(t)) => t.code(),
        other => panic!("expected a trap, got {other:?}"),
    }
}

fn typed_calls_return_results(tier: Tier) {
    let (mut store, instance) = instantiate(
        tier,
        r#"(module
            (func (export "add") (param i32 i32) (result i32) local.get 0 local.get 1 i32.add)
            (func (export "swap") (param i64 f64) (result f64 i64) local.get 1 local.get 0))"#,
    );
    let add = instance.get_func(&store, "add").unwrap().typed::<_, (i32, i32), i32>(&store).unwrap();
    assert_eq!(add.call(&mut store, (40, 2)).unwrap(), 42);
    assert_eq!(add.call(&mut store, (i32::MAX, 1)).unwrap(), i32::MIN);
    let swap = instance.get_func(&store, "swap").unwrap().typed::<_, (i64, f64), (f64, i64)>(&store).unwrap();
    assert_eq!(swap.call(&mut store, (7, 1.5)).unwrap(), (1.5, 7));
    // A wrong Rust signature is refused up front.
    assert!(instance.get_func(&store, "add").unwrap().typed::<_, i32, i32>(&store).is_err());
}

fn untyped_calls_check_arity_and_types(tier: Tier) {
    let (mut store, instance) =
        instantiate(tier, r#"(module (func (export "id") (param i32) (result i32) local.get 0))"#);
    let f = instance.get_func(&store, "id").unwrap();
    let mut out = [Val::I32(0)];
    f.call(&mut store, &[Val::I32(5)], &mut out).unwrap();
    assert_eq!(out[0], Val::I32(5));
    assert!(matches!(f.call(&mut store, &[Val::I64(5)], &mut out), Err(Error::Usage(_))));
    assert!(matches!(f.call(&mut store, &[], &mut out), Err(Error::Usage(_))));
}

fn host_functions_see_store_data_and_caller_memory(tier: Tier) {
    let engine = common::engine(tier);
    let mut store = Store::new(&engine, Vec::<String>::new());
    let mut linker = Linker::new(&engine);
    linker.func_wrap(&mut store, "host", "log", |mut caller: Caller<'_, Vec<String>>, ptr: i32, len: i32| {
        let memory = caller.get_export("memory").and_then(Extern::into_memory).expect("memory export");
        let mut buf = vec![0; len as usize];
        memory.read(&caller, ptr as usize, &mut buf).map_err(|e| Trap::host(e.to_string()))?;
        caller.data_mut().push(String::from_utf8_lossy(&buf).into_owned());
        Ok::<_, Trap>(len * 2)
    });
    let module = Module::new(
        &engine,
        r#"(module
            (import "host" "log" (func $log (param i32 i32) (result i32)))
            (memory (export "memory") 1)
            (data (i32.const 16) "hello")
            (func (export "run") (result i32) (call $log (i32.const 16) (i32.const 5))))"#,
    )
    .unwrap();
    let instance = linker.instantiate(&mut store, &module).unwrap();
    let run = instance.get_func(&store, "run").unwrap().typed::<_, (), i32>(&store).unwrap();
    assert_eq!(run.call(&mut store, ()).unwrap(), 10);
    assert_eq!(store.data(), &vec!["hello".to_string()]);
}

fn host_errors_become_host_traps_and_reentry_works(tier: Tier) {
    let engine = common::engine(tier);
    let mut store = Store::new(&engine, 0u32);
    let mut linker = Linker::new(&engine);
    linker.func_new(&mut store, "host", "fail", FuncType::new([], []), |_, _, _| Err(Trap::host("boom")));
    // The host calls back into wasm: wasm → host → wasm.
    linker.func_wrap(&mut store, "host", "twice", |mut caller: Caller<'_, u32>, x: i32| {
        *caller.data_mut() += 1;
        let double = caller.get_export("double").and_then(Extern::into_func).unwrap();
        let mut out = [Val::I32(0)];
        double.call(&mut caller, &[Val::I32(x)], &mut out).map_err(|e| Trap::host(e.to_string()))?;
        Ok::<_, Trap>(out[0].i32().unwrap())
    });
    let module = Module::new(
        &engine,
        r#"(module
            (import "host" "fail" (func $fail))
            (import "host" "twice" (func $twice (param i32) (result i32)))
            (func (export "double") (param i32) (result i32) (i32.mul (local.get 0) (i32.const 2)))
            (func (export "quad") (param i32) (result i32) (call $twice (call $twice (local.get 0))))
            (func (export "fail") call $fail))"#,
    )
    .unwrap();
    let instance = linker.instantiate(&mut store, &module).unwrap();
    let quad = instance.get_func(&store, "quad").unwrap().typed::<_, i32, i32>(&store).unwrap();
    assert_eq!(quad.call(&mut store, 3).unwrap(), 12);
    assert_eq!(*store.data(), 2);
    let fail = instance.get_func(&store, "fail").unwrap();
    match fail.call(&mut store, &[], &mut []) {
        Err(Error::Trap(t)) => {
            assert_eq!(t.code(), TrapCode::HostError);
            assert_eq!(t.host_message(), Some("boom"));
        }
        other => panic!("expected a host trap, got {other:?}"),
    }
}

fn instances_link_memories_tables_globals_and_functions(tier: Tier) {
    let engine = common::engine(tier);
    let mut store = Store::new(&engine, ());
    let mut linker = Linker::new(&engine);
    let provider = Module::new(
        &engine,
        r#"(module
            (memory (export "mem") 1 4)
            (table (export "tab") 2 funcref)
            (global (export "counter") (mut i32) (i32.const 10))
            (func $seven (export "seven") (result i32) i32.const 7)
            (elem (i32.const 0) $seven)
            (func (export "peek") (param i32) (result i32) (i32.load (local.get 0))))"#,
    )
    .unwrap();
    let a = linker.instantiate(&mut store, &provider).unwrap();
    linker.instance(&store, "a", a);
    let user = Module::new(
        &engine,
        r#"(module
            (import "a" "mem" (memory 1))
            (import "a" "tab" (table 2 funcref))
            (import "a" "counter" (global $c (mut i32)))
            (import "a" "seven" (func $seven (result i32)))
            (type $t (func (result i32)))
            (func (export "go") (result i32)
                (i32.store (i32.const 8) (i32.const 1234))
                (global.set $c (i32.add (global.get $c) (i32.const 1)))
                (i32.add (call $seven) (call_indirect (type $t) (i32.const 0)))))"#,
    )
    .unwrap();
    let b = linker.instantiate(&mut store, &user).unwrap();
    let go = b.get_func(&store, "go").unwrap().typed::<_, (), i32>(&store).unwrap();
    assert_eq!(go.call(&mut store, ()).unwrap(), 14);
    let peek = a.get_func(&store, "peek").unwrap().typed::<_, i32, i32>(&store).unwrap();
    assert_eq!(peek.call(&mut store, 8).unwrap(), 1234);
    assert_eq!(a.get_global(&store, "counter").unwrap().get(&store).unwrap(), Val::I32(11));

    // An import of the wrong type is a link error, not a crash.
    let wrong = Module::new(&engine, r#"(module (import "a" "seven" (func (param i32))))"#).unwrap();
    assert!(matches!(linker.instantiate(&mut store, &wrong), Err(Error::Link(_))));
    let missing = Module::new(&engine, r#"(module (import "a" "nope" (func)))"#).unwrap();
    assert!(matches!(linker.instantiate(&mut store, &missing), Err(Error::Link(_))));
}

fn memory_api_reads_writes_and_grows_within_limits(tier: Tier) {
    let engine = common::engine(tier);
    let mut store = Store::new(&engine, ());
    let ty = MemoryType { limits: TypeLimits { min: 1, max: Some(3) }, memory64: false, shared: false };
    let memory = Memory::new(&mut store, ty).unwrap();
    assert_eq!(memory.size(&store).unwrap(), 1);
    memory.write(&mut store, 65530, b"abcdef").unwrap();
    let mut buf = [0u8; 6];
    memory.read(&store, 65530, &mut buf).unwrap();
    assert_eq!(&buf, b"abcdef");
    // Past the end is an error, never a host fault.
    assert!(memory.write(&mut store, 65533, b"abcd").is_err());
    assert!(memory.read(&store, usize::MAX, &mut buf).is_err());
    assert_eq!(memory.grow(&mut store, 2).unwrap(), 1);
    assert_eq!(memory.data_size(&store).unwrap(), 3 * 65536);
    assert!(memory.grow(&mut store, 1).is_err());
    // Grown pages are zeroed and usable.
    memory.write(&mut store, 3 * 65536 - 1, &[9]).unwrap();
    assert_eq!(memory.data(&store).unwrap()[2 * 65536], 0);
}

fn memory_grow_past_the_limit_returns_minus_one_quickly(tier: Tier) {
    let mut config = common::config(tier);
    config.limits(engine::Limits { max_memory_bytes: 64 << 20, ..Default::default() });
    let engine = Engine::new(&config).unwrap();
    let module = Module::new(
        &engine,
        r#"(module (memory 1)
            (func (export "grow") (param i32) (result i32) (memory.grow (local.get 0)))
            (func (export "size") (result i32) memory.size))"#,
    )
    .unwrap();
    let mut store = Store::new(&engine, ());
    let instance = Linker::new(&engine).instantiate(&mut store, &module).unwrap();
    let grow = instance.get_func(&store, "grow").unwrap().typed::<_, i32, i32>(&store).unwrap();
    let start = std::time::Instant::now();
    // 1 GiB in one request, then 4 GiB, then past the 32-bit space.
    assert_eq!(grow.call(&mut store, 16384).unwrap(), -1);
    assert_eq!(grow.call(&mut store, 65536).unwrap(), -1);
    assert_eq!(grow.call(&mut store, -1).unwrap(), -1);
    assert!(start.elapsed() < std::time::Duration::from_secs(1), "refusing must not allocate");
    assert_eq!(grow.call(&mut store, 1023).unwrap(), 1);
    assert_eq!(grow.call(&mut store, 1).unwrap(), -1, "64 MiB is the configured limit");
    let size = instance.get_func(&store, "size").unwrap().typed::<_, (), i32>(&store).unwrap();
    assert_eq!(size.call(&mut store, ()).unwrap(), 1024);
}

fn tables_and_globals_through_the_api(tier: Tier) {
    let engine = common::engine(tier);
    let mut store = Store::new(&engine, ());
    let f = Func::wrap(&mut store, |_: Caller<'_, ()>| 5i32);
    let ty = TableType { element: ValType::FuncRef, limits: TypeLimits { min: 1, max: Some(3) } };
    let table = Table::new(&mut store, ty, Val::FuncRef(None)).unwrap();
    assert_eq!(table.get(&store, 0).unwrap(), Some(Val::FuncRef(None)));
    assert_eq!(table.get(&store, 1).unwrap(), None);
    table.set(&mut store, 0, Val::FuncRef(Some(f))).unwrap();
    assert_eq!(table.grow(&mut store, 2, Val::FuncRef(Some(f))).unwrap(), 1);
    assert!(table.grow(&mut store, 1, Val::FuncRef(None)).is_err());
    assert!(table.set(&mut store, 0, Val::I32(1)).is_err());

    let constant = Global::new(&mut store, GlobalType { content: ValType::I32, mutable: false }, Val::I32(1)).unwrap();
    assert!(constant.set(&mut store, Val::I32(2)).is_err());
    let var = Global::new(&mut store, GlobalType { content: ValType::F64, mutable: true }, 1.5f64.into()).unwrap();
    var.set(&mut store, 2.5f64.into()).unwrap();
    assert_eq!(var.get(&store).unwrap().f64(), Some(2.5));

    let mut linker = Linker::new(&engine);
    linker.define("env", "table", table).define("env", "g", var);
    let module = Module::new(
        &engine,
        r#"(module (import "env" "table" (table 3 funcref)) (import "env" "g" (global (mut f64)))
            (type $t (func (result i32)))
            (func (export "call") (param i32) (result i32) (call_indirect (type $t) (local.get 0)))
            (func (export "bump") (global.set 0 (f64.add (global.get 0) (f64.const 1)))))"#,
    )
    .unwrap();
    let instance = linker.instantiate(&mut store, &module).unwrap();
    let call = instance.get_func(&store, "call").unwrap().typed::<_, i32, i32>(&store).unwrap();
    assert_eq!(call.call(&mut store, 2).unwrap(), 5);
    instance.get_func(&store, "bump").unwrap().call(&mut store, &[], &mut []).unwrap();
    assert_eq!(var.get(&store).unwrap().f64(), Some(3.5));
}

fn every_trap_code_a_tier_raises(tier: Tier) {
    let (mut store, instance) = instantiate(
        tier,
        r#"(module
            (type $v (func))
            (table 2 funcref)
            (elem (i32.const 0) $nop)
            (memory 1)
            (func $nop)
            (func (export "unreachable") unreachable)
            (func (export "overflow") (drop (i32.div_s (i32.const 0x80000000) (i32.const -1))))
            (func (export "div0") (drop (i64.rem_u (i64.const 1) (i64.const 0))))
            (func (export "convert") (drop (i32.trunc_f32_s (f32.const nan))))
            (func (export "convert_range") (drop (i64.trunc_f64_u (f64.const -1))))
            (func (export "memory") (drop (i32.load offset=65533 (i32.const 0))))
            (func (export "table") (drop (table.get 0 (i32.const 2))))
            (func (export "mismatch") (call_indirect (param i32) (i32.const 0) (i32.const 0)))
            (func (export "uninit") (call_indirect (type $v) (i32.const 1)))
            (func $rec (export "recurse") (call $rec)))"#,
    );
    let cases = [
        ("unreachable", TrapCode::Unreachable),
        ("overflow", TrapCode::IntegerOverflow),
        ("div0", TrapCode::IntegerDivisionByZero),
        ("convert", TrapCode::BadConversionToInteger),
        ("convert_range", TrapCode::IntegerOverflow),
        ("memory", TrapCode::MemoryOutOfBounds),
        ("table", TrapCode::TableOutOfBounds),
        ("mismatch", TrapCode::IndirectCallTypeMismatch),
        ("uninit", TrapCode::UninitializedElement),
        ("recurse", TrapCode::StackOverflow),
    ];
    for (name, code) in cases {
        let f = instance.get_func(&store, name).unwrap();
        assert_eq!(trap_of(f.call(&mut store, &[], &mut [])), code, "{name}");
    }
    // The store stays usable after traps.
    let f = instance.get_func(&store, "unreachable").unwrap();
    assert_eq!(trap_of(f.call(&mut store, &[], &mut [])), TrapCode::Unreachable);
}

fn deep_recursion_on_a_small_host_stack_traps(tier: Tier) {
    // A thread with a small stack (half of it the reserve compiled code
    // leaves the host): recursion that outgrows it (the
    // interpreter's frames live on the heap, compiled frames on this stack,
    // bounded by its limit) ends in a stack-overflow trap, never a crash.
    let handle = std::thread::Builder::new()
        .stack_size(512 * 1024)
        .spawn(move || {
            let (mut store, instance) = instantiate(
                tier,
                r#"(module (func $f (export "f") (param i64) (result i64)
                    (if (result i64) (i64.eqz (local.get 0)) (then (i64.const 0))
                      (else (i64.add (i64.const 1) (call $f (i64.sub (local.get 0) (i64.const 1))))))))"#,
            );
            let f = instance.get_func(&store, "f").unwrap().typed::<_, i64, i64>(&store).unwrap();
            let ok = f.call(&mut store, 1_000).unwrap();
            let err = f.call(&mut store, 10_000_000).unwrap_err();
            (ok, err.trap().map(|t| t.code()))
        })
        .unwrap();
    let (ok, err) = handle.join().unwrap();
    assert_eq!(ok, 1_000);
    assert_eq!(err, Some(TrapCode::StackOverflow));
}

/// The interpreter counts frames; the compiling tiers are bounded by the
/// native stack instead (`Limits::max_call_depth` is the interpreter's).
#[test]
fn call_depth_limit_is_configurable() {
    let mut config = common::config(Tier::Interp);
    config.limits(engine::Limits { max_call_depth: 100, ..Default::default() });
    let engine = Engine::new(&config).unwrap();
    let module = Module::new(
        &engine,
        r#"(module (func $f (export "f") (param i32) (result i32)
            (if (result i32) (i32.eqz (local.get 0)) (then (i32.const 0))
              (else (call $f (i32.sub (local.get 0) (i32.const 1)))))))"#,
    )
    .unwrap();
    let mut store = Store::new(&engine, ());
    let instance = Linker::new(&engine).instantiate(&mut store, &module).unwrap();
    let f = instance.get_func(&store, "f").unwrap().typed::<_, i32, i32>(&store).unwrap();
    assert_eq!(f.call(&mut store, 98).unwrap(), 0);
    let err = f.call(&mut store, 100).unwrap_err();
    assert_eq!(err.trap().map(|t| t.code()), Some(TrapCode::StackOverflow));
}

fn host_reentry_depth_is_bounded(tier: Tier) {
    let engine = common::engine(tier);
    let mut store = Store::new(&engine, ());
    let mut linker = Linker::new(&engine);
    linker.func_wrap(&mut store, "host", "again", |mut caller: Caller<'_, ()>| {
        let f = caller.get_export("f").and_then(Extern::into_func).unwrap();
        f.call(&mut caller, &[], &mut []).map_err(|e| match e {
            Error::Trap(t) => t,
            other => Trap::host(other.to_string()),
        })
    });
    let module =
        Module::new(&engine, r#"(module (import "host" "again" (func $a)) (func (export "f") call $a))"#).unwrap();
    let instance = linker.instantiate(&mut store, &module).unwrap();
    let f = instance.get_func(&store, "f").unwrap();
    assert_eq!(trap_of(f.call(&mut store, &[], &mut [])), TrapCode::StackOverflow);
}

fn fuel_bounds_execution(tier: Tier) {
    let mut config = common::config(tier);
    config.consume_fuel(true);
    let engine = Engine::new(&config).unwrap();
    let module = Module::new(
        &engine,
        r#"(module
            (func (export "spin") (loop $l (br $l)))
            (func (export "count") (param i32) (result i32) (local i32)
                (block $done (loop $l
                    (br_if $done (i32.eqz (local.get 0)))
                    (local.set 0 (i32.sub (local.get 0) (i32.const 1)))
                    (local.set 1 (i32.add (local.get 1) (i32.const 1)))
                    (br $l)))
                (local.get 1)))"#,
    )
    .unwrap();
    let mut store = Store::new(&engine, ());
    let instance = Linker::new(&engine).instantiate(&mut store, &module).unwrap();
    store.set_fuel(10_000).unwrap();
    let spin = instance.get_func(&store, "spin").unwrap();
    assert_eq!(trap_of(spin.call(&mut store, &[], &mut [])), TrapCode::OutOfFuel);
    assert_eq!(store.get_fuel().unwrap(), 0);

    store.set_fuel(1_000_000).unwrap();
    let count = instance.get_func(&store, "count").unwrap().typed::<_, i32, i32>(&store).unwrap();
    assert_eq!(count.call(&mut store, 100).unwrap(), 100);
    let used_100 = 1_000_000 - store.get_fuel().unwrap();
    store.set_fuel(1_000_000).unwrap();
    count.call(&mut store, 200).unwrap();
    let used_200 = 1_000_000 - store.get_fuel().unwrap();
    // Fuel is proportional to the operators executed.
    assert!(used_200 > used_100 * 19 / 10 && used_200 < used_100 * 21 / 10, "{used_100} vs {used_200}");

    let unmetered = Store::new(&common::engine(tier), ());
    assert!(unmetered.get_fuel().is_err());
}

fn objects_from_another_store_are_refused(tier: Tier) {
    let engine = common::engine(tier);
    let module = Module::new(&engine, r#"(module (func (export "f")))"#).unwrap();
    let mut a = Store::new(&engine, ());
    let mut b = Store::new(&engine, ());
    let instance = Linker::new(&engine).instantiate(&mut a, &module).unwrap();
    let f = instance.get_func(&a, "f").unwrap();
    assert!(matches!(f.call(&mut b, &[], &mut []), Err(Error::Usage(_))));
}

fn start_function_runs_and_its_trap_fails_instantiation(tier: Tier) {
    let (store, instance) = instantiate(
        tier,
        r#"(module (global (export "g") (mut i32) (i32.const 0))
            (func $s (global.set 0 (i32.const 99))) (start $s))"#,
    );
    assert_eq!(instance.get_global(&store, "g").unwrap().get(&store).unwrap(), Val::I32(99));
    let engine = common::engine(tier);
    let module = Module::new(&engine, r#"(module (func $s unreachable) (start $s))"#).unwrap();
    let mut store = Store::new(&engine, ());
    match Linker::new(&engine).instantiate(&mut store, &module) {
        Err(Error::Trap(t)) => assert_eq!(t.code(), TrapCode::Unreachable),
        other => panic!("expected a trap, got {other:?}"),
    }
}

fn many_threads_run_wasm_at_once(tier: Tier) {
    let engine = common::engine(tier);
    let module = Module::new(
        &engine,
        r#"(module (memory 1)
            (func (export "sum") (param i32) (result i64) (local i64)
              (block $d (loop $l (br_if $d (i32.eqz (local.get 0)))
                (i32.store (i32.const 0) (local.get 0))
                (local.set 1 (i64.add (local.get 1) (i64.extend_i32_u (i32.load (i32.const 0)))))
                (local.set 0 (i32.sub (local.get 0) (i32.const 1))) (br $l)))
              (local.get 1))
            (func (export "oob") (drop (i32.load (i32.const 65535)))))"#,
    )
    .unwrap();
    std::thread::scope(|s| {
        for t in 0..8i64 {
            let (engine, module) = (engine.clone(), module.clone());
            s.spawn(move || {
                let mut store = Store::new(&engine, ());
                let instance = Linker::new(&engine).instantiate(&mut store, &module).unwrap();
                let sum = instance.get_func(&store, "sum").unwrap().typed::<_, i32, i64>(&store).unwrap();
                let oob = instance.get_func(&store, "oob").unwrap();
                for _ in 0..20 {
                    let n = 1000 + t;
                    assert_eq!(sum.call(&mut store, n as i32).unwrap(), n * (n + 1) / 2);
                    assert_eq!(trap_of(oob.call(&mut store, &[], &mut [])), TrapCode::MemoryOutOfBounds);
                }
            });
        }
    });
}

/// Executed-operator coverage counts the same operators, the same number
/// of times, on every tier (the fuel plan's regions), with fuel metering on
/// or off.
fn coverage_counts_the_operators_that_ran(tier: Tier) {
    for fuel in [false, true] {
        coverage_counts_with_fuel(tier, fuel);
    }
}

fn coverage_counts_with_fuel(tier: Tier, fuel: bool) {
    let mut config = common::config(tier);
    config.coverage(true).consume_fuel(fuel);
    let engine = Engine::new(&config).unwrap();
    let module = Module::new(
        &engine,
        r#"(module
            (func (export "count") (param i32) (result i32) (local i32)
                (block $done (loop $l
                    (br_if $done (i32.eqz (local.get 0)))
                    (local.set 0 (i32.sub (local.get 0) (i32.const 1)))
                    (local.set 1 (i32.add (local.get 1) (i32.const 2)))
                    (br $l)))
                (local.get 1))
            (func (export "never") (result i64) (i64.mul (i64.const 2) (i64.const 3))))"#,
    )
    .unwrap();
    let mut store = Store::new(&engine, ());
    if fuel {
        store.set_fuel(1_000_000).unwrap();
    }
    let instance = Linker::new(&engine).instantiate(&mut store, &module).unwrap();
    assert_eq!(module.executed_opcodes().unwrap().get("I32Add"), None);
    let count = instance.get_func(&store, "count").unwrap().typed::<_, i32, i32>(&store).unwrap();
    assert_eq!(count.call(&mut store, 10).unwrap(), 20);
    let executed = module.executed_opcodes().unwrap();
    assert_eq!(executed.get("I32Add"), Some(&10), "{tier}, fuel {fuel}");
    assert_eq!(executed.get("I32Eqz"), Some(&11));
    assert_eq!(executed.get("Loop"), Some(&1));
    assert_eq!(executed.get("I64Mul"), None, "an uncalled function's operators did not run");
    // Without coverage there is nothing to report.
    let plain = Module::new(&common::engine(tier), "(module)").unwrap();
    assert_eq!(plain.executed_opcodes(), None);
}

/// A `br_table` as big as a C `switch` of thousands of cases: every
/// selector reaches its own target (entries out of order and shared), a
/// selector past the end the default, with and without a value carried to
/// the target over operands left below it.
fn a_br_table_with_thousands_of_targets_reaches_each_one(tier: Tier) {
    const TARGETS: u32 = 2000;
    let target_of = |entry: u32| (entry * 7 + 3) % (TARGETS + 1);
    let entries: Vec<String> = (0..TARGETS).map(|e| target_of(e).to_string()).collect();
    let module = |carry: bool| {
        let result = if carry { "(result i32)" } else { "" };
        let mut wat = "(module (func (export \"dispatch\") (param i32) (result i32)\n".to_string();
        wat += &format!("(block {result}\n").repeat(TARGETS as usize + 1);
        if carry {
            // Left below the carried value: the branch must move it down.
            wat += "i32.const 5 i32.const 6 local.get 0 i32.const 3 i32.mul\n";
        }
        wat += &format!("local.get 0 br_table {} {TARGETS}\n", entries.join(" "));
        for target in 0..=TARGETS {
            let landed = if carry {
                format!("i32.const {} i32.add", 1000 + target)
            } else {
                format!("i32.const {}", 1000 + target)
            };
            wat += &format!(") {landed} return\n");
        }
        wat + "))"
    };
    for carry in [false, true] {
        let (mut store, instance) = instantiate(tier, &module(carry));
        let dispatch = instance.get_func(&store, "dispatch").unwrap().typed::<_, i32, i32>(&store).unwrap();
        for selector in (0..TARGETS + 3).chain([u32::MAX, 1 << 31]) {
            let target = if selector < TARGETS { target_of(selector) } else { TARGETS };
            let carried = if carry { (selector as i32).wrapping_mul(3) } else { 0 };
            let want = (1000 + target as i32).wrapping_add(carried);
            assert_eq!(
                dispatch.call(&mut store, selector as i32).unwrap(),
                want,
                "{tier}, carry {carry}, selector {selector}"
            );
        }
    }
}

/// Operand-stack values read from a local or a constant before the local
/// is written keep the value they were pushed with: across a `local.set`
/// and a `local.tee` of the same local, across a block and a loop that
/// write it, and when carried out of a block by a branch. (The interpreter
/// reads such operands where they live instead of copying them first.)
fn stack_values_keep_the_value_a_later_local_write_replaces(tier: Tier) {
    let wat = r#"(module
      (func (export "f") (param i32) (result i32)
        (local i32)
        local.get 0          ;; x
        local.get 0
        i32.const 10
        i32.add
        local.set 0          ;; param = x + 10
        local.get 0          ;; x + 10
        i32.const 100
        local.tee 0          ;; param = 100
        i32.add              ;; x + 10 + 100
        i32.add              ;; x + x + 110
        local.get 0          ;; 100
        block (result i32)
          i32.const 7
          local.set 0        ;; param = 7
          local.get 0
          br 0
        end                  ;; 7
        i32.add              ;; 107
        loop (param i32) (result i32)
          local.get 1
          i32.const 1
          i32.add
          local.tee 1
          i32.const 3
          i32.lt_u
          br_if 0            ;; carries 107 back to the loop
        end                  ;; 107
        local.get 1          ;; the loop ran 3 times
        i32.add
        i32.add
        local.get 0          ;; 7
        i32.add))"#;
    let (mut store, instance) = instantiate(tier, wat);
    let f = instance.get_func(&store, "f").unwrap().typed::<_, i32, i32>(&store).unwrap();
    for x in [0, 1, -5, i32::MAX] {
        // (x + (x + 10) + 100) + (107 + 3) + 7
        let want = x.wrapping_add(x).wrapping_add(110 + 107 + 3 + 7);
        assert_eq!(f.call(&mut store, x).unwrap(), want, "x = {x} on {tier:?}");
    }
}

/// A module's compiled code has a size, which grows with its functions.
fn code_size_counts_the_compiled_functions(tier: Tier) {
    let engine = common::engine(tier);
    let function = "(func (param i32) (result i32) local.get 0 i32.const 3 i32.mul i32.const 1 i32.add)";
    let size = |count: usize| {
        Module::new(&engine, format!("(module {})", function.repeat(count))).expect("module compiles").code_size()
    };
    let (one, ten) = (size(1), size(10));
    assert!(one > 0, "{tier:?}");
    assert!(ten > one * 3, "{tier:?}: {one} bytes for one function, {ten} for ten");
}

/// An address computed by `i32.add` wraps at 2^32 before the access adds
/// its offset: `-4 + 8` reads byte 4, while an offset past the end traps
/// (the interpreter fuses such an add into its loads and stores).
fn an_added_address_wraps_before_the_access(tier: Tier) {
    let wat = r#"(module (memory 1)
      (func (export "load") (param i32 i32) (result i32) (i32.load (i32.add (local.get 0) (local.get 1))))
      (func (export "load64") (param i32 i32) (result i64) (i64.load (i32.add (local.get 0) (local.get 1))))
      (func (export "byte") (param i32 i32) (result i32) (i32.load8_u (i32.add (local.get 0) (local.get 1))))
      (func (export "store") (param i32 i32)
        (i32.store (i32.add (local.get 0) (local.get 1)) (i32.const 0x11223344))
        (i64.store (i32.add (local.get 0) (i32.const 100)) (i64.const 0x5566778899aabbcc))
        (i32.store8 (i32.add (local.get 1) (local.get 0)) (i32.const 0x7f)))
      (func (export "load_offset") (param i32 i32) (result i32)
        (i32.load offset=65536 (i32.add (local.get 0) (local.get 1)))))"#;
    let (mut store, instance) = instantiate(tier, wat);
    let func = |store: &Store<()>, name: &str| instance.get_func(store, name).unwrap();
    let store_fn = func(&store, "store").typed::<_, (i32, i32), ()>(&store).unwrap();
    store_fn.call(&mut store, (-4, 8)).unwrap();
    let load = func(&store, "load").typed::<_, (i32, i32), i32>(&store).unwrap();
    // The store8 at -4 + 8 = 4 overwrote the first byte of the i32 at 4.
    assert_eq!(load.call(&mut store, (8, -4)).unwrap(), 0x1122337f, "{tier:?}");
    let load64 = func(&store, "load64").typed::<_, (i32, i32), i64>(&store).unwrap();
    assert_eq!(load64.call(&mut store, (-100, 196)).unwrap(), 0x5566778899aabbcc, "{tier:?}");
    let byte = func(&store, "byte").typed::<_, (i32, i32), i32>(&store).unwrap();
    assert_eq!(byte.call(&mut store, (i32::MAX, i32::MIN + 6)).unwrap(), 0x33, "{tier:?}");
    assert_eq!(trap_of(load.call(&mut store, (65533, 0)).map(drop)), TrapCode::MemoryOutOfBounds, "{tier:?}");
    let load_offset = func(&store, "load_offset").typed::<_, (i32, i32), i32>(&store).unwrap();
    assert_eq!(trap_of(load_offset.call(&mut store, (-4, 8)).map(drop)), TrapCode::MemoryOutOfBounds, "{tier:?}");
}

/// A store whose address adds a computed value, in a function whose
/// constants fill the interpreter's frame slots, writes where the address
/// says: the stored constant, materialised into the slot the address's
/// operand occupied, must not be written before the address is read. (The
/// sightglass program pulldown-cmark trapped on this when the interpreter
/// first fused address adds into stores.)
fn a_fused_store_reads_its_address_before_its_constant_value_lands(tier: Tier) {
    let sum_of_constants: String = (0..70).map(|k| format!("i32.const {} i32.add\n", 1000 + k)).collect();
    let wat = format!(
        r#"(module (memory 1)
      (func (export "f") (param i32 i32 i32) (result i32)
        (local i32)
        i32.const 0
        {sum_of_constants}
        local.set 3
        (i32.store (i32.add (local.get 0) (i32.mul (local.get 1) (local.get 2))) (i32.const 987654321))
        (i32.add (local.get 3) (i32.load (i32.add (local.get 0) (i32.mul (local.get 1) (local.get 2)))))))"#
    );
    let (mut store, instance) = instantiate(tier, &wat);
    let f = instance.get_func(&store, "f").unwrap().typed::<_, (i32, i32, i32), i32>(&store).unwrap();
    let sum: i32 = (0..70).map(|k| 1000 + k).sum();
    assert_eq!(f.call(&mut store, (8, 4, 10)).unwrap(), sum + 987654321, "{tier:?}");
}

/// A load or store whose address is an `i32.add` computed a few
/// instructions earlier adds the operands the add read: where an operand is
/// written in between (here by the stored value's `local.tee`, or a value
/// loaded in between), the access uses the address computed before.
fn an_address_add_some_instructions_back_keeps_the_operands_it_read(tier: Tier) {
    let (mut store, instance) = instantiate(
        tier,
        r#"(module (memory 1)
          (func (export "store_after_tee") (param i32 i32) (result i32)
            (i64.store16 (i32.add (local.get 0) (i32.const 16))
              (i64.extend_i32_u (i32.mul (local.tee 0 (local.get 1)) (i32.const 3))))
            (i32.add (i32.mul (i32.load16_u (i32.const 16)) (i32.const 1000))
              (i32.load16_u (i32.add (local.get 1) (i32.const 16)))))
          (func (export "store_computed") (param i32 i32) (result i32)
            (i32.store16 (i32.add (local.get 0) (i32.const 32))
              (i32.xor (i32.shl (local.get 1) (i32.const 4)) (local.get 1)))
            (i32.load16_s (i32.add (local.get 0) (i32.const 32)))))"#,
    );
    let after_tee = instance.get_func(&store, "store_after_tee").unwrap().typed::<_, (i32, i32), i32>(&store).unwrap();
    // The value 3 * 100 lands at 0 + 16; nothing at 100 + 16.
    assert_eq!(after_tee.call(&mut store, (0, 100)).unwrap(), 300 * 1000, "{tier:?}");
    let computed = instance.get_func(&store, "store_computed").unwrap().typed::<_, (i32, i32), i32>(&store).unwrap();
    assert_eq!(computed.call(&mut store, (4, 0x0fff)).unwrap(), ((0x0fff << 4) ^ 0x0fff) as i16 as i32, "{tier:?}");
}

/// Values the interpreter keeps in its accumulator reach every kind of
/// consumer intact: the next operator as either operand (a non-commutative
/// one too), a `local.tee`, a store with and without a fused address, a
/// call argument, `select`, a branch's carried value and a comparison.
fn chained_values_reach_every_kind_of_consumer(tier: Tier) {
    let (mut store, instance) = instantiate(
        tier,
        r#"(module (memory 1)
          (func $id (param i64) (result i64) (local.get 0))
          (func (export "f") (param $x i64) (param $y i64) (result i64) (local $t i64)
            ;; a chain with the accumulator as either operand
            (local.tee $t (i64.xor (i64.sub (local.get $y) (i64.mul (local.get $x) (i64.const 3)))
              (i64.shl (local.get $x) (i64.and (local.get $y) (i64.const 7)))))
            drop
            ;; stored through a computed address, read back and used at once
            (i64.store (i32.add (i32.wrap_i64 (i64.and (local.get $x) (i64.const 0xff))) (i32.const 64))
              (i64.add (local.get $t) (local.get $y)))
            (i64.load (i32.add (i32.wrap_i64 (i64.and (local.get $x) (i64.const 0xff))) (i32.const 64)))
            (i64.add (local.get $t))
            (call $id)
            (i64.mul (i64.const 5))
            (block (result i64)
              (i64.add (local.get $y) (i64.const 11))
              (br_if 0 (i64.lt_s (local.get $x) (i64.const 0)))
              (i64.sub (i64.const 1000)))
            (select (i64.sub (local.get $x) (local.get $y)) (i64.add (local.get $x) (local.get $y))
              (i64.gt_u (i64.add (local.get $x) (i64.const 1)) (local.get $y)))
            i64.add
            i64.add))"#,
    );
    let f = instance.get_func(&store, "f").unwrap().typed::<_, (i64, i64), i64>(&store).unwrap();
    let expected = |x: i64, y: i64| {
        let t = y.wrapping_sub(x.wrapping_mul(3)) ^ x.wrapping_shl((y & 7) as u32);
        let called = t.wrapping_add(y).wrapping_add(t).wrapping_mul(5);
        let block = if x < 0 { y.wrapping_add(11) } else { y.wrapping_add(11).wrapping_sub(1000) };
        let selected = if (x.wrapping_add(1) as u64) > y as u64 { x.wrapping_sub(y) } else { x.wrapping_add(y) };
        called.wrapping_add(block.wrapping_add(selected))
    };
    for (x, y) in [(7, 100), (-3, 5), (i64::MAX, i64::MIN), (0x1234_5678_9abc, -1), (255, 255)] {
        assert_eq!(f.call(&mut store, (x, y)).unwrap(), expected(x, y), "{tier:?} f({x}, {y})");
    }
}

/// A loop counter stepped just before the branch that tests it (which the
/// interpreter fuses into one instruction), and a copy just before a jump:
/// the step wraps at 32 bits, the counter keeps exactly its i32 value, and
/// each form of the test (`br_if`, `i32.eqz`, `if`) branches the right way.
fn steps_and_copies_before_branches_keep_their_values(tier: Tier) {
    let (mut store, instance) = instantiate(
        tier,
        r#"(module
            (func (export "steps_until_zero") (param $x i32) (param $step i32) (result i32)
                (local $n i32)
                (loop $again
                    (local.set $n (i32.add (local.get $n) (i32.const 1)))
                    (br_if $again (local.tee $x (i32.add (local.get $x) (local.get $step)))))
                (local.get $n))
            (func (export "steps_while_zero") (param $x i32) (param $step i32) (result i64)
                (local $n i32)
                (block $done
                    (loop $again
                        (local.set $n (i32.add (local.get $n) (i32.const 1)))
                        (br_if $done (i32.eqz (local.tee $x (i32.add (local.get $x) (local.get $step)))))
                        (br_if $done (i32.ge_u (local.get $n) (i32.const 100)))
                        (br $again)))
                (i64.or (i64.shl (i64.extend_i32_u (local.get $n)) (i64.const 32)) (i64.extend_i32_u (local.get $x))))
            (func (export "step_then_if") (param $x i32) (param $step i32) (result i64)
                (i64.add
                    (if (result i64) (local.tee $x (i32.add (local.get $step) (local.get $x)))
                        (then (i64.const 1)) (else (i64.const 2)))
                    (i64.shl (i64.extend_i32_u (local.get $x)) (i64.const 8))))
            (func (export "steps_below_bound") (param $x i64) (param $step i64) (param $bound i64) (result i64)
                (local $n i64)
                (loop $again
                    (local.set $n (i64.add (local.get $n) (i64.const 1)))
                    (br_if $again (i64.le_u (local.tee $x (i64.add (local.get $x) (local.get $step))) (local.get $bound))))
                (i64.add (i64.mul (local.get $n) (i64.const 1000)) (local.get $x)))
            (func (export "step_then_compare_in_if") (param $x i32) (result i32)
                (i32.add
                    (if (result i32) (i32.lt_s (local.tee $x (i32.add (i32.const 7) (local.get $x))) (i32.const 100))
                        (then (i32.const 1)) (else (i32.const 2)))
                    (i32.mul (local.get $x) (i32.const 10))))
            (func (export "fib") (param $n i32) (result i64)
                (local $a i64) (local $b i64) (local $t i64)
                (local.set $b (i64.const 1))
                (block $done
                    (loop $again
                        (br_if $done (i32.eqz (local.get $n)))
                        (local.set $n (i32.sub (local.get $n) (i32.const 1)))
                        (local.set $t (i64.add (local.get $a) (local.get $b)))
                        (local.set $a (local.get $b))
                        (local.set $b (local.get $t))
                        (br $again)))
                (local.get $a)))"#,
    );
    let until_zero =
        instance.get_func(&store, "steps_until_zero").unwrap().typed::<_, (i32, i32), i32>(&store).unwrap();
    assert_eq!(until_zero.call(&mut store, (5, -1)).unwrap(), 5, "{tier:?}");
    assert_eq!(until_zero.call(&mut store, (0x4000_0000, 0x4000_0000)).unwrap(), 3, "{tier:?}: wraps at 2^32");
    assert_eq!(until_zero.call(&mut store, (-6, 3)).unwrap(), 2, "{tier:?}");
    let while_zero =
        instance.get_func(&store, "steps_while_zero").unwrap().typed::<_, (i32, i32), i64>(&store).unwrap();
    assert_eq!(while_zero.call(&mut store, (-2, 1)).unwrap(), 2 << 32, "{tier:?}: stops at zero");
    assert_eq!(while_zero.call(&mut store, (i32::MIN, i32::MIN)).unwrap(), 1 << 32, "{tier:?}: wraps to zero");
    assert_eq!(while_zero.call(&mut store, (1, 1)).unwrap(), (100 << 32) | 101, "{tier:?}: never zero");
    let step_if = instance.get_func(&store, "step_then_if").unwrap().typed::<_, (i32, i32), i64>(&store).unwrap();
    assert_eq!(step_if.call(&mut store, (-1, 1)).unwrap(), 2, "{tier:?}");
    assert_eq!(step_if.call(&mut store, (-1, 2)).unwrap(), (1 << 8) | 1, "{tier:?}");
    assert_eq!(step_if.call(&mut store, (-1, -1)).unwrap(), (0xffff_fffe << 8) | 1, "{tier:?}");
    let below =
        instance.get_func(&store, "steps_below_bound").unwrap().typed::<_, (i64, i64, i64), i64>(&store).unwrap();
    assert_eq!(below.call(&mut store, (0, 3, 10)).unwrap(), 4012, "{tier:?}");
    assert_eq!(below.call(&mut store, (-2, 2, 5)).unwrap(), 4006, "{tier:?}: wraps at 2^64, unsigned");
    assert_eq!(below.call(&mut store, (0, 5, 5)).unwrap(), 2010, "{tier:?}: the bound itself continues");
    let step_compare_if =
        instance.get_func(&store, "step_then_compare_in_if").unwrap().typed::<_, i32, i32>(&store).unwrap();
    assert_eq!(step_compare_if.call(&mut store, 92).unwrap(), 991, "{tier:?}");
    assert_eq!(step_compare_if.call(&mut store, 93).unwrap(), 1002, "{tier:?}");
    let wrapped = (i32::MAX - 3).wrapping_add(7);
    assert_eq!(step_compare_if.call(&mut store, i32::MAX - 3).unwrap(), wrapped.wrapping_mul(10) + 1, "{tier:?}");
    let fib = instance.get_func(&store, "fib").unwrap().typed::<_, i32, i64>(&store).unwrap();
    let expected = |n: u32| (0..n).fold((0i64, 1i64), |(a, b), _| (b, a.wrapping_add(b))).0;
    for n in [0, 1, 2, 10, 90, 200] {
        assert_eq!(fib.call(&mut store, n as i32).unwrap(), expected(n), "{tier:?} fib({n})");
    }
}

/// A `br_table` whose index is a local or a constant (which the
/// interpreter reads where it lives) and which carries a value.
fn br_table_indices_from_locals_and_constants_carry_values(tier: Tier) {
    let (mut store, instance) = instantiate(
        tier,
        r#"(module
            (func (export "by_local") (param $state i32) (param $x i32) (result i32)
                (block $b2 (result i32)
                    (block $b1 (result i32)
                        (block $b0 (result i32)
                            (local.get $x)
                            (local.get $state)
                            (br_table $b0 $b1 $b2))
                        (i32.add (i32.const 100))
                        (return))
                    (i32.add (i32.const 200))
                    (return))
                (i32.add (i32.const 300)))
            (func (export "by_constant") (param $x i32) (result i32)
                (block $b1 (result i32)
                    (block $b0 (result i32)
                        (i32.mul (local.get $x) (i32.const 3))
                        (i32.const 1)
                        (br_table $b0 $b1))
                    (return))
                (i32.add (i32.const 1))))"#,
    );
    let by_local = instance.get_func(&store, "by_local").unwrap().typed::<_, (i32, i32), i32>(&store).unwrap();
    for (state, expected) in [(0, 105), (1, 205), (2, 305), (3, 305), (-1, 305)] {
        assert_eq!(by_local.call(&mut store, (state, 5)).unwrap(), expected, "{tier:?} state {state}");
    }
    let by_constant = instance.get_func(&store, "by_constant").unwrap().typed::<_, i32, i32>(&store).unwrap();
    assert_eq!(by_constant.call(&mut store, 7).unwrap(), 22, "{tier:?}");
}

/// A local written and read right back (`local.set` then `local.get`, and
/// `local.tee`), with more locals than registers so most live in slots
/// (the baseline tier keeps the stored value's register for the read):
/// the read sees the new value, a later write does not change what was
/// read, and deep expressions after the read (evicting registers) keep it.
fn a_local_read_right_after_its_write_keeps_the_value(tier: Tier) {
    let (mut store, instance) = instantiate(
        tier,
        r#"(module
            (func (export "mix") (param $seed i32) (result i64)
                (local $a i32) (local $b i32) (local $c i32) (local $d i32)
                (local $e i32) (local $f i32) (local $g i64) (local $h i64)
                (local $x f64) (local $y f32)
                (local $p i32) (local $q i32) (local $r i32) (local $s i32)
                ;; Used most (in a loop): these four take the registers
                ;; locals may live in, the rest live in slots.
                (loop $warm
                    (local.set $p (i32.add (local.get $p) (i32.const 1)))
                    (local.set $q (i32.add (local.get $q) (local.get $p)))
                    (local.set $r (i32.add (local.get $r) (local.get $q)))
                    (local.set $s (i32.add (local.get $s) (i32.add (local.get $r) (local.get $s))))
                    (br_if $warm (i32.lt_u (local.get $p) (i32.const 3))))
                (local.set $a (i32.mul (local.get $seed) (i32.const 3)))
                (local.set $b (i32.add (local.get $a) (i32.const 1)))
                (local.set $c (i32.xor (local.get $b) (local.get $a)))
                (local.set $d (i32.rotl (local.get $c) (i32.const 7)))
                ;; A write followed by a read of another local.
                (local.set $c (i32.add (local.get $c) (i32.const 5)))
                (local.set $d (i32.sub (local.get $b) (local.get $d)))
                (local.set $e (local.tee $f (i32.sub (local.get $d) (local.get $seed))))
                (local.set $g (i64.extend_i32_u (local.get $e)))
                (local.set $h (i64.mul (local.get $g) (i64.const 0x100000001)))
                (local.set $x (f64.convert_i64_u (local.get $h)))
                (local.set $y (f32.demote_f64 (f64.sqrt (local.get $x))))
                ;; The value read back, then the local overwritten: the read keeps the old value.
                (local.set $a (i32.add (local.get $a) (local.get $b)))
                (local.get $a)
                (local.set $a (i32.const 0))
                (i64.extend_i32_u)
                ;; A read held across an expression deep enough to need every register.
                (local.set $b (i32.mul (local.get $b) (local.get $b)))
                (local.get $b)
                (i32.add (i32.add (i32.add (local.get $c) (local.get $d)) (i32.add (local.get $e) (local.get $f)))
                         (i32.add (i32.add (local.get $c) (local.get $e)) (i32.add (local.get $d) (local.get $f))))
                (i32.xor)
                (i64.extend_i32_u)
                (i64.add)
                (i64.add (local.get $h))
                (i64.add (i64.trunc_f32_u (local.get $y)))
                (i64.add (i64.extend_i32_u (local.get $a)))
                (i64.add (i64.extend_i32_u (local.get $s)))))"#,
    );
    let mix = instance.get_func(&store, "mix").unwrap().typed::<_, i32, i64>(&store).unwrap();
    // The same computation in Rust.
    let expected = |seed: i32| -> i64 {
        let a = seed.wrapping_mul(3);
        let b = a.wrapping_add(1);
        let c = b ^ a;
        let d = c.rotate_left(7);
        let c = c.wrapping_add(5);
        let d = b.wrapping_sub(d);
        let f = d.wrapping_sub(seed);
        let e = f;
        let g = u64::from(e as u32);
        let h = g.wrapping_mul(0x1_0000_0001);
        let x = h as f64;
        let y = x.sqrt() as f32;
        let first = a.wrapping_add(b);
        let b2 = b.wrapping_mul(b);
        let sum = c
            .wrapping_add(d)
            .wrapping_add(e.wrapping_add(f))
            .wrapping_add(c.wrapping_add(e).wrapping_add(d.wrapping_add(f)));
        let second = u64::from((b2 ^ sum) as u32);
        // The warm-up loop leaves 22 in $s.
        let total = u64::from(first as u32).wrapping_add(second).wrapping_add(h).wrapping_add(y as u64) + 22;
        total as i64
    };
    for seed in [0, 1, 7, -1, 0x1234_5678, i32::MIN] {
        assert_eq!(mix.call(&mut store, seed).unwrap(), expected(seed), "{tier:?} seed {seed}");
    }
}

/// Addresses wrapped from i64 values whose high half is set (C indexing
/// with a 64-bit index; the interpreter reads the i64 where the access
/// truncates it anyway): a plain address, an address added to a base, a
/// store, and a wrapped value also kept in a local, which must stay the
/// wrapped i32.
fn addresses_wrapped_from_i64_use_their_low_half(tier: Tier) {
    let (mut store, instance) = instantiate(
        tier,
        r#"(module
            (memory 1)
            (data (i32.const 0) "\00\01\02\03\04\05\06\07\08\09")
            (func (export "plain") (param $j i64) (result i32)
                (i32.load8_u (i32.wrap_i64 (local.get $j))))
            (func (export "based") (param $j i64) (param $base i32) (result i32)
                (i32.load8_u (i32.add (i32.wrap_i64 (local.get $j)) (local.get $base))))
            (func (export "store_then_load") (param $j i64) (param $v i32) (result i32)
                (i32.store8 (i32.wrap_i64 (local.get $j)) (local.get $v))
                (i32.load8_u (i32.wrap_i64 (local.get $j))))
            (func (export "kept") (param $j i64) (result i64)
                (local $w i32)
                (drop (i32.load8_u (local.tee $w (i32.wrap_i64 (local.get $j)))))
                (i64.extend_i32_u (local.get $w))))"#,
    );
    let high = 0x7fff_ffff_0000_0000_i64;
    let plain = instance.get_func(&store, "plain").unwrap().typed::<_, i64, i32>(&store).unwrap();
    assert_eq!(plain.call(&mut store, high + 7).unwrap(), 7, "{tier:?}");
    let based = instance.get_func(&store, "based").unwrap().typed::<_, (i64, i32), i32>(&store).unwrap();
    assert_eq!(based.call(&mut store, (high + 2, 6)).unwrap(), 8, "{tier:?}");
    let store_then_load =
        instance.get_func(&store, "store_then_load").unwrap().typed::<_, (i64, i32), i32>(&store).unwrap();
    assert_eq!(store_then_load.call(&mut store, (-1 << 32 | 100, 42)).unwrap(), 42, "{tier:?}");
    assert_eq!(plain.call(&mut store, 100).unwrap(), 42, "{tier:?} the store went to the low half's address");
    let kept = instance.get_func(&store, "kept").unwrap().typed::<_, i64, i64>(&store).unwrap();
    assert_eq!(kept.call(&mut store, high + 3).unwrap(), 3, "{tier:?}");
}

/// Every consumer that reads an i32 as its low 32 bits (a `call_indirect`
/// or `br_table` index, an `if`, `br_if` or `select` condition) reads the
/// low half of an i64 wrapped just before it, never the whole i64.
fn wrapped_indices_and_conditions_use_their_low_half(tier: Tier) {
    let (mut store, instance) = instantiate(
        tier,
        r#"(module
            (type $t (func (result i32)))
            (table 2 funcref)
            (elem (i32.const 0) $ten $eleven)
            (func $ten (result i32) (i32.const 10))
            (func $eleven (result i32) (i32.const 11))
            (func (export "indirect") (param $j i64) (result i32)
                (call_indirect (type $t) (i32.wrap_i64 (local.get $j))))
            (func (export "table") (param $j i64) (result i32)
                (block $zero (block $one (br_table $zero $one (i32.wrap_i64 (local.get $j))))
                  (return (i32.const 21)))
                (i32.const 20))
            (func (export "if") (param $j i64) (result i32)
                (if (result i32) (i32.wrap_i64 (local.get $j)) (then (i32.const 31)) (else (i32.const 30))))
            (func (export "br_if") (param $j i64) (result i32)
                (block $taken (result i32) (br_if $taken (i32.const 41) (i32.wrap_i64 (local.get $j))) (drop) (i32.const 40)))
            (func (export "select") (param $j i64) (result i32)
                (select (i32.const 51) (i32.const 50) (i32.wrap_i64 (local.get $j)))))"#,
    );
    let high = 0x0000_0001_0000_0000_i64;
    for (name, base) in [("indirect", 10), ("table", 20), ("if", 30), ("br_if", 40), ("select", 50)] {
        let f = instance.get_func(&store, name).unwrap().typed::<_, i64, i32>(&store).unwrap();
        assert_eq!(f.call(&mut store, high).unwrap(), base, "{tier:?} {name}: the low half is 0");
        assert_eq!(f.call(&mut store, high | 1).unwrap(), base + 1, "{tier:?} {name}: the low half is 1");
    }
    let indirect = instance.get_func(&store, "indirect").unwrap();
    assert_eq!(
        trap_of(indirect.call(&mut store, &[Val::I64(high | 2)], &mut [Val::I32(0)])),
        TrapCode::TableOutOfBounds
    );
}

/// `call_indirect` calls what its table holds now: after the element is
/// replaced (by the module or through an importing instance), set to null
/// or to a function of another type, and when elements 256 apart take
/// turns; an element is checked against the type of each call site, and a
/// function of another instance runs in its instance.
fn call_indirect_follows_every_change_of_its_table(tier: Tier) {
    let engine = common::engine(tier);
    let mut store = Store::new(&engine, ());
    let owner = Module::new(
        &engine,
        r#"(module
            (type $t (func (result i32)))
            (type $u (func (param i32) (result i32)))
            (table (export "table") 300 funcref)
            (func $one (result i32) (i32.const 1))
            (func $two (result i32) (i32.const 2))
            (func $other (param i32) (result i32) (local.get 0))
            (elem declare func $one $two $other)
            (func (export "call") (param i32) (result i32) (call_indirect (type $t) (local.get 0)))
            (func (export "call_u") (param i32) (result i32) (call_indirect (type $u) (i32.const 5) (local.get 0)))
            (func (export "set") (param $at i32) (param $which i32)
                (table.set (local.get $at)
                  (if (result funcref) (i32.eq (local.get $which) (i32.const 1)) (then (ref.func $one))
                    (else (if (result funcref) (i32.eq (local.get $which) (i32.const 2)) (then (ref.func $two))
                      (else (if (result funcref) (i32.eq (local.get $which) (i32.const 3))
                        (then (ref.func $other)) (else (ref.null func))))))))))"#,
    )
    .unwrap();
    let owner = Linker::new(&engine).instantiate(&mut store, &owner).unwrap();
    let table = owner.get_table(&store, "table").unwrap();
    let mut linker = Linker::new(&engine);
    linker.define("owner", "table", table);
    let guest = Module::new(
        &engine,
        r#"(module
            (type $t (func (result i32)))
            (import "owner" "table" (table 300 funcref))
            (func $seven (result i32) (i32.const 7))
            (elem declare func $seven)
            (func (export "install") (param $at i32) (table.set (local.get $at) (ref.func $seven)))
            (func (export "call") (param i32) (result i32) (call_indirect (type $t) (local.get 0))))"#,
    )
    .unwrap();
    let guest = linker.instantiate(&mut store, &guest).unwrap();
    let func = |instance: &engine::Instance, store: &Store<()>, name: &str| instance.get_func(store, name).unwrap();
    let (call, call_u, set) =
        (func(&owner, &store, "call"), func(&owner, &store, "call_u"), func(&owner, &store, "set"));
    let (install, guest_call) = (func(&guest, &store, "install"), func(&guest, &store, "call"));
    let run = |store: &mut Store<()>, f: Func, args: &[Val]| -> Result<i32, TrapCode> {
        let mut out = [Val::I32(0)];
        match f.call(store, args, &mut out) {
            Ok(()) => Ok(out[0].i32().unwrap()),
            Err(e) => Err(trap_of(Err(e))),
        }
    };
    let set_to = |store: &mut Store<()>, at: i32, which: i32| {
        set.call(store, &[Val::I32(at), Val::I32(which)], &mut []).unwrap();
    };

    set_to(&mut store, 0, 1);
    assert_eq!(run(&mut store, call, &[Val::I32(0)]), Ok(1), "{tier:?}");
    set_to(&mut store, 0, 2);
    assert_eq!(run(&mut store, call, &[Val::I32(0)]), Ok(2), "{tier:?} after table.set");
    set_to(&mut store, 256, 1);
    assert_eq!(run(&mut store, call, &[Val::I32(256)]), Ok(1), "{tier:?} element 256");
    assert_eq!(run(&mut store, call, &[Val::I32(0)]), Ok(2), "{tier:?} element 0 after 256");
    assert_eq!(run(&mut store, call_u, &[Val::I32(0)]), Err(TrapCode::IndirectCallTypeMismatch), "{tier:?}");
    set_to(&mut store, 0, 3);
    assert_eq!(run(&mut store, call, &[Val::I32(0)]), Err(TrapCode::IndirectCallTypeMismatch), "{tier:?}");
    assert_eq!(run(&mut store, call_u, &[Val::I32(0)]), Ok(5), "{tier:?}");
    set_to(&mut store, 0, 0);
    assert_eq!(run(&mut store, call, &[Val::I32(0)]), Err(TrapCode::UninitializedElement), "{tier:?}");
    assert_eq!(run(&mut store, call, &[Val::I32(300)]), Err(TrapCode::TableOutOfBounds), "{tier:?}");
    assert_eq!(run(&mut store, call, &[Val::I32(44)]), Err(TrapCode::UninitializedElement), "{tier:?}");

    install.call(&mut store, &[Val::I32(1)], &mut []).unwrap();
    assert_eq!(run(&mut store, guest_call, &[Val::I32(1)]), Ok(7), "{tier:?} the guest's own function");
    assert_eq!(run(&mut store, call, &[Val::I32(1)]), Ok(7), "{tier:?} another instance's function");
    set_to(&mut store, 1, 2);
    assert_eq!(run(&mut store, guest_call, &[Val::I32(1)]), Ok(2), "{tier:?} the owner's function from the guest");
    assert_eq!(run(&mut store, call, &[Val::I32(1)]), Ok(2), "{tier:?}");
    install.call(&mut store, &[Val::I32(1)], &mut []).unwrap();
    assert_eq!(run(&mut store, call, &[Val::I32(1)]), Ok(7), "{tier:?} replaced from the guest");
}

fn memory_grown_by_a_callee_is_seen_by_the_caller(tier: Tier) {
    common::growth_by_a_callee_is_seen_by_the_caller(&common::config(tier));
}

on_every_tier!(
    coverage_counts_the_operators_that_ran,
    addresses_wrapped_from_i64_use_their_low_half,
    wrapped_indices_and_conditions_use_their_low_half,
    call_indirect_follows_every_change_of_its_table,
    a_local_read_right_after_its_write_keeps_the_value,
    memory_grown_by_a_callee_is_seen_by_the_caller,
    typed_calls_return_results,
    untyped_calls_check_arity_and_types,
    host_functions_see_store_data_and_caller_memory,
    host_errors_become_host_traps_and_reentry_works,
    instances_link_memories_tables_globals_and_functions,
    memory_api_reads_writes_and_grows_within_limits,
    memory_grow_past_the_limit_returns_minus_one_quickly,
    tables_and_globals_through_the_api,
    every_trap_code_a_tier_raises,
    deep_recursion_on_a_small_host_stack_traps,
    host_reentry_depth_is_bounded,
    fuel_bounds_execution,
    objects_from_another_store_are_refused,
    start_function_runs_and_its_trap_fails_instantiation,
    many_threads_run_wasm_at_once,
    a_br_table_with_thousands_of_targets_reaches_each_one,
    stack_values_keep_the_value_a_later_local_write_replaces,
    code_size_counts_the_compiled_functions,
    an_added_address_wraps_before_the_access,
    a_fused_store_reads_its_address_before_its_constant_value_lands,
    an_address_add_some_instructions_back_keeps_the_operands_it_read,
    chained_values_reach_every_kind_of_consumer,
    steps_and_copies_before_branches_keep_their_values,
    br_table_indices_from_locals_and_constants_carry_values,
);

/// A v128 crosses the API in two words (low first): through a host
/// function's parameters and results and a global, intact.
#[test]
fn v128_values_cross_host_calls_and_globals_intact() {
    let engine = Engine::default();
    let mut store = Store::new(&engine, ());
    let ty = FuncType::new([ValType::I32, ValType::V128, ValType::I64], [ValType::V128, ValType::I32]);
    let swap = Func::new(&mut store, ty, |_, params, results| {
        let v = params[1].v128().expect("a v128 argument");
        results[0] = Val::V128(v.rotate_left(64) ^ params[2].i64().unwrap() as u64 as u128);
        results[1] = Val::I32(params[0].i32().unwrap() + 1);
        Ok(())
    });
    let v = 0x0011_2233_4455_6677_8899_aabb_ccdd_eeffu128;
    let mut results = [Val::I32(0), Val::I32(0)];
    swap.call(&mut store, &[Val::I32(41), Val::V128(v), Val::I64(0x0f)], &mut results).unwrap();
    assert_eq!(results, [Val::V128(v.rotate_left(64) ^ 0x0f), Val::I32(42)]);

    let global = Global::new(&mut store, GlobalType { content: ValType::V128, mutable: true }, Val::V128(v)).unwrap();
    assert_eq!(global.get(&store).unwrap(), Val::V128(v));
    global.set(&mut store, Val::V128(!v)).unwrap();
    assert_eq!(global.get(&store).unwrap(), Val::V128(!v));
    assert_eq!(Val::default_for(ValType::V128), Val::V128(0));
}
