//! The wasmtime executors (`wasmtime`, `wasmtime-winch`, `wasmtime-pulley`):
//! agreement with Crucible's tiers on generated cases, trap and failure
//! mapping, the wasmi bugs of the regression corpus, wasmtime's signal
//! handlers beside Crucible's, and no leak per instance.

use std::process::Command;

use oracle::case::{self, Case};
use oracle::compare::{Verdict, record_run, run_case};
use oracle::executor::{BuggyExecutor, Executor, ExecutorKind, InstantiateFailure, Running};
use oracle::fuzz::{FuzzOptions, fuzz};
use oracle::outcome::{Outcome, Resource, TrapCode, Value};
use oracle::regressions;

mod common;

const WASMTIME: [ExecutorKind; 3] = [ExecutorKind::Wasmtime, ExecutorKind::WasmtimeWinch, ExecutorKind::WasmtimePulley];
const CRUCIBLE: [ExecutorKind; 3] = [ExecutorKind::Interp, ExecutorKind::Cranelift, ExecutorKind::Baseline];

/// The harness's threads have 2 MiB of stack; the fuzz loop's have 64.
fn on_big_stack<R: Send + 'static>(f: impl FnOnce() -> R + Send + 'static) -> R {
    std::thread::Builder::new().stack_size(64 << 20).spawn(f).unwrap().join().unwrap()
}

fn refs(executors: &[Box<dyn Executor>]) -> Vec<&dyn Executor> {
    executors.iter().map(|e| e.as_ref()).collect()
}

#[test]
fn wasmtime_executors_are_references_named_as_their_kinds() {
    for kind in WASMTIME {
        let executor = kind.build();
        assert_eq!(executor.name(), kind.name());
        assert!(executor.is_reference());
        assert!(!kind.is_test_only());
    }
}

/// Each back end agrees with Crucible's three tiers on a few hundred cases
/// of the default (swarm) profile: no divergence, no crash, and most cases
/// really compared.
#[test]
fn each_wasmtime_backend_agrees_with_crucible_on_generated_cases() {
    on_big_stack(|| {
        for kind in WASMTIME {
            let executors: Vec<Box<dyn Executor>> = CRUCIBLE.iter().chain([&kind]).map(|k| k.build()).collect();
            let options = FuzzOptions {
                target: oracle::targets::TargetKind::Differential,
                seconds: 300.0,
                seed: 18,
                profile: case::profile("default").unwrap(),
                executors: refs(&executors),
                jobs: 2,
                out: None,
                max_cases: Some(300),
                stop_on_divergence: false,
                progress: false,
            };
            let (stats, _) = fuzz(&options);
            let t = &stats.totals;
            println!("{kind}: {t:?} {:?}", stats.not_comparable_reasons);
            assert!(t.cases >= 300, "{kind}: {t:?}");
            assert_eq!((t.diverged, t.crashed, t.reference_bugs), (0, 0, 0), "{kind}: {:#?}", stats.failures);
            let compared = t.agreed + t.agreed_on_trap;
            assert!(
                compared * 10 >= t.cases * 8,
                "{kind}: only {compared} of {} cases compared: {:?} {:?}",
                t.cases,
                stats.not_comparable_reasons,
                stats.not_comparable_examples
            );
        }
    });
}

const TRAPS: &str = r#"
(module
  (type $v (func))
  (type $i (func (result i32)))
  (memory (export "mem") 1 1)
  (table (export "table") 4 4 funcref)
  (elem (i32.const 0) $answer)
  (global (export "g") (mut i32) (i32.const 7))
  (func $answer (type $i) (i32.const 42))
  (func (export "unreachable") unreachable)
  (func (export "div") (param i32) (result i32) (i32.div_u (i32.const 1) (local.get 0)))
  (func (export "overflow") (result i32) (i32.div_s (i32.const 0x80000000) (i32.const -1)))
  (func (export "conversion") (result i32) (i32.trunc_f32_s (f32.const nan)))
  (func (export "load") (param i32) (result i32) (i32.load (local.get 0)))
  (func (export "store") (param i32) (i32.store (local.get 0) (i32.const 1)))
  (func (export "call") (param i32) (result i32) (call_indirect (type $i) (local.get 0)))
  (func (export "call_mismatch") (call_indirect (type $v) (i32.const 0)))
  (func $recurse (export "recurse") (param i32) (result i32)
    (i32.add (call $recurse (i32.add (local.get 0) (i32.const 1))) (i32.const 1)))
  (func (export "spin") (loop $l (br $l)))
  (func (export "write") (global.set 0 (i32.const 9)) (i32.store (i32.const 8) (i32.const 0x01020304)))
)"#;

/// The calls of [`TRAPS`] and what every executor must do (the fuel-bound
/// `spin` is left to [`fuel_ends_a_loop_as_exhausted`]).
fn trap_plan() -> Vec<(&'static str, Vec<Value>, Outcome)> {
    use Outcome::{Exhausted, Returned, Trapped};
    let i32 = Value::I32;
    vec![
        ("unreachable", vec![], Trapped(TrapCode::Unreachable)),
        ("div", vec![i32(0)], Trapped(TrapCode::IntegerDivisionByZero)),
        ("div", vec![i32(2)], Returned(vec![i32(0)])),
        ("overflow", vec![], Trapped(TrapCode::IntegerOverflow)),
        ("conversion", vec![], Trapped(TrapCode::BadConversionToInteger)),
        ("load", vec![i32(65532)], Returned(vec![i32(0)])),
        ("load", vec![i32(65533)], Trapped(TrapCode::MemoryOutOfBounds)),
        ("load", vec![i32(-4)], Trapped(TrapCode::MemoryOutOfBounds)),
        ("store", vec![i32(65536)], Trapped(TrapCode::MemoryOutOfBounds)),
        ("call", vec![i32(0)], Returned(vec![i32(42)])),
        ("call", vec![i32(1)], Trapped(TrapCode::UninitializedElement)),
        ("call", vec![i32(4)], Trapped(TrapCode::TableOutOfBounds)),
        ("call_mismatch", vec![], Trapped(TrapCode::IndirectCallTypeMismatch)),
        ("recurse", vec![i32(0)], Exhausted(Resource::Stack)),
        ("write", vec![], Returned(vec![])),
    ]
}

/// Runs [`TRAPS`]'s plan on `kind`, checking each outcome and that the
/// instance's state is what Crucible's interpreter says after every call.
fn check_traps(kind: ExecutorKind) {
    let wasm = wat::parse_str(TRAPS).unwrap();
    let plan = trap_plan();
    let case = Case::single(
        wasm,
        plan.iter().map(|(export, args, _)| case::Call { export: export.to_string(), args: args.clone() }).collect(),
    );
    let run = record_run(kind.build().as_ref(), &case);
    let reference = record_run(ExecutorKind::Interp.build().as_ref(), &case);
    assert_eq!(run.instantiate, Ok(()), "{kind}");
    // `record_run` stops after an exhausted call: `recurse` is the last but one.
    let expected: Vec<Outcome> = plan.iter().map(|(_, _, o)| o.clone()).collect();
    let made = run.calls.len();
    assert_eq!(run.calls, expected[..made], "{kind}");
    assert!(made >= expected.len() - 1, "{kind} stopped early: {:?}", run.calls);
    assert_eq!(run.states, reference.states[..run.states.len()], "{kind}");
}

#[test]
fn traps_map_to_the_oracle_codes_on_every_backend() {
    for kind in WASMTIME.into_iter().chain(CRUCIBLE) {
        on_big_stack(move || check_traps(kind));
    }
}

#[test]
fn fuel_ends_a_loop_as_exhausted() {
    let wasm = wat::parse_str(TRAPS).unwrap();
    let case = Case::single(wasm, vec![case::Call { export: "spin".into(), args: vec![] }]);
    for kind in WASMTIME {
        let run = record_run(kind.build_with_fuel(100_000).as_ref(), &case);
        assert_eq!(run.calls, [Outcome::Exhausted(Resource::Fuel)], "{kind}");
    }
}

/// What instantiating `wat` gives on `kind`.
fn instantiate(kind: ExecutorKind, wat: &str) -> Result<(), InstantiateFailure> {
    kind.build().instantiate(&wat::parse_str(wat).unwrap()).map(|_| ())
}

#[test]
fn instantiation_failures_are_typed_like_crucibles() {
    let trapping = [
        (r#"(module (memory 1) (data (i32.const 65535) "ab"))"#, TrapCode::MemoryOutOfBounds),
        (r#"(module (table 1 funcref) (func $f) (elem (i32.const 1) $f))"#, TrapCode::TableOutOfBounds),
        (r#"(module (func $s unreachable) (start $s))"#, TrapCode::Unreachable),
    ];
    let invalid = [
        // A type error.
        r#"(module (func (result i32) (i64.const 1)))"#,
        // Imports: the oracle links nothing.
        r#"(module (import "m" "f" (func)))"#,
        // 64-bit memories: no tier of Crucible runs them, so no executor
        // validates them.
        r#"(module (memory i64 1))"#,
    ];
    // SIMD: some tiers run it, so the executors validate it; a tier that
    // lacks it (the baseline, for now) calls it unsupported and sits out.
    let simd = r#"(module (func (export "f") (result v128) (v128.const i64x2 1 2)))"#;
    for kind in [ExecutorKind::Wasmtime, ExecutorKind::WasmtimePulley].into_iter().chain(CRUCIBLE) {
        let outcome = instantiate(kind, simd);
        if kind == ExecutorKind::Baseline && !engine::Proposal::Simd.supported_by(engine::Tier::Baseline) {
            assert!(matches!(outcome, Err(InstantiateFailure::Unsupported(_))), "{kind}: {outcome:?}");
        } else {
            assert_eq!(outcome, Ok(()), "{kind}");
        }
    }
    for kind in WASMTIME.into_iter().chain(CRUCIBLE) {
        for (wat, code) in trapping {
            assert_eq!(instantiate(kind, wat), Err(InstantiateFailure::Trapped(code)), "{kind}: {wat}");
        }
        for wat in invalid {
            let failure = instantiate(kind, wat).unwrap_err();
            assert!(matches!(failure, InstantiateFailure::Invalid(_)), "{kind}: {wat}: {failure:?}");
        }
        let garbage = kind.build().instantiate(b"\0asm\x01\0\0\0\x01\xff").map(|_| ()).unwrap_err();
        assert!(matches!(garbage, InstantiateFailure::Invalid(_)), "{kind}: {garbage:?}");
    }
}

/// Winch compiles funcrefs but not externref: such a module is
/// unsupported there (not comparable), while Cranelift and Pulley run it.
#[test]
fn winch_refuses_externref_as_unsupported() {
    let wat = r#"(module (func (export "f") (param externref) (result externref i32)
        (local.get 0) (ref.is_null (local.get 0))))"#;
    let failure = instantiate(ExecutorKind::WasmtimeWinch, wat).unwrap_err();
    assert!(matches!(failure, InstantiateFailure::Unsupported(_)), "{failure:?}");
    let case = Case::single(
        wat::parse_str(wat).unwrap(),
        vec![case::Call { export: "f".into(), args: vec![Value::ExternRef(None)] }],
    );
    for kind in [ExecutorKind::Wasmtime, ExecutorKind::WasmtimePulley, ExecutorKind::Interp] {
        let run = record_run(kind.build().as_ref(), &case);
        assert_eq!(run.calls, [Outcome::Returned(vec![Value::ExternRef(None), Value::I32(1)])], "{kind}");
    }
    // Non-null externrefs carry their host number through wasmtime as through Crucible.
    let case = Case { plan: vec![case::Call { export: "f".into(), args: vec![Value::ExternRef(Some(7))] }], ..case };
    for kind in [ExecutorKind::Wasmtime, ExecutorKind::Interp] {
        let run = record_run(kind.build().as_ref(), &case);
        assert_eq!(run.calls, [Outcome::Returned(vec![Value::ExternRef(Some(7)), Value::I32(0)])], "{kind}");
    }
    // In a comparison, Winch's refusal makes the case not comparable.
    let executors: Vec<Box<dyn Executor>> =
        [ExecutorKind::Interp, ExecutorKind::WasmtimeWinch].iter().map(|k| k.build()).collect();
    let report = run_case(&case, &refs(&executors));
    assert_eq!(report.verdict.kind(), "not_comparable", "{:?}", report.verdict);
}

/// The wasmi bugs of the regression corpus: every wasmtime back end
/// returns what Crucible's tiers return (the recorded outcomes and the
/// same states), wasmi does not, and with wasmtime among the executors
/// every case of the corpus keeps its verdict.
#[test]
fn wasmtime_confirms_the_wasmi_bugs_of_the_regression_corpus() {
    on_big_stack(|| {
        let dirs = regressions::cases(&regressions::default_dir()).unwrap();
        let wasmi_bugs: Vec<_> =
            dirs.iter().filter(|d| d.file_name().unwrap().to_string_lossy().starts_with("wasmi-")).collect();
        assert!(wasmi_bugs.len() >= 4, "{wasmi_bugs:?}");
        for dir in &wasmi_bugs {
            let (case, expected) = regressions::load(dir).unwrap();
            assert_eq!(expected.verdict, "reference_bug", "{}", dir.display());
            // Crucible's tiers give the recorded outcomes; their states (globals, memories) are the rest of the truth.
            let crucible = record_run(ExecutorKind::Interp.build().as_ref(), &case);
            assert_eq!(crucible.calls, expected.outcomes, "interp on {}", dir.display());
            for kind in WASMTIME {
                let run = record_run(kind.build().as_ref(), &case);
                // Winch lacks externref (wasmi-local-preservation-in-if has a `ref.null extern`).
                if kind == ExecutorKind::WasmtimeWinch
                    && matches!(run.instantiate, Err(InstantiateFailure::Unsupported(_)))
                {
                    continue;
                }
                assert_eq!(run.instantiate, Ok(()), "{kind} on {}", dir.display());
                assert_eq!(run.calls, crucible.calls, "{kind} on {}", dir.display());
                assert_eq!(run.states, crucible.states, "{kind} on {}", dir.display());
            }
            // wasmi alone disagrees, or panics (wasmi-store-value-is-its-teed-address).
            let wasmi = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                record_run(ExecutorKind::Wasmi.build().as_ref(), &case)
            }));
            if let Ok(wasmi) = wasmi {
                assert_ne!(
                    (&wasmi.calls, &wasmi.states),
                    (&crucible.calls, &crucible.states),
                    "wasmi on {}",
                    dir.display()
                );
            }
        }
        // (Winch would make the externref case not comparable.)
        let executors: Vec<Box<dyn Executor>> = ExecutorKind::AVAILABLE
            .iter()
            .chain(&[ExecutorKind::Wasmtime, ExecutorKind::WasmtimePulley])
            .map(|k| k.build())
            .collect();
        let problems: Vec<String> =
            dirs.iter().filter_map(|dir| regressions::check(dir, &refs(&executors)).err()).collect();
        assert!(problems.is_empty(), "{}", problems.join("\n"));
    });
}

/// Runs this test binary's `child` test alone in a fresh process with
/// `scenario` (so it sees a process where no signal handler is installed yet).
fn in_child(scenario: &str) {
    let output = Command::new(std::env::current_exe().unwrap())
        .args(["child", "--exact", "--ignored", "--nocapture", "--test-threads=1"])
        .env("CRUCIBLE_WASMTIME_SCENARIO", scenario)
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "scenario {scenario}: {}\n{}",
        output.status,
        String::from_utf8_lossy(&output.stderr) + String::from_utf8_lossy(&output.stdout)
    );
    assert!(String::from_utf8_lossy(&output.stdout).contains("scenario done"), "scenario {scenario} did not run");
}

/// Crucible's native tiers and wasmtime both catch their traps with signal
/// handlers and pass other faults on. Whichever installs first, trapping
/// code (out-of-bounds accesses, division by zero, stack overflow, ...)
/// run alternately on both, on two threads at once, traps correctly — on
/// the executors and on a default-configured wasmtime whose out-of-bounds
/// accesses fault in guard pages.
#[test]
fn signal_handlers_of_crucible_and_wasmtime_coexist_in_either_order() {
    in_child("crucible-first");
    in_child("wasmtime-first");
}

/// Thousands of instances (memory, table, data, a call) leave no mappings
/// or memory behind.
#[test]
fn instances_do_not_leak() {
    in_child("leak");
}

#[test]
#[ignore = "run by the tests above in a fresh process"]
fn child() {
    let Ok(scenario) = std::env::var("CRUCIBLE_WASMTIME_SCENARIO") else { return };
    match scenario.as_str() {
        "crucible-first" => alternate_traps(&[CRUCIBLE.as_slice(), WASMTIME.as_slice()]),
        "wasmtime-first" => alternate_traps(&[WASMTIME.as_slice(), CRUCIBLE.as_slice()]),
        "leak" => check_no_leak(),
        other => panic!("unknown scenario {other}"),
    }
    println!("scenario done");
}

fn alternate_traps(first_then: &[&[ExecutorKind]]) {
    // The first group's handlers go in first.
    for group in first_then {
        for &kind in *group {
            on_big_stack(move || check_traps(kind));
        }
    }
    let all: Vec<ExecutorKind> = first_then.iter().flat_map(|g| g.iter().copied()).collect();
    let threads: Vec<_> = (0..2)
        .map(|t| {
            let all = all.clone();
            std::thread::Builder::new()
                .stack_size(64 << 20)
                .spawn(move || {
                    for round in 0..3 {
                        for i in 0..all.len() {
                            check_traps(all[(i + t + round) % all.len()]);
                            if i == t {
                                guard_page_traps_on_default_wasmtime();
                            }
                        }
                    }
                })
                .unwrap()
        })
        .collect();
    for t in threads {
        t.join().unwrap();
    }
}

/// wasmtime as configured by default (4 GiB reservation and a guard
/// region, unlike the executors' small reservations): out-of-bounds
/// accesses fault in the guard region and come back as traps.
fn guard_page_traps_on_default_wasmtime() {
    use wasmtime::{Engine, Instance, Module, Store, Trap};
    let engine = Engine::default();
    let module = Module::new(&engine, wat::parse_str(TRAPS).unwrap()).unwrap();
    let mut store = Store::new(&engine, ());
    let instance = Instance::new(&mut store, &module, &[]).unwrap();
    let load = instance.get_typed_func::<i32, i32>(&mut store, "load").unwrap();
    let div = instance.get_typed_func::<i32, i32>(&mut store, "div").unwrap();
    let recurse = instance.get_typed_func::<i32, i32>(&mut store, "recurse").unwrap();
    let trap = |e: wasmtime::Error| *e.downcast_ref::<Trap>().expect("a trap");
    assert_eq!(load.call(&mut store, 65532).unwrap(), 0);
    for address in [65533, 1 << 20, -4] {
        assert_eq!(trap(load.call(&mut store, address).unwrap_err()), Trap::MemoryOutOfBounds);
    }
    assert_eq!(trap(div.call(&mut store, 0).unwrap_err()), Trap::IntegerDivisionByZero);
    assert_eq!(trap(recurse.call(&mut store, 0).unwrap_err()), Trap::StackOverflow);
}

/// (resident bytes, mappings) of this process.
fn footprint() -> (u64, usize) {
    let statm = std::fs::read_to_string("/proc/self/statm").unwrap();
    let resident: u64 = statm.split_whitespace().nth(1).unwrap().parse().unwrap();
    let maps = std::fs::read_to_string("/proc/self/maps").unwrap().lines().count();
    (resident * 4096, maps)
}

fn check_no_leak() {
    let wat = r#"(module
        (memory (export "mem") 1 10)
        (table (export "t") 10 100 externref)
        (table 4 funcref)
        (global (export "g") (mut i64) (i64.const 1))
        (data (i32.const 100) "crucible")
        (func (export "f") (param i32) (result i32)
          (drop (memory.grow (i32.const 1)))
          (drop (table.grow 0 (ref.null extern) (i32.const 5)))
          (i32.store (local.get 0) (i32.const 7))
          (i32.load (i32.const 100))))"#;
    // Winch cannot make the externref table: the same with funcrefs.
    let winch_wat =
        wat.replace("(table (export \"t\") 10 100 externref)", "").replace("(ref.null extern)", "(ref.null func)");
    for (kind, wat) in [
        (ExecutorKind::Wasmtime, wat),
        (ExecutorKind::WasmtimePulley, wat),
        (ExecutorKind::WasmtimeWinch, winch_wat.as_str()),
    ] {
        let executor = kind.build();
        let case = Case::single(
            wat::parse_str(wat).unwrap(),
            vec![case::Call { export: "f".into(), args: vec![Value::I32(64)] }],
        );
        let run_many = |n: usize| {
            for _ in 0..n {
                let run = record_run(executor.as_ref(), &case);
                assert_eq!(run.calls, [Outcome::Returned(vec![Value::I32(0x6375_7263)])], "{kind}");
            }
        };
        run_many(200);
        let before = footprint();
        run_many(3000);
        let after = footprint();
        println!("{kind}: 3000 instances: (resident bytes, mappings) {before:?} -> {after:?}");
        assert!(after.1 <= before.1 + 50, "{kind}: mappings {} -> {}", before.1, after.1);
        assert!(after.0 <= before.0 + (32 << 20), "{kind}: resident {} -> {} bytes", before.0, after.0);
    }
}

/// A verdict the comparison reaches with wasmtime as the only reference:
/// a divergence only wasmtime shows would be blamed on it after a rewrite,
/// like wasmi's (here: everyone agrees on the trapping module).
#[test]
fn a_case_compares_with_wasmtime_as_the_reference() {
    let case = Case::single(
        wat::parse_str(TRAPS).unwrap(),
        trap_plan()
            .into_iter()
            .filter(|(export, _, _)| *export != "recurse")
            .map(|(export, args, _)| case::Call { export: export.into(), args })
            .collect(),
    );
    let executors: Vec<Box<dyn Executor>> = CRUCIBLE.iter().chain(&WASMTIME).map(|k| k.build()).collect();
    let report = on_big_stack(move || run_case(&case, &refs(&executors)));
    assert_eq!(report.verdict, Verdict::AgreedOnTrap);
}

/// The libFuzzer binaries compare `$CRUCIBLE_EXECUTORS` when it is set.
#[test]
fn fuzz_targets_take_their_executors_from_a_list() {
    use oracle::targets::executor_kinds;
    assert_eq!(executor_kinds(None).unwrap(), ExecutorKind::AVAILABLE);
    assert_eq!(executor_kinds(Some(" ")).unwrap(), ExecutorKind::AVAILABLE);
    assert_eq!(
        executor_kinds(Some("interp, wasmtime,wasmtime-pulley")).unwrap(),
        [ExecutorKind::Interp, ExecutorKind::Wasmtime, ExecutorKind::WasmtimePulley]
    );
    let err = executor_kinds(Some("interp,wasmtim")).unwrap_err();
    assert!(err.contains("unknown executor `wasmtim`") && err.contains("wasmtime-winch"), "{err}");
}

/// The differential fuzz targets pass their seed corpora with the wasmtime
/// executors beside Crucible's tiers (what `CRUCIBLE_EXECUTORS=...` makes
/// the libFuzzer binaries run).
#[test]
fn differential_targets_pass_their_seeds_with_wasmtime() {
    on_big_stack(|| {
        let executors: Vec<Box<dyn Executor>> = CRUCIBLE.iter().chain(&WASMTIME).map(|k| k.build()).collect();
        for &target in oracle::targets::TargetKind::ALL.iter().filter(|t| t.is_differential()) {
            for seed in target.seed_corpus() {
                target.check(&seed, &refs(&executors)).unwrap_or_else(|why| panic!("{target}: {why}"));
            }
        }
    });
}

/// Linked instances (a provider's memory, mutable global, table and
/// function imported by the module called): every wasmtime back end links
/// them and agrees with Crucible's tiers; an import nothing provides is
/// unlinkable (invalid) on every executor.
#[test]
fn linked_instances_run_alike_on_wasmtime() {
    let (provider, main) = linked_pair();
    let case = Case {
        wasm: main.clone(),
        plan: vec![
            case::Call { export: "run".into(), args: vec![Value::I64(1)] },
            case::Call { export: "run".into(), args: vec![Value::I64(-3)] },
        ],
        providers: vec![provider.clone()],
    };
    let executors: Vec<Box<dyn Executor>> = CRUCIBLE.iter().chain(&WASMTIME).map(|k| k.build()).collect();
    let report = on_big_stack(move || run_case(&case, &refs(&executors)));
    assert_eq!(report.verdict, Verdict::Agreed, "{report:?}");
    assert_eq!(report.runs[3].calls[0], Outcome::Returned(vec![Value::I64(6 + (1 << 32))]));
    // A mistyped import (the provider's global is i64) and a missing one.
    let mistyped = wat::parse_str(r#"(module (import "m0" "g" (global (mut i32))))"#).unwrap();
    let missing = wat::parse_str(r#"(module (import "m0" "nothing" (func)))"#).unwrap();
    for kind in WASMTIME.into_iter().chain(CRUCIBLE) {
        for wasm in [&mistyped, &missing] {
            let failure =
                kind.build().instantiate_linked(std::slice::from_ref(&provider), wasm).map(|_| ()).unwrap_err();
            assert!(matches!(failure, InstantiateFailure::Invalid(_)), "{kind}: {failure:?}");
        }
    }
}

/// The module of each wasmi bug's `REPORT.md` (the text ready for an
/// upstream issue) does what the report says: Crucible's tiers and every
/// wasmtime back end give the spec's answer, wasmi 2.0.0 the reported one.
#[test]
fn the_wasmi_bug_reports_say_what_their_modules_do() {
    use Outcome::{Returned, Trapped};
    let call = |export: &str, args: Vec<Value>| case::Call { export: export.into(), args };
    // (case, call, spec's outcome, exported global after it (name, spec, wasmi), wasmi's outcome)
    #[allow(clippy::type_complexity)]
    let reports: [(&str, case::Call, Outcome, Option<(&str, Value, Value)>, Option<Outcome>); 4] = [
        (
            "wasmi-eqz-select-fusion",
            call("f", vec![]),
            Returned(vec![Value::I32(0)]),
            None,
            Some(Trapped(TrapCode::IntegerDivisionByZero)),
        ),
        (
            "wasmi-loop-param-after-tee",
            call("f", vec![Value::F32(0)]),
            Returned(vec![]),
            Some(("g", Value::I32(0x4000_0000), Value::I32(0))),
            Some(Returned(vec![])),
        ),
        (
            "wasmi-ref-is-null-select",
            call("3", vec![Value::FuncRef(None)]),
            Returned(vec![Value::I32(0)]),
            Some(("", Value::I32(0), Value::I32(0x7ea8_de82))),
            Some(Returned(vec![Value::I32(0)])),
        ),
        // wasmi returns a stale value, which depends on its configuration.
        ("wasmi-local-preservation-in-if", call("f", vec![Value::I32(0)]), Returned(vec![Value::I32(0)]), None, None),
    ];
    on_big_stack(move || {
        for (name, call, spec, global, wasmi_outcome) in reports {
            let path = regressions::default_dir().join(name).join("REPORT.md");
            let report = std::fs::read_to_string(&path).unwrap();
            let wat = report.split("```wat\n").nth(1).and_then(|s| s.split("\n```").next()).expect("a wat block");
            let case = Case::single(wat::parse_str(wat).unwrap(), vec![call]);
            let global_of = |states: &[oracle::executor::State], name: &str| {
                states.last().and_then(|s| s.globals.iter().find(|(n, _)| n == name).map(|(_, v)| *v))
            };
            let truth = record_run(ExecutorKind::Interp.build().as_ref(), &case);
            assert_eq!(truth.calls, std::slice::from_ref(&spec), "{name}");
            if let Some((global, value, _)) = global {
                assert_eq!(global_of(&truth.states, global), Some(value), "{name}");
            }
            for kind in CRUCIBLE.into_iter().chain(WASMTIME) {
                let run = record_run(kind.build().as_ref(), &case);
                assert_eq!((&run.calls, &run.states), (&truth.calls, &truth.states), "{kind} on {name}'s report");
            }
            // wasmi answers some cases differently from one run to the next
            // in a process (seen once in a full test run): its bug must show
            // in one of a few runs.
            let wasmi = (0..5)
                .map(|_| record_run(ExecutorKind::Wasmi.build().as_ref(), &case))
                .find(|wasmi| (&wasmi.calls, &wasmi.states) != (&truth.calls, &truth.states))
                .unwrap_or_else(|| panic!("wasmi on {name}'s report: no bug in 5 runs"));
            if let Some(outcome) = wasmi_outcome {
                assert_eq!(wasmi.calls, [outcome], "wasmi on {name}'s report");
            }
            if let Some((global, _, value)) = global {
                assert_eq!(global_of(&wasmi.states, global), Some(value), "wasmi on {name}'s report");
            }
        }
    });
}

/// The provider and main modules of the linked-instance tests
/// (`tests/data/linked/`).
fn linked_pair() -> (Vec<u8>, Vec<u8>) {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/linked");
    (wat::parse_file(dir.join("provider.wat")).unwrap(), wat::parse_file(dir.join("main.wat")).unwrap())
}

/// Test-only: wasmi as a reference engine whose i32 results with low
/// nibble 0xa come out one too high (no equivalent rewrite changes that).
struct WrongReference(Box<dyn Executor>);

impl Executor for WrongReference {
    fn name(&self) -> &str {
        "wrong-wasmi"
    }
    fn narrow(&self, config: &mut wasm_smith::Config) {
        self.0.narrow(config);
    }
    fn instantiate(&self, wasm: &[u8]) -> Result<Box<dyn Running>, InstantiateFailure> {
        Ok(Box::new(common::OffByOneRunning(self.0.instantiate(wasm)?)))
    }
    fn is_reference(&self) -> bool {
        true
    }
}

/// A reference engine alone against the tiers and another reference is
/// outvoted (its bug, not a divergence); a wrong tier never is, whichever
/// reference agrees with it.
#[test]
fn a_reference_alone_against_another_reference_and_the_tiers_is_outvoted() {
    on_big_stack(|| {
        let options = |executors, max_cases, stop_on_divergence| FuzzOptions {
            stop_on_divergence,
            ..common::options(executors, max_cases, None)
        };
        let interp = ExecutorKind::Interp.build();
        let wasmtime = ExecutorKind::Wasmtime.build();
        let wrong_reference = WrongReference(ExecutorKind::Wasmi.build());
        let (stats, _) = fuzz(&options(vec![interp.as_ref(), &wrong_reference, wasmtime.as_ref()], 1_500, false));
        assert_eq!(stats.totals.diverged, 0, "{:?}", stats.failures);
        assert!(
            stats.reference_bug_details.iter().any(|d| d.contains("wrong-wasmi alone disagrees: without it, interp")),
            "{:?}",
            stats.reference_bug_details
        );
        let wrong_tier = BuggyExecutor::default();
        let wasmi = ExecutorKind::Wasmi.build();
        let (stats, _) = fuzz(&options(vec![&wrong_tier, wasmi.as_ref(), wasmtime.as_ref()], 3_000, true));
        assert!(stats.totals.diverged > 0, "the wrong tier went unnoticed: {stats:?}");
    });
}
