// Tests for optim.h: update rules against hand-computed values (PyTorch semantics), learning-rate schedules, names
// and validation.
#include "ginn/train/optim.h"

#include <gtest/gtest.h>

#include <cmath>

#include "ginn/train/detail/optim_step.h"
#include "ginn/core/error.h"

namespace ginn {
namespace {

const std::vector<std::pair<int64_t, int64_t>> all_of_two = {{0, 2}};

TEST(optim_test, adam_first_step_hand_computed) {
    // p = 1, g = 0.5, lr 0.1: m = 0.05, v = 0.00025, mhat = 0.5, vhat = 0.25, p -= 0.1 * 0.5 / (0.5 + 1e-8)
    OptimSpec spec;
    spec.lr = 0.1;
    float p[2] = {1.0f, -2.0f}, g[2] = {0.5f, -0.01f}, m[2] = {}, v[2] = {};
    detail::optimizer_step(spec, spec.lr, /*step=*/1, all_of_two, p, g, m, v);
    EXPECT_FLOAT_EQ(m[0], 0.05f);
    EXPECT_FLOAT_EQ(v[0], 0.00025f);
    EXPECT_NEAR(p[0], 0.9, 1e-6);
    EXPECT_NEAR(p[1], -2.0 + 0.1, 1e-6);  // Adam's first step is lr * sign(g) whatever |g|
}

TEST(optim_test, adam_second_step_uses_bias_correction) {
    OptimSpec spec;
    spec.lr = 0.01;
    float p[2] = {1.0f, 0.0f}, m[2] = {}, v[2] = {};
    const float g1[2] = {0.5f, 0.0f}, g2[2] = {-0.25f, 0.0f};
    detail::optimizer_step(spec, spec.lr, 1, all_of_two, p, g1, m, v);
    detail::optimizer_step(spec, spec.lr, 2, all_of_two, p, g2, m, v);
    // by hand: m2 = 0.9*0.05 + 0.1*(-0.25) = 0.02; v2 = 0.999*0.00025 + 0.001*0.0625 = 0.00031225
    const double m2 = 0.02, v2 = 0.00031225;
    const double mhat = m2 / (1 - 0.81), vhat = v2 / (1 - 0.998001);
    const double expected = 1.0 - 0.01 - 0.01 * mhat / (std::sqrt(vhat) + 1e-8);
    EXPECT_NEAR(m[0], m2, 1e-8);
    EXPECT_NEAR(v[0], v2, 1e-9);
    EXPECT_NEAR(p[0], expected, 2e-6);
    EXPECT_EQ(p[1], 0.0f);  // zero gradient: no move (0 / (0 + eps))
}

TEST(optim_test, weight_decay_is_added_to_the_gradient) {
    OptimSpec spec;
    spec.kind = OptimizerKind::sgd;
    spec.weight_decay = 0.1;
    float p[2] = {2.0f, -1.0f}, g[2] = {0.5f, 0.0f}, m[2] = {}, v[2] = {};
    detail::optimizer_step(spec, 0.5, 1, all_of_two, p, g, m, v);
    EXPECT_FLOAT_EQ(p[0], 2.0f - 0.5f * (0.5f + 0.2f));
    EXPECT_FLOAT_EQ(p[1], -1.0f - 0.5f * (-0.1f));
}

TEST(optim_test, momentum_accumulates_like_torch_sgd) {
    OptimSpec spec;
    spec.kind = OptimizerKind::momentum;
    spec.momentum = 0.9;
    float p[2] = {1.0f, 1.0f}, g[2] = {1.0f, 0.0f}, m[2] = {}, v[2] = {};
    detail::optimizer_step(spec, 0.1, 1, all_of_two, p, g, m, v);  // buf = 1, p = 0.9
    detail::optimizer_step(spec, 0.1, 2, all_of_two, p, g, m, v);  // buf = 1.9, p = 0.71
    EXPECT_FLOAT_EQ(m[0], 1.9f);
    EXPECT_NEAR(p[0], 0.71, 1e-6);
    EXPECT_EQ(p[1], 1.0f);
}

TEST(optim_test, only_given_ranges_are_updated) {
    OptimSpec spec;
    spec.kind = OptimizerKind::sgd;
    spec.weight_decay = 1.0;
    float p[4] = {1, 1, 1, 1}, g[4] = {1, 1, 1, 1}, m[4] = {}, v[4] = {};
    const std::vector<std::pair<int64_t, int64_t>> ranges = {{1, 2}};
    detail::optimizer_step(spec, 0.1, 1, ranges, p, g, m, v);
    EXPECT_EQ(p[0], 1.0f);
    EXPECT_FLOAT_EQ(p[1], 0.8f);
    EXPECT_EQ(p[2], 1.0f);
}

TEST(optim_test, cosine_schedule_anneals_to_zero) {
    OptimSpec spec;
    spec.lr = 1e-3;
    EXPECT_DOUBLE_EQ(lr_at(spec, 0, 1000), 1e-3);
    EXPECT_NEAR(lr_at(spec, 500, 1000), 5e-4, 1e-15);
    EXPECT_NEAR(lr_at(spec, 250, 1000), 1e-3 * (1 + std::sqrt(0.5)) / 2, 1e-15);
    EXPECT_NEAR(lr_at(spec, 1000, 1000), 0.0, 1e-18);
}

TEST(optim_test, step_and_constant_schedules) {
    OptimSpec spec;
    spec.lr = 1.0;
    spec.schedule = LrSchedule::step;
    spec.step_size = 10;
    spec.gamma = 0.5;
    EXPECT_DOUBLE_EQ(lr_at(spec, 9, 100), 1.0);
    EXPECT_DOUBLE_EQ(lr_at(spec, 10, 100), 0.5);
    EXPECT_DOUBLE_EQ(lr_at(spec, 35, 100), 0.125);
    spec.schedule = LrSchedule::constant;
    EXPECT_DOUBLE_EQ(lr_at(spec, 99, 100), 1.0);
}

TEST(optim_test, bad_specs_and_names_throw) {
    for (double lr : {0.0, -1e-3, double(NAN), double(INFINITY)}) {
        OptimSpec spec;
        spec.lr = lr;
        EXPECT_THROW(spec.validate(), Error) << "lr " << lr;
    }
    OptimSpec spec;
    spec.beta2 = 1.0;
    EXPECT_THROW(spec.validate(), Error);
    spec = OptimSpec{};
    spec.weight_decay = -1;
    EXPECT_THROW(spec.validate(), Error);
    EXPECT_NO_THROW(OptimSpec{}.validate());
    EXPECT_THROW(optimizer_from_name("adamw"), Error);
    EXPECT_THROW(lr_schedule_from_name("linear"), Error);
    EXPECT_EQ(optimizer_from_name("momentum"), OptimizerKind::momentum);
    EXPECT_EQ(lr_schedule_name(LrSchedule::cosine), "cosine");
}

}  // namespace
}  // namespace ginn
