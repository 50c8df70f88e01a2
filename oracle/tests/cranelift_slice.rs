//! The Cranelift tier's first slice (numeric code, locals, control flow,
//! calls) against the interpreter, on the arithmetic generator's cases:
//! every operator's result reaches the return value, so a wrong translation
//! shows. Run at every optimization level.

use engine::OptLevel;
use engine::compile::cranelift::Standalone;
use oracle::executor::{CrucibleExecutor, Executor};
use oracle::outcome::{Outcome, Value};

fn raw(v: &Value) -> u64 {
    match *v {
        Value::I32(x) => x as u32 as u64,
        Value::I64(x) => x as u64,
        Value::F32(b) => b as u64,
        Value::F64(b) => b,
        Value::V128(_) | Value::FuncRef(_) | Value::ExternRef(_) => unreachable!("arith cases use scalars only"),
    }
}

#[test]
fn cranelift_agrees_with_the_interpreter_on_arithmetic() {
    let interp = CrucibleExecutor::new(engine::Tier::Interp);
    let executors: [&dyn Executor; 1] = [&interp];
    let profile = oracle::case::profile("arith").unwrap();
    let (mut calls, mut traps) = (0, 0);
    for seed in 0..2000u64 {
        let Ok(case) = oracle::case::generate(&oracle::targets::noise(seed, 3000), &profile, &executors) else {
            continue;
        };
        let opt = OptLevel::ALL[seed as usize % 3];
        let compiled = Standalone::new(&case.wasm, opt)
            .unwrap_or_else(|e| panic!("seed {seed}: the arith module does not compile: {e}"));
        let mut running = interp.instantiate(&case.wasm).expect("arith modules instantiate");
        for call in &case.plan {
            let expected = running.call(&call.export, &call.args);
            let args: Vec<u64> = call.args.iter().map(raw).collect();
            let got = compiled.call(&call.export, &args);
            calls += 1;
            match (&expected, &got) {
                (Outcome::Returned(values), Ok(raws)) => {
                    let want: Vec<u64> = values.iter().map(raw).collect();
                    assert_eq!(&want, raws, "seed {seed} ({opt:?}) `{}`{:?}", call.export, call.args);
                }
                (Outcome::Trapped(code), Err(engine::Error::Trap(t))) => {
                    traps += 1;
                    assert_eq!(*code, t.code(), "seed {seed} ({opt:?}) `{}`{:?}", call.export, call.args);
                }
                _ => panic!(
                    "seed {seed} ({opt:?}) `{}`{:?}: interp {expected:?}, cranelift {got:?}",
                    call.export, call.args
                ),
            }
        }
    }
    assert!(calls > 2500 && traps > 50, "only {calls} calls ({traps} traps) compared");
}

/// wasm-smith modules (MVP profile) that the tier compiles today, on the
/// interpreter and the Cranelift tier, compared call by call and state by
/// state (memories, globals) by the oracle.
#[test]
fn cranelift_agrees_with_the_interpreter_on_generated_modules_it_compiles() {
    let interp = CrucibleExecutor::new(engine::Tier::Interp);
    let cranelift = CrucibleExecutor::new(engine::Tier::Cranelift);
    let executors: [&dyn Executor; 2] = [&interp, &cranelift];
    let (mut compared, mut refused) = (0, 0);
    for profile in ["mvp", "sign-extension-ops", "nontrapping-float-to-int-conversions"] {
        let profile = oracle::case::profile(profile).unwrap();
        for seed in 0..600u64 {
            let Ok(case) = oracle::case::generate(&oracle::targets::noise(seed ^ 0xc1, 2500), &profile, &executors)
            else {
                continue;
            };
            if let Err(oracle::executor::InstantiateFailure::Unsupported(_)) = cranelift.instantiate(&case.wasm) {
                refused += 1;
                continue;
            }
            let report = oracle::compare::run_case(&case, &executors);
            assert!(!report.verdict.is_failure(), "seed {seed} ({}): {:?}", profile.name, report.verdict);
            compared += 1;
        }
    }
    assert!(compared > 150, "only {compared} generated modules compiled ({refused} refused)");
}
