#!/usr/bin/python3
"""ginn's exact geometry of a PyTorch-trained 2-32-32-32-2 ReLU MLP beside the usual way to draw its decision
boundary: a raster forward pass in PyTorch at 1000 x 1000 pixels and the pixel edges where the argmax changes.
Prints both times (medians) and what the raster gets wrong, measured against the exact boundary (docs/python.md):
  missed:     exact boundary length inside grid cells whose four pixel-centre classes agree (the raster draws
              nothing there: thin slivers and wiggles between pixel centres), as a share of the boundary length;
  misplaced:  raster boundary points (midpoints of the pixel-centre segments whose class changes) farther than a
              quarter pixel from the exact crossing of that segment (found by bisection on ginn's float64 forward),
              and the largest such distance in pixels.
Checks first that ginn's forward equals torch's on the grid (float64, 1e-6).

Usage: PYTHONPATH=build/bindings/python /usr/bin/python3 bench/python_torch_raster_bench.py [--repeats 5] [--pixels 1000]
"""
import argparse
import os
import platform
import statistics
import sys
import time

import numpy as np
import torch
from torch import nn

import ginn

DOMAIN = (-2.0, 2.0, -2.0, 2.0)


def train_model(steps):
    """Gupta's task y - sin(pi x) > 0 on [-2, 2]^2 with a 2-32-32-32-2 ReLU MLP, Adam, full batch."""
    torch.manual_seed(0)
    X = torch.rand(4000, 2) * 4 - 2
    y = (X[:, 1] - torch.sin(np.pi * X[:, 0]) > 0).long()
    model = nn.Sequential(nn.Linear(2, 32), nn.ReLU(), nn.Linear(32, 32), nn.ReLU(), nn.Linear(32, 32), nn.ReLU(),
                          nn.Linear(32, 2))
    opt = torch.optim.Adam(model.parameters(), lr=3e-3)
    for _ in range(steps):
        opt.zero_grad()
        nn.functional.cross_entropy(model(X), y).backward()
        opt.step()
    return model.eval()


def raster(model, n):
    """Classes at the n x n pixel centres, row 0 at the top (ginn's convention), and the centres' coordinates."""
    h = 4.0 / n
    xs = -2 + (np.arange(n) + 0.5) * h
    ys = 2 - (np.arange(n) + 0.5) * h
    G = np.stack(np.meshgrid(xs, ys), -1).reshape(-1, 2).astype(np.float32)
    with torch.no_grad():
        cls = model(torch.from_numpy(G)).argmax(1).numpy().reshape(n, n)
    return cls, xs, ys


def missed_share(g, cls, xs, ys, n):
    """Share of the exact decision boundary's length inside cells whose four corner pixel classes agree."""
    h = 4.0 / n
    total = missed = 0.0
    for line in g.decision_boundary:
        seg = np.diff(line, axis=0)
        length = np.linalg.norm(seg, axis=1)
        for p, d, L in zip(line[:-1], seg, length):
            k = max(1, int(np.ceil(L / (0.1 * h))))
            t = (np.arange(k) + 0.5) / k
            q = p + t[:, None] * d
            c = np.clip(np.floor((q[:, 0] - xs[0]) / h).astype(int), 0, n - 2)  # cell between columns c, c+1
            r = np.clip(np.floor((ys[0] - q[:, 1]) / h).astype(int), 0, n - 2)  # and rows r, r+1
            corners = np.stack([cls[r, c], cls[r, c + 1], cls[r + 1, c], cls[r + 1, c + 1]])
            agree = np.all(corners == corners[0], axis=0)
            total += L
            missed += L * agree.mean()
    return missed / total if total else 0.0


def misplaced(net, cls, xs, ys, n):
    """Raster boundary points farther than h/4 from the exact crossing of their segment; largest distance / h."""
    h = 4.0 / n
    a_list, b_list = [], []
    r, c = np.nonzero(cls[:, 1:] != cls[:, :-1])  # horizontal neighbours
    a_list.append(np.stack([xs[c], ys[r]], 1)); b_list.append(np.stack([xs[c + 1], ys[r]], 1))
    r, c = np.nonzero(cls[1:, :] != cls[:-1, :])  # vertical neighbours
    a_list.append(np.stack([xs[c], ys[r]], 1)); b_list.append(np.stack([xs[c], ys[r + 1]], 1))
    A, B = np.concatenate(a_list), np.concatenate(b_list)
    sa = np.sign(np.diff(net.forward(A), axis=1)[:, 0])
    lo, hi = np.zeros(len(A)), np.ones(len(A))
    for _ in range(40):  # bisection on ginn's float64 forward: the exact crossing to 1e-12 of a pixel
        mid = 0.5 * (lo + hi)
        s = np.sign(np.diff(net.forward(A + mid[:, None] * (B - A)), axis=1)[:, 0])
        same = s == sa
        lo, hi = np.where(same, mid, lo), np.where(same, hi, mid)
    offset = np.abs(0.5 * (lo + hi) - 0.5)  # in pixels (segments are one pixel long)
    return len(A), int(np.count_nonzero(offset > 0.25)), float(offset.max()) if len(A) else 0.0


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--repeats", type=int, default=5)
    p.add_argument("--pixels", type=int, default=1000)
    p.add_argument("--steps", type=int, default=2000)
    a = p.parse_args()
    print("command:", " ".join([os.path.basename(sys.executable)] + sys.argv))
    print("machine:", platform.node(), platform.processor() or platform.machine(), os.cpu_count(), "cores;",
          "torch", torch.__version__, "threads", torch.get_num_threads())
    model = train_model(a.steps)
    net = ginn.Network.from_torch(model, domain=DOMAIN)
    n = a.pixels
    cls, xs, ys = raster(model, n)
    G = np.stack(np.meshgrid(xs, ys), -1).reshape(-1, 2)
    with torch.no_grad():
        ref = model.double()(torch.from_numpy(G)).numpy()
    model.float()
    assert np.abs(net.forward(G) - ref).max() < 1e-6, "ginn's forward differs from torch's"

    t_ginn, t_torch = [], []
    for _ in range(a.repeats):
        t0 = time.perf_counter()
        g = ginn.geometry(net)
        t_ginn.append(time.perf_counter() - t0)
        t0 = time.perf_counter()
        raster(model, n)
        t_torch.append(time.perf_counter() - t0)
    share = missed_share(g, cls, xs, ys, n)
    n_points, n_off, worst = misplaced(net, cls, xs, ys, n)
    length = sum(np.linalg.norm(np.diff(l, axis=0), axis=1).sum() for l in g.decision_boundary)
    print(f"network: {net}, {g.regions.linear} linear regions; exact decision boundary {len(g.decision_boundary)} "
          f"polylines, length {length:.3f}")
    print(f"ginn exact geometry (all neurons + decision boundary) median of {a.repeats}: "
          f"{statistics.median(t_ginn) * 1e3:.1f} ms")
    print(f"torch raster forward {n}x{n} + argmax            median of {a.repeats}: "
          f"{statistics.median(t_torch) * 1e3:.1f} ms")
    print(f"raster missed: {share * 100:.3f} % of the exact boundary length (cells whose 4 pixel classes agree)")
    print(f"raster misplaced: {n_off} of {n_points} raster boundary points more than 1/4 pixel from the exact "
          f"crossing (largest {worst:.3f} pixel)")


if __name__ == "__main__":
    main()
