// Tests for truth.h: the error area against closed forms (hand-built nets whose decision boundaries are lines or a
// diamond) and against a 4000 x 4000 grid for a random net on the curved truths. Not a benchmark.
#include "ginn/study/truth.h"

#include <gtest/gtest.h>

#include <cmath>
#include <numbers>
#include <random>

#include "ginn/model/model.h"
#include "test_util.h"

namespace ginn {
namespace {

constexpr double pi = std::numbers::pi;

/// One hidden layer of ReLUs on rows `W`, `b`, then logits z0 = 0 row, z1 = `out` . h + c (softmax2).
Network hand_net(Eigen::MatrixXd W, Eigen::VectorXd b, Eigen::RowVectorXd out, double c,
                 Activation act = Activation::relu) {
    Network net;
    net.domain = {-2, 2, -2, 2};
    DenseLayer h;
    h.W = std::move(W);
    h.b = std::move(b);
    h.activation = act;
    DenseLayer o;
    o.W = Eigen::MatrixXd::Zero(2, h.W.rows());
    o.W.row(1) = out;
    o.b = Eigen::Vector2d(0, c);
    o.activation = Activation::linear;
    net.layers = {h, o};
    return net;
}

/// Decision boundary exactly y = x: d = relu(y - x) - relu(x - y); `sign` -1 flips the labels.
Network diagonal_net(double sign = 1) {
    Eigen::MatrixXd W(2, 2);
    W << -1, 1, 1, -1;
    return hand_net(W, Eigen::Vector2d::Zero(), Eigen::RowVector2d(sign, -sign), 0);
}

/// The fraction of a n x n grid of cell centres where the net's class differs from sign(f).
template <typename F>
double grid_fraction(const Network& net, const F& f, int n) {
    int64_t wrong = 0;
    Eigen::MatrixXd X(n, 2);  // one row of cell centres, n by 2
    for (int j = 0; j < n; ++j) {
        for (int i = 0; i < n; ++i) X.row(i) << -2 + 4 * (i + 0.5) / n, -2 + 4 * (j + 0.5) / n;
        const Eigen::VectorXd v = decision_value(net, X);
        for (int i = 0; i < n; ++i) wrong += (v(i) > 0) != (f(X(i, 0), X(i, 1)) > 0);
    }
    return static_cast<double>(wrong) / (double(n) * n);
}

TEST(truth_test, diagonal_net_is_right_on_y_minus_x_and_wrong_on_half_when_flipped) {
    const ErrorArea right = error_area(diagonal_net(), "y-x");
    EXPECT_TRUE(right.exact);
    EXPECT_NEAR(right.fraction, 0.0, 1e-12);
    EXPECT_NEAR(error_area(diagonal_net(-1), "y-x").fraction, 1.0, 1e-12);
    // The other diagonal, y = -x: wrong on exactly half of the domain.
    Eigen::MatrixXd W(2, 2);
    W << 1, 1, -1, -1;
    EXPECT_NEAR(error_area(hand_net(W, Eigen::Vector2d::Zero(), Eigen::RowVector2d(1, -1), 0), "y-x").fraction, 0.5,
                1e-12);
}

TEST(truth_test, diagonal_net_against_the_vee_misses_one_triangle) {
    // y > x but y <= -x: the triangle (0,0), (-2,2), (-2,-2), area 4 of 16.
    EXPECT_NEAR(error_area(diagonal_net(), "y-|x|").fraction, 0.25, 1e-12);
}

TEST(truth_test, horizontal_line_against_the_sine_misses_its_humps) {
    // d = y: error = integral of |sin(pi x)| over [-2, 2] = 8 / pi, of 16.
    Eigen::MatrixXd W(2, 2);
    W << 0, 1, 0, -1;
    const Network net = hand_net(W, Eigen::Vector2d::Zero(), Eigen::RowVector2d(1, -1), 0);
    const ErrorArea e = error_area(net, "y-sin(pi*x)");
    EXPECT_EQ(e.method, "polygons + quadrature");
    EXPECT_NEAR(e.fraction, 1 / (2 * pi), 1e-9);
    EXPECT_LT(e.bound, 1e-9);
}

TEST(truth_test, inscribed_diamond_misses_the_rest_of_the_ellipse) {
    // d = 1 - |x|/2 - |y|: the diamond (+-2, 0), (0, +-1) inside the ellipse; error (2 pi - 4) / 16.
    Eigen::MatrixXd W(4, 2);
    W << 1, 0, -1, 0, 0, 1, 0, -1;
    Eigen::RowVectorXd out(4);
    out << -0.5, -0.5, -1, -1;
    const ErrorArea e = error_area(hand_net(W, Eigen::Vector4d::Zero(), out, 1), "1-x^2/4-y^2");
    EXPECT_NEAR(e.fraction, (2 * pi - 4) / 16, 1e-9);
}

TEST(truth_test, random_nets_agree_with_a_4000_grid_on_the_curved_truths) {
    ModelSpec spec;
    spec.widths = {12, 12};
    spec.init = Init::he_normal;
    const Network net = to_network(spec, init_params(spec, /*seed=*/3), {-2, 2, -2, 2});
    const auto ellipse = [](double x, double y) { return 1 - x * x / 4 - y * y; };
    const auto sine = [](double x, double y) { return y - std::sin(pi * x); };
    const ErrorArea e = error_area(net, "1-x^2/4-y^2"), s = error_area(net, "y-sin(pi*x)");
    ASSERT_TRUE(e.exact && s.exact);
    // Sampling error of a 4000^2 grid: only cells cut by a boundary (a few thousand of 16 M) can be misjudged, and
    // those errors largely cancel; 1e-4 of the domain is about 1600 cells.
    EXPECT_NEAR(e.fraction, grid_fraction(net, ellipse, 4000), 1e-4);
    EXPECT_NEAR(s.fraction, grid_fraction(net, sine, 2000), 2e-4);
    EXPECT_GT(e.fraction, 0.01);  // the random net is far from either truth: the comparison means something
    EXPECT_GT(s.fraction, 0.01);
}

TEST(truth_test, smooth_nets_are_labelled_approximate_with_a_bound) {
    Eigen::MatrixXd W(1, 2);
    W << -1, 1;
    const Network net = hand_net(W, Eigen::VectorXd::Zero(1), Eigen::RowVectorXd::Ones(1), 0, Activation::tanh);
    const ErrorArea e = error_area(net, "y-x", {.grid = 256});
    EXPECT_FALSE(e.exact);
    EXPECT_LE(e.fraction, e.bound);
    EXPECT_GT(e.bound, 0);
    EXPECT_LT(e.bound, 0.02);
}

TEST(truth_test, smooth_nets_adaptive_grid_equals_the_full_grid) {
    // The adaptive evaluation skips blocks whose perimeter has one sign; for random tanh nets (no islands smaller than a
    // block) it must count exactly the cells a full evaluation of every cell centre counts.
    ModelSpec spec;
    spec.widths = {10, 10, 10};
    spec.activation = Activation::tanh;
    spec.init = Init::he_normal;
    const auto truths = std::vector<std::pair<std::string, double (*)(double, double)>>{
        {"y-x", [](double x, double y) { return y - x; }},
        {"1-x^2/4-y^2", [](double x, double y) { return 1 - x * x / 4 - y * y; }},
        {"y-sin(pi*x)", [](double x, double y) { return y - std::sin(pi * x); }}};
    for (uint64_t seed : {1, 2, 3}) {
        const Network net = to_network(spec, init_params(spec, seed), {-2, 2, -2, 2});
        for (const auto& [target, f] : truths) {
            const ErrorArea e = error_area(net, target, {.grid = 512});
            EXPECT_FALSE(e.exact);
            EXPECT_EQ(e.fraction, grid_fraction(net, f, 512)) << target << " seed " << seed;
            EXPECT_GT(e.bound, 0);
        }
    }
}

TEST(truth_test, closed_form_areas_and_bad_names) {
    EXPECT_DOUBLE_EQ(formula_positive_area("1-x^2/4-y^2"), 2 * pi);
    EXPECT_TRUE(is_formula_task("y-sin(pi*x)"));
    EXPECT_FALSE(is_formula_task("bottle"));
    test::expect_error([] { error_area(diagonal_net(), "bottle"); }, {"bottle", "not a formula task"});
}

TEST(truth_test, options_out_of_range_are_refused_before_any_work) {
    for (const int grid : {0, -3, 8193, 1 << 30})
        test::expect_error([&] { error_area(diagonal_net(), "y-x", {.grid = grid}); }, {"grid", "1..8192"});
    for (const double tol : {0.0, -1.0, 1e-15, 2.0, std::nan("")})
        test::expect_error([&] { error_area(diagonal_net(), "y-x", {.tolerance = tol}); }, {"tolerance", "1e-14..1"});
    EXPECT_EQ(error_area(diagonal_net(), "y-x", {.grid = 8192}).fraction, 0.0);
}

}  // namespace
}  // namespace ginn
