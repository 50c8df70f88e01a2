//! `--processes N`: the kernel measurement repeated in N fresh processes of
//! this binary, one after the other, and merged. Where a process's code and
//! heap land moves a kernel's time by 15–30% on the development machine
//! (the same binary, the same arguments: matmul on the interpreter took
//! 392–508 ms across six processes), for every engine independently; one
//! process cannot tell a ratio of 0.95 from one of 1.10. The merged result
//! takes, per kernel and engine, the median of the processes' medians, and
//! keeps every process's ratios so the report can show their spread.

use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use anyhow::{Context, Result, bail};
use serde::Deserialize;

use crate::{EngineResult, KernelResult, median};

/// What the merge reads from a child's JSON report.
#[derive(Deserialize)]
struct ChildReport {
    kernels: Vec<KernelResult>,
    large_module: KernelResult,
}

/// The measurements of every process, merged.
pub struct Merged {
    pub kernels: Vec<KernelResult>,
    pub large_module: KernelResult,
    /// Each process's own kernels and large module, for the ratios' spread.
    pub per_process: Vec<(Vec<KernelResult>, KernelResult)>,
}

/// This process's arguments for a child: the same, without the options the
/// parent handles itself (`--processes`, `--json`, `--harness-seconds`),
/// then one process, no harness and its own JSON file.
fn child_args(json: &Path) -> Vec<OsString> {
    let handled = ["--processes", "--json", "--harness-seconds"];
    let mut args = Vec::new();
    let mut skip_value = false;
    for arg in std::env::args_os().skip(1) {
        if std::mem::take(&mut skip_value) {
            continue;
        }
        let text = arg.to_string_lossy();
        if handled.contains(&text.as_ref()) {
            skip_value = true;
            continue;
        }
        if handled.iter().any(|option| text.starts_with(&format!("{option}="))) {
            continue;
        }
        args.push(arg);
    }
    args.extend(["--processes".into(), "1".into(), "--harness-seconds".into(), "0".into(), "--json".into()]);
    args.push(json.as_os_str().to_owned());
    args
}

/// Runs the kernel measurement in `processes` children, their reports
/// beside `json`, and merges them.
pub fn measure(processes: usize, json: &Path) -> Result<Merged> {
    let exe = std::env::current_exe().context("finding this benchmark binary")?;
    let dir = json.parent().map_or_else(|| PathBuf::from("."), Path::to_path_buf);
    std::fs::create_dir_all(&dir)?;
    let mut per_process = Vec::with_capacity(processes);
    for index in 0..processes {
        let child_json = dir.join(format!("process-{index}.json"));
        eprintln!("process {} of {processes}", index + 1);
        let status = Command::new(&exe)
            .args(child_args(&child_json))
            .stdout(Stdio::null())
            .status()
            .with_context(|| format!("starting {}", exe.display()))?;
        if !status.success() {
            bail!("measurement process {} failed ({status})", index + 1);
        }
        let text = std::fs::read_to_string(&child_json).with_context(|| format!("reading {}", child_json.display()))?;
        let report: ChildReport =
            serde_json::from_str(&text).with_context(|| format!("parsing {}", child_json.display()))?;
        per_process.push((report.kernels, report.large_module));
    }
    let kernels = (0..per_process[0].0.len())
        .map(|k| merge(per_process.iter().map(|(kernels, _)| &kernels[k])))
        .collect::<Result<_>>()?;
    let large_module = merge(per_process.iter().map(|(_, large)| large))?;
    Ok(Merged { kernels, large_module, per_process })
}

/// One kernel's results from every process: per engine, the median of the
/// processes' medians (execution and compile time), the processes' medians
/// as the runs.
fn merge<'a>(results: impl Iterator<Item = &'a KernelResult>) -> Result<KernelResult> {
    let results: Vec<&KernelResult> = results.collect();
    let first = results[0];
    let engines = first.results.iter().enumerate().map(|(e, engine)| {
        let exec: Vec<f64> = results.iter().map(|r| r.results[e].exec_ms).filter(|v| !v.is_nan()).collect();
        let mut compile: Vec<f64> = results.iter().map(|r| r.results[e].compile_ms).filter(|v| !v.is_nan()).collect();
        if results.iter().any(|r| r.kernel != first.kernel || r.results[e].engine != engine.engine) {
            bail!("the processes measured different kernels or engines");
        }
        Ok(EngineResult {
            engine: engine.engine.clone(),
            compile_ms: median(&mut compile),
            exec_ms: median(&mut exec.clone()),
            exec_ms_runs: exec,
            checksum: engine.checksum,
            code_bytes: engine.code_bytes,
        })
    });
    Ok(KernelResult {
        kernel: first.kernel.clone(),
        what: first.what.clone(),
        arg: first.arg,
        results: engines.collect::<Result<_>>()?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kernel(times: &[(f64, f64)]) -> KernelResult {
        KernelResult {
            kernel: "k".into(),
            what: "w".into(),
            arg: 1,
            results: ["a", "b"]
                .iter()
                .zip(times)
                .map(|(name, &(compile_ms, exec_ms))| EngineResult {
                    engine: name.to_string(),
                    compile_ms,
                    exec_ms,
                    exec_ms_runs: vec![exec_ms],
                    checksum: 7,
                    code_bytes: None,
                })
                .collect(),
        }
    }

    #[test]
    fn merging_takes_each_engines_median_over_the_processes() {
        let processes = [
            kernel(&[(1.0, 10.0), (2.0, f64::NAN)]),
            kernel(&[(3.0, 30.0), (2.0, 5.0)]),
            kernel(&[(2.0, 20.0), (4.0, 6.0)]),
        ];
        let merged = merge(processes.iter()).unwrap();
        assert_eq!((merged.results[0].compile_ms, merged.results[0].exec_ms), (2.0, 20.0));
        assert_eq!(merged.results[0].exec_ms_runs, vec![10.0, 30.0, 20.0]);
        // A process where the engine could not run counts for nothing.
        assert_eq!(merged.results[1].exec_ms_runs, vec![5.0, 6.0]);
        assert_eq!(merged.results[1].exec_ms, 6.0);
    }

    #[test]
    fn processes_that_measured_different_things_are_refused() {
        let mut other = kernel(&[(1.0, 1.0), (1.0, 1.0)]);
        other.results[1].engine = "c".into();
        assert!(merge([kernel(&[(1.0, 1.0), (1.0, 1.0)]), other].iter()).is_err());
    }

    #[test]
    fn a_childs_arguments_drop_what_the_parent_handles() {
        let args = child_args(Path::new("/tmp/p.json"));
        let text: Vec<String> = args.iter().map(|a| a.to_string_lossy().into_owned()).collect();
        assert_eq!(text.iter().filter(|a| *a == "--processes").count(), 1);
        assert_eq!(text[text.len() - 6..], ["--processes", "1", "--harness-seconds", "0", "--json", "/tmp/p.json"]);
    }
}
