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

/// The checksum `spin` of module `wat` returns after `iterations` under
/// `config`, computed on a thread whose stack is far too small for a call
/// per executed instruction.
fn checksum(config: Config, wat: String, iterations: i32) -> i64 {
    std::thread::Builder::new()
        .stack_size(512 * 1024)
        .spawn(move || {
            let engine = Engine::new(&config).expect("the configuration is supported");
            let module = Module::new(&engine, &wat).expect("module compiles");
            let mut store = Store::new(&engine, ());
            if config.fuel_enabled() {
                store.set_fuel(u64::MAX).expect("fuel is enabled");
            }
            let instance = Linker::new(&engine).instantiate(&mut store, &module).expect("module instantiates");
            let results = common::call(&mut store, &instance, "spin", &[Val::I32(iterations)]).expect("spin returns");
            results[0].i64().expect("spin returns an i64")
        })
        .expect("thread spawns")
        .join()
        .expect("spin ran without panicking")
}

/// The interpreter computes `wat`'s checksum as `tier` does, in both
/// dispatch modes, with and without fuel. Were any handler the loop runs
/// to call the next one instead of jumping to it, the nested calls would
/// overflow the thread's stack and abort the test process.
fn interpreter_agrees_with(tier: Tier, wat: &str, iterations: i32) {
    let expected = checksum(common::config(tier), wat.to_string(), iterations);
    assert_ne!(expected, 0);
    for fuel in [false, true] {
        let loop_dispatch = checksum(interp(InterpreterDispatch::Loop, fuel), wat.to_string(), iterations);
        assert_eq!(loop_dispatch, expected, "loop dispatch, fuel {fuel}");
        if InterpreterDispatch::Threaded.is_supported() {
            let threaded = checksum(interp(InterpreterDispatch::Threaded, fuel), wat.to_string(), iterations);
            assert_eq!(threaded, expected, "threaded, fuel {fuel}");
        }
    }
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
    interpreter_agrees_with(tier, EVERY_HANDLER_IN_A_LOOP, ITERATIONS);
}

on_every_tier!(both_dispatch_modes_compute_what_this_tier_computes);

/// The tests build the engine at opt-level 2 (the workspace's
/// `profile.test.package.engine`), where `engine/build.rs` turns threaded
/// dispatch on: the loop above runs it, as the release build does.
#[test]
#[cfg(any(target_arch = "x86_64", target_arch = "aarch64"))]
fn these_tests_run_threaded_dispatch() {
    assert!(InterpreterDispatch::Threaded.is_supported());
}

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

// Every SIMD instruction the interpreter has, by shape (wasm text names).
const SIMD_UNARY: &[&str] = &[
    "i8x16.abs",
    "i8x16.neg",
    "i8x16.popcnt",
    "i16x8.abs",
    "i16x8.neg",
    "i32x4.abs",
    "i32x4.neg",
    "i64x2.abs",
    "i64x2.neg",
    "f32x4.abs",
    "f32x4.neg",
    "f32x4.sqrt",
    "f32x4.ceil",
    "f32x4.floor",
    "f32x4.trunc",
    "f32x4.nearest",
    "f64x2.abs",
    "f64x2.neg",
    "f64x2.sqrt",
    "f64x2.ceil",
    "f64x2.floor",
    "f64x2.trunc",
    "f64x2.nearest",
    "i32x4.trunc_sat_f32x4_s",
    "i32x4.trunc_sat_f32x4_u",
    "f32x4.convert_i32x4_s",
    "f32x4.convert_i32x4_u",
    "i32x4.trunc_sat_f64x2_s_zero",
    "i32x4.trunc_sat_f64x2_u_zero",
    "f64x2.convert_low_i32x4_s",
    "f64x2.convert_low_i32x4_u",
    "f32x4.demote_f64x2_zero",
    "f64x2.promote_low_f32x4",
    "v128.not",
    "i16x8.extadd_pairwise_i8x16_s",
    "i16x8.extadd_pairwise_i8x16_u",
    "i32x4.extadd_pairwise_i16x8_s",
    "i32x4.extadd_pairwise_i16x8_u",
    "i16x8.extend_low_i8x16_s",
    "i16x8.extend_low_i8x16_u",
    "i16x8.extend_high_i8x16_s",
    "i16x8.extend_high_i8x16_u",
    "i32x4.extend_low_i16x8_s",
    "i32x4.extend_low_i16x8_u",
    "i32x4.extend_high_i16x8_s",
    "i32x4.extend_high_i16x8_u",
    "i64x2.extend_low_i32x4_s",
    "i64x2.extend_low_i32x4_u",
    "i64x2.extend_high_i32x4_s",
    "i64x2.extend_high_i32x4_u",
    "i32x4.relaxed_trunc_f32x4_s",
    "i32x4.relaxed_trunc_f32x4_u",
    "i32x4.relaxed_trunc_f64x2_s_zero",
    "i32x4.relaxed_trunc_f64x2_u_zero",
];
const SIMD_BINARY: &[&str] = &[
    "i16x8.extmul_low_i8x16_s",
    "i16x8.extmul_low_i8x16_u",
    "i16x8.extmul_high_i8x16_s",
    "i16x8.extmul_high_i8x16_u",
    "i32x4.extmul_low_i16x8_s",
    "i32x4.extmul_low_i16x8_u",
    "i32x4.extmul_high_i16x8_s",
    "i32x4.extmul_high_i16x8_u",
    "i64x2.extmul_low_i32x4_s",
    "i64x2.extmul_low_i32x4_u",
    "i64x2.extmul_high_i32x4_s",
    "i64x2.extmul_high_i32x4_u",
    "i8x16.add",
    "i8x16.sub",
    "i8x16.add_sat_s",
    "i8x16.add_sat_u",
    "i8x16.sub_sat_s",
    "i8x16.sub_sat_u",
    "i8x16.avgr_u",
    "i8x16.min_s",
    "i8x16.min_u",
    "i8x16.max_s",
    "i8x16.max_u",
    "i8x16.eq",
    "i8x16.ne",
    "i8x16.lt_s",
    "i8x16.gt_s",
    "i8x16.le_s",
    "i8x16.ge_s",
    "i8x16.lt_u",
    "i8x16.gt_u",
    "i8x16.le_u",
    "i8x16.ge_u",
    "i16x8.add",
    "i16x8.sub",
    "i16x8.mul",
    "i16x8.add_sat_s",
    "i16x8.add_sat_u",
    "i16x8.sub_sat_s",
    "i16x8.sub_sat_u",
    "i16x8.avgr_u",
    "i16x8.min_s",
    "i16x8.min_u",
    "i16x8.max_s",
    "i16x8.max_u",
    "i16x8.eq",
    "i16x8.ne",
    "i16x8.lt_s",
    "i16x8.gt_s",
    "i16x8.le_s",
    "i16x8.ge_s",
    "i16x8.lt_u",
    "i16x8.gt_u",
    "i16x8.le_u",
    "i16x8.ge_u",
    "i32x4.add",
    "i32x4.sub",
    "i32x4.mul",
    "i32x4.min_s",
    "i32x4.min_u",
    "i32x4.max_s",
    "i32x4.max_u",
    "i32x4.eq",
    "i32x4.ne",
    "i32x4.lt_s",
    "i32x4.gt_s",
    "i32x4.le_s",
    "i32x4.ge_s",
    "i32x4.lt_u",
    "i32x4.gt_u",
    "i32x4.le_u",
    "i32x4.ge_u",
    "i64x2.add",
    "i64x2.sub",
    "i64x2.mul",
    "i64x2.eq",
    "i64x2.ne",
    "i64x2.lt_s",
    "i64x2.gt_s",
    "i64x2.le_s",
    "i64x2.ge_s",
    "f32x4.add",
    "f32x4.sub",
    "f32x4.mul",
    "f32x4.div",
    "f32x4.min",
    "f32x4.max",
    "f32x4.pmin",
    "f32x4.pmax",
    "f32x4.eq",
    "f32x4.ne",
    "f32x4.lt",
    "f32x4.gt",
    "f32x4.le",
    "f32x4.ge",
    "f64x2.add",
    "f64x2.sub",
    "f64x2.mul",
    "f64x2.div",
    "f64x2.min",
    "f64x2.max",
    "f64x2.pmin",
    "f64x2.pmax",
    "f64x2.eq",
    "f64x2.ne",
    "f64x2.lt",
    "f64x2.gt",
    "f64x2.le",
    "f64x2.ge",
    "f32x4.relaxed_min",
    "f32x4.relaxed_max",
    "f64x2.relaxed_min",
    "f64x2.relaxed_max",
    "v128.and",
    "v128.andnot",
    "v128.or",
    "v128.xor",
    "i8x16.swizzle",
    "i8x16.narrow_i16x8_s",
    "i8x16.narrow_i16x8_u",
    "i16x8.narrow_i32x4_s",
    "i16x8.narrow_i32x4_u",
    "i16x8.q15mulr_sat_s",
    "i32x4.dot_i16x8_s",
    "i16x8.relaxed_dot_i8x16_i7x16_s",
    "i8x16.relaxed_swizzle",
    "i16x8.relaxed_q15mulr_s",
];
const SIMD_TERNARY: &[&str] = &[
    "v128.bitselect",
    "i8x16.relaxed_laneselect",
    "i16x8.relaxed_laneselect",
    "i32x4.relaxed_laneselect",
    "i64x2.relaxed_laneselect",
    "f32x4.relaxed_madd",
    "f32x4.relaxed_nmadd",
    "f64x2.relaxed_madd",
    "f64x2.relaxed_nmadd",
    "i32x4.relaxed_dot_i8x16_i7x16_add_s",
];
const SIMD_TESTS: &[&str] = &[
    "v128.any_true",
    "i8x16.all_true",
    "i8x16.bitmask",
    "i16x8.all_true",
    "i16x8.bitmask",
    "i32x4.all_true",
    "i32x4.bitmask",
    "i64x2.all_true",
    "i64x2.bitmask",
];
/// Splats, lane extraction and replacement, and memory access, with the
/// scalar type each takes or gives.
const SIMD_SCALAR: &[(&str, &str)] =
    &[("i8x16", "i32"), ("i16x8", "i32"), ("i32x4", "i32"), ("i64x2", "i64"), ("f32x4", "f32"), ("f64x2", "f64")];
const SIMD_LOADS: &[&str] = &[
    "v128.load",
    "v128.load8x8_s",
    "v128.load8x8_u",
    "v128.load16x4_s",
    "v128.load16x4_u",
    "v128.load32x2_s",
    "v128.load32x2_u",
    "v128.load8_splat",
    "v128.load16_splat",
    "v128.load32_splat",
    "v128.load64_splat",
    "v128.load32_zero",
    "v128.load64_zero",
];

/// A loop like `EVERY_HANDLER_IN_A_LOOP` through every SIMD instruction:
/// each v128 result is folded into `$acc` with its NaN lanes (as f32 or
/// f64) zeroed, since the spec lets NaN bits differ between tiers.
fn every_simd_handler_in_a_loop() -> String {
    let fold = |expr: String| {
        format!(
            "(local.set $t {expr}) (local.set $acc (v128.xor (local.get $acc) (v128.and (local.get $t) \
             (v128.and (f32x4.eq (local.get $t) (local.get $t)) (f64x2.eq (local.get $t) (local.get $t))))))\n"
        )
    };
    let scalar = |ty: &str| match ty {
        "i32" => "(local.get $i)".to_string(),
        "i64" => "(i64.extend_i32_u (local.get $i))".to_string(),
        "f32" => "(f32.convert_i32_u (local.get $i))".to_string(),
        _ => "(f64.convert_i32_u (local.get $i))".to_string(),
    };
    let to_i32 = |ty: &str, expr: String| match ty {
        "i32" => expr,
        "i64" => format!("(i32.wrap_i64 {expr})"),
        "f32" => format!("(i32.reinterpret_f32 {expr})"),
        _ => format!("(i32.wrap_i64 (i64.reinterpret_f64 {expr}))"),
    };
    let mut body = String::new();
    for op in SIMD_UNARY {
        body += &fold(format!("({op} (local.get $v))"));
    }
    for op in SIMD_BINARY {
        body += &fold(format!("({op} (local.get $v) (local.get $w))"));
    }
    for op in SIMD_TERNARY {
        body += &fold(format!("({op} (local.get $v) (local.get $w) (local.get $acc))"));
    }
    for op in common::SIMD_SHIFTS {
        body += &fold(format!("({op} (local.get $v) (local.get $i))"));
    }
    for op in SIMD_TESTS {
        body += &format!("(local.set $x (i32.add (local.get $x) ({op} (local.get $v))))\n");
    }
    for (shape, ty) in SIMD_SCALAR {
        body += &fold(format!("({shape}.splat {})", scalar(ty)));
        body += &fold(format!("({shape}.replace_lane 1 (local.get $v) {})", scalar(ty)));
        let suffixes: &[&str] = if matches!(*shape, "i8x16" | "i16x8") { &["_s", "_u"] } else { &[""] };
        for suffix in suffixes {
            let lane = to_i32(ty, format!("({shape}.extract_lane{suffix} 1 (local.get $v))"));
            body += &format!("(local.set $x (i32.add (local.get $x) {lane}))\n");
        }
    }
    let address = "(i32.and (local.get $i) (i32.const 0xff))";
    body += &format!("(v128.store offset=3 {address} (local.get $v))\n");
    for op in SIMD_LOADS {
        body += &fold(format!("({op} offset=5 {address})"));
    }
    for bits in [8, 16, 32, 64] {
        body += &fold(format!("(v128.load{bits}_lane offset=7 1 {address} (local.get $w))"));
        body += &format!("(v128.store{bits}_lane offset=9 1 {address} (local.get $v))\n");
    }
    body += &fold("(i8x16.shuffle 0 17 2 19 4 21 6 23 31 30 29 28 3 3 3 3 (local.get $v) (local.get $w))".into());
    // Whole 16-bit lanes of one operand: `I16x8Shuffle`.
    body +=
        &fold("(i8x16.shuffle 18 19 16 17 30 31 20 21 22 23 24 25 26 27 28 29 (local.get $v) (local.get $w))".into());
    // Whole 32-bit lanes from both operands: the interpreter's `I32x4Shuffle`.
    body += &fold("(i8x16.shuffle 4 5 6 7 0 1 2 3 28 29 30 31 16 17 18 19 (local.get $v) (local.get $w))".into());
    body += "(global.set $g (select (local.get $v) (global.get $g) (i32.and (local.get $i) (i32.const 1))))\n";
    body += &fold("(global.get $g)".into());
    format!(
        r#"(module
  (memory 1)
  (global $g (mut v128) (v128.const i32x4 1 2 3 4))
  (func (export "spin") (param $n i32) (result i64)
    (local $i i32) (local $x i32) (local $v v128) (local $t v128) (local $acc v128)
    (local $w v128)
    (local.set $w (v128.const f32x4 1.5 -0.0 3e9 -7.25))
    (loop $top
      (local.set $v (i32x4.add (local.get $v) (i32x4.splat (i32.mul (local.get $i) (i32.const 0x9e3779b9)))))
{body}
      (br_if $top (i32.lt_u (local.tee $i (i32.add (local.get $i) (i32.const 1))) (local.get $n))))
    (i64.add (i64.extend_i32_u (local.get $x))
      (i64.xor (i64x2.extract_lane 0 (local.get $acc)) (i64x2.extract_lane 1 (local.get $acc))))))"#
    )
}

/// Every SIMD handler keeps the host stack flat in both dispatch modes, and
/// computes what each other tier with SIMD computes.
fn simd_handlers_keep_the_stack_flat_and_agree(tier: Tier) {
    if tier == Tier::Interp || !engine::Proposal::Simd.supported_by(tier) {
        return;
    }
    interpreter_agrees_with(tier, &every_simd_handler_in_a_loop(), 20_000);
}

on_every_tier!(simd_handlers_keep_the_stack_flat_and_agree);
