//! Fuzz evidence from real libFuzzer logs (`oracle/tests/data/libfuzzer/`),
//! made the way `crucible libfuzzer-evidence` makes it: the log parsed, the
//! target's corpus (its committed seeds) replayed through the oracle on
//! every available executor, `oracle::libfuzzer::evidence`.

use std::path::{Path, PathBuf};

use oracle::executor::{Executor, ExecutorKind};
use oracle::fuzz::{FuzzOptions, FuzzStats};
use oracle::targets::TargetKind;

pub fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// A target's corpus replayed once, then credited with any number of logs.
pub struct LibFuzzerTarget {
    target: TargetKind,
    executors: Vec<Box<dyn Executor>>,
    stats: FuzzStats,
}

impl LibFuzzerTarget {
    pub fn new(target: TargetKind) -> Self {
        let executors: Vec<Box<dyn Executor>> = ExecutorKind::AVAILABLE.iter().map(|k| k.build()).collect();
        let mut this = LibFuzzerTarget { target, executors, stats: FuzzStats::default() };
        let corpus = repo().join("corpus").join(target.name());
        let stats = oracle::fuzz::replay(&[corpus], &this.options()).expect("the seed corpus replays");
        this.stats = stats;
        assert!(this.stats.totals.cases > 0, "{target}: nothing replayed");
        this
    }

    fn options(&self) -> FuzzOptions<'_> {
        FuzzOptions {
            target: self.target,
            seconds: 0.0,
            seed: 0,
            profile: oracle::case::profile("default").unwrap(),
            executors: self.executors.iter().map(|e| e.as_ref()).collect(),
            jobs: 1,
            out: None,
            max_cases: None,
            stop_on_divergence: false,
            progress: false,
        }
    }

    /// Writes into `dir` the evidence of the run whose log is
    /// `oracle/tests/data/libfuzzer/<log>`, as finished at `generated_at`
    /// (RFC 3339); returns it.
    pub fn credit(&self, log: &str, generated_at: &str, dir: &Path) -> evidence::FuzzEvidence {
        let path = repo().join("oracle/tests/data/libfuzzer").join(log);
        let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let run = oracle::libfuzzer::parse_log(&text).unwrap();
        let mut evidence = oracle::libfuzzer::evidence(&run, &self.stats, &self.options(), &path);
        evidence.generated_at = generated_at.to_string();
        evidence.write_to(dir).unwrap();
        evidence
    }
}
