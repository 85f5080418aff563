// Tests for include/ginn/analysis/analysis.h: each detector on hand-built networks and rasters whose answer is known,
// then analyze() on an in-memory run. Not a test of geometry itself (geometry_test.cpp).
#include "ginn/analysis/analysis.h"

#include <gtest/gtest.h>

#include <cmath>
#include <random>
#include <set>
#include <tuple>

#include "ginn/core/error.h"
#include "ginn/model/model.h"
#include "ginn/run/run.h"
#include "test_util.h"

namespace ginn {
namespace {

/// A layer from rows {w_x, w_y, b} (first layer) or {w_1..w_n, b}.
DenseLayer layer(const std::vector<std::vector<double>>& rows, Activation act = Activation::relu) {
    DenseLayer L;
    const int n_in = static_cast<int>(rows[0].size()) - 1;
    L.W.resize(static_cast<Eigen::Index>(rows.size()), n_in);
    L.b.resize(static_cast<Eigen::Index>(rows.size()));
    for (size_t i = 0; i < rows.size(); ++i) {
        for (int j = 0; j < n_in; ++j) L.W(static_cast<Eigen::Index>(i), j) = rows[i][j];
        L.b(static_cast<Eigen::Index>(i)) = rows[i][n_in];
    }
    L.activation = act;
    return L;
}

/// One hidden layer of lines, softmax2 output whose decision value z1 - z0 = out . h + c.
Network one_layer(const std::vector<std::vector<double>>& lines, const std::vector<double>& out, double c,
                  Box domain = {}) {
    Network net;
    net.domain = domain;
    net.layers.push_back(layer(lines));
    std::vector<double> zero(out.size() + 1, 0.0), one(out);
    one.push_back(c);
    net.layers.push_back(layer({zero, one}, Activation::linear));
    net.validate("test");
    return net;
}

/// A grid dataset on the unit box labelled by f(x, y) (pixel centres, row-major from the top).
template <typename F>
Dataset grid_data(int res, F f) {
    Dataset d;
    d.name = "test";
    d.grid_w = d.grid_h = res;
    d.X.resize(static_cast<Eigen::Index>(res) * res, 2);
    for (int r = 0; r < res; ++r)
        for (int c = 0; c < res; ++c) {
            const double x = (c + 0.5) / res, y = 1 - (r + 0.5) / res;
            d.X(r * res + c, 0) = static_cast<float>(x);
            d.X(r * res + c, 1) = static_cast<float>(y);
            d.label.push_back(f(x, y) ? 1 : 0);
        }
    return d;
}

RunAnalysis analyse_sequence(const std::vector<Network>& nets, const Dataset& data, AnalysisOptions o = {},
                             std::vector<double> loss = {}) {
    std::vector<int64_t> it;
    for (size_t k = 0; k < nets.size(); ++k) it.push_back(static_cast<int64_t>(k) * 100);
    if (loss.empty()) loss.assign(nets.size(), 0.1);
    std::vector<double> acc(nets.size(), 0.9);
    o.threads = 2;
    return analyze_networks(nets, it, loss, acc, data, o, "test");
}

// ------------------------------------------------------------------------------------------ 1. dead neurons

TEST(analysis_test, planted_dead_and_always_on_neurons) {
    // Neuron 1 crosses the box, neuron 2 is negative on all of [0,1]^2, neuron 3 positive on all of it.
    const Network net = one_layer({{1, 0, -0.5}, {-1, -1, -0.2}, {1, 1, 0.1}}, {1, 1, 1}, -0.3);
    const Geometry g = compute_geometry(net);
    const auto s = neuron_states(net, g);
    ASSERT_EQ(s.size(), 3u);
    EXPECT_EQ(s[0], NeuronState::boundary);
    EXPECT_EQ(s[1], NeuronState::dead);
    EXPECT_EQ(s[2], NeuronState::always_on);
    // Cross-check against a dense grid of pre-activations.
    std::vector<Eigen::MatrixXd> pre;
    Eigen::MatrixXd X(101 * 101, 2);
    for (int i = 0; i < 101; ++i)
        for (int j = 0; j < 101; ++j) X.row(i * 101 + j) << i / 100.0, j / 100.0;
    forward(net, X, &pre);
    EXPECT_LE(pre[0].col(1).maxCoeff(), 0.0);
    EXPECT_GT(pre[0].col(2).minCoeff(), 0.0);
    EXPECT_LT(pre[0].col(0).minCoeff(), 0.0);
    EXPECT_GT(pre[0].col(0).maxCoeff(), 0.0);
}

TEST(analysis_test, death_and_return_over_training) {
    // Neuron 2's bias pushes its line out of the box (dead) at snapshot 3 and back at snapshot 7.
    std::vector<Network> nets;
    for (int k = 0; k < 10; ++k) {
        const double b2 = (k >= 3 && k < 7) ? -3.0 : -0.5;
        nets.push_back(one_layer({{1, 0, -0.3}, {0, 1, b2}}, {1, 0}, -0.1));
    }
    const Dataset data = grid_data(16, [](double x, double) { return x > 0.4; });
    const RunAnalysis r = analyse_sequence(nets, data);
    ASSERT_EQ(r.dead.neurons.size(), 2u);
    const auto& n2 = r.dead.neurons[1];
    EXPECT_EQ(n2.n_deaths, 1);
    EXPECT_EQ(n2.died_at, 3);
    EXPECT_TRUE(n2.came_back);
    EXPECT_EQ(n2.returns, std::vector<int>{7});
    EXPECT_EQ(n2.final_state, NeuronState::boundary);
    EXPECT_NEAR(n2.fraction_dead, 0.4, 1e-12);
    EXPECT_EQ(r.dead.neurons[0].n_deaths, 0);
    EXPECT_EQ(r.dead.n_dead[4], 1);
    EXPECT_EQ(r.dead.n_dead[8], 0);
    int died = 0, revived = 0;
    for (const auto& e : r.events) {
        died += e.kind == "died" && e.snapshot == 3 && e.neurons == std::vector<NeuronId>{{1, 2}};
        revived += e.kind == "revived" && e.snapshot == 7;
    }
    EXPECT_EQ(died, 1);
    EXPECT_EQ(revived, 1);

    // A two-snapshot blip is shorter than min_stay = 3 and is not a death.
    std::vector<std::vector<NeuronState>> states(8, {NeuronState::boundary});
    states[2][0] = states[3][0] = NeuronState::dead;
    const DeadReport rep = dead_timeline(states, {{1, 1}}, DeadOptions{});
    EXPECT_EQ(rep.neurons[0].n_deaths, 0);
    EXPECT_FALSE(rep.neurons[0].came_back);
}

// ------------------------------------------------------------------------------------------ 2. bias shifts

TEST(analysis_test, translation_only_and_rotation_only) {
    const double th = 0.3;
    // Neuron 1 translates from x = 0.3 to x = 0.6; neuron 2 rotates about the centre by th.
    const Network a = one_layer({{1, 0, -0.3}, {1, 0, -0.5}}, {1, 1}, 0);
    const Network b = one_layer({{1, 0, -0.6}, {std::cos(th), std::sin(th), -0.5 * (std::cos(th) + std::sin(th))}}, {1, 1}, 0);
    const LineMotion m = line_motion(a, b);
    EXPECT_NEAR(m.translation[0], 0.3, 1e-12);
    EXPECT_NEAR(m.rotation[0], 0.0, 1e-12);
    EXPECT_NEAR(m.translation[1], 0.0, 1e-12);
    EXPECT_NEAR(m.rotation[1], th, 1e-12);
    // Scaling a line's weights and bias together moves nothing.
    const Network c = one_layer({{3, 0, -0.9}, {1, 0, -0.5}}, {1, 1}, 0);
    EXPECT_NEAR(line_motion(a, c).translation[0], 0.0, 1e-12);

    // A sequence: two translation steps, then three rotation steps. Layer-1 share is 1 then 0.
    std::vector<Network> nets;
    nets.push_back(one_layer({{1, 0, -0.2}}, {1}, 0));
    nets.push_back(one_layer({{1, 0, -0.3}}, {1}, 0));
    nets.push_back(one_layer({{1, 0, -0.4}}, {1}, 0));
    for (int k = 1; k <= 3; ++k) {  // rotate about (0.4, 0.5), the centre's projection... keep the centre's distance
        const double t = 0.2 * k;
        const Eigen::Vector2d w(std::cos(t), std::sin(t));
        // Keep the signed distance of the centre (0.5, 0.5) at 0.1: w.c + b = 0.1.
        nets.push_back(one_layer({{w.x(), w.y(), 0.1 - w.dot(Eigen::Vector2d(0.5, 0.5))}}, {1}, 0));
    }
    BiasShiftOptions o;
    o.min_phase_steps = 2;
    const BiasShiftReport rep = bias_shifts(nets, o);
    ASSERT_EQ(rep.layers.size(), 1u);
    const auto& L = rep.layers[0];
    ASSERT_EQ(L.share.size(), 5u);
    EXPECT_NEAR(L.share[0], 1.0, 1e-12);
    EXPECT_NEAR(L.share[1], 1.0, 1e-12);
    for (int k = 2; k < 5; ++k) EXPECT_NEAR(L.share[k], 0.0, 1e-9) << "step " << k;
    ASSERT_EQ(L.phases.size(), 1u);
    EXPECT_EQ(L.phases[0], std::make_pair(0, 1));
    EXPECT_NEAR(L.weight[3], 0.2 * 0.5, 1e-9);  // rotation 0.2 rad times rotation_radius 0.5 * side 1

    // Deeper layers: bias-only change gives (|db|/|b|, 0).
    Network d1, d2;
    d1.layers = {layer({{1, 0, 0}, {0, 1, 0}}), layer({{1, 1, 2}}), layer({{0, 0}, {1, 0}}, Activation::linear)};
    d2 = d1;
    d2.layers[1].b(0) = 3;
    const auto rel = relative_changes(d1, d2);
    ASSERT_EQ(rel.size(), 2u);
    EXPECT_NEAR(rel[1].first, 1.0 / 3.0, 1e-12);
    EXPECT_NEAR(rel[1].second, 0.0, 1e-12);
}

// ------------------------------------------------------------------------------------------ 3. critical points

TEST(analysis_test, corners_of_a_square_and_vertices_reaching_them) {
    const int G = 64;
    std::vector<int32_t> raster(G * G);
    for (int r = 0; r < G; ++r)
        for (int c = 0; c < G; ++c) {
            const double x = (c + 0.5) / G, y = 1 - (r + 0.5) / G;
            raster[r * G + c] = (x > 0.3 && x < 0.7 && y > 0.3 && y < 0.7) ? 1 : 0;
        }
    const auto corners = target_corners(raster, G, G, Box{}, CriticalOptions{});
    ASSERT_EQ(corners.size(), 4u);
    for (const auto& c : corners) {
        const double ex = c.x < 0.5 ? 0.3 : 0.7, ey = c.y < 0.5 ? 0.3 : 0.7;
        EXPECT_LT(std::hypot(c.x - ex, c.y - ey), 1.5 / G) << c.x << "," << c.y;
        EXPECT_GT(c.turn_degrees, 60);
    }
    // An L shape has six corners (one concave).
    std::vector<int32_t> ell(G * G);
    for (int r = 0; r < G; ++r)
        for (int c = 0; c < G; ++c) {
            const double x = (c + 0.5) / G, y = 1 - (r + 0.5) / G;
            ell[r * G + c] = (x > 0.2 && x < 0.8 && y > 0.2 && y < 0.8 && !(x > 0.5 && y > 0.5)) ? 1 : 0;
        }
    EXPECT_EQ(target_corners(ell, G, G, Box{}, CriticalOptions{}).size(), 6u);

    // Lines x = 0.3, 0.7, y = 0.3, 0.7 cross exactly at the square's corners; two lines reach one corner.
    const Dataset data = grid_data(G, [](double x, double y) { return x > 0.3 && x < 0.7 && y > 0.3 && y < 0.7; });
    AnalysisOptions o;
    o.grid = G;
    const Network all = one_layer({{1, 0, -0.3}, {1, 0, -0.7}, {0, 1, -0.3}, {0, 1, -0.7}}, {1, -1, 1, -1}, 0);
    const Network one = one_layer({{1, 0, -0.3}, {1, 0, -2}, {0, 1, -0.3}, {0, 1, -2}}, {1, 0, 1, 0}, -0.1);
    const RunAnalysis r = analyse_sequence({one, all}, data, o);
    ASSERT_EQ(r.critical.corners.size(), 4u);
    EXPECT_NEAR(r.critical.fraction_reached[0], 0.25, 1e-12);
    EXPECT_NEAR(r.critical.fraction_reached[1], 1.0, 1e-12);
    for (int f : r.critical.first_reached) EXPECT_GE(f, 0);
    // Snapshots must share one architecture.
    EXPECT_THROW(analyse_sequence({one_layer({{1, 0, -0.3}}, {1}, 0), all}, data, o), Error);
    const auto d = corner_distances({{0, 0, 90}}, Eigen::Matrix<double, Eigen::Dynamic, 2>{{3, 4}, {6, 8}});
    EXPECT_NEAR(d[0], 5, 1e-12);
}

// ------------------------------------------------------------------------------------------ 4. copycats

TEST(analysis_test, planted_copies_one_with_flipped_sign) {
    // Neuron 2 starts at x = 0.8 and joins neuron 1's line x = 0.4 from snapshot 2; neuron 3 is a flipped copy
    // throughout; neuron 4 is a different line.
    std::vector<Network> nets;
    for (int k = 0; k < 6; ++k) {
        const double b2 = k < 2 ? -1.6 : -0.8;
        nets.push_back(one_layer({{1, 0, -0.4}, {2, 0, b2}, {-1.5, 0, 0.6}, {0, 1, -0.6}}, {1, 1, 1, 1}, -0.2));
    }
    const Dataset data = grid_data(32, [](double x, double) { return x > 0.4; });
    const RunAnalysis r = analyse_sequence(nets, data);
    std::set<std::tuple<int, int, bool, int>> got;  // (a, b, flipped, since)
    for (const auto& p : r.copycat.pairs) got.insert({p.a.index, p.b.index, p.flipped, p.since});
    const std::set<std::tuple<int, int, bool, int>> want = {{1, 2, false, 2}, {1, 3, true, 0}, {2, 3, true, 2}};
    EXPECT_EQ(got, want);
    EXPECT_EQ(r.copycat.n_pairs[0], 1);
    EXPECT_EQ(r.copycat.n_pairs[5], 3);
    const auto f = viewer_findings(r);
    EXPECT_EQ(f["format"], "ginn-findings");
    ASSERT_TRUE(f["badges"].contains("L1:1"));
    bool has = false;
    for (const auto& b : f["badges"]["L1:1"]) has = has || b == "copycat of L1:2";
    EXPECT_TRUE(has);
    EXPECT_FALSE(f["badges"].contains("L1:4"));
}

TEST(analysis_test, slivers_across_a_corner_are_not_copies_unless_asked) {
    // Neurons 1 and 2 share the line x + y = 0.05, which only clips the corner at the origin (length 0.07);
    // neurons 3 and 4 share x = 0.5 (length 1). Only the long pair counts with the default min_length of 0.1.
    std::vector<Network> nets(4, one_layer({{1, 1, -0.05}, {2, 2, -0.1}, {1, 0, -0.5}, {3, 0, -1.5}}, {1, 1, 1, 1}, -0.2));
    const Dataset data = grid_data(32, [](double x, double) { return x > 0.5; });
    const RunAnalysis r = analyse_sequence(nets, data);
    ASSERT_EQ(r.copycat.pairs.size(), 1u);
    EXPECT_EQ(r.copycat.pairs[0].a.index, 3);
    EXPECT_EQ(r.copycat.pairs[0].b.index, 4);
    EXPECT_NEAR(polyline_set_length(compute_geometry(nets[0]).neurons[0].polylines), 0.05 * std::sqrt(2.0), 1e-12);

    AnalysisOptions all;
    all.copycat.min_length = 0;
    const RunAnalysis r0 = analyse_sequence(nets, data, all);
    EXPECT_EQ(r0.copycat.pairs.size(), 2u);
}

// ------------------------------------------------------------------------------------------ 5. indecisive

TEST(analysis_test, indecisive_neuron_jumps_without_changing_the_prediction) {
    // Neuron 2 has no weight into the output and flips between x = 0.2 and x = 0.8 late in training; neuron 3
    // carries the decision and jumps too, which changes the prediction: it is not indecisive.
    std::vector<Network> nets;
    for (int k = 0; k < 10; ++k) {
        const double b2 = k % 2 ? -0.2 : -0.8;
        const double b3 = k == 8 ? -0.3 : -0.6;
        nets.push_back(one_layer({{0, 1, -0.5}, {1, 0, b2}, {1, 0, b3}}, {0, 0, 1}, -0.01));
    }
    const Dataset data = grid_data(32, [](double x, double) { return x > 0.6; });
    const RunAnalysis r = analyse_sequence(nets, data);
    ASSERT_EQ(r.indecisive.neurons.size(), 1u);
    EXPECT_EQ(r.indecisive.neurons[0].id, (NeuronId{1, 2}));
    EXPECT_EQ(r.indecisive.first_step, 5);  // iterations 0..900: late_fraction 0.5 -> from iteration 450
    // Steps 5 and 6; steps 7 and 8 also move neuron 3, which changes the prediction.
    ASSERT_EQ(r.indecisive.neurons[0].jumps.size(), 2u);
    EXPECT_EQ(r.indecisive.neurons[0].jumps[0].step, 5);
    for (const auto& j : r.indecisive.neurons[0].jumps) EXPECT_NEAR(j.jump, 0.6, 1e-9);
    EXPECT_GT(r.indecisive.prediction_change[7], 0.2);
    // With a loss that jumps, nothing is indecisive.
    std::vector<double> loss(10);
    for (int k = 0; k < 10; ++k) loss[k] = k % 2 ? 0.1 : 0.3;
    EXPECT_TRUE(analyse_sequence(nets, data, {}, loss).indecisive.neurons.empty());
}

// ------------------------------------------------------------------------------------------ 6. symmetry

TEST(analysis_test, mirror_symmetric_network_about_the_target_axis) {
    const Dataset data = grid_data(32, [](double x, double) { return std::abs(x - 0.5) > 0.2; });
    // White outside |x - 0.5| < 0.253: h1 = relu(0.3 - x), h2 = relu(x - 0.7), decision h1 + h2 - 0.047 ... mirrored.
    const Network sym = one_layer({{-1, 0, 0.3}, {1, 0, -0.7}, {0, 1, -0.5}}, {1, 1, 0}, -0.047);
    const Network asym = one_layer({{-1, 0, 0.3}, {1, 0, -0.9}, {0, 1, -0.5}}, {1, 1, 0}, -0.047);
    const RunAnalysis r = analyse_sequence({sym, asym}, data);
    EXPECT_NEAR(r.symmetry.axis_x, 0.5, 1e-12);
    EXPECT_NEAR(r.symmetry.target_score, 1.0, 1e-12);
    EXPECT_NEAR(r.symmetry.prediction[0], 1.0, 1e-12);
    EXPECT_LT(r.symmetry.prediction[1], 0.95);
    EXPECT_LT(r.symmetry.boundary[0][0], 1e-9);  // layer 1 mirrors onto itself
    EXPECT_GT(r.symmetry.boundary[1][0], 0.05);
    EXPECT_LT(r.symmetry.boundary[0][1], 1e-9);  // decision boundary too

    // The axis of an off-centre symmetric raster.
    const int G = 40;
    std::vector<int32_t> raster(G * G);
    for (int r = 0; r < G; ++r)
        for (int c = 0; c < G; ++c) raster[r * G + c] = std::abs(c - 14.5) < 3 + r % 5 ? 1 : 0;  // axis at 15 px
    const auto [axis, score] = mirror_axis(raster, G, G, Box{0, 2, 0, 1}, SymmetryOptions{});
    EXPECT_NEAR(axis, 15.0 / G * 2, 1e-12);
    EXPECT_NEAR(score, 1.0, 1e-12);
}

// ------------------------------------------------------------------------------------------ 7. failure

TEST(analysis_test, bottle_modelled_without_its_diamond) {
    auto body = [](double x, double y) { return x > 0.25 && x < 0.75 && y > 0.1 && y < 0.8; };
    auto diamond = [](double x, double y) { return std::abs(x - 0.5) / 0.15 + std::abs(y - 0.4) / 0.15 <= 1; };
    const Dataset data = grid_data(64, [&](double x, double y) { return !body(x, y) || diamond(x, y); });
    // White outside the rectangle: sum of relu distances outside each side, minus a little.
    const Network net = one_layer({{-1, 0, 0.25}, {1, 0, -0.75}, {0, -1, 0.1}, {0, 1, -0.8}}, {1, 1, 1, 1}, -1e-3);
    AnalysisOptions o;
    o.grid = 64;
    const RunAnalysis r = analyse_sequence({net, net}, data, o);
    ASSERT_EQ(r.failure.parts.size(), 3u);  // background, body, diamond (largest first)
    const auto& bg = r.failure.parts[0];
    const auto& bd = r.failure.parts[1];
    const auto& dm = r.failure.parts[2];
    EXPECT_EQ(bg.label, 1);
    EXPECT_EQ(bd.label, 0);
    EXPECT_EQ(dm.label, 1);
    EXPECT_NEAR(dm.cx, 0.5, 0.02);
    EXPECT_NEAR(dm.cy, 0.4, 0.02);
    EXPECT_GT(bg.accuracy.back(), 0.99);
    EXPECT_GT(bd.accuracy.back(), 0.99);
    EXPECT_EQ(dm.accuracy.back(), 0.0);
    EXPECT_EQ(dm.first_modelled, -1);
    EXPECT_FALSE(dm.modelled_at_end);
    EXPECT_EQ(bd.first_modelled, 0);
    bool flagged = false;
    for (const auto& e : r.events) flagged = flagged || e.kind == "part_never_modelled";
    EXPECT_TRUE(flagged);
    const double whole = 1.0 - static_cast<double>(dm.n_pixels) / (64 * 64);
    EXPECT_NEAR(r.failure.accuracy.back(), whole, 0.01);

    int n = 0;
    const auto id = label_components(data.label, 64, 64, &n);
    EXPECT_EQ(n, 3);
    EXPECT_EQ(id[0], id[63]);
}

// ------------------------------------------------------------------------------------------ 8. regions

TEST(analysis_test, regions_gather_near_the_decision_boundary) {
    // Vertical lines at 0.1, 0.48, 0.49, 0.5 (twice, flipped), 0.51, 0.52; decision value x - 0.5.
    const Network net = one_layer(
        {{1, 0, -0.1}, {1, 0, -0.48}, {1, 0, -0.49}, {1, 0, -0.5}, {-1, 0, 0.5}, {1, 0, -0.51}, {1, 0, -0.52}},
        {0, 0, 0, 1, -1, 0, 0}, 0);
    const Dataset data = grid_data(32, [](double x, double) { return x > 0.5; });
    const RunAnalysis r = analyse_sequence({net}, data);
    EXPECT_EQ(r.regions.activation[0], 7);  // seven strips
    ASSERT_EQ(r.regions.density_snapshots, std::vector<int>{0});
    EXPECT_NEAR(r.regions.density_near[0], 4 / 0.04, 1e-6);  // centroids 0.485 .. 0.515 within band 0.05
    EXPECT_NEAR(r.regions.density_far[0], 3 / 0.96, 1e-6);
}

// ------------------------------------------------------------------------------------------ 9. margins, fragile

TEST(analysis_test, margins_match_the_closed_form) {
    // Decision value x + y - 1: the boundary is the diagonal, the distance |x + y - 1| / sqrt(2).
    const Network net = one_layer({{1, 1, -1}, {-1, -1, 1}}, {1, -1}, 0);
    const Geometry g = compute_geometry(net);
    std::mt19937 rng(7);
    std::uniform_real_distribution<double> u(0, 1);
    Eigen::MatrixXd P(300, 2);
    std::vector<int32_t> labels;
    for (int i = 0; i < 300; ++i) {
        P.row(i) << u(rng), u(rng);
        const int truth = P(i, 0) + P(i, 1) > 1 ? 1 : 0;
        labels.push_back(i % 10 == 0 ? 1 - truth : truth);  // every tenth point mislabelled
    }
    const Eigen::VectorXd m = signed_margins(net, g, P, labels);
    for (int i = 0; i < 300; ++i) {
        const double d = std::abs(P(i, 0) + P(i, 1) - 1) / std::sqrt(2.0);
        EXPECT_NEAR(m(i), i % 10 == 0 ? -d : d, 1e-9) << "point " << i;
    }
}

TEST(analysis_test, segment_index_equals_brute_force) {
    std::mt19937 rng(3);
    std::uniform_real_distribution<double> u(-1, 2);
    std::vector<Polyline> polys;
    for (int p = 0; p < 20; ++p) {
        Polyline l(12, 2);
        for (int i = 0; i < 12; ++i) l.row(i) << 0.3 * u(rng) + 0.5, 0.3 * u(rng) + 0.5;
        polys.push_back(l);
    }
    Eigen::MatrixXd P(500, 2);
    for (int i = 0; i < 500; ++i) P.row(i) << 2 * u(rng), 2 * u(rng);  // some far outside the segments' box
    const Eigen::VectorXd d = distance_to_polylines(P, polys);
    for (int i = 0; i < 500; ++i) {
        double best = INFINITY;
        for (const auto& l : polys)
            for (int j = 0; j + 1 < 12; ++j) {
                const Eigen::RowVector2d a = l.row(j), b = l.row(j + 1), q = P.row(i);
                const double t = std::clamp((q - a).dot(b - a) / (b - a).squaredNorm(), 0.0, 1.0);
                best = std::min(best, (q - (a + t * (b - a))).norm());
            }
        EXPECT_NEAR(d(i), best, 1e-12) << "point " << i;
    }
    EXPECT_NEAR(polyline_set_distance(polys, polys), 0.0, 1e-12);
}

TEST(analysis_test, fragile_points_equal_brute_force_listing) {
    // Small random integer-domain classifiers on [0, 31]^2; the test lists fragile points by brute force itself.
    std::mt19937 rng(11);
    std::normal_distribution<double> nd(0, 1);
    for (int trial = 0; trial < 4; ++trial) {
        Network net;
        net.domain = Box{0, 31, 0, 31};
        DenseLayer L1, L2, out;
        L1.W = Eigen::MatrixXd::NullaryExpr(6, 2, [&] { return nd(rng) / 16; });
        L1.b = Eigen::VectorXd::NullaryExpr(6, [&] { return nd(rng); });
        L2.W = Eigen::MatrixXd::NullaryExpr(5, 6, [&] { return nd(rng); });
        L2.b = Eigen::VectorXd::NullaryExpr(5, [&] { return nd(rng); });
        out.W = Eigen::MatrixXd::NullaryExpr(2, 5, [&] { return nd(rng); });
        out.b = Eigen::VectorXd::NullaryExpr(2, [&] { return nd(rng); });
        out.activation = Activation::linear;
        net.layers = {L1, L2, out};
        net.validate("test");
        std::set<std::tuple<int, int, int, int>> want;
        int64_t n_fragile = 0;
        auto cls = [&](int x, int y) {
            Eigen::MatrixXd p(1, 2);
            p << x, y;
            return predicted_class(net, p)(0);
        };
        for (int y = 0; y <= 31; ++y)
            for (int x = 0; x <= 31; ++x) {
                bool any = false;
                for (auto [axis, delta] : {std::pair{0, -1}, {0, 1}, {1, -1}, {1, 1}}) {
                    const int nx = x + (axis == 0 ? delta : 0), ny = y + (axis == 1 ? delta : 0);
                    if (nx < 0 || nx > 31 || ny < 0 || ny > 31 || cls(nx, ny) == cls(x, y)) continue;
                    want.insert({x, y, axis, delta});
                    any = true;
                }
                n_fragile += any;
            }
        const Geometry g = compute_geometry(net);
        for (bool brute : {true, false}) {
            const FragileReport rep = fragile_points(net, g, brute, 100000);
            std::set<std::tuple<int, int, int, int>> got;
            for (const auto& p : rep.points) got.insert({p.x, p.y, p.axis, p.delta});
            EXPECT_EQ(got, want) << "trial " << trial << (brute ? " brute force" : " near the boundary");
            EXPECT_EQ(rep.n_fragile, n_fragile);
            if (!brute) {
                EXPECT_LE(rep.n_candidates, 32 * 32);
            }
        }
    }
}

// ------------------------------------------------------------------------------------------ analyze on a Run

TEST(analysis_test, analyze_in_memory_run_writes_json_and_html) {
    RunConfig c;
    c.task.resolution = 32;
    c.model.widths = {6, 6};
    Dataset data = make_dataset(c.task);
    std::vector<SnapshotInfo> snaps;
    std::vector<std::vector<float>> params;
    for (int k = 0; k < 5; ++k) {
        SnapshotInfo s;
        s.iteration = k * 10;
        s.loss = 0.5 - 0.01 * k;
        s.accuracy = 0.6;
        snaps.push_back(s);
        params.push_back(init_params(c.model, static_cast<uint64_t>(k + 1)));
    }
    const ginn::Run run = ginn::Run::in_memory(c, snaps, params, data, "mem");
    AnalysisOptions o;
    o.grid = 48;
    o.viewer = "ginn-viewer.html";
    const AnalysisReport rep = analyze({&run, &run}, o);
    ASSERT_EQ(rep.runs.size(), 2u);
    EXPECT_EQ(rep.runs[0].iterations.size(), 5u);
    EXPECT_EQ(rep.runs[0].config_key, rep.runs[1].config_key);
    const nlohmann::json j = analysis_to_json(rep);
    EXPECT_EQ(j["format"], "ginn-analysis");
    EXPECT_EQ(j["format_version"], 1);
    EXPECT_EQ(j["runs"].size(), 2u);
    EXPECT_EQ(j["comparison"].size(), 1u);
    EXPECT_EQ(j["runs"][0]["regions"]["activation"].size(), 5u);
    EXPECT_EQ(j["runs"][0]["neurons"].size(), 12u);
    EXPECT_GE(rep.runs[0].failure.parts.size(), 3u);  // the bottle: background, bottle, diamond ring...
    EXPECT_NEAR(rep.runs[0].symmetry.axis_x, 0.5, 1.0 / 32);
    const std::string html = analysis_html(rep);
    EXPECT_NE(html.find("<svg"), std::string::npos);
    EXPECT_NE(html.find("ginn-viewer.html#run=0&amp;snapshot="), std::string::npos);
    EXPECT_EQ(html.find("<script src"), std::string::npos);  // self-contained
}

}  // namespace
}  // namespace ginn
