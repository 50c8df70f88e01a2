//! The policy names WebAssembly proposals as the engine's registry does
//! (`engine::for_each_proposal!`): a proposal added there is claimed here.

use tiers::policy::{Category, DEFAULT_POLICY, Policy};

/// Policy features that are not core-wasm proposals of the registry.
const OUTSIDE_THE_REGISTRY: &[&str] = &["component-model"];

#[test]
fn every_registered_proposal_has_a_policy_entry_and_back() {
    let policy = Policy::parse(DEFAULT_POLICY, "policy.toml").unwrap();
    let claimed: Vec<&str> = policy.features_of(Category::WasmProposal).map(|f| f.name.as_str()).collect();
    for p in engine::Proposal::ALL {
        assert!(claimed.contains(&p.name()), "tiers/policy.toml has no entry for the `{}` proposal", p.name());
    }
    for name in claimed.iter().filter(|n| !OUTSIDE_THE_REGISTRY.contains(n)) {
        assert!(name.parse::<engine::Proposal>().is_ok(), "policy proposal `{name}` is not in the engine's registry");
    }
}
