#!/usr/bin/env bash
# Quick start, step 1: install what is missing, build, and run `ginn demo` on the built-in default (GINN's bottle).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
bash scripts/build.sh
./build/ginn demo
