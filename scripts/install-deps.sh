#!/usr/bin/env bash
# Installs what ginn needs from Debian bookworm (and playwright-core from npm for the browser tests only).
# Idempotent: installs only what is missing. Runs apt as root, or through sudo when not root.
set -euo pipefail
cd "$(dirname "$0")/.."

packages=(build-essential cmake ninja-build pkg-config
          libeigen3-dev libcairo2-dev libcli11-dev libtomlplusplus-dev nlohmann-json3-dev libstb-dev
          zlib1g-dev
          libgtest-dev libbenchmark-dev
          clang libclang-rt-14-dev llvm   # sanitizer build, libFuzzer harnesses, llvm-symbolizer for their reports
          libgmp-dev
          poppler-utils   # pdftotext, pdfinfo: the figure tests read PDFs back
          python3 python3-pil   # the reference for the Pillow-compatible resize test (tests/data)
          libopenmpi-dev openmpi-bin   # optional for the build: mpirun -np N ginn sweep (tests/study/sweep_cli_test)
          ffmpeg chromium
          libsqlite3-dev libcpp-httplib-dev wrk   # ginn annotate serve (labels in SQLite); wrk loads it in bench/
          dataset-fashion-mnist   # ginn flips: the naive Bayes experiment's default data (MNIST's idx format)
          zlib1g-dev   # ginn flips reads the gzipped idx files
          emscripten   # optional for the build: ginn play (the engine in WebAssembly)
          python3-dev pybind11-dev python3-numpy python3-pytest   # the Python module and its tests
          libonnx-dev python3-onnx   # --model FILE.onnx; python3-onnx checks the exported test models (PyTorch is the reference)
          python3-torch python3-nbconvert python3-ipykernel)   # PyTorch peers in tests/benchmarks; the notebook runs
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
# Node.js and npm only matter for the browser tests; a machine that already has them (from any source) keeps its own.
command -v node >/dev/null && command -v npm >/dev/null || missing+=(nodejs npm)
if [ ${#missing[@]} -gt 0 ]; then
  echo "ginn setup: installing ${missing[*]}"
  sudo=""; [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# Browser tests only: playwright-core, at exactly the version the lock file names, drives Debian's chromium (no
# browser download). --engine-strict turns a Node too old for it into an error instead of a warning.
bash scripts/install-e2e.sh
