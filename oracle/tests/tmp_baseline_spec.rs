#[test]
fn measure() {
    let suite = oracle::spec::suites_for(engine::Tier::Interp).into_iter().find(|s| s.dir == "wasm-v2").unwrap();
    let mut config = engine::Config::new();
    config.tier(engine::Tier::Baseline).incomplete_tiers(true);
    let (mut passed, mut failed) = (0, 0);
    let mut reasons: std::collections::BTreeMap<String, u32> = Default::default();
    for (name, text) in oracle::spec::files_of(&suite.dir) {
        let report = oracle::spec::run_file(&config, &name, text);
        for r in report.results {
            match r.status {
                oracle::wast::Status::Failed(why) => {
                    failed += 1;
                    let key: String = why.chars().take(90).collect();
                    if name.ends_with("if.wast") && !why.contains("module") {
                        eprintln!("LINE {} {}", r.line, why);
                    }
                    *reasons.entry(format!("{name}: {key}")).or_default() += 1;
                }
                oracle::wast::Status::Passed => passed += 1,
                _ => {}
            }
        }
    }
    let mut top: Vec<_> = reasons.into_iter().collect();
    top.sort_by_key(|(_, n)| std::cmp::Reverse(*n));
    for (r, n) in top
        .iter()
        .filter(|(r, _)| {
            !r.contains("no module instantiated")
                && !r.contains("failed to compile")
                && !r.contains("unknown module")
                && !r.contains("no exported function")
                && !r.contains("instantiation failed")
        })
        .take(40)
    {
        eprintln!("{n:6} {r}");
    }
    eprintln!("passed {passed} failed {failed}");
}
