#!/usr/bin/python3
"""Writes the ONNX fixtures of tests/model/onnx_import_test.cpp: small PyTorch MLPs exported with torch.onnx.export,
and for each the torch forward on 64 random points (the reference the import must match to 1e-6), plus the files
that must be refused (a Conv node, three input features, two graph inputs; truncation is done by the test itself).
Usage: /usr/bin/python3 tests/python/make_onnx_fixtures.py [OUT_DIR]  (default: tests/python/fixtures).
Not a test: the fixtures are committed so the C++ suite needs no torch; pytest re-exports them live."""
import json
import os
import sys

import torch
from torch import nn


class Residual(nn.Module):
    """relu(W h + b + h): ginn's residual layer (order: linear -> residual add -> activation)."""

    def __init__(self, width, batch_norm=False):
        super().__init__()
        self.linear = nn.Linear(width, width)
        self.norm = nn.BatchNorm1d(width) if batch_norm else nn.Identity()

    def forward(self, h):
        return torch.relu(self.norm(self.linear(h)) + h)


class TwoInputs(nn.Module):
    def __init__(self):
        super().__init__()
        self.linear = nn.Linear(2, 2)

    def forward(self, x, y):
        return self.linear(x) + y


def randomise_batch_norm(model):
    """Non-trivial running statistics, so that folding batch norm is actually tested."""
    for m in model.modules():
        if isinstance(m, nn.BatchNorm1d):
            m.running_mean.uniform_(-0.5, 0.5)
            m.running_var.uniform_(0.5, 2.0)
            m.weight.data.uniform_(0.5, 1.5)
            m.bias.data.uniform_(-0.5, 0.5)


def mlp(act, head=None, outputs=2):
    layers = [nn.Linear(2, 8), act(), nn.Linear(8, 8), act(), nn.Linear(8, outputs)]
    if head is not None:
        layers.append(head)
    return nn.Sequential(*layers)


def models():
    """name -> (model, expected import result): 'ok' or a substring of the error."""
    yield "relu", mlp(nn.ReLU), "ok"
    yield "leaky_relu", mlp(nn.LeakyReLU), "ok"
    yield "prelu_leaky", mlp(lambda: nn.PReLU(8, init=0.01)), "ok"
    yield "prelu", mlp(lambda: nn.PReLU(8, init=0.25)), "ok"
    yield "elu", mlp(nn.ELU), "ok"
    yield "sigmoid", mlp(nn.Sigmoid, head=nn.Sigmoid(), outputs=1), "ok"
    yield "tanh", mlp(nn.Tanh, head=nn.Softmax(dim=1), outputs=3), "ok"
    yield "softplus", mlp(nn.Softplus), "ok"
    yield "batch_norm", nn.Sequential(nn.Linear(2, 8), nn.BatchNorm1d(8), nn.ReLU(), nn.Dropout(0.2),
                                      nn.Linear(8, 8), nn.BatchNorm1d(8), nn.ReLU(), nn.Linear(8, 2),
                                      nn.LogSoftmax(dim=1)), "ok"
    yield "residual", nn.Sequential(nn.Linear(2, 8), nn.ReLU(), Residual(8), Residual(8, batch_norm=True),
                                    nn.Linear(8, 2)), "ok"
    yield "three_inputs", nn.Sequential(nn.Linear(3, 4), nn.ReLU(), nn.Linear(4, 2)), "has 3 features"
    yield "prelu_channels", mlp(lambda: random_prelu(8)), "ok"
    yield "leaky_relu_0.2", mlp(lambda: nn.LeakyReLU(0.2)), "ok"
    yield "elu_alpha", mlp(lambda: nn.ELU(alpha=0.5), head=nn.Softmax(dim=1), outputs=3), "ok"
    yield "softplus_beta", mlp(lambda: nn.Softplus(beta=2)), "unsupported operator"


def random_prelu(n):
    """PReLU with one slope per channel, each different (negative, above 1, zero and one included)."""
    m = nn.PReLU(n)
    with torch.no_grad():
        m.weight.uniform_(-0.5, 1.5)
        m.weight[:3] = torch.tensor([0.0, 1.0, -0.25])
    return m


def export(model, path, n_in=2):
    model.eval()
    torch.onnx.export(model, torch.zeros(1, n_in), path, input_names=["xy"], output_names=["out"],
                      dynamic_axes={"xy": {0: "n"}, "out": {0: "n"}}, opset_version=13)


def write_conv(path):
    """A Conv node straight on the (N, 2) input, built with onnx.helper (torch would export reshapes first)."""
    import onnx
    from onnx import TensorProto, helper
    weight = helper.make_tensor("w", TensorProto.FLOAT, [2, 1, 1], [0.5, -0.5])
    graph = helper.make_graph([helper.make_node("Conv", ["xy", "w"], ["out"], name="conv1")], "conv",
                              [helper.make_tensor_value_info("xy", TensorProto.FLOAT, ["n", 2])],
                              [helper.make_tensor_value_info("out", TensorProto.FLOAT, None)], [weight])
    onnx.save(helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)]), path)


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), "fixtures")
    os.makedirs(out, exist_ok=True)
    torch.manual_seed(14)
    X = torch.rand(64, 2, dtype=torch.float64) * 4 - 2  # in the domain [-2, 2]^2 the test passes
    cases = {}
    for name, model, expected in models():
        randomise_batch_norm(model)
        path = os.path.join(out, name + ".onnx")
        n_in = 3 if name == "three_inputs" else 2
        export(model, path, n_in)
        case = {"expect": expected}
        if expected == "ok":
            with torch.no_grad():
                y = model.double()(X)
            if isinstance(model[-1], nn.LogSoftmax) or isinstance(model[-1], nn.Softmax) or \
                    isinstance(model[-1], nn.Sigmoid):
                with torch.no_grad():
                    y = model[:-1](X)  # the logits: the head is kept as ginn's head, not as a layer
            case["points"] = X.tolist()
            case["logits"] = y.tolist()
        cases[name] = case
    torch.onnx.export(TwoInputs(), (torch.zeros(1, 2), torch.zeros(1, 2)), os.path.join(out, "two_inputs.onnx"),
                      input_names=["x", "y"], opset_version=13)
    cases["two_inputs"] = {"expect": "2 inputs"}
    write_conv(os.path.join(out, "conv.onnx"))
    cases["conv"] = {"expect": "(Conv): unsupported operator"}
    with open(os.path.join(out, "cases.json"), "w") as f:
        json.dump(cases, f, indent=1)


if __name__ == "__main__":
    main()
