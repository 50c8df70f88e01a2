//! Real programs — Wasmtime's benchmark suite, sightglass, read from
//! `../shared/sightglass/` (or `$CRUCIBLE_SIGHTGLASS`) — on every tier: the
//! short ones run to completion with their expected output; every one is
//! either compiled by each tier or rejected only for a proposal Crucible
//! lacks (the skips are printed; the list must shrink to nothing as
//! proposals land). The full comparison with the peers and the timings is
//! the benchmark runner's (`cargo run --release -p benches -- sightglass`).

use engine::Tier;
use oracle::sightglass::{Program, RunError, compile, default_root, discover, run_crucible};

/// Programs quick enough for `cargo test` on the interpreter (each under
/// ~1.5 s there in a release build: `cargo run --release -p benches --
/// sightglass`); the rest run in the nightly benchmark. The SIMD ones run
/// on the tiers that have SIMD and are skipped on the others.
const SHORT: &[&str] = &[
    "blake3-scalar",
    "blake3-simd",
    "blind-sig",
    "bz2",
    "intgemm-simd",
    "libsodium-box",
    "libsodium-chacha20",
    "libsodium-generichash",
    "libsodium-scalarmult",
    "meshoptimizer",
    "noop",
    "pulldown-cmark",
    "quicksort",
    "regex",
    "richards",
    "rust-compression",
    "rust-json",
    "shootout-ackermann",
    "shootout-gimli",
    "shootout-keccak",
    "shootout-memmove",
    "shootout-nestedloop",
    "shootout-random",
    "shootout-ratelimit",
    "shootout-switch",
    "shootout-xblabla20",
    "shootout-xchacha20",
];

fn suite() -> Option<Vec<Program>> {
    let Some(root) = default_root() else {
        eprintln!(
            "skipped: no sightglass directory (../shared/sightglass beside the repository, or $CRUCIBLE_SIGHTGLASS)"
        );
        return None;
    };
    let programs = discover(&root).unwrap_or_else(|e| panic!("{}: {e}", root.display()));
    assert!(!programs.is_empty(), "{}: no programs", root.display());
    Some(programs)
}

#[test]
fn short_programs_print_their_expected_output_on_every_tier() {
    let Some(programs) = suite() else { return };
    let short: Vec<&Program> = programs.iter().filter(|p| SHORT.contains(&p.name.as_str())).collect();
    let missing: Vec<&&str> = SHORT.iter().filter(|name| !short.iter().any(|p| p.name == **name)).collect();
    assert!(missing.is_empty(), "not in the suite: {missing:?}");
    let mut skipped = Vec::new();
    for program in short {
        for tier in Tier::ALL {
            match run_crucible(tier, program) {
                Ok(outcome) => {
                    if let Err(why) = program.check(&outcome) {
                        panic!("{} on {tier}: {why}", program.name);
                    }
                }
                Err(RunError::Unsupported(why)) => skipped.push(format!("{} on {tier}: {why}", program.name)),
                Err(e) => panic!("{} on {tier}: {e}", program.name),
            }
        }
    }
    for skip in &skipped {
        eprintln!("skipped (needs a missing proposal): {skip}");
    }
}

#[test]
fn every_program_compiles_on_every_tier_or_needs_a_missing_proposal() {
    let Some(programs) = suite() else { return };
    let mut unsupported = Vec::new();
    for program in &programs {
        let wasm = std::fs::read(&program.wasm).unwrap();
        for tier in Tier::ALL {
            match compile(tier, &wasm) {
                Ok(_) => {}
                Err(RunError::Unsupported(why)) => unsupported.push(format!("{} on {tier}: {why}", program.name)),
                Err(RunError::Failed(why)) => panic!("{} on {tier}: a valid program was refused: {why}", program.name),
            }
        }
    }
    for skip in &unsupported {
        eprintln!("skipped (needs a missing proposal): {skip}");
    }
    assert!(unsupported.len() < programs.len() * Tier::ALL.len(), "no program compiled on any tier: {unsupported:#?}");
}

/// hex-simd reads `./default.input`, which `../shared/sightglass` lacks:
/// here it reads an input of our own (UTF-8 text with multi-byte
/// characters, what the program requires) and must print it in hex, on
/// every tier.
#[test]
fn hex_simd_prints_its_input_in_hex_on_every_tier() {
    let Some(programs) = suite() else { return };
    let Some(hex_simd) = programs.iter().find(|p| p.name == "hex-simd") else {
        panic!("hex-simd is not in the suite");
    };
    let dir = std::env::temp_dir().join(format!("crucible-hex-simd-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let words = ["alpha", "béta", "γάμμα", "delta", "эпсилон", "日本語", "🙂", "z"];
    // Lengths that are no multiple of the vector width, to reach the tail.
    let input: String = (0..5_003).map(|i| words[(i * 7 + i / 3) % words.len()]).collect::<Vec<_>>().join(" ");
    std::fs::write(dir.join("default.input"), &input).unwrap();
    let program = Program { dir: dir.clone(), expected_stdout: None, ..hex_simd.clone() };
    let expected: String = input.bytes().map(|b| format!("{b:02x}")).collect::<String>() + "\n";
    for tier in Tier::ALL {
        let outcome = run_crucible(tier, &program).unwrap_or_else(|e| panic!("hex-simd on {tier}: {e}"));
        assert_eq!(outcome.exit_status, 0, "hex-simd on {tier}");
        assert!(outcome.stdout == expected.as_bytes(), "hex-simd on {tier}: wrong output");
    }
    std::fs::remove_dir_all(&dir).unwrap();
}
