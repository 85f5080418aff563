"""pytest suite of the Python module ginn (docs/python.md): PyTorch -> ginn forward equal to torch to 1e-6, ONNX
round trips, bad ONNX files, geometry fields against brute force, render, runs, training and the notebook.
Run: PYTHONPATH=build/bindings/python /usr/bin/python3 -m pytest tests/python (ctest runs it as python_pytest)."""
import base64
import copy
import json
import os
import signal
import subprocess
import sys
import threading
import time
import zlib

import numpy as np
import pytest
import torch
from torch import nn

import ginn
from make_onnx_fixtures import Residual, random_prelu, randomise_batch_norm  # tests/python, on pytest's path

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
    # the activations with parameters: PReLU as torch initialises it (0.25) and with one random slope per channel,
    # LeakyReLU and ELU with non-default parameters, Softplus (beta 1, torch's default)
    "prelu_default": lambda: nn.Sequential(nn.Linear(2, 8), nn.PReLU(), nn.Linear(8, 8), nn.PReLU(8), nn.Linear(8, 2)),
    "prelu_channels": lambda: nn.Sequential(nn.Linear(2, 8), random_prelu(8), nn.Linear(8, 8), random_prelu(8),
                                            nn.Linear(8, 2)),
    "leaky_relu_0.2": lambda: nn.Sequential(nn.Linear(2, 8), nn.LeakyReLU(0.2), nn.Linear(8, 2)),
    "elu_alpha": lambda: nn.Sequential(nn.Linear(2, 8), nn.ELU(alpha=0.4), nn.Linear(8, 3)),
    "softplus": lambda: nn.Sequential(nn.Linear(2, 8), nn.Softplus(), nn.Linear(8, 8), nn.Softplus(), nn.Linear(8, 2)),
}
PARAMETRISED = ["prelu_default", "prelu_channels", "leaky_relu_0.2", "elu_alpha", "softplus"]


@pytest.mark.parametrize("name", sorted(MODELS))
def test_torch_to_ginn_forward_equals_torch(name):
    torch.manual_seed(1)
    model = MODELS[name]()
    if name == "deep":
        model(torch.zeros(1, 2))  # materialise the lazy layers
    net = ginn.Network.from_torch(model, domain=DOMAIN, head="regression" if name == "regression" else None)
    assert model.training  # the caller's mode is restored
    assert net.head == {"regression": "regression", "sigmoid": "sigmoid", "wide": "softmax", "elu_alpha": "softmax",
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
    ("softplus_beta", "(Mul): unsupported operator"),
])
def test_bad_onnx_files_give_one_clear_error(case, message):
    path = os.path.join(HERE, "fixtures", case + ".onnx")
    with pytest.raises(ginn.Error) as e:
        ginn.Network.from_onnx(path)
    assert message in str(e.value) and "\n" not in str(e.value) and "docs/onnx.md" in str(e.value)


@pytest.mark.parametrize("name", PARAMETRISED)
def test_onnx_exports_of_parametrised_activations_import_equal(name, tmp_path):
    """torch.onnx.export to a file, read with from_onnx: equal to torch; the parameters survive the JSON round trip."""
    torch.manual_seed(5)
    model = MODELS[name]().eval()
    path = tmp_path / (name + ".onnx")
    torch.onnx.export(model, torch.zeros(1, 2), str(path), input_names=["xy"], dynamic_axes={"xy": {0: "n"}})
    net = ginn.Network.from_onnx(path, domain=DOMAIN)
    X = points(seed=11)
    np.testing.assert_allclose(net.forward(X), torch_logits(model, X), rtol=0, atol=1e-6)
    np.testing.assert_array_equal(ginn.Network.from_json(net.to_json()).forward(X), net.forward(X))
    first = net.layers[0]
    if name.startswith("prelu"):
        np.testing.assert_array_equal(first["negative_slope"], model[1].weight.detach().double().numpy().reshape(-1)
                                      if model[1].weight.numel() == 8 else np.full(8, model[1].weight.item()))
    if name == "elu_alpha":
        assert first["alpha"] == pytest.approx(0.4, rel=1e-7)
    assert net.exact == (name != "elu_alpha" and name != "softplus")


def test_prelu_geometry_is_exact_and_agrees_with_torch():
    """A PReLU net's exact geometry: each region's affine map equals torch's forward inside it; the decision
    boundary is where torch's logits tie."""
    torch.manual_seed(8)
    model = MODELS["prelu_channels"]().eval()
    net = ginn.Network.from_torch(model, domain=DOMAIN)
    g = ginn.geometry(net, regions=True)
    assert g.exact and g.regions.activation >= g.regions.linear >= 1
    assert sum(r.area for r in g.regions.list) == pytest.approx(16.0, rel=1e-9)
    for r in g.regions.list[:: max(1, len(g.regions.list) // 25)]:
        centre = r.polygon.mean(axis=0)
        np.testing.assert_allclose(torch_logits(model, centre[None, :])[0], r.A @ centre + r.c, atol=1e-6)
    for line in g.decision_boundary:
        z = torch_logits(model, line)
        np.testing.assert_allclose(z[:, 1] - z[:, 0], 0, atol=1e-6)
    smooth = ginn.geometry(ginn.Network.from_torch(MODELS["softplus"](), domain=DOMAIN))
    assert smooth.exact is False  # softplus is smooth: approximate, and labelled so


def test_softplus_with_beta_and_numpy_parameters():
    with pytest.raises(ginn.Error, match="Softplus with beta 2.*expected beta 1"):
        ginn.Network.from_torch(nn.Sequential(nn.Linear(2, 4), nn.Softplus(beta=2), nn.Linear(4, 2)))
    W1, b1, W2, b2 = np.eye(2), np.zeros(2), np.array([[1.0, 1.0]]), np.zeros(1)
    net = ginn.Network.from_numpy([W1, W2], [b1, b2], activation="leaky_relu", negative_slope=[[0.5, -2.0]])
    np.testing.assert_allclose(net.forward([[-1.0, -1.0]]), [[-0.5 + 2.0]])
    with pytest.raises(ginn.Error, match="1 negative slopes.*2 \\(one per neuron\\)"):
        ginn.Network.from_numpy([W1, W2], [b1, b2], activation="leaky_relu", negative_slope=[[0.5]])
    net = ginn.Network.from_numpy([W1, W2], [b1, b2], activation="elu", alpha=[3.0])
    np.testing.assert_allclose(net.forward([[-1.0, 0.0]]), [[3.0 * np.expm1(-1.0)]])


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
    for flags in (["--background", "target"], ["--points", "all"], ["--curves"]):  # errors name the flag used
        bad = subprocess.run([binary, "render", "--model", fixture, *flags, "-o", str(tmp_path / "y.png")],
                             capture_output=True, text=True)
        assert bad.returncode != 0 and "--model" in bad.stderr and bad.stderr.count("\n") == 1, bad.stderr


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


def page_data(html):
    """The data a viewer page inlines (docs/viewer.md)."""
    start = html.index('<script id="ginn-data" type="application/json">') + len('<script id="ginn-data" type="application/json">')
    return json.loads(html[start:html.index("</script>", start)])


def polyline_counts(run):
    """Decodes the page's boundary stream (zlib, then zigzag varints; docs/viewer.md): polylines per neuron, then of
    the decision boundary."""
    data = zlib.decompress(base64.b64decode(run["geometry"]))
    at = 0

    def varint():
        nonlocal at
        v, shift = 0, 0
        while True:
            b = data[at]
            at += 1
            v |= (b & 127) << shift
            shift += 7
            if not b & 128:
                return v

    counts = []
    for _ in range(sum(layer["n_out"] for layer in run["layers"][:-1]) + 1):
        n = varint()
        counts.append(n)
        for _ in range(n):
            for _ in range(2 * varint()):
                varint()
    assert at == len(data), "the whole stream is decoded"
    return counts


def test_view_of_networks_holds_their_geometry_and_saves(tmp_path):
    fixtures = os.path.join(HERE, "fixtures")
    relu = ginn.Network.from_onnx(os.path.join(fixtures, "residual.onnx"), domain=DOMAIN)
    tanh = ginn.Network.from_onnx(os.path.join(fixtures, "tanh.onnx"), domain=DOMAIN)  # 3 classes, approximate
    deep = ginn.Network.from_torch(six_layer_model(), domain=DOMAIN)  # 6 layers, 3 classes
    v = ginn.view([relu, tanh, deep], names=["residual.onnx", "tanh.onnx", "deep"])
    data = page_data(v.html)
    assert [r["name"] for r in data["runs"]] == ["residual.onnx", "tanh.onnx", "deep"]
    for r, net in zip(data["runs"], [relu, tanh, deep]):
        g = ginn.geometry(net)
        assert r["imported"] and r["snapshots"]["iteration"] == [0] and "findings" in r
        assert r["exact"] == [g.exact]
        if g.exact:
            assert r["counts"]["activation"] == [g.regions.activation] and r["counts"]["linear"] == [g.regions.linear]
            assert r["counts"]["per_layer"] == [list(g.regions.per_layer)]
        assert polyline_counts(r) == [len(n.polylines) for n in g.neurons] + [len(g.decision_boundary)]
        planes = np.frombuffer(zlib.decompress(base64.b64decode(r["weights"])), dtype=np.uint8)
        weights = planes.reshape(4, -1).T.copy().view("<f4").reshape(-1)  # one snapshot: byte b of float j in plane b
        W0 = net.layers[0]["W"]
        np.testing.assert_allclose(weights[:W0.size], W0.reshape(-1), rtol=1e-4)
    assert data["runs"][1]["n_classes"] == 3 and data["runs"][1]["exact"] == [False]
    assert "<iframe srcdoc=" in v._repr_html_()
    v.save(tmp_path / "v.html")
    assert (tmp_path / "v.html").read_text(encoding="utf-8") == v.html
    one = page_data(ginn.view(relu, analysis=False).html)["runs"]
    assert len(one) == 1 and one[0]["name"] == "network 1" and "findings" not in one[0]


def six_layer_model():
    torch.manual_seed(6)
    return nn.Sequential(*[m for i in range(6) for m in (nn.Linear(2 if i == 0 else 8, 8), nn.ReLU())], nn.Linear(8, 3))


def test_view_refuses_what_cannot_be_shown():
    net = ginn.Network.from_numpy([np.ones((4, 2)), np.ones((2, 4))], [np.zeros(4), np.zeros(2)])
    with pytest.raises(ginn.Error, match="runs and networks"):
        ginn.view([net, "some-run"])
    with pytest.raises(ginn.Error, match="nothing to show"):
        ginn.view([])
    with pytest.raises(ginn.Error, match="2 names for 1 networks"):
        ginn.view(net, names=["a", "b"])
    with pytest.raises(ginn.Error, match="3 columns"):  # a network of 3 inputs is refused before it can be viewed
        ginn.Network.from_numpy([np.ones((4, 3)), np.ones((2, 4))], [np.zeros(4), np.zeros(2)])


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


class Ticker:
    """Another Python thread that counts while the main thread is inside one ginn call: it can only count there
    if that call released the GIL (holding it, the thread would get at most one 5 ms switch interval)."""

    def __init__(self):
        self.inside, self.ticks, self.stop = False, 0, False
        self.thread = threading.Thread(target=self._run, daemon=True)

    def _run(self):
        while not self.stop:
            if self.inside:
                self.ticks += 1
            time.sleep(0.0005)

    def during(self, call):
        self.thread.start()
        self.inside = True
        try:
            return call()
        finally:
            self.inside, self.stop = False, True
            self.thread.join()


def test_gil_is_released_during_geometry_and_training(tmp_path):
    torch.manual_seed(4)
    wide = nn.Sequential(nn.Linear(2, 64), nn.ReLU(), *[m for _ in range(3) for m in (nn.Linear(64, 64), nn.ReLU())],
                         nn.Linear(64, 2))  # some 0.3 s of geometry: a GIL held that long would leave ~1 tick
    net = ginn.Network.from_torch(wide, domain=DOMAIN)
    ticker = Ticker()
    g = ticker.during(lambda: ginn.geometry(net, regions=True))
    assert g.exact and ticker.ticks >= 20, f"{ticker.ticks} ticks of another thread during ginn.geometry"
    ticker = Ticker()
    ticker.during(lambda: ginn.train(tmp_path / "run", target="xor", n_points=200, widths=[32, 32], iterations=10000,
                                     snapshots="every:1000", seed=1, quiet=True))
    assert ticker.ticks >= 20, f"{ticker.ticks} ticks of another thread during ginn.train"


def test_ctrl_c_during_training_raises_keyboard_interrupt_and_keeps_a_whole_run(tmp_path, monkeypatch):
    """SIGINT from a timer thread, started once training reports progress: KeyboardInterrupt, no crash, and the run
    on disk is whole (opens, status interrupted, every recorded snapshot readable, no temporary file left)."""
    started = []

    def progress_printer(total):
        def update(iteration, total, seconds, loss):
            if not started:
                started.append(iteration)
                threading.Timer(0.3, os.kill, (os.getpid(), signal.SIGINT)).start()
        return update

    monkeypatch.setattr(ginn, "_progress_printer", progress_printer)
    out = tmp_path / "run"
    with pytest.raises(KeyboardInterrupt):
        ginn.train(out, target="xor", n_points=200, widths=[16, 16], iterations=10_000_000, snapshots="every:1000", seed=2)
    assert started
    run = ginn.Run(out)
    assert run.status == "interrupted" and 1 <= len(run) and run.snapshots[-1] < 10_000_000
    X = points(seed=9)
    for k in range(len(run)):
        assert np.all(np.isfinite(run.network(k).forward(X)))
    assert not [p for p in os.listdir(out) if ".tmp." in p], os.listdir(out)  # no temporary left (core/io.h)


def test_training_progress_is_shown(tmp_path, capsys, monkeypatch):
    """Without tqdm: one line on stderr, rewritten in place, ending with the final count; with tqdm: its bar."""
    monkeypatch.setitem(sys.modules, "tqdm.auto", None)  # import fails: the plain line
    ginn.train(tmp_path / "plain", target="xor", n_points=60, widths=[4], iterations=300, snapshots="every:100", seed=1)
    err = capsys.readouterr().err
    assert "ginn train: 300/300 iterations" in err and "loss" in err and err.endswith("\n"), err
    assert err.startswith("\r")

    class FakeTqdm:  # tqdm's interface as _progress_printer uses it
        bars = []

        def __init__(self, total, unit, unit_scale):
            self.total, self.n, self.closed, self.postfix = total, 0, False, None
            FakeTqdm.bars.append(self)

        def set_postfix(self, refresh, **kw):
            self.postfix = kw

        def close(self):
            self.closed = True

    fake = type(sys)("tqdm.auto")
    fake.tqdm = FakeTqdm
    monkeypatch.setitem(sys.modules, "tqdm.auto", fake)
    ginn.train(tmp_path / "bar", target="xor", n_points=60, widths=[4], iterations=300, snapshots="every:100", seed=1)
    bar = FakeTqdm.bars[-1]
    assert bar.total == 300 and bar.n == 300 and bar.closed and "loss" in bar.postfix
