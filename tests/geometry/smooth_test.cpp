// Tests of the approximate geometry of smooth-activation networks (src/geometry/smooth.cpp): boundary points against
// independent references (closed-form lines for one tanh layer, |value| / |gradient| by finite differences for deep,
// wide, multi-class and regression nets) and the topology of neuron boundaries. Not the exact ReLU geometry.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <random>

#include "ginn/geometry/geometry.h"

namespace ginn {
namespace {

Network random_tanh(const std::vector<int>& widths, uint32_t seed, Head head, double scale = 2.0) {
    std::mt19937 rng(seed);
    std::normal_distribution<double> normal(0.0, 1.0);
    Network net;
    net.domain = {-1, 1, -1, 1};
    net.head = head;
    for (size_t l = 1; l < widths.size(); ++l) {
        DenseLayer L;
        L.W.resize(widths[l], widths[l - 1]);
        L.b.resize(widths[l]);
        for (Eigen::Index i = 0; i < L.W.size(); ++i) L.W(i) = normal(rng) * scale / std::sqrt(double(widths[l - 1]));
        for (Eigen::Index i = 0; i < L.b.size(); ++i) L.b(i) = normal(rng) * 0.5;
        L.activation = l + 1 == widths.size() ? Activation::linear : Activation::tanh;
        net.layers.push_back(std::move(L));
    }
    return net;
}

/// The boundary tolerance: GeometryOptions::tolerance x the domain size.
double tolerance(const Network& net) { return GeometryOptions{}.tolerance * net.domain.width(); }

/// |v(p)| / |grad v(p)| with central differences: the distance from p to the zero set of v, to first order.
template <typename Value>
double distance_to_zero(Value v, double x, double y) {
    const double h = 1e-6;
    Eigen::MatrixXd P(5, 2);
    P << x, y, x + h, y, x - h, y, x, y + h, x, y - h;
    const Eigen::VectorXd z = v(P);
    return std::abs(z(0)) / std::hypot((z(1) - z(2)) / (2 * h), (z(3) - z(4)) / (2 * h));
}

/// Every neuron point within the tolerance of its pre-activation's zero set; every open neuron polyline ends on the
/// domain's edge (a neuron has two labels: no junctions). Returns the number of points checked.
int expect_neurons_on_zero_sets(const Network& net, const Geometry& g) {
    int n_points = 0;
    const Box& d = net.domain;
    for (const auto& nb : g.neurons) {
        auto value = [&](const Eigen::MatrixXd& P) {
            std::vector<Eigen::MatrixXd> pre;
            forward(net, P, &pre);
            return Eigen::VectorXd(pre[nb.layer - 1].col(nb.index - 1));
        };
        for (const auto& P : nb.polylines) {
            for (Eigen::Index i = 0; i < P.rows(); ++i, ++n_points)
                EXPECT_LE(distance_to_zero(value, P(i, 0), P(i, 1)), 1.01 * tolerance(net))
                    << "L" << nb.layer << ":" << nb.index << " point " << i;
            if (P.row(0) == P.row(P.rows() - 1)) continue;
            for (Eigen::Index i : {Eigen::Index(0), P.rows() - 1}) {
                const double edge = std::min({P(i, 0) - d.x0, d.x1 - P(i, 0), P(i, 1) - d.y0, d.y1 - P(i, 1)});
                EXPECT_LE(edge, 1e-12) << "L" << nb.layer << ":" << nb.index << " open end inside the domain";
            }
        }
    }
    return n_points;
}

TEST(smooth_test, one_tanh_layer_neurons_are_exact_lines) {
    const Network net = random_tanh({2, 8, 2}, 3, Head::softmax2);
    const Geometry g = compute_geometry(net);
    EXPECT_FALSE(g.exact);
    ASSERT_EQ(g.neurons.size(), 8u);
    for (const auto& nb : g.neurons) {
        const Eigen::Vector2d w = net.layers[0].W.row(nb.index - 1);
        const double b = net.layers[0].b(nb.index - 1);
        // The line w.p + b = 0 meets the square iff the corners' signs differ: then one polyline, else none.
        int n_pos = 0;
        for (double x : {-1.0, 1.0})
            for (double y : {-1.0, 1.0}) n_pos += w.dot(Eigen::Vector2d(x, y)) + b > 0;
        EXPECT_EQ(nb.polylines.size(), n_pos % 4 ? 1u : 0u) << "neuron " << nb.index;
        for (const auto& P : nb.polylines)
            for (Eigen::Index i = 0; i < P.rows(); ++i)
                EXPECT_LE(std::abs(w.dot(P.row(i).transpose()) + b) / w.norm(), tolerance(net));
    }
}

TEST(smooth_test, deep_wide_multiclass_and_regression_boundaries_lie_on_zero_sets) {
    struct Case {
        std::vector<int> widths;
        Head head;
    };
    const std::vector<Case> cases = {{{2, 8, 8, 8, 8, 8, 8, 3}, Head::softmax},
                                     {{2, 64, 2}, Head::softmax2},
                                     {{2, 16, 16, 1}, Head::regression},
                                     {{2, 12, 12, 1}, Head::sigmoid}};
    for (size_t c = 0; c < cases.size(); ++c) {
        SCOPED_TRACE("case " + std::to_string(c));
        const Network net = random_tanh(cases[c].widths, 20 + uint32_t(c), cases[c].head);
        const Geometry g = compute_geometry(net, {.grid = 96});
        EXPECT_GT(expect_neurons_on_zero_sets(net, g), 100);
        ASSERT_FALSE(g.decision_boundary.empty());
        // The decision boundary: the top two logits tie (k classes) or the decision value is zero.
        auto margin = [&](const Eigen::MatrixXd& P) {
            if (net.head != Head::softmax) return decision_value(net, P);
            const Eigen::MatrixXd Z = forward(net, P);  // #points by k
            Eigen::VectorXd m(P.rows());
            for (Eigen::Index i = 0; i < P.rows(); ++i) {
                std::vector<double> z(Z.row(i).begin(), Z.row(i).end());
                std::sort(z.rbegin(), z.rend());
                m(i) = z[0] - z[1];
            }
            return m;
        };
        int n_junction = 0;
        for (const auto& P : g.decision_boundary)
            for (Eigen::Index i = 0; i < P.rows(); ++i) {
                // k classes: a junction's star ends at its cell centre, which is not on the boundary.
                const double dist = distance_to_zero(margin, P(i, 0), P(i, 1));
                if (net.head == Head::softmax && dist > 1.01 * tolerance(net)) ++n_junction;
                else EXPECT_LE(dist, 1.01 * tolerance(net)) << "decision point " << i;
            }
        EXPECT_LE(n_junction, 8);
    }
}

TEST(smooth_test, finer_grid_keeps_the_boundaries_of_a_smooth_net) {
    // A gentle net whose features are all much larger than a cell: the number of polylines of every function does
    // not depend on the grid.
    const Network net = random_tanh({2, 6, 6, 2}, 7, Head::softmax2, 1.0);
    const Geometry coarse = compute_geometry(net, {.grid = 64}), fine = compute_geometry(net, {.grid = 256});
    ASSERT_EQ(coarse.neurons.size(), fine.neurons.size());
    for (size_t k = 0; k < fine.neurons.size(); ++k)
        EXPECT_EQ(coarse.neurons[k].polylines.size(), fine.neurons[k].polylines.size()) << "neuron " << k;
    EXPECT_EQ(coarse.decision_boundary.size(), fine.decision_boundary.size());
}

}  // namespace
}  // namespace ginn
