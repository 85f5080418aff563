// What each entry of the viewer page is made from: a recorded run (its config, metrics, target and points) or a
// network without a run (ViewerNetwork: one snapshot, no training, no task). Not the encoding (viewer.cpp).
#include "viewer/source.h"

#include <algorithm>
#include <cmath>
#include <set>
#include <sstream>

#include "ginn/core/error.h"
#include "ginn/data/dataset.h"
#include "ginn/train/config.h"
#include "viewer/page.h"
#include "../data/internal.h"  // formula_value: the formula tasks' target, defined everywhere in the domain

namespace ginn::detail {

namespace {

using nlohmann::json;

bool is_formula_task(const std::string& name) {
    return name == "y-x" || name == "y-|x|" || name == "1-x^2/4-y^2" || name == "y-sin(pi*x)";
}
int32_t formula_label(const std::string& name, double x, double y) { return detail::formula_value(name, x, y) > 0 ? 1 : 0; }

OutputSpec output_spec(const Run& run, const Network& net) {
    OutputSpec o{.head = net.head, .n_classes = std::max(2, run.dataset().n_classes)};
    if (net.head == Head::regression) {
        const std::vector<int32_t>& y = run.dataset().label;
        if (!y.empty()) {
            o.lo = *std::min_element(y.begin(), y.end());
            o.hi = *std::max_element(y.begin(), y.end());
        }
        if (o.hi - o.lo < 1e-12) o.lo -= 0.5, o.hi += 0.5;
    }
    return o;
}

std::string model_summary(const Run& run, const Network& net) {
    std::ostringstream s;
    s << net.layers.front().n_in();
    for (const DenseLayer& L : net.layers) s << "-" << L.n_out();
    const ModelSpec& m = run.config().model;
    s << " " << activation_name(m.activation) << ", " << head_name(m.head);
    if (m.batch_norm) s << ", batch norm";
    if (m.residual) s << ", residual";
    if (m.dropout > 0) s << ", dropout " << m.dropout;
    return s.str();
}

json run_summary_json(const Run& run, const Network& net) {
    const RunConfig& c = run.config();
    std::ostringstream optim, train, task;
    optim << optimizer_name(c.optim.kind) << ", lr " << c.optim.lr << ", " << lr_schedule_name(c.optim.schedule);
    if (c.optim.weight_decay > 0) optim << ", weight decay " << c.optim.weight_decay;
    train << c.train.iterations << " iterations, batch " << c.train.batch << ", seed " << c.train.seed;
    task << c.task.target;
    if (c.task.test_fraction > 0) task << ", test " << c.task.test_fraction;
    return {{"task", task.str()},
            {"model", model_summary(run, net)},
            {"optim", optim.str()},
            {"train", train.str()},
            {"status", std::string(run_status_name(run.status()))}};
}

json snapshot_metrics_json(const Run& run) {
    json m = {{"iteration", json::array()}, {"lr", json::array()},       {"loss", json::array()},
              {"accuracy", json::array()},  {"loss_batch", json::array()}};
    bool has_test = false;
    for (const SnapshotInfo& s : run.snapshots()) has_test = has_test || s.loss_test >= 0;
    if (has_test) m["loss_test"] = m["accuracy_test"] = json::array();
    auto num = [](double v) { return std::isfinite(v) ? json(v) : json(nullptr); };
    for (const SnapshotInfo& s : run.snapshots()) {
        m["iteration"].push_back(s.iteration);
        m["lr"].push_back(num(s.lr));
        m["loss"].push_back(num(s.loss));
        m["accuracy"].push_back(num(s.accuracy));
        m["loss_batch"].push_back(num(s.loss_batch));
        if (has_test) {
            m["loss_test"].push_back(s.loss_test >= 0 ? num(s.loss_test) : json(nullptr));
            m["accuracy_test"].push_back(s.accuracy_test >= 0 ? num(s.accuracy_test) : json(nullptr));
        }
    }
    return m;
}

/// The task's own target as a raster of class labels (one byte each), where the task defines one everywhere: image
/// targets (their pixels) and formula tasks (the formula's sign at 256 x 256 pixel centres). Point clouds and CSV files
/// define labels only at their points: null (the page draws the points instead).
json target_json(const Run& run) {
    const Dataset& data = run.dataset();
    int w = 256, h = 256;
    std::vector<int32_t> labels;
    if (data.is_grid() && data.grid_w <= 1024 && data.grid_h <= 1024) {
        w = data.grid_w, h = data.grid_h;
        labels = target_raster(data, w, h);
    } else if (is_formula_task(data.name)) {
        const Eigen::MatrixXd X = pixel_centres(data.domain, w, h);  // (w h, 2)
        labels.resize(size_t(X.rows()));
        for (Eigen::Index i = 0; i < X.rows(); ++i) labels[size_t(i)] = formula_label(data.name, X(i, 0), X(i, 1));
    } else {
        return nullptr;
    }
    std::vector<uint8_t> px(labels.size());
    for (size_t i = 0; i < labels.size(); ++i) px[i] = uint8_t(std::clamp(labels[i], 0, 255));
    return {{"width", w}, {"height", h}, {"png", png_grey_data_url(px, w, h, run.dir())}};
}

inline constexpr int64_t max_points = 20000;  // points embedded per run; more are thinned evenly (the page says so)

/// The dataset's points for point and CSV tasks (image targets show their raster instead): at most max_points,
/// evenly thinned, quantised to 16 bits across the domain: "xy" base64 of little-endian uint16 (x, y) pairs, "label"
/// one byte per point (clamped to 255), "test" one byte per point (1: held out).
json points_json(const Dataset& data) {
    if (data.is_grid() || data.size() == 0) return nullptr;
    const int64_t n_all = data.size(), n = std::min(n_all, max_points);
    std::string xy, label, test;
    xy.reserve(size_t(n) * 4);
    const Box& d = data.domain;
    for (int64_t j = 0; j < n; ++j) {
        const int64_t i = j * n_all / n;
        for (double t : {(data.X(i, 0) - d.x0) / d.width(), (data.X(i, 1) - d.y0) / d.height()}) {
            const auto q = uint16_t(std::lround((std::isfinite(t) ? std::clamp(t, 0.0, 1.0) : 0.0) * 65535.0));
            xy += char(q & 255);
            xy += char(q >> 8);
        }
        label += char(uint8_t(std::clamp(data.label[size_t(i)], 0, 255)));
        test += char(data.is_test.empty() ? 0 : data.is_test[size_t(i)] ? 1 : 0);
    }
    return {{"n", n}, {"n_total", n_all}, {"xy", base64_text(xy)}, {"label", base64_text(label)}, {"test", base64_text(test)}};
}

/// "2-16-16-2 prelu, softmax, residual": the widths, the hidden activations (several when layers differ), the head.
std::string network_summary(const Network& net) {
    std::ostringstream s;
    s << net.layers.front().n_in();
    for (const DenseLayer& L : net.layers) s << "-" << L.n_out();
    std::vector<std::string> acts;
    bool residual = false;
    for (int l = 0; l < net.n_hidden_layers(); ++l) {
        const DenseLayer& L = net.layers[size_t(l)];
        std::string a(activation_name(L.activation));
        if (L.activation == Activation::leaky_relu && L.negative_slope.size() > 0 &&
            L.negative_slope.minCoeff() != L.negative_slope.maxCoeff())
            a = "prelu";  // one slope per neuron
        if (std::find(acts.begin(), acts.end(), a) == acts.end()) acts.push_back(a);
        residual = residual || L.residual;
    }
    for (size_t i = 0; i < acts.size(); ++i) s << (i ? "/" : " ") << acts[i];
    s << (acts.empty() ? " " : ", ") << head_name(net.head);
    if (residual) s << ", residual";
    return s.str();
}

}  // namespace

PageSource run_page_source(const Run& run) {
    const int n_snap = run.n_snapshots();
    if (n_snap == 0) throw Error(run.dir(), "run has no snapshots", "at least one recorded snapshot",
                                 "train it first (ginn train) or resume it");
    const Network net0 = run.network(0);
    PageSource s;
    s.where = run.dir();
    s.name = run.dir();
    while (s.name.size() > 1 && s.name.back() == '/') s.name.pop_back();
    if (auto slash = s.name.find_last_of('/'); slash != std::string::npos) s.name = s.name.substr(slash + 1);
    s.n_snapshots = n_snap;
    for (int k = 0; k < n_snap; ++k) s.iterations.push_back(run.snapshot(k).iteration);
    s.network = [&run](int k) { return run.network(k); };
    s.output = output_spec(run, net0);
    s.summary = run_summary_json(run, net0);
    s.config = config_to_json(run.config());
    s.metrics = snapshot_metrics_json(run);
    s.target = target_json(run);
    s.points = points_json(run.dataset());
    s.class_names = run.dataset().class_names;
    s.batch_norm = run.config().model.batch_norm;
    return s;
}

PageSource network_page_source(const ViewerNetwork& v, int image_size) {
    if (v.net == nullptr) throw Error("viewer", "null network in the network list", "a list of networks");
    const Network& net = *v.net;
    const std::string where = v.name.empty() ? "network" : v.name;
    net.validate(where);
    PageSource s;
    s.where = s.name = where;
    if (auto slash = s.name.find_last_of('/'); slash != std::string::npos && slash + 1 < s.name.size())
        s.name = s.name.substr(slash + 1);
    s.n_snapshots = 1;
    s.iterations = {0};
    s.network = [&net](int) { return net; };
    s.output = {.head = net.head, .n_classes = net.head == Head::softmax ? std::max(2, net.n_outputs()) : 2};
    if (net.head == Head::regression && net.layers.front().n_in() == 2) {  // no labels: the output's own range
        const Eigen::VectorXd y = forward(net, pixel_centres(net.domain, image_size, image_size)).col(0);
        s.output.lo = y.minCoeff(), s.output.hi = y.maxCoeff();
        if (!(s.output.hi - s.output.lo >= 1e-12)) s.output.lo = y.mean() - 0.5, s.output.hi = s.output.lo + 1;
    }
    s.summary = {{"task", "no task: a network without a training run"},
                 {"model", network_summary(net)},
                 {"optim", "not trained by ginn"},
                 {"train", "imported"},
                 {"status", "imported"}};
    s.config = nullptr;
    const json none = json::array({nullptr});
    s.metrics = {{"iteration", {0}}, {"lr", none}, {"loss", none}, {"accuracy", none}, {"loss_batch", none}};
    s.target = s.points = nullptr;
    s.imported = true;
    return s;
}

}  // namespace ginn::detail
