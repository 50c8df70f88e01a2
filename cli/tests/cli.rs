//! The `crucible` binary as a user drives it: outputs, exit statuses, and
//! clear one-line errors for bad input.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn crucible(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_crucible")).args(args).output().expect("the binary runs")
}

fn examples() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("examples")
}

fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("crucible-cli-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

#[test]
fn run_prints_results_and_reports_traps() {
    let add = examples().join("add.wat");
    let out = crucible(&["run", "--invoke", "add", add.to_str().unwrap(), "40", "2"]);
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(text(&out.stdout).trim(), "42");

    let spin = examples().join("spin.wat");
    let out = crucible(&["run", "--fuel", "500", "--invoke", "spin", spin.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out.stderr).contains("all fuel consumed"), "{}", text(&out.stderr));
}

#[test]
fn bad_input_gets_a_clear_error_and_status_2() {
    let dir = scratch("bad");
    let garbage = dir.join("garbage.wasm");
    std::fs::write(&garbage, b"\0asm\x01\0\0\0\x01\xff").unwrap();
    let add = examples().join("add.wat");
    let cases: Vec<(Vec<&str>, &str)> = vec![
        (vec!["run", "--invoke", "f", garbage.to_str().unwrap()], "invalid module"),
        (vec!["run", "--invoke", "f", "/no/such/file.wasm"], "cannot read"),
        (vec!["run", "--invoke", "nope", add.to_str().unwrap()], "no function named `nope`"),
        (vec!["run", "--invoke", "add", add.to_str().unwrap(), "1"], "takes 2 arguments"),
        (vec!["run", "--invoke", "add", add.to_str().unwrap(), "1", "x"], "cannot parse `x` as i32"),
        (vec!["fuzz", "--profile", "nope", "--seconds", "1"], "invalid value 'nope' for '--profile"),
        (vec!["fuzz", "--profile", "nope"], "possible values: mvp,"),
        (vec!["fuzz", "--executors", "interp,v8", "--seconds", "1"], "invalid value 'v8' for '--executors"),
        (vec!["fuzz", "--executors", "nope"], "possible values: interp, cranelift, cranelift-explicit,"),
        (vec!["fuzz", "--executors", "interp", "--seconds", "1"], "at least two executors"),
    ];
    for (args, message) in cases {
        let out = crucible(&args);
        let stderr = text(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {stderr}");
        assert!(stderr.contains(message), "{args:?}: expected `{message}` in {stderr}");
        assert_eq!(stderr.trim().lines().count(), 1, "{args:?}: not one line: {stderr}");
    }
    // clap's own usage errors also exit 2.
    assert_eq!(crucible(&["run", "--compiler", "jit", "--invoke", "f", "x.wasm"]).status.code(), Some(2));
}

#[test]
fn wast_reports_directives_and_fails_on_a_failing_one() {
    let dir = scratch("wast");
    let good = dir.join("good.wast");
    std::fs::write(
        &good,
        r#"(module (func (export "f") (result i32) i32.const 7))
           (assert_return (invoke "f") (i32.const 7))
           (assert_trap (module (func $s unreachable) (start $s)) "unreachable")"#,
    )
    .unwrap();
    let bad = dir.join("bad.wast");
    std::fs::write(
        &bad,
        "(module (func (export \"f\") (result i32) i32.const 7))\n(assert_return (invoke \"f\") (i32.const 8))",
    )
    .unwrap();
    let out = crucible(&["wast", good.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stdout));
    assert!(text(&out.stdout).contains("3 passed, 0 failed"));
    let out = crucible(&["wast", "--json", bad.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let failed = &json[0]["results"][1];
    assert_eq!((failed["line"].as_u64(), failed["status"].as_str()), (Some(2), Some("failed")));
}

#[test]
fn fuzz_writes_evidence_and_replays_inputs() {
    let dir = scratch("fuzz");
    let evidence = dir.join("evidence");
    let out = crucible(&[
        "fuzz",
        "--seconds",
        "2",
        "--jobs",
        "1",
        "--out",
        dir.join("artifacts").to_str().unwrap(),
        "--evidence-dir",
        evidence.to_str().unwrap(),
    ]);
    let stdout = text(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{stdout}{}", text(&out.stderr));
    assert!(stdout.contains("cases/s/core"), "{stdout}");
    // The progress bar draws only on a terminal.
    assert!(!text(&out.stderr).contains("operators"), "{}", text(&out.stderr));
    let files: Vec<_> = std::fs::read_dir(&evidence).unwrap().map(|e| e.unwrap().path()).collect();
    assert_eq!(files.len(), 1);
    let json: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&files[0]).unwrap()).unwrap();
    assert_eq!(json["schema"], "crucible.fuzz-evidence");
    assert!(json["totals"]["cases"].as_u64().unwrap() > 0);

    let inputs = dir.join("inputs");
    std::fs::create_dir_all(&inputs).unwrap();
    for i in 0..5u8 {
        std::fs::write(inputs.join(format!("in{i}")), vec![i.wrapping_mul(37); 600]).unwrap();
    }
    let out = crucible(&["fuzz", "--replay", inputs.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stdout));
    assert!(text(&out.stdout).starts_with("5 cases"), "{}", text(&out.stdout));
}

#[test]
fn libfuzzer_runs_become_fuzz_evidence() {
    let dir = scratch("libfuzzer");
    let corpus = dir.join("corpus");
    std::fs::create_dir_all(&corpus).unwrap();
    for i in 0..4u8 {
        std::fs::write(
            corpus.join(format!("seed{i}")),
            (0..700u32).map(|k| (k as u8).wrapping_mul(i + 3)).collect::<Vec<u8>>(),
        )
        .unwrap();
    }
    let log = dir.join("run.log");
    std::fs::write(
        &log,
        "#5000\tDONE   cov: 100 ft: 200 corp: 4/2Kb lim: 700 exec/s: 2500 rss: 60Mb\nDone 5000 runs in 2 second(s)\n",
    )
    .unwrap();
    let evidence = dir.join("evidence");
    let out = crucible(&[
        "libfuzzer-evidence",
        "--log",
        log.to_str().unwrap(),
        "--corpus",
        corpus.to_str().unwrap(),
        "--evidence-dir",
        evidence.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(0), "{}{}", text(&out.stdout), text(&out.stderr));
    assert!(text(&out.stdout).starts_with("5000 runs in 2 s (2500 exec/s);"), "{}", text(&out.stdout));
    let file = std::fs::read_dir(&evidence).unwrap().next().unwrap().unwrap().path();
    let json: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(file).unwrap()).unwrap();
    assert_eq!((json["schema"].as_str(), json["source"].as_str()), (Some("crucible.fuzz-evidence"), Some("libfuzzer")));
    assert_eq!(json["executions"], 5000);
    assert_eq!(json["wall_seconds"], 2.0);
    assert_eq!(json["totals"]["cases"], 4);
    // `tiers` accepts it and credits its time (OSS-Fuzz time counts too).
    let loaded = tiers::evidence::load(std::slice::from_ref(&evidence)).expect("tiers reads libFuzzer evidence");
    assert_eq!(loaded.fuzz.len(), 1);
    assert_eq!(loaded.fuzz[0].1.cpu_seconds, 2.0);
    assert_eq!(loaded.fuzz[0].1.exec_per_sec(), Some(2500.0));

    // Another target's corpus is replayed through that target.
    let table_ops = dir.join("evidence-table-ops");
    let out = crucible(&[
        "libfuzzer-evidence",
        "--log",
        log.to_str().unwrap(),
        "--corpus",
        corpus.to_str().unwrap(),
        "--target",
        "table_ops",
        "--evidence-dir",
        table_ops.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(0), "{}{}", text(&out.stdout), text(&out.stderr));
    let loaded = tiers::evidence::load(&[table_ops]).unwrap();
    let run = &loaded.fuzz[0].1;
    assert_eq!(run.fuzz_target, "table_ops");
    assert!(run.entries.iter().any(|e| e.proposal == "reference-types" && e.cases > 0), "{:?}", run.entries);
    let out = crucible(&[
        "libfuzzer-evidence",
        "--log",
        log.to_str().unwrap(),
        "--corpus",
        corpus.to_str().unwrap(),
        "--target",
        "nope",
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("invalid value 'nope' for '--target"), "{}", text(&out.stderr));

    // A log that is not a finished libFuzzer run is refused in one line.
    std::fs::write(&log, "INFO: Seed: 1\n").unwrap();
    let out = crucible(&["libfuzzer-evidence", "--log", log.to_str().unwrap(), "--corpus", corpus.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("not a complete libFuzzer log"));
}

#[test]
fn settings_list_the_cranelift_flags_for_this_host() {
    let out = crucible(&["settings", "--opt-level", "none"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let listed = text(&out.stdout);
    assert!(listed.lines().any(|l| l == "opt_level = none"), "{listed}");
    assert!(listed.lines().any(|l| l.starts_with("target = ")), "{listed}");
    let out = crucible(&["settings", "--opt-level", "fastest"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("unknown opt level `fastest`"));
}

#[test]
fn run_executes_a_wasi_program_with_arguments_environment_and_stdin_on_every_tier() {
    use std::io::Write;
    let program = concat!(env!("CARGO_MANIFEST_DIR"), "/../engine/tests/wasi/echo.wasm");
    for tier in ["interp", "cranelift", "baseline"] {
        let mut child = Command::new(env!("CARGO_BIN_EXE_crucible"))
            .args(["run", "--compiler", tier, "--env", "GREETING=hello", program, "x", "--not-an-option"])
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        child.stdin.take().unwrap().write_all(b"quiet\n").unwrap();
        let out = child.wait_with_output().unwrap();
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert!(stdout.starts_with("arg 0: echo.wasm\narg 1: x\narg 2: --not-an-option\n"), "{tier}: {stdout}");
        assert!(stdout.contains("GREETING=hello\nQUIET\n"), "{tier}: {stdout}");
        // main returned argc (3): proc_exit(3) is the process's status.
        assert_eq!(out.status.code(), Some(3), "{tier}: {}", String::from_utf8_lossy(&out.stderr));
    }
    let no_start = crucible(&["run", concat!(env!("CARGO_MANIFEST_DIR"), "/examples/add.wat")]);
    assert_eq!(no_start.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&no_start.stderr).contains("no `_start`"));
    let bad_env = crucible(&["run", "--env", "=VALUE", program]);
    assert_eq!(bad_env.status.code(), Some(2));
    // `--env NAME` passes this process's value on, and nothing when it has none.
    let inherited = Command::new(env!("CARGO_BIN_EXE_crucible"))
        .args(["run", "--env", "GREETING", "--env", "CRUCIBLE_TEST_UNSET_VARIABLE", program])
        .env("GREETING", "from the host")
        .env_remove("CRUCIBLE_TEST_UNSET_VARIABLE")
        .output()
        .unwrap();
    assert!(text(&inherited.stdout).contains("GREETING=from the host\n"), "{}", text(&inherited.stdout));
    let unset = Command::new(env!("CARGO_BIN_EXE_crucible"))
        .args(["run", "--env", "GREETING", program])
        .env_remove("GREETING")
        .output()
        .unwrap();
    assert!(text(&unset.stdout).contains("GREETING=(unset)\n"), "{}", text(&unset.stdout));
}

/// `bench_cat.wasm` imports sightglass's `bench.start`/`bench.end` and
/// prints the files its arguments name.
#[test]
fn run_preloads_a_module_for_imports_and_maps_dirs_to_dot_and_slash_on_every_tier() {
    let program = concat!(env!("CARGO_MANIFEST_DIR"), "/../engine/tests/wasi/bench_cat.wasm");
    let stub = examples().join("bench-stub.wat");
    let data = scratch("preload");
    std::fs::write(data.join("input.txt"), "hello").unwrap();
    let data = data.to_str().unwrap();
    let preload = format!("bench={}", stub.display());
    for tier in ["interp", "cranelift", "baseline"] {
        for guest in [".", "/"] {
            let dir = format!("{data}::{guest}");
            let out = crucible(&[
                "run",
                "--compiler",
                tier,
                "--preload",
                &preload,
                "--dir",
                &dir,
                program,
                "input.txt",
                "./input.txt",
                "/input.txt",
                "missing.txt",
            ]);
            assert_eq!(
                text(&out.stdout),
                "input.txt: hello\n./input.txt: hello\n/input.txt: hello\nmissing.txt: No such file or directory\n",
                "{tier}, --dir {dir}: {}",
                text(&out.stderr)
            );
            assert_eq!(out.status.code(), Some(0), "{tier}");
        }
    }
    // Without the preload the import is missing: a link error naming it.
    let unlinked = crucible(&["run", program]);
    assert_eq!(unlinked.status.code(), Some(2));
    assert!(text(&unlinked.stderr).contains("bench::start"), "{}", text(&unlinked.stderr));
    // A preloaded module's own imports resolve against WASI and earlier preloads.
    let chain = scratch("preload-chain");
    let reexport = chain.join("reexport.wat");
    std::fs::write(
        &reexport,
        r#"(module (import "stub" "start" (func $s)) (import "stub" "end" (func $e))
                   (export "start" (func $s)) (export "end" (func $e)))"#,
    )
    .unwrap();
    let stub_first = format!("stub={}", stub.display());
    let then_bench = format!("bench={}", reexport.display());
    let chained = crucible(&["run", "--preload", &stub_first, "--preload", &then_bench, program]);
    assert_eq!(chained.status.code(), Some(0), "{}", text(&chained.stderr));
    for bad in ["bench", "=x.wat", "bench="] {
        let out = crucible(&["run", "--preload", bad, program]);
        assert_eq!(out.status.code(), Some(2), "--preload {bad}");
        assert!(text(&out.stderr).contains("NAME=FILE"), "--preload {bad}: {}", text(&out.stderr));
    }
    let missing = crucible(&["run", "--preload", "bench=/nonexistent/stub.wat", program]);
    assert_eq!(missing.status.code(), Some(2));
    assert!(text(&missing.stderr).contains("cannot read /nonexistent/stub.wat"), "{}", text(&missing.stderr));
}

#[test]
fn run_reports_a_trap_with_a_named_backtrace_on_every_tier() {
    let program = concat!(env!("CARGO_MANIFEST_DIR"), "/../engine/tests/wasi/trap.wasm");
    for tier in ["interp", "cranelift", "baseline"] {
        let out = crucible(&["run", "--compiler", tier, program]);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{tier}: {stderr}");
        assert_eq!(String::from_utf8_lossy(&out.stdout), "start\n");
        assert!(stderr.contains("integer divide by zero"), "{tier}: {stderr}");
        let divide = stderr.find("0: divide (function").unwrap_or_else(|| panic!("{tier}: {stderr}"));
        let compute = stderr.find("1: compute (function").unwrap_or_else(|| panic!("{tier}: {stderr}"));
        assert!(divide < compute && stderr.contains("main (function"), "{tier}: {stderr}");
    }
}
