// Tests for model.h: spec validation and its limits, the flat layout, initialisers, and the folded evaluation form
// (checked against the training engine's own evaluation pass).
#include "ginn/model/model.h"

#include <gtest/gtest.h>

#include <cmath>

#include "ginn/model/detail/engine.h"
#include "ginn/model/detail/layout.h"
#include "ginn/core/error.h"
#include "test_util.h"

namespace ginn {
namespace {

TEST(model_test, default_spec_is_ginns_network) {
    ModelSpec spec;
    EXPECT_NO_THROW(spec.validate());
    EXPECT_EQ(spec.n_outputs(), 2);
    // 2-16-16-16-2: (2*16+16) + 2*(16*16+16) + (16*2+2)
    EXPECT_EQ(n_params(spec), 48 + 2 * 272 + 34);
    EXPECT_EQ(n_trainable(spec), n_params(spec));
}

TEST(model_test, batch_norm_adds_four_vectors_of_which_two_train) {
    ModelSpec spec;
    spec.widths = {8, 4};
    spec.batch_norm = true;
    EXPECT_EQ(n_params(spec), (2 * 8 + 8 + 4 * 8) + (8 * 4 + 4 + 4 * 4) + (4 * 2 + 2));
    EXPECT_EQ(n_trainable(spec), n_params(spec) - 2 * 8 - 2 * 4);
    const auto layers = detail::layer_layouts(spec);
    ASSERT_EQ(layers.size(), 3u);
    EXPECT_EQ(layers[0].gamma, 2 * 8 + 8);
    EXPECT_EQ(layers[1].W, 2 * 8 + 8 + 4 * 8);
    EXPECT_EQ(layers[2].gamma, -1);
    EXPECT_FALSE(layers[2].hidden);
}

TEST(model_test, residual_only_where_widths_match) {
    ModelSpec spec;
    spec.widths = {2, 8, 8, 4};
    spec.residual = true;
    const auto layers = detail::layer_layouts(spec);
    EXPECT_TRUE(layers[0].residual);   // 2 -> 2
    EXPECT_FALSE(layers[1].residual);  // 2 -> 8
    EXPECT_TRUE(layers[2].residual);   // 8 -> 8
    EXPECT_FALSE(layers[3].residual);  // 8 -> 4
    EXPECT_FALSE(layers[4].residual);  // output
}

TEST(model_test, bad_specs_throw_errors_that_state_limits) {
    auto expect_error = [](ModelSpec spec, const std::string& fragment) {
        try {
            spec.validate();
            ADD_FAILURE() << "no error for a spec that should mention '" << fragment << "'";
        } catch (const Error& e) {
            EXPECT_NE(std::string(e.what()).find(fragment), std::string::npos) << e.what();
        }
    };
    ModelSpec s;
    s.widths = {};
    expect_error(s, "1..64");
    s.widths = std::vector<int>(65, 4);
    expect_error(s, "1..64");
    s.widths = {16, 0};
    expect_error(s, "1..4096");
    s.widths = {5000};
    expect_error(s, "1..4096");
    s = ModelSpec{};
    s.dropout = 1.0;
    expect_error(s, "dropout");
    s = ModelSpec{};
    s.n_classes = 3;
    expect_error(s, "softmax");
    s = ModelSpec{};
    s.batch_norm = true;
    s.bn_eps = 0;
    expect_error(s, "eps");
    s = ModelSpec{};
    s.activation = Activation::softplus;  // imported networks only: the trainer has no softplus kernel
    expect_error(s, "activation softplus");
    EXPECT_THROW(init_from_name("glorot"), Error);
    EXPECT_EQ(init_from_name("xavier"), Init::xavier);
    EXPECT_EQ(init_name(Init::he_normal), "he_normal");
}

TEST(model_test, pytorch_init_is_uniform_within_one_over_sqrt_fan_in) {
    ModelSpec spec;
    spec.widths = {64, 64};
    const auto p = init_params(spec, /*seed=*/3);
    double max_abs = 0, sum_sq = 0;
    const auto layers = detail::layer_layouts(spec);
    const auto& L = layers[1];  // 64 -> 64, bound 1/8
    for (int64_t k = L.W; k < L.W + 64 * 64; ++k) {
        max_abs = std::max(max_abs, std::abs(double(p[k])));
        sum_sq += double(p[k]) * p[k];
    }
    EXPECT_LE(max_abs, 0.125);
    EXPECT_GT(max_abs, 0.12);
    EXPECT_NEAR(sum_sq / (64 * 64), 0.125 * 0.125 / 3, 0.0006);  // variance of U(-a, a) is a^2 / 3
    for (int k = 0; k < 64; ++k) EXPECT_LE(std::abs(p[L.b + k]), 0.125f);
    EXPECT_EQ(p, init_params(spec, 3));
    EXPECT_NE(p, init_params(spec, 4));
}

TEST(model_test, he_and_xavier_have_their_scales_and_zero_bias) {
    ModelSpec spec;
    spec.widths = {128, 128};
    spec.init = Init::he_normal;
    auto p = init_params(spec, 1);
    const auto L = detail::layer_layouts(spec)[1];
    double sum_sq = 0;
    for (int64_t k = L.W; k < L.W + 128 * 128; ++k) sum_sq += double(p[k]) * p[k];
    EXPECT_NEAR(sum_sq / (128 * 128), 2.0 / 128, 0.05 * 2.0 / 128);
    for (int k = 0; k < 128; ++k) EXPECT_EQ(p[L.b + k], 0.0f);
    spec.init = Init::xavier;
    p = init_params(spec, 1);
    const double bound = std::sqrt(6.0 / 256);
    for (int64_t k = L.W; k < L.W + 128 * 128; ++k) ASSERT_LE(std::abs(p[k]), bound);
}

TEST(model_test, batch_norm_starts_as_identity_statistics) {
    ModelSpec spec;
    spec.widths = {4};
    spec.batch_norm = true;
    const auto p = init_params(spec, 1);
    const auto L = detail::layer_layouts(spec)[0];
    for (int k = 0; k < 4; ++k) {
        EXPECT_EQ(p[L.gamma + k], 1.0f);
        EXPECT_EQ(p[L.beta + k], 0.0f);
        EXPECT_EQ(p[L.running_mean + k], 0.0f);
        EXPECT_EQ(p[L.running_var + k], 1.0f);
    }
}

// The folded double-precision Network must compute what the engine computes in evaluation mode, including batch
// norm with non-trivial running statistics and residual adds.
TEST(model_test, to_network_matches_engine_evaluation) {
    for (bool bn : {false, true}) {
        ModelSpec spec;
        spec.widths = {2, 6, 6, 3};
        spec.activation = Activation::tanh;
        spec.batch_norm = bn;
        spec.residual = true;
        spec.head = Head::softmax;
        spec.n_classes = 3;
        auto p = init_params(spec, 5);
        detail::Rng rng(9);
        for (const auto& L : detail::layer_layouts(spec))
            if (L.gamma >= 0)
                for (int k = 0; k < L.n_out; ++k) {
                    p[L.gamma + k] = float(0.5 + rng.uniform());
                    p[L.beta + k] = float(rng.uniform() - 0.5);
                    p[L.running_mean + k] = float(rng.uniform() - 0.5);
                    p[L.running_var + k] = float(0.2 + rng.uniform());
                }
        const Network net = to_network(spec, p, Box{-1, 1, -1, 1});
        EXPECT_NO_THROW(net.validate());
        EXPECT_TRUE(net.layers[0].residual);
        const int n = 37;
        Eigen::MatrixXd X(n, 2);
        detail::Engine engine(spec, n);
        for (int s = 0; s < n; ++s) {
            X(s, 0) = engine.input_x()[s] = float(2 * rng.uniform() - 1);
            X(s, 1) = engine.input_y()[s] = float(2 * rng.uniform() - 1);
        }
        const float* logits = engine.forward_eval(p.data(), n);
        Eigen::MatrixXd from_engine(n, 3);
        for (int s = 0; s < n; ++s)
            for (int c = 0; c < 3; ++c) from_engine(s, c) = logits[c * engine.stride() + s];
        test::expect_matrix_near(forward(net, X), from_engine, 1e-5, bn ? "logits with batch norm" : "logits");
    }
}

TEST(model_test, to_network_rejects_wrong_parameter_count) {
    ModelSpec spec;
    std::vector<float> p(10, 0.0f);
    EXPECT_THROW(to_network(spec, p, Box{}), Error);
}

}  // namespace
}  // namespace ginn
