#!/usr/bin/env bash
# Configures and builds the sanitizer build into build-asan/: clang, AddressSanitizer + UndefinedBehaviorSanitizer
# (any report aborts), the GoogleTest suite and the libFuzzer harnesses (fuzz/). No benchmarks.
set -euo pipefail
cd "$(dirname "$0")/.."
launcher=(); command -v ccache >/dev/null && launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
cmake -S . -B build-asan -G Ninja -DCMAKE_BUILD_TYPE=Release -DCMAKE_CXX_COMPILER=clang++ "${launcher[@]}" \
      -DGINN_SANITIZE=ON -DGINN_FUZZ=ON -DGINN_BUILD_BENCH=OFF -DGINN_WASM=OFF >/dev/null
cmake --build build-asan -j "$(nproc)"
