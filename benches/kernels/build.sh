#!/usr/bin/env bash
# Rebuilds the C kernels (c/*.c → *.wasm) with Debian's clang and lld,
# installing them when missing. The .wasm files are committed: the
# benchmark runner does not need clang.
set -euo pipefail
cd "$(dirname "$0")"

if ! command -v clang >/dev/null || ! command -v wasm-ld >/dev/null; then
  sudo=""; [ "$(id -u)" = 0 ] || sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq clang lld >/dev/null
fi

for source in c/*.c; do
  name=$(basename "$source" .c)
  # The SIMD kernels (simd*.c) use 128-bit lanes; the rest stay scalar.
  features=()
  case "$name" in simd*) features=(-msimd128) ;; esac
  # Freestanding (no libc): -fno-builtin keeps clang from turning loops into
  # memset/memcpy calls that nothing would define.
  clang --target=wasm32 -O2 -nostdlib -fno-builtin "${features[@]}" \
    -Wl,--no-entry -Wl,--export=run -Wl,--strip-debug \
    -o "$name.wasm" "$source"
  echo "$name.wasm: $(wc -c <"$name.wasm") bytes"
done
