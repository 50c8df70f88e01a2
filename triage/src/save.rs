//! Saving a minimized case into the regression corpus with the outcome it
//! must have once the bug is fixed.

use std::path::{Path, PathBuf};

use oracle::case::Case;
use oracle::compare::{ExecutorRun, record_run};
use oracle::executor::{Executor, ExecutorKind, InstantiateFailure, State};
use oracle::outcome::Outcome;
use oracle::regressions::Expected;

/// Names become directory names: keep them portable and readable.
pub fn valid_name(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= 80
        && name.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '_')
}

/// What counts as "the same behaviour" when choosing the expected one:
/// everything observable (a divergence may show only in a final state).
fn behaviour(run: &ExecutorRun) -> (Result<(), InstantiateFailure>, Vec<Outcome>, Vec<State>) {
    (run.instantiate.clone(), run.calls.clone(), run.states.clone())
}

/// The run whose behaviour becomes the expectation: that of the executor
/// of kind `expect`, else the strict majority's.
pub fn expected_run(runs: &[ExecutorRun], expect: Option<ExecutorKind>) -> Result<&ExecutorRun, String> {
    if let Some(kind) = expect {
        return runs
            .iter()
            .find(|r| r.executor == kind.name())
            .ok_or_else(|| format!("--expect {kind}: no such executor ran"));
    }
    let votes = |r: &ExecutorRun| runs.iter().filter(|o| behaviour(o) == behaviour(r)).count();
    let best = runs.iter().max_by_key(|r| votes(r)).ok_or("no executor ran")?;
    let tied = runs.iter().any(|r| behaviour(r) != behaviour(best) && votes(r) == votes(best));
    if tied {
        let names: Vec<&str> = runs.iter().map(|r| r.executor.as_str()).collect();
        return Err(format!("{} disagree with no majority; say which is right with --expect NAME", names.join(", ")));
    }
    Ok(best)
}

/// The module as text (what a reviewer reads) when the printed text, parsed
/// back, makes every executor do exactly what the binary made it do; else
/// the binary (a case about the encoding itself needs its exact bytes).
fn module_file(case: &Case, executors: &[&dyn Executor], runs: &[ExecutorRun]) -> (&'static str, Vec<u8>) {
    if let Ok(text) = wasmprinter::print_bytes(&case.wasm)
        && let Ok(back) = wat::parse_str(&text)
    {
        let reparsed = Case { wasm: back, ..case.clone() };
        if executors
            .iter()
            .zip(runs)
            .all(|(e, run)| without_coverage(record_run(*e, &reparsed)) == without_coverage(run.clone()))
        {
            return ("module.wat", text.into_bytes());
        }
    }
    ("module.wasm", case.wasm.clone())
}

/// Operator counts differ between encodings of one module; behaviour not.
fn without_coverage(mut run: ExecutorRun) -> ExecutorRun {
    run.executed_opcodes = None;
    run
}

/// Writes `corpus/<name>/` and returns its path.
pub fn save(
    case: &Case,
    name: &str,
    corpus: &Path,
    executors: &[&dyn Executor],
    expect: Option<ExecutorKind>,
    description: Option<&str>,
    signature: Option<&str>,
) -> Result<PathBuf, String> {
    if !valid_name(name) {
        return Err(format!("`{name}` is not a case name: use lowercase letters, digits, `-` and `_`"));
    }
    let dir = corpus.join(name);
    if dir.exists() {
        return Err(format!("{} already exists: pick another name", dir.display()));
    }
    let runs: Vec<ExecutorRun> = executors.iter().map(|e| record_run(*e, case)).collect();
    let chosen = expected_run(&runs, expect)?;
    let trapped = matches!(chosen.instantiate, Err(InstantiateFailure::Trapped(_)))
        || chosen.calls.iter().any(|c| matches!(c, Outcome::Trapped(_)));
    if chosen.calls.iter().any(|c| matches!(c, Outcome::Exhausted(_))) {
        return Err(format!(
            "{}: the case ran out of a resource (stack, memory or fuel): not a regression",
            chosen.executor
        ));
    }
    if let Err(failure) = &chosen.instantiate
        && !matches!(failure, InstantiateFailure::Trapped(_))
    {
        return Err(format!("{}: the expected executor could not instantiate the module: {failure}", chosen.executor));
    }
    let agreeing: Vec<&str> =
        runs.iter().filter(|r| behaviour(r) == behaviour(chosen)).map(|r| r.executor.as_str()).collect();
    let description = match description {
        Some(d) => d.to_string(),
        None => format!(
            "Saved by `triage save`{}; expected: what {} did.",
            signature.map(|s| format!(" (divergence: {s})")).unwrap_or_default(),
            agreeing.join(" and ")
        ),
    };
    let expected = Expected {
        description,
        verdict: if trapped { "agreed_on_trap" } else { "agreed" }.into(),
        outcomes: chosen.calls.clone(),
    };
    std::fs::create_dir_all(&dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    let (file, bytes) = module_file(case, executors, &runs);
    let write = |name: &str, bytes: &[u8]| {
        std::fs::write(dir.join(name), bytes).map_err(|e| format!("cannot write {}: {e}", dir.join(name).display()))
    };
    write(file, &bytes)?;
    for (index, provider) in case.providers.iter().enumerate() {
        write(&oracle::fuzz::provider_file(index), provider)?;
    }
    write("plan.json", serde_json::to_string_pretty(&case.plan).expect("plans serialize").as_bytes())?;
    write("expected.json", serde_json::to_string_pretty(&expected).expect("expectations serialize").as_bytes())?;
    Ok(dir)
}
