//! The operator registry: every WebAssembly operator wasmparser knows, with
//! the proposal that adds it, generated from wasmparser's own
//! `for_each_operator!` (so it follows the parser the engine uses, and no
//! operator list is kept by hand).
//!
//! Operators are named as wasmparser's `Operator` variants (`I32Add`,
//! `MemoryFill`, …): the names the oracle counts in generated modules and
//! the engine reports as executed (`engine::compile::opcode_name`, the
//! variant name of the operator's `Debug` form), and the keys of
//! `opcodes_generated` / `opcodes_executed` in fuzz evidence.

use std::collections::BTreeMap;
use std::sync::LazyLock;

/// One operator of wasmparser's list.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct OperatorInfo {
    /// wasmparser's `Operator` variant, e.g. `I32Extend8S`.
    pub name: &'static str,
    /// wasmparser's proposal tag, e.g. `sign_extension` (see [`PROPOSALS`]).
    pub tag: &'static str,
}

macro_rules! registry {
    ($( @$tag:ident $op:ident $({ $($arg:ident: $argty:ty),* })? => $visit:ident ($($ann:tt)*) )*) => {
        /// Every operator wasmparser defines, in its order, with its proposal tag.
        pub const OPERATORS: &[OperatorInfo] = &[$(OperatorInfo { name: stringify!($op), tag: stringify!($tag) },)*];
    };
}
wasmparser::for_each_operator!(registry);

/// wasmparser's proposal tags and our names for them (as the spec suite's
/// directories and `tiers/policy.toml` name them; `mvp` is WebAssembly 1.0).
/// Every tag of [`OPERATORS`] is here (a test checks it).
pub const PROPOSALS: &[(&str, &str)] = &[
    ("mvp", "mvp"),
    ("sign_extension", "sign-extension-ops"),
    ("saturating_float_to_int", "nontrapping-float-to-int-conversions"),
    ("bulk_memory", "bulk-memory"),
    ("reference_types", "reference-types"),
    ("simd", "simd"),
    ("relaxed_simd", "relaxed-simd"),
    ("threads", "threads"),
    ("tail_call", "tail-call"),
    ("exceptions", "exception-handling"),
    ("legacy_exceptions", "legacy-exceptions"),
    ("function_references", "function-references"),
    ("gc", "gc"),
    ("wide_arithmetic", "wide-arithmetic"),
    ("stack_switching", "stack-switching"),
    ("shared_everything_threads", "shared-everything-threads"),
    ("memory_control", "memory-control"),
    ("custom_descriptors", "custom-descriptors"),
    ("acquire_release_atomics", "acquire-release-atomics"),
];

/// Operators wasmparser parses but no valid module contains: they are left
/// out of the proposals' operator sets, which coverage is measured against.
/// (`TypedSelectMulti` is a `select` with other than one result type, which
/// the validator always rejects.)
pub const NEVER_VALID: &[&str] = &["TypedSelectMulti"];

/// Our name of a wasmparser proposal tag.
pub fn proposal_name(tag: &str) -> Option<&'static str> {
    PROPOSALS.iter().find(|(t, _)| *t == tag).map(|(_, name)| *name)
}

static BY_NAME: LazyLock<BTreeMap<&'static str, &'static str>> = LazyLock::new(|| {
    OPERATORS.iter().map(|op| (op.name, proposal_name(op.tag).expect("every tag is in PROPOSALS"))).collect()
});

static BY_PROPOSAL: LazyLock<BTreeMap<&'static str, Vec<&'static str>>> = LazyLock::new(|| {
    let mut by: BTreeMap<&str, Vec<&str>> = PROPOSALS.iter().map(|(_, name)| (*name, Vec::new())).collect();
    for op in OPERATORS.iter().filter(|op| !NEVER_VALID.contains(&op.name)) {
        by.entry(proposal_name(op.tag).expect("every tag is in PROPOSALS")).or_default().push(op.name);
    }
    by
});

/// The proposal (our name, `mvp` for 1.0) that adds an operator; `None` for
/// a name wasmparser does not define.
pub fn proposal_of(operator: &str) -> Option<&'static str> {
    BY_NAME.get(operator).copied()
}

/// The operators a proposal adds (`mvp`: WebAssembly 1.0's), in
/// wasmparser's order, without [`NEVER_VALID`] ones; empty for a proposal
/// that adds none (multi-value, extended-const, mutable-global, memory64, …)
/// or that wasmparser does not know.
pub fn operators_of(proposal: &str) -> &'static [&'static str] {
    BY_PROPOSAL.get(proposal).map_or(&[], |ops| ops.as_slice())
}

/// Our names of every proposal that adds operators, `mvp` first.
pub fn proposals() -> impl Iterator<Item = &'static str> {
    PROPOSALS.iter().map(|(_, name)| *name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_tag_has_a_name_and_every_name_operators() {
        for op in OPERATORS {
            assert!(proposal_name(op.tag).is_some(), "{}: tag `{}` is not in PROPOSALS", op.name, op.tag);
        }
        for (tag, name) in PROPOSALS {
            assert!(OPERATORS.iter().any(|op| op.tag == *tag), "no operator is tagged `{tag}`");
            assert!(!operators_of(name).is_empty(), "{name}");
        }
        let mut names: Vec<&str> = proposals().collect();
        names.sort();
        names.dedup();
        assert_eq!(names.len(), PROPOSALS.len(), "two tags with one name");
    }

    #[test]
    fn names_are_unique_and_proposals_partition_them() {
        assert_eq!(BY_NAME.len(), OPERATORS.len(), "an operator is listed twice");
        let partitioned: usize = proposals().map(|p| operators_of(p).len()).sum();
        assert_eq!(partitioned + NEVER_VALID.len(), OPERATORS.len());
        for op in OPERATORS.iter().filter(|op| !NEVER_VALID.contains(&op.name)) {
            assert!(operators_of(proposal_of(op.name).unwrap()).contains(&op.name), "{}", op.name);
        }
    }

    #[test]
    fn known_operators_and_proposal_sizes() {
        assert_eq!(proposal_of("I32Add"), Some("mvp"));
        assert_eq!(proposal_of("I32Extend8S"), Some("sign-extension-ops"));
        assert_eq!(proposal_of("I64TruncSatF64U"), Some("nontrapping-float-to-int-conversions"));
        assert_eq!(proposal_of("MemoryFill"), Some("bulk-memory"));
        assert_eq!(proposal_of("TypedSelect"), Some("reference-types"));
        assert_eq!(proposal_of("TypedSelectMulti"), Some("reference-types"));
        // wasmparser's `simd` feature is on: SIMD operators are listed.
        assert_eq!(proposal_of("V128Load"), Some("simd"));
        assert_eq!(proposal_of("ReturnCall"), Some("tail-call"));
        assert_eq!(proposal_of("ThrowRef"), Some("exception-handling"));
        assert_eq!(proposal_of("i32.add"), None);
        // The operator counts of the proposals Crucible's tiers implement,
        // as the hand-written lists this registry replaced had them.
        assert_eq!(operators_of("mvp").len(), 172);
        assert_eq!(operators_of("sign-extension-ops").len(), 5);
        assert_eq!(operators_of("nontrapping-float-to-int-conversions").len(), 8);
        assert_eq!(operators_of("bulk-memory").len(), 7);
        assert_eq!(operators_of("reference-types").len(), 9);
        assert!(!operators_of("reference-types").contains(&"TypedSelectMulti"));
        for none in ["multi-value", "extended-const", "mutable-global", "memory64", "no-such-proposal"] {
            assert!(operators_of(none).is_empty(), "{none}");
        }
    }
}
