#!/usr/bin/env bash
# The nightly job, runnable locally: the spec suites on every tier that
# exists, a bounded differential campaign per proposal profile, a short run
# of every cargo-fuzz target credited through libfuzzer-evidence, the
# benchmarks (BENCH=0 skips them) and the sightglass programs (SIGHTGLASS=0
# skips them), then `tiers report`, the dashboard and `tiers gate` over the
# evidence.
#
#   scripts/nightly.sh                          # defaults below
#   FUZZ_SECONDS=600 TARGET_SECONDS=300 scripts/nightly.sh
#
# Evidence goes to $CRUCIBLE_EVIDENCE_DIR (default ./evidence); the report
# and artifacts to $NIGHTLY_OUT (default target/nightly). Exit status: the
# gate's (0 backed, 1 a claim is not backed, 2 bad input).
#
# Tier 1 needs a week of continuous fuzzing (min_fuzz_days distinct days and
# min_fuzz_cpu_hours within the window, tiers/policy.toml): the gate passes
# only on the evidence of a week of nightlies kept in the evidence
# directory, so a first run exits 1, naming the days and CPU-hours missing.
set -euo pipefail
cd "$(dirname "$0")/.."

FUZZ_SECONDS=${FUZZ_SECONDS:-90}
TARGET_SECONDS=${TARGET_SECONDS:-60}
export CRUCIBLE_EVIDENCE_DIR=${CRUCIBLE_EVIDENCE_DIR:-$PWD/evidence}
OUT=${NIGHTLY_OUT:-$PWD/target/nightly}
mkdir -p "$CRUCIBLE_EVIDENCE_DIR" "$OUT"

cargo build --release -p crucible -p tiers -p dashboards
bin=target/release

echo "== spec suites on every tier"
for tier in interp baseline cranelift; do
  if ! log=$("$bin/crucible" spec --compiler "$tier" 2>&1); then
    if grep -q "not implemented yet" <<<"$log"; then
      echo "$tier: not implemented yet, skipped"
      continue
    fi
    # Failures are in the evidence; the gate judges them.
    echo "$tier: spec suite has failures (recorded in the evidence)"
  fi
  tail -n 1 <<<"$log"
done

echo "== differential fuzzing, $FUZZ_SECONDS s per profile"
for profile in mvp sign-extension-ops nontrapping-float-to-int-conversions multi-value \
               bulk-memory reference-types extended-const default arith; do
  # Exit 1 means a divergence: it is in the evidence and the artifacts.
  "$bin/crucible" fuzz --seconds "$FUZZ_SECONDS" --profile "$profile" --out "$OUT/fuzz-artifacts" \
    | grep -E "cases in|diverged" || true
done

echo "== cargo-fuzz targets, $TARGET_SECONDS s each, credited as evidence"
command -v cargo-fuzz >/dev/null || cargo install cargo-fuzz --locked
# Instrument only Crucible's crates and wasmparser (see the wrapper).
export RUSTC_WRAPPER="$PWD/scripts/rustc-fuzz-coverage"
cargo fuzz build --fuzz-dir fuzz-targets -O --sanitizer none
for target in $(cargo fuzz list --fuzz-dir fuzz-targets); do
  corpus="$OUT/corpus/$target"
  mkdir -p "$corpus"
  cp -n "corpus/$target"/* "$corpus"/ 2>/dev/null || true
  # shellcheck disable=SC2046 # the flags are words
  cargo fuzz run --fuzz-dir fuzz-targets -O --sanitizer none "$target" "$corpus" \
    -- -max_total_time="$TARGET_SECONDS" $(scripts/libfuzzer-flags "$target") -artifact_prefix="$OUT/" \
    2>"$OUT/$target.log" || true
  "$bin/crucible" libfuzzer-evidence --log "$OUT/$target.log" --corpus "$corpus" --target "$target"
done

if [ "${BENCH:-1}" != 0 ]; then
  echo "== benchmarks: every tier against wasmtime and wasmi ($OUT/bench.json)"
  # A failure (checksums disagree, an engine cannot run a kernel) is reported
  # but does not stop the gate.
  cargo run --release -p benches -- --json "$OUT/bench.json" >"$OUT/bench.txt" 2>&1 \
    && grep -A40 "^Ratios" "$OUT/bench.txt" || echo "benchmarks failed: see $OUT/bench.txt"
fi

if [ "${SIGHTGLASS:-1}" != 0 ]; then
  echo "== real programs (sightglass): every tier against wasmtime and wasmi ($OUT/sightglass.json)"
  # Wrong output on a Crucible tier exits 1: reported, the gate goes on.
  cargo run --release -p benches -- sightglass --json "$OUT/sightglass.json" >"$OUT/sightglass.txt" 2>&1 \
    && grep -A30 "^Ratios of bench time" "$OUT/sightglass.txt" || echo "sightglass run failed: see $OUT/sightglass.txt"
fi

echo "== tiers and the dashboard"
"$bin/tiers" report --markdown "$OUT/tiers.md" --json "$OUT/tiers.json"
echo "report: $OUT/tiers.md"
"$bin/dashboards" build --evidence "$CRUCIBLE_EVIDENCE_DIR" --out "$OUT/dashboard"
"$bin/tiers" gate
