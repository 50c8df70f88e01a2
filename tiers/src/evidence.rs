//! Evidence ingestion: every spec and fuzz evidence file of one or more
//! directories (or single files), checked against its schema. A bad file is
//! an error naming the file and the field; nothing is silently dropped.
//!
//! Reading and the schema live in the `evidence` crate; this module keeps
//! the names `tiers` has always offered.

pub use ::evidence::{Evidence, load, load_file};

/// Seconds since the Unix epoch of an RFC 3339 UTC time as the evidence
/// writers produce it (`YYYY-MM-DDTHH:MM:SSZ`, optional fraction).
pub use ::evidence::parse_rfc3339 as parse_time;

/// The architecture part of a target triple.
pub fn arch(triple: &str) -> &str {
    triple.split('-').next().unwrap_or(triple)
}
