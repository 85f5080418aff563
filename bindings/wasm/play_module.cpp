// The WebAssembly face of ginn for the live page (`ginn play`): one network trained by the library's own Trainer on
// the library's own datasets, its exact geometry and prediction image per frame. Thin, like app/: no logic of its
// own beyond packing results into typed arrays. Not the page (web/play.js) and not a second engine.
//
// Intended usage (from JavaScript, after `const m = await GinnWasm()`):
//   1. const p = new m.Play(); const err = p.create(JSON.stringify(config));   // "" or one error line
//   2. p.step(100); p.metrics();                     // {iteration, lr, loss, accuracy, loss_test, accuracy_test, ...}
//   3. p.weights(), p.geometry(), p.prediction(96)   // typed-array views, valid until the next call
// Own data: write the file with m.FS.writeFile('/data/x.csv', bytes) and set config.task.target to that path.
#include <emscripten/bind.h>
#include <emscripten/val.h>
#include <sys/stat.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "ginn/core/error.h"
#include "ginn/core/io.h"
#include "ginn/run/run.h"
#include "ginn/viewer/viewer.h"
#include "run/format.h"
#include "ginn/data/dataset.h"
#include "ginn/geometry/geometry.h"
#include "ginn/model/model.h"
#include "ginn/train/config.h"
#include "ginn/train/optim.h"
#include "ginn/train/trainer.h"

namespace ginn {

namespace detail {
/// The viewer's web files live in the page that holds this engine (web/play.html's viewer template), not in the engine.
std::string_view web_asset(std::string_view) { return {}; }
}  // namespace detail

namespace {

using emscripten::val;
using json = nlohmann::json;

/// Limits of the page, checked before anything is allocated (docs/play.md): the library's own limits are wider.
constexpr int play_max_layers = 16;
constexpr int play_max_width = 256;
constexpr int play_max_batch = 4096;
constexpr int64_t play_max_points = 1000000;
constexpr int play_max_image = 512;

template <typename T>
val view(const std::vector<T>& v) { return val(emscripten::typed_memory_view(v.size(), v.data())); }

void check_play_limits(const RunConfig& c) {
    if (c.model.widths.empty() || int(c.model.widths.size()) > play_max_layers)
        throw Error("widths", std::to_string(c.model.widths.size()) + " hidden layers",
                    "1.." + std::to_string(play_max_layers) + " in the page", "fewer layers, or `ginn train`");
    for (int w : c.model.widths)
        if (w < 1 || w > play_max_width)
            throw Error("widths", "a layer of " + std::to_string(w) + " neurons",
                        "1.." + std::to_string(play_max_width) + " neurons per layer in the page", "narrower layers, or `ginn train`");
    if (c.train.batch < 1 || c.train.batch > play_max_batch)
        throw Error("batch", std::to_string(c.train.batch), "1.." + std::to_string(play_max_batch) + " in the page");
    if (c.task.n_points > play_max_points)
        throw Error("n_points", std::to_string(c.task.n_points), "at most " + std::to_string(play_max_points) + " in the page");
    if (c.task.resolution > play_max_image)
        throw Error("resolution", std::to_string(c.task.resolution), "at most " + std::to_string(play_max_image) + " in the page");
}

}  // namespace

/// One live network and its dataset. Every method that can fail returns an error line ("" for success) instead of
/// throwing into JavaScript, so the page shows it and stays usable.
class Play {
public:
    /// Emscripten's libc starts with umask 0777, so files written by write_file_atomic (io.cpp: 0666 & ~umask) would
    /// be unreadable even to the page; a plain process's 022 instead.
    Play() { ::umask(022); }

    std::string create(const std::string& config_text) {
        return guarded([&] {
            RunConfig c = config_from_json(json::parse(config_text), "page settings");
            check_play_limits(c);
            c.validate();
            Dataset data = make_dataset(c.task);
            if (c.model.head == Head::softmax2 && data.n_classes > 2)
                throw Error(c.task.target, "task has " + std::to_string(data.n_classes) + " classes",
                            "2 classes for the softmax2 head", "choose the softmax head");
            c.model.n_classes = data.n_classes;
            check_classes(data);
            trainer_.reset();
            clear_recording();
            trainer_.emplace(c.model, c.optim, c.train, data);
            config_ = c;
            data_ = std::move(data);
            diverged_ = false;
        });
    }

    /// Trains n more steps (stops at the config's iterations); the mean minibatch loss, NaN when none were taken or
    /// training diverged (then error() says where).
    double step(int n) {
        if (!trainer_ || diverged_ || n <= 0) return NAN;
        const int64_t target = std::min<int64_t>(trainer_->iteration() + n, config_.train.iterations);
        StepResult r;
        if (!guarded([&] { r = trainer_->run_until(target); }).empty()) {
            diverged_ = true;
            return NAN;
        }
        if (r.non_finite) {
            diverged_ = true;
            error_ = "training diverged at iteration " + std::to_string(trainer_->iteration()) +
                     " (a loss or parameter became non-finite; hint: a smaller learning rate)";
        }
        return r.mean_batch_loss;
    }

    /// {iteration, iterations, lr, loss, accuracy, loss_test, accuracy_test, diverged}
    std::string metrics() const {
        if (!trainer_) return "{}";
        const Metrics m = trainer_->evaluate();
        const auto num = [](double v) { return std::isfinite(v) ? json(v) : json(nullptr); };
        return json{{"iteration", trainer_->iteration()}, {"iterations", config_.train.iterations}, {"lr", num(trainer_->lr())},
                    {"loss", num(m.loss)}, {"accuracy", num(m.accuracy)}, {"loss_test", num(m.loss_test)},
                    {"accuracy_test", num(m.accuracy_test)}, {"diverged", diverged_}}.dump();
    }

    /// The network's shape and task: {domain, head, n_classes, kind, range, layers: [{n_in, n_out, activation,
    /// residual}], grid_w, grid_h, n_points, n_params, config}.
    std::string describe() const {
        if (!trainer_) return "{}";
        const Network net = network();
        json layers = json::array();
        for (const DenseLayer& L : net.layers)
            layers.push_back({{"n_in", L.n_in()}, {"n_out", L.n_out()}, {"activation", std::string(activation_name(L.activation))},
                              {"residual", L.residual}});
        const auto [lo, hi] = label_range();
        const Box& d = data_.domain;
        return json{{"domain", {d.x0, d.x1, d.y0, d.y1}}, {"head", std::string(head_name(net.head))},
                    {"n_classes", std::max(2, data_.n_classes)},
                    {"kind", data_.n_classes > 2 ? "classes" : net.head == Head::regression ? "regression" : "probability"},
                    {"range", {lo, hi}}, {"layers", layers}, {"grid_w", data_.grid_w}, {"grid_h", data_.grid_h},
                    {"n_points", data_.size()}, {"n_test", data_.n_test()}, {"n_params", n_params(config_.model)},
                    {"config", config_to_json(config_)}}.dump();
    }

    /// Evaluation-form weights (batch norm folded), float32 per layer W (n_out x n_in, row-major) then b: the
    /// viewer's snapshot layout (docs/viewer.md).
    val weights() {
        floats_.clear();
        for (const DenseLayer& L : network().layers) {
            for (int i = 0; i < L.n_out(); ++i)
                for (int k = 0; k < L.n_in(); ++k) floats_.push_back(float(L.W(i, k)));
            for (int i = 0; i < L.n_out(); ++i) floats_.push_back(float(L.b(i)));
        }
        return view(floats_);
    }

    /// The flat training parameters (model.h layout), for a recorded snapshot.
    val params() const {
        if (!trainer_) return val::null();
        const std::span<const float> p = trainer_->params();
        return val(emscripten::typed_memory_view(p.size(), p.data()));
    }

    /// Exact geometry of the current weights (approximate for smooth activations, grid cells per side `grid`), in
    /// unit coordinates (u right, v up): for each neuron then the decision boundary, the number of polylines, then
    /// per polyline its point count and the points. Header: [exact, activation regions, linear regions].
    val geometry(int grid) {
        floats_.clear();
        if (!trainer_) return view(floats_);
        const std::string err = guarded([&] {
            const Network net = network();
            GeometryOptions o;
            o.grid = std::clamp(grid, 2, max_smooth_grid_for(net.n_neurons()));
            const Geometry g = compute_geometry(net, o);
            const Box& d = net.domain;
            floats_ = {g.exact ? 1.0f : 0.0f, float(g.counts.activation), float(g.counts.linear)};
            const auto put = [&](const std::vector<Polyline>& lines) {
                floats_.push_back(float(lines.size()));
                for (const Polyline& p : lines) {
                    floats_.push_back(float(p.rows()));
                    for (Eigen::Index i = 0; i < p.rows(); ++i) {
                        floats_.push_back(float((p(i, 0) - d.x0) / d.width()));
                        floats_.push_back(float((p(i, 1) - d.y0) / d.height()));
                    }
                }
            };
            for (const NeuronBoundary& nb : g.neurons) put(nb.polylines);
            put(g.decision_boundary);
        });
        if (!err.empty()) floats_.clear();  // error() says why; the page keeps the previous picture
        return view(floats_);
    }

    /// The prediction on an n x n grid (row-major from the top), 8 bits per pixel and tile: P(class 1); P(class c)
    /// per class for k >= 3 classes; regression output scaled from the labels' range. The viewer's encoding.
    val prediction(int n) {
        bytes_.clear();
        if (!trainer_ || n < 1 || n > play_max_image) return view(bytes_);
        const Network net = network();
        const Eigen::MatrixXd X = pixel_centres(net.domain, n, n);
        const size_t nn = size_t(n) * n;
        const int tiles = data_.n_classes > 2 ? data_.n_classes : 1;
        bytes_.assign(nn * size_t(tiles), 0);
        const auto unit = [](double v) { return uint8_t(std::lround((std::isfinite(v) ? std::clamp(v, 0.0, 1.0) : 0.5) * 255.0)); };
        if (tiles > 1) {
            const Eigen::MatrixXd Z = forward(net, X);
            for (Eigen::Index i = 0; i < Z.rows(); ++i) {
                const Eigen::RowVectorXd e = (Z.row(i).array() - Z.row(i).maxCoeff()).exp();
                for (int c = 0; c < tiles; ++c) bytes_[size_t(c) * nn + size_t(i)] = unit(e(c) / e.sum());
            }
        } else if (net.head == Head::regression) {
            const auto [lo, hi] = label_range();
            const Eigen::MatrixXd Z = forward(net, X);
            for (Eigen::Index i = 0; i < Z.rows(); ++i) bytes_[size_t(i)] = unit((Z(i, 0) - lo) / (hi - lo));
        } else {
            const Eigen::VectorXd p = probability(net, X);
            for (Eigen::Index i = 0; i < p.size(); ++i) bytes_[size_t(i)] = unit(p(i));
        }
        return view(bytes_);
    }

    /// The dataset: {xy: Float32Array (2 per point, domain units), label: Int32Array, test: Uint8Array (may be empty)}.
    val points() const {
        val out = val::object();
        out.set("xy", val(emscripten::typed_memory_view(size_t(data_.X.size()), data_.X.data())));
        out.set("label", view(data_.label));
        out.set("test", view(data_.is_test));
        return out;
    }

    /// The run directory's dataset.bin bytes (for saving a recording).
    val dataset_bytes() {
        const std::string b = dataset_to_bytes(data_);
        bytes_.assign(b.begin(), b.end());
        return view(bytes_);
    }

    /// Records the current parameters and metrics as a snapshot of the recording (once per iteration);
    /// loss_batch is the mean minibatch loss since the previous snapshot (NaN for none). Returns the snapshot count.
    int record(double loss_batch) {
        if (!trainer_ || (!recorded_.empty() && recorded_.back().iteration >= trainer_->iteration())) return int(recorded_.size());
        const Metrics m = trainer_->evaluate();
        SnapshotInfo s{.iteration = trainer_->iteration(), .lr = trainer_->lr(), .loss_batch = recorded_.empty() ? NAN : loss_batch,
                       .loss = m.loss, .accuracy = m.accuracy, .loss_test = m.loss_test, .accuracy_test = m.accuracy_test};
        recorded_.push_back(s);
        const std::span<const float> p = trainer_->params();
        recorded_params_.insert(recorded_params_.end(), p.begin(), p.end());
        return int(recorded_.size());
    }
    void clear_recording() { recorded_.clear(); recorded_params_.clear(); }

    /// Writes the recording as a run directory (docs/run-format.md) into the in-memory file system at `dir`:
    /// .ginn-run, manifest.json (status "interrupted": no trainer state to resume from), params.bin, dataset.bin.
    std::string save_run(const std::string& dir) {
        return guarded([&] {
            if (!trainer_ || recorded_.empty())
                throw Error("record", "nothing recorded", "at least one recorded snapshot", "press Record while training");
            std::vector<int64_t> schedule;
            for (const SnapshotInfo& s : recorded_) schedule.push_back(s.iteration);
            RunConfig c = config_;
            c.snapshots = "every:1";  // the page records when asked; the schedule lists the iterations it kept
            nlohmann::json m = detail::manifest_json(c, data_, schedule, recorded_);
            m["status"] = "interrupted";
            m["message"] = "recorded in ginn play; no trainer state (train it again with ginn train to continue)";
            m["seconds"] = 0.0;
            const int64_t n = n_params(c.model);
            std::string params = detail::params_header(n);
            for (size_t k = 0; k < recorded_.size(); ++k)
                params += detail::params_record(recorded_[k].iteration,
                                                std::span<const float>(recorded_params_).subspan(k * size_t(n), size_t(n)));
            std::filesystem::create_directories(dir);
            write_file_atomic(dir + "/.ginn-run", "");
            write_file_atomic(dir + "/params.bin", params);
            write_file_atomic(dir + "/dataset.bin", dataset_to_bytes(data_));
            write_file_atomic(dir + "/manifest.json", m.dump(1));
        });
    }

    /// The recording as the replay viewer's data (viewer_data, the bytes `ginn view` would inline for the saved run),
    /// JSON text; "" with error() set when nothing was recorded.
    std::string replay_data() {
        std::string text;
        const std::string dir = "/tmp/ginn-play-replay";
        std::filesystem::remove_all(dir);
        if (!save_run(dir).empty()) return "";
        guarded([&] {
            const Run run = Run::open(dir);
            text = viewer_data({&run}, {.image_size = 96, .threads = 1}).dump();
        });
        std::filesystem::remove_all(dir);
        return text;
    }

    std::string error() const { return error_; }

private:
    template <typename F>
    std::string guarded(F&& f) {
        try {
            f();
            error_.clear();
        } catch (const std::bad_alloc&) {
            error_ = "page: out of memory (expected a smaller network or dataset in the browser; hint: ginn train and "
                     "ginn geometry on the command line have no such limit)";
        } catch (const std::exception& e) {
            error_ = e.what();
        }
        return error_;
    }

    static void check_classes(const Dataset& data) {
        std::vector<char> seen(size_t(std::max(2, data.n_classes)), 0);
        for (size_t i = 0; i < data.label.size(); ++i)
            if (data.is_test.empty() || !data.is_test[i]) seen[size_t(data.label[i])] = 1;
        if (std::count(seen.begin(), seen.end(), 1) < 2)
            throw Error(data.name, "the training points have only one class", "points of at least two classes",
                        "add points of another label");
    }

    std::pair<double, double> label_range() const {
        double lo = 0, hi = 1;
        if (!data_.label.empty()) {
            lo = *std::min_element(data_.label.begin(), data_.label.end());
            hi = *std::max_element(data_.label.begin(), data_.label.end());
        }
        if (hi - lo < 1e-12) lo -= 0.5, hi += 0.5;
        return {lo, hi};
    }

    Network network() const { return to_network(config_.model, trainer_->params(), data_.domain); }

    RunConfig config_;
    Dataset data_;
    std::optional<Trainer> trainer_;
    bool diverged_ = false;
    std::string error_;
    std::vector<SnapshotInfo> recorded_;
    std::vector<float> recorded_params_;  // recorded_.size() x n_params
    std::vector<float> floats_;
    std::vector<uint8_t> bytes_;
};

/// The names every choice of the page offers, the library's own lists: {tasks, activations, heads, inits,
/// optimizers, schedules, samplings, defaults (the default config), limits}.
std::string choices() {
    return json{{"tasks", task_names()}, {"activations", trainable_activation_names()}, {"heads", head_names()}, {"inits", init_names()},
                {"optimizers", optimizer_names()}, {"schedules", lr_schedule_names()}, {"samplings", {"replacement", "epochs"}},
                {"defaults", config_to_json(RunConfig{})},
                {"limits", {{"layers", play_max_layers}, {"width", play_max_width}, {"batch", play_max_batch},
                            {"points", play_max_points}, {"resolution", play_max_image}}}}.dump();
}

}  // namespace ginn

EMSCRIPTEN_BINDINGS(ginn_play) {
    emscripten::class_<ginn::Play>("Play")
        .constructor<>()
        .function("create", &ginn::Play::create)
        .function("step", &ginn::Play::step)
        .function("metrics", &ginn::Play::metrics)
        .function("describe", &ginn::Play::describe)
        .function("weights", &ginn::Play::weights)
        .function("params", &ginn::Play::params)
        .function("geometry", &ginn::Play::geometry)
        .function("prediction", &ginn::Play::prediction)
        .function("points", &ginn::Play::points)
        .function("datasetBytes", &ginn::Play::dataset_bytes)
        .function("record", &ginn::Play::record)
        .function("clearRecording", &ginn::Play::clear_recording)
        .function("saveRun", &ginn::Play::save_run)
        .function("replayData", &ginn::Play::replay_data)
        .function("error", &ginn::Play::error);
    emscripten::function("choices", &ginn::choices);
}
