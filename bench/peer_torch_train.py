#!/usr/bin/env python3
"""Peer of train_bench: the identical GINN training loop in PyTorch, one thread, for the side-by-side comparison.

Same net (2-16-16-16-2 ReLU, PyTorch's default init), same sampling (128 points uniformly with replacement), Adam 1e-3,
CosineAnnealingLR over 1,280,000 iterations, softmax cross-entropy. Not ginn's reference for correctness: the loss check
here only guards against timing a broken loop.

usage: peer_torch_train.py POINTS_FILE [--iterations N] [--repeats R]   (POINTS_FILE from `train_bench --dump`)
"""
import argparse
import statistics
import time

import numpy as np
import torch


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("points", help="'x y label' lines, as written by train_bench --dump")
    parser.add_argument("--iterations", type=int, default=2000)
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()

    torch.set_num_threads(1)
    torch.manual_seed(1)
    data = np.loadtxt(args.points, dtype=np.float32)
    X = torch.from_numpy(data[:, :2].copy())
    y = torch.from_numpy(data[:, 2].astype(np.int64))
    n = X.shape[0]

    def make():
        net = torch.nn.Sequential(
            torch.nn.Linear(2, 16), torch.nn.ReLU(),
            torch.nn.Linear(16, 16), torch.nn.ReLU(),
            torch.nn.Linear(16, 16), torch.nn.ReLU(),
            torch.nn.Linear(16, 2))
        opt = torch.optim.Adam(net.parameters(), lr=1e-3)
        sched = torch.optim.lr_scheduler.CosineAnnealingLR(opt, T_max=1280000)
        return net, opt, sched

    def train(net, opt, sched, iterations):
        for _ in range(iterations):
            idx = torch.randint(0, n, (128,))
            loss = torch.nn.functional.cross_entropy(net(X[idx]), y[idx])
            opt.zero_grad()
            loss.backward()
            opt.step()
            sched.step()

    def full_loss(net):
        with torch.no_grad():
            return torch.nn.functional.cross_entropy(net(X), y).item()

    # 1. correctness first: the loop must lower the full-grid loss
    net, opt, sched = make()
    before = full_loss(net)
    train(net, opt, sched, 3000)
    after = full_loss(net)
    print(f"check: full-grid loss {before:.4f} -> {after:.4f} after 3000 iterations")
    if not after < 0.9 * before:
        raise SystemExit("FAILED: the loss did not decrease")

    # 2. time: median of repeats, each from a fresh model
    us = []
    for _ in range(args.repeats):
        net, opt, sched = make()
        train(net, opt, sched, 50)  # warm-up
        t0 = time.perf_counter()
        train(net, opt, sched, args.iterations)
        us.append((time.perf_counter() - t0) * 1e6 / args.iterations)
    print(f"torch {torch.__version__}: {statistics.median(us):.1f} us/iteration "
          f"(median of {args.repeats} x {args.iterations}; min {min(us):.1f}, max {max(us):.1f}), 1 thread")
    print(f"torch_us_per_iteration={statistics.median(us):.3f}")


if __name__ == "__main__":
    main()
