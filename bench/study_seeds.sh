#!/bin/sh
# Gupta's whole study over several seeds (default 1 2 3): each seed is one `ginn sweep examples/gupta/*.toml` with
# [train] seed set, then one Markdown table per experiment of the exact error area per cell (variant x task) in % of
# the domain: mean +- sample standard deviation over the seeds, and the range (~ marks smooth activations, where the
# error area is the grid approximation). This is what docs/study.md's fidelity section shows. Not a timing.
#
# usage: bench/study_seeds.sh [BUILD_DIR] [OUT_DIR] [SEEDS...]
set -eu
here=$(cd "$(dirname "$0")" && pwd)
build=${1:-"$here/../build"}
out=${2:-/tmp/ginn-study-seeds}
if [ $# -ge 2 ]; then shift 2; else shift $#; fi
seeds=${*:-1 2 3}
experiments="activation depth width dropout batchnorm residual"
mkdir -p "$out"
for s in $seeds; do
    mkdir -p "$out/files-$s"
    files=""
    for e in $experiments; do
        sed "s/^\[train\]\$/[train]\nseed = $s/" "$here/../examples/gupta/$e.toml" > "$out/files-$s/$e.toml"
        files="$files $out/files-$s/$e.toml"
    done
    # shellcheck disable=SC2086
    "$build/ginn" sweep $files -o "$out/seed-$s" -q --no-viewer >/dev/null
done
/usr/bin/python3 - "$out" "$experiments" $seeds <<'PY'
import csv, statistics, sys
out, experiments, seeds = sys.argv[1], sys.argv[2].split(), sys.argv[3:]
targets = ["y-x", "y-|x|", "1-x^2/4-y^2", "y-sin(pi*x)"]
for e in experiments:
    cells, approx, variants = {}, set(), []
    for s in seeds:
        for row in csv.DictReader(open(f"{out}/seed-{s}/{e}/metrics.csv")):
            variant = row["variant"].replace(", " + row["target"], "").replace(row["target"] + ", ", "")
            if variant not in variants: variants.append(variant)
            cells.setdefault((variant, row["target"]), []).append(100 * float(row["error_area"]))
            if "approximate" in row["error_method"]: approx.add(variant)
    print(f"\n{e} (error area in % of the domain, mean +- sd over seeds {', '.join(seeds)}; range)\n")
    print("| variant | " + " | ".join(targets).replace("|x|", "\\|x\\|") + " |")
    print("|---" * (len(targets) + 1) + "|")
    for v in variants:
        row = []
        for t in targets:
            x = cells[(v, t)]
            sd = statistics.stdev(x) if len(x) > 1 else 0
            row.append(f"{'~' if v in approx else ''}{statistics.mean(x):.2f} +- {sd:.2f} ({min(x):.2f}-{max(x):.2f})")
        print(f"| {v} | " + " | ".join(row) + " |")
PY
