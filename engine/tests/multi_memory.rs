//! Several memories in one instance, on every tier: each access, size,
//! growth, fill, copy and init reaches the memory it names, bounds are each
//! memory's own, and one memory imported twice grows as one.

use engine::{Linker, Memory, MemoryType, Module, Store, Tier, TrapCode, TypeLimits, Val};

#[macro_use]
mod common;

const THREE_MEMORIES: &str = r#"(module
    (memory $a (export "a") 2)
    (memory $b (export "b") 1 4)
    (memory $c (export "c") 1 3)
    (data (memory $b) (i32.const 16) "\01\02\03\04\05\06\07\08")
    (data $passive "\aa\bb\cc")
    ;; Loads of every width and both fused address forms, from memory $b;
    ;; the same addresses in $a hold zeros.
    (func (export "loads") (param $base i32) (result i64)
      (i64.add
        (i64.add
          (i64.extend_i32_u (i32.load $b offset=16 (local.get $base)))
          (i64.load8_s $b (i32.add (local.get $base) (i32.const 20))))
        (i64.add
          (i64.extend_i32_u (i32.load16_u $a offset=16 (local.get $base)))
          (i64.load $b (i32.add (i32.const 16) (local.get $base))))))
    ;; A computed value stored to $c, then read back through $c and $a.
    (func (export "store_computed") (param $at i32) (param $x i32) (result i32)
      (i32.store $c (local.get $at) (i32.mul (local.get $x) (i32.const 3)))
      (i32.add (i32.load $c (local.get $at)) (i32.load $a (local.get $at))))
    ;; Copies n bytes of $b to $a byte by byte: a loop whose first
    ;; operator reads another memory.
    (func (export "copy_loop") (param $n i32)
      (local $i i32)
      (loop $next
        (i32.store8 $a (local.get $i) (i32.load8_u $b offset=16 (local.get $i)))
        (br_if $next (i32.lt_u (local.tee $i (i32.add (local.get $i) (i32.const 1))) (local.get $n)))))
    (func (export "v128_lanes") (param $at i32) (result i64)
      (v128.store $c (local.get $at) (v128.load $b offset=16 (i32.const 0)))
      (i64x2.extract_lane 0
        (v128.load8_lane $c 0 (local.get $at) (v128.const i64x2 0x1100 0))))
    (func (export "sizes") (result i32 i32 i32)
      (memory.size $a) (memory.size $b) (memory.size $c))
    (func (export "grow_c") (param i32) (result i32) (memory.grow $c (local.get 0)))
    (func (export "load_c") (param i32) (result i32) (i32.load8_u $c (local.get 0)))
    (func (export "load_b") (param i32) (result i32) (i32.load8_u $b (local.get 0)))
    (func (export "fill_b") (param i32 i32 i32) (memory.fill $b (local.get 0) (local.get 1) (local.get 2)))
    (func (export "copy_b_to_c") (param i32 i32 i32) (memory.copy $c $b (local.get 0) (local.get 1) (local.get 2)))
    (func (export "copy_within_c") (param i32 i32 i32) (memory.copy $c $c (local.get 0) (local.get 1) (local.get 2)))
    (func (export "init_c") (param i32 i32 i32) (memory.init $c $passive (local.get 0) (local.get 1) (local.get 2))))"#;

fn bytes(store: &Store<()>, instance: &engine::Instance, memory: &str, range: std::ops::Range<usize>) -> Vec<u8> {
    instance.get_memory(store, memory).unwrap().data(store).unwrap()[range].to_vec()
}

fn accesses_reach_the_memory_they_name(tier: Tier) {
    let engine = common::engine(tier);
    let module = Module::new(&engine, THREE_MEMORIES).unwrap();
    let mut store = Store::new(&engine, ());
    let instance = Linker::new(&engine).instantiate(&mut store, &module).unwrap();
    let call = |store: &mut Store<()>, name: &str, args: &[Val]| common::call(store, &instance, name, args);

    // 0x04030201 + (i8)0x05 + 0 + 0x0807060504030201.
    let expected = 0x0403_0201 + 5 + 0x0807_0605_0403_0201;
    assert_eq!(call(&mut store, "loads", &[Val::I32(0)]), Ok(vec![Val::I64(expected)]));
    assert_eq!(call(&mut store, "store_computed", &[Val::I32(100), Val::I32(7)]), Ok(vec![Val::I32(21)]));
    assert_eq!(bytes(&store, &instance, "c", 100..104), [21, 0, 0, 0]);
    assert_eq!(bytes(&store, &instance, "a", 100..104), [0; 4]);

    call(&mut store, "copy_loop", &[Val::I32(8)]).unwrap();
    assert_eq!(bytes(&store, &instance, "a", 0..9), [1, 2, 3, 4, 5, 6, 7, 8, 0]);

    // The 16 bytes of $b from 16 stored at 32 in $c; lane 0 of the vector
    // replaced by $c's byte 32.
    assert_eq!(call(&mut store, "v128_lanes", &[Val::I32(32)]), Ok(vec![Val::I64(0x1101)]));
    assert_eq!(bytes(&store, &instance, "c", 32..42), [1, 2, 3, 4, 5, 6, 7, 8, 0, 0]);

    // Growth of $c alone, to its maximum and not beyond.
    assert_eq!(call(&mut store, "sizes", &[]), Ok(vec![Val::I32(2), Val::I32(1), Val::I32(1)]));
    assert_eq!(call(&mut store, "grow_c", &[Val::I32(2)]), Ok(vec![Val::I32(1)]));
    assert_eq!(call(&mut store, "grow_c", &[Val::I32(1)]), Ok(vec![Val::I32(-1)]));
    assert_eq!(call(&mut store, "sizes", &[]), Ok(vec![Val::I32(2), Val::I32(1), Val::I32(3)]));

    // Each memory's own bounds: $a has 2 pages, $b 1, $c now 3.
    assert_eq!(call(&mut store, "load_c", &[Val::I32(3 * 65536 - 1)]), Ok(vec![Val::I32(0)]));
    assert_eq!(call(&mut store, "load_b", &[Val::I32(65536)]), Err(TrapCode::MemoryOutOfBounds));
    assert_eq!(call(&mut store, "load_c", &[Val::I32(3 * 65536)]), Err(TrapCode::MemoryOutOfBounds));

    call(&mut store, "fill_b", &[Val::I32(1000), Val::I32(0x5a), Val::I32(3)]).unwrap();
    call(&mut store, "copy_b_to_c", &[Val::I32(2 * 65536), Val::I32(999), Val::I32(5)]).unwrap();
    assert_eq!(bytes(&store, &instance, "c", 2 * 65536..2 * 65536 + 5), [0, 0x5a, 0x5a, 0x5a, 0]);
    call(&mut store, "copy_within_c", &[Val::I32(2 * 65536 + 1), Val::I32(2 * 65536), Val::I32(4)]).unwrap();
    assert_eq!(bytes(&store, &instance, "c", 2 * 65536..2 * 65536 + 5), [0, 0, 0x5a, 0x5a, 0x5a]);
    call(&mut store, "init_c", &[Val::I32(7), Val::I32(1), Val::I32(2)]).unwrap();
    assert_eq!(bytes(&store, &instance, "c", 6..10), [0, 0xbb, 0xcc, 0]);
    assert_eq!(bytes(&store, &instance, "b", 6..10), [0; 4]);

    // Bulk operations check the bounds of the memories they touch: $b is
    // one page, $c three.
    let copy = [Val::I32(65536), Val::I32(0), Val::I32(1)];
    assert_eq!(call(&mut store, "copy_b_to_c", &copy), Ok(vec![]));
    let copy = [Val::I32(0), Val::I32(65536), Val::I32(1)];
    assert_eq!(call(&mut store, "copy_b_to_c", &copy), Err(TrapCode::MemoryOutOfBounds));
    let fill = [Val::I32(65535), Val::I32(1), Val::I32(2)];
    assert_eq!(call(&mut store, "fill_b", &fill), Err(TrapCode::MemoryOutOfBounds));
}

fn a_memory_imported_twice_grows_as_one(tier: Tier) {
    let engine = common::engine(tier);
    let mut store = Store::new(&engine, ());
    let shared = Memory::new(
        &mut store,
        MemoryType { limits: TypeLimits { min: 1, max: Some(4) }, memory64: false, shared: false },
    )
    .unwrap();
    let mut linker = Linker::new(&engine);
    linker.define("env", "m", shared);
    let module = Module::new(
        &engine,
        r#"(module
            (import "env" "m" (memory $first 1 4))
            (import "env" "m" (memory $second 1 4))
            ;; Grows through $second, then writes through $first into the new
            ;; page and reads it back through $second.
            (func (export "grow_then_touch") (result i32 i32 i32)
              (drop (memory.grow $second (i32.const 1)))
              (i32.store8 $first (i32.const 70000) (i32.const 42))
              (memory.size $first)
              (memory.size $second)
              (i32.load8_u $second (i32.const 70000))))"#,
    )
    .unwrap();
    let instance = linker.instantiate(&mut store, &module).unwrap();
    assert_eq!(
        common::call(&mut store, &instance, "grow_then_touch", &[]),
        Ok(vec![Val::I32(2), Val::I32(2), Val::I32(42)])
    );
    assert_eq!(shared.data(&store).unwrap()[70000], 42);
}

on_every_tier!(accesses_reach_the_memory_they_name, a_memory_imported_twice_grows_as_one);
