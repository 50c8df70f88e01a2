//! The harness's own throughput: differential cases per second per core for
//! each generation profile, and how long the fuzz loop takes to catch the
//! test-only wrong executor (`buggy-interp`, whose `i32.add` subtracts).

use std::time::Duration;

use oracle::executor::{Executor, ExecutorKind};
use oracle::fuzz::FuzzOptions;
use serde::Serialize;

#[derive(Serialize)]
pub struct ProfileThroughput {
    pub profile: String,
    pub executors: Vec<String>,
    pub seconds: f64,
    pub cases: u64,
    pub cases_per_second_per_core: f64,
    pub diverged: u64,
}

#[derive(Serialize)]
pub struct TimeToDetect {
    pub profile: String,
    pub seeds: Vec<u64>,
    /// Seconds until the first divergence, per seed (`None`: not found
    /// within the time limit).
    pub seconds: Vec<Option<f64>>,
    pub median_seconds: Option<f64>,
}

fn options<'a>(profile: &str, executors: &'a [Box<dyn Executor>], seconds: f64, seed: u64) -> FuzzOptions<'a> {
    FuzzOptions {
        target: oracle::targets::TargetKind::Differential,
        seconds,
        seed,
        profile: oracle::case::profile(profile).expect("known profile"),
        executors: executors.iter().map(|e| e.as_ref()).collect(),
        // One job: the figure is per core.
        jobs: 1,
        out: None,
        max_cases: None,
        stop_on_divergence: false,
        progress: false,
    }
}

/// Cases per second on one core, comparing every available executor.
pub fn throughput(seconds: f64) -> Vec<ProfileThroughput> {
    let executors: Vec<Box<dyn Executor>> = ExecutorKind::AVAILABLE.iter().map(|k| k.build()).collect();
    oracle::case::PROFILES
        .iter()
        .map(|profile| {
            let (stats, wall) = oracle::fuzz::fuzz(&options(profile.name, &executors, seconds, 1));
            ProfileThroughput {
                profile: profile.name.to_string(),
                executors: ExecutorKind::AVAILABLE.iter().map(|k| k.name().to_string()).collect(),
                seconds: wall.as_secs_f64(),
                cases: stats.totals.cases,
                cases_per_second_per_core: stats.totals.cases as f64 / wall.as_secs_f64(),
                diverged: stats.totals.diverged,
            }
        })
        .collect()
}

/// Seconds until the loop reports the wrong executor, for a few seeds.
pub fn time_to_detect(profile: &str, seeds: &[u64], limit: Duration) -> TimeToDetect {
    let executors: Vec<Box<dyn Executor>> = vec![ExecutorKind::Interp.build(), ExecutorKind::BuggyInterp.build()];
    let seconds: Vec<Option<f64>> = seeds
        .iter()
        .map(|seed| {
            let mut o = options(profile, &executors, limit.as_secs_f64(), *seed);
            o.stop_on_divergence = true;
            let (stats, wall) = oracle::fuzz::fuzz(&o);
            (stats.totals.diverged > 0).then_some(wall.as_secs_f64())
        })
        .collect();
    let mut found: Vec<f64> = seconds.iter().flatten().copied().collect();
    found.sort_by(f64::total_cmp);
    // The median over all seeds counts a miss as slower than any find.
    let median_seconds = found.get(seeds.len().saturating_sub(1) / 2).copied();
    TimeToDetect { profile: profile.to_string(), seeds: seeds.to_vec(), seconds, median_seconds }
}
