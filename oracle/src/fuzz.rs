//! The built-in, multi-core fuzz loop: generate cases from pseudo-random
//! bytes, run them on every executor, compare, and keep statistics and
//! artifacts. Deterministic: the same seed and job count produce the same
//! inputs.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};

use crate::case::{self, Case, Profile};
use crate::compare::{CaseReport, Verdict, run_case};
use crate::executor::Executor;
use crate::opcodes;

pub struct FuzzOptions<'a> {
    /// The fuzz target whose inputs these are (see [`crate::targets`]);
    /// `crucible fuzz` itself is the `differential` target.
    pub target: &'a str,
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
    /// Print a live progress line to stderr.
    pub progress: bool,
}

/// Statistics of a run, merged across jobs.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct FuzzStats {
    /// Case, call and verdict counts.
    pub totals: crate::evidence::FuzzTotals,
    pub not_comparable_reasons: BTreeMap<String, u64>,
    /// Cases whose module needs each proposal (validation without it fails).
    pub cases_by_proposal: BTreeMap<String, u64>,
    pub calls_by_proposal: BTreeMap<String, u64>,
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
        for (k, v) in other.cases_by_proposal {
            *self.cases_by_proposal.entry(k).or_default() += v;
        }
        for (k, v) in other.calls_by_proposal {
            *self.calls_by_proposal.entry(k).or_default() += v;
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
        let calls = report.runs.first().map_or(0, |r| r.calls.len()) as u64;
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
        for p in used {
            *self.cases_by_proposal.entry(p.to_string()).or_default() += 1;
            *self.calls_by_proposal.entry(p.to_string()).or_default() += calls;
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
    let meta = serde_json::json!({ "profile": profile.name, "report": report });
    std::fs::write(path.join("report.json"), serde_json::to_string_pretty(&meta).expect("reports serialize"))?;
    Ok(path)
}

/// Generates and judges the case for `input`, recording it in `stats`.
/// Returns the report when the input made a case.
pub fn run_input(input: &[u8], options: &FuzzOptions<'_>, stats: &mut FuzzStats) -> Option<(Case, CaseReport)> {
    let case = match options.target {
        "differential" => case::generate(input, &options.profile, &options.executors).ok(),
        target if crate::targets::kind(target) == Ok(crate::targets::Kind::Differential) => {
            crate::targets::case(target, input, &options.executors).ok().flatten()
        }
        target => {
            // Checked on Crucible alone: counted, with no case to compare.
            stats.totals.cases += 1;
            if let Err(why) = crate::targets::check(target, input, &options.executors) {
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

/// Runs the loop on `jobs` threads for the configured time.
pub fn fuzz(options: &FuzzOptions<'_>) -> (FuzzStats, Duration) {
    let start = Instant::now();
    let deadline = start + Duration::from_secs_f64(options.seconds.max(0.0));
    let stop = AtomicBool::new(false);
    let cases = AtomicU64::new(0);
    let failures = AtomicU64::new(0);
    let total = Mutex::new(FuzzStats::default());
    let jobs = options.jobs.max(1);
    // Which known operators some case has generated so far (for progress).
    let universe: Vec<&str> = opcodes::all_opcodes().collect();
    let seen: Vec<AtomicBool> = universe.iter().map(|_| AtomicBool::new(false)).collect();
    std::thread::scope(|s| {
        for job in 0..jobs {
            let (stop, cases, failures, total, universe, seen) = (&stop, &cases, &failures, &total, &universe, &seen);
            // Generous stacks: reference engines may use the host stack deeply.
            let builder = std::thread::Builder::new().name(format!("fuzz-{job}")).stack_size(64 << 20);
            let worker = builder.spawn_scoped(s, move || {
                let began = Instant::now();
                let mut rng = SplitMix(options.seed ^ (job as u64).wrapping_mul(0xa076_1d64_78bd_642f));
                let mut stats = FuzzStats::default();
                let mut input = Vec::new();
                while !stop.load(Ordering::Relaxed) && Instant::now() < deadline {
                    if options.max_cases.is_some_and(|m| cases.load(Ordering::Relaxed) >= m) {
                        break;
                    }
                    rng.fill(&mut input);
                    if run_input(&input, options, &mut stats).is_some() {
                        let n = cases.fetch_add(1, Ordering::Relaxed);
                        // Publish this job's opcode coverage now and then.
                        if options.progress && n % 256 == 0 {
                            for (flag, op) in seen.iter().zip(universe.iter()) {
                                if stats.opcodes_generated.contains_key(*op) {
                                    flag.store(true, Ordering::Relaxed);
                                }
                            }
                        }
                    }
                    if stats.found_bug() {
                        failures.store(stats.totals.diverged + stats.totals.crashed, Ordering::Relaxed);
                        if options.stop_on_divergence {
                            stop.store(true, Ordering::Relaxed);
                        }
                    }
                }
                stats.busy_ms = began.elapsed().as_millis() as u64;
                total.lock().expect("no job panics while holding the lock").merge(stats);
            });
            worker.expect("the OS can start a fuzz thread");
        }
        if options.progress {
            s.spawn(|| {
                use std::io::IsTerminal;
                // A terminal gets a live line; logs get one line every 10 s.
                let live = std::io::stderr().is_terminal();
                let period = if live { Duration::from_millis(500) } else { Duration::from_secs(10) };
                while Instant::now() < deadline && !stop.load(Ordering::Relaxed) {
                    std::thread::sleep(period.min(deadline.saturating_duration_since(Instant::now())));
                    let n = cases.load(Ordering::Relaxed);
                    let secs = start.elapsed().as_secs_f64();
                    let covered = seen.iter().filter(|b| b.load(Ordering::Relaxed)).count();
                    let line = format!(
                        "[{secs:6.1}s] {n} cases ({:.0}/s on {jobs} jobs), {} divergences, {covered}/{} opcodes generated",
                        n as f64 / secs.max(1e-9),
                        failures.load(Ordering::Relaxed),
                        universe.len()
                    );
                    if live {
                        eprint!("\r{line}   ");
                    } else {
                        eprintln!("{line}");
                    }
                    if options.max_cases.is_some_and(|m| n >= m) {
                        break;
                    }
                }
                if live {
                    eprintln!();
                }
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
                    cases: self.cases_by_proposal.get(proposal).copied().unwrap_or(0),
                    calls: self.calls_by_proposal.get(proposal).copied().unwrap_or(0),
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
            fuzz_target: options.target.into(),
            profile: options.profile.name.into(),
            seed: options.seed,
            jobs: options.jobs as u32,
            wall_seconds: wall.as_secs_f64(),
            cpu_seconds: self.busy_ms as f64 / 1000.0,
            executors,
            totals: self.totals.clone(),
            not_comparable_reasons: self.not_comparable_reasons.clone(),
            entries,
            divergences: if self.artifacts.is_empty() { self.failures.clone() } else { self.artifacts.clone() },
            executions: None,
        }
    }
}
