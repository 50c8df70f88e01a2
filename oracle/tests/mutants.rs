//! The mutant catalogue: every mutant is a real bug (a witness module shows
//! it differing from the interpreter) and plants only valid code (generated
//! modules stay valid, and it agrees with the interpreter on modules that
//! do not use what it breaks).

use oracle::case::{self, Call, Case};
use oracle::compare::{Verdict, run_case};
use oracle::executor::{Executor, ExecutorKind, InstantiateFailure};
use oracle::mutants::{Mutant, MutantExecutor};
use oracle::outcome::Value;

/// A module, its export `run`'s arguments, showing the mutant's bug. The
/// match is exhaustive: a new mutant needs its witness.
fn witness(mutant: Mutant) -> (&'static str, Vec<Value>) {
    use Mutant as M;
    use Value::{F32, F64, I32, I64};
    match mutant {
        M::RemSOverflowTraps => (
            "(func (export \"run\") (param i32 i32) (result i32) local.get 0 local.get 1 i32.rem_s)",
            vec![I32(i32::MIN), I32(-1)],
        ),
        M::I64DivSOverflowWraps => (
            "(func (export \"run\") (param i64 i64) (result i64) local.get 0 local.get 1 i64.div_s)",
            vec![I64(i64::MIN), I64(-1)],
        ),
        M::ShrSCountUnmasked => (
            "(func (export \"run\") (param i32 i32) (result i32) local.get 0 local.get 1 i32.shr_s)",
            vec![I32(-256), I32(33)],
        ),
        M::I64RotlCountMod32 => (
            "(func (export \"run\") (param i64 i64) (result i64) local.get 0 local.get 1 i64.rotl)",
            vec![I64(1), I64(40)],
        ),
        M::ClzOfZeroIs31 => ("(func (export \"run\") (param i32) (result i32) local.get 0 i32.clz)", vec![I32(0)]),
        M::I64PopcntLowHalf => {
            ("(func (export \"run\") (param i64) (result i64) local.get 0 i64.popcnt)", vec![I64(-1)])
        }
        M::I64LtUComparesSigned => (
            "(func (export \"run\") (param i64 i64) (result i32) local.get 0 local.get 1 i64.lt_u)",
            vec![I64(1), I64(-1)],
        ),
        M::Load16SZeroExtends => (
            "(memory 1) (data (i32.const 0) \"\\00\\80\")
             (func (export \"run\") (param i32) (result i32) local.get 0 i32.load16_s)",
            vec![I32(0)],
        ),
        M::I64Load32USignExtends => (
            "(memory 1) (data (i32.const 0) \"\\ff\\ff\\ff\\ff\")
             (func (export \"run\") (param i32) (result i64) local.get 0 i64.load32_u)",
            vec![I32(0)],
        ),
        M::Store16WritesOneByte => (
            "(memory 1)
             (func (export \"run\") (param i32) (result i32)
               local.get 0 i32.const 0x1234 i32.store16 local.get 0 i32.load16_u)",
            vec![I32(8)],
        ),
        M::I64Store32WritesEightBytes => (
            "(memory 1)
             (func (export \"run\") (param i32) (result i64)
               local.get 0 i64.const -1 i64.store32 local.get 0 i64.load)",
            vec![I32(8)],
        ),
        M::LoadAtEndTraps => (
            "(memory 1) (func (export \"run\") (param i32) (result i32) local.get 0 i32.load)",
            vec![I32(65532)],
        ),
        M::TruncF64SMinTraps => (
            "(func (export \"run\") (param f64) (result i32) local.get 0 i32.trunc_f64_s)",
            vec![F64((-2147483648.5f64).to_bits())],
        ),
        M::TruncSatNanIsMin => (
            "(func (export \"run\") (param f64) (result i32) local.get 0 i32.trunc_sat_f64_s)",
            vec![F64(f64::NAN.to_bits())],
        ),
        M::ConvertI64UAsSigned => {
            ("(func (export \"run\") (param i64) (result f64) local.get 0 f64.convert_i64_u)", vec![I64(-1)])
        }
        M::DemoteFlushesSubnormals => (
            "(func (export \"run\") (param f64) (result f32) local.get 0 f32.demote_f64)",
            vec![F64(1e-40f64.to_bits())],
        ),
        M::NearestRoundsHalfAway => {
            ("(func (export \"run\") (param f64) (result f64) local.get 0 f64.nearest)", vec![F64(2.5f64.to_bits())])
        }
        M::F32MinOfZerosTakesSecond => (
            "(func (export \"run\") (param f32 f32) (result f32) local.get 0 local.get 1 f32.min)",
            vec![F32((-0.0f32).to_bits()), F32(0.0f32.to_bits())],
        ),
        M::CeilLosesNegativeZero => {
            ("(func (export \"run\") (param f32) (result f32) local.get 0 f32.ceil)", vec![F32((-0.5f32).to_bits())])
        }
        M::BrTableDefaultIsLast => (
            "(func (export \"run\") (param i32) (result i32)
               (block (block (br_table 0 1 (local.get 0))) (return (i32.const 1))) (i32.const 2))",
            vec![I32(1)],
        ),
        M::SelectTestsPositive => (
            "(func (export \"run\") (param i32) (result i32) i32.const 1 i32.const 2 local.get 0 select)",
            vec![I32(-5)],
        ),
        M::IfTestsLowByte => (
            "(func (export \"run\") (param i32) (result i32) (if (result i32) (local.get 0) (then (i32.const 1)) (else (i32.const 2))))",
            vec![I32(0x100)],
        ),
        M::MemoryCopyForwards => (
            "(memory 1) (data (i32.const 0) \"\\01\\02\\03\\04\")
             (func (export \"run\") (result i64)
               (memory.copy (i32.const 1) (i32.const 0) (i32.const 4)) (i64.load (i32.const 0)))",
            vec![],
        ),
        M::MemoryFillZeroLengthUnchecked => (
            "(memory 1) (func (export \"run\") (param i32) (memory.fill (local.get 0) (i32.const 0) (i32.const 0)))",
            vec![I32(65537)],
        ),
        M::MemoryGrowFailureReturnsSize => (
            "(memory 1 2) (func (export \"run\") (param i32) (result i32) (memory.grow (local.get 0)))",
            vec![I32(5)],
        ),
        M::CallIndirectNullWrongTrap => (
            "(table 2 funcref) (type $t (func (result i32)))
             (func (export \"run\") (param i32) (result i32) (call_indirect (type $t) (local.get 0)))",
            vec![I32(1)],
        ),
        M::TableGetOutOfBoundsIsNull => (
            "(table 2 funcref)
             (func (export \"run\") (param i32) (result i32) (ref.is_null (table.get (local.get 0))))",
            vec![I32(2)],
        ),
        M::I64GlobalSetLowHalf => (
            "(global $g (export \"g\") (mut i64) (i64.const 0))
             (func (export \"run\") (param i64) (global.set $g (local.get 0)))",
            vec![I64(1 << 40)],
        ),
        M::CallSwapsLastTwoArguments => (
            "(func $sub (param i32 i32 i32) (result i32) (i32.sub (local.get 1) (local.get 2)))
             (func (export \"run\") (param i32 i32) (result i32) (call $sub (i32.const 0) (local.get 0) (local.get 1)))",
            vec![I32(10), I32(3)],
        ),
    }
}

fn case_of(wat: &str, args: Vec<Value>) -> Case {
    let wasm = wat::parse_str(format!("(module {wat})")).expect("witnesses are valid text");
    Case::single(wasm, vec![Call { export: "run".into(), args }])
}

#[test]
fn there_are_at_least_twenty_mutants_across_the_engine_rules() {
    let mut families: Vec<&str> = Mutant::ALL.iter().map(|m| m.family()).collect();
    families.sort_unstable();
    families.dedup();
    assert!(Mutant::ALL.len() >= 20, "{} mutants", Mutant::ALL.len());
    for family in [
        "integer arithmetic",
        "loads and stores",
        "conversions",
        "float rounding",
        "control flow",
        "memory",
        "tables",
        "globals",
        "calls",
    ] {
        assert!(families.contains(&family), "no mutant of {family}");
    }
}

#[test]
fn every_mutant_differs_from_the_interpreter_on_its_witness() {
    let interp = ExecutorKind::Interp.build();
    for mutant in Mutant::ALL {
        let (wat, args) = witness(*mutant);
        let case = case_of(wat, args);
        let wrong = MutantExecutor::new(*mutant);
        let report = run_case(&case, &[interp.as_ref(), &wrong]);
        assert!(matches!(report.verdict, Verdict::Diverged(_)), "{mutant}: {:?}", report.verdict);
    }
}

#[test]
fn the_mutations_keep_generated_modules_valid() {
    let interp = ExecutorKind::Interp.build();
    let profile = case::profile("default").unwrap();
    let mutants: Vec<MutantExecutor> = Mutant::ALL.iter().map(|m| MutantExecutor::new(*m)).collect();
    let mut agreed = vec![0u32; mutants.len()];
    let mut seed = 0x1234_5678u64;
    for n in 0..120u32 {
        let data: Vec<u8> = (0..2048)
            .map(|_| {
                seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
                (seed >> 33) as u8
            })
            .collect();
        let Ok(case) = case::generate(&data, &profile, &[interp.as_ref()]) else { continue };
        if interp.instantiate(&case.wasm).is_err_and(|e| matches!(e, InstantiateFailure::Invalid(_))) {
            continue;
        }
        for (i, mutant) in mutants.iter().enumerate() {
            let mutated = mutant.mutant().apply(&case.wasm).expect("generated modules re-encode");
            if let Err(InstantiateFailure::Invalid(why)) = mutant.instantiate(&case.wasm) {
                let wat = wasmprinter::print_bytes(&mutated).unwrap_or_default();
                panic!("{}: case {n} became invalid: {why}\n{wat}", mutant.name());
            }
            if matches!(run_case(&case, &[interp.as_ref(), mutant]).verdict, Verdict::Agreed | Verdict::AgreedOnTrap) {
                agreed[i] += 1;
            }
        }
    }
    // A mutant is a bug in one rule, not a different engine: it agrees on
    // most generated cases.
    for (mutant, agreed) in mutants.iter().zip(agreed) {
        assert!(agreed >= 60, "{} agreed on only {agreed} cases", mutant.name());
    }
}

/// The four kinds of bug the default campaign used to miss (issue #18): an
/// integer edge (`i32.rem_s` of `INT_MIN` by -1), a sign-extending load
/// that zero-extends, a float rounding rule (`f64.nearest` of a half), an
/// overlapping `memory.copy`. The default campaign, as `crucible fuzz` runs
/// it (every available executor, two jobs), reports each within a bounded
/// number of cases.
#[test]
fn the_default_campaign_catches_the_four_kinds_it_used_to_miss() {
    let available: Vec<Box<dyn Executor>> = ExecutorKind::AVAILABLE.iter().map(|k| k.build()).collect();
    for mutant in [
        Mutant::RemSOverflowTraps,
        Mutant::Load16SZeroExtends,
        Mutant::NearestRoundsHalfAway,
        Mutant::MemoryCopyForwards,
    ] {
        let wrong = MutantExecutor::new(mutant);
        let mut executors: Vec<&dyn Executor> = available.iter().map(|e| e.as_ref()).collect();
        executors.push(&wrong);
        let options = oracle::fuzz::FuzzOptions {
            target: oracle::targets::TargetKind::Differential,
            seconds: 600.0,
            seed: 0,
            profile: case::profile("default").unwrap(),
            executors,
            jobs: 2,
            out: None,
            max_cases: Some(20_000),
            stop_on_divergence: true,
            progress: false,
        };
        let (stats, wall) = oracle::fuzz::fuzz(&options);
        println!("{mutant}: {} cases, {wall:?}", stats.totals.cases);
        assert!(
            stats.failures.iter().any(|f| f.contains(wrong.name())),
            "{mutant} not reported in {} cases: {:?}",
            stats.totals.cases,
            stats.failures
        );
    }
}
