#!/bin/sh
# Times `ginn animate RUN -o out.mp4` with frames drawn on both cores (--threads 2) beside the same pipeline on one
# thread, and prints the median wall time of N runs of each and their ratio. Checks the video first: ffprobe must count
# one frame per snapshot. Not a test (no timed assertions); run it on an otherwise idle machine.
#
# Wall times on a busy machine mostly measure the other load, so it also prints the CPU seconds (ginn + ffmpeg).
# usage: bench/animate_bench.sh RUN [N] [BUILD_DIR]   (default N 3, build; ginn must be built; needs ffmpeg)
set -eu
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
run=${1:?usage: bench/animate_bench.sh RUN [N] [BUILD_DIR]}
n=${2:-3}
build=${3:-"$here/../build"}
ginn="$build/ginn"
[ -x "$ginn" ] || { echo "build ginn first: cmake --build $build --target ginn" >&2; exit 1; }
command -v ffprobe >/dev/null || { echo "needs ffmpeg (ffprobe): apt-get install ffmpeg" >&2; exit 1; }
out=$(mktemp -d /tmp/ginn-animate-bench.XXXXXX)
trap 'rm -rf "$out"' EXIT

# correctness first: one frame per snapshot, even dimensions
"$ginn" animate "$run" -o "$out/check.mp4" -q
snapshots=$("$ginn" info "$run" | sed -n 's/^snapshots *\([0-9][0-9]*\) recorded.*/\1/p')
frames=$(ffprobe -v error -count_frames -select_streams v:0 -show_entries stream=nb_read_frames -of csv=p=0 "$out/check.mp4")
[ "$frames" = "$snapshots" ] || { echo "FAILED: $frames frames for $snapshots snapshots" >&2; exit 1; }

time_runs() {  # threads -> median wall seconds of n runs
    i=0
    while [ "$i" -lt "$n" ]; do
        start=$(date +%s.%N)
        "$ginn" animate "$run" -o "$out/t.mp4" -q --threads "$1"
        end=$(date +%s.%N)
        echo "$end - $start" | bc
        i=$((i + 1))
    done | median
}
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), load $(cut -d' ' -f1-3 /proc/loadavg)"
echo "command: $ginn animate $run -o out.mp4 --threads T   ($frames frames, median of $n)"
cpu=$( { /usr/bin/time -f "%U %S" "$ginn" animate "$run" -o "$out/c.mp4" -q --threads 2; } 2>&1 | tail -1 | awk '{ print $1 + $2 }')
echo "cpu time of one run, ginn and ffmpeg (user + sys): ${cpu} s"
two=$(time_runs 2)
one=$(time_runs 1)
echo "ginn, 2 threads: ${two} s"
echo "peer, same pipeline on 1 thread: ${one} s"
echo "ratio (1 thread / 2 threads): $(echo "scale=2; $one / $two" | bc)"
