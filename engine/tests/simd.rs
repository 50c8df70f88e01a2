//! v128 values through the public API and SIMD modules' validation, on
//! every tier: a tier with SIMD runs them, a tier without refuses them
//! with a validation error.

use engine::{Engine, Error, Func, Global, GlobalType, Linker, Module, Proposal, Store, Tier, Val, ValType};

#[macro_use]
mod common;

/// `i32x4` lanes (lane 0 first) as a v128's bits.
fn i32x4(lanes: [u32; 4]) -> u128 {
    lanes.iter().rev().fold(0u128, |bits, lane| bits << 32 | u128::from(*lane))
}

const BOUNDARIES: &str = r#"(module
    (import "env" "swap_halves" (func $swap (param v128) (result v128)))
    (import "env" "step" (global $step v128))
    (type $binary (func (param v128 v128) (result v128)))
    (table 2 funcref)
    (elem (i32.const 0) $add $sub)
    (memory 1)
    (global $acc (export "acc") (mut v128) (v128.const i32x4 1 2 3 4))
    (func $add (export "add") (param v128 v128) (result v128) (i32x4.add (local.get 0) (local.get 1)))
    (func $sub (param v128 v128) (result v128) (i32x4.sub (local.get 0) (local.get 1)))
    (func (export "indirect") (param v128 v128 i32) (result v128)
      (call_indirect (type $binary) (local.get 0) (local.get 1) (local.get 2)))
    (func (export "via_host") (param v128) (result v128) (call $swap (local.get 0)))
    (func (export "accumulate") (param i32)
      (loop $again
        (global.set $acc (i32x4.add (global.get $acc) (global.get $step)))
        (br_if $again (local.tee 0 (i32.sub (local.get 0) (i32.const 1))))))
    ;; Block parameters and results, select, a zeroed local, multi-value.
    (func (export "pick") (param v128 i32) (result i32 v128 f64) (local $zero v128)
      (i32.const 7)
      (local.get 0)
      (block (param v128) (result v128)
        (select (local.get $zero) (v128.const i32x4 9 9 9 9) (local.get 1))
        (i32x4.add))
      (f64.const 2.5))
    ;; 32-bit results after a v128 (found by fuzzing: the compiling tiers
    ;; cleared the upper half of the word at a 32-bit result's index, not
    ;; at its word, which cut a v128 before it).
    (func (export "spread") (param v128) (result f32 v128 i32 v128 f32)
      (f32.const -1) (local.get 0) (i32.const -2) (local.get 0) (f32.const 0.5))
    (func (export "round_trip") (param v128 i32) (result v128)
      (v128.store offset=3 (local.get 1) (local.get 0))
      (v128.load offset=3 (local.get 1))))"#;

fn v128_values_cross_every_boundary(tier: Tier) {
    let engine = common::engine(tier);
    if !Proposal::Simd.supported_by(tier) {
        match Module::new(&engine, BOUNDARIES) {
            Err(Error::Validation { message, .. }) => assert!(message.contains("SIMD"), "{message}"),
            other => panic!("a tier without SIMD refuses v128: {other:?}"),
        }
        return;
    }
    let module = Module::new(&engine, BOUNDARIES).expect("SIMD module compiles");
    let mut store = Store::new(&engine, ());
    let swap = Func::wrap(&mut store, |_: engine::Caller<'_, ()>, v: u128| v.rotate_left(64));
    let step = Global::new(
        &mut store,
        GlobalType { content: ValType::V128, mutable: false },
        Val::V128(i32x4([10, 20, 30, 40])),
    )
    .unwrap();
    let mut linker = Linker::new(&engine);
    linker.define("env", "swap_halves", swap).define("env", "step", step);
    let instance = linker.instantiate(&mut store, &module).unwrap();

    let add = instance.get_func(&store, "add").unwrap().typed::<_, (u128, u128), u128>(&store).unwrap();
    let (a, b) = (i32x4([1, 2, u32::MAX, 4]), i32x4([5, 6, 1, 8]));
    assert_eq!(add.call(&mut store, (a, b)).unwrap(), i32x4([6, 8, 0, 12]));

    let indirect = instance.get_func(&store, "indirect").unwrap().typed::<_, (u128, u128, i32), u128>(&store).unwrap();
    assert_eq!(
        indirect.call(&mut store, (a, b, 1)).unwrap(),
        i32x4([u32::MAX - 3, u32::MAX - 3, u32::MAX - 1, 0xffff_fffc])
    );

    let via_host = instance.get_func(&store, "via_host").unwrap().typed::<_, u128, u128>(&store).unwrap();
    assert_eq!(via_host.call(&mut store, a).unwrap(), i32x4([u32::MAX, 4, 1, 2]));

    let acc = instance.get_global(&store, "acc").unwrap();
    assert_eq!(acc.get(&store).unwrap(), Val::V128(i32x4([1, 2, 3, 4])));
    instance.get_func(&store, "accumulate").unwrap().call(&mut store, &[Val::I32(3)], &mut []).unwrap();
    assert_eq!(acc.get(&store).unwrap(), Val::V128(i32x4([31, 62, 93, 124])));
    acc.set(&mut store, Val::V128(u128::MAX)).unwrap();
    instance.get_func(&store, "accumulate").unwrap().call(&mut store, &[Val::I32(1)], &mut []).unwrap();
    assert_eq!(acc.get(&store).unwrap(), Val::V128(i32x4([9, 19, 29, 39])));

    let pick = instance.get_func(&store, "pick").unwrap();
    let mut results = [Val::I32(0), Val::V128(0), Val::F64(0)];
    for (condition, added) in [(1, 0), (0, 9)] {
        pick.call(&mut store, &[Val::V128(a), Val::I32(condition)], &mut results).unwrap();
        let expected = i32x4([1 + added, 2 + added, u32::MAX.wrapping_add(added), 4 + added]);
        assert_eq!(results, [Val::I32(7), Val::V128(expected), Val::F64(2.5f64.to_bits())]);
    }

    let spread = instance.get_func(&store, "spread").unwrap();
    let mut results = [Val::I32(0), Val::V128(0), Val::I32(0), Val::V128(0), Val::I32(0)];
    spread.call(&mut store, &[Val::V128(u128::MAX)], &mut results).unwrap();
    let expected = [
        Val::F32((-1f32).to_bits()),
        Val::V128(u128::MAX),
        Val::I32(-2),
        Val::V128(u128::MAX),
        Val::F32(0.5f32.to_bits()),
    ];
    assert_eq!(results, expected);

    let round_trip = instance.get_func(&store, "round_trip").unwrap().typed::<_, (u128, i32), u128>(&store).unwrap();
    let pattern = 0x0f0e_0d0c_0b0a_0908_0706_0504_0302_0100u128;
    assert_eq!(round_trip.call(&mut store, (pattern, 65536 - 19)).unwrap(), pattern);
    let memory = instance.get_memory(&store, "memory");
    assert!(memory.is_none(), "the memory is not exported");
    assert!(round_trip.call(&mut store, (pattern, 65536 - 18)).is_err(), "one byte past the end traps");
}

/// Malformed SIMD immediates and v128 where it cannot go: validation
/// errors pointing into the function body, on every tier.
fn malformed_simd_is_a_validation_error(tier: Tier) {
    let engine = common::engine(tier);
    // (func (result i32) v128.const 0 ; i8x16.extract_lane_s LANE): the lane
    // byte is the body's last before `end`.
    let extract = |lane: u8| {
        let mut body = vec![0x00, 0xfd, 0x0c];
        body.extend([0u8; 16]);
        body.extend([0xfd, 0x15, lane, 0x0b]);
        body
    };
    let shuffle = |last_lane: u8| {
        let mut body = vec![0x00, 0xfd, 0x0c];
        body.extend([0u8; 16]);
        body.extend([0xfd, 0x0c]);
        body.extend([0u8; 16]);
        body.extend([0xfd, 0x0d]);
        body.extend([0u8; 15]);
        body.extend([last_lane, 0xfd, 0x62, 0x0b]); // i8x16.popcnt keeps one v128
        body
    };
    let result_i32 = [0x60, 0x00, 0x01, 0x7f];
    let result_v128 = [0x60, 0x00, 0x01, 0x7b];
    for (what, ty, body, valid) in [
        ("extract lane 15", &result_i32, extract(15), true),
        ("extract lane 16", &result_i32, extract(16), false),
        ("shuffle lane 31", &result_v128, shuffle(31), true),
        ("shuffle lane 32", &result_v128, shuffle(32), false),
    ] {
        let bytes = module(ty, &body);
        let result = Module::new(&engine, &bytes);
        let body_start = (bytes.len() - body.len()) as u64;
        match result {
            Ok(_) if valid && Proposal::Simd.supported_by(tier) => {}
            Err(Error::Validation { offset, message }) if !Proposal::Simd.supported_by(tier) => {
                // The first v128 (a result type or an operator) is refused.
                assert!(message.contains("SIMD") && offset > 8, "{what}: offset {offset}: {message}");
            }
            Err(Error::Validation { offset, message }) if !valid => {
                assert!((body_start..bytes.len() as u64).contains(&offset), "{what}: offset {offset}: {message}");
                assert!(message.contains("lane") || message.contains("index"), "{what}: {message}");
            }
            other => panic!("{what} on {tier:?}: {other:?}"),
        }
    }
    // A v128 operand of a scalar operator or as a condition.
    for (what, wat) in [
        ("v128 to i32.add", "(module (func (result i32) (i32.add (v128.const i64x2 0 0) (i32.const 1))))"),
        ("v128 to if", "(module (func (if (v128.const i64x2 0 0) (then))))"),
    ] {
        match Module::new(&engine, wat) {
            Err(Error::Validation { offset, message }) => assert!(offset > 8 && !message.is_empty(), "{what}"),
            other => panic!("{what} on {tier:?}: {other:?}"),
        }
    }
}

/// A module of one function of type `ty` whose body (locals included) is `body`.
fn module(ty: &[u8], body: &[u8]) -> Vec<u8> {
    let section = |id: u8, payload: &[u8]| {
        let mut s = vec![id, payload.len() as u8];
        s.extend_from_slice(payload);
        s
    };
    let mut types = vec![1];
    types.extend_from_slice(ty);
    let mut code = vec![1, body.len() as u8];
    code.extend_from_slice(body);
    let mut bytes = b"\0asm\x01\0\0\0".to_vec();
    bytes.extend(section(1, &types));
    bytes.extend(section(3, &[1, 0]));
    bytes.extend(section(10, &code));
    bytes
}

fn simd_can_be_switched_off(tier: Tier) {
    let mut config = common::config(tier);
    config.proposal(Proposal::Simd, false).proposal(Proposal::RelaxedSimd, false);
    let engine = Engine::new(&config).unwrap();
    match Module::new(&engine, "(module (func (drop (v128.const i64x2 0 0))))") {
        Err(Error::Validation { message, .. }) => assert!(message.contains("SIMD"), "{message}"),
        other => panic!("{other:?}"),
    }
}

/// Lanes (lane 0 first) of `BITS` bits each as a v128.
fn lanes<const BITS: u32>(lanes: &[u64]) -> u128 {
    let mask = (1u128 << BITS) - 1;
    lanes.iter().enumerate().fold(0, |bits, (i, lane)| bits | (u128::from(*lane) & mask) << (i as u32 * BITS))
}

fn bytes(values: [i8; 16]) -> u128 {
    lanes::<8>(&values.map(|v| v as u8 as u64))
}

fn f32s(values: [f32; 4]) -> u128 {
    lanes::<32>(&values.map(|v| u64::from(v.to_bits())))
}

const RELAXED: &str = r#"(module
    (func (export "swizzle") (param v128 v128) (result v128) (i8x16.relaxed_swizzle (local.get 0) (local.get 1)))
    (func (export "trunc_s") (param v128) (result v128) (i32x4.relaxed_trunc_f32x4_s (local.get 0)))
    (func (export "trunc_u") (param v128) (result v128) (i32x4.relaxed_trunc_f32x4_u (local.get 0)))
    (func (export "trunc_zero") (param v128) (result v128) (i32x4.relaxed_trunc_f64x2_s_zero (local.get 0)))
    (func (export "madd") (param v128 v128 v128) (result v128)
      (f32x4.relaxed_madd (local.get 0) (local.get 1) (local.get 2)))
    (func (export "nmadd") (param v128 v128 v128) (result v128)
      (f32x4.relaxed_nmadd (local.get 0) (local.get 1) (local.get 2)))
    (func (export "laneselect") (param v128 v128 v128) (result v128)
      (i32x4.relaxed_laneselect (local.get 0) (local.get 1) (local.get 2)))
    (func (export "min") (param v128 v128) (result v128) (f32x4.relaxed_min (local.get 0) (local.get 1)))
    (func (export "max") (param v128 v128) (result v128) (f32x4.relaxed_max (local.get 0) (local.get 1)))
    (func (export "q15mulr") (param v128 v128) (result v128) (i16x8.relaxed_q15mulr_s (local.get 0) (local.get 1)))
    (func (export "dot") (param v128 v128) (result v128) (i16x8.relaxed_dot_i8x16_i7x16_s (local.get 0) (local.get 1)))
    (func (export "dot_add") (param v128 v128 v128) (result v128)
      (i32x4.relaxed_dot_i8x16_i7x16_add_s (local.get 0) (local.get 1) (local.get 2))))"#;

/// Each relaxed operator gives the one result ARCHITECTURE.md documents,
/// on inputs where the spec allows several (checked against values
/// computed here, lane by lane).
fn relaxed_simd_is_deterministic_as_documented(tier: Tier) {
    let engine = common::engine(tier);
    if !Proposal::RelaxedSimd.supported_by(tier) {
        assert!(matches!(Module::new(&engine, RELAXED), Err(Error::Validation { .. })));
        return;
    }
    let module = Module::new(&engine, RELAXED).unwrap();
    let mut store = Store::new(&engine, ());
    let instance = Linker::new(&engine).instantiate(&mut store, &module).unwrap();
    let mut call = |name: &str, args: &[u128]| -> u128 {
        let f = instance.get_func(&store, name).unwrap();
        let args: Vec<Val> = args.iter().map(|a| Val::V128(*a)).collect();
        let mut result = [Val::V128(0)];
        f.call(&mut store, &args, &mut result).unwrap();
        result[0].v128().unwrap()
    };

    // Indices of 16 and more (top bit set or not) select zero.
    let table = bytes(std::array::from_fn(|i| 100 + i as i8));
    let indices = bytes([0, 15, 16, 17, 31, 127, -128, -1, 1, 2, 3, 4, 5, 6, 7, 8]);
    assert_eq!(
        call("swizzle", &[table, indices]),
        bytes([100, 115, 0, 0, 0, 0, 0, 0, 101, 102, 103, 104, 105, 106, 107, 108])
    );

    // NaN → 0; out of range saturates.
    let floats = f32s([f32::NAN, 3e9, -3e9, -1.5]);
    assert_eq!(
        call("trunc_s", &[floats]),
        lanes::<32>(&[0, i32::MAX as u64, i32::MIN as u32 as u64, (-1i32) as u32 as u64])
    );
    assert_eq!(call("trunc_u", &[floats]), lanes::<32>(&[0, 3_000_000_000, 0, 0]));
    let doubles = lanes::<64>(&[f64::NAN.to_bits(), (-1e12f64).to_bits()]);
    assert_eq!(call("trunc_zero", &[doubles]), lanes::<32>(&[0, i32::MIN as u32 as u64, 0, 0]));

    // Fused: (1 + 2^-12)^2 - (1 + 2^-11) is 2^-24 with one rounding, 0 with two.
    let (a, c) = (1.0 + 2f32.powi(-12), -(1.0 + 2f32.powi(-11)));
    let fused = a.mul_add(a, c);
    assert_eq!(fused, 2f32.powi(-24));
    assert_eq!(call("madd", &[f32s([a; 4]), f32s([a; 4]), f32s([c; 4])]), f32s([fused; 4]));
    assert_eq!(call("nmadd", &[f32s([a; 4]), f32s([a; 4]), f32s([-c; 4])]), f32s([(-a).mul_add(a, -c); 4]));

    // Every bit of the mask selects, not only each lane's top bit.
    let mask = lanes::<32>(&[0xffff_0000, 0x0000_ffff, 0x8000_0000, 0x7fff_ffff]);
    let (ones, zeros) = (u128::MAX, 0u128);
    assert_eq!(call("laneselect", &[ones, zeros, mask]), mask);

    // NaN propagates and -0 < +0, whatever the operand order.
    let x = f32s([f32::NAN, 0.0, -0.0, 1.0]);
    let y = f32s([1.0, -0.0, 0.0, f32::NAN]);
    let min = call("min", &[x, y]);
    let max = call("max", &[x, y]);
    let lane = |v: u128, i: u32| f32::from_bits((v >> (32 * i)) as u32);
    assert!(lane(min, 0).is_nan() && lane(min, 3).is_nan() && lane(max, 0).is_nan() && lane(max, 3).is_nan());
    assert_eq!([lane(min, 1).to_bits(), lane(min, 2).to_bits()], [(-0.0f32).to_bits(); 2]);
    assert_eq!([lane(max, 1).to_bits(), lane(max, 2).to_bits()], [0.0f32.to_bits(); 2]);

    // MIN × MIN saturates to MAX.
    let words = |v: [i16; 8]| lanes::<16>(&v.map(|w| w as u16 as u64));
    let q15 = call(
        "q15mulr",
        &[
            words([i16::MIN, i16::MIN, 0x4000, -0x4000, 1, 0, 0, 0]),
            words([i16::MIN, 0x4000, 0x4000, 0x4000, 1, 0, 0, 0]),
        ],
    );
    assert_eq!(q15, words([i16::MAX, -0x4000, 0x2000, -0x2000, 0, 0, 0, 0]));

    // Both operands signed; a pair of -128 × -128 products wraps in i16.
    let x = bytes([-128, -128, 127, 127, -1, 2, 3, 4, 0, 0, 0, 0, 0, 0, 0, 0]);
    let y = bytes([-128, -128, 127, -128, -1, -2, 5, 6, 0, 0, 0, 0, 0, 0, 0, 0]);
    let pairs = [i16::MIN, 127 * 127 - 127 * 128, 1 - 4, 15 + 24, 0, 0, 0, 0];
    assert_eq!(call("dot", &[x, y]), words(pairs));
    let accumulator = lanes::<32>(&[10, 20, 0, 0]);
    let quads = [i32::from(pairs[0]) + i32::from(pairs[1]) + 10, i32::from(pairs[2]) + i32::from(pairs[3]) + 20, 0, 0];
    assert_eq!(call("dot_add", &[x, y, accumulator]), lanes::<32>(&quads.map(|q| q as u32 as u64)));
}

/// A v128 that first appears below scalars, in a block typed v128 (also
/// one whose body never produces it), or beside a multi-value call:
/// positions that the interpreter counts in words from the first v128 on.
fn v128s_first_met_in_every_position(tier: Tier) {
    if !Proposal::Simd.supported_by(tier) {
        return;
    }
    let (mut store, instance) = {
        let engine = common::engine(tier);
        let module = Module::new(
            &engine,
            r#"(module
            (func $pair (param i32) (result i64 i32) (i64.const 9) (local.get 0))
            (func (export "below") (param i32) (result i32)
              (local.get 0)
              (i32x4.extract_lane 2 (v128.const i32x4 1 2 3 4))
              i32.add)
            (func (export "block") (result i32)
              (block (result v128) (v128.const i32x4 5 6 7 8))
              (i32x4.extract_lane 3))
            (func (export "dead") (param i32) (result i32)
              (if (local.get 0) (then (return (i32.const 11))))
              (block (result v128) (unreachable))
              drop
              (i32.const 12))
            (func (export "merge") (param i32) (result i32) (local $v v128)
              (block (result v128)
                (v128.const i32x4 1 1 1 1)
                (br_if 0 (local.get 0))
                drop
                (i32x4.splat (i32.const 7)))
              (local.set $v)
              (i32x4.extract_lane 0 (local.get $v)))
            (func (export "tee") (param i32) (result i32) (local $v v128)
              (local.tee $v (i32x4.splat (local.get 0)))
              (local.set $v (i32x4.add (local.get $v) (local.get $v)))
              (i32x4.extract_lane 2)
              (i32x4.extract_lane 1 (local.get $v))
              i32.add)
            (func (export "mixed") (param i32) (result i64)
              (call $pair (local.get 0))
              (i64.extend_i32_u)
              (i64x2.splat)
              (i64x2.extract_lane 1)
              i64.add))"#,
        )
        .unwrap();
        let mut store = Store::new(&engine, ());
        let instance = Linker::new(&engine).instantiate(&mut store, &module).unwrap();
        (store, instance)
    };
    assert_eq!(common::call(&mut store, &instance, "below", &[Val::I32(10)]), Ok(vec![Val::I32(13)]));
    assert_eq!(common::call(&mut store, &instance, "block", &[]), Ok(vec![Val::I32(8)]));
    assert_eq!(common::call(&mut store, &instance, "dead", &[Val::I32(1)]), Ok(vec![Val::I32(11)]));
    assert!(common::call(&mut store, &instance, "dead", &[Val::I32(0)]).is_err());
    assert_eq!(common::call(&mut store, &instance, "mixed", &[Val::I32(3)]), Ok(vec![Val::I64(12)]));
    // A v128 computed just before `local.set` (written into the local
    // directly by the interpreter) and one arriving by a branch.
    assert_eq!(common::call(&mut store, &instance, "merge", &[Val::I32(1)]), Ok(vec![Val::I32(1)]));
    assert_eq!(common::call(&mut store, &instance, "merge", &[Val::I32(0)]), Ok(vec![Val::I32(7)]));
    // The teed value stays on the stack while the local changes.
    assert_eq!(common::call(&mut store, &instance, "tee", &[Val::I32(5)]), Ok(vec![Val::I32(15)]));
}

/// More v128 values live at once than there are xmm registers (the
/// baseline tier keeps v128s in registers while it can, moving the deepest
/// to its slots when it runs out), float scalars live beside them, and
/// v128s through an `if` with parameters and a `br_table`.
fn many_v128s_live_at_once_and_through_branches(tier: Tier) {
    if !Proposal::Simd.supported_by(tier) {
        return;
    }
    const LIVE: u32 = 20;
    let mut body = String::new();
    for k in 1..=LIVE {
        body += &format!("(i32x4.add (local.get 0) (v128.const i32x4 {k} {} {} {}))\n", 2 * k, 3 * k, 4 * k);
    }
    // v1 - (v2 - (... - v20)), whose value depends on every one.
    body += &"i32x4.sub\n".repeat(LIVE as usize - 1);
    for k in 1..=8 {
        body += &format!("(f32x4.mul (f32x4.splat (local.get 1)) (v128.const f32x4 {k} {k} {k} {k}))\n");
    }
    body += &"f32x4.add\n".repeat(7);
    body += "(f32x4.extract_lane 2)";
    let wat = format!(
        r#"(module
        (func (export "pressure") (param v128 f32) (result v128 f32)
          {body})
        (func (export "branches") (param v128 i32) (result v128)
          (local.get 0)
          (local.get 1)
          (if (param v128) (result v128)
            (then (i32x4.add (v128.const i32x4 1 1 1 1)))
            (else (i32x4.sub (v128.const i32x4 1 1 1 1))))
          (block (param v128) (result v128)
            (block (param v128) (result v128)
              (local.get 1)
              (br_table 0 1))
            (i32x4.mul (v128.const i32x4 2 2 2 2)))))"#
    );
    let engine = common::engine(tier);
    let module = Module::new(&engine, &wat).unwrap();
    let mut store = Store::new(&engine, ());
    let instance = Linker::new(&engine).instantiate(&mut store, &module).unwrap();

    let a = [7u32, 0xffff_fff0, 100, 3];
    let lanes_of = |k: u32| std::array::from_fn::<u32, 4, _>(|i| a[i].wrapping_add(k * (i as u32 + 1)));
    let expected = (1..LIVE).rev().fold(lanes_of(LIVE), |acc, k| {
        let v = lanes_of(k);
        std::array::from_fn(|i| v[i].wrapping_sub(acc[i]))
    });
    let results = common::call(&mut store, &instance, "pressure", &[Val::V128(i32x4(a)), Val::F32(0.5f32.to_bits())]);
    assert_eq!(results, Ok(vec![Val::V128(i32x4(expected)), Val::F32(18f32.to_bits())]));

    let v = i32x4([10, 20, 30, 40]);
    let branches = |store: &mut Store<()>, selector: i32| {
        common::call(store, &instance, "branches", &[Val::V128(v), Val::I32(selector)])
    };
    // Non-zero: plus one, out of the outer block; zero: minus one, doubled.
    assert_eq!(branches(&mut store, 1), Ok(vec![Val::V128(i32x4([11, 21, 31, 41]))]));
    assert_eq!(branches(&mut store, 0), Ok(vec![Val::V128(i32x4([18, 38, 58, 78]))]));
}

/// Shifts by a constant count (which the baseline tier translates to
/// immediate forms and masks known in advance) give what the same shifts
/// by a variable count give, for counts around every lane width.
fn constant_shift_counts_match_variable_ones(tier: Tier) {
    if !Proposal::Simd.supported_by(tier) {
        return;
    }
    const COUNTS: [i32; 14] = [0, 1, 3, 7, 8, 9, 15, 16, 17, 31, 32, 63, 64, -1];
    let mut funcs = String::new();
    for (o, op) in common::SIMD_SHIFTS.iter().enumerate() {
        funcs +=
            &format!("(func (export \"v{o}\") (param v128 i32) (result v128) ({op} (local.get 0) (local.get 1)))\n");
        for (c, count) in COUNTS.iter().enumerate() {
            funcs += &format!(
                "(func (export \"c{o}_{c}\") (param v128) (result v128) ({op} (local.get 0) (i32.const {count})))\n"
            );
        }
    }
    let engine = common::engine(tier);
    let module = Module::new(&engine, format!("(module {funcs})")).unwrap();
    let mut store = Store::new(&engine, ());
    let instance = Linker::new(&engine).instantiate(&mut store, &module).unwrap();
    let input = Val::V128(bytes([-128, 127, 1, -2, 0x55, -0x56, 0, -1, 64, -64, 3, 0x40, -0x7f, 0x11, 0x22, -0x33]));
    for (o, op) in common::SIMD_SHIFTS.iter().enumerate() {
        for (c, count) in COUNTS.iter().enumerate() {
            let by_variable = common::call(&mut store, &instance, &format!("v{o}"), &[input, Val::I32(*count)]);
            let by_constant = common::call(&mut store, &instance, &format!("c{o}_{c}"), &[input]);
            assert_eq!(by_constant, by_variable, "{op} by {count}");
        }
    }
}

/// `i8x16.shuffle` by patterns the baseline tier special-cases (whole
/// 32-bit lanes of one operand: one pshufd) and by general ones, against
/// its definition: result byte i is byte `lanes[i]` of a then b.
fn shuffles_pick_the_bytes_they_name(tier: Tier) {
    if !Proposal::Simd.supported_by(tier) {
        return;
    }
    // Whole 32-bit lanes of one operand or both, whole 16-bit lanes of one,
    // and bytes (the interpreter has an instruction for each kind).
    let patterns: [[u8; 16]; 8] = [
        [2, 3, 0, 1, 6, 7, 4, 5, 8, 9, 10, 11, 12, 13, 14, 15],
        [18, 19, 16, 17, 30, 31, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29],
        [8, 9, 10, 11, 12, 13, 14, 15, 0, 1, 2, 3, 4, 5, 6, 7],
        [12, 13, 14, 15, 0, 1, 2, 3, 0, 1, 2, 3, 0, 1, 2, 3],
        [20, 21, 22, 23, 16, 17, 18, 19, 28, 29, 30, 31, 24, 25, 26, 27],
        [0, 1, 2, 3, 16, 17, 18, 19, 4, 5, 6, 7, 20, 21, 22, 23],
        [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 0],
        [31, 0, 30, 1, 29, 2, 28, 3, 27, 4, 26, 5, 25, 6, 24, 7],
    ];
    let funcs: String = patterns
        .iter()
        .enumerate()
        .map(|(i, lanes)| {
            let lanes: Vec<String> = lanes.iter().map(u8::to_string).collect();
            format!(
                "(func (export \"s{i}\") (param v128 v128) (result v128) (i8x16.shuffle {} (local.get 0) (local.get 1)))\n",
                lanes.join(" ")
            )
        })
        .collect();
    let engine = common::engine(tier);
    let module = Module::new(&engine, format!("(module {funcs})")).unwrap();
    let mut store = Store::new(&engine, ());
    let instance = Linker::new(&engine).instantiate(&mut store, &module).unwrap();
    let a: [u8; 16] = std::array::from_fn(|i| i as u8 * 3 + 1);
    let b: [u8; 16] = std::array::from_fn(|i| 0xf0 - i as u8 * 5);
    for (i, lanes) in patterns.iter().enumerate() {
        let both: Vec<u8> = a.iter().chain(&b).copied().collect();
        let expected: [u8; 16] = std::array::from_fn(|k| both[lanes[k] as usize]);
        let args = [Val::V128(u128::from_le_bytes(a)), Val::V128(u128::from_le_bytes(b))];
        let result = common::call(&mut store, &instance, &format!("s{i}"), &args);
        assert_eq!(result, Ok(vec![Val::V128(u128::from_le_bytes(expected))]), "{lanes:?}");
    }
}

/// Busy v128 locals, which the baseline tier keeps in xmm registers for
/// the whole function, keep their values across calls to a function that
/// uses many xmm registers of its own, and across a host call.
fn v128_locals_survive_calls(tier: Tier) {
    if !Proposal::Simd.supported_by(tier) {
        return;
    }
    let engine = common::engine(tier);
    let module = Module::new(
        &engine,
        r#"(module
        (import "env" "twice" (func $twice (param i32) (result i32)))
        (func $scramble (param v128) (result v128)
          (local $a v128) (local $b v128) (local $c v128)
          (local.set $a (i32x4.mul (local.get 0) (local.get 0)))
          (local.set $b (i32x4.add (local.get $a) (v128.const i32x4 7 7 7 7)))
          (local.set $c (v128.xor (local.get $a) (local.get $b)))
          (i32x4.sub (local.get $c) (i32x4.add (local.get $a) (local.get $b))))
        (func (export "run") (param $n i32) (result v128)
          (local $sum v128) (local $step v128) (local $junk v128)
          (local.set $step (v128.const i32x4 1 2 3 4))
          (loop $again
            (local.set $sum (i32x4.add (local.get $sum) (local.get $step)))
            (local.set $junk (call $scramble (local.get $sum)))
            (local.set $step (i32x4.add (local.get $step) (i32x4.splat (call $twice (i32.const 1)))))
            (local.set $sum (i32x4.add (local.get $sum) (local.get $step)))
            (local.set $sum (v128.xor (local.get $sum) (v128.and (local.get $junk) (v128.const i32x4 0 0 0 0))))
            (br_if $again (local.tee $n (i32.sub (local.get $n) (i32.const 1)))))
          (local.get $sum)))"#,
    )
    .unwrap();
    let mut store = Store::new(&engine, ());
    let twice = Func::wrap(&mut store, |_: engine::Caller<'_, ()>, x: i32| x * 2);
    let mut linker = Linker::new(&engine);
    linker.define("env", "twice", twice);
    let instance = linker.instantiate(&mut store, &module).unwrap();
    let n = 10u32;
    // Each round: sum += step; step += 2; sum += step.
    let (mut sum, mut step) = ([0u32; 4], [1u32, 2, 3, 4]);
    for _ in 0..n {
        for i in 0..4 {
            sum[i] = sum[i].wrapping_add(step[i]);
            step[i] += 2;
            sum[i] = sum[i].wrapping_add(step[i]);
        }
    }
    let result = common::call(&mut store, &instance, "run", &[Val::I32(n as i32)]);
    assert_eq!(result, Ok(vec![Val::V128(i32x4(sum))]));
}

on_every_tier!(
    v128_locals_survive_calls,
    shuffles_pick_the_bytes_they_name,
    constant_shift_counts_match_variable_ones,
    many_v128s_live_at_once_and_through_branches,
    v128s_first_met_in_every_position,
    v128_values_cross_every_boundary,
    malformed_simd_is_a_validation_error,
    simd_can_be_switched_off,
    relaxed_simd_is_deterministic_as_documented,
);
