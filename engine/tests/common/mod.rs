//! Helpers shared by the engine's test crates (each includes this module).

use engine::{Store, TrapCode, Val};

/// Calls export `name` with `args`: its results, or the trap's code (any
/// other error fails the test).
#[allow(dead_code)]
pub fn call(
    store: &mut Store<()>,
    instance: &engine::Instance,
    name: &str,
    args: &[Val],
) -> Result<Vec<Val>, TrapCode> {
    let f = instance.get_func(&*store, name).unwrap();
    let ty = f.ty(&*store).unwrap();
    let mut results: Vec<Val> = ty.results().iter().map(|t| Val::default_for(*t)).collect();
    match f.call(&mut *store, args, &mut results) {
        Ok(()) => Ok(results),
        Err(engine::Error::Trap(t)) => Err(t.code()),
        Err(e) => panic!("{e}"),
    }
}

/// A configuration for `tier` with its default proposals.
#[allow(dead_code)]
pub fn config(tier: engine::Tier) -> engine::Config {
    let mut config = engine::Config::new();
    config.tier(tier);
    config
}

/// An engine running `tier`.
#[allow(dead_code)]
pub fn engine(tier: engine::Tier) -> engine::Engine {
    engine::Engine::new(&config(tier)).expect("every tier accepts its default configuration")
}

/// Runs each named test function (`fn(Tier)`) once on every tier, as the
/// tests `<name>::interp`, `<name>::baseline` and `<name>::cranelift`.
#[allow(unused_macros)]
macro_rules! on_every_tier {
    ($($name:ident),* $(,)?) => {
        $(
            mod $name {
                #[test]
                fn interp() {
                    super::$name(engine::Tier::Interp)
                }
                #[test]
                fn baseline() {
                    super::$name(engine::Tier::Baseline)
                }
                #[test]
                fn cranelift() {
                    super::$name(engine::Tier::Cranelift)
                }
            }
        )*
    };
}

/// Memory grown by a callee, within one activation of the caller: every
/// later access and `memory.size` in the caller (in a loop, after each
/// call) sees the new length; an immutable global read in the loop keeps
/// its value. Compiled code that kept the length, or the base, from before
/// the call would trap or read the wrong bytes.
#[allow(dead_code)]
pub fn growth_by_a_callee_is_seen_by_the_caller(config: &engine::Config) {
    let engine = engine::Engine::new(config).expect("the configuration is usable");
    let module = engine::Module::new(
        &engine,
        r#"(module
            (memory 1 8)
            (global $stride i32 (i32.const 65536))
            (func $grow (drop (memory.grow (i32.const 1))))
            ;; Grows by one page per iteration and writes the last byte of
            ;; each new page; returns the sum of what it reads back plus the
            ;; final size in pages.
            (func (export "grow_and_touch") (param $pages i32) (result i32)
                (local $at i32) (local $sum i32)
                (loop $again
                    (call $grow)
                    (local.set $at (i32.sub (i32.mul (memory.size) (global.get $stride)) (i32.const 1)))
                    (i32.store8 (local.get $at) (memory.size))
                    (local.set $sum (i32.add (local.get $sum) (i32.load8_u (local.get $at))))
                    (br_if $again (local.tee $pages (i32.sub (local.get $pages) (i32.const 1)))))
                (i32.add (local.get $sum) (i32.mul (memory.size) (i32.const 1000))))
            ;; Touches a byte past the current end, grows, touches it again.
            (func (export "touch_across_growth") (param $at i32) (result i32)
                (i32.store8 (local.get $at) (i32.const 7))
                (call $grow)
                (i32.store8 (i32.add (local.get $at) (global.get $stride)) (i32.const 8))
                (i32.load8_u (i32.add (local.get $at) (global.get $stride)))))"#,
    )
    .expect("module compiles");
    let mut store = engine::Store::new(&engine, ());
    let instance = engine::Linker::new(&engine).instantiate(&mut store, &module).expect("module instantiates");
    // Pages 2..=6 written with their own numbers: 2+3+4+5+6 = 20, 6 pages.
    assert_eq!(call(&mut store, &instance, "grow_and_touch", &[Val::I32(5)]), Ok(vec![Val::I32(6020)]));
    let end = 6 * 65536 - 1;
    assert_eq!(call(&mut store, &instance, "touch_across_growth", &[Val::I32(end)]), Ok(vec![Val::I32(8)]));
    assert_eq!(
        call(&mut store, &instance, "touch_across_growth", &[Val::I32(8 * 65536)]),
        Err(TrapCode::MemoryOutOfBounds),
        "past the maximum the access still traps"
    );
}

/// Every SIMD shift operator.
#[allow(dead_code)]
pub const SIMD_SHIFTS: &[&str] = &[
    "i8x16.shl",
    "i8x16.shr_s",
    "i8x16.shr_u",
    "i16x8.shl",
    "i16x8.shr_s",
    "i16x8.shr_u",
    "i32x4.shl",
    "i32x4.shr_s",
    "i32x4.shr_u",
    "i64x2.shl",
    "i64x2.shr_s",
    "i64x2.shr_u",
];
