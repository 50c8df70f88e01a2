//! The fuzz targets' logic, one module per target. The libFuzzer binaries in
//! `fuzz-targets/` are one-line wrappers around [`check`], and `triage repro`
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

/// Every fuzz target.
pub const TARGETS: &[&str] = &["differential", "compile", "instantiate", "wast_mutate", "api_calls", "table_ops"];

/// How a target judges an input.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// The input becomes a [`Case`] that every executor runs and that is
    /// compared across them.
    Differential,
    /// The input is checked on Crucible alone (against the validator, a
    /// model, or simply for not crashing).
    SelfChecked,
}

pub fn kind(target: &str) -> Result<Kind, String> {
    match target {
        "differential" | "wast_mutate" | "table_ops" => Ok(Kind::Differential),
        "compile" | "instantiate" | "api_calls" => Ok(Kind::SelfChecked),
        other => Err(format!("unknown fuzz target `{other}` (known: {})", TARGETS.join(", "))),
    }
}

/// The case a differential target builds from an input; `Ok(None)` when
/// the input describes none (the fuzzer skips it too).
pub fn case(target: &str, data: &[u8], executors: &[&dyn Executor]) -> Result<Option<Case>, String> {
    Ok(match target {
        "differential" => {
            let profile =
                crate::case::profile(&std::env::var("CRUCIBLE_PROFILE").unwrap_or_else(|_| "default".into()))?;
            crate::case::generate(data, &profile, executors).ok()
        }
        "wast_mutate" => wast_mutate::case(data).ok(),
        "table_ops" => table_ops::case(data).ok(),
        other => {
            kind(other)?;
            return Err(format!("`{other}` is not a differential target"));
        }
    })
}

/// Runs a target on one input: `Err` describes the bug it found.
pub fn check(target: &str, data: &[u8], executors: &[&dyn Executor]) -> Result<(), String> {
    match kind(target)? {
        Kind::Differential => {
            let Some(case) = case(target, data, executors)? else { return Ok(()) };
            match run_case(&case, executors).verdict {
                Verdict::Diverged(why) | Verdict::Crashed(why) => Err(why),
                _ => Ok(()),
            }
        }
        Kind::SelfChecked => match target {
            "compile" => compile::check(data),
            "instantiate" => instantiate::check(data),
            _ => api_calls::check(data),
        },
    }
}

/// The executors the fuzz targets compare ([`crate::executor::AVAILABLE`]),
/// made once per process.
pub fn default_executors() -> Vec<&'static dyn Executor> {
    static EXECUTORS: std::sync::OnceLock<Vec<Box<dyn Executor>>> = std::sync::OnceLock::new();
    EXECUTORS
        .get_or_init(|| {
            crate::executor::AVAILABLE
                .iter()
                .map(|n| crate::executor::by_name(n).expect("available executors exist"))
                .collect()
        })
        .iter()
        .map(|e| e.as_ref())
        .collect()
}

/// What a libFuzzer binary runs per input: a found bug panics, so libFuzzer
/// saves the input as a crash artifact.
pub fn fuzz_one(target: &str, data: &[u8]) {
    if let Err(why) = check(target, data, &default_executors()) {
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

/// The seed corpus of a target: a deterministic function of this source
/// tree, so `crucible seed-corpus` regenerates it byte for byte.
pub fn seed_corpus(target: &str) -> Result<Vec<Vec<u8>>, String> {
    kind(target)?;
    let salt = crate::executor::fnv1a(target.as_bytes());
    let generated = |count: u64, len: usize| (0..count).map(|i| noise(salt ^ i, len)).collect::<Vec<_>>();
    Ok(match target {
        // Every third small spec module: a couple of hundred seeds.
        "wast_mutate" => small_spec_modules(4096)
            .into_iter()
            .step_by(3)
            .enumerate()
            .map(|(i, m)| wast_mutate::input(i as u64, &[0x5a; wast_mutate::PLAN_BYTES], &m))
            .collect(),
        "compile" => {
            // A leading even byte selects the raw path: the module as given.
            let mut seeds: Vec<Vec<u8>> =
                small_spec_modules(1024).into_iter().step_by(8).map(|m| [vec![0], m].concat()).collect();
            seeds.extend(generated(16, 1024).into_iter().map(|n| [vec![1], n].concat()));
            seeds
        }
        "api_calls" => generated(16, 256),
        _ => generated(16, 2048),
    })
}
