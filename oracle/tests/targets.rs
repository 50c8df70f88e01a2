//! The fuzz targets' logic (oracle::targets), exercised without libFuzzer:
//! on their own seed corpora and on hand-written inputs whose outcome is
//! known.

use engine::{Config, Engine, Linker, Module, Store, Tier, TrapCode};
use oracle::targets::{self, PairDraw, TargetKind, api_calls::Op};

/// libFuzzer runs inputs on the main thread (8 MiB of stack); the test
/// harness's threads have 2 MiB, less than wasmi needs for deep recursion.
fn on_big_stack(f: impl FnOnce() + Send + 'static) {
    std::thread::Builder::new().stack_size(64 << 20).spawn(f).unwrap().join().unwrap();
}

#[test]
fn every_target_passes_its_seed_corpus() {
    on_big_stack(seed_corpora_pass);
}

fn seed_corpora_pass() {
    let executors = targets::default_executors();
    for &target in TargetKind::ALL {
        let seeds = target.seed_corpus();
        assert!(!seeds.is_empty(), "{target} has seeds");
        let mut cases = 0;
        for seed in &seeds {
            target.check(seed, &executors).unwrap_or_else(|why| panic!("{target}: {why}"));
            if target.is_differential() && target.case(seed, &executors).unwrap().is_some() {
                cases += 1;
            }
        }
        if target.is_differential() {
            // Seeds that describe nothing would waste the fuzzer's time.
            assert!(cases * 2 >= seeds.len(), "{target}: only {cases} of {} seeds make a case", seeds.len());
        }
    }
}

#[test]
fn seed_corpora_are_deterministic() {
    for &target in TargetKind::ALL {
        let seeds = target.seed_corpus();
        assert_eq!(seeds, target.seed_corpus());
        let distinct: std::collections::BTreeSet<&Vec<u8>> = seeds.iter().collect();
        assert_eq!(distinct.len(), seeds.len(), "{target} has duplicate seeds");
    }
}

#[test]
fn target_names_parse_and_unknown_ones_are_named_in_the_error() {
    let names: Vec<&str> = TargetKind::ALL.iter().map(|t| t.name()).collect();
    assert_eq!(names, ["differential", "compile", "instantiate", "wast_mutate", "api_calls", "table_ops"]);
    for &target in TargetKind::ALL {
        assert_eq!(target.name().parse::<TargetKind>(), Ok(target));
    }
    let err = "nope".parse::<TargetKind>().unwrap_err();
    assert!(err.contains("unknown fuzz target `nope`") && err.contains("wast_mutate, api_calls"), "{err}");
    assert!(TargetKind::Compile.case(b"", &[]).is_err());
}

/// Every target has its libFuzzer binary, which runs that target.
#[test]
fn every_target_has_a_fuzz_target_binary() {
    for &target in TargetKind::ALL {
        let path = format!("{}/../fuzz-targets/fuzz_targets/{target}.rs", env!("CARGO_MANIFEST_DIR"));
        let source = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
        assert!(source.contains(&format!("fuzz_one(oracle::targets::TargetKind::{target:?}, data)")), "{path}");
    }
}

fn run_export(wasm: &[u8], name: &str) -> Result<(), TrapCode> {
    let engine = Engine::default();
    let module = Module::new(&engine, wasm).expect("bounded modules are valid");
    let mut store = Store::new(&engine, ());
    let instance = Linker::new(&engine).instantiate(&mut store, &module).unwrap();
    let func = instance.get_func(&store, name).unwrap();
    func.call(&mut store, &[], &mut []).map_err(|e| match e {
        engine::Error::Trap(t) => t.code(),
        other => panic!("{other}"),
    })
}

#[test]
fn bounding_stops_infinite_loops_and_recursion_with_a_trap() {
    let spin = wat::parse_str(r#"(module (func (export "spin") (loop (br 0))))"#).unwrap();
    let bounded = targets::wast_mutate::bound(&spin).unwrap();
    assert_eq!(run_export(&bounded, "spin"), Err(TrapCode::Unreachable));

    // A module with globals and a start section keeps its own global indices.
    let recurse = wat::parse_str(
        r#"(module (global $g (mut i32) (i32.const 7)) (memory 1)
             (func $r (export "recurse") (global.set $g (i32.add (global.get $g) (i32.const 1))) (call $r))
             (func (export "ok") (if (i32.ne (global.get $g) (i32.const 7)) (then unreachable))))"#,
    )
    .unwrap();
    let bounded = targets::wast_mutate::bound(&recurse).unwrap();
    assert_eq!(run_export(&bounded, "ok"), Ok(()));
    // Fuel (10,000 entries) runs out before the engine's call-depth limit.
    assert_eq!(run_export(&bounded, "recurse"), Err(TrapCode::Unreachable));
}

#[test]
fn bounding_caps_memory_growth() {
    let grow = wat::parse_str(
        r#"(module (memory 1) (func (export "grow") (if (i32.ne (memory.grow (i32.const 17)) (i32.const -1)) (then unreachable))))"#,
    )
    .unwrap();
    assert_eq!(run_export(&grow, "grow"), Err(TrapCode::Unreachable), "unbounded, the growth succeeds");
    let bounded = targets::wast_mutate::bound(&grow).unwrap();
    assert_eq!(run_export(&bounded, "grow"), Ok(()), "bounded, it fails");
    let huge = wat::parse_str("(module (memory 1000))").unwrap();
    assert!(targets::wast_mutate::bound(&huge).is_none());
}

#[test]
fn wast_mutate_mutates_spec_modules() {
    let modules = targets::wast_mutate::spec_modules();
    assert!(modules.len() > 500, "{} spec modules", modules.len());
    let (_, wasm) = modules.iter().find(|(_, m)| m.len() > 200).unwrap();
    let mut distinct = std::collections::BTreeSet::new();
    for seed in 0..8 {
        let input = targets::wast_mutate::input(seed, &[7; targets::wast_mutate::PLAN_BYTES], wasm);
        if let Ok(case) = targets::wast_mutate::case(&input) {
            distinct.insert(case.wasm);
        }
    }
    assert!(distinct.len() >= 3, "only {} distinct mutants", distinct.len());
}

#[test]
fn api_calls_model_checks_hand_written_sequences() {
    use Op::*;
    let ops = [
        Instantiate,
        Instantiate,
        SetGlobalHost(0, 11),
        SetGlobalWasm(1, 22),
        // Instance 1's slot 1 gets instance 0's `ident`.
        TableSet(1, 1, Some(0)),
        CallAt(1, 1),
        CallAt(1, 0),
        CallAt(1, 2),
        DropInstance(0),
        CallAt(0, 1),
        TableGet(0, 1),
        GrowWasm(0, 2),
        Store(0, 3 * 65536 - 4, -5),
        Load(0, 3 * 65536 - 4),
        Load(0, 3 * 65536 - 3),
        HostWrite(0, 65530, vec![1, 2, 3, 4, 5, 6]),
        HostRead(0, 65528, 12),
        GrowHost(0, 2),
        Size(0),
        TableGrowWasm(0, 4),
        TableGrowHost(0, 3, Some(0)),
        CallAt(0, 6),
        Twice(0, i32::MAX),
        NewStore,
        CallAt(0, 0),
        Instantiate,
        Twice(0, 1),
        Ident(0),
    ];
    oracle::targets::api_calls::check_ops(&ops, &engine::Tier::ALL).unwrap();
}

#[test]
fn api_calls_random_sequences_match_the_model() {
    for seed in 0..300 {
        TargetKind::ApiCalls.check(&targets::noise(seed, 200), &[]).unwrap();
    }
}

#[test]
fn nan_results_are_canonicalized_before_comparison() {
    let wasm = wat::parse_str(
        r#"(module
             (func (export "nan") (result f32) (f32.add (f32.const nan:0x200000) (f32.const 1)))
             (func (export "num") (result f64) (f64.mul (f64.const 1.5) (f64.const -2))))"#,
    )
    .unwrap();
    let canonical = oracle::rewrite::canonicalize_nans(&wasm).unwrap();
    let engine = Engine::default();
    let module = Module::new(&engine, &canonical).unwrap();
    let mut store = Store::new(&engine, ());
    let instance = Linker::new(&engine).instantiate(&mut store, &module).unwrap();
    let nan = instance.get_func(&store, "nan").unwrap().typed::<_, (), f32>(&store).unwrap();
    assert_eq!(nan.call(&mut store, ()).unwrap().to_bits(), 0x7fc0_0000);
    let num = instance.get_func(&store, "num").unwrap().typed::<_, (), f64>(&store).unwrap();
    assert_eq!(num.call(&mut store, ()).unwrap(), -3.0);
}

/// Found by the first `relaxed-simd` fuzz run: `f32x4.relaxed_max` of two
/// NaNs gave three different (legal) results on interp, cranelift and wasmi;
/// `relaxed_min` a NaN of either sign. Vector NaNs are canonicalized lane
/// by lane; other lanes keep their bits.
#[test]
fn nan_lanes_are_canonicalized_before_comparison() {
    let wasm = wat::parse_str(
        r#"(module
             (func (export "max") (result v128)
               (f32x4.relaxed_max (v128.const i32x4 0xfff7ffff 0xffffffff 0x3f800000 0x0003ffff)
                                  (v128.const i32x4 0xfff7ffff 0xffffffff 0x3f800000 0x0003ffff)))
             (func (export "min") (result v128)
               (f64x2.relaxed_min (v128.const i64x2 0xfff0000000000001 0x4000000000000000)
                                  (v128.const f64x2 1 3))))"#,
    )
    .unwrap();
    let canonical = oracle::rewrite::canonicalize_nans(&wasm).unwrap();
    for tier in [Tier::Interp, Tier::Cranelift] {
        let mut config = Config::new();
        config.tier(tier);
        let engine = Engine::new(&config).unwrap();
        let module = Module::new(&engine, &canonical).unwrap();
        let mut store = Store::new(&engine, ());
        let instance = Linker::new(&engine).instantiate(&mut store, &module).unwrap();
        let call = |store: &mut Store<()>, name| {
            instance.get_func(&*store, name).unwrap().typed::<_, (), u128>(&*store).unwrap().call(store, ()).unwrap()
        };
        assert_eq!(call(&mut store, "max"), 0x0003ffff_3f800000_7fc00000_7fc00000, "{tier}");
        assert_eq!(call(&mut store, "min"), 0x40000000_00000000_7ff80000_00000000, "{tier}");
    }
}

/// Found by the first `wast_mutate` run: a spec module's `f32.sub` of a NaN
/// gave different (legal) payloads on interp and wasmi. Fixed in the harness
/// by canonicalizing NaNs of mutated spec modules.
#[test]
fn regression_wast_mutate_nan_payload() {
    let input = std::fs::read(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/wast_mutate-nan-payload.bin")).unwrap();
    on_big_stack(move || {
        let executors = targets::default_executors();
        assert!(TargetKind::WastMutate.case(&input, &executors).unwrap().is_some());
        TargetKind::WastMutate.check(&input, &executors).unwrap();
    });
}

/// `table_ops` draws its second engine by compile cost: every executor
/// still gets inputs, the cheap ones more than Cranelift.
#[test]
fn table_ops_draws_cheap_engines_more_often_and_every_engine_sometimes() {
    assert_eq!(TargetKind::TableOps.pair_draw(), PairDraw::ByCompileCost);
    assert_eq!(TargetKind::Differential.pair_draw(), PairDraw::Uniform);
    let executors = targets::default_executors();
    let mut seen = std::collections::BTreeMap::<&str, u32>::new();
    for pick in 0..=u16::MAX as usize {
        let pair = targets::engine_pair(&executors, pick, PairDraw::ByCompileCost);
        assert_eq!(pair[0].name(), executors[0].name());
        *seen.entry(pair[1].name()).or_default() += 1;
    }
    assert_eq!(seen.len(), executors.len() - 1, "{seen:?}");
    assert!(seen["cranelift"] * 10 < seen["wasmi"], "{seen:?}");
    assert!(seen["baseline"] < seen["wasmi"] && seen["cranelift"] < seen["baseline"], "{seen:?}");
}

/// libFuzzer's inputs each run on a share of the engines: the first
/// executor and one of the others, chosen by the input's last byte, so
/// every executor gets inputs and none runs on all of them.
#[test]
fn each_libfuzzer_input_runs_on_a_pair_and_every_executor_gets_a_share() {
    let executors = targets::default_executors();
    assert!(executors.len() > 2, "the default set compares more than two executors");
    let mut seen = std::collections::BTreeMap::<&str, u32>::new();
    for pick in 0..=255usize {
        let pair = targets::engine_pair(&executors, pick, PairDraw::Uniform);
        assert_eq!(pair.len(), 2);
        assert_eq!(pair[0].name(), executors[0].name());
        assert_ne!(pair[1].name(), executors[0].name());
        *seen.entry(pair[1].name()).or_default() += 1;
    }
    assert_eq!(seen.len(), executors.len() - 1, "{seen:?}");
    // Two executors are always a pair; the inputs of the seed corpora run
    // through the libFuzzer entry point without a finding.
    assert_eq!(targets::engine_pair(&executors[..2], 7, PairDraw::Uniform).len(), 2);
    on_big_stack(|| {
        for &target in TargetKind::ALL {
            for seed in target.seed_corpus().iter().take(6) {
                targets::fuzz_one(target, seed);
            }
        }
    });
}
