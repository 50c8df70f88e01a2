//! `triage`: from a fuzzer's artifact to a minimal saved regression.
//!
//! - [`artifact`]: reads what the fuzzers leave (libFuzzer inputs of any
//!   target, `crucible fuzz` divergence directories, bare modules);
//! - [`repro`]: replays on every executor, each in its own process;
//! - [`minimize`]: shrinks plan and module while the divergence keeps its
//!   signature;
//! - [`save`]: writes the case into `corpus/regressions/`.

pub mod artifact;
pub mod minimize;
pub mod repro;
pub mod save;
