//! Helpers shared by the oracle's test crates (each includes this module).

use oracle::executor::Running;
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
