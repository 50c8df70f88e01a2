//! The harness's bug-finding power: for every mutant of the catalogue
//! (`oracle::mutants`), the time the default campaign — `crucible fuzz`
//! with its defaults: the `default` profile, every available executor, two
//! jobs — takes to report it, over a few seeds.

use std::time::Duration;

use oracle::executor::{Executor, ExecutorKind};
use oracle::fuzz::FuzzOptions;
use oracle::mutants::{Mutant, MutantExecutor};
use serde::Serialize;

#[derive(Serialize)]
pub struct MutantDetection {
    pub mutant: String,
    pub family: String,
    pub seeds: Vec<u64>,
    /// Seconds until the campaign reported the mutant, per seed (`None`:
    /// not within the limit).
    pub seconds: Vec<Option<f64>>,
    /// Divergences that did not involve the mutant: real findings.
    pub other_findings: Vec<String>,
}

#[derive(Serialize)]
pub struct MutantReport {
    pub jobs: usize,
    pub limit_seconds: f64,
    pub mutants: Vec<MutantDetection>,
    /// Over every mutant and seed; a miss counts as the limit.
    pub median_seconds: f64,
    pub worst_seconds: f64,
    pub missed: usize,
}

fn detect(mutant: Mutant, seed: u64, jobs: usize, limit: Duration) -> (Option<f64>, Vec<String>) {
    let wrong = MutantExecutor::new(mutant);
    let name = wrong.name().to_string();
    let mut executors: Vec<Box<dyn Executor>> = ExecutorKind::AVAILABLE.iter().map(|k| k.build()).collect();
    executors.push(Box::new(wrong));
    let options = FuzzOptions {
        target: oracle::targets::TargetKind::Differential,
        seconds: limit.as_secs_f64(),
        seed,
        profile: oracle::case::profile("default").expect("the default profile exists"),
        executors: executors.iter().map(|e| e.as_ref()).collect(),
        jobs,
        out: None,
        max_cases: None,
        stop_on_divergence: true,
        progress: false,
    };
    let (stats, wall) = oracle::fuzz::fuzz(&options);
    let (mine, others): (Vec<String>, Vec<String>) = stats.failures.into_iter().partition(|f| f.contains(&name));
    ((!mine.is_empty()).then_some(wall.as_secs_f64()), others)
}

/// Runs the campaign against every mutant for each seed, printing as it goes.
pub fn measure(seeds: &[u64], jobs: usize, limit: Duration) -> MutantReport {
    let mut mutants = Vec::new();
    let mut all = Vec::new();
    println!("Time for `crucible fuzz` (defaults, {jobs} jobs) to report each mutant, seeds {seeds:?}:");
    for mutant in Mutant::ALL {
        let mut seconds = Vec::new();
        let mut other_findings = Vec::new();
        for seed in seeds {
            let (found, others) = detect(*mutant, *seed, jobs, limit);
            seconds.push(found);
            all.push(found.unwrap_or(limit.as_secs_f64()));
            other_findings.extend(others);
        }
        let shown: Vec<String> =
            seconds.iter().map(|s| s.map_or("missed".to_string(), |s| format!("{s:.2}"))).collect();
        println!("  {:<36} {:<20} {}", mutant.name(), mutant.family(), shown.join("  "));
        for finding in &other_findings {
            println!("    OTHER FINDING: {finding}");
        }
        mutants.push(MutantDetection {
            mutant: mutant.name().to_string(),
            family: mutant.family().to_string(),
            seeds: seeds.to_vec(),
            seconds,
            other_findings,
        });
    }
    all.sort_by(f64::total_cmp);
    let median_seconds = all.get(all.len() / 2).copied().unwrap_or(f64::NAN);
    let worst_seconds = all.last().copied().unwrap_or(f64::NAN);
    let missed = mutants.iter().flat_map(|m| &m.seconds).filter(|s| s.is_none()).count();
    println!(
        "{} mutants × {} seeds: median {median_seconds:.2} s, worst {worst_seconds:.2} s, missed {missed} (limit {} s)",
        Mutant::ALL.len(),
        seeds.len(),
        limit.as_secs_f64()
    );
    MutantReport { jobs, limit_seconds: limit.as_secs_f64(), mutants, median_seconds, worst_seconds, missed }
}
