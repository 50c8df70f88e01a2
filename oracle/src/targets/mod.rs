//! The fuzz targets' logic, one module per target. The libFuzzer binaries in
//! `fuzz-targets/` are one-line wrappers around [`fuzz_one`], and `triage repro`
//! rebuilds a target's case from a crash input through the same functions,
//! so an artifact always means here what it meant to the fuzzer.

pub mod api_calls;
pub mod compile;
pub mod instantiate;
pub mod table_ops;
pub mod wast_mutate;

use crate::case::Case;
use crate::compare::{Verdict, run_case};
use crate::executor::Executor;

named_kinds! {
    /// The fuzz targets: a libFuzzer binary each in `fuzz-targets/`, the
    /// name of their corpus and artifact directories, and what `crucible
    /// seed-corpus`, `crucible libfuzzer-evidence` and `triage` take.
    pub enum TargetKind ("fuzz target") {
        /// Generated modules run on every executor and compared.
        Differential = "differential",
        /// Raw bytes or generated modules: every tier compiles exactly what the validator accepts.
        Compile = "compile",
        /// Modules with generated imports instantiated and called under tight limits: must not crash.
        Instantiate = "instantiate",
        /// Spec modules mutated by wasm-mutate, compared across executors.
        WastMutate = "wast_mutate",
        /// Sequences of embedding-API calls, checked against a model.
        ApiCalls = "api_calls",
        /// Random sequences of table operations, compared across executors.
        TableOps = "table_ops",
    }
}

impl TargetKind {
    /// How this target judges an input: as a [`Case`] that every executor
    /// runs and that is compared across them (`true`), or on Crucible
    /// alone, against the validator, a model, or simply for not crashing.
    pub const fn is_differential(self) -> bool {
        matches!(self, TargetKind::Differential | TargetKind::WastMutate | TargetKind::TableOps)
    }

    /// The case a differential target builds from an input; `Ok(None)`
    /// when the input describes none (the fuzzer skips it too).
    pub fn case(self, data: &[u8], executors: &[&dyn Executor]) -> Result<Option<Case>, String> {
        Ok(match self {
            TargetKind::Differential => {
                let profile =
                    crate::case::profile(&std::env::var("CRUCIBLE_PROFILE").unwrap_or_else(|_| "default".into()))?;
                crate::case::generate(data, &profile, executors).ok()
            }
            TargetKind::WastMutate => wast_mutate::case(data).ok(),
            TargetKind::TableOps => table_ops::case(data).ok(),
            TargetKind::Compile | TargetKind::Instantiate | TargetKind::ApiCalls => {
                return Err(format!("`{self}` is not a differential target"));
            }
        })
    }

    /// Runs this target on one input: `Err` describes the bug it found.
    pub fn check(self, data: &[u8], executors: &[&dyn Executor]) -> Result<(), String> {
        match self {
            TargetKind::Compile => compile::check(data),
            TargetKind::Instantiate => instantiate::check(data),
            TargetKind::ApiCalls => api_calls::check(data),
            TargetKind::Differential | TargetKind::WastMutate | TargetKind::TableOps => {
                let Some(case) = self.case(data, executors)? else { return Ok(()) };
                match run_case(&case, executors).verdict {
                    Verdict::Diverged(why) | Verdict::Crashed(why) => Err(why),
                    _ => Ok(()),
                }
            }
        }
    }

    /// The seed corpus of this target: a deterministic function of this
    /// source tree, so `crucible seed-corpus` regenerates it byte for byte.
    pub fn seed_corpus(self) -> Vec<Vec<u8>> {
        let salt = crate::executor::fnv1a(self.name().as_bytes());
        let generated = |count: u64, len: usize| (0..count).map(|i| noise(salt ^ i, len)).collect::<Vec<_>>();
        match self {
            // Every third small spec module: a couple of hundred seeds.
            TargetKind::WastMutate => small_spec_modules(4096)
                .into_iter()
                .step_by(3)
                .enumerate()
                .map(|(i, m)| wast_mutate::input(i as u64, &[0x5a; wast_mutate::PLAN_BYTES], &m))
                .collect(),
            TargetKind::Compile => {
                // A leading even byte selects the raw path: the module as given.
                let mut seeds: Vec<Vec<u8>> =
                    small_spec_modules(1024).into_iter().step_by(8).map(|m| [vec![0], m].concat()).collect();
                seeds.extend(generated(16, 1024).into_iter().map(|n| [vec![1], n].concat()));
                seeds
            }
            TargetKind::ApiCalls => generated(16, 256),
            TargetKind::Differential | TargetKind::Instantiate | TargetKind::TableOps => generated(16, 2048),
        }
    }
}

/// The executors the fuzz targets compare, made once per process:
/// `$CRUCIBLE_EXECUTORS` when set (see [`executor_kinds`]), else
/// [`ExecutorKind::AVAILABLE`](crate::executor::ExecutorKind::AVAILABLE).
/// A bad value ends the process with status 2 (not a crash libFuzzer would
/// save as an artifact).
pub fn default_executors() -> Vec<&'static dyn Executor> {
    static EXECUTORS: std::sync::OnceLock<Vec<Box<dyn Executor>>> = std::sync::OnceLock::new();
    EXECUTORS
        .get_or_init(|| {
            let kinds = executor_kinds(std::env::var("CRUCIBLE_EXECUTORS").ok().as_deref()).unwrap_or_else(|why| {
                eprintln!("$CRUCIBLE_EXECUTORS: {why}");
                std::process::exit(2)
            });
            kinds.iter().map(|k| k.build()).collect()
        })
        .iter()
        .map(|e| e.as_ref())
        .collect()
}

/// The executors a comma-separated list names (as `crucible fuzz
/// --executors` takes them, e.g. `interp,cranelift,baseline,wasmi,wasmtime`);
/// `None` or an empty list is the default set.
pub fn executor_kinds(list: Option<&str>) -> Result<Vec<crate::executor::ExecutorKind>, String> {
    match list.map(str::trim) {
        None | Some("") => Ok(crate::executor::ExecutorKind::AVAILABLE.to_vec()),
        Some(list) => list.split(',').map(|name| name.trim().parse()).collect(),
    }
}

/// What a libFuzzer binary runs per input: a found bug panics, so libFuzzer
/// saves the input as a crash artifact.
pub fn fuzz_one(target: TargetKind, data: &[u8]) {
    if let Err(why) = target.check(data, &default_executors()) {
        panic!("{target}: {why}");
    }
}

/// A deterministic byte stream (xorshift64*): seed inputs for the targets
/// whose inputs are raw entropy for a generator, and inputs for tests and
/// examples that need the same.
pub fn noise(seed: u64, len: usize) -> Vec<u8> {
    let mut x = seed.wrapping_mul(0x9e37_79b9_7f4a_7c15) | 1;
    (0..len)
        .map(|_| {
            x ^= x >> 12;
            x ^= x << 25;
            x ^= x >> 27;
            (x.wrapping_mul(0x2545_f491_4f6c_dd1d) >> 56) as u8
        })
        .collect()
}

/// Spec modules small enough to be good seeds, in a stable order.
fn small_spec_modules(max_len: usize) -> Vec<Vec<u8>> {
    let mut modules: Vec<Vec<u8>> =
        wast_mutate::spec_modules().into_iter().map(|(_, m)| m).filter(|m| m.len() <= max_len).collect();
    modules.sort();
    modules.dedup();
    modules
}
