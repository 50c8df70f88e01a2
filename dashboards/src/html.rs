//! The page: the tier tables, the compiler matrix, the opcode heatmap, the
//! trends and the open divergences, in one self-contained HTML file.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write;

use tiers::report::Report;

use crate::history::{Divergence, History, OpcodeCounts, label};
use crate::throughput::{BASELINE_RUNS, REGRESSION_RATIO, Target};

/// Text made safe for element content and for attribute values in either
/// kind of quotes: `&`, `<`, `>`, `"` and `'` become character references.
pub fn escape(s: &str) -> String {
    html_escape::encode_quoted_attribute(s).into_owned()
}

const STYLE: &str = r#"
body { font: 14px/1.45 system-ui, sans-serif; margin: 0; color: #1d2433; background: #f6f7f9; }
header { background: #1d2433; color: #fff; padding: 16px 32px; }
header h1 { margin: 0; font-size: 22px; }
header p { margin: 4px 0 0; color: #c9d1e0; }
main { padding: 16px 32px 48px; max-width: 1400px; }
section { background: #fff; border: 1px solid #e1e4ea; border-radius: 6px; padding: 12px 20px 16px; margin: 16px 0; }
h2 { font-size: 18px; margin: 8px 0 12px; }
h3 { font-size: 15px; margin: 16px 0 8px; }
table { border-collapse: collapse; margin: 4px 0 8px; }
th, td { border: 1px solid #e1e4ea; padding: 4px 8px; text-align: left; vertical-align: top; }
th { background: #eef1f5; cursor: pointer; }
.ok { background: #e3f5e6; } .partial { background: #fff4d6; } .no { background: #fbe3e3; }
.missing { color: #8a1c1c; font-size: 13px; }
.charts { display: flex; flex-wrap: wrap; gap: 16px; }
.chart { background: #fff; border: 1px solid #e1e4ea; border-radius: 4px; }
.chart-title { font-weight: 600; font-size: 13px; }
.tick { font-size: 11px; fill: #555; }
.heat { display: flex; flex-wrap: wrap; gap: 3px; margin-bottom: 10px; }
.heat span { display: inline-block; padding: 2px 5px; border-radius: 3px; font: 11px monospace; }
.exec { background: #2e7d32; color: #fff; } .gen { background: #f9a825; } .none { background: #e0e0e0; color: #777; }
code { background: #eef1f5; padding: 1px 4px; border-radius: 3px; }
.regression-marker { background: #c62828; color: #fff; padding: 1px 6px; border-radius: 3px; font-weight: 600; }
.alert { color: #ffd0d0; font-weight: 600; } .alert a { color: #fff; } .alert code { background: #fbe3e3; color: #8a1c1c; }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
.spark { display: block; }
"#;

/// Click a header to sort its table; marks the page ready for tests.
const SCRIPT: &str = r#"
document.querySelectorAll("table.sortable th").forEach(function (th, col) {
  th.addEventListener("click", function () {
    var body = th.closest("table").tBodies[0];
    var rows = Array.prototype.slice.call(body.rows);
    var idx = Array.prototype.indexOf.call(th.parentNode.children, th);
    rows.sort(function (a, b) { return a.cells[idx].textContent.localeCompare(b.cells[idx].textContent, undefined, {numeric: true}); });
    rows.forEach(function (r) { body.appendChild(r); });
  });
});
document.body.setAttribute("data-ready", "1");
"#;

fn tier_cell(t: Option<u8>) -> String {
    t.map_or("none".into(), |t| format!("Tier {t}"))
}

fn tier_tables(report: &Report, out: &mut String) {
    out.push_str("<section id=\"tiers\"><h2>Tiers of support</h2>");
    for tier in 1..=3u8 {
        let _ = write!(
            out,
            "<h3>Tier {tier}</h3><table class=\"sortable\"><thead><tr><th>Category</th><th>Feature</th><th>Owner</th>\
             <th>Evidence backs</th><th>Missing requirements</th></tr></thead><tbody>"
        );
        if !report.features.iter().any(|f| f.claimed == Some(tier)) {
            out.push_str("<tr><td colspan=\"5\">No feature claims this tier.</td></tr>");
        }
        for f in report.features.iter().filter(|f| f.claimed == Some(tier)) {
            let class = if f.unbacked() { "no" } else { "ok" };
            let missing: Vec<String> = f
                .missing_for(tier)
                .iter()
                .map(|r| format!("<div class=\"missing\"><b>{}</b>: {}</div>", escape(&r.predicate), escape(&r.detail)))
                .collect();
            let _ = write!(
                out,
                "<tr><td>{}</td><td><code>{}</code></td><td>{}</td><td class=\"{class}\">{}</td><td>{}</td></tr>",
                f.category.title(),
                escape(&f.name),
                escape(&f.owner),
                tier_cell(f.eligible),
                if missing.is_empty() { "—".to_string() } else { missing.concat() }
            );
        }
        out.push_str("</tbody></table>");
    }
    out.push_str("</section>");
}

fn compiler_matrix(report: &Report, out: &mut String) {
    out.push_str(
        "<section id=\"compilers\"><h2>Compiler support per architecture</h2><p><span class=\"ok\">supported</span>: the spec \
         suite passes and the compiler was fuzzed on it · <span class=\"partial\">in progress</span>: some evidence · \
         <span class=\"no\">no</span>: none</p>",
    );
    for (arch, compilers) in &report.compiler_matrix {
        let names: Vec<&String> = compilers.keys().collect();
        let _ = write!(out, "<h3>{}</h3><table><thead><tr><th>Feature</th>", escape(arch));
        for n in &names {
            let _ = write!(out, "<th>{}</th>", escape(n));
        }
        out.push_str("</tr></thead><tbody>");
        let features: Vec<&String> = compilers.values().next().map(|r| r.keys().collect()).unwrap_or_default();
        for feature in features {
            let _ = write!(out, "<tr><td><code>{}</code></td>", escape(feature));
            for n in &names {
                // Words, not emoji: headless browsers and terminals often lack the glyphs.
                let (class, mark) = match compilers[*n][feature].as_str() {
                    "supported" => ("ok", "supported"),
                    "in progress" => ("partial", "in progress"),
                    _ => ("no", "no"),
                };
                let _ = write!(out, "<td class=\"{class}\">{mark}</td>");
            }
            out.push_str("</tr>");
        }
        out.push_str("</tbody></table>");
    }
    out.push_str("</section>");
}

fn fuzz_coverage(report: &Report, opcodes: &BTreeMap<String, OpcodeCounts>, out: &mut String) {
    out.push_str(
        "<section id=\"coverage\"><h2>Fuzz coverage per proposal</h2><table class=\"sortable\"><thead><tr><th>Proposal</th><th>Runs</th>\
         <th>Cases</th><th>Executions</th><th>CPU hours</th><th>Operators generated</th><th>Operators executed</th>\
         <th>Open divergences</th></tr></thead><tbody>",
    );
    for p in &report.fuzz {
        let _ = write!(
            out,
            "<tr><td><code>{}</code></td><td>{}</td><td>{}</td><td>{}</td><td>{:.3}</td><td>{}</td><td>{}</td><td class=\"{}\">{}</td></tr>",
            escape(&p.proposal),
            p.runs,
            p.cases,
            p.executions,
            p.cpu_hours,
            p.operators(p.opcodes_generated),
            p.operators(p.opcodes_executed),
            if p.open_divergences == 0 { "ok" } else { "no" },
            p.open_divergences
        );
    }
    out.push_str("</tbody></table><h3>Operator heatmap: generated vs executed</h3>\
        <p><span class=\"heat\"><span class=\"exec\">executed by Crucible</span> <span class=\"gen\">generated, never executed</span> \
        <span class=\"none\">never generated</span></span></p>");
    for (proposal, counts) in opcodes {
        let universe = evidence::operators::operators_of(proposal);
        if universe.is_empty() {
            continue;
        }
        let _ = write!(
            out,
            "<h3><code>{}</code></h3><div class=\"heat\" data-proposal=\"{}\">",
            escape(proposal),
            escape(proposal)
        );
        for op in universe {
            let generated = counts.generated.get(*op).copied().unwrap_or(0);
            let executed = counts.executed.get(*op).copied().unwrap_or(0);
            let class = if executed > 0 {
                "exec"
            } else if generated > 0 {
                "gen"
            } else {
                "none"
            };
            let op = escape(op);
            let _ = write!(
                out,
                "<span class=\"{class}\" title=\"{op}: generated {generated}, executed {executed}\">{op}</span>"
            );
        }
        out.push_str("</div>");
    }
    out.push_str("</section>");
}

/// exec/s as libFuzzer prints it (rounded down), or a dash.
fn rate(v: Option<f64>) -> String {
    v.map_or("—".to_string(), |r| format!("{:.0}", r.floor()))
}

fn regression_marker(run: &crate::throughput::Run) -> String {
    let (Some(rate_now), Some((median, n))) = (run.exec_per_sec, run.baseline) else { return String::new() };
    if !run.regressed() {
        return String::new();
    }
    format!(
        "<span class=\"regression-marker\" title=\"{} exec/s, below {:.0}% of {} (median of the {n} runs before)\">regression</span>",
        rate(Some(rate_now)),
        REGRESSION_RATIO * 100.0,
        rate(Some(median))
    )
}

fn throughput(targets: &[Target], out: &mut String) {
    let _ = write!(
        out,
        "<section id=\"throughput\"><h2>cargo-fuzz throughput</h2><p>exec/s of every libFuzzer run credited by \
         <code>crucible libfuzzer-evidence</code> (executions over wall seconds, as libFuzzer counts them), per target, \
         oldest first. A run is marked <span class=\"regression-marker\">regression</span> when its exec/s fell below \
         {:.0}% of the median of the target's previous runs (at most {BASELINE_RUNS}).</p>",
        REGRESSION_RATIO * 100.0
    );
    if targets.is_empty() {
        out.push_str("<p>No libFuzzer evidence yet (<code>scripts/nightly.sh</code> writes some).</p></section>");
        return;
    }
    out.push_str(
        "<table class=\"sortable\"><thead><tr><th>Target</th><th>Architecture</th><th>Runs</th><th>Latest run</th>\
         <th>exec/s</th><th>Median before</th><th>Trend</th><th>Latest</th></tr></thead><tbody>",
    );
    let spark = |t: &Target| {
        let labels: Vec<String> = t.runs.iter().map(|r| label(&r.generated_at, r.commit.as_deref())).collect();
        let values: Vec<Option<f64>> = t.runs.iter().map(|r| r.exec_per_sec).collect();
        let flagged: Vec<bool> = t.runs.iter().map(|r| r.regressed()).collect();
        crate::svg::sparkline(&format!("{} exec/s per run", t.fuzz_target), &labels, &values, &flagged)
    };
    for t in targets {
        let latest = t.latest();
        let _ = write!(
            out,
            "<tr class=\"{}\" data-throughput-target=\"{}\"><td><code>{}</code></td><td>{}</td><td class=\"num\">{}</td><td>{}</td>\
             <td class=\"num\">{}</td><td class=\"num\">{}</td><td>{}</td><td>{}</td></tr>",
            if latest.regressed() { "no" } else { "ok" },
            escape(&t.fuzz_target),
            escape(&t.fuzz_target),
            escape(&t.triple),
            t.runs.len(),
            escape(&label(&latest.generated_at, latest.commit.as_deref())),
            rate(latest.exec_per_sec),
            rate(latest.baseline.map(|(m, _)| m)),
            spark(t),
            if latest.regressed() { regression_marker(latest) } else { "steady".to_string() }
        );
    }
    out.push_str("</tbody></table>");
    for t in targets {
        let _ = write!(
            out,
            "<h3><code>{}</code> on {}</h3>{}<table class=\"sortable\"><thead><tr><th>Finished (UTC)</th><th>Commit</th>\
             <th>Executions</th><th>Seconds</th><th>exec/s</th><th>Median before</th><th>vs median</th><th>Regression</th>\
             </tr></thead><tbody>",
            escape(&t.fuzz_target),
            escape(&t.triple),
            spark(t)
        );
        for run in &t.runs {
            let commit = run.commit.as_deref().map_or("—", |c| c.get(..7).unwrap_or(c));
            let _ = write!(
                out,
                "<tr class=\"{}\" data-target=\"{}\" data-run=\"{}\"><td>{}</td><td><code>{}</code></td><td class=\"num\">{}</td>\
                 <td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td>{}</td></tr>",
                if run.regressed() { "no" } else { "" },
                escape(&t.fuzz_target),
                escape(&run.generated_at),
                escape(&label(&run.generated_at, None)),
                escape(commit),
                run.executions,
                crate::svg::short(run.wall_seconds),
                rate(run.exec_per_sec),
                rate(run.baseline.map(|(m, _)| m)),
                run.ratio().map_or("—".to_string(), |r| format!("{r:.2}×")),
                regression_marker(run)
            );
        }
        out.push_str("</tbody></table>");
    }
    out.push_str("</section>");
}

fn trends(history: &History, out: &mut String) {
    out.push_str("<section id=\"trends\"><h2>Trends</h2><p>One point per evidence run, oldest first (date and commit in each point's tooltip).</p><div class=\"charts\">");
    let labels: Vec<String> = history.fuzz.iter().map(|r| r.label.clone()).collect();
    let series = |name: &'static str, color: &'static str, f: &dyn Fn(&crate::history::FuzzPoint) -> f64| {
        crate::svg::Series { name, color, values: history.fuzz.iter().map(f).collect() }
    };
    out.push_str(&crate::svg::line_chart(
        "Fuzz executions per run",
        &labels,
        &[
            series("executions", "#1565c0", &|p| p.executions as f64),
            series("cases compared", "#6a1b9a", &|p| p.cases as f64),
        ],
    ));
    out.push_str(&crate::svg::line_chart(
        "Operator coverage (cumulative)",
        &labels,
        &[
            series("generated", "#f9a825", &|p| p.cumulative_generated as f64),
            series("executed", "#2e7d32", &|p| p.cumulative_executed as f64),
        ],
    ));
    out.push_str(&crate::svg::line_chart(
        "Divergences per run",
        &labels,
        &[
            series("divergences", "#c62828", &|p| p.divergences as f64),
            series("reference bugs", "#8d6e63", &|p| p.reference_bugs as f64),
        ],
    ));
    let spec_labels: Vec<String> = history.spec.iter().map(|s| s.label.clone()).collect();
    let spec = |name: &'static str, color: &'static str, f: &dyn Fn(&crate::history::SpecPoint) -> f64| {
        crate::svg::Series { name, color, values: history.spec.iter().map(f).collect() }
    };
    out.push_str(&crate::svg::line_chart(
        "Spec suite directives per run",
        &spec_labels,
        &[spec("passed", "#2e7d32", &|p| p.passed as f64), spec("failed", "#c62828", &|p| p.failed as f64)],
    ));
    out.push_str("</div></section>");
}

fn divergences(list: &[Divergence], out: &mut String) {
    out.push_str("<section id=\"divergences\"><h2>Open divergences</h2>");
    if list.is_empty() {
        out.push_str("<p class=\"ok\">None in fresh evidence.</p></section>");
        return;
    }
    out.push_str("<table class=\"sortable\"><thead><tr><th>Found</th><th>Run</th><th>What</th><th>Replay</th></tr></thead><tbody>");
    for d in list {
        let _ = write!(
            out,
            "<tr><td>{}</td><td>{}</td><td>{}</td><td><code>{}</code></td></tr>",
            escape(&d.found),
            escape(&d.run),
            escape(&d.what),
            escape(&d.command)
        );
    }
    out.push_str("</tbody></table></section>");
}

pub fn page(report: &Report, history: &History) -> String {
    let mut body = String::new();
    tier_tables(report, &mut body);
    compiler_matrix(report, &mut body);
    fuzz_coverage(report, &history.opcodes, &mut body);
    throughput(&history.throughput, &mut body);
    trends(history, &mut body);
    divergences(&history.divergences, &mut body);
    let commits: BTreeSet<&str> = history.fuzz.iter().filter_map(|r| r.commit.as_deref()).collect();
    // A slowdown in the latest run of a target is news: say so at the top.
    let slowed: Vec<String> = history
        .throughput
        .iter()
        .filter(|t| t.latest().regressed())
        .map(|t| format!("<code>{}</code>", escape(&t.fuzz_target)))
        .collect();
    let alert = if slowed.is_empty() {
        String::new()
    } else {
        format!(
            "<p class=\"alert\" id=\"throughput-alert\">Throughput regression in the latest run of {}: \
             <a href=\"#throughput\">cargo-fuzz throughput</a>.</p>",
            slowed.join(", ")
        )
    };
    format!(
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Crucible dashboard</title><style>{STYLE}</style></head>\
         <body><header><h1>Crucible dashboard</h1><p>Computed {} from {} spec and {} fuzz evidence files ({} fuzz runs, {} commits).</p>{alert}</header>\
         <main>{body}</main><script>{SCRIPT}</script></body></html>\n",
        escape(&report.now),
        report.spec_files,
        report.fuzz_files,
        history.fuzz.len(),
        commits.len()
    )
}

#[cfg(test)]
mod tests {
    use super::escape;

    #[test]
    fn escapes_every_character_that_matters_in_text_and_attributes() {
        assert_eq!(
            escape(r#"<a href="x" title='y'>&amp;</a>"#),
            "&lt;a href=&quot;x&quot; title=&#x27;y&#x27;&gt;&amp;amp;&lt;/a&gt;"
        );
        assert_eq!(escape("plain text, ünïcode — as is"), "plain text, ünïcode — as is");
        assert_eq!(escape(""), "");
    }
}
