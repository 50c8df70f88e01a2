//! The Cranelift tier through the public API: globals and memory, bounds
//! checks at every offset near the end of memory, after growth, and on many
//! threads at once; host functions (direct, indirect, several results,
//! errors, re-entry, panics); fuel charged as on the interpreter.

use engine::{BoundsChecks, Config, Engine, Linker, Module, Store, Tier, TrapCode, Val};

mod common;
use common::call;

fn engine() -> Engine {
    engine_with(BoundsChecks::default())
}

fn engine_with(checks: BoundsChecks) -> Engine {
    let mut config = Config::new();
    config.tier(Tier::Cranelift).bounds_checks(checks);
    Engine::new(&config).expect("the cranelift tier is usable")
}

/// Memory tests run with the guard regions and signal handler, and with
/// explicit checks.
const BOUNDS_CHECKS: [BoundsChecks; 2] = [BoundsChecks::GuardPages, BoundsChecks::Explicit];

const MEMORY: &str = r#"(module
  (memory (export "mem") 1 4)
  (global $count (export "count") (mut i64) (i64.const 0))
  (func (export "load8") (param i32) (result i32) (i32.load8_u (local.get 0)))
  (func (export "load32") (param i32) (result i32) (i32.load offset=0 (local.get 0)))
  (func (export "load64") (param i32) (result i64) (i64.load (local.get 0)))
  (func (export "load_off") (param i32) (result i32) (i32.load16_s offset=65534 (local.get 0)))
  ;; An offset beyond any guard region: checked in code in every mode.
  (func (export "load_far") (param i32) (result i32) (i32.load offset=0xfffffff0 (local.get 0)))
  ;; One address, a narrow access then a wider one: the second needs its own check.
  (func (export "narrow_then_wide") (param i32) (result i64)
    (i64.add (i64.load8_u (local.get 0)) (i64.load (local.get 0))))
  (func (export "store32") (param i32 i32)
    (global.set $count (i64.add (global.get $count) (i64.const 1)))
    (i32.store (local.get 0) (local.get 1)))
  (func (export "store64") (param i32 i64) (i64.store (local.get 0) (local.get 1)))
  (func (export "size") (result i32) (memory.size))
  (func (export "sum") (param i32) (result i64) (local i64)
    (block $done (loop $next
      (br_if $done (i32.eqz (local.get 0)))
      (local.set 0 (i32.sub (local.get 0) (i32.const 4)))
      (local.set 1 (i64.add (local.get 1) (i64.load32_u (local.get 0))))
      (br $next)))
    (local.get 1)))"#;

#[test]
fn loads_and_stores_are_bounds_checked_at_every_offset_near_the_end() {
    for checks in BOUNDS_CHECKS {
        bounds_are_checked_at_every_offset_near_the_end(checks);
    }
}

fn bounds_are_checked_at_every_offset_near_the_end(checks: BoundsChecks) {
    let engine = engine_with(checks);
    let module = Module::new(&engine, MEMORY).unwrap();
    let mut store = Store::new(&engine, ());
    let instance = Linker::new(&engine).instantiate(&mut store, &module).unwrap();
    for pages in 1..=3u32 {
        let end = pages * 65536;
        for at in end - 10..end + 2 {
            let fits = |size: u32| at.checked_add(size).is_some_and(|e| e <= end);
            let expect = |size: u32| if fits(size) { Ok(()) } else { Err(TrapCode::MemoryOutOfBounds) };
            for (name, size) in [("load8", 1), ("load32", 4), ("load64", 8), ("narrow_then_wide", 8)] {
                let got = call(&mut store, &instance, name, &[Val::I32(at as i32)]).map(|_| ());
                assert_eq!(got, expect(size), "{name} at {at} with {pages} pages, {checks:?}");
            }
            let got = call(&mut store, &instance, "store32", &[Val::I32(at as i32), Val::I32(7)]).map(|_| ());
            assert_eq!(got, expect(4), "store32 at {at} with {pages} pages");
            // The static offset counts, and address + offset never wraps.
            let address = at.wrapping_sub(65534);
            let effective = u64::from(address) + 65534;
            let want = if effective + 2 <= u64::from(end) { Ok(()) } else { Err(TrapCode::MemoryOutOfBounds) };
            let off = call(&mut store, &instance, "load_off", &[Val::I32(address as i32)]).map(|_| ());
            assert_eq!(off, want, "load16 offset=65534 from address {address}");
        }
        // Addresses far beyond, and wrapping ones, trap too.
        for at in [u32::MAX, u32::MAX - 3, 1 << 31] {
            assert_eq!(call(&mut store, &instance, "load32", &[Val::I32(at as i32)]), Err(TrapCode::MemoryOutOfBounds));
        }
        for at in [0, 16, u32::MAX] {
            assert_eq!(
                call(&mut store, &instance, "load_far", &[Val::I32(at as i32)]),
                Err(TrapCode::MemoryOutOfBounds)
            );
        }
        assert_eq!(call(&mut store, &instance, "size", &[]).unwrap(), vec![Val::I32(pages as i32)]);
        // Growth by the host is seen by compiled code at once.
        instance.get_memory(&store, "mem").unwrap().grow(&mut store, 1).unwrap();
    }
    // Stores landed where the host sees them; the global counted them.
    let memory = instance.get_memory(&store, "mem").unwrap();
    assert_eq!(&memory.data(&store).unwrap()[65532..65536], &7i32.to_le_bytes());
    let count = instance.get_global(&store, "count").unwrap().get(&store).unwrap();
    assert!(matches!(count, Val::I64(n) if n > 30), "{count:?}");
}

#[test]
fn many_threads_run_compiled_code_at_once() {
    let engines = BOUNDS_CHECKS.map(engine_with);
    let modules = engines.clone().map(|engine| Module::new(&engine, MEMORY).unwrap());
    let threads: Vec<_> = (0..8)
        .map(|t| {
            // Half the threads fault on guard pages while the others check.
            let (engine, module) = (engines[t as usize % 2].clone(), modules[t as usize % 2].clone());
            std::thread::spawn(move || {
                let mut store = Store::new(&engine, ());
                let instance = Linker::new(&engine).instantiate(&mut store, &module).unwrap();
                for i in 0..1000 {
                    call(&mut store, &instance, "store64", &[Val::I32(i * 8), Val::I64(i64::from(t * i))]).unwrap();
                    // Every thread also traps now and then.
                    assert_eq!(
                        call(&mut store, &instance, "load64", &[Val::I32(65536 - 4)]),
                        Err(TrapCode::MemoryOutOfBounds)
                    );
                }
                let sum = call(&mut store, &instance, "sum", &[Val::I32(8000)]).unwrap();
                // The low halves of t*i for i < 1000, read as u32 words.
                let want: i64 = (0..1000).map(|i| i64::from(t * i)).sum();
                assert_eq!(sum, vec![Val::I64(want)], "thread {t}");
            })
        })
        .collect();
    for t in threads {
        t.join().unwrap();
    }
}

#[test]
fn memory_grow_in_compiled_code_moves_the_bounds() {
    for checks in BOUNDS_CHECKS {
        memory_grow_moves_the_bounds(checks);
    }
}

fn memory_grow_moves_the_bounds(checks: BoundsChecks) {
    let engine = engine_with(checks);
    let module = Module::new(
        &engine,
        r#"(module (memory (export "mem") 1 3)
             (func (export "grow") (param i32) (result i32) (memory.grow (local.get 0)))
             (func (export "poke") (param i32) (i32.store8 (local.get 0) (i32.const 9))))"#,
    )
    .unwrap();
    let mut store = Store::new(&engine, ());
    let instance = Linker::new(&engine).instantiate(&mut store, &module).unwrap();
    let poke = |store: &mut Store<()>, at: i32| call(store, &instance, "poke", &[Val::I32(at)]).map(|_| ());
    assert_eq!(poke(&mut store, 65536), Err(TrapCode::MemoryOutOfBounds));
    assert_eq!(call(&mut store, &instance, "grow", &[Val::I32(1)]).unwrap(), vec![Val::I32(1)]);
    assert_eq!(poke(&mut store, 65536), Ok(()));
    assert_eq!(poke(&mut store, 2 * 65536), Err(TrapCode::MemoryOutOfBounds));
    assert_eq!(call(&mut store, &instance, "grow", &[Val::I32(2)]).unwrap(), vec![Val::I32(-1)], "past the maximum");
    assert_eq!(call(&mut store, &instance, "grow", &[Val::I32(0)]).unwrap(), vec![Val::I32(2)]);
    assert_eq!(instance.get_memory(&store, "mem").unwrap().data(&store).unwrap()[65536], 9);
}

#[test]
fn memory_grown_by_a_callee_is_seen_by_the_caller_in_every_bounds_check_mode() {
    for checks in BOUNDS_CHECKS {
        let mut config = Config::new();
        config.tier(Tier::Cranelift).bounds_checks(checks);
        common::growth_by_a_callee_is_seen_by_the_caller(&config);
    }
}

#[test]
fn call_indirect_checks_bounds_null_and_signature_and_crosses_instances() {
    let engine = engine();
    let provider = Module::new(
        &engine,
        r#"(module
             (table (export "tab") 4 funcref)
             (global $base (mut i32) (i32.const 1000))
             (func $from_provider (result i32) (global.get $base))
             (elem (i32.const 3) $from_provider))"#,
    )
    .unwrap();
    let user = Module::new(
        &engine,
        r#"(module
             (import "p" "tab" (table 4 funcref))
             (type $unary (func (param i32) (result i32)))
             (type $nullary (func (result i32)))
             (func $double (type $unary) (i32.mul (local.get 0) (i32.const 2)))
             (func $seven (type $nullary) (i32.const 7))
             (elem (i32.const 0) $double $seven)
             (func (export "unary") (param i32 i32) (result i32)
               (call_indirect (type $unary) (local.get 0) (local.get 1)))
             (func (export "nullary") (param i32) (result i32)
               (call_indirect (type $nullary) (local.get 0))))"#,
    )
    .unwrap();
    let mut store = Store::new(&engine, ());
    let provided = Linker::new(&engine).instantiate(&mut store, &provider).unwrap();
    let table = provided.get_table(&store, "tab").unwrap();
    let mut linker = Linker::new(&engine);
    linker.define("p", "tab", table);
    let instance = linker.instantiate(&mut store, &user).unwrap();
    let i = |v: i32| Val::I32(v);
    assert_eq!(call(&mut store, &instance, "unary", &[i(21), i(0)]).unwrap(), vec![i(42)]);
    assert_eq!(call(&mut store, &instance, "nullary", &[i(1)]).unwrap(), vec![i(7)]);
    // Another instance's function, with that instance's globals.
    assert_eq!(call(&mut store, &instance, "nullary", &[i(3)]).unwrap(), vec![i(1000)]);
    assert_eq!(call(&mut store, &instance, "nullary", &[i(0)]), Err(TrapCode::IndirectCallTypeMismatch));
    assert_eq!(call(&mut store, &instance, "unary", &[i(1), i(1)]), Err(TrapCode::IndirectCallTypeMismatch));
    assert_eq!(call(&mut store, &instance, "nullary", &[i(2)]), Err(TrapCode::UninitializedElement));
    assert_eq!(call(&mut store, &instance, "nullary", &[i(4)]), Err(TrapCode::TableOutOfBounds));
    assert_eq!(call(&mut store, &instance, "nullary", &[i(-1)]), Err(TrapCode::TableOutOfBounds));
}

const HOST_CALLS: &str = r#"(module
  (import "host" "add" (func $add (param i32 i32) (result i32)))
  (import "host" "pair" (func $pair (param i64) (result i64 f64)))
  (import "host" "fail" (func $fail (param i32)))
  (import "host" "peek" (func $peek (param i32) (result i32)))
  (import "host" "reenter" (func $reenter (param i32) (result i32)))
  (memory (export "mem") 1)
  (data (i32.const 100) "\2a")
  (table 4 funcref)
  (elem (i32.const 0) $add $pair $div)
  (type $binary (func (param i32 i32) (result i32)))
  (type $pairing (func (param i64) (result i64 f64)))
  (func $div (export "div") (param i32 i32) (result i32) (i32.div_u (local.get 0) (local.get 1)))
  (func (export "direct") (param i32) (result i32)
    (call $add (local.get 0) (i32.const 1000)))
  (func (export "indirect") (param i32 i32) (result i32)
    (call_indirect (type $binary) (local.get 0) (i32.const 5) (local.get 1)))
  (func (export "pair_sum") (param i64) (result f64) (local f64)
    (call $pair (local.get 0))
    (local.set 1)
    (f64.convert_i64_s)
    (f64.add (local.get 1))
    (call_indirect (type $pairing) (i64.const 1) (i32.const 1))
    (local.set 1)
    (drop)
    (f64.add (local.get 1)))
  (func $nested (param i32) (call $fail (local.get 0)))
  (func (export "fail_deep") (param i32) (result i32) (call $nested (local.get 0)) (i32.const 99))
  (func (export "peek") (param i32) (result i32) (call $peek (local.get 0)))
  (func (export "reenter") (param i32) (result i32) (i32.add (i32.const 1) (call $reenter (local.get 0)))))"#;

/// An instance of `HOST_CALLS` whose store counts the host calls.
fn host_instance() -> (Store<u32>, engine::Instance) {
    let engine = engine();
    let module = Module::new(&engine, HOST_CALLS).unwrap();
    let mut store = Store::new(&engine, 0u32);
    let mut linker = Linker::new(&engine);
    linker.func_wrap(&mut store, "host", "add", |mut caller: engine::Caller<'_, u32>, x: i32, y: i32| {
        *caller.data_mut() += 1;
        x.wrapping_add(y)
    });
    linker.func_wrap(&mut store, "host", "pair", |_: engine::Caller<'_, u32>, x: i64| (x * 2, x as f64 / 4.0));
    linker.func_wrap(&mut store, "host", "fail", |_: engine::Caller<'_, u32>, code: i32| {
        if code == 7 {
            panic!("host function panicked on purpose")
        }
        if code != 0 { Err(engine::Trap::host(format!("host refused {code}"))) } else { Ok(()) }
    });
    linker.func_wrap(&mut store, "host", "peek", |caller: engine::Caller<'_, u32>, at: i32| {
        let memory = caller.get_export("mem").and_then(|e| e.into_memory()).expect("the caller exports its memory");
        i32::from(memory.data(&caller).unwrap()[at as usize])
    });
    linker.func_wrap(&mut store, "host", "reenter", |mut caller: engine::Caller<'_, u32>, divisor: i32| {
        let div = caller.get_export("div").and_then(|e| e.into_func()).unwrap();
        let div = div.typed::<u32, (i32, i32), i32>(&caller).unwrap();
        // A trap in the nested call is the host's to handle: it answers -1.
        div.call(&mut caller, (84, divisor)).unwrap_or(-1)
    });
    let instance = linker.instantiate(&mut store, &module).unwrap();
    (store, instance)
}

fn call_in<T: 'static>(
    store: &mut Store<T>,
    instance: &engine::Instance,
    name: &str,
    args: &[Val],
) -> engine::Result<Vec<Val>> {
    let f = instance.get_func(&*store, name).unwrap();
    let ty = f.ty(&*store).unwrap();
    let mut results: Vec<Val> = ty.results().iter().map(|t| Val::default_for(*t)).collect();
    f.call(&mut *store, args, &mut results).map(|()| results)
}

#[test]
fn compiled_code_calls_host_functions_directly_and_indirectly() {
    let (mut store, instance) = host_instance();
    assert_eq!(call_in(&mut store, &instance, "direct", &[Val::I32(5)]).unwrap(), vec![Val::I32(1005)]);
    assert_eq!(*store.data(), 1);
    // Table slot 0 holds the host function, slot 2 a wasm function of the same type.
    assert_eq!(call_in(&mut store, &instance, "indirect", &[Val::I32(7), Val::I32(0)]).unwrap(), vec![Val::I32(12)]);
    assert_eq!(call_in(&mut store, &instance, "indirect", &[Val::I32(35), Val::I32(2)]).unwrap(), vec![Val::I32(7)]);
    assert_eq!(*store.data(), 2);
    let err = call_in(&mut store, &instance, "indirect", &[Val::I32(1), Val::I32(1)]).unwrap_err();
    assert_eq!(err.trap().map(|t| t.code()), Some(TrapCode::IndirectCallTypeMismatch));
    // Two results from the host, directly and through the table:
    // (2x + x/4) + (2 + 0.25) - the indirect call's first result is dropped.
    let got = call_in(&mut store, &instance, "pair_sum", &[Val::I64(8)]).unwrap();
    assert_eq!(got, vec![Val::F64((18.0f64 + 0.25).to_bits())]);
    // The host sees the calling instance's memory.
    assert_eq!(call_in(&mut store, &instance, "peek", &[Val::I32(100)]).unwrap(), vec![Val::I32(42)]);
}

#[test]
fn a_host_error_becomes_a_trap_that_keeps_its_message() {
    let (mut store, instance) = host_instance();
    let err = call_in(&mut store, &instance, "fail_deep", &[Val::I32(3)]).unwrap_err();
    let trap = err.trap().expect("a trap");
    assert_eq!(trap.host_message(), Some("host refused 3"), "{err}");
    // The store is usable afterwards and the trap does not linger.
    assert_eq!(call_in(&mut store, &instance, "fail_deep", &[Val::I32(0)]).unwrap(), vec![Val::I32(99)]);
}

#[test]
fn a_host_function_reenters_wasm_and_handles_its_trap() {
    let (mut store, instance) = host_instance();
    assert_eq!(call_in(&mut store, &instance, "reenter", &[Val::I32(4)]).unwrap(), vec![Val::I32(22)]);
    // The nested division by zero traps inside the host call, which
    // recovers; the outer compiled code must not see that trap.
    assert_eq!(call_in(&mut store, &instance, "reenter", &[Val::I32(0)]).unwrap(), vec![Val::I32(0)]);
}

#[test]
fn a_host_panic_unwinds_to_the_embedder_not_through_compiled_code() {
    let (mut store, instance) = host_instance();
    let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        call_in(&mut store, &instance, "fail_deep", &[Val::I32(7)])
    }));
    let payload = outcome.expect_err("the panic reaches the embedder");
    let message = payload.downcast_ref::<&str>().copied().unwrap_or_default();
    assert_eq!(message, "host function panicked on purpose");
    // More panics than the store allows nested entries: each one unwound its
    // entry's bookkeeping, so the store still takes calls.
    let nesting = store.engine().config().get_limits().max_host_nesting;
    for _ in 0..=nesting {
        let again = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            call_in(&mut store, &instance, "fail_deep", &[Val::I32(7)])
        }));
        assert!(again.is_err());
    }
    assert_eq!(call_in(&mut store, &instance, "fail_deep", &[Val::I32(0)]).unwrap(), vec![Val::I32(99)]);
}

/// Runs `export` of `wat` with `fuel` on `tier`: the outcome and the fuel left.
fn with_fuel(tier: Tier, wat: &str, export: &str, arg: i32, fuel: u64) -> (Result<Vec<Val>, TrapCode>, u64) {
    let mut config = Config::new();
    config.tier(tier).consume_fuel(true);
    let engine = Engine::new(&config).unwrap();
    let module = Module::new(&engine, wat).unwrap();
    let mut store = Store::new(&engine, ());
    store.set_fuel(fuel).unwrap();
    let instance = Linker::new(&engine).instantiate(&mut store, &module).unwrap();
    let outcome = call(&mut store, &instance, export, &[Val::I32(arg)]);
    (outcome, store.get_fuel().unwrap())
}

#[test]
fn fuel_is_charged_exactly_as_on_the_interpreter() {
    // Loops, both arms of ifs, br_if fall-through, dead code after br,
    // calls and a branch table: every place a fuel region starts.
    let wat = r#"(module
      (func $collatz (param i32) (result i32) (local i32)
        (block $done
          (loop $next
            (br_if $done (i32.le_u (local.get 0) (i32.const 1)))
            (local.set 1 (i32.add (local.get 1) (i32.const 1)))
            (if (i32.and (local.get 0) (i32.const 1))
              (then (local.set 0 (i32.add (i32.mul (local.get 0) (i32.const 3)) (i32.const 1))))
              (else (local.set 0 (i32.shr_u (local.get 0) (i32.const 1)))))
            (br $next)
            (drop (i32.const 99))))
        (local.get 1))
      (func (export "run") (param i32) (result i32)
        (block $a (block $b
          (br_table $a $b (i32.and (local.get 0) (i32.const 1)))))
        (call $collatz (local.get 0))))"#;
    for arg in [1, 6, 27] {
        let (_, full) = with_fuel(Tier::Interp, wat, "run", arg, 1_000_000);
        let needed = 1_000_000 - full;
        assert!(needed > 5, "{arg} used only {needed} fuel");
        // Every amount around the exact need, and a sample below it.
        let amounts = (needed.saturating_sub(40)..=needed + 2).chain((0..needed).step_by(7));
        for fuel in amounts {
            let interp = with_fuel(Tier::Interp, wat, "run", arg, fuel);
            let cranelift = with_fuel(Tier::Cranelift, wat, "run", arg, fuel);
            assert_eq!(cranelift, interp, "collatz({arg}) with {fuel} fuel");
            let baseline = with_fuel(Tier::Baseline, wat, "run", arg, fuel);
            assert_eq!(baseline, interp, "collatz({arg}) with {fuel} fuel on the baseline tier");
        }
        let (outcome, _) = with_fuel(Tier::Cranelift, wat, "run", arg, needed - 1);
        assert_eq!(outcome, Err(TrapCode::OutOfFuel));
    }
}

/// Constructs opened in dead code are dead as a whole: their operators are
/// not charged on any tier (the interpreter used to charge them: the
/// validator calls code inside such a construct reachable).
#[test]
fn dead_constructs_are_not_charged_on_any_tier() {
    let wat = r#"(module (func (export "run") (param i32) (result i32)
        (block $x (br $x) (block (drop (i32.const 1)) (drop (i32.const 2))) (loop (nop)))
        (local.get 0)))"#;
    // block and br; then local.get and the function's end.
    let expected = 4;
    for tier in [Tier::Interp, Tier::Baseline, Tier::Cranelift] {
        let (outcome, left) = with_fuel(tier, wat, "run", 7, 1_000);
        assert_eq!(outcome, Ok(vec![Val::I32(7)]), "{tier}");
        assert_eq!(1_000 - left, expected, "fuel used on {tier}");
    }
}

#[test]
fn calls_into_other_instances_follow_the_store_when_it_moves_to_another_thread() {
    let engine = engine();
    // The provider's functions need its vmctx primed with the store (for
    // memory.grow) and the current thread's stack limit (for recursion),
    // though the host never calls into the provider itself.
    let provider = Module::new(
        &engine,
        r#"(module
             (table (export "tab") 2 funcref)
             (memory 1)
             (func $grow (result i32) (drop (memory.grow (i32.const 1))) (memory.size))
             (func $deep (result i32) (i32.add (i32.const 1) (call $deep)))
             (elem (i32.const 0) $grow $deep))"#,
    )
    .unwrap();
    let user = Module::new(
        &engine,
        r#"(module
             (import "p" "tab" (table 2 funcref))
             (type $nullary (func (result i32)))
             (func (export "via") (param i32) (result i32) (call_indirect (type $nullary) (local.get 0))))"#,
    )
    .unwrap();
    let mut store = Store::new(&engine, ());
    let provided = Linker::new(&engine).instantiate(&mut store, &provider).unwrap();
    let table = provided.get_table(&store, "tab").unwrap();
    let mut linker = Linker::new(&engine);
    linker.define("p", "tab", table);
    let instance = linker.instantiate(&mut store, &user).unwrap();
    assert_eq!(call(&mut store, &instance, "via", &[Val::I32(0)]).unwrap(), vec![Val::I32(2)]);
    let moved = std::thread::Builder::new()
        .stack_size(1 << 20)
        .spawn(move || {
            let mut store = Box::new(store);
            let grown = call(&mut store, &instance, "via", &[Val::I32(0)]);
            let deep = call(&mut store, &instance, "via", &[Val::I32(1)]);
            (grown, deep)
        })
        .unwrap()
        .join()
        .unwrap();
    assert_eq!(moved, (Ok(vec![Val::I32(3)]), Err(TrapCode::StackOverflow)));
}

/// The trap handler only claims faults at compiled code's trap sites: a
/// fault in host code is still a crash (the previous handler, then the
/// default action, get it), in a child process running this same test.
#[test]
fn a_fault_outside_wasm_still_crashes_the_process() {
    const CHILD: &str = "CRUCIBLE_HOST_FAULT_CHILD";
    if std::env::var_os(CHILD).is_some() {
        let engine = engine();
        let module = Module::new(&engine, MEMORY).unwrap();
        let mut store = Store::new(&engine, ());
        let instance = Linker::new(&engine).instantiate(&mut store, &module).unwrap();
        // The handler is installed and has just handled a wasm trap.
        assert_eq!(call(&mut store, &instance, "load32", &[Val::I32(-1)]), Err(TrapCode::MemoryOutOfBounds));
        // SAFETY: maps one inaccessible page and writes to it on purpose:
        // the process must die of SIGSEGV here.
        unsafe {
            let page =
                libc::mmap(std::ptr::null_mut(), 4096, libc::PROT_NONE, libc::MAP_PRIVATE | libc::MAP_ANONYMOUS, -1, 0);
            assert_ne!(page, libc::MAP_FAILED);
            std::ptr::write_volatile(page.cast::<u8>(), 1);
        }
        unreachable!("the write to an inaccessible page returned");
    }
    let status = std::process::Command::new(std::env::current_exe().unwrap())
        .args(["a_fault_outside_wasm_still_crashes_the_process", "--exact", "--nocapture"])
        .env(CHILD, "1")
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .status()
        .unwrap();
    use std::os::unix::process::ExitStatusExt;
    assert_eq!(status.signal(), Some(libc::SIGSEGV), "{status:?}");
}
