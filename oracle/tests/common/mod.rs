//! Helpers shared by the oracle's test crates (each includes this module).

use oracle::case;
use oracle::executor::{Executor, Running};
use oracle::fuzz::FuzzOptions;
use oracle::outcome::{Outcome, Value};

/// An instance whose every i32 result with low nibble 0xa comes out one
/// too high: a wrong executor for the harness to catch.
pub struct OffByOneRunning(pub Box<dyn Running>);

impl Running for OffByOneRunning {
    fn call(&mut self, export: &str, args: &[Value]) -> Outcome {
        match self.0.call(export, args) {
            Outcome::Returned(values) => Outcome::Returned(
                values
                    .into_iter()
                    .map(|v| match v {
                        Value::I32(x) if x & 0xf == 0xa => Value::I32(x.wrapping_add(1)),
                        other => other,
                    })
                    .collect(),
            ),
            other => other,
        }
    }
    fn snapshot(&mut self) -> oracle::executor::State {
        self.0.snapshot()
    }
    fn memory(&mut self, name: &str) -> Option<Vec<u8>> {
        self.0.memory(name)
    }
}

/// A fuzz campaign of the default profile on `executors`: seed 1, two
/// jobs, at most `max_cases`, stopping at the first divergence.
pub fn options<'a>(
    executors: Vec<&'a dyn Executor>,
    max_cases: u64,
    out: Option<std::path::PathBuf>,
) -> FuzzOptions<'a> {
    FuzzOptions {
        target: oracle::targets::TargetKind::Differential,
        seconds: 120.0,
        seed: 1,
        profile: case::profile("default").unwrap(),
        executors,
        jobs: 2,
        out,
        max_cases: Some(max_cases),
        stop_on_divergence: true,
        progress: false,
    }
}
