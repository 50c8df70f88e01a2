//! The built-in, multi-core fuzz loop: generate cases from pseudo-random
//! bytes, run them on every executor, compare, and keep statistics and
//! artifacts. Deterministic: the same seed and job count produce the same
//! inputs.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::mpsc::{self, RecvTimeoutError};
use std::time::{Duration, Instant};

use indicatif::{FormattedDuration, ProgressBar, ProgressStyle};
use serde::{Deserialize, Serialize};

use crate::case::{self, Case, Profile};
use crate::compare::{CaseReport, Verdict, run_case};
use crate::executor::Executor;
use crate::opcodes;
use crate::targets::TargetKind;

pub struct FuzzOptions<'a> {
    /// The fuzz target whose inputs these are (see [`crate::targets`]);
    /// `crucible fuzz` itself is the `differential` target.
    pub target: TargetKind,
    pub seconds: f64,
    pub seed: u64,
    pub profile: Profile,
    pub executors: Vec<&'a dyn Executor>,
    pub jobs: usize,
    /// Where divergence artifacts go (none are written when `None`).
    pub out: Option<PathBuf>,
    /// Stop after this many cases (for tests), whatever the time.
    pub max_cases: Option<u64>,
    pub stop_on_divergence: bool,
    /// Draw a live progress bar on stderr (only when it is a terminal).
    pub progress: bool,
}

/// Statistics of a run, merged across jobs.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct FuzzStats {
    /// Case, call and verdict counts.
    pub totals: crate::evidence::FuzzTotals,
    pub not_comparable_reasons: BTreeMap<String, u64>,
    /// Cases per kind of generation (`case::Drawn`), for swarm profiles.
    pub mix: BTreeMap<String, u64>,
    /// Cases whose module needs each proposal (validation without it fails).
    pub cases_by_proposal: BTreeMap<String, u64>,
    /// Per executor, the cases (and calls) it took part in, by proposal
    /// (an executor that called a case unsupported sat it out).
    pub cases_by_executor: BTreeMap<String, BTreeMap<String, u64>>,
    pub calls_by_executor: BTreeMap<String, BTreeMap<String, u64>>,
    /// Operators generated across all cases.
    pub opcodes_generated: BTreeMap<String, u64>,
    /// Operators executed, per executor that measures it.
    pub opcodes_executed: BTreeMap<String, BTreeMap<String, u64>>,
    /// Milliseconds jobs spent working (≈ CPU time).
    pub busy_ms: u64,
    pub artifacts: Vec<String>,
    pub failures: Vec<String>,
    pub reference_bug_details: Vec<String>,
    /// The first few not-comparable reasons in full.
    pub not_comparable_examples: Vec<String>,
}

impl FuzzStats {
    fn merge(&mut self, other: FuzzStats) {
        self.totals.add(&other.totals);
        self.busy_ms += other.busy_ms;
        for (k, v) in other.not_comparable_reasons {
            *self.not_comparable_reasons.entry(k).or_default() += v;
        }
        for (k, v) in other.mix {
            *self.mix.entry(k).or_default() += v;
        }
        for (k, v) in other.cases_by_proposal {
            *self.cases_by_proposal.entry(k).or_default() += v;
        }
        for (mine, theirs) in [
            (&mut self.cases_by_executor, other.cases_by_executor),
            (&mut self.calls_by_executor, other.calls_by_executor),
        ] {
            for (executor, counts) in theirs {
                let mine = mine.entry(executor).or_default();
                for (k, v) in counts {
                    *mine.entry(k).or_default() += v;
                }
            }
        }
        for (k, v) in other.opcodes_generated {
            *self.opcodes_generated.entry(k).or_default() += v;
        }
        for (executor, ops) in other.opcodes_executed {
            let mine = self.opcodes_executed.entry(executor).or_default();
            for (k, v) in ops {
                *mine.entry(k).or_default() += v;
            }
        }
        self.artifacts.extend(other.artifacts);
        self.failures.extend(other.failures);
        self.reference_bug_details.extend(other.reference_bug_details);
        self.not_comparable_examples.extend(other.not_comparable_examples);
    }

    pub fn found_bug(&self) -> bool {
        self.totals.diverged + self.totals.crashed > 0
    }

    fn record(&mut self, case: &Case, report: &CaseReport, profile: &Profile) {
        self.totals.cases += 1;
        let calls = report.runs.iter().map(|r| r.calls.len()).max().unwrap_or(0) as u64;
        self.totals.calls += calls;
        match &report.verdict {
            Verdict::Agreed => self.totals.agreed += 1,
            Verdict::AgreedOnTrap => self.totals.agreed_on_trap += 1,
            Verdict::NotComparable { reason, detail } => {
                self.totals.not_comparable += 1;
                *self.not_comparable_reasons.entry(reason.name().to_string()).or_default() += 1;
                if self.not_comparable_examples.len() < 5 {
                    self.not_comparable_examples.push(detail.clone());
                }
            }
            Verdict::Diverged(_) => self.totals.diverged += 1,
            Verdict::Crashed(_) => self.totals.crashed += 1,
            Verdict::ReferenceBug(_) => self.totals.reference_bugs += 1,
        }
        let mut used: Vec<&str> = vec!["mvp"];
        used.extend(case::proposals_used(&case.wasm, profile).iter().map(|p| p.name()));
        for p in &used {
            *self.cases_by_proposal.entry(p.to_string()).or_default() += 1;
        }
        for run in report.runs.iter().filter(|r| !r.sat_out()) {
            let cases = self.cases_by_executor.entry(run.executor.clone()).or_default();
            let calls = self.calls_by_executor.entry(run.executor.clone()).or_default();
            for p in &used {
                *cases.entry(p.to_string()).or_default() += 1;
                *calls.entry(p.to_string()).or_default() += run.calls.len() as u64;
            }
        }
        for (op, n) in opcodes::count_opcodes(&case.wasm) {
            *self.opcodes_generated.entry(op).or_default() += n;
        }
        for run in &report.runs {
            if let Some(executed) = &run.executed_opcodes {
                let mine = self.opcodes_executed.entry(run.executor.clone()).or_default();
                for (op, n) in executed {
                    *mine.entry(op.clone()).or_default() += n;
                }
            }
        }
    }
}

/// SplitMix64: tiny, fast, and reproducible on every platform.
struct SplitMix(u64);

impl SplitMix {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    fn fill(&mut self, buf: &mut Vec<u8>) {
        let len = 64 + (self.next() % 4000) as usize;
        buf.clear();
        while buf.len() < len {
            buf.extend_from_slice(&self.next().to_le_bytes());
        }
        buf.truncate(len);
    }
}

/// The file of a linked case's `index`-th provider module in an artifact.
pub fn provider_file(index: usize) -> String {
    format!("provider-{index}.wasm")
}

/// The provider modules saved in an artifact or regression directory, in
/// order (none for a case of one module).
pub fn read_providers(dir: &Path) -> std::io::Result<Vec<Vec<u8>>> {
    let mut providers = Vec::new();
    loop {
        let path = dir.join(provider_file(providers.len()));
        if !path.is_file() {
            return Ok(providers);
        }
        providers.push(std::fs::read(&path)?);
    }
}

/// Writes a divergence artifact: everything `triage` needs to replay it.
pub fn write_artifact(
    dir: &Path,
    input: &[u8],
    case: &Case,
    report: &CaseReport,
    profile: &Profile,
) -> std::io::Result<PathBuf> {
    let id = format!("{:016x}", crate::executor::fnv1a(input));
    let path = dir.join(format!("{}-{id}", report.verdict.kind()));
    std::fs::create_dir_all(&path)?;
    std::fs::write(path.join("input.bin"), input)?;
    std::fs::write(path.join("module.wasm"), &case.wasm)?;
    let wat = wasmprinter::print_bytes(&case.wasm).unwrap_or_else(|e| format!(";; cannot print: {e}\n"));
    std::fs::write(path.join("module.wat"), wat)?;
    std::fs::write(path.join("plan.json"), serde_json::to_string_pretty(&case.plan).expect("plans serialize"))?;
    for (index, provider) in case.providers.iter().enumerate() {
        std::fs::write(path.join(provider_file(index)), provider)?;
    }
    let meta = serde_json::json!({ "profile": profile.name, "report": report });
    std::fs::write(path.join("report.json"), serde_json::to_string_pretty(&meta).expect("reports serialize"))?;
    Ok(path)
}

/// Generates and judges the case for `input`, recording it in `stats`.
/// Returns the report when the input made a case.
pub fn run_input(input: &[u8], options: &FuzzOptions<'_>, stats: &mut FuzzStats) -> Option<(Case, CaseReport)> {
    let case = match options.target {
        TargetKind::Differential => {
            case::generate_drawn(input, &options.profile, &options.executors).ok().map(|(case, drawn)| {
                *stats.mix.entry(drawn.name().to_string()).or_default() += 1;
                case
            })
        }
        target if target.is_differential() => target.case(input, &options.executors).ok().flatten(),
        target => {
            // Checked on Crucible alone: counted, with no case to compare.
            stats.totals.cases += 1;
            if let Err(why) = target.check(input, &options.executors) {
                stats.totals.crashed += 1;
                stats.failures.push(why);
            }
            return None;
        }
    };
    let Some(case) = case else {
        stats.totals.invalid_inputs += 1;
        return None;
    };
    let report = run_case(&case, &options.executors);
    stats.record(&case, &report, &options.profile);
    if report.verdict.is_failure() || matches!(report.verdict, Verdict::ReferenceBug(_)) {
        match &report.verdict {
            Verdict::Diverged(d) | Verdict::Crashed(d) => stats.failures.push(d.clone()),
            Verdict::ReferenceBug(d) => stats.reference_bug_details.push(d.clone()),
            _ => {}
        }
        // Confirmed reference bugs recur constantly: keep a few as samples.
        let sample = !matches!(report.verdict, Verdict::ReferenceBug(_)) || stats.totals.reference_bugs <= 5;
        if let Some(dir) = options.out.as_ref().filter(|_| sample) {
            match write_artifact(dir, input, &case, &report, &options.profile) {
                Ok(path) => stats.artifacts.push(path.display().to_string()),
                Err(e) => stats.failures.push(format!("could not write artifact: {e}")),
            }
        }
    }
    Some((case, report))
}

/// What the jobs share while they run: the counters they publish when
/// something changes, read by the progress bar's ticker.
struct Shared {
    stop: AtomicBool,
    cases: AtomicU64,
    /// Diverged + crashed.
    divergences: AtomicU64,
    reference_bugs: AtomicU64,
    /// The operators of the proposals the run covers, and which of them
    /// some case has generated.
    universe: Vec<&'static str>,
    seen: Vec<AtomicBool>,
}

impl Shared {
    fn new(profile: &Profile) -> Shared {
        let mut universe: Vec<&'static str> = opcodes::opcodes_of("mvp").to_vec();
        for proposal in profile.proposals {
            universe.extend_from_slice(opcodes::opcodes_of(proposal.name()));
        }
        universe.sort_unstable();
        universe.dedup();
        let seen = universe.iter().map(|_| AtomicBool::new(false)).collect();
        Shared {
            stop: AtomicBool::new(false),
            cases: AtomicU64::new(0),
            divergences: AtomicU64::new(0),
            reference_bugs: AtomicU64::new(0),
            universe,
            seen,
        }
    }
}

/// What one job has added to the [`Shared`] counters so far.
#[derive(Default)]
struct Published {
    divergences: u64,
    reference_bugs: u64,
    /// Distinct operators in the job's statistics at its last coverage update.
    operators: usize,
}

impl Published {
    /// Adds what `stats` found since the last call to the shared counters
    /// (and, when `coverage`, marks newly generated operators).
    fn update(&mut self, stats: &FuzzStats, shared: &Shared, coverage: bool) {
        let divergences = stats.totals.diverged + stats.totals.crashed;
        if divergences != self.divergences {
            shared.divergences.fetch_add(divergences - self.divergences, Ordering::Relaxed);
            self.divergences = divergences;
        }
        if stats.totals.reference_bugs != self.reference_bugs {
            shared.reference_bugs.fetch_add(stats.totals.reference_bugs - self.reference_bugs, Ordering::Relaxed);
            self.reference_bugs = stats.totals.reference_bugs;
        }
        // New operators are rare after the first seconds: rescan only then.
        if coverage && stats.opcodes_generated.len() != self.operators {
            self.operators = stats.opcodes_generated.len();
            for (flag, op) in shared.seen.iter().zip(&shared.universe) {
                if !flag.load(Ordering::Relaxed) && stats.opcodes_generated.contains_key(*op) {
                    flag.store(true, Ordering::Relaxed);
                }
            }
        }
    }
}

/// How often the progress bar is redrawn.
const PROGRESS_PERIOD: Duration = Duration::from_millis(100);

/// The live progress bar on stderr: elapsed and total time, cases and
/// cases/s, divergences, reference bugs and operator coverage. Hidden
/// (draws nothing) when stderr is not a terminal.
fn progress_bar(total: Duration) -> ProgressBar {
    let style = ProgressStyle::with_template("[{elapsed_precise}/{prefix}] {wide_bar:.cyan/blue}\n{wide_msg}")
        .expect("the progress template is valid")
        .progress_chars("=> ");
    ProgressBar::new(1000).with_style(style).with_prefix(FormattedDuration(total).to_string())
}

/// Brings the bar up to date with the shared counters.
fn draw_progress(bar: &ProgressBar, shared: &Shared, options: &FuzzOptions<'_>, start: Instant, total: Duration) {
    let elapsed = start.elapsed();
    let cases = shared.cases.load(Ordering::Relaxed);
    // The run ends at the deadline or after `max_cases`, whichever comes first.
    let mut done = elapsed.as_secs_f64() / total.as_secs_f64().max(1e-9);
    if let Some(max) = options.max_cases {
        done = done.max(cases as f64 / max.max(1) as f64);
    }
    bar.set_position((done.min(1.0) * 1000.0) as u64);
    let covered = shared.seen.iter().filter(|b| b.load(Ordering::Relaxed)).count();
    bar.set_message(format!(
        "{cases} cases, {:.0}/s · {} divergences · {} reference bugs · {covered}/{} operators",
        cases as f64 / elapsed.as_secs_f64().max(1e-9),
        shared.divergences.load(Ordering::Relaxed),
        shared.reference_bugs.load(Ordering::Relaxed),
        shared.universe.len()
    ));
}

/// Runs the loop on `jobs` threads for the configured time.
pub fn fuzz(options: &FuzzOptions<'_>) -> (FuzzStats, Duration) {
    let start = Instant::now();
    let total_time = Duration::from_secs_f64(options.seconds.max(0.0));
    let deadline = start + total_time;
    let shared = Shared::new(&options.profile);
    let total = Mutex::new(FuzzStats::default());
    let jobs = options.jobs.max(1);
    let bar = if options.progress { progress_bar(total_time) } else { ProgressBar::hidden() };
    // Nothing to draw (progress off, or stderr is not a terminal): no ticker,
    // and the jobs skip the coverage bookkeeping.
    let live = !bar.is_hidden();
    // Every job holds a sender: the ticker stops when the last one is gone.
    let (running, finished) = mpsc::channel::<()>();
    std::thread::scope(|s| {
        for job in 0..jobs {
            let (shared, total, running) = (&shared, &total, running.clone());
            // Generous stacks: reference engines may use the host stack deeply.
            let builder = std::thread::Builder::new().name(format!("fuzz-{job}")).stack_size(64 << 20);
            let worker = builder.spawn_scoped(s, move || {
                // Dropped when the job ends, panicking or not.
                let _running = running;
                let began = Instant::now();
                let mut rng = SplitMix(options.seed ^ (job as u64).wrapping_mul(0xa076_1d64_78bd_642f));
                let mut stats = FuzzStats::default();
                let mut published = Published::default();
                let mut input = Vec::new();
                while !shared.stop.load(Ordering::Relaxed) && Instant::now() < deadline {
                    if options.max_cases.is_some_and(|m| shared.cases.load(Ordering::Relaxed) >= m) {
                        break;
                    }
                    rng.fill(&mut input);
                    if run_input(&input, options, &mut stats).is_some() {
                        shared.cases.fetch_add(1, Ordering::Relaxed);
                    }
                    published.update(&stats, shared, live);
                    if options.stop_on_divergence && stats.found_bug() {
                        shared.stop.store(true, Ordering::Relaxed);
                    }
                }
                stats.busy_ms = began.elapsed().as_millis() as u64;
                total.lock().expect("no job panics while holding the lock").merge(stats);
            });
            worker.expect("the OS can start a fuzz thread");
        }
        drop(running);
        if live {
            let (bar, shared) = (&bar, &shared);
            s.spawn(move || {
                while let Err(RecvTimeoutError::Timeout) = finished.recv_timeout(PROGRESS_PERIOD) {
                    draw_progress(bar, shared, options, start, total_time);
                }
                draw_progress(bar, shared, options, start, total_time);
                // Left on screen as it ended, above the summary.
                bar.abandon();
            });
        }
    });
    (total.into_inner().expect("jobs finished"), start.elapsed())
}

/// Replays saved inputs: files, or artifact directories holding `input.bin`.
pub fn replay(paths: &[PathBuf], options: &FuzzOptions<'_>) -> std::io::Result<FuzzStats> {
    let mut stats = FuzzStats::default();
    let began = Instant::now();
    let mut files = Vec::new();
    for path in paths {
        if path.join("input.bin").is_file() {
            files.push(path.join("input.bin"));
        } else if path.is_dir() {
            let mut entries: Vec<PathBuf> =
                std::fs::read_dir(path)?.map(|e| e.map(|e| e.path())).collect::<Result<_, _>>()?;
            entries.sort();
            for e in entries {
                if e.join("input.bin").is_file() {
                    files.push(e.join("input.bin"));
                } else if e.is_file() {
                    files.push(e);
                }
            }
        } else {
            files.push(path.clone());
        }
    }
    for file in files {
        let input = std::fs::read(&file)?;
        run_input(&input, options, &mut stats);
    }
    stats.busy_ms = began.elapsed().as_millis() as u64;
    Ok(stats)
}

impl FuzzStats {
    /// Turns the statistics of a run into versioned evidence.
    pub fn evidence(&self, options: &FuzzOptions<'_>, wall: Duration, source: &str) -> crate::evidence::FuzzEvidence {
        use crate::evidence::{FUZZ_SCHEMA, FUZZ_SCHEMA_VERSION, FuzzEntry, FuzzEvidence};
        let mut proposals: Vec<String> = vec!["mvp".into()];
        proposals.extend(options.profile.proposals.iter().map(|p| p.name().to_string()));
        let executors: Vec<String> = options.executors.iter().map(|e| e.name().to_string()).collect();
        let mut entries = Vec::new();
        for executor in &executors {
            for proposal in &proposals {
                let universe = opcodes::opcodes_of(proposal);
                entries.push(FuzzEntry {
                    executor: executor.clone(),
                    proposal: proposal.clone(),
                    cases: self.cases_by_executor.get(executor).and_then(|c| c.get(proposal)).copied().unwrap_or(0),
                    calls: self.calls_by_executor.get(executor).and_then(|c| c.get(proposal)).copied().unwrap_or(0),
                    opcodes_total: universe.len() as u32,
                    opcodes_generated: self
                        .opcodes_generated
                        .iter()
                        .filter(|(op, _)| universe.contains(&op.as_str()))
                        .map(|(op, n)| (op.clone(), *n))
                        .collect(),
                    opcodes_executed: self.opcodes_executed.get(executor).map(|ops| {
                        ops.iter()
                            .filter(|(op, _)| universe.contains(&op.as_str()))
                            .map(|(op, n)| (op.clone(), *n))
                            .collect()
                    }),
                    divergences: self.totals.diverged + self.totals.crashed,
                });
            }
        }
        FuzzEvidence {
            schema: FUZZ_SCHEMA.into(),
            version: FUZZ_SCHEMA_VERSION,
            generated_at: crate::evidence::now_rfc3339(),
            commit: crate::evidence::current_commit(),
            target: crate::TARGET_TRIPLE.into(),
            source: source.into(),
            fuzz_target: options.target.name().into(),
            profile: options.profile.name.into(),
            seed: options.seed,
            jobs: options.jobs as u32,
            wall_seconds: wall.as_secs_f64(),
            cpu_seconds: self.busy_ms as f64 / 1000.0,
            executors,
            totals: self.totals.clone(),
            not_comparable_reasons: self.not_comparable_reasons.clone(),
            mix: self.mix.clone(),
            entries,
            divergences: if self.artifacts.is_empty() { self.failures.clone() } else { self.artifacts.clone() },
            executions: None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn options(profile: &str, max_cases: Option<u64>) -> FuzzOptions<'static> {
        FuzzOptions {
            target: TargetKind::Differential,
            seconds: 10.0,
            seed: 0,
            profile: case::profile(profile).expect("a known profile"),
            executors: Vec::new(),
            jobs: 2,
            out: None,
            max_cases,
            stop_on_divergence: false,
            progress: true,
        }
    }

    #[test]
    fn coverage_counts_the_operators_of_the_profiles_proposals() {
        let mvp = Shared::new(&case::profile("mvp").unwrap());
        assert_eq!(mvp.universe.len(), opcodes::opcodes_of("mvp").len());
        assert!(mvp.universe.contains(&"I32Add"));
        let default = Shared::new(&case::profile("default").unwrap());
        assert!(default.universe.len() > mvp.universe.len());
        assert!(default.universe.contains(&"I32Add") && default.universe.contains(&"MemoryCopy"));
        assert_eq!(default.seen.len(), default.universe.len());
    }

    #[test]
    fn jobs_publish_what_changed_since_their_last_update() {
        let shared = Shared::new(&case::profile("mvp").unwrap());
        let (mut a, mut b) = (Published::default(), Published::default());
        let mut stats = FuzzStats::default();
        stats.totals.diverged = 2;
        stats.totals.reference_bugs = 1;
        stats.opcodes_generated.insert("I32Add".into(), 3);
        stats.opcodes_generated.insert("NotAnOperator".into(), 1);
        a.update(&stats, &shared, true);
        a.update(&stats, &shared, true);
        stats.totals.crashed = 1;
        a.update(&stats, &shared, true);
        b.update(&stats, &shared, false);
        assert_eq!(shared.divergences.load(Ordering::Relaxed), 3 + 3);
        assert_eq!(shared.reference_bugs.load(Ordering::Relaxed), 1 + 1);
        let covered: Vec<&str> = shared
            .universe
            .iter()
            .zip(&shared.seen)
            .filter(|(_, s)| s.load(Ordering::Relaxed))
            .map(|(op, _)| *op)
            .collect();
        assert_eq!(covered, ["I32Add"]);
    }

    #[test]
    fn the_bar_shows_time_cases_divergences_reference_bugs_and_coverage() {
        let options = options("mvp", Some(400));
        let shared = Shared::new(&options.profile);
        shared.cases.store(100, Ordering::Relaxed);
        shared.divergences.store(2, Ordering::Relaxed);
        shared.reference_bugs.store(1, Ordering::Relaxed);
        shared.seen[0].store(true, Ordering::Relaxed);
        let bar = progress_bar(Duration::from_secs(90));
        bar.set_draw_target(indicatif::ProgressDrawTarget::hidden());
        assert_eq!(bar.prefix(), "00:01:30");
        draw_progress(&bar, &shared, &options, Instant::now(), Duration::from_secs(90));
        let message = bar.message();
        assert!(message.starts_with("100 cases, "), "{message}");
        let rest = format!("/s · 2 divergences · 1 reference bugs · 1/{} operators", opcodes::opcodes_of("mvp").len());
        assert!(message.ends_with(&rest), "{message}");
        // A quarter of `max_cases` is further along than a moment of 90 s.
        assert_eq!(bar.position(), 250);
    }
}
