//! The dashboard in a real browser: headless Chromium (Debian's `chromium`;
//! `.ci/run` installs it) loads the site built from evidence this test
//! produces, the key content must be there, the console must be free of
//! errors, and a screenshot is saved (target/dashboard-screenshot.png).

mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use oracle::executor::{Executor, ExecutorKind};

fn chromium() -> PathBuf {
    for name in ["chromium", "chromium-browser", "google-chrome"] {
        for dir in std::env::split_paths(&std::env::var_os("PATH").unwrap_or_default()) {
            if dir.join(name).is_file() {
                return dir.join(name);
            }
        }
    }
    panic!("no chromium in PATH: install Debian's `chromium` package (.ci/run does when it is missing)");
}

fn headless(page: &Path, extra: &[&str]) -> Output {
    let url = format!("file://{}", page.display());
    Command::new(chromium())
        .args(["--headless=new", "--no-sandbox", "--disable-gpu", "--enable-logging=stderr", "--v=0"])
        .args(["--no-first-run", "--disable-extensions", "--hide-scrollbars"])
        .args(extra)
        .arg(url)
        .output()
        .expect("chromium starts")
}

/// Console errors in Chromium's log: uncaught exceptions, failed loads.
fn console_errors(stderr: &str) -> Vec<&str> {
    stderr
        .lines()
        .filter(|l| {
            (l.contains(":CONSOLE") && (l.contains("Uncaught") || l.contains("Error")))
                || l.contains("Failed to load resource")
        })
        .collect()
}

/// Spec evidence twice (two points of history), three fuzz runs and two
/// nights of a cargo-fuzz target (real logs), the second slowed down.
fn produce_evidence(dir: &Path) {
    let differential = common::LibFuzzerTarget::new(oracle::targets::TargetKind::Differential);
    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_secs();
    for (log, days_ago) in [("differential-1.log", 2), ("differential-entropic.log", 1)] {
        differential.credit(log, &evidence::rfc3339(now - days_ago * 86_400), dir);
    }
    for _ in 0..2 {
        oracle::spec::run_all(engine::Tier::Interp).write_to(dir).unwrap();
        // History files are named by the second the run finished.
        std::thread::sleep(std::time::Duration::from_millis(1100));
    }
    let boxed: Vec<Box<dyn Executor>> = vec![ExecutorKind::Interp.build(), ExecutorKind::Wasmi.build()];
    for (i, profile) in ["mvp", "bulk-memory", "reference-types"].iter().enumerate() {
        let options = oracle::fuzz::FuzzOptions {
            target: oracle::targets::TargetKind::Differential,
            seconds: 60.0,
            seed: i as u64,
            profile: oracle::case::profile(profile).unwrap(),
            executors: boxed.iter().map(|e| e.as_ref()).collect(),
            jobs: 1,
            out: None,
            max_cases: Some(150),
            stop_on_divergence: false,
            progress: false,
        };
        let (stats, wall) = oracle::fuzz::fuzz(&options);
        stats.evidence(&options, wall, "crucible-fuzz").write_to(dir).unwrap();
        std::thread::sleep(std::time::Duration::from_millis(1100));
    }
}

#[test]
fn the_site_loads_in_chromium_with_its_content_and_no_console_errors() {
    let dir = std::env::temp_dir().join(format!("dashboards-browser-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let (evidence, site) = (dir.join("evidence"), dir.join("site"));
    produce_evidence(&evidence);

    let built = Command::new(env!("CARGO_BIN_EXE_dashboards"))
        .args(["build", "--evidence", evidence.to_str().unwrap(), "--out", site.to_str().unwrap()])
        .output()
        .unwrap();
    assert!(built.status.success(), "{}", String::from_utf8_lossy(&built.stderr));
    let said = String::from_utf8_lossy(&built.stdout);
    assert!(said.contains("from 5 fuzz runs and 2 spec runs"), "{said}");
    let index = site.join("index.html");
    let html = std::fs::read_to_string(&index).unwrap();
    assert!(!html.contains("http://") && !html.contains("https://"), "everything is local or inlined");

    let out = headless(&index, &["--dump-dom"]);
    let dom = String::from_utf8_lossy(&out.stdout);
    let log = String::from_utf8_lossy(&out.stderr);
    assert!(dom.contains("data-ready=\"1\""), "the page's script did not run:\n{log}");
    for wanted in [
        "Tiers of support",
        "<code>x86_64-unknown-linux-gnu</code>",
        "<code>interp</code>",
        "Compiler support per architecture",
        "supported</td>",
        "data-proposal=\"bulk-memory\"",
        "Fuzz executions per run",
        "Operator coverage (cumulative)",
        "Spec suite directives per run",
        "cargo-fuzz throughput",
        "data-throughput-target=\"differential\"",
        "regression-marker",
        "id=\"throughput-alert\"",
        "Open divergences",
    ] {
        assert!(dom.contains(wanted), "missing `{wanted}` in the rendered page");
    }
    assert!(dom.matches("<svg").count() >= 6, "charts missing");
    assert!(console_errors(&log).is_empty(), "console errors:\n{}", console_errors(&log).join("\n"));

    let shot = site.join("screenshot.png");
    let out = headless(&index, &[&format!("--screenshot={}", shot.display()), "--window-size=1400,4200"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let png = std::fs::read(&shot).unwrap();
    assert!(png.starts_with(b"\x89PNG") && png.len() > 20_000, "screenshot of {} bytes", png.len());
    let keep = Path::new(env!("CARGO_MANIFEST_DIR")).join("../target/dashboard-screenshot.png");
    std::fs::write(&keep, &png).unwrap();
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn the_console_check_catches_an_error() {
    let dir = std::env::temp_dir().join(format!("dashboards-bad-page-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let page = dir.join("bad.html");
    std::fs::write(&page, "<!doctype html><body><script>noSuchFunction();</script></body>").unwrap();
    let out = headless(&page, &["--dump-dom"]);
    let log = String::from_utf8_lossy(&out.stderr);
    assert!(!console_errors(&log).is_empty(), "an uncaught error went unnoticed:\n{log}");
    let _ = std::fs::remove_dir_all(&dir);
}
