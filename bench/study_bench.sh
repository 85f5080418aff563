#!/bin/sh
# Wall time of Gupta's whole study: all six sweeps of examples/gupta/ (120 runs) in one `ginn sweep` command, trained
# from scratch into a fresh directory with every table, figure and viewer, median of REPEATS. Checks first that every
# sweep wrote its table with one row per run. Target (issue 11): 20 s on the project's 2-core machine.
# Then the side-by-side with PyTorch (bench/peer_torch_study.py, one thread): one run of each experiment (the sine
# task of tanh, 8 layers, very wide, keep 0.5, batch norm on, residual with 10k points), each trained alone by
# `ginn train --config` and by PyTorch, REPEATS times each (medians), two ratios side by side:
#   (a) training vs training, the issue's ratio (target 30x): PyTorch's training loop (timed inside the script) against
#       the time ginn records for the run's updates (manifest "train_seconds": the update loop alone, like PyTorch's
#       side; the manifest's "seconds" adds the snapshots' full-data evaluations and their writes);
#   (b) whole process vs whole process, both timed from outside: `python3 peer_torch_study.py` (interpreter start,
#       import torch, data, model, loop, two full-data loss checks) against the whole `ginn train --config` command
#       (process start, data, training, snapshots, files).
#
# usage: bench/study_bench.sh [BUILD_DIR] [REPEATS] [--no-viewer]
set -eu
here=$(cd "$(dirname "$0")" && pwd)
build=${1:-"$here/../build"}
repeats=${2:-3}
extra=${3:-}
ginn="$build/ginn"
python=/usr/bin/python3  # Debian's python, where python3-torch lives
[ -x "$ginn" ] || { echo "build ginn first: cmake --build $build --target ginn" >&2; exit 1; }
work=$(mktemp -d /tmp/ginn-study-bench.XXXXXX)
trap 'rm -rf "$work"' EXIT
experiments="activation depth width dropout batchnorm residual"
median() { tr ' ' '\n' | grep . | sort -n | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2}'; }
echo "command: bench/study_bench.sh $build $repeats $extra"
echo "machine: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), $(nproc) cores, load $(cut -d' ' -f1 /proc/loadavg)"
files=""
for e in $experiments; do files="$files $here/../examples/gupta/$e.toml"; done
times=""
for r in $(seq "$repeats"); do
    rm -rf "$work/study"
    start=$(date +%s.%N)
    # shellcheck disable=SC2086
    "$ginn" sweep $files -o "$work/study" -q $extra >/dev/null
    end=$(date +%s.%N)
    for e in $experiments; do
        rows=$(($(wc -l < "$work/study/$e/metrics.csv") - 1))
        runs=$(ls "$work/study/$e/runs" | wc -l)
        [ "$rows" -eq "$runs" ] || { echo "CHECK FAILED: $e has $rows table rows for $runs runs" >&2; exit 1; }
    done
    t=$(echo "$end - $start" | bc)
    echo "repeat $r: $t s"
    times="$times $t"
done
echo "all six experiments: median $(echo $times | median) s (target 20 s)"

"$python" -c "import torch" 2>/dev/null || { echo "no PyTorch side-by-side: apt-get install python3-torch"; exit 0; }
echo "== one run per experiment, one thread each, median of $repeats: (a) training vs training [the issue's ratio], (b) whole process vs whole process"
printf '%-10s %-40s %-44s %s\n' experiment run "(a) ginn training | PyTorch loop" "(b) ginn command | python3 process"
now() { date +%s.%N; }
for pick in activation:011 depth:015 width:015 dropout:007 batchnorm:007 residual:023; do
    e=${pick%%:*} run=$work/study/${pick%%:*}/runs/${pick#*:}
    # the run's config as a TOML file for ginn train
    "$python" - "$run/manifest.json" "$work/$e.toml" <<'PY'
import json, sys
c = json.load(open(sys.argv[1]))["config"]
def val(v):
    return json.dumps(v) if not isinstance(v, bool) else str(v).lower()
with open(sys.argv[2], "w") as f:
    f.write(f"snapshots = {val(c['snapshots'])}\n")
    for section in ("task", "model", "optim", "train"):
        f.write(f"[{section}]\n" + "".join(f"{k} = {val(v)}\n" for k, v in c[section].items() if v is not None))
PY
    g_whole="" g_train="" t_whole="" t_loop=""
    for r in $(seq "$repeats"); do
        rm -rf "$work/single"
        s=$(now)
        "$ginn" train --config "$work/$e.toml" -o "$work/single" --quiet >/dev/null
        g_whole="$g_whole $(echo "$(now) - $s" | bc)"
        g_train="$g_train $("$python" -c 'import json, sys; m = json.load(open(sys.argv[1])); print(m["train_seconds"])' "$work/single/manifest.json")"
        s=$(now)
        out=$(OMP_NUM_THREADS=1 "$python" "$here/peer_torch_study.py" "$run/manifest.json" --repeats 1)
        t_whole="$t_whole $(echo "$(now) - $s" | bc)"
        t_loop="$t_loop $(echo "$out" | sed -n 's/^torch_seconds_per_run=//p')"
    done
    label=$(sed -n "$((10#${pick#*:} + 2))p" "$work/study/$e/metrics.csv" | cut -d, -f3- | sed 's/,[0-9].*//; s/"//g')
    awk -v e="$e" -v l="$label" -v gt="$(echo $g_train | median)" -v tl="$(echo $t_loop | median)" \
        -v gw="$(echo $g_whole | median)" -v tw="$(echo $t_whole | median)" \
        'BEGIN { printf "%-10s %-40s (a) %.3f s | %.3f s: %5.1fx   (b) %.3f s | %.3f s: %5.1fx\n",
                 e, l, gt, tl, tl / gt, gw, tw, tw / gw }'
done
