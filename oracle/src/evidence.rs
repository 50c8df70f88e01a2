//! Evidence files: machine-readable records of what a run proved.
//!
//! The schema, its reading and writing and the RFC 3339 helpers live in the
//! `evidence` crate (`oracle/evidence`), which readers such as `tiers` and
//! `dashboards` use without the engine; the oracle produces evidence
//! (`spec.rs`, `fuzz.rs`) and re-exports all of it here. The schemas are
//! documented in `oracle/EVIDENCE.md`.

pub use ::evidence::*;
