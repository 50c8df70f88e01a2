#!/bin/bash -eu
# Builds every fuzz target and its seed corpus the way OSS-Fuzz expects:
# binaries, <target>_seed_corpus.zip and <target>.options in $OUT.
#
# Always `--sanitizer none`, as wasmtime's OSS-Fuzz project builds its
# targets, whatever $SANITIZER OSS-Fuzz sets: an AddressSanitizer build of
# `differential` ran 6 exec/s against hundreds without it and its RSS grew
# from 142 to 497 MB in a minute (ASan's quarantine and shadow memory over
# compilers that allocate per function), and ASan's own SIGSEGV handling
# fights the engine's guard-page trap handler. The engine is Rust: memory
# errors outside `unsafe` are not possible, and the `unsafe` parts (trap
# handling, JIT code, vmctx) are checked by the differential comparison
# itself. libFuzzer options per target: fuzz-targets/options/. `.ci/run`
# checks this script on every change:
#   SRC=$PWD/.. OUT=/tmp/oss-fuzz-out oss-fuzz/build.sh

cd "$(dirname "$0")/.."
: "${OUT:?set OUT to the output directory}"
mkdir -p "$OUT"

# Coverage instrumentation for Crucible's crates and wasmparser only (the
# reasons are in the wrapper).
export RUSTC_WRAPPER="$PWD/scripts/rustc-fuzz-coverage"
cargo fuzz build -O --sanitizer none --fuzz-dir fuzz-targets

triple=$(rustc -vV | sed -n 's/^host: //p')
for target in $(cargo fuzz list --fuzz-dir fuzz-targets); do
    cp "fuzz-targets/target/$triple/release/$target" "$OUT/"
    cp "fuzz-targets/options/$target.options" "$OUT/$target.options"
    if [ -d "corpus/$target" ]; then
        rm -f "$OUT/${target}_seed_corpus.zip"
        (cd "corpus/$target" && zip -q -r "$OUT/${target}_seed_corpus.zip" .)
    fi
done
