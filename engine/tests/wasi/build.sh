#!/usr/bin/env bash
# Rebuilds the WASI test programs (*.c → *.wasm) with Debian's clang, lld
# and wasi-libc, installing them when missing. The .wasm files are
# committed: the tests do not need clang.
set -euo pipefail
cd "$(dirname "$0")"

builtins=/usr/lib/llvm-14/lib/clang/14.0.6/lib/wasi/libclang_rt.builtins-wasm32.a
if ! command -v clang >/dev/null || ! command -v wasm-ld >/dev/null || [ ! -d /usr/include/wasm32-wasi ] || [ ! -f "$builtins" ]; then
  sudo=""; [ "$(id -u)" = 0 ] || sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq clang lld wasi-libc libclang-rt-14-dev-wasm32 >/dev/null
fi

for source in *.c; do
  name=$(basename "$source" .c)
  clang --target=wasm32-wasi -O2 -Wl,--strip-debug -o "$name.wasm" "$source"
  echo "$name.wasm: $(wc -c <"$name.wasm") bytes"
done
