#!/usr/bin/env bash
# Browser tests of the viewer: writes the fixture page with the built viewer_test, then runs the node tests in
# Debian's chromium (headless, file://, no network). Usage: tests/e2e/run.sh [BUILD_DIR]   (default: build)
# Fails with one clear line whenever the tests cannot run or fewer pass than the files define (test( calls, skipped ones included).
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
BUILD=$(cd "${1:-build}" && pwd)
FIXTURE="$BUILD/viewer_fixture.html"
fail() { echo "ginn browser tests: $1" >&2; exit 1; }

GINN_VIEWER_FIXTURE="$FIXTURE" "$BUILD/tests/viewer_test" --gtest_filter=viewer_test.write_e2e_fixture >/dev/null ||
  fail "could not write the fixture page with $BUILD/tests/viewer_test (expected a built suite; hint: bash scripts/build.sh)"
bash "$HERE/../../scripts/install-e2e.sh"
[ -x "${GINN_CHROMIUM:-/usr/bin/chromium}" ] ||
  fail "no chromium at ${GINN_CHROMIUM:-/usr/bin/chromium} (expected Debian's chromium; hint: bash scripts/install-deps.sh)"

cd "$HERE"
files=(*.test.mjs)
expected=$(cat "${files[@]}" | grep -c '^test[.(]') || true  # test.skip( and test.todo( count too: they do not pass
log=$(mktemp)
trap 'rm -f "$log"' EXIT
status=0
GINN_BINARY="$BUILD/ginn" GINN_VIEWER_FIXTURE="$FIXTURE" node --test --test-reporter=tap --test-concurrency=1 "${files[@]}" 2>&1 | tee "$log" ||
  status=$?
passed=$(sed -n 's/^# pass \([0-9]*\)$/\1/p' "$log" | tail -1)
[ "$status" -eq 0 ] || fail "node --test exited with status $status (${passed:-0} of $expected tests passed; see above)"
[ "${passed:-0}" -eq "$expected" ] ||
  fail "${passed:-0} of $expected tests passed (expected every test() in ${files[*]} to run and pass; see above)"
echo "ginn browser tests: all $expected passed"
