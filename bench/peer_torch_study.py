#!/usr/bin/env python3
"""Peer of study_bench.sh: one run of a sweep trained in PyTorch (one thread) with the run's own settings, timed.

Reads a ginn run's manifest.json (its "config"): same net (widths, activation, dropout, batch norm with its momentum and
eps, residual adds: linear -> batch norm -> residual add -> activation -> dropout), He-normal weights with zero biases,
2-class softmax cross-entropy, plain SGD at the run's lr with weight decay on the weights only (or on every parameter,
as the config says), the run's batch, epochs sampling (a fresh shuffle per pass), the run's number of updates, on
task.n_points points uniform on [-2,2]^2 labelled by the run's formula. Not ginn's reference for correctness: the loss
check only guards against timing a broken loop.

usage: peer_torch_study.py MANIFEST_JSON [--repeats R]
prints: torch_seconds_per_run=S (median of R runs, training loop only, data and model set-up excluded)
"""
import argparse
import json
import math
import statistics
import time

import torch

FORMULAS = {
    "y-x": lambda x, y: y - x,
    "y-|x|": lambda x, y: y - x.abs(),
    "1-x^2/4-y^2": lambda x, y: 1 - x * x / 4 - y * y,
    "y-sin(pi*x)": lambda x, y: y - torch.sin(math.pi * x),
}
ACTIVATIONS = {"relu": torch.nn.ReLU, "tanh": torch.nn.Tanh, "sigmoid": torch.nn.Sigmoid, "elu": torch.nn.ELU,
               "swish": torch.nn.SiLU}


class Net(torch.nn.Module):
    def __init__(self, m):
        super().__init__()
        widths = m["widths"]
        self.linears = torch.nn.ModuleList()
        self.norms = torch.nn.ModuleList()
        n_in = 2
        for w in widths:
            self.linears.append(torch.nn.Linear(n_in, w))
            self.norms.append(torch.nn.BatchNorm1d(w, momentum=m["bn_momentum"], eps=m["bn_eps"])
                              if m["batch_norm"] else torch.nn.Identity())
            n_in = w
        self.out = torch.nn.Linear(n_in, 2)
        self.act = ACTIVATIONS[m["activation"]]()
        self.drop = torch.nn.Dropout(m["dropout"]) if m["dropout"] > 0 else torch.nn.Identity()
        self.residual = m["residual"]
        for lin in list(self.linears) + [self.out]:  # He-normal weights, zero biases (Gupta's initialisation)
            torch.nn.init.normal_(lin.weight, std=math.sqrt(2.0 / lin.in_features))
            torch.nn.init.zeros_(lin.bias)

    def forward(self, h):
        for lin, norm in zip(self.linears, self.norms):
            z = norm(lin(h))
            if self.residual and z.shape[1] == h.shape[1]:
                z = z + h
            h = self.drop(self.act(z))
        return self.out(h)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("manifest")
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    torch.set_num_threads(1)
    torch.manual_seed(1)
    c = json.load(open(args.manifest))["config"]
    task, m, o, t = c["task"], c["model"], c["optim"], c["train"]
    assert o["optimizer"] == "sgd" and m["head"] == "softmax2" and t["sampling"] == "epochs", "not one of Gupta's runs"
    n = task["n_points"]
    X = torch.rand(n, 2) * 4 - 2
    y = (FORMULAS[task["target"]](X[:, 0], X[:, 1]) > 0).long()
    batch, iterations = t["batch"], t["iterations"]

    def make():
        net = Net(m)
        weights = [p for name, p in net.named_parameters() if name.endswith("weight") and p.dim() == 2]
        others = [p for name, p in net.named_parameters() if not (name.endswith("weight") and p.dim() == 2)]
        decay_all = o.get("weight_decay_on", "all") == "all"
        groups = [{"params": weights, "weight_decay": o["weight_decay"]},
                  {"params": others, "weight_decay": o["weight_decay"] if decay_all else 0.0}]
        return net, torch.optim.SGD(groups, lr=o["lr"])

    def train(net, opt):
        net.train()
        perm, pos = torch.randperm(n), 0
        for _ in range(iterations):
            if pos + batch > n:
                perm, pos = torch.randperm(n), 0
            idx = perm[pos:pos + batch]
            pos += batch
            loss = torch.nn.functional.cross_entropy(net(X[idx]), y[idx])
            opt.zero_grad()
            loss.backward()
            opt.step()

    def full_loss(net):
        net.eval()
        with torch.no_grad():
            return torch.nn.functional.cross_entropy(net(X), y).item()

    seconds = []
    for r in range(args.repeats):
        net, opt = make()
        before = full_loss(net)
        t0 = time.perf_counter()
        train(net, opt)
        seconds.append(time.perf_counter() - t0)
        after = full_loss(net)
        if r == 0:
            print(f"check: full loss {before:.4f} -> {after:.4f} after {iterations} updates")
            if not after < before:
                raise SystemExit("FAILED: the loss did not decrease")
    print(f"torch {torch.__version__}: {statistics.median(seconds):.3f} s per run (median of {args.repeats}; "
          f"min {min(seconds):.3f}, max {max(seconds):.3f}), 1 thread")
    print(f"torch_seconds_per_run={statistics.median(seconds):.6f}")


if __name__ == "__main__":
    main()
