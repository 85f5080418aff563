#!/usr/bin/env bash
# Live page benchmark (`ginn play`): steps per second of the GINN net (2-16-16-16-2, batch 128, Adam) trained by the
# page's WebAssembly engine in headless chromium, side by side in the same browser with TensorFlow Playground's own
# network code (nn.ts, compiled here with TypeScript from npm; never copied into ginn); frame times at 1366x768 while
# training; the page's size and time to interactive.
# Usage: bash bench/play_bench.sh [BUILD_DIR] [PLAYGROUND] [repeats]
#   PLAYGROUND: a checkout of github.com/tensorflow/playground, or a bare git mirror of it (read with git show);
#   default: $GINN_PLAYGROUND. TypeScript is installed once into BUILD_DIR/play-bench (npm).
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
BUILD=$(cd "${1:-build}" && pwd)
PLAYGROUND=${2:-${GINN_PLAYGROUND:-}}
REPEATS=${3:-5}
fail() { echo "play_bench: $1" >&2; exit 1; }
[ -n "$PLAYGROUND" ] || fail "no TensorFlow Playground sources given (expected a path as the second argument or GINN_PLAYGROUND)"
WORK="$BUILD/play-bench"
mkdir -p "$WORK"
if [ -f "$PLAYGROUND/src/nn.ts" ]; then cp "$PLAYGROUND/src/nn.ts" "$WORK/nn.ts"
elif git --git-dir="$PLAYGROUND" show HEAD:src/nn.ts > "$WORK/nn.ts" 2>/dev/null; then :
else fail "$PLAYGROUND has no src/nn.ts (expected a checkout or a git mirror of tensorflow/playground)"; fi
if [ ! -x "$WORK/node_modules/.bin/tsc" ]; then
  (cd "$WORK" && npm install --no-save --no-audit --no-fund --loglevel=error typescript@5.4.5 >/dev/null) ||
    fail "could not install TypeScript from npm into $WORK"
fi
"$WORK/node_modules/.bin/tsc" --target es2017 --module commonjs --lib es2017,dom --outDir "$WORK/out" "$WORK/nn.ts" ||
  fail "TypeScript could not compile nn.ts"
"$BUILD/ginn" play -o "$WORK/play.html" -q
node "$HERE/play_bench.mjs" "$WORK/play.html" "$WORK/out/nn.js" "$REPEATS"
