#!/bin/sh
# Issue 9's table on trained networks, as the issue measured it: the bottle (GINN's task) learnt by 2-W-W-W-2 ReLU
# nets of width 64, 128 and 256 and by a 6-layer net of width 128 (100,000 Adam iterations, seed 1, 8 snapshots),
# then `geometry_bench` on each run's final snapshot: exact geometry beside the 200x200 raster, time per region,
# peak memory and the GMP share, each row against its target. The runs are trained once into OUT_DIR and reused
# (about 8 minutes on a loaded 2-core host). geometry_bench's own rows are synthetic "trained-like" nets of the same shapes,
# which cut the plane into more regions at width 64 and 256 than these.
#
# usage: bench/trained_geometry.sh [BUILD_DIR] [OUT_DIR] [REPEATS]
set -eu
here=$(cd "$(dirname "$0")" && pwd)
build=${1:-"$here/../build"}
out=${2:-/tmp/ginn-trained-nets}
repeats=${3:-5}
mkdir -p "$out"
rows=""
for widths in 64,64,64 128,128,128 256,256,256 128,128,128,128,128,128; do
    run="$out/bottle-$widths"
    if [ ! -f "$run/manifest.json" ] || ! "$build/ginn" info "$run" | grep -q "complete"; then
        echo "training $run ..."
        "$build/ginn" train -q --widths "$widths" --iterations 100000 --snapshots log:8 --seed 1 -o "$run" --force
    fi
    rows="$rows run:$run"
done
# shellcheck disable=SC2086
"$build/bench/geometry_bench" "$repeats" $rows
