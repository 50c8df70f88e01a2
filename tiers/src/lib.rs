//! `tiers`: which features the evidence really backs, at which tier, and
//! what is missing.
//!
//! - [`policy`]: `tiers/policy.toml`, the support-tier policy as data;
//! - [`evidence`]: spec and fuzz evidence files, checked and merged;
//! - [`predicates`]: each tier requirement as a named predicate;
//! - [`report`]: eligibility, the compiler matrix and fuzz coverage, as
//!   JSON and Markdown, and the gate's verdict.

pub mod evidence;
pub mod policy;
pub mod predicates;
pub mod report;
