// Tests for include/ginn/geometry/continuation.h: traced boundaries against networks whose zero sets are known in
// closed form (a line, a curve y = logit(c - sigmoid(x)), three classes meeting at the origin), the tolerance on
// every point, the Jacobian against finite differences, and bad options.
#include "ginn/geometry/continuation.h"

#include <gtest/gtest.h>

#include <cmath>
#include <nlohmann/json.hpp>

#include "ginn/core/error.h"
#include "test_util.h"

namespace ginn {
namespace {

DenseLayer layer(Eigen::MatrixXd W, Eigen::VectorXd b, Activation a) {
    DenseLayer L;
    L.W = std::move(W);
    L.b = std::move(b);
    L.activation = a;
    return L;
}

double logit(double p) { return std::log(p / (1 - p)); }
double sigmoid(double z) { return 1 / (1 + std::exp(-z)); }

/// Two classes, z1 - z0 = sigmoid(x) + sigmoid(y) - c: the boundary is y = logit(c - sigmoid(x)).
Network curve_net(double c) {
    Network net;
    net.domain = Box{-3, 3, -3, 3};
    net.head = Head::softmax2;
    net.layers.push_back(layer(Eigen::Matrix2d::Identity(), Eigen::Vector2d::Zero(), Activation::sigmoid));
    Eigen::MatrixXd W(2, 2);
    W << 0, 0, 1, 1;
    net.layers.push_back(layer(W, Eigen::Vector2d{0, -c}, Activation::linear));
    return net;
}

/// Three classes: z0 = 0, z1 = sigmoid(2x) - 1/2, z2 = sigmoid(2y) - 1/2. Class 0 where x, y < 0; the boundaries
/// are x = 0 (y < 0), y = 0 (x < 0) and y = x (x > 0), meeting at the origin.
Network three_class_net() {
    Network net;
    net.domain = Box{-1, 1, -1.2, 0.8};
    net.head = Head::softmax;
    net.layers.push_back(layer(2 * Eigen::Matrix2d::Identity(), Eigen::Vector2d::Zero(), Activation::sigmoid));
    Eigen::MatrixXd W(3, 2);
    W << 0, 0, 1, 0, 0, 1;
    net.layers.push_back(layer(W, Eigen::Vector3d{0, -0.5, -0.5}, Activation::linear));
    return net;
}

TEST(continuation_test, curve_points_lie_on_the_closed_form_zero_set) {
    const double c = 1.1;
    const Network net = curve_net(c);
    const TracedBoundaries t = trace_boundaries(net);
    ASSERT_EQ(t.curves.size(), 1u);
    EXPECT_TRUE(t.triple_points.empty());
    const Polyline& p = t.curves[0].points;
    ASSERT_GT(p.rows(), 100);
    EXPECT_TRUE(t.curves[0].complete);
    EXPECT_FALSE(t.curves[0].closed);
    EXPECT_LE(t.max_residual, 1e-10);
    for (Eigen::Index i = 0; i < p.rows(); ++i) {
        const double x = p(i, 0), y = p(i, 1);
        ASSERT_GT(c - sigmoid(x), 0);
        // |d(z1 - z0)/dy| >= sigmoid'(3) ~ 0.045 on the domain, so a residual of 1e-10 moves y by < 3e-9
        EXPECT_NEAR(y, logit(c - sigmoid(x)), 3e-9) << "point " << i;
    }
    // both ends on the domain's edge: the curve crosses the whole box
    for (Eigen::Index i : {Eigen::Index{0}, p.rows() - 1}) {
        const bool on_edge = std::abs(std::abs(p(i, 0)) - 3) < 1e-12 || std::abs(std::abs(p(i, 1)) - 3) < 1e-12;
        EXPECT_TRUE(on_edge) << p.row(i);
    }
}

TEST(continuation_test, a_sigmoid_line_and_a_tighter_tolerance) {
    // one hidden neuron: z1 - z0 = 3 sigmoid(x - 2y + 0.5) - 1, zero on the line x - 2y + 0.5 = logit(1/3)
    Network net;
    net.domain = Box{-2, 2, -2, 2};
    net.head = Head::sigmoid;
    Eigen::MatrixXd W1(1, 2);
    W1 << 1, -2;
    net.layers.push_back(layer(W1, Eigen::VectorXd::Constant(1, 0.5), Activation::sigmoid));
    net.layers.push_back(layer(Eigen::MatrixXd::Constant(1, 1, 3), Eigen::VectorXd::Constant(1, -1), Activation::linear));
    const TracedBoundaries t = trace_boundaries(net, {.tolerance = 1e-12});
    ASSERT_EQ(t.curves.size(), 1u);
    EXPECT_LE(t.max_residual, 1e-12);
    for (Eigen::Index i = 0; i < t.curves[0].points.rows(); ++i)
        EXPECT_NEAR(t.curves[0].points(i, 0) - 2 * t.curves[0].points(i, 1) + 0.5, logit(1.0 / 3), 1e-10);
}

TEST(continuation_test, three_classes_meet_at_one_triple_point) {
    const TracedBoundaries t = trace_boundaries(three_class_net());
    ASSERT_EQ(t.triple_points.size(), 1u);
    EXPECT_NEAR(t.triple_points[0].x, 0, 1e-9);
    EXPECT_NEAR(t.triple_points[0].y, 0, 1e-9);
    EXPECT_EQ(t.triple_points[0].a, 0);
    EXPECT_EQ(t.triple_points[0].c, 2);
    ASSERT_EQ(t.curves.size(), 3u);
    for (const TracedCurve& c : t.curves) {
        for (Eigen::Index i = 0; i < c.points.rows(); ++i) {
            const double x = c.points(i, 0), y = c.points(i, 1);
            if (c.a == 0 && c.b == 1) {
                EXPECT_NEAR(x, 0, 1e-9);
                EXPECT_LE(y, 1e-9);
            }
            if (c.a == 0 && c.b == 2) {
                EXPECT_NEAR(y, 0, 1e-9);
                EXPECT_LE(x, 1e-9);
            }
            if (c.a == 1 && c.b == 2) {
                EXPECT_NEAR(x, y, 1e-9);
                EXPECT_GE(x, -1e-9);
            }
        }
        EXPECT_TRUE(c.complete);
    }
    const nlohmann::json j = traced_to_json(t);
    EXPECT_EQ(j["exact"], false);
    EXPECT_EQ(j["approximate"], "to tolerance");
    EXPECT_EQ(j["tolerance"], 1e-10);
}

TEST(continuation_test, jacobian_matches_finite_differences) {
    Network net = three_class_net();
    net.layers[0].activation = Activation::gelu;
    net.layers[0].W(0, 1) = 0.7;
    for (Activation a : {Activation::gelu, Activation::tanh, Activation::swish, Activation::elu, Activation::sigmoid}) {
        net.layers[0].activation = a;
        const Eigen::Vector2d x{-0.3, 0.45};
        Eigen::MatrixXd J;
        class_scores(net, x, &J);
        const double h = 1e-6;
        for (int k = 0; k < 2; ++k) {
            Eigen::Vector2d e = Eigen::Vector2d::Zero();
            e(k) = h;
            const Eigen::VectorXd fd = (class_scores(net, x + e) - class_scores(net, x - e)) / (2 * h);
            for (int c = 0; c < 3; ++c) EXPECT_NEAR(J(c, k), fd(c), 1e-8) << activation_name(a) << " class " << c;
        }
    }
}

TEST(continuation_test, bad_options_are_one_clear_error) {
    const Network net = three_class_net();
    test::expect_error([&] { trace_boundaries(net, {.tolerance = 0}); }, {"tolerance"});
    test::expect_error([&] { trace_boundaries(net, {.step = 1}); }, {"step"});
    test::expect_error([&] { trace_boundaries(net, {.seed_grid = 2}); }, {"seed grid"});
}

}  // namespace
}  // namespace ginn
