//! Replaying an artifact on every executor, each in its own child process
//! (this same binary, `triage run-one`), so a panic or a signal in one tier
//! is reported as that tier's crash instead of ending the tool.

use std::io::{Read, Write};
use std::path::Path;
use std::process::{Command, Output, Stdio};
use std::time::Duration;

use oracle::case::Case;
use oracle::compare::{ExecutorRun, signature};
use oracle::executor::ExecutorKind;
use oracle::targets::TargetKind;
use wait_timeout::ChildExt;

/// What one executor did, seen from outside its process.
#[derive(Clone, Debug)]
pub enum RunResult {
    Ran(Box<ExecutorRun>),
    /// The child panicked or was killed: the last words it printed.
    Crashed(String),
}

/// A scratch directory (`triage-<what>-…` in the temporary directory) that
/// disappears with its value.
fn scratch(what: &str) -> Result<tempfile::TempDir, String> {
    tempfile::Builder::new()
        .prefix(&format!("triage-{what}-"))
        .tempdir()
        .map_err(|e| format!("cannot make a scratch directory: {e}"))
}

/// Writes a case as an artifact directory (module.wasm, plan.json).
pub fn write_case(dir: &Path, case: &Case) -> std::io::Result<()> {
    std::fs::write(dir.join("module.wasm"), &case.wasm)?;
    std::fs::write(dir.join("plan.json"), serde_json::to_string_pretty(&case.plan).expect("plans serialize"))
}

/// How a child process ended, when it did not end well.
fn crash_of(output: &std::process::Output) -> String {
    let stderr = String::from_utf8_lossy(&output.stderr);
    let said = stderr
        .lines()
        .skip_while(|l| !l.contains("panicked at"))
        .nth(1)
        .or_else(|| stderr.lines().rev().find(|l| !l.trim().is_empty()))
        .unwrap_or("")
        .trim()
        .to_string();
    #[cfg(unix)]
    {
        use std::os::unix::process::ExitStatusExt;
        if let Some(signal) = output.status.signal() {
            return format!(
                "killed by signal {signal}{}",
                if said.is_empty() { String::new() } else { format!(": {said}") }
            );
        }
    }
    format!("exit status {}: {said}", output.status.code().unwrap_or(-1))
}

/// How long a child may run before it counts as hung.
pub const CHILD_TIMEOUT: Duration = Duration::from_secs(120);

/// Runs a child to completion, or kills it after [`CHILD_TIMEOUT`]
/// (`Err` then): a libFuzzer timeout input must not hang triage too.
fn output_within_timeout(command: Command) -> Result<Result<Output, String>, String> {
    output_within(command, CHILD_TIMEOUT)
}

fn output_within(mut command: Command, timeout: Duration) -> Result<Result<Output, String>, String> {
    let program = command.get_program().to_string_lossy().into_owned();
    let mut child = command
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| format!("cannot start {program}: {e}"))?;
    // Drain the pipes while waiting, so a chatty child never blocks.
    let mut stdout = child.stdout.take().expect("piped");
    let mut stderr = child.stderr.take().expect("piped");
    let out = std::thread::spawn(move || {
        let mut buf = Vec::new();
        let _ = stdout.read_to_end(&mut buf);
        buf
    });
    let err = std::thread::spawn(move || {
        let mut buf = Vec::new();
        let _ = stderr.read_to_end(&mut buf);
        buf
    });
    let status = match child.wait_timeout(timeout).map_err(|e| format!("waiting for {program}: {e}"))? {
        Some(status) => status,
        None => {
            let _ = child.kill();
            let _ = child.wait();
            return Ok(Err(format!("timed out after {} s (killed)", timeout.as_secs())));
        }
    };
    let stdout = out.join().unwrap_or_default();
    let stderr = err.join().unwrap_or_default();
    Ok(Ok(Output { status, stdout, stderr }))
}

/// Runs `case` on `executor` in a child process of `exe` (the triage binary).
pub fn run_isolated(exe: &Path, executor: ExecutorKind, case: &Case) -> Result<RunResult, String> {
    let scratch = scratch("run")?;
    write_case(scratch.path(), case).map_err(|e| format!("cannot write the case: {e}"))?;
    let mut command = Command::new(exe);
    command.args(["run-one", "--executor", executor.name()]).arg(scratch.path());
    let output = match output_within_timeout(command)? {
        Ok(output) => output,
        Err(hung) => return Ok(RunResult::Crashed(hung)),
    };
    if !output.status.success() {
        return Ok(RunResult::Crashed(crash_of(&output)));
    }
    let run: ExecutorRun = serde_json::from_slice(&output.stdout)
        .map_err(|e| format!("{executor}: unreadable report from the child process: {e}"))?;
    Ok(RunResult::Ran(Box::new(run)))
}

/// Runs a self-checked target's input in a child process: `Ok(None)` when
/// the check passes, `Ok(Some(bug))` when it reports one.
pub fn check_isolated(exe: &Path, target: TargetKind, data: &[u8]) -> Result<Result<Option<String>, String>, String> {
    let mut input = tempfile::Builder::new()
        .prefix("triage-check-")
        .tempfile()
        .map_err(|e| format!("cannot make a scratch file: {e}"))?;
    input.write_all(data).map_err(|e| format!("cannot write the input: {e}"))?;
    let mut command = Command::new(exe);
    command.args(["check-one", "--target", target.name()]).arg(input.path());
    let output = match output_within_timeout(command)? {
        Ok(output) => output,
        Err(hung) => return Ok(Err(hung)),
    };
    match output.status.code() {
        Some(0) => Ok(Ok(None)),
        Some(1) => Ok(Ok(Some(String::from_utf8_lossy(&output.stdout).trim().to_string()))),
        _ => Ok(Err(crash_of(&output))),
    }
}

/// The outcome of a replay.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Verdict {
    Agree,
    Diverged(String),
    Crashed(Vec<String>),
}

impl Verdict {
    /// 0 when all agree, 1 on a divergence (or a failed check), 2 when an
    /// executor crashed.
    pub fn exit_code(&self) -> u8 {
        match self {
            Verdict::Agree => 0,
            Verdict::Diverged(_) => 1,
            Verdict::Crashed(_) => 2,
        }
    }
}

pub fn judge(results: &[(String, RunResult)]) -> Verdict {
    let crashed: Vec<String> = results
        .iter()
        .filter_map(|(name, r)| match r {
            RunResult::Crashed(why) => Some(format!("{name}: {why}")),
            RunResult::Ran(_) => None,
        })
        .collect();
    if !crashed.is_empty() {
        return Verdict::Crashed(crashed);
    }
    let runs: Vec<ExecutorRun> = results
        .iter()
        .filter_map(|(_, r)| match r {
            RunResult::Ran(run) => Some((**run).clone()),
            RunResult::Crashed(_) => None,
        })
        .collect();
    match signature(&runs) {
        Some(sig) => Verdict::Diverged(sig),
        None => Verdict::Agree,
    }
}

fn cell(run: &ExecutorRun, column: usize) -> String {
    if column == 0 {
        return match &run.instantiate {
            Ok(()) => "ok".into(),
            Err(f) => f.to_string(),
        };
    }
    run.calls.get(column - 1).map_or_else(|| "-".into(), |o| o.to_string())
}

fn final_state(run: &ExecutorRun) -> String {
    let Some(state) = run.states.last() else { return "-".into() };
    let mut parts: Vec<String> =
        state.memories.iter().map(|(name, len, hash)| format!("{name}: {len} B #{hash:016x}")).collect();
    parts.extend(state.globals.iter().map(|(name, v)| format!("{name}={v}")));
    if parts.is_empty() { "(nothing exported)".into() } else { parts.join(", ") }
}

/// The side-by-side table: one row per executor, one column per step.
pub fn table(case: &Case, results: &[(String, RunResult)]) -> String {
    let mut header = vec!["executor".to_string(), "instantiate".to_string()];
    header.extend(case.plan.iter().enumerate().map(|(i, c)| format!("call {} `{}`", i + 1, c.export)));
    header.push("final state (memory hash, globals)".into());
    let mut rows = vec![header];
    for (name, result) in results {
        let mut row = vec![name.clone()];
        match result {
            RunResult::Ran(run) => {
                row.extend((0..=case.plan.len()).map(|c| cell(run, c)));
                row.push(final_state(run));
            }
            RunResult::Crashed(why) => {
                row.push(format!("CRASHED: {why}"));
                row.extend(std::iter::repeat_n(String::new(), case.plan.len() + 1));
            }
        }
        rows.push(row);
    }
    let widths: Vec<usize> =
        (0..rows[0].len()).map(|c| rows.iter().map(|r| r[c].chars().count()).max().unwrap_or(0)).collect();
    let mut out = String::new();
    for (i, row) in rows.iter().enumerate() {
        let cells: Vec<String> = row.iter().zip(&widths).map(|(c, w)| format!("{c:<w$}")).collect();
        out.push_str(cells.join(" | ").trim_end());
        out.push('\n');
        if i == 0 {
            let rule: Vec<String> = widths.iter().map(|w| "-".repeat(*w)).collect();
            out.push_str(&rule.join("-|-"));
            out.push('\n');
        }
    }
    out
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;

    fn shell(script: &str) -> Command {
        let mut command = Command::new("sh");
        command.args(["-c", script]);
        command
    }

    #[test]
    fn a_child_that_ends_gives_its_status_and_output() {
        let output = output_within(shell("echo out; echo err >&2; exit 3"), Duration::from_secs(60))
            .expect("sh starts")
            .expect("sh ends in time");
        assert_eq!(output.status.code(), Some(3));
        assert_eq!(output.stdout, b"out\n");
        assert_eq!(output.stderr, b"err\n");
    }

    #[test]
    fn a_hung_child_is_killed_at_the_timeout() {
        let started = std::time::Instant::now();
        let hung = output_within(shell("exec sleep 60"), Duration::from_millis(200)).expect("sh starts");
        assert_eq!(hung.map(|o| o.status), Err("timed out after 0 s (killed)".to_string()));
        assert!(started.elapsed() < Duration::from_secs(30), "killed at the timeout, not at the child's end");
    }

    #[test]
    fn a_missing_program_is_an_error() {
        let err = output_within(Command::new("/nonexistent/triage"), Duration::from_secs(1)).unwrap_err();
        assert!(err.starts_with("cannot start /nonexistent/triage"), "{err}");
    }

    #[test]
    fn scratch_directories_disappear_with_their_value() {
        let dir = scratch("test").expect("a scratch directory");
        let path = dir.path().to_path_buf();
        assert!(path.file_name().unwrap().to_string_lossy().starts_with("triage-test-"));
        std::fs::write(path.join("file"), b"x").unwrap();
        drop(dir);
        assert!(!path.exists());
    }
}
