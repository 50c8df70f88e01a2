#!/usr/bin/env bash
# Records what `wasmtime run` (36.0.8, through scripts/wasmtime-cli, which
# installs it on first use) prints for each WASI behaviour program (those
# including check.h) into <name>.expected: its stdout, then its exit
# status. The directory layout is the one `sandbox()` in tests/wasi.rs
# makes, preopened as /sandbox. engine/tests/wasi.rs checks every tier
# against these files; rerun this after changing a program (and build.sh).
#
#   engine/tests/wasi/record-expected.sh [NAME...]
set -euo pipefail
cd "$(dirname "$0")"
wasmtime=../../../scripts/wasmtime-cli

if [[ $# -gt 0 ]]; then
    names=("$@")
else
    mapfile -t names < <(grep -l '#include "check.h"' ./*.c | xargs -n1 basename | sed 's/\.c$//')
fi

for name in "${names[@]}"; do
    base=$(mktemp -d)
    mkdir "$base/sandbox"
    printf 'secret' >"$base/outside.txt"
    printf 'the quick brown fox jumps over the lazy dog, twice over\n' >"$base/sandbox/in.txt"
    ln -s ../outside.txt "$base/sandbox/link-up"
    ln -s "$base/outside.txt" "$base/sandbox/link-absolute"
    status=0
    # No stream is a terminal, as in the tests (a program may print the types).
    "$wasmtime" --dir "$base/sandbox::/sandbox" "$name.wasm" </dev/null >"$name.expected" 2>"$base/stderr" || status=$?
    echo "exit status: $status" >>"$name.expected"
    cat "$base/stderr" >&2
    rm -rf "$base"
    echo "$name.expected: $(wc -l <"$name.expected") lines, exit status $status"
done
