#!/usr/bin/env python3
"""The complete GINN run in PyTorch (the original's loop), as the reference for ginn's final loss on the same labels.

Same net (2-16-16-16-2 ReLU, PyTorch default init), minibatch 128 drawn uniformly with replacement, Adam 1e-3,
CosineAnnealingLR to 0 over 1,280,000 iterations, softmax cross-entropy. Prints the full-grid loss and accuracy every
10% and at the end. Takes 15-25 minutes on one core.

usage: torch_reference_run.py POINTS_FILE [--seed S] [--iterations N]   (POINTS_FILE from `train_bench --dump`)
"""
import argparse

import numpy as np
import torch


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("points")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--iterations", type=int, default=1280000)
    args = parser.parse_args()
    torch.set_num_threads(1)
    torch.manual_seed(args.seed)
    data = np.loadtxt(args.points, dtype=np.float32)
    X = torch.from_numpy(data[:, :2].copy())
    y = torch.from_numpy(data[:, 2].astype(np.int64))
    net = torch.nn.Sequential(torch.nn.Linear(2, 16), torch.nn.ReLU(), torch.nn.Linear(16, 16), torch.nn.ReLU(),
                              torch.nn.Linear(16, 16), torch.nn.ReLU(), torch.nn.Linear(16, 2))
    opt = torch.optim.Adam(net.parameters(), lr=1e-3)
    sched = torch.optim.lr_scheduler.CosineAnnealingLR(opt, T_max=args.iterations)

    def report(it):
        with torch.no_grad():
            logits = net(X)
            loss = torch.nn.functional.cross_entropy(logits, y).item()
            acc = (logits.argmax(1) == y).float().mean().item()
        print(f"iteration {it} full-grid loss {loss:.5f} accuracy {acc:.4f}", flush=True)

    for it in range(args.iterations):
        if it % (args.iterations // 10) == 0:
            report(it)
        idx = torch.randint(0, X.shape[0], (128,))
        loss = torch.nn.functional.cross_entropy(net(X[idx]), y[idx])
        opt.zero_grad()
        loss.backward()
        opt.step()
        sched.step()
    report(args.iterations)


if __name__ == "__main__":
    main()
