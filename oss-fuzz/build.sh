#!/bin/bash -eu
# Builds every fuzz target and its seed corpus the way OSS-Fuzz expects:
# binaries, <target>_seed_corpus.zip and <target>.options in $OUT.
#
# On OSS-Fuzz (base-builder-rust, nightly, $SANITIZER=address or coverage)
# cargo-fuzz's own sanitizer handling applies. Anywhere else (stable Rust,
# $SANITIZER unset) it builds with `--sanitizer none`, which is how `.ci/run`
# checks this script on every change:
#   SRC=$PWD/.. OUT=/tmp/oss-fuzz-out oss-fuzz/build.sh

cd "$(dirname "$0")/.."
: "${OUT:?set OUT to the output directory}"
mkdir -p "$OUT"

flags=(-O --fuzz-dir fuzz-targets)
if [ "${SANITIZER:-none}" = none ]; then
    flags+=(--sanitizer none)
fi
cargo fuzz build "${flags[@]}"

triple=$(rustc -vV | sed -n 's/^host: //p')
for target in $(cargo fuzz list --fuzz-dir fuzz-targets); do
    cp "fuzz-targets/target/$triple/release/$target" "$OUT/"
    # Inputs beyond a few KiB only make generators slower, not richer.
    printf '[libfuzzer]\nmax_len = 4096\n' > "$OUT/$target.options"
    if [ -d "corpus/$target" ]; then
        rm -f "$OUT/${target}_seed_corpus.zip"
        (cd "corpus/$target" && zip -q -r "$OUT/${target}_seed_corpus.zip" .)
    fi
done
