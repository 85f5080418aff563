#!/bin/sh
# Browser tests of the viewer: writes the fixture page with the built viewer_test, then runs the node tests in
# Debian's chromium (headless, file://, no network). Usage: tests/e2e/run.sh [BUILD_DIR]   (default: build)
set -eu
HERE=$(cd "$(dirname "$0")" && pwd)
BUILD=$(cd "${1:-build}" && pwd)
FIXTURE="$BUILD/viewer_fixture.html"
GINN_VIEWER_FIXTURE="$FIXTURE" "$BUILD/tests/viewer_test" --gtest_filter=viewer_test.write_e2e_fixture >/dev/null
[ -d "$HERE/node_modules/playwright-core" ] || (cd "$HERE" && npm install --no-audit --no-fund --silent)
cd "$HERE"
GINN_VIEWER_FIXTURE="$FIXTURE" exec node --test --test-concurrency=1 viewer.test.mjs
