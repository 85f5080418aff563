"""pytest suite of the Python module ginn (docs/python.md): PyTorch -> ginn forward equal to torch to 1e-6, ONNX
round trips, bad ONNX files, geometry fields against brute force, render, runs, training and the notebook.
Run: PYTHONPATH=build/python /usr/bin/python3 -m pytest tests/python (ctest runs it as python_pytest)."""
import copy
import json
import os
import subprocess
import sys

import numpy as np
import pytest
import torch
from torch import nn

import ginn
from make_onnx_fixtures import Residual, randomise_batch_norm  # tests/python, on pytest's path

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
DOMAIN = (-2.0, 2.0, -2.0, 2.0)


def points(n=500, seed=0):
    return np.random.default_rng(seed).uniform(-2, 2, size=(n, 2))


def torch_logits(model, X):
    """The reference: torch's own forward in float64 on the model's (float32) weights, head removed."""
    body = copy.deepcopy(model[:-1] if isinstance(model[-1], (nn.Softmax, nn.LogSoftmax, nn.Sigmoid)) else model)
    with torch.no_grad():
        return body.eval().double()(torch.from_numpy(X)).numpy()


def trained_bn(model):
    randomise_batch_norm(model)
    return model


MODELS = {
    "relu": lambda: nn.Sequential(nn.Linear(2, 16), nn.ReLU(), nn.Linear(16, 16), nn.ReLU(), nn.Linear(16, 2)),
    "leaky_relu": lambda: nn.Sequential(nn.Linear(2, 8), nn.LeakyReLU(), nn.Linear(8, 3), nn.Softmax(dim=1)),
    "prelu": lambda: nn.Sequential(nn.Linear(2, 8), nn.PReLU(8, init=0.01), nn.Linear(8, 2)),
    "elu": lambda: nn.Sequential(nn.Linear(2, 8), nn.ELU(), nn.Linear(8, 2)),
    "sigmoid": lambda: nn.Sequential(nn.Linear(2, 8), nn.Sigmoid(), nn.Linear(8, 1), nn.Sigmoid()),
    "tanh": lambda: nn.Sequential(nn.Linear(2, 8), nn.Tanh(), nn.Dropout(0.3), nn.Linear(8, 2), nn.LogSoftmax(dim=1)),
    "batch_norm": lambda: trained_bn(nn.Sequential(nn.Linear(2, 8), nn.BatchNorm1d(8), nn.ReLU(), nn.Linear(8, 2))),
    "residual": lambda: trained_bn(nn.Sequential(nn.Linear(2, 8), nn.ReLU(), Residual(8, batch_norm=True), Residual(8, batch_norm=True),
                                                 nn.Linear(8, 2))),
    "wide": lambda: nn.Sequential(nn.Linear(2, 64), nn.ReLU(), nn.Linear(64, 64), nn.ReLU(), nn.Linear(64, 5)),
    "regression": lambda: nn.Sequential(nn.Linear(2, 8), nn.Tanh(), nn.Linear(8, 1)),
    "deep": lambda: nn.Sequential(*[m for _ in range(6) for m in (nn.LazyLinear(8), nn.ReLU())], nn.Linear(8, 2)),
}


@pytest.mark.parametrize("name", sorted(MODELS))
def test_torch_to_ginn_forward_equals_torch(name):
    torch.manual_seed(1)
    model = MODELS[name]()
    if name == "deep":
        model(torch.zeros(1, 2))  # materialise the lazy layers
    net = ginn.Network.from_torch(model, domain=DOMAIN, head="regression" if name == "regression" else None)
    assert model.training  # the caller's mode is restored
    assert net.head == {"regression": "regression", "sigmoid": "sigmoid", "wide": "softmax",
                        "leaky_relu": "softmax"}.get(name, "softmax2")
    X = points()
    np.testing.assert_allclose(net.forward(X), torch_logits(model, X), rtol=0, atol=1e-6)


def test_onnx_file_round_trip_and_json_round_trip(tmp_path):
    torch.manual_seed(2)
    model = MODELS["relu"]().eval()
    path = tmp_path / "m.onnx"
    torch.onnx.export(model, torch.zeros(1, 2), str(path), input_names=["xy"], dynamic_axes={"xy": {0: "n"}})
    net = ginn.Network.from_onnx(path, domain=DOMAIN)
    X = points(seed=3)
    np.testing.assert_allclose(net.forward(X), torch_logits(model, X), rtol=0, atol=1e-6)
    assert net.domain == DOMAIN and net.head == "softmax2"
    again = ginn.Network.from_json(net.to_json())
    np.testing.assert_array_equal(again.forward(X), net.forward(X))
    layers = net.layers
    byhand = ginn.Network.from_numpy([L["W"] for L in layers], [L["b"] for L in layers], domain=DOMAIN)
    np.testing.assert_array_equal(byhand.forward(X), net.forward(X))
    assert ginn.Network.from_onnx(path).domain == ginn.default_onnx_domain
    with pytest.raises(ginn.Error, match="2 outputs for head regression"):
        ginn.Network.from_onnx(path, head="regression")


def export_bytes(model, n_in=2):
    import io
    buffer = io.BytesIO()
    torch.onnx.export(model.eval(), torch.zeros(1, n_in), buffer)
    return buffer.getvalue()


@pytest.mark.parametrize("case,message", [
    ("three_inputs", "has 3 features"),
    ("conv", "node 'conv1' (Conv): unsupported operator"),
    ("two_inputs", "the graph has 2 inputs"),
    ("softplus", "(Softplus): unsupported operator"),
    ("prelu", "slopes 0.25"),
])
def test_bad_onnx_files_give_one_clear_error(case, message):
    path = os.path.join(HERE, "fixtures", case + ".onnx")
    with pytest.raises(ginn.Error) as e:
        ginn.Network.from_onnx(path)
    assert message in str(e.value) and "\n" not in str(e.value) and "docs/onnx.md" in str(e.value)


def test_truncated_and_junk_onnx_bytes_give_one_clear_error():
    data = export_bytes(MODELS["relu"]())
    for cut in (len(data) // 2, len(data) - 5, 10):
        with pytest.raises(ginn.Error, match="cut.onnx|onnx"):
            ginn.Network.from_onnx(data[:cut])
    with pytest.raises(ginn.Error, match="truncated or damaged"):
        ginn.Network.from_onnx(b"\xff" * 64)


def test_command_line_takes_model_and_domain(tmp_path):
    binary = os.environ.get("GINN_BINARY", os.path.join(ROOT, "build", "ginn"))
    fixture = os.path.join(HERE, "fixtures", "residual.onnx")
    out = subprocess.run([binary, "geometry", "--model", fixture, "--domain", "-2,2,-2,2"], capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    g = json.loads(out.stdout)
    assert g["domain"] == {"x": [-2, 2], "y": [-2, 2]} and g["exact"] is True
    net = ginn.Network.from_onnx(fixture, domain=DOMAIN)
    assert g["regions"]["linear"] == ginn.geometry(net).regions.linear
    bad = subprocess.run([binary, "geometry", "--model", os.path.join(HERE, "fixtures", "conv.onnx")],
                         capture_output=True, text=True)
    assert bad.returncode == 1 and bad.stderr.count("\n") == 1 and "(Conv)" in bad.stderr
    bad = subprocess.run([binary, "render", "--model", fixture, "--domain", "1,0,0,1", "-o", str(tmp_path / "x.png")],
                         capture_output=True, text=True)
    assert bad.returncode != 0 and "--domain" in bad.stderr and not (tmp_path / "x.png").exists()


def test_geometry_fields_match_a_brute_force_forward():
    net = ginn.Network.from_onnx(os.path.join(HERE, "fixtures", "residual.onnx"), domain=DOMAIN)  # 2-8-8-8-2
    g = ginn.geometry(net, regions=True)
    assert g.exact and g.domain == DOMAIN and len(g.neurons) == 24 and len(g.decision_boundary) >= 1
    assert g.neurons[0].layer == 1 and g.neurons[0].index == 1 and g["neurons"][0]["layer"] == 1
    assert sum(r.area for r in g.regions.list) == pytest.approx(16.0, rel=1e-9)  # areas tile the domain
    assert len(g.regions.list) == g.regions.activation and g.regions.per_layer[-1] == g.regions.activation
    for r in g.regions.list[:: max(1, len(g.regions.list) // 25)]:
        centre = r.polygon.mean(axis=0)  # regions are convex: the vertex mean lies inside
        np.testing.assert_allclose(net.forward(centre[None, :])[0], r.A @ centre + r.c, atol=1e-9)
    for line in g.decision_boundary:  # the decision value vanishes on the decision boundary
        z = net.forward(line)
        np.testing.assert_allclose(z[:, 1] - z[:, 0], 0, atol=1e-9)
    assert isinstance(g.decision_boundary[0], np.ndarray) and g.decision_boundary[0].shape[1] == 2
    smooth = ginn.geometry(ginn.Network.from_torch(MODELS["tanh"](), domain=DOMAIN))
    assert smooth.exact is False and smooth.regions.activation == 0


def test_render_png_svg_and_errors():
    net = ginn.Network.from_torch(MODELS["relu"](), domain=DOMAIN)
    png = ginn.render(net, size=64)
    assert png.data.startswith(b"\x89PNG") and png._repr_png_() == png.data
    svg = ginn.render(net, format="svg", size=64)
    assert "<svg" in svg._repr_svg_()
    with pytest.raises(ginn.Error, match="layer 9 does not exist"):
        ginn.render(net, neurons="L9")
    with pytest.raises(ginn.Error, match="needs a run"):
        ginn.render(net, background="target")


def test_train_run_metrics_network_view(tmp_path, capsys):
    run = ginn.train(tmp_path / "run", target="xor", n_points=60, widths=[4, 4], iterations=200, batch=16,
                     snapshots="every:50", seed=3)
    assert isinstance(run, ginn.Run) and len(run) == 5 and list(run.snapshots) == [0, 50, 100, 150, 200]
    m = run.metrics
    assert m["loss"].shape == (5,) and np.all(np.isfinite(m["loss"])) and m["accuracy"].dtype == np.float64
    again = ginn.Run(tmp_path / "run")
    X = points(seed=6)
    np.testing.assert_array_equal(again.network(2).forward(X), run.network(2).forward(X))
    assert run.network().forward(X).shape == (500, 2)
    assert ginn.render(run, size=48).data.startswith(b"\x89PNG")
    v = ginn.view(run)
    assert "<html" in v.html.lower() and "<script" in v.html.lower()
    assert "<iframe srcdoc=" in v._repr_html_()
    with pytest.raises(ginn.Error, match="unknown setting 'widht'"):
        ginn.train(tmp_path / "bad", widht=[3])
    with pytest.raises(ginn.Error):
        ginn.train(tmp_path / "bad", iterations=-1)
    with pytest.raises(ginn.Error):
        ginn.Run(tmp_path / "missing")


def test_notebook_runs(tmp_path):
    notebook = os.path.join(ROOT, "examples", "notebooks", "torch_to_ginn.ipynb")
    env = dict(os.environ, GINN_NOTEBOOK_FAST="1")
    out = subprocess.run([sys.executable, "-m", "nbconvert", "--to", "notebook", "--execute", notebook,
                          "--output-dir", str(tmp_path), "--ExecutePreprocessor.timeout=600"],
                         capture_output=True, text=True, env=env)
    assert out.returncode == 0, out.stderr[-3000:]
    executed = json.load(open(tmp_path / "torch_to_ginn.ipynb"))
    outputs = [o for c in executed["cells"] if c["cell_type"] == "code" for o in c.get("outputs", [])]
    assert not [o for o in outputs if o.get("output_type") == "error"]
    assert any("image/png" in o.get("data", {}) for o in outputs)
