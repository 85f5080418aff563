// Tests for include/ginn/analysis/analysis.h: each detector on hand-built networks and rasters whose answer is known,
// then analyze() on an in-memory run. Not a test of geometry itself (geometry_test.cpp).
#include "ginn/analysis/analysis.h"

#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <functional>
#include <limits>
#include <sys/wait.h>
#include <unistd.h>
#include <numbers>
#include <numeric>
#include <random>
#include <set>
#include <tuple>

#include "ginn/core/error.h"
#include "ginn/core/io.h"
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

    // A two-snapshot blip (200 of 700 iterations) is shorter than min_stay = 0.3 of training and is not a death.
    std::vector<std::vector<NeuronState>> states(8, {NeuronState::boundary});
    states[2][0] = states[3][0] = NeuronState::dead;
    const DeadReport rep = dead_timeline(states, {{1, 1}}, DeadOptions{.min_stay = 0.3});
    EXPECT_EQ(rep.neurons[0].n_deaths, 0);
    EXPECT_FALSE(rep.neurons[0].came_back);
}

TEST(analysis_test, a_short_dead_blip_after_a_death_is_no_second_return) {
    // Alive 0-2, dead 3-6, alive 7-8, dead at 9 only (a blip), alive 10-11; iterations 0, 100, ..., 1100.
    std::vector<std::vector<NeuronState>> states(12, {NeuronState::boundary});
    for (int k : {3, 4, 5, 6, 9}) states[k][0] = NeuronState::dead;
    std::vector<int64_t> it;
    for (int k = 0; k < 12; ++k) it.push_back(100 * k);
    const DeadOptions o{.min_stay = 0.15};  // 165 iterations: the 100-iteration blip does not count
    const DeadReport rep = dead_timeline(states, {{1, 1}}, o, it);
    EXPECT_EQ(rep.neurons[0].deaths, std::vector<int>{3});
    EXPECT_EQ(rep.neurons[0].returns, std::vector<int>{7});  // one return, not two
    // The stay is measured in iterations, not snapshots: the same one-snapshot state lasting 5000 iterations counts.
    it[10] = 6000, it[11] = 7000;
    const DeadReport late = dead_timeline(states, {{1, 1}}, DeadOptions{.min_stay = 0.02}, it);  // 140 iterations
    EXPECT_EQ(late.neurons[0].deaths, (std::vector<int>{3, 9}));
    EXPECT_EQ(late.neurons[0].returns, (std::vector<int>{7, 10}));
}

TEST(analysis_test, the_dead_sweep_names_which_findings_hold_at_every_min_stay) {
    // A log-like schedule over 10000 iterations; min_stay 0.02 (200 iterations) swept over 100, 200, 400.
    // L1:1 is dead from the start until iteration 100 (1% of training: a return only at the loosest value);
    // L1:2 dies at iteration 5000 and stays dead; L1:3 is alive throughout.
    const std::vector<int64_t> it = {0, 10, 20, 100, 1000, 2000, 3000, 5000, 6000, 8000, 9000, 10000};
    std::vector<Network> nets;
    for (size_t k = 0; k < it.size(); ++k)
        nets.push_back(one_layer({{1, 0, k < 3 ? -5.0 : -0.5}, {0, 1, it[k] >= 5000 ? -5.0 : -0.5}, {1, 1, -1}}, {1, 1, 1}, -0.5));
    AnalysisOptions o;
    o.grid = 16;
    const RunAnalysis r = analyze_networks(nets, it, std::vector<double>(it.size(), 0.1), std::vector<double>(it.size(), 0.9),
                                           grid_data(16, [](double x, double) { return x > 0.5; }), o);
    const ThresholdSweep* sw = nullptr;
    for (const auto& s : r.sweeps)
        if (s.detector == "dead") sw = &s;
    ASSERT_NE(sw, nullptr);
    EXPECT_EQ(sw->values, (std::vector<double>{0.01, 0.02, 0.04}));
    EXPECT_EQ(sw->findings, (std::vector<int>{3, 2, 2}));
    EXPECT_FALSE(sw->stable);
    EXPECT_EQ(sw->stable_findings,
              (std::vector<std::string>{"L1:2 dead at the end (since iteration 5000)", "L1:2 died during training"}));
    EXPECT_EQ(sw->unstable_findings, std::vector<std::string>{"L1:1 came back"});
    // The report shows both lists.
    const std::string html = analysis_html({o, {r}});
    EXPECT_NE(html.find("stable at every value: L1:2 dead at the end (since iteration 5000)"), std::string::npos);
    EXPECT_NE(html.find("at some values only: L1:1 came back"), std::string::npos);
}

TEST(analysis_test, a_neuron_alive_only_on_a_sliver_counts_as_dead) {
    // Neuron 1 is positive only on the corner triangle x + y > 1.9999 (boundary 0.00014 long); neuron 2 crosses.
    const Network net = one_layer({{1, 1, -1.9999}, {1, 0, -0.5}}, {1, 1}, -0.3);
    const Geometry g = compute_geometry(net);
    ASSERT_FALSE(g.neurons[0].polylines.empty());
    EXPECT_EQ(neuron_states(net, g)[0], NeuronState::boundary);         // without a minimum length
    EXPECT_EQ(neuron_states(net, g, 0.01)[0], NeuronState::dead);       // a sliver
    EXPECT_EQ(neuron_states(net, g, 0.01)[1], NeuronState::boundary);
    const Network on = one_layer({{-1, -1, 1.9999}, {1, 0, -0.5}}, {1, 1}, -0.3);  // negative only on the sliver
    EXPECT_EQ(neuron_states(on, compute_geometry(on), 0.01)[0], NeuronState::always_on);
}

TEST(analysis_test, smooth_neurons_have_no_sign_change_instead_of_dying) {
    // tanh: neuron 2 is negative on all of the box at snapshots 3..9; it still passes a signal, so it is not dead.
    std::vector<Network> nets;
    for (int k = 0; k < 10; ++k) {
        Network n = one_layer({{1, 0, -0.3}, {0, 1, k >= 3 ? -3.0 : -0.5}}, {1, 1}, -0.1);
        n.layers[0].activation = Activation::tanh;
        nets.push_back(n);
    }
    const RunAnalysis r = analyse_sequence(nets, grid_data(16, [](double x, double) { return x > 0.4; }));
    EXPECT_FALSE(r.dead.can_die);
    int no_sign = 0, died = 0;
    for (const auto& e : r.events) no_sign += e.kind == "no_sign_change", died += e.kind == "died";
    EXPECT_EQ(no_sign, 1);
    EXPECT_EQ(died, 0);
    const auto f = viewer_findings(r);
    EXPECT_EQ(f["badges"]["L1:2"][0], "no sign change");
    EXPECT_NE(analysis_html({AnalysisOptions{}, {r}}).find("Neurons without a sign change"), std::string::npos);
}

// ------------------------------------------------------------------------------------------ 2. bias shifts

TEST(analysis_test, translation_only_and_rotation_only) {
    const double th = 0.3;
    // Neuron 1 translates from x = 0.3 to x = 0.6; neuron 2 turns about the centre by th.
    const Network a = one_layer({{1, 0, -0.3}, {1, 0, -0.5}}, {1, 1}, 0);
    const Network b = one_layer({{1, 0, -0.6}, {std::cos(th), std::sin(th), -0.5 * (std::cos(th) + std::sin(th))}}, {1, 1}, 0);
    const LineMotion m = line_motion(a, b);
    EXPECT_NEAR(m.translation[0], 0.3, 1e-12);
    EXPECT_NEAR(m.rotation[0], 0.0, 1e-12);
    EXPECT_NEAR(m.translation[1], 0.0, 1e-12);
    // a's segment x = 0.5, 0 <= y <= 1 is at signed distances -+0.5 sin th from b's line: mean deviation sin th / 4;
    // b's segment (y from 0 to 1, x = 0.5 -+ 0.5 tan th) is at -+0.5 tan th from a's: tan th / 4. Averaged:
    EXPECT_NEAR(m.rotation[1], (std::sin(th) + std::tan(th)) / 8, 1e-12);
    // Parametrisation-free: scaling a line's weights and bias together, or flipping both signs, moves nothing.
    const Network c = one_layer({{3, 0, -0.9}, {-7, 0, 3.5}}, {1, 1}, 0);
    for (int i = 0; i < 2; ++i) {
        EXPECT_NEAR(line_motion(a, c).translation[i], 0.0, 1e-12);
        EXPECT_NEAR(line_motion(a, c).rotation[i], 0.0, 1e-12);
    }
    // A pure rescale over training has no motion and no bias phase (it was 100% bias before).
    std::vector<Network> scaled;
    for (int k = 1; k <= 6; ++k) scaled.push_back(one_layer({{1.0 * k, 0, -0.3 * k}, {0, 2.0 * k, -1.0 * k}}, {1, 1}, 0));
    const BiasShiftReport rs = bias_shifts(scaled, BiasShiftOptions{.min_phase_steps = 1});
    ASSERT_EQ(rs.layers.size(), 1u);
    for (double v : rs.layers[0].bias) EXPECT_NEAR(v, 0.0, 1e-12);
    EXPECT_TRUE(rs.layers[0].phases.empty());

    // A sequence: two translation steps, then three turns about the line's own middle. Share is 1 then 0.
    std::vector<Network> nets;
    nets.push_back(one_layer({{1, 0, -0.2}}, {1}, 0));
    nets.push_back(one_layer({{1, 0, -0.3}}, {1}, 0));
    nets.push_back(one_layer({{1, 0, -0.4}}, {1}, 0));
    for (int k = 1; k <= 3; ++k) {  // turn about (0.4, 0.5), the middle of the segment x = 0.4
        const double t = 0.1 * k;
        const Eigen::Vector2d w(std::cos(t), std::sin(t));
        nets.push_back(one_layer({{w.x(), w.y(), -w.dot(Eigen::Vector2d(0.4, 0.5))}}, {1}, 0));
    }
    BiasShiftOptions o;
    o.min_phase_steps = 2;
    const BiasShiftReport rep = bias_shifts(nets, o);
    ASSERT_EQ(rep.layers.size(), 1u);  // layer 1 only
    const auto& L = rep.layers[0];
    ASSERT_EQ(L.share.size(), 5u);
    EXPECT_NEAR(L.share[0], 1.0, 1e-12);
    EXPECT_NEAR(L.share[1], 1.0, 1e-12);
    for (int k = 2; k < 5; ++k) EXPECT_LT(L.share[k], 0.05) << "step " << k;
    ASSERT_EQ(L.phases.size(), 1u);
    EXPECT_EQ(L.phases[0], std::make_pair(0, 1));
}

TEST(analysis_test, random_direction_steps_match_the_null_and_make_no_bias_phase) {
    // 64 lines whose parameters (w_x, w_y, b) take isotropic random steps: their shift share is high (a random
    // step shifts more than it turns) but no higher than the null's, so there is no "bias before weights" phase.
    std::mt19937 rng(11);
    std::normal_distribution<double> nd(0, 1);
    std::vector<std::vector<double>> lines;
    for (int i = 0; i < 64; ++i) {
        const double a = 2 * std::numbers::pi * i / 64;
        lines.push_back({std::cos(a), std::sin(a), -0.5 * (std::cos(a) + std::sin(a)) + 0.1 * nd(rng)});
    }
    std::vector<Network> nets;
    for (int k = 0; k < 12; ++k) {
        nets.push_back(one_layer(lines, std::vector<double>(64, 1.0), 0));
        for (auto& l : lines)
            for (double& v : l) v += 0.01 * nd(rng);
    }
    const BiasShiftReport rep = bias_shifts(nets, BiasShiftOptions{.phase_share = 0.5, .min_phase_steps = 1});
    const auto& L = rep.layers[0];
    ASSERT_EQ(L.share_null.size(), 11u);
    for (size_t k = 0; k < L.share.size(); ++k) {
        EXPECT_GT(L.share[k], 0.5) << k;                       // shifts dominate even for random steps
        EXPECT_LT(std::abs(L.share[k] - L.share_null[k]), 0.1) << k;  // as much as the null says
    }
    EXPECT_TRUE(L.phases.empty());
    // The same lines shifted in parallel only beat the null: a phase.
    std::vector<Network> shifted;
    for (int k = 0; k < 6; ++k) {
        Network n = nets[0];
        n.layers[0].b.array() += 0.01 * k;
        shifted.push_back(n);
    }
    const BiasShiftReport rs = bias_shifts(shifted, BiasShiftOptions{.phase_share = 0.5, .min_phase_steps = 1});
    ASSERT_EQ(rs.layers[0].phases.size(), 1u);
    EXPECT_EQ(rs.layers[0].phases[0], std::make_pair(0, 4));
}

TEST(analysis_test, bias_phases_have_hysteresis_against_threshold_noise) {
    // A share that hovers around 0.75 (0.74, 0.76, ...) is one phase at phase_share 0.75, not many.
    std::vector<double> share, motion(20, 1.0);
    for (int k = 0; k < 20; ++k) share.push_back(k < 16 ? (k % 2 ? 0.76 : 0.74) : 0.2);
    const auto phases = bias_phases(share, motion, BiasShiftOptions{.phase_share = 0.75, .min_phase_steps = 3});
    ASSERT_EQ(phases.size(), 1u);
    EXPECT_EQ(phases[0], std::make_pair(1, 15));
    // Steps without motion keep the state instead of breaking the phase.
    motion[8] = 0, share[8] = 0.0;
    EXPECT_EQ(bias_phases(share, motion, BiasShiftOptions{.phase_share = 0.75, .min_phase_steps = 3}).size(), 1u);
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

TEST(analysis_test, corners_are_scored_against_the_shifted_target) {
    // The square 0.3..0.7; the null shifts its corners by 0.06. Lines on the square's edges reach every corner and
    // no shifted one: the event fires. The same lines moved by 0.06 reach every shifted corner in one direction
    // (a quarter of the null) and no real corner: no event.
    const int G = 64;
    const Dataset data = grid_data(G, [](double x, double y) { return x > 0.3 && x < 0.7 && y > 0.3 && y < 0.7; });
    AnalysisOptions o;
    o.grid = G;
    const Network on = one_layer({{1, 0, -0.3}, {1, 0, -0.7}, {0, 1, -0.3}, {0, 1, -0.7}}, {1, -1, 1, -1}, 0);
    const Network off = one_layer({{1, 0, -0.36}, {1, 0, -0.76}, {0, 1, -0.3}, {0, 1, -0.7}}, {1, -1, 1, -1}, 0);
    const RunAnalysis r = analyse_sequence({off, on}, data, o);
    EXPECT_NEAR(r.critical.fraction_reached[0], 0.0, 1e-12);
    EXPECT_NEAR(r.critical.null_reached[0], 0.25, 1e-12);  // +x shift: all four reached; the other three: none
    EXPECT_NEAR(r.critical.fraction_reached[1], 1.0, 1e-12);
    EXPECT_NEAR(r.critical.null_reached[1], 0.0, 1e-12);
    EXPECT_EQ(r.critical.beats_null_from, 1);
    int fired = 0;
    for (const auto& e : r.events) fired += e.kind == "corners_beat_null" && e.snapshot == 1;
    EXPECT_EQ(fired, 1);
    EXPECT_EQ(analyse_sequence({on, off}, data, o).critical.beats_null_from, -1);
}

TEST(analysis_test, point_task_corners_are_not_raster_steps) {
    // 2000 random points labelled by y > x (one straight diagonal edge): its nearest-neighbour raster zigzags along
    // the points and steps along the grid, but has no corner inside the domain.
    Dataset d;
    d.name = "points";
    std::mt19937 rng(3);
    std::uniform_real_distribution<double> u(0, 1);
    d.X.resize(2000, 2);
    for (int i = 0; i < 2000; ++i) {
        const double x = u(rng), y = u(rng);
        d.X(i, 0) = static_cast<float>(x), d.X(i, 1) = static_cast<float>(y);
        d.label.push_back(y > x ? 1 : 0);
    }
    const Network net = one_layer({{-1, 1, 0}}, {1}, 0);
    const RunAnalysis r = analyse_sequence({net, net}, d);
    for (const auto& c : r.critical.corners)  // the diagonal's two ends at the domain's corners may remain
        EXPECT_TRUE(std::min(std::hypot(c.x, c.y), std::hypot(c.x - 1, c.y - 1)) < 0.1) << c.x << "," << c.y << " of " << r.critical.corners.size();
}

// ------------------------------------------------------------------------------------------ 4. copycats

TEST(analysis_test, planted_copies_one_with_flipped_sign) {
    // Neuron 2 starts at x = 0.8 and joins neuron 1's line x = 0.4 from snapshot 2; neuron 3 is the same line with
    // the opposite active side (complementary, not a copy) throughout; neuron 4 is a different line.
    std::vector<Network> nets;
    for (int k = 0; k < 6; ++k) {
        const double b2 = k < 2 ? -1.6 : -0.8;
        nets.push_back(one_layer({{1, 0, -0.4}, {2, 0, b2}, {-1.5, 0, 0.6}, {0, 1, -0.6}}, {1, 1, 1, 1}, -0.2));
    }
    const Dataset data = grid_data(32, [](double x, double) { return x > 0.4; });
    const RunAnalysis r = analyse_sequence(nets, data);
    std::set<std::tuple<int, int, bool, int>> got, got_flipped;  // (a, b, flipped, since)
    for (const auto& p : r.copycat.pairs) got.insert({p.a.index, p.b.index, p.flipped, p.since});
    for (const auto& p : r.copycat.complementary) got_flipped.insert({p.a.index, p.b.index, p.flipped, p.since});
    EXPECT_EQ(got, (std::set<std::tuple<int, int, bool, int>>{{1, 2, false, 2}}));
    EXPECT_EQ(got_flipped, (std::set<std::tuple<int, int, bool, int>>{{1, 3, true, 0}, {2, 3, true, 2}}));
    ASSERT_EQ(r.copycat.groups.size(), 1u);
    EXPECT_EQ(r.copycat.groups[0].neurons, (std::vector<NeuronId>{{1, 1}, {1, 2}}));
    EXPECT_EQ(r.copycat.groups[0].since, 2);
    EXPECT_EQ(r.copycat.n_pairs[0], 0);
    EXPECT_EQ(r.copycat.n_pairs[5], 1);
    const auto f = viewer_findings(r);
    EXPECT_EQ(f["format"], "ginn-findings");
    ASSERT_TRUE(f["badges"].contains("L1:1"));
    std::set<std::string> b1;
    for (const auto& b : f["badges"]["L1:1"]) b1.insert(b.get<std::string>());
    EXPECT_EQ(b1, (std::set<std::string>{"copycat of L1:2", "complement of L1:3"}));
    EXPECT_FALSE(f["badges"].contains("L1:4"));
}

TEST(analysis_test, seven_copies_are_one_group) {
    // Seven neurons on x = 0.5 with the same active side and different scales, one on y = 0.5: one group of seven
    // (not 21 pairs' worth of findings), one event.
    std::vector<std::vector<double>> lines;
    for (int i = 1; i <= 7; ++i) lines.push_back({0.5 * i, 0, -0.25 * i});
    lines.push_back({0, 1, -0.5});
    const std::vector<Network> nets(4, one_layer(lines, std::vector<double>(8, 1.0), -0.1));
    const RunAnalysis r = analyse_sequence(nets, grid_data(32, [](double x, double) { return x > 0.5; }));
    EXPECT_EQ(r.copycat.pairs.size(), 21u);
    ASSERT_EQ(r.copycat.groups.size(), 1u);
    EXPECT_EQ(r.copycat.groups[0].neurons.size(), 7u);
    EXPECT_EQ(r.copycat.groups[0].since, 0);
    int events = 0;
    for (const auto& e : r.events) events += e.kind == "copycat";
    EXPECT_EQ(events, 1);
    for (const auto& sw : r.sweeps)  // the docs claim the group is stable over copycat.min_stay
        if (sw.detector == "copycats") {
            EXPECT_TRUE(sw.stable) << sw.findings[0] << sw.findings[1] << sw.findings[2];
        }
    // The report draws the group: one picture with the seven boundaries (one path each) over the target.
    const std::string html = analysis_html({AnalysisOptions{}, {r}});
    const size_t at = html.find("<svg class='pic'", html.find("<b>Copycats</b>"));
    ASSERT_NE(at, std::string::npos);
    const std::string pic = html.substr(at, html.find("</svg>", at) - at);
    EXPECT_NE(pic.find("<title>L1:1, L1:2, L1:3, L1:4, L1:5, L1:6, L1:7 at the end</title>"), std::string::npos);
    size_t paths = 0;
    for (size_t p = pic.find("stroke-width='1.2'"); p != std::string::npos; p = pic.find("stroke-width='1.2'", p + 1)) ++paths;
    EXPECT_EQ(paths, 7u);
    EXPECT_NE(pic.find("M50.0 100.0L50.0 0.0"), std::string::npos);  // x = 0.5 from bottom to top (or the reverse)
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
    for (const auto& j : r.indecisive.neurons[0].jumps) EXPECT_NEAR(j.jump, 0.6, 1e-9);  // 0.6 away, length 1
    EXPECT_FALSE(r.indecisive.neurons[0].jumps[0].returns);
    EXPECT_TRUE(r.indecisive.neurons[0].jumps[1].returns);  // back to x = 0.2
    EXPECT_EQ(r.indecisive.neurons[0].n_returns, 1);
    EXPECT_GT(r.indecisive.prediction_change[7], 0.2);
    // With a loss that jumps, nothing is indecisive.
    std::vector<double> loss(10);
    for (int k = 0; k < 10; ++k) loss[k] = k % 2 ? 0.1 : 0.3;
    EXPECT_TRUE(analyse_sequence(nets, data, {}, loss).indecisive.neurons.empty());
}

TEST(analysis_test, a_corner_sliver_that_comes_and_goes_and_a_one_way_jump_are_not_indecisive) {
    // Neuron 2 is a sliver at the corner (x + y = 0.003 or gone) flipping every step; neuron 3 jumps once from
    // x = 0.2 to x = 0.8 and stays. Neither flips back and forth with any size.
    std::vector<Network> nets;
    for (int k = 0; k < 10; ++k)
        nets.push_back(one_layer({{0, 1, -0.5}, {1, 1, k % 2 ? -0.003 : 0.5}, {1, 0, k >= 7 ? -0.8 : -0.2}}, {0, 0, 0}, -0.01));
    const RunAnalysis r = analyse_sequence(nets, grid_data(32, [](double x, double) { return x > 0.6; }));
    EXPECT_TRUE(r.indecisive.neurons.empty());
    // Without the length weighting the sliver would jump "a whole domain": with it its jumps are 0.003-long specks.
    AnalysisOptions tiny;
    tiny.indecisive.min_jump = 1e-6;
    const RunAnalysis t = analyse_sequence(nets, grid_data(32, [](double x, double) { return x > 0.6; }), tiny);
    ASSERT_EQ(t.indecisive.neurons.size(), 1u);
    EXPECT_EQ(t.indecisive.neurons[0].id, (NeuronId{1, 2}));
    for (const auto& j : t.indecisive.neurons[0].jumps) EXPECT_LT(j.jump, 1e-4);
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
    // Its mirror covers 30 of 40 columns: found with min_overlap 0.7, not with the default 0.8.
    EXPECT_LT(mirror_axis(raster, G, G, Box{0, 2, 0, 1}, SymmetryOptions{}).second, 1.0);
    const auto [axis, score] = mirror_axis(raster, G, G, Box{0, 2, 0, 1}, SymmetryOptions{.min_overlap = 0.7});
    EXPECT_NEAR(axis, 15.0 / G * 2, 1e-12);
    EXPECT_NEAR(score, 1.0, 1e-12);
}

TEST(analysis_test, a_pie_without_a_mirror_axis_is_not_symmetric) {
    // Three classes in 120-degree sectors turned by 10 degrees: no vertical mirror axis.
    Dataset d = grid_data(48, [](double, double) { return false; });
    for (int i = 0; i < 48 * 48; ++i) {
        const double a = std::atan2(d.X(i, 1) - 0.5, d.X(i, 0) - 0.5) + std::numbers::pi + 10 * std::numbers::pi / 180;
        d.label[i] = static_cast<int32_t>(std::fmod(a, 2 * std::numbers::pi) / (2 * std::numbers::pi / 3)) % 3;
    }
    const Network net = one_layer({{1, 0, -0.5}}, {1}, 0);
    const RunAnalysis r = analyse_sequence({net, net}, d);
    EXPECT_NEAR(r.symmetry.target_null, 1.0 / 3, 0.02);
    EXPECT_FALSE(r.symmetry.target_symmetric) << r.symmetry.axis_x << " " << r.symmetry.target_score;
    for (const auto& e : r.events) EXPECT_NE(e.kind, "symmetric");
    // An empty boundary set has no symmetry to score: layer 2 of this network is absent, the decision boundary...
    const Network flat = one_layer({{1, 0, -5}}, {0}, -1);  // no boundary in the box at all
    const RunAnalysis rf = analyse_sequence({flat}, d);
    EXPECT_TRUE(std::isnan(rf.symmetry.boundary[0][0]));
    EXPECT_TRUE(std::isnan(rf.symmetry.boundary[0][1]));
}

// ------------------------------------------------------------------------------------------ 7. failure

TEST(analysis_test, bottle_modelled_without_its_diamond) {
    auto body = [](double x, double y) { return x > 0.25 && x < 0.75 && y > 0.1 && y < 0.8; };
    auto diamond = [](double x, double y) { return std::abs(x - 0.5) / 0.15 + std::abs(y - 0.4) / 0.15 <= 1; };
    const Dataset data = grid_data(64, [&](double x, double y) { return !body(x, y) || diamond(x, y); });
    // Snapshot 0 predicts black everywhere (a constant); snapshots 1-2 draw the bottle without its diamond: white
    // outside the rectangle (sum of relu distances outside each side, minus a little).
    // Its first line starts at x = 0.35, touching the diamond's left vertex, and moves to the bottle's side.
    const Network constant = one_layer({{-1, 0, 0.35}, {1, 0, -0.75}, {0, -1, 0.1}, {0, 1, -0.8}}, {0, 0, 0, 0}, -1);
    const Network net = one_layer({{-1, 0, 0.25}, {1, 0, -0.75}, {0, -1, 0.1}, {0, 1, -0.8}}, {1, 1, 1, 1}, -1e-3);
    AnalysisOptions o;
    o.grid = 64;
    const RunAnalysis r = analyse_sequence({constant, net, net}, data, o);
    ASSERT_EQ(r.failure.parts.size(), 3u);  // background, body, diamond (largest first)
    const auto& bg = r.failure.parts[0];
    const auto& bd = r.failure.parts[1];
    const auto& dm = r.failure.parts[2];
    EXPECT_EQ(bg.label, 1);
    EXPECT_EQ(bd.label, 0);
    EXPECT_EQ(dm.label, 1);
    EXPECT_NEAR(dm.cx, 0.5, 0.02);
    EXPECT_NEAR(dm.cy, 0.4, 0.02);
    // The constant prediction is right on the whole body but models nothing: balanced accuracy 0.5.
    EXPECT_EQ(bd.accuracy[0], 1.0);
    for (const auto& p : r.failure.parts) EXPECT_LE(p.score[0], 0.5);
    EXPECT_GT(bg.accuracy.back(), 0.99);
    EXPECT_GT(bd.accuracy.back(), 0.99);
    EXPECT_EQ(dm.accuracy.back(), 0.0);
    EXPECT_EQ(dm.first_modelled, -1);
    EXPECT_FALSE(dm.modelled_at_end);
    EXPECT_EQ(bd.first_modelled, 1);  // not at snapshot 0
    EXPECT_EQ(bg.modelled_since, 1);
    // The body's surroundings include the white diamond it fails to carve out: still modelled, by a margin.
    EXPECT_TRUE(bd.modelled_at_end);
    int never = 0, modelled_at_0 = 0;
    for (const auto& e : r.events) {
        never += e.kind == "part_never_modelled" && e.text.find("part 3") != std::string::npos;
        modelled_at_0 += e.kind == "part_modelled" && e.snapshot == 0;
    }
    EXPECT_EQ(never, 1);
    EXPECT_EQ(modelled_at_0, 0);
    // Section 10: the neurons that came nearest to the diamond, when, and where they went. Brute-force reference:
    // 65 points evenly along a vertical line x = c, each one's distance to the nearest centre of a diamond pixel
    // next to another label, the mean of the nearest quarter (16).
    auto reference = [&](double c) {
        std::vector<double> d;
        for (int j = 0; j <= 64; ++j) {
            double best = INFINITY;
            for (int px = 0; px < 64 * 64; ++px) {
                const double x = data.X(px, 0), y = data.X(px, 1);
                if (!diamond(x, y) || !body(x, y)) continue;
                bool border = false;
                for (const auto& [dx, dy] : {std::pair{1.0, 0.0}, {-1.0, 0.0}, {0.0, 1.0}, {0.0, -1.0}})
                    border = border || !diamond(x + dx / 64, y + dy / 64);
                if (border) best = std::min(best, std::hypot(x - c, y - j / 64.0));
            }
            d.push_back(best);
        }
        std::sort(d.begin(), d.end());
        return std::accumulate(d.begin(), d.begin() + 16, 0.0) / 16;
    };
    ASSERT_EQ(dm.nearest.size(), 3u);
    EXPECT_EQ(dm.nearest[0], (NeuronId{1, 1}));
    EXPECT_EQ(dm.nearest_at[0], 0);
    EXPECT_NEAR(dm.nearest_distance[0][0], reference(0.35), 0.012);  // half a pixel's diagonal: the grid lookup
    EXPECT_NEAR(dm.nearest_end[0], reference(0.25), 0.012);
    EXPECT_GT(dm.nearest_end[0], dm.nearest_distance[0][0] + 0.05);   // it went away ...
    EXPECT_EQ(dm.nearest_start[0], dm.nearest_distance[0][0]);
    EXPECT_EQ(dm.nearest_went[0].rfind("tracks edge", 0), 0u) << dm.nearest_went[0];  // ... to the bottle's side
    const int side = r.roles[0].feature.back();
    ASSERT_GE(side, 0);
    for (Eigen::Index i = 0; i < r.features[side].points.rows(); ++i) EXPECT_NEAR(r.features[side].points(i, 0), 0.25, 1.0 / 64);
    EXPECT_EQ(dm.nearest_then_boundary.size(), 3u);
    // The report names the lost part; the JSON lists it as unmodelled at the end; the finding is threshold-stable.
    const std::string html = analysis_html({o, {r}});
    EXPECT_NE(html.find("Part 3"), std::string::npos);
    // Its picture: the part highlighted, the nearest neurons then (dashed) and at the end, over the target.
    const size_t lost = html.find("<div class='lost'>");
    ASSERT_NE(lost, std::string::npos);
    const std::string pic = html.substr(lost, html.find("</svg>", lost) - lost);
    EXPECT_NE(pic.find("fill='#f6b'"), std::string::npos);
    EXPECT_NE(pic.find("stroke-dasharray"), std::string::npos);
    EXPECT_NE(pic.find("<use href='#target0'/>"), std::string::npos);
    EXPECT_NE(html.find("<symbol id='target0'"), std::string::npos);
    EXPECT_EQ(analysis_to_json({o, {r}})["runs"][0]["failure"]["unmodelled_at_end"], nlohmann::json::array({2}));
    // The lost diamond is lost at every swept margin (the body, whose surroundings include the missing diamond,
    // drops out at the strictest one: that sweep is not stable, and says so).
    for (const auto& sw : r.sweeps)
        if (sw.detector == "failure") {
            for (double v : sw.values) EXPECT_LT(dm.score.back(), 0.5 + v);
            EXPECT_EQ(sw.findings[1], 1);
        }
    const double whole = 1.0 - static_cast<double>(dm.n_pixels) / (64 * 64);
    EXPECT_NEAR(r.failure.accuracy.back(), whole, 0.01);

    int n = 0;
    const auto id = label_components(data.label, 64, 64, &n);
    EXPECT_EQ(n, 3);
    EXPECT_EQ(id[0], id[63]);
}

TEST(analysis_test, three_classes_have_parts_per_class_and_regression_has_none) {
    // A three-class pie (sectors of 120 degrees about the centre). A constant prediction of class 0 models no part
    // (balanced accuracy at most 0.5 on each); the three parts carry their class labels and are named by class.
    Dataset pie = grid_data(48, [](double, double) { return false; });
    for (int i = 0; i < 48 * 48; ++i) {
        const double a = std::atan2(pie.X(i, 1) - 0.5, pie.X(i, 0) - 0.5) + std::numbers::pi;
        pie.label[i] = std::min(2, static_cast<int32_t>(a / (2 * std::numbers::pi / 3)));
    }
    pie.n_classes = 3;
    Network net;
    net.head = Head::softmax;
    net.layers.push_back(layer({{1, 0, -0.5}, {0, 1, -0.5}}));
    net.layers.push_back(layer({{0, 0, 1}, {0, 0, 0}, {0, 0, 0}}, Activation::linear));
    net.validate("test");
    AnalysisOptions o;
    o.grid = 48;
    const RunAnalysis r = analyse_sequence({net, net}, pie, o);
    ASSERT_TRUE(r.failure.has_parts);
    ASSERT_EQ(r.failure.parts.size(), 3u);
    std::set<int> labels;
    for (const auto& p : r.failure.parts) {
        labels.insert(p.label);
        EXPECT_LE(p.score.back(), 0.5);
        EXPECT_FALSE(p.modelled_at_end);
    }
    EXPECT_EQ(labels, (std::set<int>{0, 1, 2}));
    int named = 0;
    for (const auto& e : r.events)
        if (e.kind == "part_never_modelled") named += e.text.find("(class ") != std::string::npos;
    EXPECT_EQ(named, 3);

    // Regression (one output, no classes): no parts, no part events, and the report says so.
    Dataset bin = grid_data(32, [](double x, double) { return x > 0.5; });
    Network reg;
    reg.head = Head::regression;
    reg.layers.push_back(layer({{1, 0, -0.5}}));
    reg.layers.push_back(layer({{1, 0}}, Activation::linear));
    reg.validate("test");
    const RunAnalysis rr = analyse_sequence({reg, reg}, bin);
    EXPECT_FALSE(rr.failure.has_parts);
    EXPECT_TRUE(rr.failure.parts.empty());
    for (const auto& e : rr.events) EXPECT_EQ(e.kind.rfind("part_", 0), std::string::npos) << e.text;
    for (const auto& sw : rr.sweeps) EXPECT_NE(sw.detector, "failure");
    EXPECT_NE(analysis_html({AnalysisOptions{}, {rr}}).find("a regression run has no classes, so no target parts"), std::string::npos);
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
    EXPECT_EQ(j["format_version"], 2);
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

TEST(analysis_test, shifted_target_null_on_a_real_run_equals_brute_force) {
    // The bottle at 64 px with a 2-12-12-2 network's real initial snapshots: the null recomputed by hand from
    // compute_geometry's vertices and the shifted corners equals the report's, and the real score is the same
    // count on the unshifted corners.
    RunConfig c;
    c.task.resolution = 64;
    c.model.widths = {12, 12};
    const Dataset data = make_dataset(c.task);
    std::vector<SnapshotInfo> snaps;
    std::vector<std::vector<float>> params;
    for (int k = 0; k < 3; ++k) {
        SnapshotInfo s;
        s.iteration = k * 100;
        s.loss = 0.6;
        snaps.push_back(s);
        params.push_back(init_params(c.model, static_cast<uint64_t>(k + 7)));
    }
    const ginn::Run run = ginn::Run::in_memory(c, snaps, params, data, "mem");
    AnalysisOptions o;
    o.critical.radius = 0.05;  // generous, so that both scores are far from 0
    const AnalysisReport rep = analyze({&run}, o);
    const auto& cr = rep.runs[0].critical;
    ASSERT_GE(cr.corners.size(), 8u);
    const double shift = o.critical.null_shift;  // unit box: scale 1
    for (int k = 0; k < 3; ++k) {
        const Geometry g = compute_geometry(run.network(k));
        auto reached = [&](double dx, double dy, int* n_in) {
            int n = 0, hit = 0;
            for (const Corner& corner : cr.corners) {
                const double x = corner.x + dx, y = corner.y + dy;
                if (x < 0 || x > 1 || y < 0 || y > 1) continue;
                ++n;
                double best = INFINITY;
                for (Eigen::Index v = 0; v < g.vertices.rows(); ++v)
                    best = std::min(best, std::hypot(g.vertices(v, 0) - x, g.vertices(v, 1) - y));
                hit += best <= o.critical.radius;
            }
            *n_in = n;
            return n ? static_cast<double>(hit) / n : 0.0;
        };
        int n = 0;
        double null = 0;
        for (const auto& [dx, dy] : {std::pair{shift, 0.0}, {-shift, 0.0}, {0.0, shift}, {0.0, -shift}}) null += reached(dx, dy, &n) / 4;
        EXPECT_NEAR(cr.null_reached[k], null, 1e-12) << k;
        EXPECT_NEAR(cr.fraction_reached[k], reached(0, 0, &n), 1e-12) << k;
    }
}

// ------------------------------------------------------------------------------------------ neuron roles

TEST(analysis_test, a_neuron_on_the_target_edge_has_that_role_and_its_contribution) {
    // Target x > 0.5. Neuron 1 is x = 0.5 (on the outline, active on half the domain, outgoing weight 2);
    // neuron 2 is y = 0.5 (crosses the outline once), weight 0.5, also active on half the domain.
    const Network net = one_layer({{1, 0, -0.5}, {0, 1, -0.5}}, {2, 0.5}, -0.01);
    AnalysisOptions o;
    o.grid = 32;
    const RunAnalysis r = analyse_sequence({net, net}, grid_data(32, [](double x, double) { return x > 0.5; }), o);
    ASSERT_EQ(r.roles.size(), 2u);
    EXPECT_NEAR(r.roles[0].on_outline.back(), 1.0, 1e-12);
    EXPECT_EQ(r.roles[0].tracks_since, 0);
    EXPECT_NEAR(r.roles[0].contribution.back(), 2 * 0.5, 1e-12);  // |w_out| 2 times half the grid
    EXPECT_LT(r.roles[1].on_outline.back(), 0.1);                // only where it crosses x = 0.5
    EXPECT_EQ(r.roles[1].tracks_since, -1);
    EXPECT_NEAR(r.roles[1].contribution.back(), 0.5 * 0.5, 1e-12);
}

TEST(analysis_test, roles_name_the_edge_or_corner_each_neuron_tracks_and_when_it_changes) {
    // Target: the white square (0.3, 0.7)^2, four edges and four corners. Layer 1: L1:1 is the line x = 0.3 (left
    // edge) at snapshots 0-1 and y = 0.3 (bottom edge) at 2-3; L1:2 is x = 0.7 (right edge); L1:3 is y = x, the
    // diagonal through two corners that runs along no edge. Layer 2: L2:1 = relu(0.7 - x) - relu(y - x) - 0.005 is
    // zero on x = 0.695 (y < 0.695) and y = 0.695 (x < 0.695): it runs along the right and top edges into their
    // corner (0.7, 0.7).
    const Dataset data = grid_data(64, [](double x, double y) { return x > 0.3 && x < 0.7 && y > 0.3 && y < 0.7; });
    auto net_at = [](bool moved) {
        Network net;
        net.layers.push_back(layer({moved ? std::vector<double>{0, 1, -0.3} : std::vector<double>{1, 0, -0.3},
                                    {-1, 0, 0.7}, {-1, 1, 0}}));
        net.layers.push_back(layer({{0, 1, -1, -0.005}}));
        net.layers.push_back(layer({{0, 0}, {1, 0}}, Activation::linear));
        net.validate("test");
        return net;
    };
    AnalysisOptions o;
    o.grid = 64;
    const RunAnalysis r = analyse_sequence({net_at(false), net_at(false), net_at(true), net_at(true)}, data, o);
    int n_edges = 0, n_corners = 0;
    for (const auto& f : r.features) (f.corner ? n_corners : n_edges) += 1;
    EXPECT_EQ(n_edges, 4);
    EXPECT_EQ(n_corners, 4);
    // Each edge lies on one side of the square between two of its corners.
    auto on_side = [&](int f, double x, double y) {  // x or y < 0: that coordinate is free
        if (f < 0) return false;
        bool ok = !r.features[f].corner;
        for (Eigen::Index i = 0; i < r.features[f].points.rows(); ++i)
            ok = ok && (x < 0 || std::abs(r.features[f].points(i, 0) - x) < 1.0 / 64) &&
                 (y < 0 || std::abs(r.features[f].points(i, 1) - y) < 1.0 / 64);
        return ok;
    };
    for (const auto& f : r.features)
        if (!f.corner) {
            EXPECT_TRUE(f.corner_a >= 0 && f.corner_b >= 0 && f.corner_a != f.corner_b) << f.name;
        }
    ASSERT_EQ(r.roles.size(), 4u);
    const NeuronRole& moving = r.roles[0];
    EXPECT_TRUE(on_side(moving.feature[0], 0.3, -1) && on_side(moving.feature[1], 0.3, -1)) << moving.feature[0];
    EXPECT_TRUE(on_side(moving.feature[2], -1, 0.3) && on_side(moving.feature[3], -1, 0.3)) << moving.feature[2];
    ASSERT_EQ(moving.spans.size(), 2u);
    EXPECT_EQ(moving.spans[0].first, 0);
    EXPECT_EQ(moving.spans[0].last, 1);
    EXPECT_EQ(moving.spans[1].first, 2);
    EXPECT_EQ(moving.spans[1].last, 3);
    EXPECT_TRUE(on_side(r.roles[1].feature.back(), 0.7, -1));
    EXPECT_EQ(r.roles[2].feature, (std::vector<int>{-1, -1, -1, -1}));  // through two corners, along no edge
    const int corner = r.roles[3].feature.back();
    ASSERT_GE(corner, 0);
    EXPECT_TRUE(r.features[corner].corner);
    EXPECT_NEAR(r.features[corner].x, 0.7, 0.02);
    EXPECT_NEAR(r.features[corner].y, 0.7, 0.02);
    // Events: L1:1 changes role at snapshot 2, naming both edges; roles held from the start are no event.
    int changed = 0, others = 0;
    for (const auto& e : r.events) {
        if (e.kind == "role_changed" && e.snapshot == 2 && e.neurons == std::vector<NeuronId>{{1, 1}}) {
            ++changed;
            EXPECT_NE(e.text.find("from " + r.features[moving.feature[0]].name + " (around 0.3, "), std::string::npos) << e.text;
            EXPECT_NE(e.text.find(" to " + r.features[moving.feature[2]].name + " (around "), std::string::npos) << e.text;
        } else if (e.kind.rfind("role", 0) == 0) {
            ++others;
        }
    }
    EXPECT_EQ(changed, 1);
    EXPECT_EQ(others, 0);
    // The change lasts a third of training: the same at every swept roles.min_stay.
    for (const auto& sw : r.sweeps)
        if (sw.detector == "roles") {
            EXPECT_TRUE(sw.stable);
            ASSERT_EQ(sw.stable_findings.size(), 1u);
            EXPECT_EQ(sw.stable_findings[0].rfind("L1:1 changes role: from ", 0), 0u) << sw.stable_findings[0];
        }
    // JSON and HTML name them.
    const auto j = analysis_to_json({o, {r}})["runs"][0];
    EXPECT_EQ(j["features"].size(), 8u);
    EXPECT_EQ(j["roles"][0]["spans"].size(), 2u);
    const std::string html = analysis_html({o, {r}});
    EXPECT_NE(html.find(r.features[moving.feature[0]].name + " (0&ndash;100) &rarr; " + r.features[moving.feature[2]].name + " (200&ndash;300)"),
              std::string::npos);
    EXPECT_NE(html.find("1 role events are listed under the neuron roles above"), std::string::npos);
    EXPECT_EQ(html.find("L1:1 changes role", html.find("<h3>Timeline</h3>")), std::string::npos);  // not repeated there
}

// ------------------------------------------------------------------------------------------ loss phases

TEST(analysis_test, loss_drops_are_events_and_plateaus_are_not) {
    // Iterations 0, 100, ..., 1900; the loss sits at 0.7, falls to 0.2 between iterations 1000 and 1200, then sits.
    std::vector<Network> nets(20, one_layer({{1, 0, -0.5}}, {1}, -0.1));
    std::vector<double> loss(20);
    for (int k = 0; k < 20; ++k) loss[k] = k <= 10 ? 0.7 : k == 11 ? 0.45 : 0.2;
    const RunAnalysis r = analyse_sequence(nets, grid_data(16, [](double x, double) { return x > 0.5; }), {}, loss);
    ASSERT_EQ(r.loss_phases.drops.size(), 1u);
    EXPECT_EQ(r.loss_phases.drops[0].first, 10);
    EXPECT_EQ(r.loss_phases.drops[0].last, 12);
    EXPECT_NEAR(r.loss_phases.drops[0].to, 0.2, 1e-12);
    int drops = 0;
    for (const auto& e : r.events) drops += e.kind == "loss_drop" && e.snapshot == 10;
    EXPECT_EQ(drops, 1);
    // A flat loss has no drop.
    EXPECT_TRUE(analyse_sequence(nets, grid_data(16, [](double x, double) { return x > 0.5; })).loss_phases.drops.empty());
}

// ------------------------------------------------------------------------------------------ bad options

TEST(analysis_test, every_option_out_of_range_is_one_clear_error) {
    EXPECT_NO_THROW(validate(AnalysisOptions{}));
    const double nan = std::numeric_limits<double>::quiet_NaN();
    // (what to break, the flag or option the message must name)
    const std::vector<std::pair<std::function<void(AnalysisOptions&)>, std::string>> cases = {
        {[&](AnalysisOptions& o) { o.bias.phase_share = nan; }, "--bias-share"},
        {[&](AnalysisOptions& o) { o.bias.phase_share = 1.5; }, "--bias-share"},
        {[&](AnalysisOptions& o) { o.critical.radius = nan; }, "--corner-radius"},
        {[&](AnalysisOptions& o) { o.critical.radius = 0; }, "--corner-radius"},
        {[&](AnalysisOptions& o) { o.indecisive.late_fraction = 2; }, "--late-fraction"},
        {[&](AnalysisOptions& o) { o.copycat.min_length = -1; }, "--copycat-length"},
        {[&](AnalysisOptions& o) { o.copycat.max_disagreement = 0.7; }, "--copycat-disagreement"},
        {[&](AnalysisOptions& o) { o.copycat.max_distance = INFINITY; }, "--copycat-distance"},
        {[&](AnalysisOptions& o) { o.threads = -1; }, "--threads"},
        {[&](AnalysisOptions& o) { o.grid = 3; }, "--grid"},
        {[&](AnalysisOptions& o) { o.grid = 100000; }, "--grid"},
        {[&](AnalysisOptions& o) { o.dead.min_stay = -0.1; }, "--dead-stay"},
        {[&](AnalysisOptions& o) { o.failure.margin = 0.6; }, "--part-margin"},
        {[&](AnalysisOptions& o) { o.critical.margin = nan; }, "--corner-margin"},
        {[&](AnalysisOptions& o) { o.indecisive.min_jump = 0; }, "--indecisive-jump"},
        {[&](AnalysisOptions& o) { o.viewer = "a/b.html"; }, "viewer"},
        {[&](AnalysisOptions& o) { o.bias.min_phase_steps = 0; }, "bias.min_phase_steps"},
        {[&](AnalysisOptions& o) { o.critical.min_turn_degrees = 181; }, "critical.min_turn_degrees"},
        {[&](AnalysisOptions& o) { o.regions.every = -1; }, "regions.every"},
        {[&](AnalysisOptions& o) { o.margins.n_closest = -5; }, "margins.n_closest"},
        {[&](AnalysisOptions& o) { o.fragile.max_listed = -1; }, "fragile.max_listed"},
        {[&](AnalysisOptions& o) { o.loss.min_drop = 0; }, "loss.min_drop"},
        {[&](AnalysisOptions& o) { o.symmetry.min_overlap = nan; }, "symmetry.min_overlap"},
    };
    for (const auto& [breaks, name] : cases) {
        AnalysisOptions o;
        breaks(o);
        try {
            validate(o);
            ADD_FAILURE() << name << ": no error";
        } catch (const Error& e) {
            const std::string m = e.what();
            EXPECT_EQ(m.rfind(name, 0), 0u) << m;                  // names the flag or option first
            EXPECT_NE(m.find(name == "viewer" ? "a file name" : "a number in"), std::string::npos) << m;  // and the range
            EXPECT_EQ(m.find('\n'), std::string::npos) << m;
        }
    }
    // analyze_networks checks before any work (a NaN bias share used to loop forever).
    AnalysisOptions bad;
    bad.bias.phase_share = nan;
    const Network net = one_layer({{1, 0, -0.5}}, {1}, 0);
    EXPECT_THROW(analyse_sequence({net, net}, grid_data(8, [](double x, double) { return x > 0.5; }), bad), Error);
}

TEST(analysis_test, ginn_analyze_rejects_bad_flags_and_leaves_no_partial_reports) {
    namespace fs = std::filesystem;
    const fs::path dir = fs::temp_directory_path() / ("ginn_analysis_test_" + std::to_string(::getpid()));
    fs::remove_all(dir);
    auto ginn = [&](const std::string& args, std::string* err = nullptr) {
        const std::string e = (dir / "stderr").string();
        const int status = std::system((std::string(GINN_BINARY) + " " + args + " >/dev/null 2>" + e).c_str());
        if (err) *err = read_file(e);
        return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    };
    fs::create_directories(dir);
    const std::string run = (dir / "run").string();
    ASSERT_EQ(ginn("train -o " + run + " --resolution 16 --widths 4 --iterations 300 --snapshots every:100 --quiet"), 0);
    for (const std::string flag : {"--bias-share nan", "--corner-radius nan", "--late-fraction 2", "--copycat-length -1",
                                   "--threads -1"}) {
        const std::string out = (dir / "out").string();
        std::string err;
        EXPECT_NE(ginn("analyze " + run + " -o " + out + " " + flag, &err), 0) << flag;
        EXPECT_EQ(std::count(err.begin(), err.end(), '\n'), 1) << err;
        EXPECT_NE(err.find(flag.substr(0, flag.find(' '))), std::string::npos) << err;
        EXPECT_FALSE(fs::exists(out)) << flag << ": nothing is written";
    }
    // The viewer cannot be written (a directory has its name): no report.json or report.html either.
    const fs::path out = dir / "blocked";
    fs::create_directories(out / "viewer.html");
    std::string err;
    EXPECT_NE(ginn("analyze " + run + " -o " + out.string(), &err), 0);
    EXPECT_EQ(std::count(err.begin(), err.end(), '\n'), 1) << err;
    EXPECT_FALSE(fs::exists(out / "report.json"));
    EXPECT_FALSE(fs::exists(out / "report.html"));
    // And a good call writes all three.
    const fs::path good = dir / "good";
    EXPECT_EQ(ginn("analyze " + run + " -o " + good.string() + " --threads 1", &err), 0) << err;
    for (const char* f : {"report.json", "report.html", "viewer.html"}) EXPECT_TRUE(fs::exists(good / f)) << f;
    fs::remove_all(dir);
}

// The grid pass runs in float with a rounding-error bound and redoes the uncertain points in double: its classes
// must be those of a double forward() at every grid point, also where boundaries run through grid centres (every
// weight here is +-1 or a power of 2, so double's x - y is exact and float's rounded x_f - y_f often has another sign).
TEST(analysis_test, grid_classes_equal_double_precision_forward_on_boundaries_through_grid_points) {
    const int res = 200;
    const Network net = one_layer({{1, -1, 0}, {-1, 1, 0}, {1, 1, -1}, {1, 0, -0.5}}, {1, -1, 0.5, 0.25}, 0.0);
    const Dataset data = grid_data(res, [](double x, double y) { return x > y; });
    AnalysisOptions o;
    o.grid = res;
    std::vector<Geometry> geometry;
    const RunAnalysis r = analyze_networks({net}, {0}, {0.1}, {0.9}, data, o, "test", &geometry);
    const Eigen::MatrixXd X = pixel_centres(net.domain, res, res);  // #res^2 by 2, the analysis' grid
    const Eigen::MatrixXd Z = forward(net, X);                      // #res^2 by 2 logits, double precision
    const std::vector<int32_t> raster = target_raster(data, res, res);
    int64_t right = 0, on_diagonal = 0;
    for (Eigen::Index i = 0; i < X.rows(); ++i) {
        right += (Z(i, 1) > Z(i, 0) ? 1 : 0) == raster[static_cast<size_t>(i)];
        on_diagonal += std::abs(X(i, 0) - X(i, 1)) < 1e-12;
    }
    EXPECT_GT(on_diagonal, res / 2);  // the case is the one it means to be
    ASSERT_EQ(r.failure.accuracy.size(), 1u);
    EXPECT_EQ(r.failure.accuracy[0], static_cast<double>(right) / static_cast<double>(X.rows()));
    // the geometry handed out is the network's (the viewer draws it instead of computing it again)
    ASSERT_EQ(geometry.size(), 1u);
    const Geometry g = compute_geometry(net);
    EXPECT_EQ(geometry[0].counts.activation, g.counts.activation);
    EXPECT_EQ(geometry[0].decision_boundary.size(), g.decision_boundary.size());
    EXPECT_TRUE(geometry[0].regions.empty());
}

}  // namespace
}  // namespace ginn
