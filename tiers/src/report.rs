//! Eligibility of every feature, the compiler support matrix, per-proposal
//! fuzz coverage: computed from evidence, rendered as JSON and Markdown.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::evidence::arch;
use crate::policy::{Category, Feature};
use crate::predicates::{self, CORE, CRUCIBLE_COMPILERS, Context, Continuity};

#[derive(Clone, Debug, Serialize)]
pub struct RequirementResult {
    pub tier: u8,
    pub predicate: String,
    pub clause: String,
    pub met: bool,
    pub detail: String,
    /// For "continuously fuzzed": days and CPU-hours had and needed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub progress: Option<Continuity>,
}

#[derive(Clone, Debug, Serialize)]
pub struct FeatureReport {
    pub category: Category,
    pub name: String,
    pub owner: String,
    pub claimed: Option<u8>,
    /// The best tier whose requirements (and those of every lower tier) the
    /// evidence meets; `None` when even tier 3's are not met.
    pub eligible: Option<u8>,
    pub requirements: Vec<RequirementResult>,
    pub note: Option<String>,
}

impl FeatureReport {
    /// Unmet requirements of `tier` and the tiers below it.
    pub fn missing_for(&self, tier: u8) -> Vec<&RequirementResult> {
        self.requirements.iter().filter(|r| r.tier >= tier && !r.met).collect()
    }

    /// A claim the evidence does not back.
    pub fn unbacked(&self) -> bool {
        self.claimed.is_some_and(|c| self.eligible.is_none_or(|e| e > c))
    }

    /// How far the feature is from "continuously fuzzed" (Tier 1), when its
    /// requirements ask for it.
    pub fn continuity(&self) -> Option<&Continuity> {
        self.requirements.iter().find_map(|r| r.progress.as_ref())
    }
}

#[derive(Clone, Debug, Serialize)]
pub struct ProposalFuzz {
    pub proposal: String,
    pub runs: usize,
    pub cases: u64,
    pub executions: u64,
    pub cpu_hours: f64,
    pub opcodes_total: u32,
    pub opcodes_generated: usize,
    pub opcodes_executed: usize,
    pub open_divergences: u64,
}

impl ProposalFuzz {
    /// `n` of the proposal's operators as "n/total" ("—" when it adds none).
    pub fn operators(&self, n: usize) -> String {
        if self.opcodes_total == 0 { "—".to_string() } else { format!("{n}/{}", self.opcodes_total) }
    }
}

#[derive(Clone, Debug, Serialize)]
pub struct Report {
    pub now: String,
    pub spec_files: usize,
    pub fuzz_files: usize,
    pub features: Vec<FeatureReport>,
    /// arch → compiler → proposal → supported | in progress | not supported.
    pub compiler_matrix: BTreeMap<String, BTreeMap<String, BTreeMap<String, String>>>,
    pub fuzz: Vec<ProposalFuzz>,
}

fn evaluate(f: &Feature, ctx: &Context<'_>) -> FeatureReport {
    let reqs = ctx.policy.requirements(f.category);
    let mut requirements = Vec::new();
    for tier in (1..=3).rev() {
        for name in reqs.of(tier) {
            let p = predicates::by_name(name).expect("policies are checked when parsed");
            let check = (p.eval)(f, ctx);
            requirements.push(RequirementResult {
                tier,
                predicate: p.name.into(),
                clause: p.clause.into(),
                met: check.met,
                detail: check.detail,
                progress: check.progress,
            });
        }
    }
    let tier_met = |t: u8| requirements.iter().filter(|r| r.tier == t).all(|r| r.met);
    let eligible = [3u8, 2, 1].into_iter().take_while(|t| tier_met(*t)).last();
    FeatureReport {
        category: f.category,
        name: f.name.clone(),
        owner: f.owner.clone(),
        claimed: f.claimed,
        eligible,
        requirements,
        note: f.note.clone(),
    }
}

fn support(ctx: &Context<'_>, arch_name: &str, compiler: &str, proposal: &str) -> &'static str {
    let targets: Vec<&str> =
        ctx.fresh_spec().filter(|s| arch(&s.target) == arch_name).map(|s| s.target.as_str()).collect();
    let spec_passes = targets.iter().any(|t| ctx.passes(t, compiler, proposal));
    let spec_seen = targets.iter().any(|t| ctx.suite(t, compiler, proposal).is_some_and(|s| s.passed + s.failed > 0));
    // Fuzz evidence calls the core operators `mvp`.
    let fuzz_name = if proposal == CORE { "mvp" } else { proposal };
    let fuzzed = ctx.fresh_fuzz().any(|r| {
        arch(&r.target) == arch_name
            && r.entries.iter().any(|e| e.executor == compiler && e.proposal == fuzz_name && e.cases > 0)
    });
    match (spec_passes, fuzzed) {
        (true, true) => "supported",
        (false, _) if !spec_seen && !fuzzed => "not supported",
        _ => "in progress",
    }
}

pub fn build(ctx: &Context<'_>) -> Report {
    let features: Vec<FeatureReport> = ctx.policy.features.iter().map(|f| evaluate(f, ctx)).collect();
    let mut archs: Vec<String> = ctx.policy.features_of(Category::Target).map(|t| arch(&t.name).to_string()).collect();
    archs.extend(ctx.evidence.spec.iter().map(|(_, s)| arch(&s.target).to_string()));
    archs.sort();
    archs.dedup();
    let mut proposals: Vec<&str> = vec![CORE];
    proposals.extend(ctx.policy.features_of(Category::WasmProposal).map(|f| f.name.as_str()));
    let mut compiler_matrix = BTreeMap::new();
    for a in &archs {
        let per_compiler = compiler_matrix.entry(a.clone()).or_insert_with(BTreeMap::new);
        for c in CRUCIBLE_COMPILERS {
            let row = per_compiler.entry(c.to_string()).or_insert_with(BTreeMap::new);
            for p in &proposals {
                row.insert(p.to_string(), support(ctx, a, c, p).to_string());
            }
        }
    }
    let mut fuzz = Vec::new();
    // The core operators, then every proposal that is claimed or was fuzzed.
    let mut fuzz_proposals = vec!["mvp"];
    fuzz_proposals.extend(ctx.policy.features_of(Category::WasmProposal).map(|f| f.name.as_str()));
    for p in fuzz_proposals {
        let runs: Vec<_> = ctx.proposal_runs(p).collect();
        let claimed = ctx.policy.features.iter().any(|f| f.name == p && f.claimed.is_some());
        if runs.is_empty() && !claimed && p != "mvp" {
            continue;
        }
        let (generated, executed, total) = ctx.opcode_coverage(p);
        let per_run = |r: &::evidence::FuzzEvidence, f: &dyn Fn(&::evidence::FuzzEntry) -> u64| {
            r.entries.iter().filter(|e| e.proposal == p).map(f).max().unwrap_or(0)
        };
        fuzz.push(ProposalFuzz {
            proposal: p.to_string(),
            runs: runs.len(),
            cases: runs.iter().map(|r| per_run(r, &|e| e.cases)).sum(),
            executions: runs.iter().map(|r| r.inputs_executed()).sum(),
            // (An empty f64 sum is -0.0.)
            cpu_hours: runs.iter().map(|r| r.cpu_seconds).sum::<f64>() / 3600.0 + 0.0,
            opcodes_total: total,
            opcodes_generated: generated.len(),
            opcodes_executed: executed.len(),
            open_divergences: runs.iter().map(|r| per_run(r, &|e| e.divergences)).sum(),
        });
    }
    Report {
        now: ::evidence::rfc3339(ctx.now.max(0) as u64),
        spec_files: ctx.evidence.spec.len(),
        fuzz_files: ctx.evidence.fuzz.len(),
        features,
        compiler_matrix,
        fuzz,
    }
}

fn tier_name(t: Option<u8>) -> String {
    t.map_or("none".into(), |t| format!("Tier {t}"))
}

/// The report as Markdown: the policy's tables, recomputed.
pub fn markdown(report: &Report) -> String {
    let mut out = String::new();
    out.push_str(&format!(
        "# Crucible tiers of support\n\nComputed {} from {} spec and {} fuzz evidence files.\n",
        report.now, report.spec_files, report.fuzz_files
    ));
    for tier in 1..=3u8 {
        // As in the policy: each tier's table also says what the tier above needs.
        let above = if tier > 1 { format!(" Missing Tier {} requirements |", tier - 1) } else { String::new() };
        let rule = if tier > 1 { "---|" } else { "" };
        out.push_str(&format!(
            "\n## Tier {tier}\n\n| Category | Feature | Owner | Evidence backs | Unmet requirements of Tier {tier} |{above}\n|---|---|---|---|---|{rule}\n"
        ));
        for f in report.features.iter().filter(|f| f.claimed == Some(tier)) {
            let missing: Vec<String> =
                f.missing_for(tier).iter().map(|r| format!("{} ({})", r.predicate, r.detail)).collect();
            let mut row = format!(
                "| {} | `{}` | {} | {} | {} |",
                f.category.title(),
                f.name,
                f.owner,
                tier_name(f.eligible),
                if missing.is_empty() { "—".into() } else { missing.join("; ") },
            );
            if tier > 1 {
                let next: Vec<&str> = f
                    .requirements
                    .iter()
                    .filter(|r| r.tier == tier - 1 && !r.met)
                    .map(|r| r.predicate.as_str())
                    .collect();
                row.push_str(&format!(" {} |", if next.is_empty() { "—".into() } else { next.join(", ") }));
            }
            out.push_str(&row);
            out.push('\n');
        }
    }
    continuity_table(report, &mut out);
    out.push_str("\n## Not supported\n\n");
    let unsupported: Vec<String> = report
        .features
        .iter()
        .filter(|f| f.claimed.is_none())
        .map(|f| format!("{} `{}`", f.category.title(), f.name))
        .collect();
    out.push_str(&format!("{}\n", unsupported.join(" · ")));
    out.push_str(
        "\n## Compiler support\n\n✅ supported (spec suite passes and fuzzed) · 🚧 in progress · ❌ not supported\n",
    );
    for (a, compilers) in &report.compiler_matrix {
        let names: Vec<&String> = compilers.keys().collect();
        out.push_str(&format!(
            "\n### {a}\n\n| Feature | {} |\n|---|{}\n",
            names.iter().map(|n| n.as_str()).collect::<Vec<_>>().join(" | "),
            "---|".repeat(names.len())
        ));
        let proposals: Vec<&String> = compilers.values().next().map(|r| r.keys().collect()).unwrap_or_default();
        for p in proposals {
            let cells: Vec<&str> = names
                .iter()
                .map(|c| match compilers[*c][p].as_str() {
                    "supported" => "✅",
                    "in progress" => "🚧",
                    _ => "❌",
                })
                .collect();
            out.push_str(&format!("| `{p}` | {} |\n", cells.join(" | ")));
        }
    }
    out.push_str("\n## Fuzz coverage per proposal (fresh evidence)\n\n| Proposal | Runs | Cases | Executions | CPU hours | Operators generated | Operators executed | Open divergences |\n|---|---|---|---|---|---|---|---|\n");
    for p in &report.fuzz {
        out.push_str(&format!(
            "| `{}` | {} | {} | {} | {:.3} | {} | {} | {} |\n",
            p.proposal,
            p.runs,
            p.cases,
            p.executions,
            p.cpu_hours,
            p.operators(p.opcodes_generated),
            p.operators(p.opcodes_executed),
            p.open_divergences
        ));
    }
    out
}

/// How far each claimed (or fuzzed) feature is from Tier 1's "continuously
/// fuzzed".
fn continuity_table(report: &Report, out: &mut String) {
    let rows: Vec<(&FeatureReport, &Continuity)> = report
        .features
        .iter()
        .filter_map(|f| f.continuity().map(|c| (f, c)))
        .filter(|(f, c)| f.claimed.is_some() || !c.days.is_empty())
        .collect();
    let Some((_, rule)) = rows.first() else { return };
    out.push_str(&format!(
        "\n## Continuous fuzzing (Tier 1)\n\nTier 1 needs fuzzing on {} distinct days and {} CPU-hours in the last {} days, on one target.\n\n| Category | Feature | Claimed | Target | Fuzzed | Still missing | Days |\n|---|---|---|---|---|---|---|\n",
        rule.days_needed, rule.cpu_hours_needed, rule.window_days
    ));
    for (f, c) in rows {
        let missing = c.missing();
        out.push_str(&format!(
            "| {} | `{}` | {} | {} | {} | {} | {} |\n",
            f.category.title(),
            f.name,
            tier_name(f.claimed),
            c.target.as_deref().unwrap_or("—"),
            c.progress(),
            if missing.is_empty() { "—" } else { &missing },
            if c.days.is_empty() { "—".into() } else { c.days.join(", ") },
        ));
    }
}

/// Claims the evidence does not back, explained; empty when all are backed.
pub fn gate_failures(report: &Report) -> Vec<String> {
    report
        .features
        .iter()
        .filter(|f| f.unbacked())
        .map(|f| {
            let claimed = f.claimed.expect("unbacked claims are claims");
            let missing: Vec<String> = f
                .missing_for(claimed)
                .iter()
                .map(|r| format!("  - tier {} `{}`: {}", r.tier, r.predicate, r.detail))
                .collect();
            format!(
                "{} `{}` claims Tier {claimed} but the evidence backs {}:\n{}",
                f.category.title(),
                f.name,
                tier_name(f.eligible),
                missing.join("\n")
            )
        })
        .collect()
}
