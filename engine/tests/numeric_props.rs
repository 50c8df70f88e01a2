//! Property tests: every numeric instruction of the interpreter against a
//! reference written here with Rust's own arithmetic, biased towards the
//! edge values where implementations go wrong.

// The reference spells out rotations and division checks by hand on purpose:
// it must not share the engine's formulation.
#![allow(clippy::manual_rotate, clippy::manual_checked_ops)]

use engine::{Error, Instance, Linker, Module, Store, Tier, TrapCode, Val, ValType};

#[macro_use]
mod common;
use proptest::prelude::*;

#[derive(Clone, Copy, Debug, PartialEq)]
enum V {
    I32(i32),
    I64(i64),
    F32(u32),
    F64(u64),
}

use V::*;

type Reference = fn(&[V]) -> Result<V, TrapCode>;

/// (instruction, parameter types, result type, reference semantics)
struct Op(&'static str, &'static [ValType], ValType, Reference);

const I: ValType = ValType::I32;
const L: ValType = ValType::I64;
const F: ValType = ValType::F32;
const D: ValType = ValType::F64;

fn i(v: &V) -> i32 {
    if let I32(x) = v { *x } else { unreachable!() }
}
fn l(v: &V) -> i64 {
    if let I64(x) = v { *x } else { unreachable!() }
}
fn f(v: &V) -> f32 {
    if let F32(x) = v { f32::from_bits(*x) } else { unreachable!() }
}
fn d(v: &V) -> f64 {
    if let F64(x) = v { f64::from_bits(*x) } else { unreachable!() }
}
fn rf(x: f32) -> Result<V, TrapCode> {
    Ok(F32(x.to_bits()))
}
fn rd(x: f64) -> Result<V, TrapCode> {
    Ok(F64(x.to_bits()))
}
fn b(x: bool) -> Result<V, TrapCode> {
    Ok(I32(x as i32))
}

fn fmin<T: PartialOrd + Copy>(a: T, b: T, nan: bool, a_neg: bool) -> Option<T> {
    if nan {
        None
    } else if a < b || (a == b && a_neg) {
        Some(a)
    } else {
        Some(b)
    }
}

macro_rules! minmax {
    ($name:ident, $t:ty, $is_min:expr) => {
        fn $name(a: $t, b: $t) -> $t {
            if a.is_nan() || b.is_nan() {
                return <$t>::NAN;
            }
            let pick_a = if $is_min {
                fmin(a, b, false, a.is_sign_negative()).map(|m| m.to_bits() == a.to_bits()).unwrap()
            } else {
                a > b || (a == b && !a.is_sign_negative())
            };
            if pick_a { a } else { b }
        }
    };
}
minmax!(min32, f32, true);
minmax!(max32, f32, false);
minmax!(min64, f64, true);
minmax!(max64, f64, false);

/// Trapping float→int conversion: valid iff `lo < x < hi` (exclusive bounds
/// are the first unrepresentable integers on each side).
fn trunc(x: f64, lo: f64, hi: f64) -> Result<f64, TrapCode> {
    if x.is_nan() {
        Err(TrapCode::BadConversionToInteger)
    } else if x <= lo || x >= hi {
        Err(TrapCode::IntegerOverflow)
    } else {
        Ok(x.trunc())
    }
}

fn idiv<T: Copy + PartialEq>(a: T, b: T, zero: T, min: T, neg1: T, op: fn(T, T) -> T) -> Result<T, TrapCode> {
    if b == zero {
        Err(TrapCode::IntegerDivisionByZero)
    } else if a == min && b == neg1 {
        Err(TrapCode::IntegerOverflow)
    } else {
        Ok(op(a, b))
    }
}

const OPS: &[Op] = &[
    Op("i32.add", &[I, I], I, |a| Ok(I32(i(&a[0]).wrapping_add(i(&a[1]))))),
    Op("i32.sub", &[I, I], I, |a| Ok(I32(i(&a[0]).wrapping_sub(i(&a[1]))))),
    Op("i32.mul", &[I, I], I, |a| Ok(I32(i(&a[0]).wrapping_mul(i(&a[1]))))),
    Op("i32.div_s", &[I, I], I, |a| idiv(i(&a[0]), i(&a[1]), 0, i32::MIN, -1, |x, y| x / y).map(I32)),
    Op("i32.div_u", &[I, I], I, |a| {
        let (x, y) = (i(&a[0]) as u32, i(&a[1]) as u32);
        if y == 0 { Err(TrapCode::IntegerDivisionByZero) } else { Ok(I32((x / y) as i32)) }
    }),
    Op("i32.rem_s", &[I, I], I, |a| {
        let (x, y) = (i(&a[0]), i(&a[1]));
        if y == 0 {
            Err(TrapCode::IntegerDivisionByZero)
        } else if y == -1 {
            Ok(I32(0))
        } else {
            Ok(I32(x % y))
        }
    }),
    Op("i32.rem_u", &[I, I], I, |a| {
        let (x, y) = (i(&a[0]) as u32, i(&a[1]) as u32);
        if y == 0 { Err(TrapCode::IntegerDivisionByZero) } else { Ok(I32((x % y) as i32)) }
    }),
    Op("i32.and", &[I, I], I, |a| Ok(I32(i(&a[0]) & i(&a[1])))),
    Op("i32.or", &[I, I], I, |a| Ok(I32(i(&a[0]) | i(&a[1])))),
    Op("i32.xor", &[I, I], I, |a| Ok(I32(i(&a[0]) ^ i(&a[1])))),
    Op("i32.shl", &[I, I], I, |a| Ok(I32(i(&a[0]) << (i(&a[1]) & 31)))),
    Op("i32.shr_s", &[I, I], I, |a| Ok(I32(i(&a[0]) >> (i(&a[1]) & 31)))),
    Op("i32.shr_u", &[I, I], I, |a| Ok(I32(((i(&a[0]) as u32) >> (i(&a[1]) & 31)) as i32))),
    Op("i32.rotl", &[I, I], I, |a| {
        let (x, k) = (i(&a[0]) as u32, (i(&a[1]) & 31) as u32);
        Ok(I32(if k == 0 { x } else { (x << k) | (x >> (32 - k)) } as i32))
    }),
    Op("i32.rotr", &[I, I], I, |a| {
        let (x, k) = (i(&a[0]) as u32, (i(&a[1]) & 31) as u32);
        Ok(I32(if k == 0 { x } else { (x >> k) | (x << (32 - k)) } as i32))
    }),
    Op("i32.eq", &[I, I], I, |a| b(i(&a[0]) == i(&a[1]))),
    Op("i32.ne", &[I, I], I, |a| b(i(&a[0]) != i(&a[1]))),
    Op("i32.lt_s", &[I, I], I, |a| b(i(&a[0]) < i(&a[1]))),
    Op("i32.lt_u", &[I, I], I, |a| b((i(&a[0]) as u32) < i(&a[1]) as u32)),
    Op("i32.gt_s", &[I, I], I, |a| b(i(&a[0]) > i(&a[1]))),
    Op("i32.gt_u", &[I, I], I, |a| b(i(&a[0]) as u32 > i(&a[1]) as u32)),
    Op("i32.le_s", &[I, I], I, |a| b(i(&a[0]) <= i(&a[1]))),
    Op("i32.le_u", &[I, I], I, |a| b(i(&a[0]) as u32 <= i(&a[1]) as u32)),
    Op("i32.ge_s", &[I, I], I, |a| b(i(&a[0]) >= i(&a[1]))),
    Op("i32.ge_u", &[I, I], I, |a| b(i(&a[0]) as u32 >= i(&a[1]) as u32)),
    Op("i32.clz", &[I], I, |a| Ok(I32((0..32).take_while(|k| i(&a[0]) as u32 & (1 << (31 - k)) == 0).count() as i32))),
    Op("i32.ctz", &[I], I, |a| Ok(I32((0..32).take_while(|k| i(&a[0]) as u32 & (1 << k) == 0).count() as i32))),
    Op("i32.popcnt", &[I], I, |a| Ok(I32((0..32).filter(|k| i(&a[0]) as u32 & (1 << k) != 0).count() as i32))),
    Op("i32.eqz", &[I], I, |a| b(i(&a[0]) == 0)),
    Op("i32.extend8_s", &[I], I, |a| Ok(I32((i(&a[0]) << 24) >> 24))),
    Op("i32.extend16_s", &[I], I, |a| Ok(I32((i(&a[0]) << 16) >> 16))),
    Op("i64.add", &[L, L], L, |a| Ok(I64(l(&a[0]).wrapping_add(l(&a[1]))))),
    Op("i64.sub", &[L, L], L, |a| Ok(I64(l(&a[0]).wrapping_sub(l(&a[1]))))),
    Op("i64.mul", &[L, L], L, |a| Ok(I64(l(&a[0]).wrapping_mul(l(&a[1]))))),
    Op("i64.div_s", &[L, L], L, |a| idiv(l(&a[0]), l(&a[1]), 0, i64::MIN, -1, |x, y| x / y).map(I64)),
    Op("i64.div_u", &[L, L], L, |a| {
        let (x, y) = (l(&a[0]) as u64, l(&a[1]) as u64);
        if y == 0 { Err(TrapCode::IntegerDivisionByZero) } else { Ok(I64((x / y) as i64)) }
    }),
    Op("i64.rem_s", &[L, L], L, |a| {
        let (x, y) = (l(&a[0]), l(&a[1]));
        if y == 0 {
            Err(TrapCode::IntegerDivisionByZero)
        } else if y == -1 {
            Ok(I64(0))
        } else {
            Ok(I64(x % y))
        }
    }),
    Op("i64.rem_u", &[L, L], L, |a| {
        let (x, y) = (l(&a[0]) as u64, l(&a[1]) as u64);
        if y == 0 { Err(TrapCode::IntegerDivisionByZero) } else { Ok(I64((x % y) as i64)) }
    }),
    Op("i64.and", &[L, L], L, |a| Ok(I64(l(&a[0]) & l(&a[1])))),
    Op("i64.or", &[L, L], L, |a| Ok(I64(l(&a[0]) | l(&a[1])))),
    Op("i64.xor", &[L, L], L, |a| Ok(I64(l(&a[0]) ^ l(&a[1])))),
    Op("i64.shl", &[L, L], L, |a| Ok(I64(l(&a[0]) << (l(&a[1]) & 63)))),
    Op("i64.shr_s", &[L, L], L, |a| Ok(I64(l(&a[0]) >> (l(&a[1]) & 63)))),
    Op("i64.shr_u", &[L, L], L, |a| Ok(I64(((l(&a[0]) as u64) >> (l(&a[1]) & 63)) as i64))),
    Op("i64.rotl", &[L, L], L, |a| {
        let (x, k) = (l(&a[0]) as u64, (l(&a[1]) & 63) as u64);
        Ok(I64(if k == 0 { x } else { (x << k) | (x >> (64 - k)) } as i64))
    }),
    Op("i64.rotr", &[L, L], L, |a| {
        let (x, k) = (l(&a[0]) as u64, (l(&a[1]) & 63) as u64);
        Ok(I64(if k == 0 { x } else { (x >> k) | (x << (64 - k)) } as i64))
    }),
    Op("i64.eq", &[L, L], I, |a| b(l(&a[0]) == l(&a[1]))),
    Op("i64.ne", &[L, L], I, |a| b(l(&a[0]) != l(&a[1]))),
    Op("i64.lt_s", &[L, L], I, |a| b(l(&a[0]) < l(&a[1]))),
    Op("i64.lt_u", &[L, L], I, |a| b((l(&a[0]) as u64) < l(&a[1]) as u64)),
    Op("i64.gt_s", &[L, L], I, |a| b(l(&a[0]) > l(&a[1]))),
    Op("i64.gt_u", &[L, L], I, |a| b(l(&a[0]) as u64 > l(&a[1]) as u64)),
    Op("i64.le_s", &[L, L], I, |a| b(l(&a[0]) <= l(&a[1]))),
    Op("i64.le_u", &[L, L], I, |a| b(l(&a[0]) as u64 <= l(&a[1]) as u64)),
    Op("i64.ge_s", &[L, L], I, |a| b(l(&a[0]) >= l(&a[1]))),
    Op("i64.ge_u", &[L, L], I, |a| b(l(&a[0]) as u64 >= l(&a[1]) as u64)),
    Op("i64.clz", &[L], L, |a| Ok(I64((0..64).take_while(|k| l(&a[0]) as u64 & (1 << (63 - k)) == 0).count() as i64))),
    Op("i64.ctz", &[L], L, |a| Ok(I64((0..64).take_while(|k| l(&a[0]) as u64 & (1 << k) == 0).count() as i64))),
    Op("i64.popcnt", &[L], L, |a| Ok(I64((0..64).filter(|k| l(&a[0]) as u64 & (1 << k) != 0).count() as i64))),
    Op("i64.eqz", &[L], I, |a| b(l(&a[0]) == 0)),
    Op("i64.extend8_s", &[L], L, |a| Ok(I64((l(&a[0]) << 56) >> 56))),
    Op("i64.extend16_s", &[L], L, |a| Ok(I64((l(&a[0]) << 48) >> 48))),
    Op("i64.extend32_s", &[L], L, |a| Ok(I64((l(&a[0]) << 32) >> 32))),
    Op("f32.add", &[F, F], F, |a| rf(f(&a[0]) + f(&a[1]))),
    Op("f32.sub", &[F, F], F, |a| rf(f(&a[0]) - f(&a[1]))),
    Op("f32.mul", &[F, F], F, |a| rf(f(&a[0]) * f(&a[1]))),
    Op("f32.div", &[F, F], F, |a| rf(f(&a[0]) / f(&a[1]))),
    Op("f32.min", &[F, F], F, |a| rf(min32(f(&a[0]), f(&a[1])))),
    Op("f32.max", &[F, F], F, |a| rf(max32(f(&a[0]), f(&a[1])))),
    Op("f32.copysign", &[F, F], F, |a| rf(f(&a[0]).copysign(f(&a[1])))),
    Op("f32.eq", &[F, F], I, |a| b(f(&a[0]) == f(&a[1]))),
    Op("f32.ne", &[F, F], I, |a| b(f(&a[0]) != f(&a[1]))),
    Op("f32.lt", &[F, F], I, |a| b(f(&a[0]) < f(&a[1]))),
    Op("f32.gt", &[F, F], I, |a| b(f(&a[0]) > f(&a[1]))),
    Op("f32.le", &[F, F], I, |a| b(f(&a[0]) <= f(&a[1]))),
    Op("f32.ge", &[F, F], I, |a| b(f(&a[0]) >= f(&a[1]))),
    Op("f32.abs", &[F], F, |a| rf(f(&a[0]).abs())),
    Op("f32.neg", &[F], F, |a| rf(-f(&a[0]))),
    Op("f32.ceil", &[F], F, |a| rf(f(&a[0]).ceil())),
    Op("f32.floor", &[F], F, |a| rf(f(&a[0]).floor())),
    Op("f32.trunc", &[F], F, |a| rf(f(&a[0]).trunc())),
    Op("f32.nearest", &[F], F, |a| rf(f(&a[0]).round_ties_even())),
    Op("f32.sqrt", &[F], F, |a| rf(f(&a[0]).sqrt())),
    Op("f64.add", &[D, D], D, |a| rd(d(&a[0]) + d(&a[1]))),
    Op("f64.sub", &[D, D], D, |a| rd(d(&a[0]) - d(&a[1]))),
    Op("f64.mul", &[D, D], D, |a| rd(d(&a[0]) * d(&a[1]))),
    Op("f64.div", &[D, D], D, |a| rd(d(&a[0]) / d(&a[1]))),
    Op("f64.min", &[D, D], D, |a| rd(min64(d(&a[0]), d(&a[1])))),
    Op("f64.max", &[D, D], D, |a| rd(max64(d(&a[0]), d(&a[1])))),
    Op("f64.copysign", &[D, D], D, |a| rd(d(&a[0]).copysign(d(&a[1])))),
    Op("f64.eq", &[D, D], I, |a| b(d(&a[0]) == d(&a[1]))),
    Op("f64.ne", &[D, D], I, |a| b(d(&a[0]) != d(&a[1]))),
    Op("f64.lt", &[D, D], I, |a| b(d(&a[0]) < d(&a[1]))),
    Op("f64.gt", &[D, D], I, |a| b(d(&a[0]) > d(&a[1]))),
    Op("f64.le", &[D, D], I, |a| b(d(&a[0]) <= d(&a[1]))),
    Op("f64.ge", &[D, D], I, |a| b(d(&a[0]) >= d(&a[1]))),
    Op("f64.abs", &[D], D, |a| rd(d(&a[0]).abs())),
    Op("f64.neg", &[D], D, |a| rd(-d(&a[0]))),
    Op("f64.ceil", &[D], D, |a| rd(d(&a[0]).ceil())),
    Op("f64.floor", &[D], D, |a| rd(d(&a[0]).floor())),
    Op("f64.trunc", &[D], D, |a| rd(d(&a[0]).trunc())),
    Op("f64.nearest", &[D], D, |a| rd(d(&a[0]).round_ties_even())),
    Op("f64.sqrt", &[D], D, |a| rd(d(&a[0]).sqrt())),
    Op("i32.wrap_i64", &[L], I, |a| Ok(I32(l(&a[0]) as i32))),
    Op("i64.extend_i32_s", &[I], L, |a| Ok(I64(i(&a[0]) as i64))),
    Op("i64.extend_i32_u", &[I], L, |a| Ok(I64(i(&a[0]) as u32 as i64))),
    Op("i32.trunc_f32_s", &[F], I, |a| trunc(f(&a[0]) as f64, -2147483649.0, 2147483648.0).map(|t| I32(t as i32))),
    Op("i32.trunc_f32_u", &[F], I, |a| trunc(f(&a[0]) as f64, -1.0, 4294967296.0).map(|t| I32(t as u32 as i32))),
    Op("i32.trunc_f64_s", &[D], I, |a| trunc(d(&a[0]), -2147483649.0, 2147483648.0).map(|t| I32(t as i32))),
    Op("i32.trunc_f64_u", &[D], I, |a| trunc(d(&a[0]), -1.0, 4294967296.0).map(|t| I32(t as u32 as i32))),
    Op("i64.trunc_f32_s", &[F], L, |a| {
        trunc(f(&a[0]) as f64, -9223373136366403584.0, 9223372036854775808.0).map(|t| I64(t as i64))
    }),
    Op("i64.trunc_f32_u", &[F], L, |a| {
        trunc(f(&a[0]) as f64, -1.0, 18446744073709551616.0).map(|t| I64(t as u64 as i64))
    }),
    Op("i64.trunc_f64_s", &[D], L, |a| {
        trunc(d(&a[0]), -9223372036854777856.0, 9223372036854775808.0).map(|t| I64(t as i64))
    }),
    Op("i64.trunc_f64_u", &[D], L, |a| trunc(d(&a[0]), -1.0, 18446744073709551616.0).map(|t| I64(t as u64 as i64))),
    Op("i32.trunc_sat_f32_s", &[F], I, |a| Ok(I32(f(&a[0]) as i32))),
    Op("i32.trunc_sat_f32_u", &[F], I, |a| Ok(I32(f(&a[0]) as u32 as i32))),
    Op("i32.trunc_sat_f64_s", &[D], I, |a| Ok(I32(d(&a[0]) as i32))),
    Op("i32.trunc_sat_f64_u", &[D], I, |a| Ok(I32(d(&a[0]) as u32 as i32))),
    Op("i64.trunc_sat_f32_s", &[F], L, |a| Ok(I64(f(&a[0]) as i64))),
    Op("i64.trunc_sat_f32_u", &[F], L, |a| Ok(I64(f(&a[0]) as u64 as i64))),
    Op("i64.trunc_sat_f64_s", &[D], L, |a| Ok(I64(d(&a[0]) as i64))),
    Op("i64.trunc_sat_f64_u", &[D], L, |a| Ok(I64(d(&a[0]) as u64 as i64))),
    Op("f32.convert_i32_s", &[I], F, |a| rf(i(&a[0]) as f32)),
    Op("f32.convert_i32_u", &[I], F, |a| rf(i(&a[0]) as u32 as f32)),
    Op("f32.convert_i64_s", &[L], F, |a| rf(l(&a[0]) as f32)),
    Op("f32.convert_i64_u", &[L], F, |a| rf(l(&a[0]) as u64 as f32)),
    Op("f64.convert_i32_s", &[I], D, |a| rd(i(&a[0]) as f64)),
    Op("f64.convert_i32_u", &[I], D, |a| rd(i(&a[0]) as u32 as f64)),
    Op("f64.convert_i64_s", &[L], D, |a| rd(l(&a[0]) as f64)),
    Op("f64.convert_i64_u", &[L], D, |a| rd(l(&a[0]) as u64 as f64)),
    Op("f32.demote_f64", &[D], F, |a| rf(d(&a[0]) as f32)),
    Op("f64.promote_f32", &[F], D, |a| rd(f(&a[0]) as f64)),
    Op("i32.reinterpret_f32", &[F], I, |a| Ok(I32(f(&a[0]).to_bits() as i32))),
    Op("f32.reinterpret_i32", &[I], F, |a| Ok(F32(i(&a[0]) as u32))),
    Op("i64.reinterpret_f64", &[D], L, |a| Ok(I64(d(&a[0]).to_bits() as i64))),
    Op("f64.reinterpret_i64", &[L], D, |a| Ok(F64(l(&a[0]) as u64))),
];

/// Bitwise float ops must preserve NaN payloads exactly; the others may
/// return any NaN that the spec allows.
fn is_bitwise(name: &str) -> bool {
    ["abs", "neg", "copysign", "reinterpret"].iter().any(|k| name.contains(k))
}

fn instance(tier: Tier) -> (Store<()>, Instance) {
    let mut wat = String::from("(module\n");
    for Op(name, params, result, _) in OPS {
        let ps: Vec<String> = params.iter().map(|p| p.to_string()).collect();
        let gets: String = (0..params.len()).map(|k| format!("local.get {k} ")).collect();
        wat += &format!("(func (export \"{name}\") (param {}) (result {result}) {gets}{name})\n", ps.join(" "));
    }
    wat += ")";
    let engine = common::engine(tier);
    let module = Module::new(&engine, &wat).expect("the op table compiles");
    let mut store = Store::new(&engine, ());
    let instance = Linker::new(&engine).instantiate(&mut store, &module).unwrap();
    (store, instance)
}

fn to_val(v: V) -> Val {
    match v {
        I32(x) => Val::I32(x),
        I64(x) => Val::I64(x),
        F32(x) => Val::F32(x),
        F64(x) => Val::F64(x),
    }
}

fn nan_bits_ok(bits: u64, width: u32, any_noncanonical_input: bool) -> bool {
    let (exp, quiet, payload) =
        if width == 32 { (0x7f80_0000u64, 0x40_0000u64, 0x7f_ffffu64) } else { (0x7ff << 52, 1 << 51, (1 << 52) - 1) };
    let is_nan = bits & exp == exp && bits & payload != 0;
    let canonical = bits & payload == quiet;
    let arithmetic = bits & quiet != 0;
    is_nan && (canonical || (any_noncanonical_input && arithmetic))
}

fn check(store: &mut Store<()>, instance: Instance, op: &Op, args: &[V]) -> Result<(), TestCaseError> {
    let Op(name, _, result_ty, reference) = op;
    let func = instance.get_func(&*store, name).unwrap();
    let vals: Vec<Val> = args.iter().map(|a| to_val(*a)).collect();
    let mut out = [Val::default_for(*result_ty)];
    let actual = match func.call(&mut *store, &vals, &mut out) {
        Ok(()) => Ok(out[0]),
        Err(Error::Trap(t)) => Err(t.code()),
        Err(e) => panic!("{name}: {e}"),
    };
    let expected = reference(args).map(to_val);
    let noncanonical = args.iter().any(|a| match a {
        F32(b) => f32::from_bits(*b).is_nan() && b & 0x7f_ffff != 0x40_0000,
        F64(b) => f64::from_bits(*b).is_nan() && b & ((1 << 52) - 1) != 1 << 51,
        _ => false,
    });
    match (&expected, &actual) {
        (Ok(Val::F32(e)), Ok(Val::F32(a))) if f32::from_bits(*e).is_nan() && !is_bitwise(name) => {
            prop_assert!(nan_bits_ok(*a as u64, 32, noncanonical), "{name}{args:?}: got {a:#x}, a NaN was due");
        }
        (Ok(Val::F64(e)), Ok(Val::F64(a))) if f64::from_bits(*e).is_nan() && !is_bitwise(name) => {
            prop_assert!(nan_bits_ok(*a, 64, noncanonical), "{name}{args:?}: got {a:#x}, a NaN was due");
        }
        _ => prop_assert_eq!(actual, expected, "{}{:?}", name, args),
    }
    Ok(())
}

fn i32s() -> impl Strategy<Value = i32> {
    prop_oneof![
        prop::sample::select(vec![
            0,
            1,
            -1,
            2,
            31,
            32,
            33,
            63,
            64,
            i32::MIN,
            i32::MAX,
            i32::MIN + 1,
            0x7f,
            0x80,
            0xff,
            0x8000,
            0xffff
        ]),
        any::<i32>(),
    ]
}

fn i64s() -> impl Strategy<Value = i64> {
    prop_oneof![
        prop::sample::select(vec![
            0,
            1,
            -1,
            31,
            32,
            63,
            64,
            65,
            i64::MIN,
            i64::MAX,
            i64::MIN + 1,
            0x80,
            0x8000,
            0x8000_0000,
            u32::MAX as i64
        ]),
        any::<i64>(),
        any::<i32>().prop_map(|v| v as i64),
    ]
}

fn f32s() -> impl Strategy<Value = u32> {
    let edges: Vec<u32> = [
        0.0f32,
        -0.0,
        1.0,
        -1.0,
        0.5,
        -0.5,
        1.5,
        2.5,
        -2.5,
        f32::INFINITY,
        f32::NEG_INFINITY,
        f32::MAX,
        f32::MIN,
        f32::MIN_POSITIVE,
        2147483648.0,
        -2147483648.0,
        2147483520.0,
        4294967296.0,
        4294967040.0,
        9223372036854775808.0,
        -9223372036854775808.0,
        18446744073709551616.0,
        -0.99999994,
    ]
    .iter()
    .map(|f| f.to_bits())
    .chain([0x7fc0_0000, 0xffc0_0000, 0x7fa0_0000, 0x7f80_0001, 0xff80_0001, 0x0000_0001, 0x8000_0001, 0x007f_ffff])
    .collect();
    prop_oneof![prop::sample::select(edges), any::<u32>(), any::<i32>().prop_map(|v| (v as f32).to_bits())]
}

fn f64s() -> impl Strategy<Value = u64> {
    let edges: Vec<u64> = [
        0.0f64,
        -0.0,
        1.0,
        -1.0,
        0.5,
        -0.5,
        1.5,
        2.5,
        -2.5,
        f64::INFINITY,
        f64::NEG_INFINITY,
        f64::MAX,
        f64::MIN,
        f64::MIN_POSITIVE,
        2147483648.0,
        -2147483648.0,
        2147483647.0,
        -2147483649.0,
        -2147483648.9,
        2147483647.9,
        4294967296.0,
        4294967295.9,
        -0.9999999999999999,
        9223372036854775808.0,
        -9223372036854775808.0,
        9223372036854774784.0,
        18446744073709551616.0,
        18446744073709549568.0,
        f32::MAX as f64,
        3.4028235677973366e38,
    ]
    .iter()
    .map(|f| f.to_bits())
    .chain([
        0x7ff8_0000_0000_0000,
        0xfff8_0000_0000_0000,
        0x7ff4_0000_0000_0000,
        0x7ff0_0000_0000_0001,
        1,
        0x8000_0000_0000_0001,
    ])
    .collect();
    prop_oneof![prop::sample::select(edges), any::<u64>(), any::<i64>().prop_map(|v| (v as f64).to_bits())]
}

fn args_for(types: &'static [ValType]) -> impl Strategy<Value = Vec<V>> {
    types
        .iter()
        .map(|t| match t {
            ValType::I32 => i32s().prop_map(I32).boxed(),
            ValType::I64 => i64s().prop_map(I64).boxed(),
            ValType::F32 => f32s().prop_map(F32).boxed(),
            _ => f64s().prop_map(F64).boxed(),
        })
        .collect::<Vec<_>>()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 40_000, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn numeric_instructions_match_the_reference(
        (index, args) in (0..OPS.len()).prop_flat_map(|k| (Just(k), args_for(OPS[k].1)))
    ) {
        // One instance per tier and thread, checked in turn on every case.
        thread_local! {
            static INSTANCES: std::cell::RefCell<Vec<(Store<()>, Instance)>> =
                std::cell::RefCell::new(Tier::ALL.into_iter().map(instance).collect());
        }
        INSTANCES.with(|cell| {
            for (store, instance) in cell.borrow_mut().iter_mut() {
                check(store, *instance, &OPS[index], &args)?;
            }
            Ok::<_, TestCaseError>(())
        })?;
    }
}

fn every_op_of_the_table_is_exercised_on_its_edges(tier: Tier) {
    // Deterministic sweep: all edge values of each operand type for every op.
    let (mut store, instance) = instance(tier);
    let edge = |t: &ValType| -> Vec<V> {
        match t {
            ValType::I32 => vec![I32(0), I32(-1), I32(i32::MIN), I32(i32::MAX), I32(1)],
            ValType::I64 => vec![I64(0), I64(-1), I64(i64::MIN), I64(i64::MAX), I64(1)],
            ValType::F32 => [0.0f32, -0.0, f32::NAN, f32::INFINITY, f32::NEG_INFINITY, f32::MIN_POSITIVE / 2.0, -1.5]
                .iter()
                .map(|f| F32(f.to_bits()))
                .collect(),
            _ => [0.0f64, -0.0, f64::NAN, f64::INFINITY, f64::NEG_INFINITY, f64::MIN_POSITIVE / 2.0, -1.5]
                .iter()
                .map(|f| F64(f.to_bits()))
                .collect(),
        }
    };
    let mut checked = 0;
    for op in OPS {
        let lists: Vec<Vec<V>> = op.1.iter().map(edge).collect();
        let combos: Vec<Vec<V>> = if lists.len() == 1 {
            lists[0].iter().map(|a| vec![*a]).collect()
        } else {
            lists[0].iter().flat_map(|a| lists[1].iter().map(move |b| vec![*a, *b])).collect()
        };
        for args in combos {
            check(&mut store, instance, op, &args).unwrap();
            checked += 1;
        }
    }
    assert!(checked > 1000);
}

on_every_tier!(every_op_of_the_table_is_exercised_on_its_edges,);
