// Tests for trainer.h and the engine under it: finite-difference gradients of every layer type, activation and head;
// a toy fit that must converge (plain and general paths); evaluation against the double-precision Network;
// determinism; bit-identical resume; non-finite loss; bad specs.
#include "ginn/train/trainer.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <nlohmann/json.hpp>

#include "ginn/model/detail/engine.h"
#include "ginn/model/detail/layout.h"
#include "ginn/train/config.h"
#include "ginn/core/error.h"
#include "ginn/core/io.h"
#include "test_util.h"

namespace ginn {
namespace {

/// Compares the engine's gradient of the training-mode minibatch loss with central differences of that loss.
/// The dropout mask is fixed by drawing it from a fresh generator with the same seed for every evaluation.
void check_gradient(const ModelSpec& spec, const std::string& what, double h = 1e-2, int n = 13) {
    std::vector<float> p = init_params(spec, /*seed=*/7);
    detail::Rng data_rng(11);
    for (auto& x : p) x += float(0.05 * (data_rng.uniform() - 0.5));  // move BN's gamma/beta off their initial values
    detail::Engine engine(spec, n);
    for (int s = 0; s < n; ++s) {
        engine.input_x()[s] = float(2 * data_rng.uniform() - 1);
        engine.input_y()[s] = float(2 * data_rng.uniform() - 1);
        engine.labels()[s] = int32_t(data_rng.below(spec.n_classes));
    }
    auto loss_at = [&](const std::vector<float>& q) {
        detail::Rng mask_rng(42);
        return engine.forward_train(q.data(), n, &mask_rng);
    };
    const double loss = loss_at(p);
    ASSERT_TRUE(std::isfinite(loss));
    std::vector<float> grad(p.size(), -1.0f);
    engine.backward(p.data(), grad.data());

    std::vector<double> analytic, numeric;
    for (size_t k = 0; k < p.size(); ++k) {
        std::vector<float> q = p;
        q[k] = p[k] + float(h);
        const double up = loss_at(q);
        q[k] = p[k] - float(h);
        const double down = loss_at(q);
        const double step = double(p[k] + float(h)) - double(p[k] - float(h));  // the step actually taken in float
        analytic.push_back(grad[k]);
        numeric.push_back((up - down) / step);
    }
    test::expect_vector_near(analytic, numeric, 2e-4, 2e-2, what + ": d loss / d param");
    // every gradient entry was written (running statistics get 0)
    for (float g : grad) ASSERT_NE(g, -1.0f) << what;
}

ModelSpec small_spec(Activation a) {
    ModelSpec spec;
    spec.widths = {6, 5};
    spec.activation = a;
    return spec;
}

TEST(trainer_test, gradient_of_every_activation) {
    for (Activation a : {Activation::relu, Activation::leaky_relu, Activation::elu, Activation::tanh, Activation::sigmoid,
                         Activation::swish, Activation::gelu, Activation::linear}) {
        const bool kinked = a == Activation::relu || a == Activation::leaky_relu;
        check_gradient(small_spec(a), std::string(activation_name(a)), kinked ? 1e-3 : 1e-2);
    }
}

TEST(trainer_test, gradient_of_every_head) {
    for (Head head : {Head::softmax2, Head::sigmoid, Head::softmax, Head::regression}) {
        ModelSpec spec = small_spec(Activation::tanh);
        spec.head = head;
        spec.n_classes = head == Head::softmax ? 4 : 2;
        check_gradient(spec, std::string(head_name(head)));
    }
}

TEST(trainer_test, gradient_through_batch_norm_in_training_mode) {
    ModelSpec spec = small_spec(Activation::tanh);
    spec.batch_norm = true;
    check_gradient(spec, "batch norm");
    spec.activation = Activation::relu;
    check_gradient(spec, "batch norm + relu", 1e-3);
}

TEST(trainer_test, gradient_through_residual_adds) {
    ModelSpec spec;
    spec.widths = {2, 5, 5};  // residual on the first (2 -> 2) and last (5 -> 5) hidden layers
    spec.activation = Activation::swish;
    spec.residual = true;
    check_gradient(spec, "residual");
    spec.batch_norm = true;
    check_gradient(spec, "residual + batch norm");
}

TEST(trainer_test, gradient_through_a_fixed_dropout_mask) {
    ModelSpec spec = small_spec(Activation::elu);
    spec.dropout = 0.3;
    check_gradient(spec, "dropout");
}

TEST(trainer_test, gradient_with_a_batch_of_several_registers) {
    ModelSpec spec;  // 40 examples: padded columns, 4x4 register blocks and ragged edges (a smooth activation, so
    spec.widths = {16, 7, 16};  // that no pre-activation of the 40 crosses a kink within the difference step)
    spec.activation = Activation::gelu;
    check_gradient(spec, "wide", 1e-2, 40);
    spec.batch_norm = true;
    check_gradient(spec, "wide with batch norm", 1e-2, 40);
}

// Layer shapes (n_out x n_in) 3x2, 1x3, 7x1, 17x7, 2x17: the weight gradient's 4 x 4 tiles and every kind of ragged
// strip (1, 2 or 3 leftover columns and rows) against finite differences.
TEST(trainer_test, gradient_with_ragged_layer_shapes) {
    ModelSpec spec;
    spec.widths = {3, 1, 7, 17};
    spec.activation = Activation::tanh;
    check_gradient(spec, "ragged", 1e-2, 40);
}

// The fused path (no batch norm or residual: activation and derivative in the matmuls' epilogues) and the general
// path must compute the same numbers bit for bit, for every activation, with and without dropout: residual=true
// without any matching widths changes nothing mathematically but takes the general path.
TEST(trainer_test, fused_path_equals_general_path) {
    for (Activation act : {Activation::relu, Activation::leaky_relu, Activation::elu, Activation::tanh,
                           Activation::sigmoid, Activation::swish, Activation::linear})
        for (double dropout : {0.0, 0.3}) {
            const std::string what = std::string(activation_name(act)) + (dropout > 0 ? " with dropout" : "");
            ModelSpec fused = small_spec(act), general = fused;
            fused.dropout = general.dropout = dropout;
            general.residual = true;  // widths 2 -> 6 -> 5 -> 2: no residual add applies
            const std::vector<float> p = init_params(fused, 3);
            ASSERT_EQ(p, init_params(general, 3));
            detail::Engine a(fused, 40), b(general, 40);
            detail::Rng rng(5);
            for (int s = 0; s < 40; ++s) {
                a.input_x()[s] = b.input_x()[s] = float(rng.uniform());
                a.input_y()[s] = b.input_y()[s] = float(rng.uniform());
                a.labels()[s] = b.labels()[s] = int32_t(rng.below(2));
            }
            detail::Rng mask_a(9), mask_b(9);
            EXPECT_EQ(a.forward_train(p.data(), 37, &mask_a), b.forward_train(p.data(), 37, &mask_b)) << what;
            EXPECT_EQ(mask_a.state(), mask_b.state()) << what;
            std::vector<float> ga(p.size()), gb(p.size());
            a.backward(p.data(), ga.data());
            b.backward(p.data(), gb.data());
            EXPECT_EQ(ga, gb) << what;
            const float* za = a.forward_eval(p.data(), 37);
            const float* zb = b.forward_eval(p.data(), 37);
            EXPECT_TRUE(std::equal(za, za + 2 * a.stride(), zb)) << what << ": evaluation logits";
        }
}

TEST(trainer_test, batch_norm_running_statistics_follow_pytorch) {
    ModelSpec spec;
    spec.widths = {3};
    spec.batch_norm = true;
    spec.activation = Activation::linear;
    std::vector<float> p = init_params(spec, 1);
    detail::Engine engine(spec, 4);
    const float xs[4] = {0.1f, 0.5f, -0.3f, 0.9f};
    for (int s = 0; s < 4; ++s) {
        engine.input_x()[s] = xs[s];
        engine.input_y()[s] = 0.0f;
        engine.labels()[s] = 0;
    }
    engine.forward_train(p.data(), 4, nullptr);
    engine.update_running_stats(p.data());
    const auto L = engine.layers()[0];
    for (int o = 0; o < 3; ++o) {  // z = W[o][0] x + b[o]: mean and unbiased variance by hand
        const double w = p[L.W + o * 2], b = p[L.b + o];
        double mean = 0, var = 0;
        for (float x : xs) mean += (w * x + b) / 4;
        for (float x : xs) var += (w * x + b - mean) * (w * x + b - mean) / 3;
        EXPECT_NEAR(p[L.running_mean + o], 0.1 * mean, 1e-7);
        EXPECT_NEAR(p[L.running_var + o], 0.9 + 0.1 * var, 1e-7);
    }
}

// ---- the trainer

ModelSpec circle_model() {
    ModelSpec spec;
    spec.widths = {16, 16};
    return spec;
}
OptimSpec fast_adam() {
    OptimSpec o;
    o.lr = 1e-2;
    o.schedule = LrSchedule::constant;
    return o;
}
TrainSpec short_run(int64_t iterations = 3000, int batch = 64) {
    TrainSpec t;
    t.iterations = iterations;
    t.batch = batch;
    return t;
}

TEST(trainer_test, plain_mlp_learns_a_circle) {
    const Dataset data = test::circle_grid();
    Trainer t(circle_model(), fast_adam(), short_run(), data);
    const double before = t.evaluate().loss;
    const StepResult r = t.run_until(3000);
    EXPECT_EQ(r.steps, 3000);
    EXPECT_FALSE(r.non_finite);
    EXPECT_EQ(t.iteration(), 3000);
    const Metrics m = t.evaluate();
    EXPECT_LT(m.loss, before / 4);
    EXPECT_GT(m.accuracy, 0.95);
    EXPECT_EQ(m.loss_test, -1);
}

TEST(trainer_test, general_path_learns_a_circle) {
    const Dataset data = test::circle_grid(40, /*test_every=*/5);
    ModelSpec spec;
    spec.widths = {16, 16, 16};
    spec.activation = Activation::tanh;
    spec.batch_norm = true;
    spec.residual = true;
    spec.dropout = 0.05;
    spec.head = Head::sigmoid;
    TrainSpec train = short_run(3000);
    train.sampling = Sampling::epochs;
    Trainer t(spec, fast_adam(), train, data);
    t.run_until(3000);
    const Metrics m = t.evaluate();
    EXPECT_GT(m.accuracy, 0.95);
    EXPECT_GT(m.accuracy_test, 0.93);
    EXPECT_GT(m.loss_test, 0.0);
}

TEST(trainer_test, other_heads_and_optimizers_learn_a_circle) {
    const Dataset data = test::circle_grid(30);
    for (Head head : {Head::softmax, Head::regression}) {
        ModelSpec spec = circle_model();
        spec.head = head;
        spec.activation = Activation::leaky_relu;
        OptimSpec optim = fast_adam();
        optim.kind = head == Head::softmax ? OptimizerKind::momentum : OptimizerKind::adam;
        optim.lr = head == Head::softmax ? 0.05 : 1e-2;
        Trainer t(spec, optim, short_run(3000), data);
        t.run_until(3000);
        EXPECT_GT(t.evaluate().accuracy, 0.95) << head_name(head);
    }
}

// evaluate() must agree with the double-precision folded Network on the same points.
TEST(trainer_test, evaluate_matches_the_network_form) {
    const Dataset data = test::circle_grid(50, /*test_every=*/3);  // 2500 points: several evaluation chunks
    ModelSpec spec = circle_model();
    spec.batch_norm = true;
    Trainer t(spec, fast_adam(), short_run(200), data);
    t.run_until(200);
    const Metrics m = t.evaluate();
    const Network net = to_network(spec, t.params(), data.domain);
    double loss[2] = {0, 0}, correct[2] = {0, 0}, count[2] = {0, 0};
    const Eigen::MatrixXd X = data.X.cast<double>();
    const Eigen::MatrixXd Z = forward(net, X);
    for (int64_t k = 0; k < data.size(); ++k) {
        const int split = data.is_test[k];
        const double d = Z(k, 1) - Z(k, 0);
        const int y = data.label[k];
        loss[split] += std::log1p(std::exp(y ? -d : d));
        correct[split] += (d > 0) == (y == 1);
        count[split] += 1;
    }
    EXPECT_NEAR(m.loss, loss[0] / count[0], 1e-4);
    EXPECT_NEAR(m.loss_test, loss[1] / count[1], 1e-4);
    EXPECT_NEAR(m.accuracy, correct[0] / count[0], 2.0 / count[0]);  // a point on the boundary may flip
    EXPECT_NEAR(m.accuracy_test, correct[1] / count[1], 2.0 / count[1]);
}

bool bit_identical(std::span<const float> a, std::span<const float> b) {
    return a.size() == b.size() && std::memcmp(a.data(), b.data(), a.size() * sizeof(float)) == 0;
}

TEST(trainer_test, same_seed_is_bit_identical_and_seeds_differ) {
    const Dataset data = test::circle_grid(20);
    ModelSpec spec = circle_model();
    spec.dropout = 0.1;
    TrainSpec a = short_run(500), b = short_run(500), c = short_run(500);
    c.seed = 2;
    Trainer ta(spec, fast_adam(), a, data), tb(spec, fast_adam(), b, data), tc(spec, fast_adam(), c, data);
    ta.run_until(500);
    tb.run_until(250);
    tb.run_until(500);
    tc.run_until(500);
    EXPECT_TRUE(bit_identical(ta.params(), tb.params()));
    EXPECT_FALSE(bit_identical(ta.params(), tc.params()));
}

TEST(trainer_test, resume_from_saved_state_equals_uninterrupted) {
    const Dataset data = test::circle_grid(20);
    for (Sampling sampling : {Sampling::replacement, Sampling::epochs}) {
        ModelSpec spec = circle_model();
        spec.batch_norm = true;
        spec.dropout = 0.1;
        TrainSpec train = short_run(600, 48);
        train.sampling = sampling;
        OptimSpec optim;  // Adam, cosine: the learning rate depends on the iteration too
        Trainer whole(spec, optim, train, data);
        whole.run_until(600);

        Trainer first(spec, optim, train, data);
        first.run_until(317);
        const std::string state = first.save_state();
        Trainer second(spec, optim, train, data);
        second.load_state(state, "state");
        EXPECT_EQ(second.iteration(), 317);
        EXPECT_EQ(second.lr(), first.lr());
        second.run_until(600);
        EXPECT_TRUE(bit_identical(whole.params(), second.params())) << (sampling == Sampling::epochs ? "epochs" : "replacement");
    }
}

TEST(trainer_test, corrupt_or_foreign_state_is_refused) {
    const Dataset data = test::circle_grid(10);
    Trainer t(circle_model(), fast_adam(), short_run(10), data);
    t.run_until(5);
    const std::string state = t.save_state();
    EXPECT_THROW(t.load_state(state.substr(0, state.size() - 1), "state"), Error);
    EXPECT_THROW(t.load_state(state.substr(0, 20), "state"), Error);
    std::string bad_magic = state;
    bad_magic[0] = 'X';
    EXPECT_THROW(t.load_state(bad_magic, "state"), Error);
    ModelSpec other = circle_model();
    other.widths = {16, 8};
    Trainer u(other, fast_adam(), short_run(10), data);
    try {
        u.load_state(state, "run/state.bin");
        ADD_FAILURE() << "a state for another architecture was accepted";
    } catch (const Error& e) {
        EXPECT_NE(std::string(e.what()).find("run/state.bin"), std::string::npos) << e.what();
    }
    EXPECT_NO_THROW(t.load_state(state, "state"));

    // One flipped bit anywhere is caught by the trailing checksum.
    std::string flipped = state;
    flipped[state.size() / 2] ^= 0x04;
    test::expect_error([&] { t.load_state(flipped, "run/state.a.bin"); }, {"run/state.a.bin", "checksum"});
    // A zeroed generator state (bytes 40..71, after magic, version, kind, counts and iteration) with a matching
    // checksum is still refused: xoshiro's all-zero state would repeat zeros for ever.
    std::string zeroed = state;
    std::fill(zeroed.begin() + 40, zeroed.begin() + 72, '\0');
    const uint64_t sum = checksum64(std::string_view(zeroed).substr(0, zeroed.size() - 8));
    std::memcpy(zeroed.data() + zeroed.size() - 8, &sum, 8);
    test::expect_error([&] { t.load_state(zeroed, "run/state.b.bin"); }, {"run/state.b.bin", "all-zero generator"});
}

TEST(trainer_test, non_finite_loss_stops_cleanly) {
    const Dataset data = test::circle_grid(20);
    OptimSpec optim;
    optim.kind = OptimizerKind::sgd;
    optim.lr = 1e30;
    optim.schedule = LrSchedule::constant;
    Trainer t(circle_model(), optim, short_run(1000), data);
    const StepResult r = t.run_until(1000);
    EXPECT_TRUE(r.non_finite);
    EXPECT_LT(t.iteration(), 1000);
    EXPECT_EQ(r.steps, t.iteration());
    for (float p : t.params()) ASSERT_TRUE(std::isfinite(p));
}

TEST(trainer_test, stop_flag_and_set_params) {
    const Dataset data = test::circle_grid(10);
    Trainer t(circle_model(), fast_adam(), short_run(100), data);
    std::atomic<bool> stop{true};
    const StepResult r = t.run_until(100, &stop);
    EXPECT_TRUE(r.stopped);
    EXPECT_EQ(r.steps, 0);
    EXPECT_TRUE(std::isnan(r.mean_batch_loss));
    std::vector<float> p(t.params().begin(), t.params().end());
    p[0] = 0.25f;
    t.set_params(p);
    EXPECT_EQ(t.params()[0], 0.25f);
    EXPECT_THROW(t.set_params(std::vector<float>(3)), Error);
}

TEST(trainer_test, weight_decay_on_weights_only_leaves_biases_undecayed) {
    // One SGD step from the same parameters on the same batch: decay changes the update by exactly -lr wd p0
    // (p1 = p0 - lr (g + wd p0)), on every weight matrix, and on biases and batch norm's gamma and beta only for
    // weight_decay_on = "all"; with "weights" those equal the undecayed step bit for bit.
    const Dataset data = test::circle_grid(10);
    ModelSpec model = circle_model();
    model.batch_norm = true;  // gamma starts at 1, so its decay is visible too
    model.init = Init::pytorch;  // non-zero biases
    const double lr = 0.5, wd = 0.1;
    auto one_step = [&](double decay, bool biases) {
        OptimSpec o;
        o.kind = OptimizerKind::sgd;
        o.lr = lr;
        o.schedule = LrSchedule::constant;
        o.weight_decay = decay;
        o.decay_biases = biases;
        Trainer t(model, o, short_run(/*iterations=*/1), data);
        t.run_until(1);
        return std::vector<float>(t.params().begin(), t.params().end());
    };
    const std::vector<float> p0 = init_params(model, short_run().seed);
    const std::vector<float> plain = one_step(0, true), all = one_step(wd, true), weights = one_step(wd, false);
    int n_weights = 0, n_others = 0;
    for (const detail::LayerLayout& L : detail::layer_layouts(model)) {
        auto check = [&](int64_t begin, int64_t n, bool is_weight) {
            for (int64_t k = begin; k < begin + n; ++k) {
                const double decay = -lr * wd * p0[size_t(k)];
                ASSERT_NE(decay, 0.0) << k;
                EXPECT_NEAR(all[size_t(k)] - plain[size_t(k)], decay, 1e-6) << "all, parameter " << k;
                if (is_weight) EXPECT_NEAR(weights[size_t(k)] - plain[size_t(k)], decay, 1e-6) << "weights, parameter " << k;
                else EXPECT_EQ(weights[size_t(k)], plain[size_t(k)]) << "weights, parameter " << k;
                (is_weight ? n_weights : n_others) += 1;
            }
        };
        check(L.W, int64_t{L.n_out} * L.n_in, true);
        check(L.b, L.n_out, false);
        if (L.gamma >= 0) check(L.gamma, L.n_out, false);  // (beta starts at 0: its decay is 0 either way)
    }
    EXPECT_GT(n_weights, 0);
    EXPECT_GT(n_others, 0);
    nlohmann::json j = config_to_json(RunConfig{});
    j["optim"]["weight_decay_on"] = "biases";
    test::expect_error([&] { config_from_json(j, "c.json"); }, {"optim.weight_decay_on", "biases", "weights"});
    j["optim"]["weight_decay_on"] = "weights";
    EXPECT_FALSE(config_from_json(j, "c.json").optim.decay_biases);
}

TEST(trainer_test, bad_specs_throw) {
    const Dataset data = test::circle_grid(10);
    ModelSpec model;
    OptimSpec optim;
    TrainSpec train;
    model.widths = {};
    EXPECT_THROW(Trainer(model, optim, train, data), Error);
    model.widths = {0};
    EXPECT_THROW(Trainer(model, optim, train, data), Error);
    model = ModelSpec{};
    optim.lr = 0;
    EXPECT_THROW(Trainer(model, optim, train, data), Error);
    optim = OptimSpec{};
    train.batch = 0;
    EXPECT_THROW(Trainer(model, optim, train, data), Error);
    train.batch = 2000000;
    EXPECT_THROW(Trainer(model, optim, train, data), Error);
    train = TrainSpec{};
    train.batch = 1;
    model.batch_norm = true;
    EXPECT_THROW(Trainer(model, optim, train, data), Error);
    model = ModelSpec{};
    Dataset three = data;
    three.label[0] = 2;
    three.n_classes = 3;
    EXPECT_THROW(Trainer(model, optim, TrainSpec{}, three), Error);
}

}  // namespace
}  // namespace ginn
