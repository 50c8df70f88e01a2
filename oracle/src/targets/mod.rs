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
use crate::compare::Verdict;
use crate::executor::Executor;
use engine::Tier;

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

    /// How [`fuzz_one`] draws an input's second engine. `table_ops` modules
    /// are a few hundred bytes that run for microseconds, so compiling is
    /// nearly all an input costs, and a Cranelift compilation costs about
    /// fifty interpreter translations: drawn uniformly, Cranelift took most
    /// of the target's time and the target ran below its landing speed.
    pub const fn pair_draw(self) -> PairDraw {
        match self {
            TargetKind::TableOps => PairDraw::ByCompileCost,
            _ => PairDraw::Uniform,
        }
    }

    /// The case a differential target builds from an input; `Ok(None)`
    /// when the input describes none (the fuzzer skips it too).
    pub fn case(self, data: &[u8], executors: &[&dyn Executor]) -> Result<Option<Case>, String> {
        Ok(match self {
            TargetKind::Differential => differential_case(data, executors)?.map(|(case, _)| case),
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
            TargetKind::Compile => compile::check(data, &Tier::ALL),
            TargetKind::Instantiate => instantiate::check(data, &Tier::ALL),
            TargetKind::ApiCalls => api_calls::check(data, &Tier::ALL),
            TargetKind::Differential | TargetKind::WastMutate | TargetKind::TableOps => {
                let Some(case) = self.case(data, executors)? else { return Ok(()) };
                judge(&case, executors)
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
            let kinds = executor_kinds(std::env::var("CRUCIBLE_EXECUTORS").ok().as_deref())
                .and_then(|kinds| crate::executor::ExecutorKind::check_built(&kinds).map(|()| kinds))
                .unwrap_or_else(|why| {
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
///
/// Each input runs on a share of the engines, chosen by its last byte (as
/// wasmtime's differential target draws its engine pair; for `table_ops`
/// by a hash of the input, weighted by compile cost: [`TargetKind::pair_draw`]): a differential
/// target compares the first executor with one of the others, a
/// single-engine target runs one tier. Every engine still gets its share of
/// inputs, while an input costs one compilation by the most expensive
/// engine at most — compilers under coverage instrumentation are slow, and
/// running all of them on every input made the targets 2–14x slower than
/// when they had the interpreter alone. `TargetKind::check` (triage, tests,
/// `crucible fuzz --target`) still runs every engine. The engine and
/// generator mix is printed to stderr as the run goes.
pub fn fuzz_one(target: TargetKind, data: &[u8]) {
    let pick = match target.pair_draw() {
        PairDraw::Uniform => data.last().copied().unwrap_or(0) as usize,
        // A hash of the whole input: a mutant of an input that drew an
        // expensive engine draws afresh. (From the last byte, the corpus
        // filled with inputs that reached Cranelift's code, whose mutants
        // kept the byte: 15% of inputs drew Cranelift, not the 1.5% weighed.)
        PairDraw::ByCompileCost => crate::executor::fnv1a(data) as usize,
    };
    let result = match target {
        TargetKind::Compile | TargetKind::Instantiate | TargetKind::ApiCalls => {
            let tier = Tier::ALL[pick % Tier::ALL.len()];
            MIX.record(tier.name(), None);
            match target {
                TargetKind::Compile => compile::check(data, &[tier]),
                TargetKind::Instantiate => instantiate::check(data, &[tier]),
                _ => api_calls::check(data, &[tier]),
            }
        }
        _ => {
            // Cases are made for every configured executor (so that `triage
            // repro` remakes the same one) and run on the pair.
            let all = default_executors();
            let executors = engine_pair(&all, pick, target.pair_draw());
            let names: Vec<&str> = executors.iter().map(|e| e.name()).collect();
            let case = if target == TargetKind::Differential {
                differential_case(data, &all).map(|drawn| {
                    drawn.map(|(case, drawn)| {
                        MIX.record(&names.join("+"), Some(drawn.name()));
                        case
                    })
                })
            } else {
                MIX.record(&names.join("+"), None);
                target.case(data, &all)
            };
            match case {
                Ok(Some(case)) => judge(&case, &executors),
                Ok(None) => Ok(()),
                Err(why) => Err(why),
            }
        }
    };
    if let Err(why) = result {
        panic!("{target}: {why}");
    }
}

/// How a libFuzzer input's second engine is drawn from the executors after
/// the first.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PairDraw {
    /// Every other executor as often as the rest (wasmtime's differential
    /// target draws so too).
    Uniform,
    /// Each other executor in inverse proportion to its
    /// [`compile_cost`](crate::executor::ExecutorKind::compile_cost), so that
    /// each gets about the same share of the target's time: for targets
    /// whose modules are small and run for microseconds, where compiling is
    /// the whole cost of an input.
    ByCompileCost,
}

/// The first executor and one of the others drawn by `pick` as `draw` says
/// (all of them when there are two or fewer).
pub fn engine_pair<'a>(executors: &[&'a dyn Executor], pick: usize, draw: PairDraw) -> Vec<&'a dyn Executor> {
    let [first, others @ ..] = executors else { return executors.to_vec() };
    if others.len() <= 1 {
        return executors.to_vec();
    }
    let second = match draw {
        PairDraw::Uniform => others[pick % others.len()],
        PairDraw::ByCompileCost => {
            // Weights 1/cost scaled to integers; a name that is no known
            // kind counts as cheap.
            let weights: Vec<u32> = others
                .iter()
                .map(|e| COST_SCALE / e.name().parse::<crate::executor::ExecutorKind>().map_or(1, |k| k.compile_cost()))
                .collect();
            let mut point = pick as u32 % weights.iter().sum::<u32>();
            let mut chosen = others[others.len() - 1];
            for (e, weight) in others.iter().zip(&weights) {
                if point < *weight {
                    chosen = *e;
                    break;
                }
                point -= weight;
            }
            chosen
        }
    };
    vec![*first, second]
}

/// The integer scale of [`PairDraw::ByCompileCost`]'s weights (a multiple
/// of the costs, so that no weight rounds).
const COST_SCALE: u32 = 2 * 3 * 50;

/// The differential target's case (profile from `$CRUCIBLE_PROFILE`,
/// default `default`) and how it was generated; `None` when the input makes
/// no case.
fn differential_case(data: &[u8], executors: &[&dyn Executor]) -> Result<Option<(Case, crate::case::Drawn)>, String> {
    let profile = crate::case::profile(&std::env::var("CRUCIBLE_PROFILE").unwrap_or_else(|_| "default".into()))?;
    Ok(crate::case::generate_drawn(data, &profile, executors).ok())
}

/// A divergence or a crash is an error; anything else is fine.
fn judge(case: &Case, executors: &[&dyn Executor]) -> Result<(), String> {
    match crate::compare::verdict_of(case, executors) {
        Verdict::Diverged(why) | Verdict::Crashed(why) => Err(why),
        _ => Ok(()),
    }
}

/// Inputs per engine (pair) and per generator, printed to stderr at every
/// power of two from 1024 inputs on.
struct Mix {
    counts: std::sync::Mutex<MixCounts>,
}

#[derive(Default)]
struct MixCounts {
    total: u64,
    by_engines: std::collections::BTreeMap<String, u64>,
    by_generator: std::collections::BTreeMap<&'static str, u64>,
}

static MIX: Mix = Mix {
    counts: std::sync::Mutex::new(MixCounts {
        total: 0,
        by_engines: std::collections::BTreeMap::new(),
        by_generator: std::collections::BTreeMap::new(),
    }),
};

impl Mix {
    fn record(&self, engines: &str, generator: Option<&'static str>) {
        let Ok(mut counts) = self.counts.lock() else { return };
        let MixCounts { total, by_engines, by_generator } = &mut *counts;
        *total += 1;
        *by_engines.entry(engines.to_string()).or_default() += 1;
        if let Some(generator) = generator {
            *by_generator.entry(generator).or_default() += 1;
        }
        if *total >= 1024 && total.is_power_of_two() {
            let share = |map: Vec<(String, u64)>| -> String {
                map.iter()
                    .map(|(k, n)| format!("{k} {:.0}%", *n as f64 * 100.0 / *total as f64))
                    .collect::<Vec<_>>()
                    .join(", ")
            };
            let mut line = format!(
                "crucible mix after {total} inputs: engines: {}",
                share(by_engines.iter().map(|(k, v)| (k.clone(), *v)).collect())
            );
            if !by_generator.is_empty() {
                line += &format!(
                    "; generators: {}",
                    share(by_generator.iter().map(|(k, v)| (k.to_string(), *v)).collect())
                );
            }
            eprintln!("{line}");
        }
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
