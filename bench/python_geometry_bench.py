#!/usr/bin/python3
"""ginn.geometry(net) from Python beside the same compute_geometry call from C++ on the same network: the GINN
architecture (2-16-16-16-2 relu, the bottle), trained by ginn for --iterations (default 100,000) so that it has the
geometry of a trained net. Prints both medians and the ratio Python / C++ (issue 14 asks for <= 1.2), and the Python time when every field
is also turned into Python values (made on first access).
Checks first that both sides count the same linear regions.

Usage: PYTHONPATH=build/bindings/python /usr/bin/python3 bench/python_geometry_bench.py [--repeats 50] [--iterations 100000]
"""
import argparse
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time

import ginn

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--repeats", type=int, default=50)
    p.add_argument("--iterations", type=int, default=100_000)
    p.add_argument("--build", default=os.path.join(ROOT, "build"))
    a = p.parse_args()
    print("command:", " ".join([os.path.basename(sys.executable)] + sys.argv))
    print("machine:", platform.node(), platform.processor() or platform.machine(), os.cpu_count(), "cores")
    with tempfile.TemporaryDirectory() as tmp:
        run = ginn.train(os.path.join(tmp, "ginn"), iterations=a.iterations, quiet=True)
        net = run.network(-1)
        weights = os.path.join(tmp, "ginn.json")
        with open(weights, "w") as f:
            f.write(net.to_json())
        out = subprocess.run([os.path.join(a.build, "bench", "python_geometry_bench"), weights, str(a.repeats)],
                             capture_output=True, text=True, check=True).stdout
    cpp = dict(line.split() for line in out.splitlines())
    g = ginn.geometry(net)
    assert g.exact and g.regions.linear == int(cpp["cpp_linear_regions"]), (g.regions.linear, cpp)
    times, times_fields = [], []
    for _ in range(a.repeats):
        t0 = time.perf_counter()
        ginn.geometry(net)
        times.append(time.perf_counter() - t0)
        t0 = time.perf_counter()
        ginn.geometry(net).neurons  # and every field made into Python values and NumPy views
        times_fields.append(time.perf_counter() - t0)
    py, cc = statistics.median(times), float(cpp["cpp_median_seconds"])
    py_fields = statistics.median(times_fields)
    print(f"network: {net}, {a.iterations} iterations, {g.regions.linear} linear regions")
    print(f"C++    compute_geometry   median of {a.repeats}: {cc * 1e3:.2f} ms")
    print(f"Python ginn.geometry(net) median of {a.repeats}: {py * 1e3:.2f} ms")
    print(f"Python ginn.geometry(net) + all fields as Python values, median of {a.repeats}: {py_fields * 1e3:.2f} ms")
    print(f"ratio Python / C++: {py / cc:.3f} (with all fields read: {py_fields / cc:.3f})")


if __name__ == "__main__":
    main()
