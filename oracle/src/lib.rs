//! The oracle: executors, outcomes and their comparison, and the `.wast`
//! runner that measures each executor against the official spec suite.

pub mod arith;
pub mod case;
pub mod compare;
pub mod evidence;
pub mod executor;
pub mod fuzz;
pub mod libfuzzer;
pub mod opcodes;
pub mod outcome;
pub mod regressions;
pub mod rewrite;
pub mod spec;
pub mod targets;
pub mod wast;

/// The target triple this crate was built for (evidence is keyed by it).
pub const TARGET_TRIPLE: &str = env!("CRUCIBLE_TARGET_TRIPLE");
