//! The interpreter's two dispatch modes (`InterpreterDispatch`): threaded
//! dispatch must keep the host stack flat however long wasm runs, and both
//! modes must compute what the compiling tiers compute.

use engine::{Config, Engine, InterpreterDispatch, Linker, Module, Store, Tier, Val};

#[macro_use]
mod common;

/// One loop that executes most kinds of instruction the interpreter has,
/// including every one with a trap path (loads and stores of each width,
/// plain and with a fused address add, of two slots or of the accumulator
/// and a slot; division; trapping conversions;
/// calls, indirect calls and multi-value returns; table, memory and segment
/// operations), `$n` times, and returns a checksum of what it computed.
const EVERY_HANDLER_IN_A_LOOP: &str = r#"(module
  (type $unary (func (param i32) (result i32)))
  (memory 1)
  (table $t 4 funcref)
  (table $u 4 funcref)
  (global $g (mut i64) (i64.const 7))
  (data $bytes "\01\02\03\04\05\06\07\08")
  (elem $fns func $inc $inc)
  (elem declare func $twice)
  (func $inc (type $unary) (i32.add (local.get 0) (i32.const 1)))
  (func $twice (param i32) (result i32 i32) (local.get 0) (i32.mul (local.get 0) (i32.const 2)))
  (func $many_locals (param i32) (result i32) (local i64 i64 i64 i64 i64 i64 i64 i64 i64 i64)
    (local.set 10 (i64.extend_i32_u (local.get 0)))
    (i32.wrap_i64 (i64.add (local.get 10) (local.get 3))))
  (func (export "spin") (param $n i32) (result i64)
    (local $i i32) (local $x i32) (local $acc i64) (local $f f64)
    (table.init $t $fns (i32.const 0) (i32.const 0) (i32.const 2))
    (loop $top
      (i32.store (i32.const 16) (local.get $i))
      (i64.store (i32.const 24) (i64.extend_i32_u (local.get $i)))
      (i32.store8 (i32.const 32) (local.get $i))
      (i32.store16 (i32.const 34) (local.get $i))
      (i64.store8 (i32.const 36) (local.get $acc))
      (i64.store16 (i32.const 38) (local.get $acc))
      (i64.store32 (i32.const 40) (local.get $acc))
      (i32.store (i32.add (local.get $x) (i32.const 48)) (local.get $i))
      (i64.store (i32.add (local.get $x) (i32.const 56)) (local.get $acc))
      (i32.store8 (i32.add (local.get $x) (i32.const 64)) (local.get $i))
      (i64.store16 (i32.add (i32.shl (local.get $x) (i32.const 2)) (i32.const 72)) (local.get $acc))
      (local.set $acc (i64.add (local.get $acc) (i64.load (i32.const 24))))
      (local.set $acc (i64.add (local.get $acc) (i64.extend_i32_u (i32.load (i32.const 16)))))
      (local.set $acc (i64.add (local.get $acc) (i64.extend_i32_s (i32.load8_s (i32.const 32)))))
      (local.set $acc (i64.add (local.get $acc) (i64.extend_i32_u (i32.load8_u (i32.const 32)))))
      (local.set $acc (i64.add (local.get $acc) (i64.extend_i32_s (i32.load16_s (i32.const 34)))))
      (local.set $acc (i64.add (local.get $acc) (i64.extend_i32_u (i32.load16_u (i32.const 34)))))
      (local.set $acc (i64.add (local.get $acc) (i64.load8_s (i32.const 36))))
      (local.set $acc (i64.add (local.get $acc) (i64.load8_u (i32.const 36))))
      (local.set $acc (i64.add (local.get $acc) (i64.load16_s (i32.const 38))))
      (local.set $acc (i64.add (local.get $acc) (i64.load16_u (i32.const 38))))
      (local.set $acc (i64.add (local.get $acc) (i64.load32_s (i32.const 40))))
      (local.set $acc (i64.add (local.get $acc) (i64.load32_u (i32.const 40))))
      (local.set $acc (i64.add (local.get $acc) (i64.extend_i32_u (i32.load (i32.add (local.get $x) (i32.const 48))))))
      (local.set $acc (i64.add (local.get $acc) (i64.load (i32.add (local.get $x) (i32.const 56)))))
      (local.set $acc (i64.add (local.get $acc)
        (i64.load16_s (i32.add (i32.shl (local.get $x) (i32.const 2)) (i32.const 72)))))
      (local.set $acc (i64.add (local.get $acc) (i64.extend_i32_u (i32.load8_u (i32.add (local.get $x) (i32.const 64))))))
      (local.set $acc (i64.add (local.get $acc) (i64.extend_i32_u
        (i32.add (i32.div_s (local.get $i) (i32.const 3)) (i32.div_u (local.get $i) (i32.const 5))))))
      (local.set $acc (i64.add (local.get $acc) (i64.extend_i32_u
        (i32.add (i32.rem_s (local.get $i) (i32.const 7)) (i32.rem_u (local.get $i) (i32.const 9))))))
      (local.set $acc (i64.add (local.get $acc)
        (i64.add (i64.div_s (local.get $acc) (i64.const 3)) (i64.div_u (local.get $acc) (i64.const 5)))))
      (local.set $acc (i64.add (local.get $acc)
        (i64.add (i64.rem_s (local.get $acc) (i64.const 7)) (i64.rem_u (local.get $acc) (i64.const 9)))))
      (local.set $f (f64.convert_i32_u (local.get $i)))
      (local.set $acc (i64.add (local.get $acc) (i64.extend_i32_u (i32.add
        (i32.add (i32.trunc_f32_s (f32.demote_f64 (local.get $f))) (i32.trunc_f32_u (f32.demote_f64 (local.get $f))))
        (i32.add (i32.trunc_f64_s (local.get $f)) (i32.trunc_f64_u (local.get $f)))))))
      (local.set $acc (i64.add (local.get $acc) (i64.add
        (i64.add (i64.trunc_f32_s (f32.demote_f64 (local.get $f))) (i64.trunc_f32_u (f32.demote_f64 (local.get $f))))
        (i64.add (i64.trunc_f64_s (local.get $f)) (i64.trunc_f64_u (local.get $f))))))
      (local.set $acc (i64.add (local.get $acc) (i64.extend_i32_u (call $inc (local.get $i)))))
      (local.set $acc (i64.add (local.get $acc) (i64.extend_i32_u (call $many_locals (local.get $i)))))
      (local.set $acc (i64.add (local.get $acc) (i64.extend_i32_u
        (call_indirect $t (type $unary) (local.get $i) (i32.and (local.get $i) (i32.const 1))))))
      (call $twice (local.get $i))
      i32.sub
      i64.extend_i32_u
      (local.set $acc (i64.add (local.get $acc)))
      (table.set $u (i32.const 2) (table.get $t (i32.const 0)))
      (table.fill $u (i32.const 0) (ref.func $twice) (i32.const 1))
      (table.copy $u $t (i32.const 1) (i32.const 0) (i32.const 2))
      (local.set $acc (i64.add (local.get $acc) (i64.extend_i32_u
        (i32.add (table.size $t) (table.grow $u (ref.null func) (i32.const 0))))))
      (local.set $acc (i64.add (local.get $acc) (i64.extend_i32_u (ref.is_null (table.get $u (i32.const 3))))))
      (memory.fill (i32.const 100) (local.get $i) (i32.const 8))
      (memory.copy (i32.const 200) (i32.const 100) (i32.const 8))
      (memory.init $bytes (i32.const 300) (i32.const 0) (i32.const 8))
      (local.set $acc (i64.add (local.get $acc) (i64.add (i64.load (i32.const 200)) (i64.load (i32.const 300)))))
      (local.set $acc (i64.add (local.get $acc) (i64.extend_i32_u
        (i32.add (memory.size) (memory.grow (i32.const 0))))))
      (global.set $g (i64.add (global.get $g) (local.get $acc)))
      (local.set $acc (select (local.get $acc) (global.get $g) (i32.and (local.get $i) (i32.const 2))))
      (block $c (block $b (block $a
        (br_table $a $b $c (i32.rem_u (local.get $i) (i32.const 3))))
        (local.set $acc (i64.add (local.get $acc) (i64.const 1))))
        (local.set $acc (i64.xor (local.get $acc) (i64.const 0x5555))))
      (br_if $top (i32.lt_u (local.tee $i (i32.add (local.get $i) (i32.const 1))) (local.get $n))))
    (elem.drop $fns)
    (data.drop $bytes)
    (local.get $acc)))"#;

const ITERATIONS: i32 = 100_000;

/// The checksum of `EVERY_HANDLER_IN_A_LOOP` under `config`, computed on a
/// thread whose stack is far too small for a call per executed instruction.
fn checksum(config: Config) -> i64 {
    std::thread::Builder::new()
        .stack_size(512 * 1024)
        .spawn(move || {
            let engine = Engine::new(&config).expect("the configuration is supported");
            let module = Module::new(&engine, EVERY_HANDLER_IN_A_LOOP).expect("module compiles");
            let mut store = Store::new(&engine, ());
            if config.fuel_enabled() {
                store.set_fuel(u64::MAX).expect("fuel is enabled");
            }
            let instance = Linker::new(&engine).instantiate(&mut store, &module).expect("module instantiates");
            let results = common::call(&mut store, &instance, "spin", &[Val::I32(ITERATIONS)]).expect("spin returns");
            results[0].i64().expect("spin returns an i64")
        })
        .expect("thread spawns")
        .join()
        .expect("spin ran without panicking")
}

fn interp(dispatch: InterpreterDispatch, fuel: bool) -> Config {
    let mut config = common::config(Tier::Interp);
    config.interpreter_dispatch(dispatch).consume_fuel(fuel).coverage(fuel);
    config
}

fn both_dispatch_modes_compute_what_this_tier_computes(tier: Tier) {
    if tier == Tier::Interp {
        return;
    }
    let expected = checksum(common::config(tier));
    assert_ne!(expected, 0);
    for fuel in [false, true] {
        assert_eq!(checksum(interp(InterpreterDispatch::Loop, fuel)), expected, "loop dispatch, fuel {fuel}");
        if InterpreterDispatch::Threaded.is_supported() {
            // Were any handler in the loop to call the next one instead of
            // jumping to it, a million nested calls would overflow the
            // thread's stack and abort the test process.
            assert_eq!(checksum(interp(InterpreterDispatch::Threaded, fuel)), expected, "threaded, fuel {fuel}");
        }
    }
}

on_every_tier!(both_dispatch_modes_compute_what_this_tier_computes);

#[test]
fn an_unsupported_dispatch_is_refused_when_the_engine_is_created() {
    let mut config = Config::new();
    config.interpreter_dispatch(InterpreterDispatch::Threaded);
    match Engine::new(&config) {
        Ok(_) => assert!(InterpreterDispatch::Threaded.is_supported()),
        Err(e) => {
            assert!(!InterpreterDispatch::Threaded.is_supported());
            assert!(e.to_string().contains("dispatch"), "{e}");
        }
    }
    assert!(Config::new().get_interpreter_dispatch().is_supported());
}
