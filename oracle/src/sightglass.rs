//! Real programs laid out as Wasmtime's benchmark suite, sightglass, lays
//! them out, and how one runs on a Crucible tier.
//!
//! The contract (see `../shared/sightglass/README.md`): a program is a WASI
//! preview-1 command (`_start`) that imports `bench.start` and `bench.end`
//! (`[] -> []`, each called once around the measured work), runs with its
//! own directory as the current directory (preopened as `.`), and must print
//! exactly `<name>.stdout.expected` (or `default.stdout.expected`) on stdout
//! and, where such a file exists, `<name>.stderr.expected` on stderr, and
//! exit with status 0. The benchmark runner (`benches sightglass`) runs the
//! same programs on the peer engines; the tests run the short ones.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use engine::wasi::{self, Output, WasiCtx};
use engine::{Config, Engine, Linker, Module, Store, Tier};

/// One program and what it must print.
#[derive(Clone, Debug)]
pub struct Program {
    /// `shootout-fib2` for `shootout/shootout-fib2.wasm`; a directory's
    /// single `benchmark.wasm` is named after the directory (`bz2`).
    pub name: String,
    pub wasm: PathBuf,
    /// Its working directory (the one it is in), preopened as `.`.
    pub dir: PathBuf,
    pub expected_stdout: Option<Vec<u8>>,
    pub expected_stderr: Option<Vec<u8>>,
}

/// Every program under `root` (recursively), sorted by name.
pub fn discover(root: &Path) -> std::io::Result<Vec<Program>> {
    let mut programs = Vec::new();
    let mut dirs = vec![root.to_path_buf()];
    while let Some(dir) = dirs.pop() {
        for entry in std::fs::read_dir(&dir)? {
            let path = entry?.path();
            if path.is_dir() {
                dirs.push(path);
            } else if path.extension().is_some_and(|e| e == "wasm") {
                programs.push(Program::at(&path)?);
            }
        }
    }
    programs.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(programs)
}

impl Program {
    fn at(wasm: &Path) -> std::io::Result<Program> {
        let dir = wasm.parent().unwrap_or(Path::new(".")).to_path_buf();
        let stem = wasm.file_stem().unwrap_or_default().to_string_lossy().into_owned();
        let name = match (stem.as_str(), dir.file_name()) {
            ("benchmark", Some(dir_name)) => dir_name.to_string_lossy().into_owned(),
            _ => stem.clone(),
        };
        let expected = |stream: &str| -> std::io::Result<Option<Vec<u8>>> {
            for file in [format!("{stem}.{stream}.expected"), format!("default.{stream}.expected")] {
                match std::fs::read(dir.join(&file)) {
                    Ok(bytes) => return Ok(Some(bytes)),
                    Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
                    Err(e) => return Err(e),
                }
            }
            Ok(None)
        };
        Ok(Program {
            name,
            wasm: wasm.to_path_buf(),
            expected_stdout: expected("stdout")?,
            expected_stderr: expected("stderr")?,
            dir,
        })
    }

    /// The program's `argv[0]`: its file's name, as `wasmtime run` gives it.
    pub fn argv0(&self) -> String {
        self.wasm.file_name().unwrap_or_default().to_string_lossy().into_owned()
    }

    /// Whether `outcome` is what the program must produce; otherwise what differs.
    pub fn check(&self, outcome: &Outcome) -> Result<(), String> {
        if outcome.exit_status != 0 {
            let stderr = String::from_utf8_lossy(&outcome.stderr);
            return Err(format!("exit status {} (stderr: {})", outcome.exit_status, stderr.trim_end()));
        }
        for (stream, expected, got) in
            [("stdout", &self.expected_stdout, &outcome.stdout), ("stderr", &self.expected_stderr, &outcome.stderr)]
        {
            if let Some(expected) = expected
                && expected != got
            {
                return Err(format!("{stream} differs from the expected file: {}", first_difference(expected, got)));
            }
        }
        if outcome.bench.is_none() {
            return Err("bench.start and bench.end were not each called once".into());
        }
        Ok(())
    }
}

fn first_difference(expected: &[u8], got: &[u8]) -> String {
    let at = expected.iter().zip(got).position(|(a, b)| a != b).unwrap_or(expected.len().min(got.len()));
    let line = |bytes: &[u8]| {
        let start = bytes[..at.min(bytes.len())].iter().rposition(|&b| b == b'\n').map_or(0, |p| p + 1);
        let end = bytes[start..].iter().position(|&b| b == b'\n').map_or(bytes.len(), |p| start + p);
        String::from_utf8_lossy(&bytes[start..end]).into_owned()
    };
    format!(
        "byte {at} ({} expected, {} written): expected line {:?}, got {:?}",
        expected.len(),
        got.len(),
        line(expected),
        line(got)
    )
}

/// What one run of a program did, and how long each phase took.
#[derive(Clone, Debug, Default)]
pub struct Outcome {
    pub stdout: Vec<u8>,
    pub stderr: Vec<u8>,
    /// 0 when `_start` returned, the status of `proc_exit` otherwise.
    pub exit_status: i32,
    pub compile: Duration,
    pub instantiate: Duration,
    /// From `bench.start` to `bench.end` (`None` unless each was called once).
    pub bench: Option<Duration>,
}

/// Why a program did not run to an outcome.
#[derive(Debug)]
pub enum RunError {
    /// It needs a proposal the engine lacks (valid with every proposal on).
    Unsupported(String),
    /// Anything else: an invalid module, a link error, a trap.
    Failed(String),
}

impl std::fmt::Display for RunError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            RunError::Unsupported(why) => write!(f, "needs a proposal the engine lacks: {why}"),
            RunError::Failed(why) => f.write_str(why),
        }
    }
}

/// Tells a module that needs a proposal the engine lacks from a broken one:
/// the error `rejected` stands if the module is invalid even with every
/// proposal wasmparser knows enabled.
pub fn classify_rejection(wasm: &[u8], rejected: String) -> RunError {
    let mut validator = wasmparser::Validator::new_with_features(wasmparser::WasmFeatures::all());
    if validator.validate_all(wasm).is_ok() { RunError::Unsupported(rejected) } else { RunError::Failed(rejected) }
}

/// Records the times `bench.start` and `bench.end` were called; one shape
/// for every engine the runner drives.
#[derive(Clone, Default)]
pub struct BenchClock {
    marks: Arc<Mutex<(Vec<Instant>, Vec<Instant>)>>,
}

impl BenchClock {
    pub fn start(&self) {
        self.marks.lock().expect("unpoisoned").0.push(Instant::now());
    }

    pub fn end(&self) {
        self.marks.lock().expect("unpoisoned").1.push(Instant::now());
    }

    /// The measured span, if `start` and then `end` were each called once.
    pub fn span(&self) -> Option<Duration> {
        match &*self.marks.lock().expect("unpoisoned") {
            (starts, ends) if starts.len() == 1 && ends.len() == 1 && starts[0] <= ends[0] => Some(ends[0] - starts[0]),
            _ => None,
        }
    }
}

/// Compiles `wasm` on `tier`: a refusal is `Unsupported` when the module
/// needs a proposal the engine lacks, `Failed` otherwise.
pub fn compile(tier: Tier, wasm: &[u8]) -> Result<(Engine, Module), RunError> {
    let failed = |e: &dyn std::fmt::Display| RunError::Failed(e.to_string());
    let mut config = Config::new();
    config.tier(tier);
    let engine = Engine::new(&config).map_err(|e| failed(&e))?;
    match Module::new(&engine, wasm) {
        Ok(module) => Ok((engine, module)),
        Err(e @ (engine::Error::Validation { .. } | engine::Error::Unsupported(_))) => {
            Err(classify_rejection(wasm, e.to_string()))
        }
        Err(e) => Err(failed(&e)),
    }
}

/// Runs `program` on one of Crucible's tiers, with output captured.
pub fn run_crucible(tier: Tier, program: &Program) -> Result<Outcome, RunError> {
    let failed = |e: &dyn std::fmt::Display| RunError::Failed(e.to_string());
    let wasm = std::fs::read(&program.wasm).map_err(|e| failed(&e))?;
    let started = Instant::now();
    let (engine, module) = compile(tier, &wasm)?;
    let compile = started.elapsed();

    let (stdout, stdout_buffer) = Output::capture();
    let (stderr, stderr_buffer) = Output::capture();
    let ctx = WasiCtx::new()
        .args([program.argv0()])
        .stdout(stdout)
        .stderr(stderr)
        .preopen_dir(&program.dir, ".")
        .map_err(|e| failed(&format!("cannot preopen {}: {e}", program.dir.display())))?;
    let clock = BenchClock::default();
    let mut store = Store::new(&engine, ctx);
    let mut linker = Linker::new(&engine);
    wasi::add_to_linker(&mut linker, &mut store, |ctx| ctx);
    let (start_clock, end_clock) = (clock.clone(), clock.clone());
    linker.func_wrap(&mut store, "bench", "start", move |_: engine::Caller<'_, WasiCtx>| start_clock.start());
    linker.func_wrap(&mut store, "bench", "end", move |_: engine::Caller<'_, WasiCtx>| end_clock.end());

    let started = Instant::now();
    let instance = linker.instantiate(&mut store, &module).map_err(|e| failed(&e))?;
    let instantiate = started.elapsed();
    let start = instance
        .get_func(&store, "_start")
        .ok_or_else(|| RunError::Failed("no `_start` export: not a WASI command".into()))?
        .typed::<WasiCtx, (), ()>(&store)
        .map_err(|e| failed(&e))?;
    let exit_status = match start.call(&mut store, ()) {
        Ok(()) => 0,
        Err(engine::Error::Trap(trap)) => match trap.exit_status() {
            Some(status) => status,
            None => return Err(RunError::Failed(format!("trapped: {trap}"))),
        },
        Err(e) => return Err(failed(&e)),
    };
    let taken = |buffer: Arc<Mutex<Vec<u8>>>| std::mem::take(&mut *buffer.lock().expect("unpoisoned"));
    Ok(Outcome {
        stdout: taken(stdout_buffer),
        stderr: taken(stderr_buffer),
        exit_status,
        compile,
        instantiate,
        bench: clock.span(),
    })
}

/// Where the suite is: `$CRUCIBLE_SIGHTGLASS`, else `../shared/sightglass`
/// beside the repository (`None` when neither exists).
pub fn default_root() -> Option<PathBuf> {
    let candidates = [
        std::env::var_os("CRUCIBLE_SIGHTGLASS").map(PathBuf::from),
        Some(Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/sightglass")),
    ];
    candidates.into_iter().flatten().find(|p| p.is_dir())
}
