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

on_every_tier!(v128_values_cross_every_boundary, malformed_simd_is_a_validation_error, simd_can_be_switched_off);
