#!/usr/bin/env bash
# Quick start, step 2: runs every test. The GoogleTest suite (CTest) on the Release build, the browser tests
# (playwright-core + chromium), the suite again under AddressSanitizer + UndefinedBehaviorSanitizer (build-asan/),
# and each libFuzzer harness for a short fixed time (scripts/fuzz.sh). See docs/testing.md.
set -euo pipefail
cd "$(dirname "$0")/.."
fuzz_seconds=${GINN_FUZZ_SECONDS:-20}
# The tests' temporary files in a directory of this run's own (other checkouts on the machine may test at once).
TMPDIR=$(mktemp -d)
export TMPDIR
trap 'rm -rf "$TMPDIR"' EXIT
export LSAN_OPTIONS="suppressions=$PWD/scripts/lsan-suppressions.txt:print_suppressions=0"
export UBSAN_OPTIONS=print_stacktrace=1
step() { echo; echo "==== ginn test: $1 ($(date -u +%T))"; }

step "dependencies"
bash scripts/install-deps.sh
step "Release build"
bash scripts/build.sh
step "GoogleTest suite (Release)"
ctest --test-dir build --output-on-failure -j "$(nproc)"
step "Python module (its pytest suite, tests/python, ran in the suite above as python_pytest)"
compgen -G "build/bindings/python/ginn/_ginn*.so" >/dev/null ||
  { echo "ginn test: no Python module in build/bindings/python (expected python3-dev and pybind11-dev; hint: bash scripts/install-deps.sh)" >&2; exit 1; }
step "browser tests"
bash tests/e2e/run.sh build
step "sanitizer build (clang, ASan + UBSan)"
bash scripts/sanitize-build.sh
step "GoogleTest suite (ASan + UBSan)"
ctest --test-dir build-asan --output-on-failure -j "$(nproc)"
step "fuzzers, $fuzz_seconds s each"
bash scripts/fuzz.sh "$fuzz_seconds" build-asan
step "all passed"
