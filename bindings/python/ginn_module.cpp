// The pybind11 extension ginn._ginn: thin bindings of the library (network, ONNX import, geometry, render, runs,
// training, viewer) for the Python package in bindings/python/ginn. No logic of its own, like app/; the GIL is released
// while the library computes, and geometry arrays view the C++ result without copies.
#include <pybind11/eigen.h>
#include <pybind11/functional.h>
#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <atomic>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <nlohmann/json.hpp>
#include <unistd.h>

#include "ginn/analysis/analysis.h"
#include "ginn/core/error.h"
#include "ginn/core/io.h"
#include "ginn/geometry/geometry.h"
#include "ginn/model/network.h"
#include "ginn/model/onnx_import.h"
#include "ginn/render/render.h"
#include "ginn/run/run.h"
#include "ginn/train/config.h"
#include "ginn/viewer/viewer.h"

namespace py = pybind11;

namespace ginn {
namespace {

Box box_of(const std::vector<double>& d, const std::string& where) {
    if (d.size() != 4) throw Error(where, std::to_string(d.size()) + " numbers", "4: (xmin, xmax, ymin, ymax)");
    const Box box{d[0], d[1], d[2], d[3]};
    check_domain(box, where);
    return box;
}

py::tuple box_tuple(const Box& b) { return py::make_tuple(b.x0, b.x1, b.y0, b.y1); }

// ---- networks
/// layers: [(W (n_out, n_in), b (n_out), activation, residual, negative_slope (n_out or empty), alpha)], the last
/// layer's activation ignored.
using LayerTuple = std::tuple<Eigen::MatrixXd, Eigen::VectorXd, std::string, bool, Eigen::VectorXd, double>;
Network network_from_layers(const std::vector<LayerTuple>& layers,
                            const std::string& head, const std::vector<double>& domain) {
    if (layers.empty() || layers.size() > max_network_layers + 1)
        throw Error("Network.from_numpy", std::to_string(layers.size()) + " layers",
                    "1.." + std::to_string(max_network_layers + 1) + " (W, b) pairs");
    Network net;
    net.domain = box_of(domain, "domain");
    for (const auto& layer : layers) {
        DenseLayer L;
        L.W = std::get<0>(layer);
        L.b = std::get<1>(layer);
        L.activation = activation_from_name(std::get<2>(layer), "activation");
        L.residual = std::get<3>(layer);
        L.negative_slope = std::get<4>(layer);
        L.alpha = std::get<5>(layer);
        net.layers.push_back(std::move(L));
    }
    net.layers.back().activation = Activation::linear;
    const int k = net.layers.back().n_out();
    net.head = head.empty() ? (k == 1 ? Head::sigmoid : k == 2 ? Head::softmax2 : Head::softmax) : head_from_name(head, "head");
    net.validate("Network.from_numpy");
    return net;
}

Eigen::MatrixXd points_of(const Eigen::MatrixXd& X) {
    if (X.cols() != 2) throw Error("points", "an array of " + std::to_string(X.cols()) + " columns", "shape (N, 2)");
    return X;
}

// ---- geometry: a dict with the ginn-geometry JSON's fields; arrays view the Geometry, kept alive by a capsule
template <typename M>
py::array view(const M& m, const py::capsule& owner) {
    using T = typename M::Scalar;
    const std::vector<py::ssize_t> shape{m.rows(), m.cols()};
    const std::vector<py::ssize_t> strides{static_cast<py::ssize_t>(sizeof(T)), static_cast<py::ssize_t>(sizeof(T) * m.rows())};
    return py::array(py::dtype::of<T>(), shape, strides, m.data(), owner);  // column-major Eigen storage
}

py::dict geometry_dict(std::shared_ptr<Geometry> g, bool with_regions) {
    auto* keep = new std::shared_ptr<Geometry>(g);
    const py::capsule owner(keep, [](void* p) { delete static_cast<std::shared_ptr<Geometry>*>(p); });
    auto polylines = [&](const std::vector<Polyline>& lines) {
        py::list out;
        for (const auto& l : lines) out.append(view(l, owner));
        return out;
    };
    py::list neurons;
    for (const auto& n : g->neurons)
        neurons.append(py::dict(py::arg("layer") = n.layer, py::arg("index") = n.index, py::arg("polylines") = polylines(n.polylines)));
    py::dict regions(py::arg("activation") = g->counts.activation, py::arg("linear") = g->counts.linear,
                     py::arg("per_layer") = py::array(py::cast(g->counts.per_layer)));
    if (with_regions) {
        py::list list;
        for (const auto& r : g->regions)
            list.append(py::dict(py::arg("polygon") = view(r.polygon, owner),
                                 py::arg("pattern") = py::array_t<uint8_t>(static_cast<py::ssize_t>(r.pattern.size()), r.pattern.data(), owner),
                                 py::arg("A") = view(r.A, owner), py::arg("c") = py::array_t<double>(r.c.size(), r.c.data(), owner),
                                 py::arg("linear_id") = r.linear_id, py::arg("area") = r.area));
        regions["list"] = list;
    }
    return py::dict(py::arg("exact") = g->exact, py::arg("domain") = box_tuple(g->domain), py::arg("neurons") = neurons,
                    py::arg("decision_boundary") = polylines(g->decision_boundary), py::arg("regions") = regions,
                    py::arg("vertices") = view(g->vertices, owner));
}

/// A computed Geometry held by Python; its fields become Python values on first access (to_dict), so that
/// ginn.geometry costs what compute_geometry costs.
struct GeometryHandle {
    std::shared_ptr<Geometry> g;
    bool with_regions = false;
};

GeometryHandle geometry(const Network& net, bool regions, int grid) {
    GeometryHandle h{std::make_shared<Geometry>(), regions};
    py::gil_scoped_release release;
    *h.g = compute_geometry(net, {.regions = regions, .grid = grid});
    return h;
}

// ---- render: the figure written to a private temporary file, returned as bytes
struct RenderArgs {
    std::string format = "png", background = "prediction", neurons = "all", palette = "standard", points = "none";
    int size = 512;
    bool decision = true, axes = false, legend = false, colour_bar = false;
    int grid = 256;
};

py::bytes render_figure(const Network& net, const Run* run, const std::string& label, const RenderArgs& a) {
    if (a.format != "png" && a.format != "svg" && a.format != "pdf")
        throw Error("format", "'" + a.format + "'", "png, svg or pdf");
    RenderOptions options;
    options.size = a.size;
    options.background = background_from_name(a.background, "background");
    options.neurons = parse_neuron_selection(a.neurons, "neurons");
    options.palette = palette_from_name(a.palette, "palette");
    options.points = point_set_from_name(a.points, "points");
    options.decision_boundary = a.decision;
    options.axes = a.axes;
    options.legend = a.legend;
    options.colour_bar = a.colour_bar;
    if (run) options.target = &run->dataset();
    else if (options.background == Background::target || options.points != PointSet::none)
        throw Error(a.background == "target" ? "background" : "points", "needs a run's dataset", "a ginn.Run",
                    "render a Run, or use background='prediction' and points='none'");
    std::string bytes;
    {
        py::gil_scoped_release release;
        const auto dir = std::filesystem::temp_directory_path() / ("ginn-py-" + std::to_string(getpid()));
        std::filesystem::create_directories(dir);
        static std::atomic<int> counter{0};
        const std::string path = (dir / ("figure-" + std::to_string(counter++) + "." + a.format)).string();
        check_neuron_selection(net, options.neurons);
        render_snapshot(net, compute_geometry(net, {.grid = a.grid}), path, options, label);
        bytes = read_file(path);
        std::filesystem::remove(path);
    }
    return py::bytes(bytes);
}

// ---- training
std::string train(const std::string& config_json, const std::string& out, bool force, const std::string& init_from,
                  const std::function<void(long long, long long, double, double)>& progress) {
    RunConfig config = config_from_json(parse_json(config_json, "ginn.train"), "ginn.train");
    config.validate();
    std::atomic<bool> stop{false};
    TrainOptions options;
    options.out = out;
    options.force = force;
    options.init_from = init_from;
    options.stop = &stop;
    bool interrupted = false;
    options.on_progress = [&](const Progress& p) {
        py::gil_scoped_acquire acquire;
        if (PyErr_CheckSignals() != 0) {  // Ctrl-C in the notebook: save and stop, as the command line does
            PyErr_Clear();
            interrupted = true;
            stop = true;
        }
        if (progress) progress(p.iteration, p.total, p.seconds, p.loss);
    };
    TrainResult result;
    {
        py::gil_scoped_release release;
        result = train_run(config, options);
    }
    if (interrupted) {
        PyErr_SetNone(PyExc_KeyboardInterrupt);
        throw py::error_already_set();
    }
    if (result.status == RunStatus::diverged) throw Error(out, "training diverged", "finite losses", result.message);
    return out;
}

std::string default_config_json() { return config_to_json(RunConfig{}).dump(); }

}  // namespace
}  // namespace ginn

PYBIND11_MODULE(_ginn, m) {
    using namespace ginn;
    m.doc() = "ginn's library: exact geometry of 2-D-input networks (see the ginn package and docs/python.md)";
    static py::exception<Error> error(m, "Error", PyExc_ValueError);
    py::register_exception_translator([](std::exception_ptr p) {
        try {
            if (p) std::rethrow_exception(p);
        } catch (const Error& e) {
            PyErr_SetString(error.ptr(), e.what());
        }
    });

    py::class_<Network>(m, "Network")
        .def_static("from_layers", &network_from_layers, py::arg("layers"), py::arg("head"), py::arg("domain"))
        .def_static("from_json_file", &load_network_json, py::arg("path"))
        .def_static("from_json_text", [](const std::string& text) { return network_from_json(parse_json(text, "json"), "json"); })
        .def_static("from_onnx_file", [](const std::string& path, const std::vector<double>& domain) {
            return load_network_onnx(path, {.domain = box_of(domain, "domain")});
        }, py::arg("path"), py::arg("domain"))
        .def_static("from_onnx_bytes", [](py::bytes data, const std::vector<double>& domain, const std::string& where) {
            const std::string bytes = data;
            return network_from_onnx(bytes, where, {.domain = box_of(domain, "domain")});
        }, py::arg("data"), py::arg("domain"), py::arg("where") = "onnx")
        .def_property_readonly("domain", [](const Network& n) { return box_tuple(n.domain); })
        .def_property_readonly("head", [](const Network& n) { return std::string(head_name(n.head)); })
        .def_property_readonly("exact", &Network::piecewise_linear)
        .def_property_readonly("n_outputs", &Network::n_outputs)
        .def_property_readonly("n_neurons", &Network::n_neurons)
        .def_property_readonly("layers", [](const Network& n) {
            py::list out;
            for (const auto& L : n.layers)
                out.append(py::dict(py::arg("W") = L.W, py::arg("b") = L.b, py::arg("activation") = std::string(activation_name(L.activation)),
                                    py::arg("residual") = L.residual, py::arg("negative_slope") = L.negative_slope,
                                    py::arg("alpha") = L.alpha));
            return out;
        })
        .def("forward", [](const Network& n, const Eigen::MatrixXd& X) { return forward(n, points_of(X)); }, py::arg("X"))
        .def("probability", [](const Network& n, const Eigen::MatrixXd& X) { return probability(n, points_of(X)); }, py::arg("X"))
        .def("predicted_class", [](const Network& n, const Eigen::MatrixXd& X) { return predicted_class(n, points_of(X)); }, py::arg("X"))
        .def("to_json", [](const Network& n) { return network_to_json(n).dump(); })
        .def("with_head", [](Network n, const std::string& head) {
            n.head = head_from_name(head, "head");
            n.validate("head");
            return n;
        }, py::arg("head"));

    py::class_<Run>(m, "Run")
        .def(py::init(&Run::open), py::arg("path"))
        .def_property_readonly("dir", &Run::dir)
        .def_property_readonly("status", [](const Run& r) { return std::string(run_status_name(r.status())); })
        .def_property_readonly("n_snapshots", &Run::n_snapshots)
        .def_property_readonly("domain", [](const Run& r) { return box_tuple(r.domain()); })
        .def_property_readonly("config_json", [](const Run& r) { return config_to_json(r.config()).dump(); })
        .def("metrics", [](const Run& r) {
            const auto& s = r.snapshots();
            const auto n = static_cast<py::ssize_t>(s.size());
            py::array_t<int64_t> iteration(n);
            py::array_t<double> lr(n), loss_batch(n), loss(n), accuracy(n), loss_test(n), accuracy_test(n);
            for (py::ssize_t k = 0; k < n; ++k) {
                iteration.mutable_at(k) = s[k].iteration;
                lr.mutable_at(k) = s[k].lr;
                loss_batch.mutable_at(k) = s[k].loss_batch;
                loss.mutable_at(k) = s[k].loss;
                accuracy.mutable_at(k) = s[k].accuracy;
                loss_test.mutable_at(k) = s[k].loss_test;
                accuracy_test.mutable_at(k) = s[k].accuracy_test;
            }
            return py::dict(py::arg("iteration") = iteration, py::arg("lr") = lr, py::arg("loss_batch") = loss_batch,
                            py::arg("loss") = loss, py::arg("accuracy") = accuracy, py::arg("loss_test") = loss_test,
                            py::arg("accuracy_test") = accuracy_test);
        })
        .def("resolve_snapshot", &Run::resolve_snapshot, py::arg("k"), py::arg("iteration"))
        .def("network", &Run::network, py::arg("k"))
        .def("label", [](const Run& r, int k) { return snapshot_label(r.snapshot(k).iteration, r.snapshot(k).loss); })
        .def("dataset", [](const Run& r) {
            const Dataset& d = r.dataset();
            return py::make_tuple(Eigen::MatrixX2d(d.X.cast<double>()), py::array(py::cast(d.label)), py::array(py::cast(d.is_test)));
        });

    py::class_<RenderArgs>(m, "RenderArgs")
        .def(py::init<>())
        .def_readwrite("format", &RenderArgs::format)
        .def_readwrite("background", &RenderArgs::background)
        .def_readwrite("neurons", &RenderArgs::neurons)
        .def_readwrite("palette", &RenderArgs::palette)
        .def_readwrite("points", &RenderArgs::points)
        .def_readwrite("size", &RenderArgs::size)
        .def_readwrite("decision", &RenderArgs::decision)
        .def_readwrite("axes", &RenderArgs::axes)
        .def_readwrite("legend", &RenderArgs::legend)
        .def_readwrite("colour_bar", &RenderArgs::colour_bar)
        .def_readwrite("grid", &RenderArgs::grid);

    py::class_<GeometryHandle>(m, "GeometryHandle")
        .def_property_readonly("exact", [](const GeometryHandle& h) { return h.g->exact; })
        .def("to_dict", [](const GeometryHandle& h) { return geometry_dict(h.g, h.with_regions); });
    m.def("geometry", &geometry, py::arg("net"), py::arg("regions") = false, py::arg("grid") = 256);
    m.def("render_network", [](const Network& n, const RenderArgs& a) { return render_figure(n, nullptr, "", a); });
    m.def("render_run", [](const Run& r, int k, const RenderArgs& a) { return render_figure(r.network(k), &r, snapshot_label(r.snapshot(k).iteration, r.snapshot(k).loss), a); });
    m.def("train", &train, py::arg("config_json"), py::arg("out"), py::arg("force"), py::arg("init_from"), py::arg("progress"));
    m.def("default_config_json", &default_config_json);
    m.def("viewer_html", [](const std::vector<const Run*>& runs, const std::string& title, bool analysis) {
        py::gil_scoped_release release;
        ViewerOptions options{.title = title};
        std::vector<std::vector<Geometry>> geometry;  // computed once, for the findings and the page
        if (analysis) options.findings = run_findings(runs, {}, &geometry);
        for (const auto& g : geometry) options.geometry.push_back(&g);
        return viewer_html(runs, options);
    }, py::arg("runs"), py::arg("title") = "", py::arg("analysis") = false);
    m.def("network_viewer_html", [](const std::vector<std::pair<const Network*, std::string>>& named, const std::string& title,
                                    bool analysis) {
        py::gil_scoped_release release;
        std::vector<ViewerNetwork> nets;
        std::vector<const Network*> pointers;
        for (const auto& [net, name] : named) nets.push_back({net, name}), pointers.push_back(net);
        ViewerOptions options{.title = title};
        std::vector<std::vector<Geometry>> geometry;
        if (analysis) options.findings = network_findings(pointers, {}, &geometry);
        for (const auto& g : geometry) options.geometry.push_back(&g);
        return network_viewer_html(nets, options);
    }, py::arg("networks"), py::arg("title") = "", py::arg("analysis") = true);
    m.def("onnx_available", &onnx_import_available);
    m.attr("default_onnx_domain") = box_tuple(default_onnx_domain);
}
