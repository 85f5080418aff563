// The training loop: minibatch sampling, the engine's forward/backward pass, the optimiser step, evaluation and the
// resumable state. Not the passes themselves (engine.cpp) and not recording (run.cpp decides what to keep).
#include "ginn/train/trainer.h"

#include <algorithm>
#include <cmath>
#include <cstring>

#include "ginn/model/detail/engine.h"
#include "ginn/train/detail/optim_step.h"
#include "ginn/core/detail/rng.h"
#include "ginn/core/error.h"
#include "ginn/core/io.h"
#include "model/kernels.h"

namespace ginn {

void TrainSpec::validate() const {
    if (iterations < 0) throw Error("training", std::to_string(iterations) + " iterations", "iterations >= 0");
    if (batch < 1 || batch > 1000000)
        throw Error("training", "batch size " + std::to_string(batch), "a batch size in 1..1,000,000", "GINN uses 128");
}

namespace {

constexpr char state_magic[8] = {'G', 'I', 'N', 'N', 'T', 'R', 'N', 'S'};
constexpr uint32_t state_version = 2;  // 2 adds the trailing checksum; 1 is still read
constexpr int eval_chunk = 1024;          ///< examples per evaluation pass
constexpr int64_t stop_check_every = 256;  ///< steps between looks at the stop flag

/// The points of one split as flat arrays, ready to be gathered into a batch.
struct Points {
    std::vector<float> x, y;
    std::vector<int32_t> label;
    int64_t size() const { return static_cast<int64_t>(x.size()); }
};

/// One training point packed into 16 bytes, so that drawing it at random touches one cache line, not three.
struct PackedPoint {
    float x, y;
    int32_t label, unused;
};

template <typename T>
void put(std::string& out, const T& value) {
    out.append(reinterpret_cast<const char*>(&value), sizeof value);
}
template <typename T>
void put_array(std::string& out, const std::vector<T>& values) {
    out.append(reinterpret_cast<const char*>(values.data()), values.size() * sizeof(T));
}

/// Reads fixed-size fields from a byte string, throwing Error when it runs short.
struct Reader {
    const std::string& bytes;
    const std::string& where;
    size_t pos = 0;
    template <typename T>
    T get() {
        T value;
        need(sizeof value);
        std::memcpy(&value, bytes.data() + pos, sizeof value);
        pos += sizeof value;
        return value;
    }
    template <typename T>
    void get_array(std::vector<T>& values) {
        need(values.size() * sizeof(T));
        if (values.empty()) return;  // memcpy into an empty vector's null data() is undefined even for 0 bytes
        std::memcpy(values.data(), bytes.data() + pos, values.size() * sizeof(T));
        pos += values.size() * sizeof(T);
    }
    void need(size_t n) const {
        if (pos + n > bytes.size())
            throw Error(where, "training state is truncated (" + std::to_string(bytes.size()) + " bytes)",
                        "a complete state written by this trainer", "the run directory may be damaged; retrain");
    }
};

}  // namespace

struct Trainer::Impl {
    ModelSpec model;
    OptimSpec optim;
    TrainSpec train;
    Points points, test;
    std::vector<PackedPoint> packed;                      // the training points again, for sampling
    detail::Engine engine;
    mutable std::unique_ptr<detail::Engine> eval_engine;  // created on first evaluate()
    std::vector<float> params, grad, m, v, backup;        // (n_params) each
    std::vector<std::pair<int64_t, int64_t>> decayed;     // ranges the optimiser updates with weight decay
    std::vector<std::pair<int64_t, int64_t>> undecayed;   // and without (biases, gamma, beta if !decay_biases)
    OptimSpec optim_undecayed;                            // optim with weight_decay 0
    int64_t iteration = 0;
    detail::Rng rng;                                      // sampling and dropout
    std::vector<int32_t> perm;                            // epochs: the current shuffled pass
    int64_t perm_pos = 0;

    Impl(const ModelSpec& model_, const OptimSpec& optim_, const TrainSpec& train_, const Dataset& data)
        : model(model_), optim(optim_), train(train_), engine(model_, train_.batch), rng(train_.seed ^ 0x5851f42d4c957f2dULL) {
        split(data);
        params = init_params(model, train.seed);
        grad.assign(params.size(), 0.0f);
        m.assign(params.size(), 0.0f);
        v.assign(params.size(), 0.0f);
        backup.assign(params.size(), 0.0f);
        for (const auto& L : engine.layers()) {  // everything but the batch-norm running statistics
            if (optim.decay_biases) {
                decayed.emplace_back(L.W, L.b + L.n_out);
                if (L.gamma >= 0) decayed.emplace_back(L.gamma, L.beta + L.n_out);
            } else {
                decayed.emplace_back(L.W, L.W + int64_t{L.n_out} * L.n_in);
                undecayed.emplace_back(L.b, L.b + L.n_out);
                if (L.gamma >= 0) undecayed.emplace_back(L.gamma, L.beta + L.n_out);
            }
        }
        optim_undecayed = optim;
        optim_undecayed.weight_decay = 0;
        if (train.sampling == Sampling::epochs) {
            perm.resize(points.size());
            for (int64_t k = 0; k < points.size(); ++k) perm[k] = static_cast<int32_t>(k);
            perm_pos = points.size();  // the first batch starts a fresh shuffle
        }
    }

    void split(const Dataset& data) {
        for (int64_t k = 0; k < data.size(); ++k) {
            const int32_t y = data.label[k];
            if (y < 0 || y >= model.n_classes)
                throw Error(data.name, "label " + std::to_string(y) + " at point " + std::to_string(k),
                            "a class in 0.." + std::to_string(model.n_classes - 1), "check the task's n_classes");
            Points& dst = !data.is_test.empty() && data.is_test[k] ? test : points;
            const Box& d = data.domain;  // ModelSpec::normalize: the net sees [-1, 1]^2
            dst.x.push_back(model.normalize ? static_cast<float>(normalized_input(data.X(k, 0), d.x0, d.x1)) : data.X(k, 0));
            dst.y.push_back(model.normalize ? static_cast<float>(normalized_input(data.X(k, 1), d.y0, d.y1)) : data.X(k, 1));
            dst.label.push_back(y);
        }
        if (points.size() == 0)
            throw Error(data.name, "no training points", "at least one point outside the test split",
                        "lower the test fraction");
        if (points.size() > INT32_MAX) throw Error(data.name, "too many points", "fewer than 2^31 points");
        for (int64_t k = 0; k < points.size(); ++k) packed.push_back({points.x[k], points.y[k], points.label[k], 0});
    }

    /// Gathers the next minibatch into the engine's input columns.
    void sample_batch() {
        float* xb = engine.input_x();
        float* yb = engine.input_y();
        int32_t* lb = engine.labels();
        const uint64_t n = static_cast<uint64_t>(points.size());
        const PackedPoint* pts = packed.data();
        if (train.sampling == Sampling::replacement) {
            detail::Rng local = rng;  // in registers for the loop, not re-stored after every draw
            for (int s = 0; s < train.batch; ++s) {
                const PackedPoint& pt = pts[local.below(n)];
                xb[s] = pt.x;
                yb[s] = pt.y;
                lb[s] = pt.label;
            }
            rng = local;
            return;
        }
        for (int s = 0; s < train.batch;) {  // epochs: the next points of the shuffled pass
            if (perm_pos == points.size()) {  // Fisher-Yates shuffle for the next pass
                detail::Rng local = rng;      // in registers for the loop
                for (int64_t i = points.size() - 1; i > 0; --i)
                    std::swap(perm[i], perm[static_cast<int64_t>(local.below(static_cast<uint64_t>(i) + 1))]);
                rng = local;
                perm_pos = 0;
            }
            // up to the end of the batch or of the pass, in a loop of its own (no pass check per point)
            const int64_t m = std::min<int64_t>(train.batch - s, points.size() - perm_pos);
            const int32_t* next = perm.data() + perm_pos;
            for (int64_t k = 0; k < m; ++k) {
                const PackedPoint& pt = pts[next[k]];
                xb[s + k] = pt.x;
                yb[s + k] = pt.y;
                lb[s + k] = pt.label;
            }
            s += static_cast<int>(m);
            perm_pos += m;
        }
    }

    /// One update; returns the minibatch loss, or a non-finite value (parameters then left as they were).
    double step() {
        sample_batch();
        const double loss = engine.forward_train(params.data(), train.batch, model.dropout > 0 ? &rng : nullptr);
        if (!std::isfinite(loss)) return loss;
        engine.backward(params.data(), grad.data());
        std::copy(params.begin(), params.end(), backup.begin());
        const double lr = lr_at(optim, iteration, train.iterations);
        detail::optimizer_step(optim, lr, iteration + 1, decayed, params.data(), grad.data(), m.data(), v.data());
        if (!undecayed.empty())
            detail::optimizer_step(optim_undecayed, lr, iteration + 1, undecayed, params.data(), grad.data(), m.data(),
                                   v.data());
        if (!detail::all_finite(params.data(), static_cast<int64_t>(params.size()))) {
            params.swap(backup);
            return NAN;
        }
        engine.update_running_stats(params.data());
        ++iteration;
        return loss;
    }

    /// Evaluation-mode loss and accuracy sums over one split.
    std::pair<double, double> evaluate(const Points& split) const {
        if (!eval_engine) eval_engine = std::make_unique<detail::Engine>(model, eval_chunk);
        double loss = 0.0;
        int64_t correct = 0;
        for (int64_t k0 = 0; k0 < split.size(); k0 += eval_chunk) {
            const int n = static_cast<int>(std::min<int64_t>(eval_chunk, split.size() - k0));
            std::copy_n(split.x.data() + k0, n, eval_engine->input_x());
            std::copy_n(split.y.data() + k0, n, eval_engine->input_y());
            std::copy_n(split.label.data() + k0, n, eval_engine->labels());
            eval_engine->forward_eval(params.data(), n);
            double chunk_loss;
            int64_t chunk_correct;
            eval_engine->loss_sums(n, &chunk_loss, &chunk_correct);
            loss += chunk_loss;
            correct += chunk_correct;
        }
        const double n = static_cast<double>(split.size());
        return {loss / n, static_cast<double>(correct) / n};
    }
};

Trainer::Trainer(const ModelSpec& model, const OptimSpec& optim, const TrainSpec& train, const Dataset& data) {
    model.validate();
    optim.validate();
    train.validate();
    if (model.batch_norm && train.batch < 2)
        throw Error("training", "batch norm with batch size " + std::to_string(train.batch),
                    "a batch of at least 2 examples for batch statistics", "raise --batch or drop batch norm");
    if (data.n_classes > model.n_classes)
        throw Error(data.name, std::to_string(data.n_classes) + " classes",
                    "at most " + std::to_string(model.n_classes) + " for this model", "use the softmax head");
    impl_ = std::make_unique<Impl>(model, optim, train, data);
}

Trainer::~Trainer() = default;
Trainer::Trainer(Trainer&&) noexcept = default;

void Trainer::set_params(std::span<const float> params) {
    if (params.size() != impl_->params.size())
        throw Error("initial parameters", std::to_string(params.size()) + " floats",
                    std::to_string(impl_->params.size()) + " for this architecture", "the runs' models must match");
    std::copy(params.begin(), params.end(), impl_->params.begin());
}

std::span<const float> Trainer::params() const { return impl_->params; }
int64_t Trainer::iteration() const { return impl_->iteration; }
double Trainer::lr() const { return lr_at(impl_->optim, impl_->iteration, impl_->train.iterations); }

StepResult Trainer::run_until(int64_t target, const std::atomic<bool>* stop) {
    StepResult result;
    double loss_sum = 0.0;
    while (impl_->iteration < target) {
        if (stop && result.steps % stop_check_every == 0 && stop->load(std::memory_order_relaxed)) {
            result.stopped = true;
            break;
        }
        const double loss = impl_->step();
        if (!std::isfinite(loss)) {
            result.non_finite = true;
            break;
        }
        loss_sum += loss;
        ++result.steps;
    }
    result.mean_batch_loss = result.steps > 0 ? loss_sum / static_cast<double>(result.steps) : NAN;
    return result;
}

Metrics Trainer::evaluate() const {
    Metrics metrics;
    std::tie(metrics.loss, metrics.accuracy) = impl_->evaluate(impl_->points);
    if (impl_->test.size() > 0) std::tie(metrics.loss_test, metrics.accuracy_test) = impl_->evaluate(impl_->test);
    return metrics;
}

std::string Trainer::save_state() const {
    const Impl& t = *impl_;
    std::string out;
    out.append(state_magic, sizeof state_magic);
    put(out, state_version);
    put(out, static_cast<uint32_t>(t.optim.kind));
    put(out, static_cast<uint64_t>(t.params.size()));
    put(out, static_cast<uint64_t>(t.points.size()));
    put(out, t.iteration);
    for (uint64_t w : t.rng.state()) put(out, w);
    put(out, static_cast<uint64_t>(t.perm.size()));
    put(out, t.perm_pos);
    put_array(out, t.params);
    put_array(out, t.m);
    put_array(out, t.v);
    put_array(out, t.perm);
    put(out, checksum64(out));  // version 2: a checksum of everything before it
    return out;
}

void Trainer::load_state(const std::string& bytes, const std::string& where) {
    Impl& t = *impl_;
    Reader in{bytes, where};
    in.need(sizeof state_magic);
    if (std::memcmp(bytes.data(), state_magic, sizeof state_magic) != 0)
        throw Error(where, "not a ginn training state (bad magic number)", "a file written by ginn's trainer");
    in.pos = sizeof state_magic;
    const auto version = in.get<uint32_t>();
    if (version != state_version && version != 1)
        throw Error(where, "training state version " + std::to_string(version),
                    "version 1 or " + std::to_string(state_version), "resume with the ginn that wrote it");
    const auto kind = in.get<uint32_t>();
    const auto n_par = in.get<uint64_t>();
    const auto n_points = in.get<uint64_t>();
    if (kind != static_cast<uint32_t>(t.optim.kind) || n_par != t.params.size() ||
        n_points != static_cast<uint64_t>(t.points.size()))
        throw Error(where, "training state does not fit this trainer (optimizer, parameter count or dataset differ)",
                    std::to_string(t.params.size()) + " parameters and " + std::to_string(t.points.size()) + " points",
                    "resume with the run's own config and dataset");
    const auto iteration = in.get<int64_t>();
    std::array<uint64_t, 4> rng_state;
    for (auto& w : rng_state) w = in.get<uint64_t>();
    const auto n_perm = in.get<uint64_t>();
    const auto perm_pos = in.get<int64_t>();
    if (n_perm != t.perm.size() || perm_pos < 0 || perm_pos > static_cast<int64_t>(n_perm) || iteration < 0)
        throw Error(where, "training state has an inconsistent sampling state", "a state written by this trainer");
    const size_t checksum_size = version >= 2 ? sizeof(uint64_t) : 0;
    const size_t expected = in.pos + 3 * n_par * sizeof(float) + n_perm * sizeof(int32_t) + checksum_size;
    if (bytes.size() != expected)
        throw Error(where, "training state has " + std::to_string(bytes.size()) + " bytes",
                    std::to_string(expected) + " bytes", "the file is truncated or damaged");
    if (checksum_size > 0) {
        uint64_t stored = 0;
        std::memcpy(&stored, bytes.data() + bytes.size() - checksum_size, checksum_size);
        if (stored != checksum64(std::string_view(bytes).substr(0, bytes.size() - checksum_size)))
            throw Error(where, "training state fails its checksum", "a state file as ginn wrote it",
                        "the file is damaged; train the run again");
    }
    if (rng_state[0] == 0 && rng_state[1] == 0 && rng_state[2] == 0 && rng_state[3] == 0)
        throw Error(where, "training state has an all-zero generator state", "a state written by this trainer",
                    "the file is damaged; train the run again");
    std::vector<float> params(n_par), m(n_par), v(n_par);
    std::vector<int32_t> perm(n_perm);
    in.get_array(params);
    in.get_array(m);
    in.get_array(v);
    in.get_array(perm);
    for (int32_t k : perm)
        if (k < 0 || k >= t.points.size()) throw Error(where, "training state has a bad sample index", "valid indices");
    t.params = std::move(params);
    t.m = std::move(m);
    t.v = std::move(v);
    t.perm = std::move(perm);
    t.perm_pos = perm_pos;
    t.iteration = iteration;
    t.rng.set_state(rng_state);
}

}  // namespace ginn
