#!/bin/sh
# Issue 14: what `ginn view --model` and `ginn analyze --model` cost beside `ginn geometry --model` (the peer: the
# same exact geometry alone) on ONNX files: median wall seconds of N runs of each, and the ratios. Checks first that
# the page and the report hold the geometry's region counts. Not a test (no timed assertions); run it on an idle machine.
#
# usage: bench/network_view_bench.sh N BUILD_DIR XMIN,XMAX,YMIN,YMAX MODEL.onnx [MODEL.onnx ...]
#   e.g. bench/network_view_bench.sh 3 build -2,2,-2,2 relu_16x3.onnx relu_64x6.onnx (torch.onnx.export of MLPs)
set -eu
n=${1:?usage: bench/network_view_bench.sh N BUILD_DIR DOMAIN MODEL.onnx [MODEL.onnx ...]}
build=${2:?usage: bench/network_view_bench.sh N BUILD_DIR DOMAIN MODEL.onnx [MODEL.onnx ...]}
domain=${3:?usage: bench/network_view_bench.sh N BUILD_DIR DOMAIN MODEL.onnx [MODEL.onnx ...]}
shift 3
ginn="$build/ginn"
. "$(cd "$(dirname "$0")" && pwd)/lib.sh"
[ -x "$ginn" ] || { echo "build ginn first: cmake --build $build --target ginn" >&2; exit 1; }
out=$(mktemp -d /tmp/ginn-network-view-bench.XXXXXX)
trap 'rm -rf "$out"' EXIT
echo "command: bench/network_view_bench.sh $n $build $domain $*"
machine_line

time_cmd() {  # command words... -> median wall seconds of n runs
    i=0
    while [ "$i" -lt "$n" ]; do
        start=$(date +%s.%N)
        "$@" >/dev/null
        echo "$(date +%s.%N) - $start" | bc
        i=$((i + 1))
    done | median
}
count() {  # python3 expression over j -> value
    python3 -c "import json, sys; j = json.load(open(sys.argv[1])); print($2)" "$1"
}
for model in "$@"; do
    "$ginn" geometry --model "$model" --domain "$domain" -o "$out/g.json"
    "$ginn" view --model "$model" --domain "$domain" -q -o "$out/v.html" >/dev/null
    "$ginn" analyze --model "$model" --domain "$domain" -q -o "$out/a" >/dev/null
    python3 - "$out/g.json" "$out/v.html" "$out/a/report.json" <<'PY' || { echo "FAILED: $model: counts differ" >&2; exit 1; }
import json, re, sys
g = json.load(open(sys.argv[1]))
page = open(sys.argv[2]).read()
run = json.loads(re.search(r'<script id="ginn-data" type="application/json">(.*?)</script>', page, re.S).group(1))["runs"][0]
report = json.load(open(sys.argv[3]))["runs"][0]
assert run["exact"] == [g["exact"]]
if g["exact"]:
    assert run["counts"]["activation"] == [g["regions"]["activation"]] == report["regions"]["activation"]
PY
    tg=$(time_cmd "$ginn" geometry --model "$model" --domain "$domain" -o "$out/g.json")
    tv=$(time_cmd "$ginn" view --model "$model" --domain "$domain" -q -o "$out/v.html")
    ta=$(time_cmd "$ginn" analyze --model "$model" --domain "$domain" -q -o "$out/a")
    regions=$(count "$out/g.json" "j['regions']['activation'] if j['exact'] else 'approximate'")
    printf '%s (%s regions): geometry %.3f s, view %.3f s (%.1fx), analyze %.3f s (%.1fx), page %s KiB; median of %s\n' \
        "$(basename "$model")" "$regions" "$tg" "$tv" "$(echo "$tv / $tg" | bc -l)" "$ta" "$(echo "$ta / $tg" | bc -l)" \
        "$(($(stat -c %s "$out/v.html") / 1024))" "$n"
done
