// Tests for include/ginn/render/surface.h: sampled values against closed forms (a linear output, a softmax by hand, a
// neuron's ReLU), the painter's order of the quads, the colour map's ends, the axes' text and the bad requests.
#include "ginn/render/surface.h"

#include <gtest/gtest.h>

#include <cmath>

#include "ginn/core/error.h"
#include "test_util.h"

namespace ginn {
namespace {

using test::expect_error;

/// 2-(1 ReLU: x - 0.5)-k network on [0, 2] x [0, 1] whose output layer is given.
Network net_with_output(Head head, Eigen::MatrixXd W, Eigen::VectorXd b) {
    Network net;
    net.domain = {0, 2, 0, 1};
    net.head = head;
    Eigen::MatrixXd W1(1, 2);
    W1 << 1, 0;
    net.layers.push_back({W1, Eigen::VectorXd::Constant(1, -0.5), Activation::relu, false});
    net.layers.push_back({std::move(W), std::move(b), Activation::linear, false});
    return net;
}

TEST(surface_test, values_match_closed_forms_at_the_lattice_nodes) {
    // Regression output 3 * relu(x - 0.5) + 1.
    const Network reg = net_with_output(Head::regression, Eigen::MatrixXd::Constant(1, 1, 3.0), Eigen::VectorXd::Constant(1, 1.0));
    const SurfaceValues out = surface_values(reg, {.quantity = SurfaceQuantity::output, .grid = 4});
    ASSERT_EQ(out.z.rows(), 5);
    for (int i = 0; i <= 4; ++i)
        for (int j = 0; j <= 4; ++j) EXPECT_DOUBLE_EQ(out.z(i, j), 3 * std::max(0.0, 2.0 * j / 4 - 0.5) + 1) << i << "," << j;
    EXPECT_DOUBLE_EQ(out.lo, 1);
    EXPECT_DOUBLE_EQ(out.hi, 3 * 1.5 + 1);
    EXPECT_EQ(out.title, "output");
    // The neuron itself: relu(x - 0.5).
    const SurfaceValues n1 = surface_values(reg, {.quantity = SurfaceQuantity::neuron, .layer = 1, .index = 1, .grid = 4});
    EXPECT_DOUBLE_EQ(n1.z(2, 4), 1.5);
    EXPECT_EQ(n1.title, "L1:1 activation");
    // Three classes, logits (a, 0, -a) with a = relu(x - 0.5): P(class 2) = e^-a / (e^a + 1 + e^-a).
    Eigen::MatrixXd W(3, 1);
    W << 1, 0, -1;
    const Network k3 = net_with_output(Head::softmax, W, Eigen::VectorXd::Zero(3));
    const SurfaceValues p = surface_values(k3, {.class_index = 2, .grid = 8});
    for (int j = 0; j <= 8; ++j) {
        const double a = std::max(0.0, 2.0 * j / 8 - 0.5);
        EXPECT_NEAR(p.z(3, j), std::exp(-a) / (std::exp(a) + 1 + std::exp(-a)), 1e-12) << j;
    }
    EXPECT_EQ(p.title, "P(class 2)");
    EXPECT_DOUBLE_EQ(p.hi, 1);
    // Bad requests, each naming its flag.
    expect_error([&] { surface_values(k3, {.class_index = 3}); }, {"--class", "0..2"});
    expect_error([&] { surface_values(reg, {}); }, {"--class", "regression"});
    expect_error([&] { surface_values(k3, {.quantity = SurfaceQuantity::neuron, .layer = 2}); }, {"--neuron", "layer 2"});
    expect_error([&] { surface_values(k3, {.quantity = SurfaceQuantity::neuron, .index = 2}); }, {"--neuron", "L1:2"});
    expect_error([&] { surface_values(k3, {.grid = 1}); }, {"--surface-grid", "2..400"});
}

TEST(surface_test, quads_are_painted_back_to_front_over_the_floor) {
    // A plane rising with y, seen from -y (azimuth -60): the far edge (y = 1) is high on the screen and drawn first.
    Network net;
    net.domain = {0, 1, 0, 1};
    net.head = Head::regression;
    Eigen::MatrixXd W1(1, 2);
    W1 << 0, 1;
    net.layers.push_back({W1, Eigen::VectorXd::Constant(1, 1.0), Activation::relu, false});
    net.layers.push_back({Eigen::MatrixXd::Identity(1, 1), Eigen::VectorXd::Zero(1), Activation::linear, false});
    const int grid = 10;
    const SurfaceValues v = surface_values(net, {.quantity = SurfaceQuantity::output, .grid = grid});
    const Figure f = figure_surface(v, {.size = 400});
    ASSERT_EQ(f.fills.size(), 2u * grid * grid);  // floor cells, then surface quads
    auto centre_y = [&](size_t k) { return f.fills[k].points.col(1).mean(); };
    const size_t first_surface = grid * grid;
    EXPECT_LT(centre_y(first_surface), centre_y(f.fills.size() - 1));
    // Seen from the other side (azimuth 120: the eye at -x, +y) the high edge is nearest: drawn last, and the
    // first-drawn quad is now the far, low edge (y = 0), which lies above the near high edge's bottom on screen.
    const Figure back = figure_surface(v, {.size = 400}, {.azimuth = 120});
    const auto& first = back.fills[first_surface].points;
    const auto& last = back.fills.back().points;
    EXPECT_GT(first.col(1).mean(), f.fills[first_surface].points.col(1).mean());
    EXPECT_NE(first.col(0).mean(), last.col(0).mean());
    for (const char* t : {"output", "x", "y", "0", "1"})
        EXPECT_TRUE(std::any_of(f.texts.begin(), f.texts.end(), [&](auto& x) { return x.text == t; })) << t;
    // Everything lies inside the figure.
    for (const FigureFill& q : f.fills) {
        EXPECT_GE(q.points.minCoeff(), 0);
        EXPECT_LE(q.points.col(0).maxCoeff(), f.width);
        EXPECT_LE(q.points.col(1).maxCoeff(), f.height);
    }
}

TEST(surface_test, colour_map_runs_from_dark_purple_to_yellow) {
    EXPECT_EQ(surface_colour(0), (Rgb{0x44 / 255.0, 0x01 / 255.0, 0x54 / 255.0}));
    EXPECT_EQ(surface_colour(1), (Rgb{0xfd / 255.0, 0xe7 / 255.0, 0x25 / 255.0}));
    EXPECT_EQ(surface_colour(-3), surface_colour(0));
    EXPECT_EQ(surface_colour(NAN), surface_colour(0));
    const Rgb mid = surface_colour(0.5);
    EXPECT_NEAR(mid.g, 0x91 / 255.0, 1e-12);
}

}  // namespace
}  // namespace ginn
