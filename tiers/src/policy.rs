//! The policy (`tiers/policy.toml`): features with their claimed tier and
//! owner, the requirements of each tier as predicate names, and thresholds.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// The policy the repository ships with.
pub const DEFAULT_POLICY: &str = include_str!("../policy.toml");

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Category {
    Target,
    Compiler,
    WasmProposal,
    WasiProposal,
}

impl Category {
    pub const ALL: [Category; 4] =
        [Category::Target, Category::Compiler, Category::WasmProposal, Category::WasiProposal];

    pub fn title(self) -> &'static str {
        match self {
            Category::Target => "Target",
            Category::Compiler => "Compiler",
            Category::WasmProposal => "WebAssembly proposal",
            Category::WasiProposal => "WASI proposal",
        }
    }

    pub fn key(self) -> &'static str {
        match self {
            Category::Target => "target",
            Category::Compiler => "compiler",
            Category::WasmProposal => "wasm-proposal",
            Category::WasiProposal => "wasi-proposal",
        }
    }
}

/// The policy's numbers (`[settings]` of `policy.toml`, where each is
/// explained); the predicates read them from here and nowhere else.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Settings {
    /// The window: evidence older than this many days counts for nothing.
    pub max_evidence_age_days: f64,
    /// "Continuously fuzzed": distinct UTC days with fuzzing inside the window…
    pub min_fuzz_days: u32,
    /// …adding up to at least this many CPU-hours, on one target.
    pub min_fuzz_cpu_hours: f64,
    pub min_opcode_coverage: f64,
    pub min_proposal_phase: u32,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TierRequirements {
    #[serde(default)]
    pub tier1: Vec<String>,
    #[serde(default)]
    pub tier2: Vec<String>,
    #[serde(default)]
    pub tier3: Vec<String>,
}

impl TierRequirements {
    /// The requirements of exactly one tier.
    pub fn of(&self, tier: u8) -> &[String] {
        match tier {
            1 => &self.tier1,
            2 => &self.tier2,
            _ => &self.tier3,
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Feature {
    pub category: Category,
    pub name: String,
    /// The promised tier; `None` means not supported.
    #[serde(default)]
    pub claimed: Option<u8>,
    pub owner: String,
    /// Upstream phase of a WebAssembly proposal.
    #[serde(default)]
    pub phase: Option<u32>,
    /// A compiler's Wasmtime counterpart.
    #[serde(default)]
    pub counterpart: Option<String>,
    #[serde(default)]
    pub note: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Policy {
    pub settings: Settings,
    pub requirements: BTreeMap<String, TierRequirements>,
    #[serde(rename = "feature")]
    pub features: Vec<Feature>,
}

impl Policy {
    /// Parses and checks a policy: every predicate named must exist, every
    /// category has requirements, claims are tiers 1–3, names are unique.
    pub fn parse(text: &str, origin: &str) -> Result<Policy, String> {
        let policy: Policy = toml::from_str(text).map_err(|e| format!("{origin}: {}", e.to_string().trim()))?;
        let known = crate::predicates::names();
        for (category, reqs) in &policy.requirements {
            if !Category::ALL.iter().any(|c| c.key() == category) {
                return Err(format!("{origin}: requirements.{category}: unknown category"));
            }
            for tier in 1..=3 {
                for name in reqs.of(tier) {
                    if !known.contains(&name.as_str()) {
                        return Err(format!(
                            "{origin}: requirements.{category}.tier{tier}: unknown predicate `{name}`"
                        ));
                    }
                }
            }
        }
        let mut seen = std::collections::BTreeSet::new();
        for f in &policy.features {
            if !policy.requirements.contains_key(f.category.key()) {
                return Err(format!("{origin}: no requirements for category `{}`", f.category.key()));
            }
            if let Some(t) = f.claimed
                && !(1..=3).contains(&t)
            {
                return Err(format!("{origin}: feature `{}`: claimed = {t}, expected 1, 2 or 3", f.name));
            }
            if !seen.insert((f.category, f.name.clone())) {
                return Err(format!("{origin}: feature `{}` is listed twice", f.name));
            }
        }
        let s = &policy.settings;
        if !(0.0..=1.0).contains(&s.min_opcode_coverage) || s.max_evidence_age_days <= 0.0 {
            return Err(format!("{origin}: settings: coverage must be in 0..=1 and the age positive"));
        }
        if s.min_fuzz_days == 0 || f64::from(s.min_fuzz_days) > s.max_evidence_age_days {
            return Err(format!(
                "{origin}: settings: min_fuzz_days = {} must be at least 1 and fit in max_evidence_age_days = {}",
                s.min_fuzz_days, s.max_evidence_age_days
            ));
        }
        if !(s.min_fuzz_cpu_hours.is_finite() && s.min_fuzz_cpu_hours >= 0.0) {
            return Err(format!("{origin}: settings: min_fuzz_cpu_hours = {} is not a duration", s.min_fuzz_cpu_hours));
        }
        Ok(policy)
    }

    pub fn requirements(&self, category: Category) -> &TierRequirements {
        &self.requirements[category.key()]
    }

    pub fn features_of(&self, category: Category) -> impl Iterator<Item = &Feature> {
        self.features.iter().filter(move |f| f.category == category)
    }

    /// Features of a category claimed at `tier` or better.
    pub fn claimed_at_least(&self, category: Category, tier: u8) -> Vec<&Feature> {
        self.features_of(category).filter(|f| f.claimed.is_some_and(|c| c <= tier)).collect()
    }
}
