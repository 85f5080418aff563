#!/usr/bin/env bash
# Quick start, step 2: run every test: the GoogleTest suite (CTest) and the browser tests (playwright-core + chromium).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
bash scripts/build.sh
ctest --test-dir build --output-on-failure -j "$(nproc)"
if [ -x tests/e2e/run.sh ]; then
  bash tests/e2e/run.sh build
fi
