//! Turning a libFuzzer run (cargo fuzz, OSS-Fuzz) into fuzz evidence: the
//! run's statistics come from its log, what the inputs exercised from
//! replaying its corpus through the oracle.

/// What a libFuzzer log says about the run.
#[derive(Clone, Debug, PartialEq)]
pub struct LibFuzzerRun {
    pub runs: u64,
    pub seconds: u64,
    /// Executions per second in the final status line, if present.
    pub exec_per_sec: Option<u64>,
    /// Whether libFuzzer reported a crash (a saved artifact).
    pub crashed: bool,
}

/// Reads the final statistics of a libFuzzer run from its output.
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
    let exec_per_sec = text
        .lines()
        .rev()
        .filter(|l| l.contains(" DONE ") || l.contains("exec/s:"))
        .find_map(|l| l.split("exec/s: ").nth(1)?.split_whitespace().next()?.parse().ok());
    let crashed = text.contains("==ERROR: libFuzzer") || text.contains("Test unit written to ./artifacts");
    Ok(LibFuzzerRun { runs: done.0, seconds: done.1, exec_per_sec, crashed })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_final_statistics() {
        let log = "INFO: Seed: 1\n#2\tINITED cov: 10 ft: 10 corp: 1/1b exec/s: 0 rss: 30Mb\n\
                   #191877\tDONE   cov: 11239 ft: 29503 corp: 2047/281Kb lim: 163 exec/s: 3145 rss: 103Mb\n\
                   ###### End of recommended dictionary. ######\nDone 191877 runs in 61 second(s)\n";
        assert_eq!(
            parse_log(log).unwrap(),
            LibFuzzerRun { runs: 191_877, seconds: 61, exec_per_sec: Some(3145), crashed: false }
        );
        assert!(parse_log("INFO: Seed: 1\n#2 INITED").unwrap_err().contains("not a complete libFuzzer log"));
    }
}
