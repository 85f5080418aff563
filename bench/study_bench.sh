#!/bin/sh
# Wall time of Gupta's whole study: all six sweeps of examples/gupta/ (124 runs), each trained from scratch into a
# fresh directory with every table and figure (and the viewer unless --no-viewer), median of REPEATS. Checks first
# that every sweep wrote its table with one row per run. Target (issue 11): 20 s on the project's 2-core machine.
# Not done yet: the side-by-side PyTorch run of one configuration per experiment (see docs/study.md).
#
# usage: bench/study_bench.sh [BUILD_DIR] [REPEATS] [--no-viewer]
set -eu
here=$(cd "$(dirname "$0")" && pwd)
build=${1:-"$here/../build"}
repeats=${2:-3}
extra=${3:-}
ginn="$build/ginn"
[ -x "$ginn" ] || { echo "build ginn first: cmake --build $build --target ginn" >&2; exit 1; }
work=$(mktemp -d /tmp/ginn-study-bench.XXXXXX)
trap 'rm -rf "$work"' EXIT
echo "command: bench/study_bench.sh $build $repeats $extra"
echo "machine: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), $(nproc) cores, load $(cut -d' ' -f1 /proc/loadavg)"
times=""
for r in $(seq "$repeats"); do
    rm -rf "$work"/*
    start=$(date +%s.%N)
    for e in activation depth width dropout batchnorm residual; do
        "$ginn" sweep "$here/../examples/gupta/$e.toml" -o "$work/$e" -q $extra >/dev/null
    done
    end=$(date +%s.%N)
    for e in activation depth width dropout batchnorm residual; do
        rows=$(($(wc -l < "$work/$e/metrics.csv") - 1))
        runs=$(ls "$work/$e/runs" | wc -l)
        [ "$rows" -eq "$runs" ] || { echo "CHECK FAILED: $e has $rows table rows for $runs runs" >&2; exit 1; }
    done
    t=$(echo "$end - $start" | bc)
    echo "repeat $r: $t s"
    times="$times $t"
done
median=$(echo $times | tr ' ' '\n' | sort -n | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2}')
echo "all six experiments: median $median s (target 20 s)"
