#!/usr/bin/env bash
# Runs every libFuzzer harness (fuzz/*_fuzz.cpp) for SECONDS each with a fixed seed, after replaying its saved
# crashes (fuzz/regressions/<harness>/). Usage: bash scripts/fuzz.sh [SECONDS] [BUILD_DIR]  (default 20, build-asan;
# the build dir comes from scripts/sanitize-build.sh). A new crash is written to fuzz/regressions/<harness>/ and fails
# the run; time alone never does (generous -timeout, -max_total_time stops each harness quietly).
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-20}
build=${2:-build-asan}
[[ "$seconds" =~ ^[0-9]+$ && "$seconds" -ge 1 ]] ||
  { echo "ginn fuzz: SECONDS is '$seconds' (expected a whole number >= 1; hint: bash scripts/fuzz.sh 600)" >&2; exit 2; }
harnesses=()
for source in fuzz/*_fuzz.cpp; do harnesses+=("$(basename "$source" .cpp)"); done
for h in "${harnesses[@]}"; do
  [ -x "$build/fuzz/$h" ] ||
    { echo "ginn fuzz: no harness $build/fuzz/$h (expected a sanitizer build; hint: bash scripts/sanitize-build.sh)" >&2; exit 2; }
done

# -timeout: one input taking 60 s (a hang) is a finding; a merely slow machine is far from it (and slow units are
# not saved below that, so a loaded machine does not litter fuzz/regressions/).
# -rss_limit_mb / -malloc_limit_mb: an input that makes a parser allocate gigabytes is a finding (no size bound).
options=(-seed=1 -timeout=60 -report_slow_units=60 -rss_limit_mb=2560 -malloc_limit_mb=2048 -print_final_stats=1)
failed=()
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export TMPDIR=$work  # the harnesses' temp files (fuzz/fuzz_util.h) go there too
export UBSAN_OPTIONS=print_stacktrace=1
for h in "${harnesses[@]}"; do
  regressions=fuzz/regressions/$h
  mkdir -p "$work/$h" "$regressions"
  if compgen -G "$regressions/*" >/dev/null; then
    echo "== $h: replaying $(ls "$regressions" | wc -l) saved crashes"
    "$build/fuzz/$h" "${options[@]}" "$regressions"/* >"$work/$h.replay.log" 2>&1 ||
      { cat "$work/$h.replay.log"; failed+=("$h (a saved crash in $regressions)"); continue; }
  fi
  echo "== $h: fuzzing for $seconds s"
  # the working corpus starts from the seeds in fuzz/corpus/<harness>/ and is thrown away afterwards
  if ! "$build/fuzz/$h" "${options[@]}" -max_total_time="$seconds" -artifact_prefix="$regressions/" \
       "$work/$h" "fuzz/corpus/$h" >"$work/$h.log" 2>&1; then
    sed -n '/ERROR\|runtime error\|Timeout\|out-of-memory\|deadly signal/,$p' "$work/$h.log" | head -n 60
    failed+=("$h (new input in $regressions)")
  else
    grep -E '^stat::number_of_executed_units|^Done' "$work/$h.log" | tr '\n' ' '; echo
  fi
done
if [ ${#failed[@]} -gt 0 ]; then
  echo "ginn fuzz: findings in ${failed[*]} (expected none; hint: reproduce with $build/fuzz/HARNESS FILE)" >&2
  exit 1
fi
echo "ginn fuzz: ${#harnesses[@]} harnesses, ${seconds} s each, no findings"
