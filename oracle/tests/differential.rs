//! The oracle end to end: determinism, agreement of the real executors, and
//! a deliberately wrong executor caught with a usable artifact.

use std::time::Instant;

use oracle::case::{self, Case};
use oracle::compare::{Verdict, run_case};
use oracle::executor::{CrucibleExecutor, Executor, ExecutorKind, InstantiateFailure, Running, WasmiExecutor};
use oracle::fuzz::fuzz;
use oracle::outcome::{Outcome, Value};
use wasm_encoder::reencode::{self, Reencode, RoundtripReencoder};

mod common;

/// Test-only: Crucible's interpreter behind a wrapper whose i32 results are
/// one too high whenever their low nibble is 0xa — the kind of bug a new
/// tier could have. The engine itself has no such knob.
struct OffByOne {
    inner: CrucibleExecutor,
}

impl Executor for OffByOne {
    fn name(&self) -> &str {
        "off-by-one"
    }
    fn narrow(&self, config: &mut wasm_smith::Config) {
        self.inner.narrow(config);
    }
    fn instantiate(&self, wasm: &[u8]) -> Result<Box<dyn Running>, InstantiateFailure> {
        Ok(Box::new(common::OffByOneRunning(self.inner.instantiate(wasm)?)))
    }
}

/// Test-only: the interpreter running a module whose every `i32.add` comes
/// out one too high when the sum's low nibble is 0xa — a wrong operator, as
/// opposed to a wrong result.
struct OffByOneAdd {
    inner: CrucibleExecutor,
}

struct Sabotage {
    /// Number of parameters of each defined function.
    params: Vec<u32>,
    next: usize,
}

impl Reencode for Sabotage {
    type Error = std::convert::Infallible;

    fn parse_function_body(
        &mut self,
        code: &mut wasm_encoder::CodeSection,
        func: wasmparser::FunctionBody<'_>,
    ) -> Result<(), reencode::Error<Self::Error>> {
        use wasm_encoder::Instruction as I;
        let mut count = self.params[self.next];
        self.next += 1;
        let mut locals = Vec::new();
        for pair in func.get_locals_reader()? {
            let (n, ty) = pair?;
            count += n;
            locals.push((n, self.val_type(ty)?));
        }
        locals.push((1, wasm_encoder::ValType::I32));
        let tmp = count;
        let mut f = wasm_encoder::Function::new(locals);
        let mut reader = func.get_operators_reader()?;
        while !reader.eof() {
            match reader.read()? {
                wasmparser::Operator::I32Add => {
                    let wrong = [I::I32Add, I::LocalTee(tmp), I::LocalGet(tmp), I::I32Const(0xf), I::I32And];
                    for i in wrong.iter().chain(&[I::I32Const(0xa), I::I32Eq, I::I32Add]) {
                        f.instruction(i);
                    }
                }
                op => {
                    f.instruction(&RoundtripReencoder.instruction(op)?);
                }
            }
        }
        code.function(&f);
        Ok(())
    }
}

impl Executor for OffByOneAdd {
    fn name(&self) -> &str {
        "off-by-one-add"
    }
    fn narrow(&self, config: &mut wasm_smith::Config) {
        self.inner.narrow(config);
    }
    fn instantiate(&self, wasm: &[u8]) -> Result<Box<dyn Running>, InstantiateFailure> {
        let mut types = Vec::new();
        let mut params = Vec::new();
        for payload in wasmparser::Parser::new(0).parse_all(wasm).flatten() {
            match payload {
                wasmparser::Payload::TypeSection(r) => {
                    types.extend(r.into_iter_err_on_gc_types().map(|t| t.unwrap().params().len() as u32))
                }
                wasmparser::Payload::FunctionSection(r) => {
                    params.extend(r.into_iter().map(|t| types[t.unwrap() as usize]))
                }
                _ => {}
            }
        }
        let mut module = wasm_encoder::Module::new();
        Sabotage { params, next: 0 }.parse_core_module(&mut module, wasmparser::Parser::new(0), wasm).unwrap();
        self.inner.instantiate(&module.finish())
    }
}

#[test]
fn the_same_bytes_make_the_same_case() {
    let interp = CrucibleExecutor::new(engine::Tier::Interp);
    let wasmi = WasmiExecutor::new();
    let executors: Vec<&dyn Executor> = vec![&interp, &wasmi];
    let profile = case::profile("default").unwrap();
    let bytes: Vec<u8> = (0..2048u32).map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8).collect();
    let a = case::generate(&bytes, &profile, &executors).unwrap();
    let b = case::generate(&bytes, &profile, &executors).unwrap();
    assert_eq!(a, b);
    assert!(!a.wasm.is_empty());
}

#[test]
fn interp_and_wasmi_agree_on_every_profile() {
    let interp = CrucibleExecutor::new(engine::Tier::Interp);
    let wasmi = WasmiExecutor::new();
    for profile in case::PROFILES.iter() {
        let mut opts = common::options(vec![&interp, &wasmi], 300, None);
        opts.profile = *profile;
        let (stats, _) = fuzz(&opts);
        assert!(stats.totals.cases >= 300, "{}: {} cases", profile.name, stats.totals.cases);
        assert!(!stats.found_bug(), "{}: {:?}", profile.name, stats.failures);
        // SIMD profiles allow traps in every case (wasm-smith generates SIMD
        // only there): agreeing on a trap counts as comparable.
        let comparable = stats.totals.agreed + stats.totals.agreed_on_trap;
        assert!(comparable > stats.totals.cases / 2, "{}: too few comparable cases: {stats:?}", profile.name);
        assert!(stats.totals.agreed > stats.totals.cases / 5, "{}: too few cases returned: {stats:?}", profile.name);
        // Every case counts for mvp, and the profile's own proposals get credit.
        assert_eq!(stats.cases_by_proposal.get("mvp"), Some(&stats.totals.cases));
        for p in profile.proposals.iter().filter(|p| **p != engine::Proposal::MutableGlobal) {
            assert!(stats.cases_by_proposal.get(p.name()).copied().unwrap_or(0) > 0, "{}: no {p} case", profile.name);
        }
    }
}

#[test]
fn a_wrong_executor_is_caught_with_a_usable_artifact() {
    let wrong = OffByOne { inner: CrucibleExecutor::new(engine::Tier::Interp) };
    let wasmi = WasmiExecutor::new();
    let out = std::env::temp_dir().join(format!("crucible-wrong-executor-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&out);
    let opts = common::options(vec![&wrong, &wasmi], 20_000, Some(out.clone()));
    let start = Instant::now();
    let (stats, _) = fuzz(&opts);
    println!("caught after {} cases in {:?}", stats.totals.cases, start.elapsed());
    assert!(stats.totals.diverged > 0, "the wrong executor went unnoticed in {} cases: {stats:?}", stats.totals.cases);
    // Being one of Crucible's executors, its bug is never blamed on the
    // reference: the only reference bugs on the way are wasmi 2.0's own
    // `eqz` fusion bug (corpus/regressions/wasmi-eqz-select-fusion).
    assert!(
        stats.reference_bug_details.iter().all(|d| d.contains("with `eqz` rewritten")),
        "{:?}",
        stats.reference_bug_details
    );

    // The divergence's artifact (wasmi's own bugs on the way are saved too,
    // before or after it depending on the jobs' timing).
    let artifact = stats
        .artifacts
        .iter()
        .map(std::path::PathBuf::from)
        .find(|a| a.file_name().is_some_and(|name| name.to_string_lossy().starts_with("diverged-")))
        .unwrap_or_else(|| panic!("no divergence artifact among {:?}", stats.artifacts));
    for file in ["input.bin", "module.wasm", "module.wat", "plan.json", "report.json"] {
        assert!(artifact.join(file).is_file(), "artifact lacks {file}");
    }
    // The raw input regenerates exactly the saved case, which still diverges.
    let input = std::fs::read(artifact.join("input.bin")).unwrap();
    let executors: Vec<&dyn Executor> = vec![&wrong, &wasmi];
    let regenerated = case::generate(&input, &opts.profile, &executors).unwrap();
    assert_eq!(regenerated.wasm, std::fs::read(artifact.join("module.wasm")).unwrap());
    let plan: Vec<case::Call> =
        serde_json::from_str(&std::fs::read_to_string(artifact.join("plan.json")).unwrap()).unwrap();
    assert_eq!(regenerated.plan, plan);
    let report = run_case(&Case { plan, ..regenerated }, &executors);
    assert!(matches!(report.verdict, Verdict::Diverged(_)), "{:?}", report.verdict);
    std::fs::remove_dir_all(&out).unwrap();
}

#[test]
fn the_arith_profile_catches_a_wrong_operator() {
    let wrong = OffByOneAdd { inner: CrucibleExecutor::new(engine::Tier::Interp) };
    let wasmi = WasmiExecutor::new();
    // The sabotage itself works: 0x20 + 0x0a comes out as 0x2b.
    let probe =
        wat::parse_str(r#"(module (func (export "f") (result i32) (i32.add (i32.const 32) (i32.const 10))))"#).unwrap();
    assert_eq!(wrong.instantiate(&probe).unwrap().call("f", &[]), Outcome::Returned(vec![Value::I32(43)]));

    let mut opts = common::options(vec![&wrong, &wasmi], 20_000, None);
    opts.profile = case::profile("arith").unwrap();
    let start = Instant::now();
    let (stats, _) = fuzz(&opts);
    println!("wrong i32.add caught after {} arith cases in {:?}", stats.totals.cases, start.elapsed());
    assert!(stats.totals.diverged > 0, "a wrong i32.add went unnoticed in {} arith cases", stats.totals.cases);
    assert!(stats.failures.iter().any(|f| f.contains("off-by-one-add")));
}

#[test]
fn fuzz_evidence_matches_the_run_and_its_schema() {
    let interp = CrucibleExecutor::new(engine::Tier::Interp);
    let wasmi = WasmiExecutor::new();
    let opts = common::options(vec![&interp, &wasmi], 200, None);
    let (stats, wall) = fuzz(&opts);
    let evidence = stats.evidence(&opts, wall, "crucible-fuzz");
    let json = serde_json::to_value(&evidence).unwrap();
    assert_eq!(json["schema"], "crucible.fuzz-evidence");
    assert_eq!(json["version"], 1);
    for field in [
        "generated_at",
        "target",
        "source",
        "fuzz_target",
        "profile",
        "wall_seconds",
        "cpu_seconds",
        "totals",
        "entries",
    ] {
        assert!(json.get(field).is_some(), "missing {field}");
    }
    assert_eq!(evidence.totals.cases, stats.totals.cases);
    let t = &evidence.totals;
    assert_eq!(t.agreed + t.agreed_on_trap + t.not_comparable + t.diverged + t.crashed + t.reference_bugs, t.cases);
    // One entry per (executor, proposal of the profile plus mvp).
    assert_eq!(evidence.entries.len(), 2 * (1 + opts.profile.proposals.len()));
    let mvp = evidence.entries.iter().find(|e| e.executor == "interp" && e.proposal == "mvp").unwrap();
    assert_eq!(mvp.cases, stats.totals.cases);
    assert_eq!(mvp.opcodes_total as usize, oracle::opcodes::MVP_OPCODES.len());
    assert!(mvp.opcodes_generated.len() > 50);
    // The interpreter measures execution; wasmi does not.
    let executed = mvp.opcodes_executed.as_ref().expect("interp reports executed operators");
    assert!(executed.len() > 20 && executed.keys().all(|op| mvp.opcodes_generated.contains_key(op)));
    let wasmi_mvp = evidence.entries.iter().find(|e| e.executor == "wasmi" && e.proposal == "mvp").unwrap();
    assert!(wasmi_mvp.opcodes_executed.is_none());
    let back: oracle::evidence::FuzzEvidence = serde_json::from_value(json).unwrap();
    assert_eq!(back, evidence);
}

#[test]
fn unknown_profiles_and_executors_are_refused() {
    // No tier runs GC: it has no profile.
    assert!(case::profile("gc").unwrap_err().contains("unknown profile `gc`"));
    let err = "v8".parse::<ExecutorKind>().unwrap_err();
    assert!(err.contains("unknown executor `v8`") && err.contains("cranelift-explicit, baseline"), "{err}");
}

/// Each executor kind builds an executor that records the kind's name (the
/// name artifacts and evidence keep), with or without fuel, and its name
/// parses back to it.
#[test]
fn executor_kinds_build_what_they_name() {
    let names: Vec<&str> = ExecutorKind::ALL.iter().map(|k| k.name()).collect();
    assert_eq!(
        names,
        [
            "interp",
            "cranelift",
            "cranelift-explicit",
            "baseline",
            "baseline-explicit",
            "wasmi",
            "wasmtime",
            "wasmtime-winch",
            "wasmtime-pulley",
            "buggy-interp",
            "cranelift-faulty"
        ]
    );
    for &kind in ExecutorKind::ALL {
        assert_eq!(kind.build().name(), kind.name());
        assert_eq!(kind.build_with_fuel(1_000).name(), kind.name());
        assert_eq!(kind.name().parse::<ExecutorKind>(), Ok(kind));
        assert_eq!(kind.to_string(), kind.name());
        assert_eq!(kind.is_test_only(), matches!(kind.name(), "buggy-interp" | "cranelift-faulty"));
    }
    assert!(ExecutorKind::AVAILABLE.iter().all(|k| !k.is_test_only()));
}

/// The compiling tiers' explicit-bounds-check modes agree with the
/// interpreter on generated modules (which often access memory out of
/// bounds).
#[test]
fn explicit_bounds_checks_agree_with_the_interpreter() {
    let interp = CrucibleExecutor::new(engine::Tier::Interp);
    let cranelift = ExecutorKind::CraneliftExplicit.build();
    let baseline = ExecutorKind::BaselineExplicit.build();
    let (stats, _) = fuzz(&common::options(vec![&interp, cranelift.as_ref(), baseline.as_ref()], 300, None));
    assert!(stats.totals.cases >= 300, "{} cases", stats.totals.cases);
    assert!(!stats.found_bug(), "{:?}", stats.failures);
    assert!(stats.totals.agreed_on_trap > 0, "no case trapped: {stats:?}");
}

/// A translator bug that makes a tier refuse a valid module (here a planted
/// one: the Cranelift tier emits mistyped IR for `i32.add`) is a finding with
/// an artifact, never "not comparable".
#[test]
fn a_tier_failing_to_compile_a_valid_module_is_a_finding() {
    let interp = CrucibleExecutor::new(engine::Tier::Interp);
    let faulty = ExecutorKind::CraneliftFaulty.build();
    let probe = wat::parse_str(
        r#"(module (func (export "f") (param i32) (result i32) (i32.add (local.get 0) (i32.const 1))))"#,
    )
    .unwrap();
    match faulty.instantiate(&probe) {
        Err(InstantiateFailure::Internal(why)) => assert!(why.contains("internal compiler error"), "{why}"),
        other => panic!("the planted fault did not fail compilation: {:?}", other.err()),
    }
    let report = run_case(&Case::single(probe, vec![]), &[&interp, faulty.as_ref()]);
    assert!(
        matches!(&report.verdict, Verdict::Crashed(why) if why.contains("cranelift-faulty")),
        "{:?}",
        report.verdict
    );

    let out = std::env::temp_dir().join(format!("crucible-faulty-translator-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&out);
    let opts = common::options(vec![&interp, faulty.as_ref()], 20_000, Some(out.clone()));
    let start = Instant::now();
    let (stats, _) = fuzz(&opts);
    println!("planted translator fault caught after {} cases in {:?}", stats.totals.cases, start.elapsed());
    assert!(stats.totals.crashed > 0, "the failing translator went unnoticed: {stats:?}");
    assert!(stats.failures.iter().any(|f| f.contains("internal compiler error")), "{:?}", stats.failures);
    assert!(!stats.not_comparable_reasons.contains_key("unsupported"), "{:?}", stats.not_comparable_reasons);
    assert!(!stats.artifacts.is_empty());
    std::fs::remove_dir_all(&out).unwrap();
}

/// Fuel is charged alike on every tier: on generated modules, each call's
/// outcome and the fuel left after it are the same on the interpreter and
/// both compiling tiers, including when fuel runs out part-way.
#[test]
fn every_tier_charges_the_same_fuel_on_generated_modules() {
    use engine::{Config, Engine, Linker, Module, Store, Tier, Val};
    let interp = CrucibleExecutor::new(Tier::Interp);
    let profile = case::profile("default").unwrap();
    let run = |tier: Tier, case: &Case, fuel: u64| -> Vec<String> {
        let mut config = Config::new();
        config.tier(tier).consume_fuel(true);
        let engine = Engine::new(&config).unwrap();
        let module = Module::new(&engine, &case.wasm).unwrap();
        let mut store = Store::new(&engine, ());
        store.set_fuel(fuel).unwrap();
        let mut seen = Vec::new();
        let instance = match Linker::new(&engine).instantiate(&mut store, &module) {
            Ok(instance) => instance,
            Err(e) => return vec![format!("instantiation: {e}")],
        };
        for call in &case.plan {
            let func = instance.get_func(&store, &call.export).unwrap();
            let ty = func.ty(&store).unwrap();
            let args: Vec<Val> = call
                .args
                .iter()
                .map(|a| match *a {
                    Value::I32(v) => Val::I32(v),
                    Value::I64(v) => Val::I64(v),
                    Value::F32(v) => Val::F32(v),
                    Value::F64(v) => Val::F64(v),
                    Value::V128(v) => Val::V128(v),
                    _ => Val::default_for(engine::ValType::ExternRef),
                })
                .collect();
            let mut results: Vec<Val> = ty.results().iter().map(|t| Val::default_for(*t)).collect();
            let outcome = func.call(&mut store, &args, &mut results).map(|()| results).map_err(|e| e.to_string());
            seen.push(format!("{outcome:?}, fuel left {}", store.get_fuel().unwrap()));
        }
        seen
    };
    let (mut compared, mut ran_out) = (0, 0);
    for seed in 0..300u64 {
        let Ok(case) = case::generate(&oracle::targets::noise(seed ^ 0xf0e1, 2500), &profile, &[&interp]) else {
            continue;
        };
        for fuel in [1_000, 100_000] {
            let reference = run(Tier::Interp, &case, fuel);
            // Each tier on the cases it runs.
            let used = case::proposals_used(&case.wasm, &profile);
            for tier in
                [Tier::Baseline, Tier::Cranelift].into_iter().filter(|t| used.iter().all(|p| p.supported_by(*t)))
            {
                assert_eq!(run(tier, &case, fuel), reference, "seed {seed}, {fuel} fuel, {tier} vs interp");
            }
            ran_out += reference.iter().filter(|r| r.contains("all fuel consumed")).count();
            compared += 1;
        }
    }
    assert!(compared > 400 && ran_out > 20, "{compared} cases compared, {ran_out} calls ran out of fuel");
}

/// The default campaign is a swarm: its cases draw their generator and
/// configuration, so one run holds arithmetic trees, probes, trap-free and
/// trap-allowed wasm-smith modules, and says so in its statistics and
/// evidence.
#[test]
fn the_default_campaign_mixes_every_kind_of_case() {
    let interp = CrucibleExecutor::new(engine::Tier::Interp);
    let wasmi = WasmiExecutor::new();
    let opts = common::options(vec![&interp, &wasmi], 400, None);
    assert!(opts.profile.swarm);
    let (stats, wall) = fuzz(&opts);
    assert!(!stats.found_bug(), "{:?}", stats.failures);
    for kind in [
        case::Drawn::Arith,
        case::Drawn::Probes,
        case::Drawn::WasmSmithTrapFree,
        case::Drawn::WasmSmithTrapping,
        case::Drawn::Linked,
    ] {
        let n = stats.mix.get(kind.name()).copied().unwrap_or(0);
        assert!(n >= 20, "{}: {n} of {} cases ({:?})", kind.name(), stats.totals.cases, stats.mix);
    }
    // Every case is counted once in the mix (inputs that make no case are not cases).
    assert_eq!(stats.mix.values().sum::<u64>(), stats.totals.cases);
    let evidence = stats.evidence(&opts, wall, "test");
    assert_eq!(evidence.mix, stats.mix);
    // A focused profile is not a swarm: wasm-smith only, under its proposals.
    let mut mvp = common::options(vec![&interp, &wasmi], 50, None);
    mvp.profile = case::profile("mvp").unwrap();
    assert!(!mvp.profile.swarm);
    let mix = fuzz(&mvp).0.mix;
    assert!(!mix.contains_key(case::Drawn::Arith.name()) && !mix.contains_key(case::Drawn::Probes.name()), "{mix:?}");
    assert!(!mix.is_empty());
}

/// The swarm's linked cases: a second module importing from the first's
/// exports, under the name the executors register it by; across a few
/// hundred cases they import every kind of item, mutable globals included.
#[test]
fn linked_cases_import_every_kind_of_item_from_their_provider() {
    use wasmparser::{Payload, TypeRef};
    let interp = CrucibleExecutor::new(engine::Tier::Interp);
    let profile = case::profile("default").unwrap();
    let mut kinds = std::collections::BTreeMap::<&str, u32>::new();
    let mut linked = 0;
    let mut seed = 7u64;
    for _ in 0..1500 {
        let data: Vec<u8> = (0..3000)
            .map(|_| {
                seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
                (seed >> 33) as u8
            })
            .collect();
        let Ok((case, drawn)) = case::generate_drawn(&data, &profile, &[&interp]) else { continue };
        assert_eq!(case.providers.is_empty(), drawn != case::Drawn::Linked);
        if drawn != case::Drawn::Linked {
            continue;
        }
        linked += 1;
        for payload in wasmparser::Parser::new(0).parse_all(&case.wasm) {
            if let Payload::ImportSection(r) = payload.unwrap() {
                for import in r.into_imports() {
                    let import = import.unwrap();
                    assert_eq!(import.module, oracle::executor::provider_name(0));
                    let kind = match import.ty {
                        TypeRef::Func(_) => "function",
                        TypeRef::Memory(_) => "memory",
                        TypeRef::Table(_) => "table",
                        TypeRef::Global(g) if g.mutable => "mutable global",
                        TypeRef::Global(_) => "immutable global",
                        _ => "other",
                    };
                    *kinds.entry(kind).or_default() += 1;
                }
            }
        }
    }
    assert!(linked >= 50, "{linked} linked cases");
    for kind in ["function", "memory", "table", "mutable global", "immutable global"] {
        assert!(kinds.get(kind).copied().unwrap_or(0) > 0, "no {kind} imported: {kinds:?}");
    }
}

/// Cross-instance paths on every executor: a function that writes the
/// provider's memory and mutable global through imports and calls back
/// into it, run by every available executor; and a wrong executor is caught
/// through the imported global.
#[test]
fn a_linked_case_runs_alike_on_every_executor() {
    let (provider, main) = linked_pair();
    let case = Case {
        wasm: main,
        plan: vec![
            case::Call { export: "run".into(), args: vec![Value::I64(1)] },
            case::Call { export: "run".into(), args: vec![Value::I64(-3)] },
        ],
        providers: vec![provider],
    };
    let available: Vec<Box<dyn Executor>> = ExecutorKind::AVAILABLE.iter().map(|k| k.build()).collect();
    let executors: Vec<&dyn Executor> = available.iter().map(|e| e.as_ref()).collect();
    let report = run_case(&case, &executors);
    assert_eq!(report.verdict, Verdict::Agreed, "{report:?}");
    // 1 + 5, then the global grew by 2^32: 1 + 5 + 2^32.
    assert_eq!(report.runs[0].calls[0], Outcome::Returned(vec![Value::I64(6 + (1 << 32))]));
    let wrong = oracle::mutants::MutantExecutor::new(oracle::mutants::Mutant::I64GlobalSetLowHalf);
    let report = run_case(&case, &[executors[0], &wrong]);
    assert!(matches!(report.verdict, Verdict::Diverged(_)), "{report:?}");
}

/// The provider and main modules of the linked-instance tests
/// (`tests/data/linked/`).
fn linked_pair() -> (Vec<u8>, Vec<u8>) {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/linked");
    (wat::parse_file(dir.join("provider.wat")).unwrap(), wat::parse_file(dir.join("main.wat")).unwrap())
}

/// Loads and stores of a memory other than memory 0 in the module's
/// function bodies.
fn other_memory_accesses(wasm: &[u8]) -> usize {
    oracle::opcodes::operators(wasm)
        .filter(|op| engine::compile::memarg(op).is_some_and(|m| m.target != wasmparser::MemArgTarget::Memory(0)))
        .count()
}

/// The multi-memory profile's modules load from and store to memories other
/// than memory 0 (wasm-smith's count comes from the proposal registry), and
/// every tier agrees with the others and with wasmi on them.
#[test]
fn multi_memory_cases_reach_other_memories_and_every_tier_agrees() {
    let tiers: Vec<CrucibleExecutor> = engine::Tier::ALL.iter().map(|tier| CrucibleExecutor::new(*tier)).collect();
    let wasmi = WasmiExecutor::new();
    let mut executors: Vec<&dyn Executor> = tiers.iter().map(|t| t as &dyn Executor).collect();
    executors.push(&wasmi);
    let profile = case::profile("multi-memory").unwrap();
    let (mut cases, mut reaching) = (0, 0);
    for seed in 0..150u64 {
        let Ok(case) = case::generate(&oracle::targets::noise(seed ^ 0x3e3e, 3000), &profile, &executors) else {
            continue;
        };
        cases += 1;
        reaching += usize::from(other_memory_accesses(&case.wasm) > 0);
        let report = run_case(&case, &executors);
        assert!(
            !matches!(report.verdict, Verdict::Diverged(_) | Verdict::Crashed(_)),
            "seed {seed}: {:?}",
            report.verdict
        );
    }
    assert!(cases > 100 && reaching * 2 > cases, "{reaching} of {cases} cases access a memory other than 0");
}
