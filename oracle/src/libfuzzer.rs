//! Turning a libFuzzer run (cargo fuzz, OSS-Fuzz) into fuzz evidence: the
//! run's statistics come from its log, what the inputs exercised from
//! replaying its corpus through the oracle.

use std::path::Path;
use std::time::Duration;

use crate::evidence::FuzzEvidence;
use crate::fuzz::{FuzzOptions, FuzzStats};

/// What a libFuzzer log says about the run.
#[derive(Clone, Debug, PartialEq)]
pub struct LibFuzzerRun {
    /// Inputs executed (`Done N runs …`).
    pub runs: u64,
    /// Whole seconds since the process started (`… in S second(s)`), the
    /// time libFuzzer divides by for its exec/s.
    pub seconds: u64,
    /// Whether libFuzzer reported a crash (a saved artifact).
    pub crashed: bool,
}

/// Reads the final statistics of a libFuzzer run from its output. The
/// run's exec/s is not read: it is `runs / seconds`
/// ([`FuzzEvidence::exec_per_sec`]), which is how libFuzzer computes the
/// number on its status lines.
pub fn parse_log(text: &str) -> Result<LibFuzzerRun, String> {
    let done = text
        .lines()
        .rev()
        .find_map(|l| {
            let rest = l.trim().strip_prefix("Done ")?;
            let (runs, rest) = rest.split_once(" runs in ")?;
            let seconds = rest.split_whitespace().next()?;
            Some((runs.parse::<u64>().ok()?, seconds.parse::<u64>().ok()?))
        })
        .ok_or("no `Done N runs in S second(s)` line: not a complete libFuzzer log")?;
    let crashed = text.contains("==ERROR: libFuzzer") || text.contains("Test unit written to ./artifacts");
    Ok(LibFuzzerRun { runs: done.0, seconds: done.1, crashed })
}

/// The fuzz evidence `crucible libfuzzer-evidence` writes (source
/// `libfuzzer`): time and executions from the log's `run`, the rest from
/// `stats`, the replay of the run's corpus under `options`
/// ([`crate::fuzz::replay`]). `log` names the log in a crash's
/// description.
pub fn evidence(run: &LibFuzzerRun, stats: &FuzzStats, options: &FuzzOptions<'_>, log: &Path) -> FuzzEvidence {
    let mut evidence = stats.evidence(options, Duration::from_secs(run.seconds), "libfuzzer");
    evidence.cpu_seconds = run.seconds as f64;
    evidence.executions = Some(run.runs);
    if run.crashed {
        evidence.divergences.push(format!("libFuzzer reported a crash in {}", log.display()));
    }
    evidence
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_final_statistics() {
        let log = "INFO: Seed: 1\n#2\tINITED cov: 10 ft: 10 corp: 1/1b exec/s: 0 rss: 30Mb\n\
                   #191877\tDONE   cov: 11239 ft: 29503 corp: 2047/281Kb lim: 163 exec/s: 3145 rss: 103Mb\n\
                   ###### End of recommended dictionary. ######\nDone 191877 runs in 61 second(s)\n";
        assert_eq!(parse_log(log).unwrap(), LibFuzzerRun { runs: 191_877, seconds: 61, crashed: false });
        assert!(parse_log("INFO: Seed: 1\n#2 INITED").unwrap_err().contains("not a complete libFuzzer log"));
    }

    /// The exec/s on a log's `DONE` status line.
    fn done_exec_per_sec(log: &str) -> u64 {
        let line = log.lines().find(|l| l.contains("\tDONE ")).expect("a DONE line");
        line.split("exec/s: ").nth(1).unwrap().split_whitespace().next().unwrap().parse().unwrap()
    }

    /// Real logs (`tests/data/libfuzzer/`): the evidence's derived exec/s is
    /// the one libFuzzer printed.
    #[test]
    fn real_logs_give_libfuzzers_own_exec_per_sec() {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/libfuzzer");
        let mut logs: Vec<_> = std::fs::read_dir(&dir)
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.extension().is_some_and(|x| x == "log"))
            .collect();
        logs.sort();
        assert_eq!(logs.len(), 7, "{logs:?}");
        let stats = FuzzStats::default();
        let options = FuzzOptions {
            target: crate::targets::TargetKind::TableOps,
            seconds: 0.0,
            seed: 0,
            profile: crate::case::profile("default").unwrap(),
            executors: Vec::new(),
            jobs: 1,
            out: None,
            max_cases: None,
            stop_on_divergence: false,
            progress: false,
        };
        for path in logs {
            let text = std::fs::read_to_string(&path).unwrap();
            let run = parse_log(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
            assert!(!run.crashed, "{}", path.display());
            assert_eq!(run.seconds, 11, "{}: 10 s runs", path.display());
            let evidence = evidence(&run, &stats, &options, &path);
            assert_eq!((evidence.source.as_str(), evidence.executions), ("libfuzzer", Some(run.runs)));
            assert_eq!((evidence.wall_seconds, evidence.cpu_seconds), (11.0, 11.0));
            let derived = evidence.exec_per_sec().unwrap();
            assert_eq!(derived.floor() as u64, done_exec_per_sec(&text), "{}", path.display());
        }
    }
}
