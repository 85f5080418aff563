"""ginn for Python: exact float64 geometry of 2-D-input networks, from PyTorch, ONNX, JSON, NumPy or ginn runs.

A thin layer over the C++ library (the extension ginn._ginn); see docs/python.md. Not a training framework: train
in PyTorch (or with ginn.train) and hand the network over.

    import ginn
    net = ginn.Network.from_torch(model, domain=(-2, 2, -2, 2))
    g = ginn.geometry(net, regions=True)     # g.neurons, g.decision_boundary, g.regions.linear, g.regions.list
    ginn.render(net)                          # PNG bytes, drawn inline in Jupyter
"""
import html as _html
import io as _io
import json as _json
import sys as _sys
import time as _time

import numpy as _np

from . import _ginn
from ._ginn import Error

__all__ = ["Error", "Network", "Run", "Geometry", "Figure", "Viewer", "geometry", "render", "train", "view",
           "default_onnx_domain"]

default_onnx_domain = tuple(_ginn.default_onnx_domain)


def _domain(domain):
    return [float(v) for v in (default_onnx_domain if domain is None else domain)]


class Network:
    """A network in ginn's evaluation form: dense float64 layers, batch norm folded, inputs (x, y) on `domain`."""

    def __init__(self, native):
        self._net = native

    # ---- constructors
    @staticmethod
    def from_numpy(weights, biases, activation="relu", head=None, domain=None, residual=None, negative_slope=None,
                   alpha=None):
        """Dense layers from NumPy: weights[i] of shape (n_out, n_in) (PyTorch's Linear.weight), biases[i] (n_out).
        `activation` is one name or one per hidden layer; the last layer is linear; `head` defaults by the output
        count (1: sigmoid, 2: softmax2, more: softmax). Per hidden layer, optionally: `negative_slope[i]` (leaky_relu:
        one slope per neuron, PReLU's weight; None for 0.01) and `alpha[i]` (elu; None for 1)."""
        n = len(weights)
        if len(biases) != n:
            raise Error(f"Network.from_numpy: {len(biases)} biases for {n} weight matrices (expected one per layer)")
        acts = [activation] * n if isinstance(activation, str) else list(activation) + ["linear"]
        res = [False] * n if residual is None else list(residual) + [False] * (n - len(residual))
        slopes = list(negative_slope or []) + [None] * n
        alphas = list(alpha or []) + [None] * n
        layers = [(_np.asarray(W, dtype=_np.float64), _np.asarray(b, dtype=_np.float64).reshape(-1), acts[i], bool(res[i]),
                   _np.zeros(0) if slopes[i] is None else _np.asarray(slopes[i], dtype=_np.float64).reshape(-1),
                   1.0 if alphas[i] is None else float(alphas[i]))
                  for i, (W, b) in enumerate(zip(weights, biases))]
        return Network(_ginn.Network.from_layers(layers, head or "", _domain(domain)))

    @staticmethod
    def from_json(path_or_text):
        """A `ginn weights` JSON file (docs/weights-format.md), or its text."""
        text = str(path_or_text)
        if text.lstrip().startswith("{"):
            return Network(_ginn.Network.from_json_text(text))
        return Network(_ginn.Network.from_json_file(text))

    @staticmethod
    def from_onnx(path_or_bytes, domain=None, head=None):
        """An ONNX file (or its bytes) of an MLP with a 2-D input (docs/onnx.md); domain defaults to [-1, 1]^2.
        `head` overrides the head read from the graph, e.g. 'regression' for a 1-output regressor."""
        if isinstance(path_or_bytes, (bytes, bytearray)):
            net = _ginn.Network.from_onnx_bytes(bytes(path_or_bytes), _domain(domain), "onnx")
        else:
            net = _ginn.Network.from_onnx_file(str(path_or_bytes), _domain(domain))
        return Network(net if head is None else net.with_head(head))

    @staticmethod
    def from_torch(model, domain=None, head=None, sample=None):
        """A PyTorch MLP (nn.Sequential of Linear, the supported activations, BatchNorm1d, Dropout, or any module
        whose ONNX export is such a chain, residual blocks included), read through an in-memory ONNX export in
        evaluation mode (the model's mode is restored). Weights keep their precision (float32 or float64).
        `head` as for from_onnx (the graph cannot tell a 1-output regressor from a logit)."""
        import torch  # only needed here

        for m in model.modules():  # torch exports Softplus(beta) as Mul -> Softplus -> Div, which ginn does not fold
            if isinstance(m, torch.nn.Softplus) and m.beta != 1:
                raise Error(f"Network.from_torch: Softplus with beta {m.beta} (expected beta 1, PyTorch's default; "
                            f"hint: fold beta into the neighbouring Linear layers or use beta=1)")
        was_training = model.training
        model.eval()
        try:
            dtype = next(iter(model.parameters())).dtype if any(True for _ in model.parameters()) else torch.float32
            x = torch.zeros(1, 2, dtype=dtype) if sample is None else sample
            buffer = _io.BytesIO()
            torch.onnx.export(model, x, buffer, input_names=["xy"], output_names=["out"],
                              dynamic_axes={"xy": {0: "n"}, "out": {0: "n"}}, opset_version=13)
        finally:
            model.train(was_training)
        net = _ginn.Network.from_onnx_bytes(buffer.getvalue(), _domain(domain), type(model).__name__)
        return Network(net if head is None else net.with_head(head))

    # ---- evaluation
    def forward(self, X):
        """Logits (N, n_outputs) at points X (N, 2), in float64."""
        return self._net.forward(_np.asarray(X, dtype=_np.float64))

    def probability(self, X):
        return self._net.probability(_np.asarray(X, dtype=_np.float64))

    def predicted_class(self, X):
        return self._net.predicted_class(_np.asarray(X, dtype=_np.float64))

    def to_json(self):
        return self._net.to_json()

    domain = property(lambda self: tuple(self._net.domain))
    head = property(lambda self: self._net.head)
    layers = property(lambda self: self._net.layers,
                      doc="[{'W', 'b', 'activation', 'residual', 'negative_slope', 'alpha'}], output layer last")
    exact = property(lambda self: self._net.exact, doc="True when every activation is piecewise linear")
    n_outputs = property(lambda self: self._net.n_outputs)

    def __repr__(self):
        widths = [len(layer["b"]) for layer in self.layers]
        acts = {layer["activation"] for layer in self.layers[:-1]}
        return f"ginn.Network(2-{'-'.join(map(str, widths))}, {'/'.join(sorted(acts)) or 'linear'}, head {self.head})"

    def _repr_png_(self):
        return render(self).data


class _Fields:
    """A dict's keys as attributes, and the dict itself via [] (the ginn-geometry JSON's spelling)."""

    def __init__(self, d):
        self.__dict__.update(d)

    def __getitem__(self, key):
        return getattr(self, key)

    def keys(self):
        return self.__dict__.keys()

    def __repr__(self):
        return f"{type(self).__name__}({', '.join(self.__dict__)})"


class Geometry(_Fields):
    """The fields of the ginn-geometry JSON (docs/geometry-format.md) as Python values and NumPy arrays:
    exact, domain, neurons [{layer, index, polylines}], decision_boundary [(n, 2) arrays], vertices,
    regions {activation, linear, per_layer, and with regions=True: list [{polygon, pattern, A, c, linear_id, area}]}.
    The arrays view the C++ result (no copies); they are made on the first access to a field."""

    def __init__(self, native):
        self.__dict__["_native"] = native

    def _load(self):
        d = self._native.to_dict()
        d["regions"] = _Fields(d["regions"])
        d["neurons"] = [_Fields(n) for n in d["neurons"]]
        if hasattr(d["regions"], "list"):
            d["regions"].list = [_Fields(r) for r in d["regions"].list]
        self.__dict__.update(d)

    def __getattr__(self, name):  # only for fields not loaded yet
        if name.startswith("_") or "exact" in self.__dict__:
            raise AttributeError(name)
        self._load()
        return getattr(self, name)

    def keys(self):
        if "exact" not in self.__dict__:
            self._load()
        return [k for k in self.__dict__ if not k.startswith("_")]

    def __repr__(self):
        kind = "exact" if self.exact else "approximate"
        return (f"ginn.Geometry({kind}: {len(self.neurons)} neurons, {len(self.decision_boundary)} decision polylines, "
                f"{self.regions.activation} activation / {self.regions.linear} linear regions)")


def geometry(net, regions=False, grid=256):
    """The exact geometry of `net` (a Network, or a Run's last snapshot): see Geometry. Smooth activations are
    approximated on a grid x grid marching-squares grid and marked exact=False. The GIL is released."""
    if isinstance(net, Run):
        net = net.network(-1)
    return Geometry(_ginn.geometry(net._net, bool(regions), int(grid)))


class Figure:
    """A rendered figure's bytes (PNG, SVG or PDF); shows itself inline in Jupyter; .save(path) writes it."""

    def __init__(self, data, format):
        self.data, self.format = data, format

    def _repr_png_(self):
        return self.data if self.format == "png" else None

    def _repr_svg_(self):
        return self.data.decode("utf-8") if self.format == "svg" else None

    def save(self, path):
        with open(path, "wb") as f:
            f.write(self.data)

    def __bytes__(self):
        return self.data

    def __repr__(self):
        return f"ginn.Figure({self.format}, {len(self.data)} bytes)"


def render(net_or_run, snapshot=-1, format="png", size=512, background="prediction", neurons="all", decision=True,
           axes=False, legend=False, colour_bar=False, palette="standard", points=None, grid=256):
    """The GINN picture of a Network, or of a Run's snapshot (default the last), as a Figure (bytes in .data).
    Options as `ginn render`'s flags; `points` defaults to 'all' for a Run of a point task, 'none' otherwise."""
    args = _ginn.RenderArgs()
    args.format, args.size, args.background, args.neurons = format, int(size), background, neurons
    args.decision, args.axes, args.legend, args.colour_bar, args.palette = decision, axes, legend, colour_bar, palette
    args.grid = int(grid)
    if isinstance(net_or_run, Run):
        run = net_or_run
        target = run.config["task"]["target"].lower()
        image = target == "bottle" or target.endswith((".png", ".jpg", ".jpeg", ".bmp"))
        args.points = points or ("none" if image else "all")
        return Figure(_ginn.render_run(run._run, run._index(snapshot), args), format)
    args.points = points or "none"
    return Figure(_ginn.render_network(net_or_run._net, args), format)


class Run:
    """A ginn run directory: run.snapshots (iterations), run.metrics (NumPy arrays), run.network(k)."""

    def __init__(self, path):
        self._run = _ginn.Run(str(path))

    def _index(self, k):
        return self._run.resolve_snapshot(int(k), -1)

    @property
    def dir(self):
        return self._run.dir

    @property
    def status(self):
        return self._run.status

    @property
    def config(self):
        return _json.loads(self._run.config_json)

    @property
    def metrics(self):
        """{'iteration', 'lr', 'loss_batch', 'loss', 'accuracy', 'loss_test', 'accuracy_test'}: one array entry per
        snapshot (test metrics are -1 without a test split)."""
        return self._run.metrics()

    @property
    def snapshots(self):
        """The recorded iterations, one per snapshot."""
        return self._run.metrics()["iteration"]

    def __len__(self):
        return self._run.n_snapshots

    def network(self, k=-1):
        """Snapshot k's network (negative k counts from the end)."""
        return Network(self._run.network(self._index(k)))

    def dataset(self):
        """(X (N, 2), label (N), is_test (N or empty)) of the run's task."""
        return self._run.dataset()

    def __repr__(self):
        return f"ginn.Run({self.dir!r}, {len(self)} snapshots, {self.status})"


def _progress_printer(total_hint):
    try:
        from tqdm.auto import tqdm
    except ImportError:
        tqdm = None
    state = {"bar": None, "last": 0.0}

    def update(iteration, total, seconds, loss):
        if tqdm is not None:
            if state["bar"] is None:
                state["bar"] = tqdm(total=total, unit="it", unit_scale=True)
            state["bar"].n = iteration
            state["bar"].set_postfix(loss=f"{loss:.4g}", refresh=True)
            if iteration >= total:
                state["bar"].close()
            return
        now = _time.monotonic()
        if now - state["last"] >= 1.0 or iteration >= total:
            state["last"] = now
            end = "\n" if iteration >= total else ""
            print(f"\rginn train: {iteration}/{total} iterations, {seconds:.1f} s, loss {loss:.4g}", end=end,
                  file=_sys.stderr, flush=True)

    return update


def train(out, force=False, init_from="", quiet=False, **config):
    """Trains one run into directory `out` and returns it as a Run. `config` takes the keys of a run's config
    (docs/run-format.md) flat (target='xor', widths=[8, 8], iterations=2000, lr=1e-3, snapshots='log:50') or by
    section (task={...}, model={...}, optim={...}, train={...}); 'seed' sets the training seed. Progress: tqdm when
    installed, else one line. The GIL is released while training; Ctrl-C saves the run and raises KeyboardInterrupt."""
    c = _json.loads(_ginn.default_config_json())
    for key, value in config.items():
        if key in ("task", "model", "optim", "train") and isinstance(value, dict):
            c[key].update(value)
        elif key == "snapshots":
            c["snapshots"] = value
        elif key == "seed":
            c["train"]["seed"] = value
        else:
            section = next((s for s in ("task", "model", "optim", "train") if key in c[s]), None)
            if section is None:
                known = sorted({k for s in ("task", "model", "optim", "train") for k in c[s]} | {"snapshots"})
                raise Error(f"ginn.train: unknown setting '{key}' (expected one of {', '.join(known)}; "
                            f"hint: see docs/run-format.md)")
            c[section][key] = value
    progress = None if quiet else _progress_printer(c["train"]["iterations"])
    _ginn.train(_json.dumps(c), str(out), bool(force), str(init_from), progress)
    return Run(out)


class Viewer:
    """ginn's self-contained viewer page; in Jupyter an iframe of the page (.html is the whole page)."""

    def __init__(self, page, height):
        self.html, self.height = page, height

    def _repr_html_(self):
        return (f'<iframe srcdoc="{_html.escape(self.html, quote=True)}" style="width:100%;height:{self.height}px;'
                f'border:0" sandbox="allow-scripts allow-downloads"></iframe>')

    def save(self, path):
        with open(path, "w", encoding="utf-8") as f:
            f.write(self.html)


def view(runs_or_networks, title="", height=640, analysis=True, names=None):
    """The viewer of one or more runs (Run objects or directories) or networks (Network objects, e.g. from_torch or
    from_onnx), shown inline in a notebook (an iframe of the self-contained page); .save(path) writes the page.
    A network is one snapshot: its exact geometry (smooth activations: approximate, labelled so), prediction, neurons,
    regions and 3-D view, without the training panels. `analysis` adds the findings (as `ginn view`); `names` names
    the networks on the page (default: network 1, network 2, ...). Runs and networks are not mixed on one page."""
    items = [runs_or_networks] if isinstance(runs_or_networks, (Run, Network, str)) else list(runs_or_networks)
    if not items:
        raise Error("ginn.view: nothing to show (expected runs or networks)")
    if all(isinstance(x, Network) for x in items):
        names = [f"network {i + 1}" for i in range(len(items))] if names is None else [str(n) for n in names]
        if len(names) != len(items):
            raise Error(f"ginn.view: {len(names)} names for {len(items)} networks (expected one name per network)")
        return Viewer(_ginn.network_viewer_html([(n._net, name) for n, name in zip(items, names)], title, bool(analysis)),
                      height)
    if any(isinstance(x, Network) for x in items):
        raise Error("ginn.view: runs and networks in one call (expected only runs or only networks; "
                    "hint: call ginn.view once for each)")
    runs = [r if isinstance(r, Run) else Run(r) for r in items]
    return Viewer(_ginn.viewer_html([r._run for r in runs], title, bool(analysis)), height)
