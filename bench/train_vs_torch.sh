#!/bin/sh
# Trains the default GINN configuration in ginn (bench/train_bench) and in PyTorch (bench/peer_torch_train.py), one thread
# each, on the same bottle labels, and prints microseconds per iteration side by side and their ratio.
# Not part of the quick start: installs the peer's Debian packages itself when they are missing.
#
# usage: bench/train_vs_torch.sh [BUILD_DIR]   (default build; the train_bench target must be built)
set -eu
here=$(cd "$(dirname "$0")" && pwd)
build=${1:-"$here/../build"}
python=/usr/bin/python3  # Debian's python, where python3-torch lives (not a pyenv python on PATH)

if ! "$python" -c "import torch, numpy" 2>/dev/null; then
    echo "installing the peer's packages: python3-torch python3-numpy"
    if [ "$(id -u)" -eq 0 ]; then apt-get install -y python3-torch python3-numpy
    else sudo apt-get install -y python3-torch python3-numpy; fi
fi
[ -x "$build/bench/train_bench" ] || { echo "build train_bench first: ninja -C $build train_bench" >&2; exit 1; }

points=$(mktemp /tmp/ginn-bench-points.XXXXXX)
trap 'rm -f "$points"' EXIT
"$build/bench/train_bench" --dump "$points"

echo "== ginn: $build/bench/train_bench"
ginn_out=$(OMP_NUM_THREADS=1 "$build/bench/train_bench")
echo "$ginn_out"
echo "== PyTorch: $python $here/peer_torch_train.py"
torch_out=$(OMP_NUM_THREADS=1 "$python" "$here/peer_torch_train.py" "$points")
echo "$torch_out"

ginn_us=$(echo "$ginn_out" | sed -n 's/^ginn_us_per_iteration=//p')
torch_us=$(echo "$torch_out" | sed -n 's/^torch_us_per_iteration=//p')
echo "== machine: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), load average $(cut -d' ' -f1-3 /proc/loadavg)"
awk -v g="$ginn_us" -v t="$torch_us" 'BEGIN { printf "ginn %.2f us/iteration, PyTorch %.1f us/iteration: ginn is %.0fx faster (wall clock, medians)\n", g, t, t / g }'
