//! The baseline tier against the interpreter: the same results and traps on
//! hand-written modules, the same checksums on the benchmark kernels.

use engine::{Config, Engine, Linker, Module, Store, Tier, TrapCode, Val, ValType};

mod common;
use common::call;

fn engine(tier: Tier) -> Engine {
    let mut config = Config::new();
    config.tier(tier);
    Engine::new(&config).unwrap()
}

/// An instance of `wasm` on `tier`, with a host import `host.triple`.
fn instantiate(tier: Tier, wasm: &[u8]) -> (Store<()>, engine::Instance) {
    let engine = engine(tier);
    let module = Module::new(&engine, wasm).unwrap_or_else(|e| panic!("{tier}: {e}"));
    let mut store = Store::new(&engine, ());
    let mut linker = Linker::new(&engine);
    let ty = engine::FuncType::new(vec![ValType::I32], vec![ValType::I32]);
    linker.func_new(&mut store, "host", "triple", ty, |_, args, results| {
        results[0] = Val::I32(args[0].i32().unwrap().wrapping_mul(3));
        Ok(())
    });
    let instance = linker.instantiate(&mut store, &module).unwrap();
    (store, instance)
}

/// One instance of a module per tier, called in lockstep.
struct Both {
    interp: (Store<()>, engine::Instance),
    baseline: (Store<()>, engine::Instance),
}

impl Both {
    fn new(wasm: &[u8]) -> Both {
        Both { interp: instantiate(Tier::Interp, wasm), baseline: instantiate(Tier::Baseline, wasm) }
    }

    /// Calls `name` on both; they must agree.
    fn call(&mut self, name: &str, args: &[Val]) -> Result<Vec<Val>, TrapCode> {
        let want = call(&mut self.interp.0, &self.interp.1, name, args);
        let got = call(&mut self.baseline.0, &self.baseline.1, name, args);
        assert_eq!(got, want, "{name}{args:?}");
        got
    }
}

const PROGRAM: &str = r#"(module
  (import "host" "triple" (func $triple (param i32) (result i32)))
  (memory (export "mem") 1 2)
  (global $g (mut i64) (i64.const -5))
  (data (i32.const 16) "\01\02\03\04\05\06\07\08\f0\f1\f2\f3")
  (func $fib (export "fib") (param i32) (result i32)
    (if (result i32) (i32.lt_u (local.get 0) (i32.const 2))
      (then (local.get 0))
      (else (i32.add (call $fib (i32.sub (local.get 0) (i32.const 1)))
                     (call $fib (i32.sub (local.get 0) (i32.const 2)))))))
  (func (export "arith32") (param i32 i32) (result i32)
    (i32.xor
      (i32.add (i32.mul (local.get 0) (local.get 1)) (i32.sub (local.get 0) (local.get 1)))
      (i32.or (i32.and (i32.shl (local.get 0) (local.get 1)) (i32.shr_s (local.get 0) (local.get 1)))
              (i32.rotl (i32.shr_u (local.get 0) (i32.const 3)) (local.get 1)))))
  (func (export "arith64") (param i64 i64) (result i64)
    (i64.xor
      (i64.add (i64.mul (local.get 0) (local.get 1)) (i64.rotr (local.get 0) (local.get 1)))
      (i64.add (i64.clz (local.get 0)) (i64.add (i64.ctz (local.get 1)) (i64.popcnt (local.get 0))))))
  (func (export "bits32") (param i32) (result i32)
    (i32.add (i32.clz (local.get 0)) (i32.add (i32.mul (i32.ctz (local.get 0)) (i32.const 64))
      (i32.mul (i32.popcnt (local.get 0)) (i32.const 4096)))))
  (func (export "div_s") (param i32 i32) (result i32) (i32.div_s (local.get 0) (local.get 1)))
  (func (export "div_u") (param i32 i32) (result i32) (i32.div_u (local.get 0) (local.get 1)))
  (func (export "rem_s") (param i32 i32) (result i32) (i32.rem_s (local.get 0) (local.get 1)))
  (func (export "rem_u") (param i32 i32) (result i32) (i32.rem_u (local.get 0) (local.get 1)))
  (func (export "div_s64") (param i64 i64) (result i64) (i64.div_s (local.get 0) (local.get 1)))
  (func (export "rem_s64") (param i64 i64) (result i64) (i64.rem_s (local.get 0) (local.get 1)))
  (func (export "rem_u64") (param i64 i64) (result i64) (i64.rem_u (local.get 0) (local.get 1)))
  (func (export "compare") (param i64 i64) (result i32)
    (i32.or (i32.or (i32.or (i64.lt_s (local.get 0) (local.get 1)) (i32.shl (i64.lt_u (local.get 0) (local.get 1)) (i32.const 1)))
                    (i32.or (i32.shl (i64.ge_s (local.get 0) (local.get 1)) (i32.const 2)) (i32.shl (i64.gt_u (local.get 0) (local.get 1)) (i32.const 3))))
            (i32.or (i32.shl (i64.eq (local.get 0) (local.get 1)) (i32.const 4)) (i32.shl (i64.eqz (local.get 0)) (i32.const 5)))))
  (func (export "extend") (param i32) (result i64)
    (i64.add (i64.add (i64.extend_i32_s (local.get 0)) (i64.extend_i32_u (local.get 0)))
             (i64.add (i64.extend8_s (i64.extend_i32_u (local.get 0))) (i64.extend_i32_s (i32.extend16_s (local.get 0))))))
  (func (export "loads") (param i32) (result i64)
    (i64.add (i64.add (i64.load8_s (local.get 0)) (i64.load16_u offset=1 (local.get 0)))
             (i64.add (i64.extend_i32_s (i32.load8_s offset=2 (local.get 0))) (i64.load32_s (local.get 0)))))
  (func (export "store_load") (param i32 i64) (result i64)
    (i64.store offset=3 (local.get 0) (local.get 1))
    (i32.store8 (local.get 0) (i32.const 0x1ff))
    (i64.load (local.get 0)))
  (func (export "grow") (param i32) (result i32) (memory.grow (local.get 0)))
  (func (export "size") (result i32) (memory.size))
  (func (export "global") (param i64) (result i64)
    (global.set $g (i64.add (global.get $g) (local.get 0))) (global.get $g))
  (func (export "switch") (param i32) (result i32)
    (block $d (block $c (block $b (block $a (br_table $a $b $c $d (local.get 0)))
      (return (i32.const 10))) (return (i32.const 20))) (return (i32.const 30))) (i32.const 40))
  (func (export "loop_sum") (param i32) (result i64) (local i64)
    (block $done (loop $next
      (br_if $done (i32.eqz (local.get 0)))
      (local.set 1 (i64.add (local.get 1) (i64.extend_i32_u (local.get 0))))
      (local.set 0 (i32.sub (local.get 0) (i32.const 1)))
      (br $next)))
    (local.get 1))
  (func (export "select") (param i32 i64 i64) (result i64) (select (local.get 1) (local.get 2) (local.get 0)))
  (func (export "host") (param i32) (result i32) (i32.add (call $triple (local.get 0)) (i32.const 1)))
  (func (export "branch_values") (param i32) (result i32)
    (block (result i32)
      (i32.const 7)
      (br_if 0 (i32.const 100) (local.get 0))
      (drop)
      (drop)
      (i32.const 200)))
  ;; The else branch needs the parameters the then branch consumed (a bug
  ;; once: they were stashed only on the then path).
  (func (export "if_params") (param i32) (result i32)
    (i32.const 1) (i32.const 2)
    (if (param i32 i32) (result i32) (local.get 0)
      (then (i32.add))
      (else (i32.sub))))
  (func (export "floats") (param f64 f32) (result f64)
    (f64.add
      (f64.mul (f64.sqrt (f64.abs (local.get 0))) (f64.promote_f32 (f32.neg (local.get 1))))
      (f64.add (f64.min (local.get 0) (f64.const -0.0)) (f64.max (f64.nearest (local.get 0)) (f64.floor (local.get 0))))))
  (func (export "truncate") (param f64) (result i32) (i32.trunc_f64_s (local.get 0)))
  (func (export "truncate_u64") (param f64) (result i64) (i64.trunc_f64_u (local.get 0)))
  (func (export "convert_u64") (param i64) (result f32) (f32.convert_i64_u (local.get 0)))
  (func (export "fcompare") (param f32 f32) (result i32)
    (i32.or (i32.or (f32.lt (local.get 0) (local.get 1)) (i32.shl (f32.ge (local.get 0) (local.get 1)) (i32.const 1)))
            (i32.or (i32.shl (f32.eq (local.get 0) (local.get 1)) (i32.const 2)) (i32.shl (f32.ne (local.get 0) (local.get 1)) (i32.const 3)))))
  (table 2 funcref)
  (elem (i32.const 0) $fib)
  (type $i32_i32 (func (param i32) (result i32)))
  (func (export "indirect") (param i32 i32) (result i32)
    (call_indirect (type $i32_i32) (local.get 0) (local.get 1)))
  (func (export "unreachable") (unreachable))
  (func $deep (export "deep") (param i32) (result i32) (i32.add (call $deep (local.get 0)) (i32.const 1))))"#;

#[test]
fn operators_calls_and_traps_match_the_interpreter() {
    let wasm = wat::parse_str(PROGRAM).unwrap();
    let mut both = Both::new(&wasm);
    let ints = [0i32, 1, -1, 2, 7, 31, 32, 33, i32::MIN, i32::MAX, 0x1234_5678, -100];
    let longs = [0i64, 1, -1, 63, 64, i64::MIN, i64::MAX, 0x1234_5678_9abc_def0, -100_000];
    assert_eq!(both.call("fib", &[Val::I32(20)]).unwrap(), vec![Val::I32(6765)]);
    for a in ints {
        for b in ints {
            for name in ["arith32", "div_s", "div_u", "rem_s", "rem_u"] {
                both.call(name, &[Val::I32(a), Val::I32(b)]).ok();
            }
        }
        for name in ["bits32", "extend", "switch", "host", "branch_values"] {
            both.call(name, &[Val::I32(a)]).ok();
        }
    }
    for a in longs {
        for b in longs {
            for name in ["arith64", "div_s64", "rem_s64", "rem_u64", "compare"] {
                both.call(name, &[Val::I64(a), Val::I64(b)]).ok();
            }
        }
        both.call("select", &[Val::I32(a as i32), Val::I64(a), Val::I64(!a)]).unwrap();
        both.call("global", &[Val::I64(a)]).unwrap();
    }
    assert_eq!(both.call("div_s", &[Val::I32(1), Val::I32(0)]), Err(TrapCode::IntegerDivisionByZero));
    assert_eq!(both.call("div_s", &[Val::I32(i32::MIN), Val::I32(-1)]), Err(TrapCode::IntegerOverflow));
    assert_eq!(both.call("rem_s", &[Val::I32(i32::MIN), Val::I32(-1)]), Ok(vec![Val::I32(0)]));
    assert_eq!(both.call("loop_sum", &[Val::I32(1000)]), Ok(vec![Val::I64(500_500)]));
    for at in [0, 16, 17, 65530, 65532, 65533, 65536, -1] {
        both.call("loads", &[Val::I32(at)]).ok();
        both.call("store_load", &[Val::I32(at), Val::I64(0x0102_0304_0506_0708)]).ok();
    }
    assert_eq!(both.call("loads", &[Val::I32(65533)]), Err(TrapCode::MemoryOutOfBounds));
    assert_eq!(both.call("size", &[]), Ok(vec![Val::I32(1)]));
    assert_eq!(both.call("grow", &[Val::I32(1)]), Ok(vec![Val::I32(1)]));
    assert_eq!(both.call("grow", &[Val::I32(5)]), Ok(vec![Val::I32(-1)]));
    assert_eq!(both.call("unreachable", &[]), Err(TrapCode::Unreachable));
    assert_eq!(both.call("if_params", &[Val::I32(0)]), Ok(vec![Val::I32(-1)]));
    assert_eq!(both.call("if_params", &[Val::I32(1)]), Ok(vec![Val::I32(3)]));
    assert_eq!(both.call("indirect", &[Val::I32(12), Val::I32(0)]), Ok(vec![Val::I32(144)]));
    assert_eq!(both.call("indirect", &[Val::I32(12), Val::I32(1)]), Err(TrapCode::UninitializedElement));
    assert_eq!(both.call("indirect", &[Val::I32(12), Val::I32(2)]), Err(TrapCode::TableOutOfBounds));
    let doubles = [
        0.0,
        -0.0,
        1.5,
        -2.5,
        2.5,
        1e300,
        -1e-300,
        f64::INFINITY,
        f64::NEG_INFINITY,
        2147483647.9,
        -2147483648.9,
        4294967296.0,
        1.8446744073709552e19,
        9.3e18,
    ];
    for x in doubles {
        for y in [0.0f32, -0.0, 3.25, -7.5, f32::INFINITY] {
            both.call("floats", &[Val::F64(x.to_bits()), Val::F32(y.to_bits())]).unwrap();
            both.call("fcompare", &[Val::F32((x as f32).to_bits()), Val::F32(y.to_bits())]).unwrap();
        }
        both.call("truncate", &[Val::F64(x.to_bits())]).ok();
        both.call("truncate_u64", &[Val::F64(x.to_bits())]).ok();
    }
    both.call("fcompare", &[Val::F32(f32::NAN.to_bits()), Val::F32(1f32.to_bits())]).unwrap();
    assert_eq!(both.call("truncate", &[Val::F64(f64::NAN.to_bits())]), Err(TrapCode::BadConversionToInteger));
    assert_eq!(both.call("truncate", &[Val::F64(2147483648.0f64.to_bits())]), Err(TrapCode::IntegerOverflow));
    for x in [0i64, 1, -1, i64::MAX, i64::MIN, 0x7fff_ffff_ffff_fc00, -0x400] {
        both.call("convert_u64", &[Val::I64(x)]).unwrap();
    }
    let (mut store, instance) = instantiate(Tier::Baseline, &wasm);
    assert_eq!(call(&mut store, &instance, "deep", &[Val::I32(0)]), Err(TrapCode::StackOverflow));
    // The store is still usable after the overflow.
    assert_eq!(call(&mut store, &instance, "fib", &[Val::I32(10)]), Ok(vec![Val::I32(55)]));
}

/// The benchmark kernels (C compiled to wasm, and WAT) give the
/// interpreter's checksums.
#[test]
fn kernels_give_the_interpreters_checksums() {
    let kernels = concat!(env!("CARGO_MANIFEST_DIR"), "/../benches/kernels");
    for (name, n) in [
        ("sieve.wasm", 1),
        ("hash.wasm", 10),
        ("interp_loop.wasm", 20_000),
        ("fib.wat", 15),
        ("matmul.wasm", 24),
        ("nbody.wasm", 1_000),
        ("call_indirect.wat", 1_000),
    ] {
        let path = format!("{kernels}/{name}");
        let bytes = std::fs::read(&path).unwrap();
        let wasm = wat::parse_bytes(&bytes).unwrap().into_owned();
        Both::new(&wasm).call("run", &[Val::I32(n)]).unwrap_or_else(|e| panic!("{name}: {e:?}"));
    }
}

/// Locals living in registers (callee- and caller-saved, integer and
/// float), flags waiting for a branch, constants and `lea` forms: the
/// interpreter's results around every kind of call that clobbers registers.
const REGISTERS: &str = r#"(module
  (import "host" "triple" (func $triple (param i32) (result i32)))
  (memory 1)
  (data (i32.const 16) "\10\20\30\40\50\60\70\80")
  (table 2 funcref)
  (elem (i32.const 0) $clobber $clobber)
  (type $clobber_t (func (param i32 f64) (result i32)))
  ;; Uses many registers of its own (its locals' homes and the value pool).
  (func $clobber (type $clobber_t) (param i32 f64) (result i32)
    (local i32 i32 i32 i32 f64 f64 f64)
    (local.set 2 (i32.mul (local.get 0) (i32.const 7)))
    (local.set 3 (i32.xor (local.get 2) (i32.const -1)))
    (local.set 4 (i32.add (local.get 3) (local.get 2)))
    (local.set 5 (i32.rotl (local.get 4) (local.get 0)))
    (local.set 6 (f64.mul (local.get 1) (f64.const 3.5)))
    (local.set 7 (f64.sub (local.get 6) (local.get 1)))
    (local.set 8 (f64.div (local.get 7) (f64.const 0.25)))
    (i32.add (i32.add (local.get 2) (local.get 3)) (i32.add (local.get 4) (local.get 5)))
    (i32.trunc_sat_f64_s (local.get 8))
    (i32.add))
  ;; Integer and float locals used far more than the calls in the loop: they
  ;; get registers, caller-saved ones (r9, xmm) among them.
  (func (export "homes_across_calls") (param $n i32) (result i64)
    (local $a i32) (local $b i32) (local $c i32) (local $d i64) (local $e i32) (local $f i32)
    (local $x f64) (local $y f64) (local $z f64) (local $w f32) (local $k i32)
    (local.set $a (i32.const 3)) (local.set $b (i32.const 5)) (local.set $c (i32.const 7))
    (local.set $d (i64.const 0x1_0000_0000)) (local.set $e (i32.const -1)) (local.set $f (i32.const 0xffff))
    (local.set $x (f64.const 1.5)) (local.set $y (f64.const -2.25)) (local.set $w (f32.const 0.5))
    (block $done (loop $next
      (br_if $done (i32.le_s (local.get $n) (i32.const 0)))
      ;; An inner loop (twice) weighs the locals above the calls.
      (local.set $k (i32.const 2))
      (loop $inner
      (local.set $a (i32.add (local.get $a) (i32.mul (local.get $b) (local.get $c))))
      (local.set $b (i32.xor (local.get $b) (i32.add (local.get $a) (local.get $e))))
      (local.set $c (i32.sub (local.get $c) (i32.and (local.get $a) (local.get $f))))
      (local.set $d (i64.add (local.get $d) (i64.extend_i32_u (i32.add (local.get $a) (local.get $b)))))
      (local.set $e (i32.add (local.get $e) (i32.const 0x7fffffff)))
      (local.set $f (i32.sub (local.get $f) (i32.const -2147483648)))
      (local.set $x (f64.add (local.get $x) (f64.mul (local.get $y) (f64.const 0.5))))
      (local.set $y (f64.sub (local.get $y) (f64.div (local.get $x) (f64.const 3.0))))
      (local.set $z (f64.add (local.get $z) (f64.mul (local.get $x) (local.get $y))))
      (local.set $w (f32.mul (local.get $w) (f32.const 1.25)))
      (br_if $inner (local.tee $k (i32.sub (local.get $k) (i32.const 1)))))
      ;; One kind of call per iteration, in turn: direct, indirect, host, builtin.
      (block $end
        (block $host (block $indirect (block $direct
          (br_table $direct $indirect $host (i32.and (local.get $n) (i32.const 3))))
          (local.set $a (i32.add (local.get $a) (call $clobber (local.get $b) (local.get $x))))
          (br $end))
          (local.set $b (i32.add (local.get $b)
            (call_indirect (type $clobber_t) (local.get $c) (local.get $y) (i32.and (local.get $n) (i32.const 1)))))
          (br $end))
        (local.set $c (i32.add (local.get $c) (call $triple (local.get $a)))))
      (local.set $e (i32.add (local.get $e) (memory.grow (i32.const 0))))
      (local.set $n (i32.sub (local.get $n) (i32.const 1)))
      (br $next)))
    (i64.add
      (i64.add (i64.extend_i32_u (local.get $a)) (i64.shl (i64.extend_i32_u (local.get $b)) (i64.const 16)))
      (i64.add (i64.add (local.get $d) (i64.extend_i32_s (local.get $c)))
        (i64.add (i64.extend_i32_u (i32.xor (local.get $e) (local.get $f)))
          (i64.add (i64.trunc_sat_f64_s (f64.mul (local.get $z) (f64.const 1000)))
            (i64.add (i64.reinterpret_f64 (local.get $x))
              (i64.extend_i32_u (i32.reinterpret_f32 (local.get $w)))))))))
  ;; An address from a 64-bit value's low half, kept in a local's register
  ;; (which must hold it zero-extended to index memory).
  (func (export "wrapped_address") (param $wide i64) (result i64) (local $at i32) (local $sum i64) (local $i i32)
    (local.set $at (i32.wrap_i64 (local.get $wide)))
    (block $done (loop $next
      (br_if $done (i32.ge_u (local.get $i) (i32.const 4)))
      (local.set $sum (i64.add (local.get $sum)
        (i64.add (i64.load8_u (local.get $at)) (i64.load16_u offset=2 (local.get $at)))))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br $next)))
    (local.get $sum))
;; The low half of an i64 local's register as an address: `i32.wrap_i64`
  ;; leaves the register as it is, so it must not index memory directly (a
  ;; bug once, found by the fuzzer).
  (func (export "wrapped_home") (param $wide i64) (result i64) (local $sum i64) (local $i i32)
    (block $done (loop $next
      (br_if $done (i32.ge_u (local.get $i) (i32.const 3)))
      (local.set $sum (i64.add (local.get $sum) (i64.load8_u offset=16 (i32.wrap_i64 (local.get $wide)))))
      (local.set $wide (i64.add (local.get $wide) (i64.const 1)))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br $next)))
    (local.get $sum))
  ;; Comparisons consumed by branches, by eqz chains, by arithmetic, by
  ;; select and by locals.
  (func (export "flags") (param $a i32) (param $b i32) (result i32) (local $t i32) (local $r i32)
    (if (i32.eqz (i32.eqz (i32.lt_s (local.get $a) (local.get $b))))
      (then (local.set $r (i32.const 1))))
    (local.set $t (i32.gt_u (local.get $a) (local.get $b)))
    (local.set $r (i32.add (local.get $r) (i32.shl (local.get $t) (i32.const 1))))
    (local.set $r (i32.add (local.get $r) (i32.shl (i32.eq (local.get $a) (local.get $b)) (i32.const 2))))
    (local.set $r (i32.add (local.get $r)
      (select (i32.const 8) (i32.const 0) (i32.ge_s (local.get $a) (i32.const 0)))))
    (block $out (result i32)
      (br_if $out (i32.add (local.get $r) (i32.const 16)) (i32.ne (local.get $a) (i32.const 7)))
      (drop)
      (i32.add (local.get $r) (i32.const 32))))
  (func (export "constants") (param $k i32) (result i64) (local $a i64) (local $b i64) (local $c i64)
    (local.set $a (i64.const 0xffffffff))
    (local.set $b (i64.const -1))
    (local.set $c (i64.const 0x1_0000_0000))
    (local.set $a (i64.add (local.get $a) (i64.extend_i32_u (local.get $k))))
    (local.set $b (i64.sub (local.get $b) (i64.const 0x7fff_ffff_ffff)))
    (local.set $c (i64.sub (local.get $c) (i64.const -2147483648)))
    (i64.xor (local.get $a) (i64.xor (local.get $b) (local.get $c)))))"#;

#[test]
fn registers_survive_calls_and_keep_their_invariants() {
    let wasm = wat::parse_str(REGISTERS).unwrap();
    let mut both = Both::new(&wasm);
    for n in [0, 1, 2, 3, 4, 7, 100] {
        both.call("homes_across_calls", &[Val::I32(n)]).unwrap();
    }
    for wide in [16i64, 0x7fff_ffff_0000_0010, -0xffff_fff0, 0x1_0000_fff0] {
        both.call("wrapped_address", &[Val::I64(wide)]).ok();
    }
    // The high half is dropped: the bytes at 16.
    assert_eq!(
        both.call("wrapped_address", &[Val::I64(0x7fff_ffff_0000_0010)]),
        Ok(vec![Val::I64(4 * (0x10 + 0x4030))])
    );
    assert_eq!(both.call("wrapped_address", &[Val::I64(0x1_0000_ffff)]), Err(TrapCode::MemoryOutOfBounds));
    // 0x1_0000_0000 + 0..3: the bytes at 16, 17, 18.
    assert_eq!(both.call("wrapped_home", &[Val::I64(1 << 32)]), Ok(vec![Val::I64(0x10 + 0x20 + 0x30)]));
    for a in [-3, 0, 7, 9, i32::MIN, i32::MAX] {
        for b in [-3, 0, 7, 9, i32::MIN] {
            both.call("flags", &[Val::I32(a), Val::I32(b)]).unwrap();
        }
    }
    for k in [0, 1, -1, i32::MAX] {
        both.call("constants", &[Val::I32(k)]).unwrap();
    }
}

/// A `call_indirect` into another instance (with its own memory) leaves the
/// caller's vmctx and memory base as they were when it returns.
#[test]
fn call_indirect_into_another_instance_restores_the_callers_instance() {
    const LIBRARY: &str = r#"(module
      (memory 1)
      (data (i32.const 0) "\41")
      (table (export "table") 1 funcref)
      (elem (i32.const 0) $read)
      (func $read (param i32) (result i32) (i32.add (i32.load8_u (i32.const 0)) (local.get 0))))"#;
    const USER: &str = r#"(module
      (import "lib" "table" (table 1 funcref))
      (memory 1)
      (data (i32.const 0) "\42")
      (global $g (mut i32) (i32.const 0))
      (func (export "run") (param i32) (result i32)
        (global.set $g (call_indirect (param i32) (result i32) (local.get 0) (i32.const 0)))
        (i32.add (i32.mul (global.get $g) (i32.const 256)) (i32.load8_u (i32.const 0)))))"#;
    for tier in [Tier::Interp, Tier::Baseline] {
        let engine = engine(tier);
        let mut store = Store::new(&engine, ());
        let mut linker = Linker::new(&engine);
        let library = Module::new(&engine, wat::parse_str(LIBRARY).unwrap()).unwrap();
        let library = linker.instantiate(&mut store, &library).unwrap();
        linker.instance(&store, "lib", library);
        let user = Module::new(&engine, wat::parse_str(USER).unwrap()).unwrap();
        let user = linker.instantiate(&mut store, &user).unwrap();
        // (0x41 + 1) * 256 + 0x42: the library read its memory, the user its own.
        assert_eq!(call(&mut store, &user, "run", &[Val::I32(1)]), Ok(vec![Val::I32(0x42 * 256 + 0x42)]), "{tier}");
        assert_eq!(call(&mut store, &user, "run", &[Val::I32(2)]), Ok(vec![Val::I32(0x43 * 256 + 0x42)]), "{tier}");
    }
}
