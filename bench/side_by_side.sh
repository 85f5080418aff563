#!/bin/sh
# Two builds of geometry_bench side by side: for each shape, `OLD profile SHAPE R` and `NEW profile SHAPE R` in
# turn, ROUNDS times, then the median of each build's CPU times (ms per geometry). The host's speed drifts from minute
# to minute, so two builds are compared only this way, never against a number measured at another time.
#
# usage: bench/side_by_side.sh OLD_BENCH NEW_BENCH ROUNDS "SHAPE R" ...
#   e.g. bench/side_by_side.sh /tmp/old/geometry_bench build/bench/geometry_bench 5 "128x3 10" "run:RUN_DIR 10"
# SHAPE is what `geometry_bench profile` takes: WIDTHxDEPTH (synthetic) or run:DIR (a run's final snapshot).
set -eu
if [ $# -lt 4 ]; then
    echo "usage: $0 OLD_BENCH NEW_BENCH ROUNDS \"SHAPE R\" ..." >&2
    exit 2
fi
old=$1 new=$2 rounds=$3
shift 3
cpu_ms() { "$1" profile "$2" "$3" | sed -n 's/.* wall, \([0-9.]*\) ms CPU.*/\1/p'; }
median() { printf '%s\n' "$@" | grep . | sort -g | awk '{a[NR] = $1} END {print a[int((NR + 1) / 2)]}'; }
for spec in "$@"; do
    # shellcheck disable=SC2086
    set -- $spec
    o="" n=""
    for _ in $(seq "$rounds"); do
        o="$o $(cpu_ms "$old" "$1" "$2")"
        n="$n $(cpu_ms "$new" "$1" "$2")"
    done
    # shellcheck disable=SC2086
    echo "$1: old $(median $o) ms, new $(median $n) ms   (old:$o | new:$n)"
done
