//! The triage tool end to end, through its binary: from a fuzz finding of
//! a deliberately wrong executor to a saved regression that tells the wrong
//! executor from the right ones; and bad input refused in one line.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use oracle::executor::{Executor, ExecutorKind};
use oracle::targets::TargetKind;

fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("triage-test-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn triage(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_triage")).args(args).output().unwrap()
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

fn executors(kinds: &[ExecutorKind]) -> Vec<Box<dyn Executor>> {
    kinds.iter().map(|k| k.build()).collect()
}

fn refs(boxed: &[Box<dyn Executor>]) -> Vec<&dyn Executor> {
    boxed.iter().map(|e| e.as_ref()).collect()
}

/// The largest divergence artifact a short fuzz run against the wrong
/// executor leaves.
fn fuzz_finds_a_divergence(out: &Path) -> PathBuf {
    let boxed = executors(&[ExecutorKind::Interp, ExecutorKind::BuggyInterp]);
    let options = oracle::fuzz::FuzzOptions {
        target: TargetKind::Differential,
        seconds: 120.0,
        seed: 7,
        // wasm-smith modules of every proposal the tiers run (the swarm
        // `default` also makes small arith cases, which leave little to shrink).
        profile: oracle::case::profile("reference-types").unwrap(),
        executors: boxed.iter().map(|e| e.as_ref()).collect(),
        jobs: 2,
        out: Some(out.to_path_buf()),
        // wasm-smith's code lets an add reach something observable in about
        // one case in 500: a few thousand cases give a handful of findings.
        max_cases: Some(4_000),
        stop_on_divergence: false,
        progress: false,
    };
    let (stats, _) = oracle::fuzz::fuzz(&options);
    assert!(stats.totals.diverged > 0, "the fuzz loop never noticed add became sub");
    let size = |p: &PathBuf| std::fs::metadata(p.join("module.wasm")).unwrap().len();
    let artifacts: Vec<PathBuf> = stats.artifacts.iter().map(PathBuf::from).collect();
    artifacts.into_iter().filter(|p| p.join("module.wasm").is_file()).max_by_key(size).unwrap()
}

#[test]
fn from_fuzz_finding_to_saved_regression() {
    let dir = scratch("e2e");
    let artifact = fuzz_finds_a_divergence(&dir.join("artifacts"));
    let artifact = artifact.to_str().unwrap();
    let all = "interp,wasmi,buggy-interp";

    let repro = triage(&["repro", artifact, "--executors", all]);
    let shown = text(&repro.stdout);
    assert_eq!(repro.status.code(), Some(1), "{shown}{}", text(&repro.stderr));
    assert!(shown.contains("DIVERGED") && shown.contains("[buggy-interp]"), "{shown}");
    for name in ["interp", "wasmi", "buggy-interp"] {
        assert!(shown.lines().any(|l| l.starts_with(name)), "no row for {name}:\n{shown}");
    }

    let minimized = dir.join("minimized");
    let min = triage(&["minimize", artifact, "--executors", all, "--out", minimized.to_str().unwrap()]);
    assert_eq!(min.status.code(), Some(0), "{}{}", text(&min.stdout), text(&min.stderr));
    let before = std::fs::metadata(Path::new(artifact).join("module.wasm")).unwrap().len();
    let after = std::fs::metadata(minimized.join("module.wasm")).unwrap().len();
    assert!(after * 10 <= before, "minimized {before} -> {after} bytes, not to 10%");
    assert!(minimized.join("module.wat").is_file() && minimized.join("signature.txt").is_file());
    // The minimized case still diverges the same way.
    let again = triage(&["repro", minimized.to_str().unwrap(), "--executors", all]);
    assert_eq!(again.status.code(), Some(1));

    let corpus = dir.join("corpus");
    std::fs::create_dir_all(&corpus).unwrap();
    let from = minimized.to_str().unwrap();
    let save =
        triage(&["save", "add-became-sub", "--from", from, "--corpus", corpus.to_str().unwrap(), "--executors", all]);
    assert_eq!(save.status.code(), Some(0), "{}{}", text(&save.stdout), text(&save.stderr));
    let saved = corpus.join("add-became-sub");

    let real = executors(&[ExecutorKind::Interp, ExecutorKind::Wasmi]);
    let wrong = executors(&[ExecutorKind::BuggyInterp, ExecutorKind::Wasmi]);
    oracle::regressions::check(&saved, &refs(&real)).expect("the real executors pass the saved regression");
    let failure = oracle::regressions::check(&saved, &refs(&wrong)).expect_err("the wrong executor fails it");
    assert!(failure.contains("add-became-sub"), "{failure}");

    // Saving twice under one name would lose the first: refused.
    let twice = triage(&["save", "add-became-sub", "--from", from, "--corpus", corpus.to_str().unwrap()]);
    assert_eq!(twice.status.code(), Some(2));
    let _ = std::fs::remove_dir_all(&dir);
}

fn assert_refused(args: &[&str], mentions: &str) {
    let out = triage(args);
    let err = text(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{args:?}: {err}");
    assert_eq!(err.trim().lines().count(), 1, "{args:?}: not one line: {err}");
    assert!(err.starts_with("error: ") && err.contains(mentions), "{args:?}: {err}");
}

#[test]
fn bad_input_gets_one_clear_line_and_exit_2() {
    let dir = scratch("bad");
    assert_refused(&["repro", "/no/such/artifact"], "no such file");
    let garbage = dir.join("crash-garbage");
    std::fs::write(&garbage, b"\x01\x02").unwrap();
    let g = garbage.to_str().unwrap();
    assert_refused(&["repro", g], "pass --target");
    assert_refused(&["repro", g, "--target", "no_such_target"], "invalid value 'no_such_target' for '--target");
    assert_refused(&["repro", g, "--target", "nope"], "possible values: differential, compile,");
    assert_refused(&["repro", g, "--target", "wast_mutate"], "makes no `wast_mutate` case");
    assert_refused(&["repro", g, "--executors", "interp,nope"], "invalid value 'nope' for '--executors");
    assert_refused(&["save", "x", "--expect", "v8"], "possible values: interp, cranelift,");
    let corrupt = dir.join("artifact");
    std::fs::create_dir_all(&corrupt).unwrap();
    std::fs::write(corrupt.join("module.wasm"), b"not wasm").unwrap();
    assert_refused(&["repro", corrupt.to_str().unwrap()], "not a wasm module");
    std::fs::write(corrupt.join("module.wasm"), wat::parse_str("(module)").unwrap()).unwrap();
    std::fs::write(corrupt.join("plan.json"), b"{").unwrap();
    assert_refused(&["repro", corrupt.to_str().unwrap()], "not a call plan");
    assert_refused(&["minimize", "/no/such/artifact"], "no such file");
    assert_refused(&["save", "Bad Name", "--from", corrupt.to_str().unwrap()], "not a case name");
    let _ = std::fs::remove_dir_all(&dir);
}

fn module_dir(dir: &Path, wat: &str) -> String {
    std::fs::create_dir_all(dir).unwrap();
    std::fs::write(dir.join("module.wasm"), wat::parse_str(wat).unwrap()).unwrap();
    dir.to_str().unwrap().to_string()
}

#[test]
fn a_crashing_executor_is_reported_not_fatal() {
    let dir = scratch("crash");
    for (export, how) in [("crucible_test_panic", "deliberate panic"), ("crucible_test_abort", "signal 6")] {
        let case = module_dir(&dir.join(export), &format!(r#"(module (func (export "{export}")))"#));
        let out = triage(&["repro", &case, "--executors", "interp,buggy-interp,wasmi"]);
        let shown = text(&out.stdout);
        assert_eq!(out.status.code(), Some(2), "{shown}{}", text(&out.stderr));
        assert!(shown.contains("CRASHED") && shown.contains(how), "{shown}");
        // The others still ran and are in the table.
        assert!(shown.lines().any(|l| l.starts_with("wasmi ") && l.contains("ok")), "{shown}");
    }
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn every_kind_of_artifact_replays() {
    let dir = scratch("kinds");
    // A bare module: every export called with zeros; all agree.
    let wat_file = dir.join("m.wat");
    std::fs::write(
        &wat_file,
        r#"(module (func (export "f") (param i32) (result i32) (i32.add (local.get 0) (i32.const 2))))"#,
    )
    .unwrap();
    let out = triage(&["repro", wat_file.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stdout));
    assert!(text(&out.stdout).contains("returned [i32:2]"), "{}", text(&out.stdout));
    // libFuzzer inputs of every target, the target inferred from the path.
    for &target in TargetKind::ALL {
        let seed = &target.seed_corpus()[0];
        let path = dir.join("fuzz-targets/artifacts").join(target.name()).join("crash-0");
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, seed).unwrap();
        let out = triage(&["repro", path.to_str().unwrap()]);
        assert_eq!(out.status.code(), Some(0), "{target}: {}{}", text(&out.stdout), text(&out.stderr));
    }
    let _ = std::fs::remove_dir_all(&dir);
}

/// An executor right on some runs only: the interpreter, but
/// `buggy-interp` on its first `wrong` instantiations.
struct Flaky {
    right: Box<dyn Executor>,
    wrong: Box<dyn Executor>,
    runs: std::sync::atomic::AtomicU32,
    wrong_runs: u32,
}

impl Executor for Flaky {
    fn name(&self) -> &str {
        "flaky"
    }

    fn narrow(&self, config: &mut wasm_smith::Config) {
        self.right.narrow(config);
    }

    fn instantiate(
        &self,
        wasm: &[u8],
    ) -> Result<Box<dyn oracle::executor::Running>, oracle::executor::InstantiateFailure> {
        let run = self.runs.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        if run < self.wrong_runs { self.wrong.instantiate(wasm) } else { self.right.instantiate(wasm) }
    }
}

/// A divergence that stops reproducing part-way is reported as such (not
/// as wasm-shrink's complaint about its input).
#[test]
fn a_nondeterministic_executor_is_named_as_the_reason_minimizing_stops() {
    let wasm = wat::parse_str(
        r#"(module (func (export "f") (param i32) (result i32)
             (i32.add (i32.mul (local.get 0) (i32.const 3)) (i32.add (local.get 0) (i32.const 7)))))"#,
    )
    .unwrap();
    let case = oracle::case::Case::single(
        wasm,
        vec![oracle::case::Call { export: "f".into(), args: vec![oracle::outcome::Value::I32(5)] }],
    );
    let interp = executors(&[ExecutorKind::Interp]);
    // Wrong for the first check and the plan's shrinking, right afterwards.
    let flaky = Flaky {
        right: ExecutorKind::Interp.build(),
        wrong: ExecutorKind::BuggyInterp.build(),
        runs: 0.into(),
        wrong_runs: 2,
    };
    let all: Vec<&dyn Executor> = vec![interp[0].as_ref(), &flaky];
    let Err(error) = triage::minimize::minimize(&case, &all, 50) else { panic!("a flaky divergence was minimized") };
    assert_eq!(error, triage::minimize::NOT_REPRODUCIBLE);
}
