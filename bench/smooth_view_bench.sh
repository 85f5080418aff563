#!/bin/sh
# Issue 10's smooth-activation target measured on the commands it was stated for ("`ginn view` on a small tanh run
# took 111 s and `ginn analyze` 104 s (ReLU runs of the same size: a few seconds)", about 40x): times `ginn view`,
# `ginn view --no-analysis` and `ginn analyze` on a tanh run and on the same-shaped ReLU run, median of N each, and
# prints the ratios (target: at most 10x). Checks first that both pages and reports were written. The geometry alone
# is timed by build/bench/smooth_geometry_bench. Not a test (no timed assertions); run it on an idle machine.
#
# usage: bench/smooth_view_bench.sh TANH_RUN RELU_RUN [N] [BUILD_DIR]
#   runs: ginn train --activation tanh --iterations 100000 -o TANH_RUN; the same with --activation relu
set -eu
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
tanh_run=${1:?usage: bench/smooth_view_bench.sh TANH_RUN RELU_RUN [N] [BUILD_DIR]}
relu_run=${2:?usage: bench/smooth_view_bench.sh TANH_RUN RELU_RUN [N] [BUILD_DIR]}
n=${3:-3}
build=${4:-"$here/../build"}
ginn="$build/ginn"
[ -x "$ginn" ] || { echo "build ginn first: cmake --build $build --target ginn" >&2; exit 1; }
out=$(mktemp -d /tmp/ginn-smooth-view-bench.XXXXXX)
trap 'rm -rf "$out"' EXIT
echo "command: bench/smooth_view_bench.sh $tanh_run $relu_run $n"
machine_line

time_cmd() {  # command words... -> median wall seconds of n runs
    i=0
    while [ "$i" -lt "$n" ]; do
        rm -rf "$out/report"
        start=$(date +%s.%N)
        "$@" >/dev/null
        echo "$(date +%s.%N) - $start" | bc
        i=$((i + 1))
    done | median
}
for kind in view no-analysis analyze; do
    for act in tanh relu; do
        eval run=\$${act}_run
        case $kind in
            view) t=$(time_cmd "$ginn" view "$run" -o "$out/$act.html" -q)
                  [ -s "$out/$act.html" ] || { echo "FAILED: no page for $run" >&2; exit 1; } ;;
            no-analysis) t=$(time_cmd "$ginn" view "$run" --no-analysis -o "$out/$act.html" -q) ;;
            analyze) t=$(time_cmd "$ginn" analyze "$run" -o "$out/report" -q --no-viewer)
                     [ -s "$out/report/report.json" ] || { echo "FAILED: no report for $run" >&2; exit 1; } ;;
        esac
        eval "${act}_t=$t"
    done
    awk -v k="$kind" -v a="$tanh_t" -v b="$relu_t" \
        'BEGIN { printf "%-12s tanh %7.2f s, relu %6.2f s: %5.1fx (target <= 10x)\n", k, a, b, a / b }'
done
