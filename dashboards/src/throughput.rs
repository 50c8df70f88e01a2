//! cargo-fuzz throughput over time: each libFuzzer run's exec/s
//! ([`FuzzEvidence::exec_per_sec`]) per target, with a run flagged as a
//! regression when it fell below [`REGRESSION_RATIO`] of the median of the
//! target's earlier runs, so a slowdown shows the night it happens.

use std::collections::BTreeMap;

use evidence::FuzzEvidence;

/// A run is a regression when its exec/s is below this share of its
/// baseline (the median of earlier runs).
pub const REGRESSION_RATIO: f64 = 0.5;

/// The baseline is the median of at most this many earlier runs (a week of
/// nightlies): a slowdown someone accepted stops being flagged once it is
/// the norm, and a speedup raises the bar within a week.
pub const BASELINE_RUNS: usize = 7;

/// One libFuzzer run of a target.
#[derive(Clone, Debug, PartialEq)]
pub struct Run {
    /// When the run finished, RFC 3339 UTC.
    pub generated_at: String,
    pub commit: Option<String>,
    pub executions: u64,
    pub wall_seconds: f64,
    /// `None` when the run took no measurable time.
    pub exec_per_sec: Option<f64>,
    /// Median exec/s of the earlier runs it is compared with, and how many
    /// those were; `None` for a target's first measured run.
    pub baseline: Option<(f64, usize)>,
}

impl Run {
    /// Whether this run's exec/s fell below [`REGRESSION_RATIO`] of its
    /// baseline.
    pub fn regressed(&self) -> bool {
        matches!((self.exec_per_sec, self.baseline), (Some(rate), Some((median, _))) if rate < REGRESSION_RATIO * median)
    }

    /// exec/s relative to the baseline (1.0 = as usual).
    pub fn ratio(&self) -> Option<f64> {
        match (self.exec_per_sec, self.baseline) {
            (Some(rate), Some((median, _))) if median > 0.0 => Some(rate / median),
            _ => None,
        }
    }
}

/// One cargo-fuzz target on one target triple, its runs oldest first.
#[derive(Clone, Debug, PartialEq)]
pub struct Target {
    pub fuzz_target: String,
    pub triple: String,
    pub runs: Vec<Run>,
}

impl Target {
    pub fn latest(&self) -> &Run {
        self.runs.last().expect("a target has runs")
    }
}

/// The median of some values (`None` for none).
pub fn median(values: &[f64]) -> Option<f64> {
    let mut sorted = values.to_vec();
    sorted.sort_by(f64::total_cmp);
    let n = sorted.len();
    match n {
        0 => None,
        _ if n % 2 == 1 => Some(sorted[n / 2]),
        _ => Some((sorted[n / 2 - 1] + sorted[n / 2]) / 2.0),
    }
}

/// Every libFuzzer run (source `libfuzzer`) grouped by (fuzz target, target
/// triple): machines of different architectures are not compared.
pub fn build(fuzz: &[&FuzzEvidence]) -> Vec<Target> {
    let mut groups: BTreeMap<(&str, &str), Vec<&FuzzEvidence>> = BTreeMap::new();
    for run in fuzz.iter().filter(|r| r.source == "libfuzzer") {
        groups.entry((run.fuzz_target.as_str(), run.target.as_str())).or_default().push(run);
    }
    groups
        .into_iter()
        .map(|((fuzz_target, triple), mut runs)| {
            // Loaded evidence has valid times; the text breaks ties.
            runs.sort_by_key(|r| (evidence::parse_rfc3339(&r.generated_at), r.generated_at.clone()));
            let mut measured: Vec<f64> = Vec::new();
            let runs = runs
                .into_iter()
                .map(|r| {
                    let earlier = &measured[measured.len().saturating_sub(BASELINE_RUNS)..];
                    let baseline = median(earlier).map(|m| (m, earlier.len()));
                    let exec_per_sec = r.exec_per_sec();
                    measured.extend(exec_per_sec);
                    Run {
                        generated_at: r.generated_at.clone(),
                        commit: r.commit.clone(),
                        executions: r.inputs_executed(),
                        wall_seconds: r.wall_seconds,
                        exec_per_sec,
                        baseline,
                    }
                })
                .collect();
            Target { fuzz_target: fuzz_target.to_string(), triple: triple.to_string(), runs }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(source: &str, target: &str, day: u32, executions: u64, seconds: f64) -> FuzzEvidence {
        FuzzEvidence {
            schema: evidence::FUZZ_SCHEMA.into(),
            version: evidence::FUZZ_SCHEMA_VERSION,
            generated_at: format!("2026-11-{day:02}T03:00:00Z"),
            commit: None,
            target: "x86_64-unknown-linux-gnu".into(),
            source: source.into(),
            fuzz_target: target.into(),
            profile: "default".into(),
            seed: 0,
            jobs: 1,
            wall_seconds: seconds,
            cpu_seconds: seconds,
            executors: vec!["interp".into()],
            totals: evidence::FuzzTotals { cases: 16, ..Default::default() },
            not_comparable_reasons: BTreeMap::new(),
            mix: BTreeMap::new(),
            entries: Vec::new(),
            divergences: Vec::new(),
            executions: (source == "libfuzzer").then_some(executions),
        }
    }

    fn flags(targets: &[Target], name: &str) -> Vec<bool> {
        targets.iter().find(|t| t.fuzz_target == name).unwrap().runs.iter().map(Run::regressed).collect()
    }

    #[test]
    fn medians() {
        assert_eq!(median(&[]), None);
        assert_eq!(median(&[3.0]), Some(3.0));
        assert_eq!(median(&[5.0, 1.0, 3.0]), Some(3.0));
        assert_eq!(median(&[4.0, 1.0, 3.0, 100.0]), Some(3.5));
    }

    #[test]
    fn a_run_below_half_the_earlier_median_is_a_regression() {
        // exec/s 400, 500, 450 (median 450), then 224 (< 225) and 226.
        let evidence = [
            run("libfuzzer", "compile", 3, 4000, 10.0),
            run("libfuzzer", "compile", 1, 5000, 10.0),
            run("libfuzzer", "compile", 2, 4500, 10.0),
            run("libfuzzer", "compile", 4, 2240, 10.0),
            run("libfuzzer", "table_ops", 4, 2260, 10.0),
            run("libfuzzer", "table_ops", 1, 4000, 10.0),
            run("libfuzzer", "table_ops", 2, 5000, 10.0),
            run("libfuzzer", "table_ops", 3, 4500, 10.0),
        ];
        let targets = build(&evidence.iter().collect::<Vec<_>>());
        assert_eq!(targets.len(), 2);
        // Sorted by time, whatever the order of the files.
        let days: Vec<&str> = targets[0].runs.iter().map(|r| &r.generated_at[8..10]).collect();
        assert_eq!(days, ["01", "02", "03", "04"]);
        assert_eq!(flags(&targets, "compile"), [false, false, false, true]);
        assert_eq!(flags(&targets, "table_ops"), [false, false, false, false]);
        let last = targets[0].latest();
        assert_eq!(last.baseline, Some((450.0, 3)));
        assert!((last.ratio().unwrap() - 224.0 / 450.0).abs() < 1e-9);
        assert_eq!(targets[0].runs[0].baseline, None, "the first run has nothing to compare with");
    }

    #[test]
    fn the_median_resists_one_slow_night_and_a_recovery_is_not_flagged() {
        let rates = [1000, 1010, 300, 990, 1020];
        let evidence: Vec<FuzzEvidence> =
            rates.iter().enumerate().map(|(d, r)| run("libfuzzer", "api_calls", d as u32 + 1, r * 60, 60.0)).collect();
        let targets = build(&evidence.iter().collect::<Vec<_>>());
        assert_eq!(flags(&targets, "api_calls"), [false, false, true, false, false]);
        assert_eq!(targets[0].runs[4].baseline, Some((995.0, 4)));
    }

    #[test]
    fn the_baseline_is_the_last_week_of_runs() {
        // Eight fast nights, then slow ones: flagged until the slow rate is
        // the median of the last seven.
        let mut rates = vec![1000; 8];
        rates.extend([400; 6]);
        let evidence: Vec<FuzzEvidence> =
            rates.iter().enumerate().map(|(d, r)| run("libfuzzer", "compile", d as u32 + 1, r * 10, 10.0)).collect();
        let targets = build(&evidence.iter().collect::<Vec<_>>());
        let flagged: Vec<bool> = flags(&targets, "compile");
        assert_eq!(flagged[..8], [false; 8]);
        assert_eq!(flagged[8..], [true, true, true, true, false, false]);
        assert!(targets[0].runs.iter().all(|r| r.baseline.is_none_or(|(_, n)| n <= BASELINE_RUNS)));
    }

    #[test]
    fn only_libfuzzer_runs_with_time_count() {
        let evidence = [
            run("crucible-fuzz", "differential", 1, 0, 60.0),
            run("libfuzzer", "instantiate", 1, 10_000, 10.0),
            // `-runs=N` finishing within a second: shown, never compared.
            run("libfuzzer", "instantiate", 2, 50, 0.0),
            run("libfuzzer", "instantiate", 3, 400, 10.0),
        ];
        let targets = build(&evidence.iter().collect::<Vec<_>>());
        assert_eq!(targets.len(), 1, "crucible fuzz is not a cargo-fuzz target");
        let runs = &targets[0].runs;
        assert_eq!(runs[1].exec_per_sec, None);
        assert!(!runs[1].regressed());
        assert_eq!(runs[2].baseline, Some((1000.0, 1)));
        assert!(runs[2].regressed());
    }
}
