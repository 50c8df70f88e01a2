//! The dashboard's cargo-fuzz throughput section from real libFuzzer runs
//! (`oracle/tests/data/libfuzzer/`, credited as `crucible
//! libfuzzer-evidence` does) on successive nights: every run is a row by
//! date with its exec/s, and the night a target slowed down to under half
//! its usual exec/s is marked as a regression — and no night otherwise.

mod common;

use std::path::PathBuf;

use common::LibFuzzerTarget;
use oracle::targets::TargetKind;

fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("dashboards-throughput-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    dir
}

fn night(day: u32) -> String {
    format!("2026-11-{day:02}T03:15:00Z")
}

/// Builds the site from `dir` and returns its page.
fn site(dir: &std::path::Path) -> String {
    let policy = tiers::policy::Policy::parse(tiers::policy::DEFAULT_POLICY, "tiers/policy.toml").unwrap();
    let now = evidence::parse_rfc3339("2026-11-25T12:00:00Z").unwrap();
    let built = dashboards::build(&[dir.join("evidence")], &policy, now, &dir.join("site")).unwrap();
    std::fs::read_to_string(built.index).unwrap()
}

/// The inside of every `<tr …>…</tr>` carrying `attr`.
fn rows<'a>(html: &'a str, attr: &str) -> Vec<&'a str> {
    html.split("<tr ").skip(1).map(|r| r.split("</tr>").next().unwrap()).filter(|r| r.contains(attr)).collect()
}

/// A row's cells as text (tags dropped).
fn cells(row: &str) -> Vec<String> {
    row.split("<td")
        .skip(1)
        .map(|c| {
            let c = &c[c.find('>').unwrap() + 1..];
            let mut text = String::new();
            let mut in_tag = false;
            for ch in c.split("</td>").next().unwrap().chars() {
                match ch {
                    '<' => in_tag = true,
                    '>' => in_tag = false,
                    _ if !in_tag => text.push(ch),
                    _ => {}
                }
            }
            text
        })
        .collect()
}

/// Each run row of `target`: (finished at, exec/s shown, marked a regression).
fn runs(html: &str, target: &str) -> Vec<(String, String, bool)> {
    rows(html, &format!("data-target=\"{target}\""))
        .into_iter()
        .map(|r| {
            let at = r.split("data-run=\"").nth(1).unwrap().split('"').next().unwrap().to_string();
            (at, cells(r)[4].clone(), r.contains("regression-marker"))
        })
        .collect()
}

/// The summary row of `target`: (cells, marked a regression).
fn summary(html: &str, target: &str) -> (Vec<String>, bool) {
    let found = rows(html, &format!("data-throughput-target=\"{target}\""));
    assert_eq!(found.len(), 1, "one summary row for {target}");
    (cells(found[0]), found[0].contains("regression-marker"))
}

/// Three steady nights of both targets; `differential` runs a fourth.
fn steady_nights(dir: &std::path::Path, fourth: Option<&str>) {
    let evidence = dir.join("evidence");
    let table_ops = LibFuzzerTarget::new(TargetKind::TableOps);
    let differential = LibFuzzerTarget::new(TargetKind::Differential);
    for day in 21..=23 {
        let k = day - 20;
        table_ops.credit(&format!("table_ops-{k}.log"), &night(day), &evidence);
        let run = differential.credit(&format!("differential-{k}.log"), &night(day), &evidence);
        assert!(run.exec_per_sec().unwrap() > 400.0, "{run:?}");
    }
    if let Some(log) = fourth {
        differential.credit(log, &night(24), &evidence);
    }
}

#[test]
fn a_run_that_slowed_down_is_marked_a_regression_the_night_it_happens() {
    let dir = scratch("regression");
    // The fourth night `differential` ran with entropic scheduling back on:
    // 141 exec/s against 474, 445 and 439.
    steady_nights(&dir, Some("differential-entropic.log"));
    let html = site(&dir);
    assert!(html.contains("<h2>cargo-fuzz throughput</h2>"));

    let differential = runs(&html, "differential");
    let expected = [(21, "474", false), (22, "445", false), (23, "439", false), (24, "141", true)];
    assert_eq!(differential.len(), expected.len(), "{differential:?}");
    for ((at, rate, marked), (day, want_rate, want_marked)) in differential.iter().zip(expected) {
        assert_eq!((at.as_str(), rate.as_str(), *marked), (night(day).as_str(), want_rate, want_marked));
    }
    let table_ops = runs(&html, "table_ops");
    assert_eq!(
        table_ops.iter().map(|(at, rate, _)| (at.clone(), rate.clone())).collect::<Vec<_>>(),
        [(night(21), "464".into()), (night(22), "491".into()), (night(23), "601".into())]
    );
    assert!(table_ops.iter().all(|(_, _, marked)| !marked), "{table_ops:?}");

    // The summary and the header say it too.
    let (cells, marked) = summary(&html, "differential");
    assert!(marked, "{cells:?}");
    assert_eq!((cells[2].as_str(), cells[4].as_str(), cells[5].as_str()), ("4", "141", "445"), "{cells:?}");
    let (cells, marked) = summary(&html, "table_ops");
    assert!(!marked && cells[7] == "steady", "{cells:?}");
    let alert = html.split("id=\"throughput-alert\"").nth(1).expect("an alert in the header");
    let alert = alert.split("</p>").next().unwrap();
    assert!(alert.contains("<code>differential</code>") && !alert.contains("table_ops"), "{alert}");
    // Its trend line draws the slow night in red (summary and detail).
    assert_eq!(html.matches("(regression)</title>").count(), 2);
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn steady_runs_raise_no_regression() {
    let dir = scratch("steady");
    steady_nights(&dir, Some("differential-1.log"));
    let html = site(&dir);
    let differential = runs(&html, "differential");
    let table_ops = runs(&html, "table_ops");
    assert_eq!((differential.len(), table_ops.len()), (4, 3));
    assert!(differential.iter().chain(&table_ops).all(|(_, _, marked)| !marked), "{differential:?} {table_ops:?}");
    assert_eq!(differential[3], (night(24), "474".to_string(), false));
    for target in ["differential", "table_ops"] {
        let (cells, marked) = summary(&html, target);
        assert!(!marked && cells[7] == "steady", "{target}: {cells:?}");
    }
    assert!(!html.contains("throughput-alert") && !html.contains("(regression)</title>"));
    let _ = std::fs::remove_dir_all(&dir);
}
